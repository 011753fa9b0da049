#!/usr/bin/env bash
# One prepared run for a leased GPU (the device tool: 15 minutes of device time per task in all, 10 a command,
# 64 MiB carried, no package registry there). Two halves:
#
#   bash bench/device_check.sh prep     # here: the wheels (bench/wheelhouse.py -> .whl/) and MNIST, xz-compressed (-> .devdata/)
#   bash bench/device_check.sh run      # there, as the device command, with carry [".whl", ".devdata"]
#
# `run` installs the wheels beside the device's torch, then, each step under its own time limit so that one
# overrun cannot eat the lease: `genstudy bench train --full` (old path against the fast one, ensembles against
# runs in sequence, MFU), the unit costs with the code as it is now (bench/unit_costs.py, for bench/gpu_estimate.py),
# and a smoke rerun through papermill (the same `genstudy rerun` as everywhere, proving the carried kernel stack).
# Everything it writes lands in $OUT (at most 8 files come back): copy the unit-costs JSON into
# results/unit_costs/ and the two printouts into the closing note.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

if [ "$mode" = prep ]; then
  .venv/bin/python bench/wheelhouse.py --dest .whl || exit 1   # the venv: its installed genstudy gives the dependency list
  mkdir -p .devdata
  for f in mnist-train mnist-test; do
    [ -f data/cache/$f.npz ] || .venv/bin/python -c "from genstudy.data import load_images; load_images('mnist', '${f#mnist-}')"
    xz -9 -T2 -c data/cache/$f.npz > .devdata/$f.npz.xz
  done
  cp data/manifest.json .devdata/
  grep -qxF '/.devdata/' .git/info/exclude 2>/dev/null || echo '/.devdata/' >> .git/info/exclude
  du -sh .whl .devdata
  exit 0
fi

: "${OUT:?run this as the device command: \$OUT is where results go}"
t0=$(date +%s)
sh .whl/install.sh || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 MPLBACKEND=Agg
mkdir -p data/cache && for f in .devdata/*.npz.xz; do xz -dc "$f" > "data/cache/$(basename "${f%.xz}")"; done
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
gs() { python3 -c "import sys; from genstudy.cli import main; sys.exit(main(sys.argv[1:]))" "$@"; }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/device.txt"
echo "== bench train ($(( $(date +%s) - t0 )) s in)"
timeout 240 bash -c "$(declare -f gs); gs bench train --full" 2>&1 | tee "$OUT/bench-train.txt"
echo "== unit costs ($(( $(date +%s) - t0 )) s in)"
timeout 200 python3 bench/unit_costs.py --out "$OUT" --budget-s 170 --commit "$commit" 2>&1 | tail -40 | tee "$OUT/unit-costs.txt"
echo "== smoke rerun through papermill ($(( $(date +%s) - t0 )) s in)"
timeout 120 bash -c "$(declare -f gs); gs rerun --profile smoke --only data_tour claims --no-docs --out \"$OUT/smoke\"" 2>&1 | tail -15 | tee "$OUT/rerun-smoke.txt"
echo "== done in $(( $(date +%s) - t0 )) s"
