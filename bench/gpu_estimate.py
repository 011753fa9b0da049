"""Expected wall time of each study notebook at a profile on a device, from unit costs measured on that
device (`bench/unit_costs.py`, JSON in results/unit_costs/) times the work the notebook does.

    python bench/gpu_estimate.py [UNIT_COSTS_JSON]      # default: the newest file in results/unit_costs/

The counts come from the budgets table the notebooks themselves read (`genstudy.budgets`: seeds, steps,
samples, NFE), so a budget changed there changes the estimate. What is not counted — CPU metric arithmetic
(KID, precision/recall, FID square roots), figure rendering, data loading outside training, Python set-up
— is listed per notebook, so an estimate is a lower bound where those are large.
"""
from __future__ import annotations
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The work of each notebook is counted from the one budgets table (`genstudy.budgets.workload`): (what, unit, count,
# extra), time = count * (unit cost + extra) in ms, where extra is a sum of other units per step.
sys.path.insert(0, str(ROOT))
from genstudy.budgets import workload

NOTEBOOKS = {'01_mode_coverage': 'mode_coverage', '03_stability': 'stability', '04_few_step': 'few_step', '05_quality': 'quality',
             '06_speed': 'speed', '07_conditional': 'conditional'}
WORKLOAD = {nb: workload(study, 'gpu') for nb, study in NOTEBOOKS.items()}
NOT_COUNTED = {
    '01_mode_coverage': 'mode statistics, PRC distance matrices (CPU)',
    '03_stability': 'Fréchet distances, run labels, figures (CPU; small)',
    '04_few_step': 'KID, PRC and FID arithmetic of 25 generators (CPU)',
    '05_quality': 'KID/PRC/FID arithmetic on 2,048-d Inception features with one BLAS thread, nearest-neighbour searches (CPU: minutes)',
    '06_speed': 'FLOP counting calls',
    '07_conditional': '99 torch-fidelity calls set up an extractor each; PRC arithmetic (CPU)',
}

def estimate(costs:dict)->dict:
    "{notebook: (seconds, [(what, seconds)], missing units)} from a unit-costs record's `units`."
    def ms(u): return costs[u]['ms_per_step'] if 'ms_per_step' in costs[u] else costs[u]['ms_per_image']
    out = {}
    for nb, items in WORKLOAD.items():
        rows, missing = [], []
        for what, unit, n, extra in items:
            try: rows.append((what, n * (ms(unit) + sum(k * ms(u) for u, k in extra)) / 1e3))
            except KeyError as e: missing.append(str(e))
        out[nb] = (sum(s for _, s in rows), rows, missing)
    return out

def _fmt(s): return f"{s / 3600:.1f} h" if s >= 5400 else f"{s / 60:.0f} min"

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else max((ROOT/'results'/'unit_costs').glob('unit-costs-*.json'), key=lambda p: p.stat().st_mtime)
    rec = json.loads(path.read_text())
    dev = rec['env'].get('gpu', {}).get('name') or rec['env'].get('device_name')
    print(f"gpu-profile time per notebook, estimated from unit costs measured on {dev} ({path.name}; commit {str(rec['env'].get('commit'))[:7]})")
    total = 0.
    for nb, (s, rows, missing) in estimate(rec['units']).items():
        total += s
        top = sorted(rows, key=lambda r: -r[1])[:3]
        print(f"  {nb:<17} {_fmt(s):>7}   largest: " + '; '.join(f"{w} {_fmt(t)}" for w, t in top)
              + (f"   MISSING units: {missing}" if missing else '') + f"   not counted: {NOT_COUNTED.get(nb, '-')}")
    print(f"  {'all':<17} {_fmt(total):>7}")

if __name__ == '__main__': main()
