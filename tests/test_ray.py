"""The Ray executor on a local 2-worker Ray cluster (CPU), as issue 17 asks: a small grid gives the same records as
the local executor, a worker killed mid-run has its task retried and resumed from the checkpoint, and
`genstudy rerun --executor ray --profile smoke` ends with the same outputs as the local smoke rerun (the session's
`smoke_run`)."""
import json, os, re, shutil, signal, threading, time
from pathlib import Path
import pytest
from conftest import ROOT, BIN, run

ray = pytest.importorskip('ray', reason="the Ray tests need the ray extra: pip install 'genstudy[ray]'")
from genstudy.core import out_dirs
from genstudy.grid import RunSpec, run_grid, ckpt_dir_of

# wall-clock metrics (ms_per_step, s_per_step, train_s, train_s_total, ...) and the run's own checkpoint path differ by nature
TIMING = re.compile(r'(^|_)(ms|s)(_|$)|time|checkpoint')


def _outputs(base:Path)->dict:
    "What a smoke rerun leaves: figure names, executed notebooks, and each study's records by (name, seed, status)."
    recs = {}
    for p in sorted((base/'results').rglob('*.json')):
        r = json.loads(p.read_text())
        if r.get('study') == 'rerun': continue
        recs.setdefault(r['study'], []).append((r['name'], r['seed'], r['status']))
    return dict(figures=sorted(p.name for p in (base/'figures').glob('*.png')),
                notebooks=sorted(p.name for p in (base/'nbs'/'study').glob('*.ipynb')),
                records={k: sorted(v, key=str) for k, v in recs.items()})


def test_rerun_on_ray_matches_the_local_smoke_rerun(smoke_run):
    "First in this file: its own process starts its own local cluster, before the module's cluster below exists."
    local_res = smoke_run[0]
    n = len([p for p in (ROOT/'nbs'/'study').glob('*.ipynb') if not p.name.startswith(('_', '.'))])
    # the local notebooks must all have run (its docs build is test_project's business)
    assert len(re.findall(r'^\s+\[\d+/\d+\] .* ok ', local_res.stdout, re.M)) == n, local_res.stdout[-2000:]
    out = ROOT/'scratch'/'smoke-ray'
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    res = run([str(BIN/'genstudy'), 'rerun', '--executor', 'ray', '--profile', 'smoke', '--out', 'scratch/smoke-ray', '--no-docs'])
    print(res.stdout[-3000:]); print(f"ray smoke rerun: {time.perf_counter() - t0:.0f} s wall")
    assert res.returncode == 0, f"{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    lines = re.findall(r'^\s+\[(\d+)/(\d+)\] (\S+)\s+ok ', res.stdout, re.M)
    assert len(lines) == n and lines[-1][2].endswith('claims'), res.stdout   # every notebook, the claims page last
    assert str(ROOT) not in res.stdout, "printed lines carry the machine's path"
    local, remote = _outputs(ROOT/'scratch'/'smoke'), _outputs(out)
    assert remote == local
    for nb in (out/'nbs'/'study').glob('*.ipynb'):   # papermill's injected cell names the output folder relative to the notebook
        cells = [c for c in json.loads(nb.read_text())['cells'] if 'injected-parameters' in c.get('metadata', {}).get('tags', [])]
        assert cells and str(ROOT) not in ''.join(cells[0]['source']), f"{nb.name}: {cells and cells[0]['source']}"


@pytest.fixture(scope='module')
def cluster():
    "A local Ray cluster of two 1-CPU workers, like CI's 2-core machine."
    from genstudy.grid import ray_connect
    assert ray_connect(num_cpus=2), "a Ray cluster was already connected"
    yield ray
    ray.shutdown()


def _records(df)->list[dict]:
    out = []
    for p in df.path:
        r = json.loads(Path(p).read_text())
        out.append(dict(name=r['name'], seed=r['seed'], status=r['status'], config=r['config'],
                        metrics={k: v for k, v in r['metrics'].items() if not TIMING.search(k)},
                        logs={k: v for k, v in r['logs'].items() if k != 'checkpoints'}))
    return out


def test_grid_on_ray_gives_the_local_records(cluster, tmp_path):
    specs = [RunSpec('grid_smoke', name, family, dict(data='ring', n_eval=300, **extra), seed=seed, budget=100)
             for seed in (0, 1) for name, family, extra in (('GAN (NS)', 'gan', dict(cfg='ns')), ('diffusion', 'diffusion', {}))]
    t0 = time.perf_counter(); local = run_grid(specs, 'smoke', out=tmp_path/'local'); t_local = time.perf_counter() - t0
    t0 = time.perf_counter(); remote = run_grid(specs, 'smoke', out=tmp_path/'ray', executor='ray'); t_ray = time.perf_counter() - t0
    print(f"smoke grid of {len(specs)} runs: local executor {t_local:.1f} s, Ray (2 local workers, cluster already up) {t_ray:.1f} s")
    assert len(local) == len(remote) == len(specs)
    a, b = _records(local), _records(remote)
    # same names, seeds, configs and numbers: compared as JSON text, so NaN equals NaN
    differ = [(x['name'], x['seed'], part, k) for x, y in zip(a, b) for part in ('name', 'seed', 'status', 'config', 'metrics', 'logs')
              for k in (set(x[part]) | set(y[part]) if isinstance(x[part], dict) else [part])
              if json.dumps(x[part].get(k) if isinstance(x[part], dict) else x[part], sort_keys=True)
              != json.dumps(y[part].get(k) if isinstance(y[part], dict) else y[part], sort_keys=True)]
    assert not differ, f"the Ray executor's records differ from the local ones in {differ}"
    assert {r['status'] for r in a} == {'ok'}


def test_killed_worker_is_retried_and_resumes_from_its_checkpoint(cluster, tmp_path):
    spec = RunSpec('grid_kill', 'diffusion', 'diffusion', dict(data='ring', ckpt_every=25, n_eval=300), seed=0, budget=500)
    ckpt, lines, box = ckpt_dir_of(spec, out_dirs('smoke', tmp_path)), [], {}
    th = threading.Thread(target=lambda: box.update(df=run_grid([spec], 'smoke', out=tmp_path, executor='ray', log=lines.append)))
    th.start()
    deadline = time.time() + 300
    while time.time() < deadline and not list(ckpt.glob('ckpt-*.pt')): time.sleep(0.1)
    owner = json.loads((ckpt/'running.json').read_text())
    os.kill(owner['pid'], signal.SIGKILL)                  # the worker process training the run
    th.join(600)
    assert 'df' in box and len(box['df']) == 1, lines
    rec = json.loads(Path(box['df'].path[0]).read_text())
    assert rec['status'] == 'ok' and rec['metrics']['steps'] == 500, rec['metrics']
    assert rec['metrics']['resumed_from'] >= 25, rec['metrics']           # resumed, not started over
    assert rec['grid']['pid'] != owner['pid'], "the record was written by the killed worker"
    assert any('resumed from step' in l for l in lines), lines
