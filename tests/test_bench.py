"""The device scripts in bench/: the gpu-time estimate covers every study notebook that trains, from the
committed unit-cost record, and the plain-Python runner runs a study notebook end to end."""
import importlib.util, json, sys
from pathlib import Path
from conftest import ROOT, BIN, run

def _load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT/'bench'/f"{name}.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

def test_gpu_estimate_covers_the_study():
    "Every study notebook but the data tour and the claims has a workload, and the committed record has every unit it names."
    est = _load('gpu_estimate')
    nbs = {p.stem for p in (ROOT/'nbs'/'study').glob('[0-9]*.ipynb')} - {'00_data_tour', '09_claims'}
    assert set(est.WORKLOAD) == nbs, f"bench/gpu_estimate.py WORKLOAD does not match the study notebooks: {sorted(set(est.WORKLOAD) ^ nbs)}"
    recs = sorted((ROOT/'results'/'unit_costs').glob('unit-costs-*.json'))
    assert recs, "no unit-costs record in results/unit_costs/"
    units = json.loads(recs[-1].read_text())['units']
    out = est.estimate(est.with_proxies(units, units)[0])   # a unit no device has measured yet stands in by its modelled proxy
    for nb, (s, rows, missing) in out.items():
        assert not missing, f"{nb}: units missing from {recs[-1].name}: {missing}"
        assert s > 0 and all(t > 0 for _, t in rows), (nb, rows)

def test_gpu_projection_scales_fixed_cost_only():
    "--project: a step's fixed cost scales with the dispatched-operator ratio, the part that grows with the batch does not; the kept CPU counts cover every training unit."
    est = _load('gpu_estimate')
    units = {'diff/unet-gpu-bs64': dict(ms_per_step=60.), 'diff/unet-gpu-bs128': dict(ms_per_step=80.), 'gan/dcgan-ns-ch64-bs64': dict(ms_per_step=8.),
             'gan/dcgan-ns-ch64-bs128': dict(ms_per_step=12.), 'toy/gan-mlp-bs512': dict(ms_per_step=7.), 'fwd/unet-gpu-b1': dict(ms_per_image=5.)}
    ratios = {'unet-gpu': 0.5, 'dcgan-ns': 0.25, f"mlp-gan-2d ensemble of {est.ENSEMBLE}, per member": 0.1}
    out, why = est.project(units, ratios)
    assert abs(out['diff/unet-gpu-bs128']['ms_per_step'] - (40 * 0.5 + 40)) < 1e-9      # 20 ms an image-batch of 64: fixed 40 ms at bs 128
    assert abs(out['gan/dcgan-ns-ch64-bs64']['ms_per_step'] - (4 * 0.25 + 4)) < 1e-9
    assert abs(out['toy/gan-mlp-bs512']['ms_per_step'] - 0.7) < 1e-9                    # 2-D MLPs: all fixed cost
    assert out['fwd/unet-gpu-b1'] == units['fwd/unet-gpu-b1'] and 'fwd/unet-gpu-b1' not in why   # sampling units are not training steps
    kept = json.loads(est.COUNTS.read_text())
    have = {r['config'] for r in kept['logs']['rows'] if r.get('ops old') and r.get('ops new')}
    rec = json.loads(sorted((ROOT/'results'/'unit_costs').glob('unit-costs-*.json'))[-1].read_text())
    need = {est._config_of(u) for u in rec['units'] if est._config_of(u)}
    assert need <= have, f"dispatch counts missing for {sorted(need - have)}: python bench/gpu_estimate.py --project --refresh"

def test_gpu_proxy_scales_the_growing_part_only():
    "A unit not yet measured is its stand-in's fixed cost plus the stand-in's growing part times the FLOPs ratio; a measured unit is kept."
    est = _load('gpu_estimate')
    units = {'gan/dcgan-ns-ch64-bs64': dict(ms_per_step=8.), 'gan/dcgan-ns-ch64-bs128': dict(ms_per_step=12.)}   # 4 ms per 64 images: 8 ms grow at bs 128
    units.update({base: dict(ms_per_step=10.) for base, _, _ in est.PROXIES.values() if base not in units})   # other stand-ins: 10 ms a step
    out, used = est.with_proxies(units, units)
    assert set(used) == set(est.PROXIES)
    for u, (base, imgs, k) in est.PROXIES.items():
        grow = min(units[base]['ms_per_step'], 4. / 64 * imgs)   # the DCGAN's batch-size slope times the stand-in's images a step, at most its whole step
        assert abs(out[u]['ms_per_step'] - (units[base]['ms_per_step'] - grow + grow * k)) < 1e-9 and used[u][0] == base, u
        assert est.with_proxies({**units, u: dict(ms_per_step=1.)}, units)[0][u]['ms_per_step'] == 1.   # measured: no proxy
    u = 'gan/dcgan32-ns-ch128-bs128'; k = est.PROXIES[u][2]
    assert abs(out[u]['ms_per_step'] - (4. + 8. * k)) < 1e-9   # the quality page's DCGAN from the 28×28 one at bs 128: fixed 4 ms, growing 8 ms

def test_exec_study_runs_a_notebook(tmp_path):
    "bench/exec_study.py runs the claims notebook at smoke into a scratch folder and writes a run-record-shaped summary."
    res = run([str(BIN/'python'), str(ROOT/'bench'/'exec_study.py'), '--profile', 'smoke', '--out', str(tmp_path), '--only', '09_claims'], cwd=ROOT)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    summary = json.loads((tmp_path/'exec-study.json').read_text())
    assert summary['status'] == 'ok' and {'study', 'run_id', 'status', 'profile'} <= summary.keys()
    assert [n['notebook'] for n in summary['notebooks']] == ['09_claims']

def test_bench_recipes_quick():
    "`genstudy bench recipes` (quick mode: seconds a model) trains the textbook references and genstudy's recipes and prints both families' ratio."
    res = run([str(BIN/'genstudy'), 'bench', 'recipes'], cwd=ROOT)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    assert res.stdout.count('FID[mnist-cnn]') >= 4 and 'diffusion: genstudy / textbook' in res.stdout and 'GAN: genstudy / textbook' in res.stdout

def test_ray_projection_runs_on_the_committed_records():
    "`bench/ray_projection.py` projects the Ray study from results/rerun/ (one-after-another times, one Ray rerun's slowdowns)."
    res = run([str(BIN/'python'), str(ROOT/'bench'/'ray_projection.py'), '--alone', '01_mode_coverage=45.5'], cwd=ROOT)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    assert res.stdout.count(' h) against ') == 2 and 'measured slowdowns' in res.stdout, res.stdout
    bad = run([str(BIN/'python'), str(ROOT/'bench'/'ray_projection.py'), '--alone', 'x'], cwd=ROOT)
    assert bad.returncode == 2 and 'NAME=MINUTES' in bad.stderr

def test_ray_slowdown_pairs_each_ray_time_with_the_alone_time_before_it(tmp_path):
    "A page timed alone again after its Ray rerun (more work since) keeps the slowdown of the version Ray ran, not ray / newest alone."
    proj = _load('ray_projection')
    d = tmp_path/'rerun'; d.mkdir()
    def rec(i, started, executor, minutes):
        json.dump(dict(study='rerun', run_id=f"r{i}", status='ok', profile='cpu', started=started, config=dict(executor=executor), env=dict(device='cpu'),
                       logs=dict(notebooks={'02_search': dict(wall_time_s=60 * minutes, ok=True)})), open(d/f"r{i}.json", 'w'))
    rec(1, '2026-12-04T10:00:00Z', 'local', 10.)   # the page alone
    rec(2, '2026-12-04T12:00:00Z', 'ray', 15.)     # the same page on one thread beside another
    rec(3, '2026-12-04T14:00:00Z', 'local', 20.)   # the page grew: alone again, twice the work
    from genstudy.core import get_profile
    assert proj.slowdowns(get_profile('cpu'), tmp_path) == {'02_search': 1.5}
