"""Expected wall time of each study notebook at a profile on a device, from unit costs measured on that
device (`bench/unit_costs.py`, JSON in results/unit_costs/) times the work the notebook does.

    python bench/gpu_estimate.py [UNIT_COSTS_JSON]      # default: the newest file in results/unit_costs/
    python bench/gpu_estimate.py --project [--refresh] [UNIT_COSTS_JSON]   # the same units scaled to the fast step (a projection)

`--project` is for when the unit costs were measured with the old training step and no device is at hand to
measure the new one. It scales each training unit by what carries over from a CPU: the operators a step
dispatches, old path against the fast one (`genstudy.bench_train.dispatch_counts`, counted on this CPU and kept in
results/unit_costs/dispatch-counts-cpu.json). The model: an old GPU step = fixed cost + a part that grows with the
images per step; the batch-size slope of the old units (two batch sizes of the UNet and of the DCGAN) gives the
growing part, the rest is fixed cost, and fixed cost scales with the number of dispatched operators (kernel
launches). The 2-D mixtures' units use the per-member count of an ensemble of 4, the size the mode-coverage page
trains at least. Not counted: bf16, torch.compile, CUDA graphs, cuDNN autotuning (all on in the gpu profile's fast
step), so a projection errs long; it is no measurement, and says so.

The counts come from the budgets table the notebooks themselves read (`genstudy.budgets`: seeds, steps,
samples, NFE), so a budget changed there changes the estimate. What is not counted — CPU metric arithmetic
(KID, precision/recall, FID square roots), figure rendering, data loading outside training, Python set-up
— is listed per notebook, so an estimate is a lower bound where those are large.
"""
from __future__ import annotations
import copy, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The work of each notebook is counted from the one budgets table (`genstudy.budgets.workload`): (what, unit, count,
# extra), time = count * (unit cost + extra) in ms, where extra is a sum of other units per step.
sys.path.insert(0, str(ROOT))
from genstudy.budgets import workload, GAN_STEPS_PER_UNET_STEP, GAN32_STEPS_PER_UNET_STEP, STACKED_GAN_FLOPS_RATIO

NOTEBOOKS = {'01_mode_coverage': 'mode_coverage', '02_search': 'search', '03_stability': 'stability', '04_few_step': 'few_step',
             '05_quality': 'quality', '06_speed': 'speed', '07_conditional': 'conditional', '08_narrow': 'narrow'}
WORKLOAD = {nb: workload(study, 'gpu') for nb, study in NOTEBOOKS.items()}
NOT_COUNTED = {
    '01_mode_coverage': 'mode statistics, PRC distance matrices (CPU)',
    '03_stability': 'Fréchet distances, run labels, figures (CPU; small)',
    '04_few_step': 'KID, PRC and FID arithmetic of 25 generators (CPU)',
    '02_search': 'KID/FID arithmetic of the trials (CPU; small)',
    '05_quality': 'KID/PRC/FID arithmetic on 2,048-d Inception features with one BLAS thread, nearest-neighbour searches (CPU: minutes)',
    '08_narrow': 'as the quality page, for one data set',
    '06_speed': 'FLOP counting calls',
    '07_conditional': '99 torch-fidelity calls set up an extractor each; PRC arithmetic (CPU)',
}

# Units a device has not yet measured, stood in for by a measured unit of the same kind: (stand-in, its images a step, FLOPs
# ratio). The stand-in's step splits as in the projection's model into a fixed part (launches; the same for both) and a
# part that grows with the work (its batch-size slope), and only the growing part is scaled by the FLOPs ratio. A model, not a
# measurement: printed as one.
PROXIES = {'gan/dcgan32-ns-ch128-bs128': ('gan/dcgan-ns-ch64-bs128', 128, GAN_STEPS_PER_UNET_STEP / GAN32_STEPS_PER_UNET_STEP),
           'gan/dcgan-3ch-pac2-ch192-bs64': ('gan/dcgan-3ch-pac2-ch64-bs64', 64, STACKED_GAN_FLOPS_RATIO)}   # mode coverage's Stacked MNIST DCGAN

def _dcgan_slope(units:dict)->float:
    "ms per image of the measured DCGAN step: its batch-size slope between batch 64 and 128."
    return (units['gan/dcgan-ns-ch64-bs128']['ms_per_step'] - units['gan/dcgan-ns-ch64-bs64']['ms_per_step']) / 64

def with_proxies(units:dict, measured:dict)->tuple:
    "(units with each missing unit of `PROXIES` modelled from its stand-in, {unit: (stand-in, ratio, fixed ms, growing ms, ms)})."
    out, used = dict(units), {}
    ms = lambda u: measured[u]['ms_per_step']
    if not all('ms_per_step' in measured.get(u, {}) for u in ('gan/dcgan-ns-ch64-bs128', 'gan/dcgan-ns-ch64-bs64')): return out, used
    slope = _dcgan_slope(measured)
    for u, (base, imgs, k) in PROXIES.items():
        if u in units or 'ms_per_step' not in units.get(base, {}): continue
        grow = min(ms(base), max(slope, 0.) * imgs)
        fixed = units[base]['ms_per_step'] - grow   # as measured, or as projected to the fast step
        out[u] = {**units[base], 'ms_per_step': fixed + k * grow, 'proxy': base}
        used[u] = (base, k, fixed, grow, fixed + k * grow)
    return out, used

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

# --- projection -----------------------------------------------------------------------------------------------------
COUNTS = ROOT/'results'/'unit_costs'/'dispatch-counts-cpu.json'
ENSEMBLE = 4   # members of the smallest 2-D ensemble the mode-coverage page trains (its search)

def _config_of(unit:str)->str|None:
    "The `bench_train` configuration whose dispatch counts stand for a training unit (None: not a training step)."
    if unit.startswith('diff/unet-gpu'): return 'unet-gpu'
    if unit.startswith('gan/dcgan-wgangp'): return 'dcgan-wgan-gp'
    if unit.startswith(('gan/dcgan', 'gan/progressive')): return 'dcgan-ns'
    if unit.startswith('toy/gan-mlp'): return f"mlp-gan-2d ensemble of {ENSEMBLE}, per member"
    if unit.startswith('toy/diffusion-mlp'): return 'mlp-diffusion-2d'
    return None

def _images_per_step(unit:str)->int:
    bs = int(re.search(r'bs(\d+)', unit).group(1)) if re.search(r'bs(\d+)', unit) else 1
    return bs * (5 if 'wgangp' in unit else 1)   # WGAN-GP: five critic batches a generator step

def dispatch_ratios(refresh:bool=False)->dict:
    "{config: ops new / ops old} from the kept CPU counts (counted afresh, ~2 min, when missing or `refresh`)."
    if refresh or not COUNTS.exists():
        from genstudy.bench_train import dispatch_counts
        from genstudy.core import env_info, atomic_write_text
        import time
        t0, started = time.perf_counter(), time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
        rows = dispatch_counts(ensemble=ENSEMBLE)
        rec = dict(study='unit_costs', name='dispatch-counts-cpu', run_id=f"dispatch-counts-cpu-{started.replace('-', '').replace(':', '')}", seed=None,
                   profile=None, config=dict(ensemble=ENSEMBLE, steps=[2, 6], what='genstudy.bench_train.dispatch_counts'), status='ok', started=started,
                   wall_time_s=round(time.perf_counter() - t0, 1), metrics={}, logs=dict(rows=rows), env=env_info('cpu'))
        atomic_write_text(COUNTS, json.dumps(rec, indent=1, default=str) + '\n')   # shaped as a run record, so load_records reads it
    rec = json.loads(COUNTS.read_text())
    return {r['config']: r['ops new'] / r['ops old'] for r in rec['logs']['rows'] if r.get('ops old') and r.get('ops new')}

def project(units:dict, ratios:dict)->tuple:
    "(units scaled to the fast step, {unit: (old ms, fixed ms, growing ms, ratio, new ms)}) by the model in the docstring."
    ms = lambda u: units[u]['ms_per_step']
    slope = {'unet-gpu': (ms('diff/unet-gpu-bs128') - ms('diff/unet-gpu-bs64')) / 64,      # ms per image, old step on the device
             'dcgan': _dcgan_slope(units)}
    out, why = copy.deepcopy(units), {}
    for u, v in units.items():
        cfg = _config_of(u)
        if cfg is None or 'ms_per_step' not in v or cfg not in ratios: continue
        per_img = slope['unet-gpu'] if cfg == 'unet-gpu' else slope['dcgan'] if cfg.startswith('dcgan') else 0.   # 2-D MLPs: launch-bound
        grow = min(v['ms_per_step'], max(per_img, 0.) * _images_per_step(u))
        fixed = v['ms_per_step'] - grow
        new = fixed * ratios[cfg] + grow
        out[u] = {**v, 'ms_per_step': new}
        why[u] = (v['ms_per_step'], fixed, grow, ratios[cfg], new)
    return out, why

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    proj, refresh = '--project' in argv, '--refresh' in argv
    argv = [a for a in argv if a not in ('--project', '--refresh')]
    path = Path(argv[0]) if argv else max((ROOT/'results'/'unit_costs').glob('unit-costs-*.json'), key=lambda p: p.stat().st_mtime)
    rec = json.loads(path.read_text())
    dev = rec['env'].get('gpu', {}).get('name') or rec['env'].get('device_name')
    units = rec['units']
    if proj:
        units, why = project(units, dispatch_ratios(refresh))
        print(f"PROJECTION, not a measurement: the old-step unit costs measured on {dev} ({path.name}) with each training step's fixed "
              f"cost scaled by the operators the fast step dispatches against the old one (counted on the CPU, {COUNTS.name}); "
              f"bf16, compile and autotuning not counted")
        for u, (old, fixed, grow, r, new) in why.items():
            print(f"  {u:<30} old {old:6.1f} ms = fixed {fixed:6.1f} + growing {grow:5.1f};  ops new/old {r:.2f}  ->  {new:6.1f} ms")
    units, proxied = with_proxies(units, rec['units'])
    for u, (base, k, fixed, grow, ms) in proxied.items():
        print(f"PROXY, not measured on {dev}: {u} = {base}'s fixed {fixed:.1f} ms + its growing {grow:.1f} ms x {k:.2f} (FLOPs per step) "
              f"= {ms:.1f} ms a step (a model; the device script measures it)")
    print(f"gpu-profile time per notebook, {'projected' if proj else 'estimated'} from unit costs measured on {dev} ({path.name}; "
          f"commit {str(rec['env'].get('commit'))[:7]})")
    total = 0.
    for nb, (s, rows, missing) in estimate(units).items():
        total += s
        top = sorted(rows, key=lambda r: -r[1])[:3]
        print(f"  {nb:<17} {_fmt(s):>7}   largest: " + '; '.join(f"{w} {_fmt(t)}" for w, t in top)
              + (f"   MISSING units: {missing}" if missing else '') + f"   not counted: {NOT_COUNTED.get(nb, '-')}")
    print(f"  {'all':<17} {_fmt(total):>7}" + (f"   (target 45 min: {'met' if total <= 2700 else f'missed by {_fmt(total - 2700)}'})" if proj else ''))

if __name__ == '__main__': main()
