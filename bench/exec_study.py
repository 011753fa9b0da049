"""Run the study notebooks' code cells in plain Python, without Jupyter: for a machine that has torch
but not papermill's kernel stack (a leased GPU with nothing to install from). Each notebook runs in a
fresh namespace with its `parameters` cell replaced by the given profile and output folder; a failing
notebook is reported (cell number and traceback) and the next one runs. Prints one line per notebook
with its wall time and writes a JSON summary. `genstudy rerun` (papermill) stays the way to rerun the
study; this only checks that the notebooks' code runs on a device.

    python bench/exec_study.py --profile smoke --out DIR [--only NAME ...]
"""
from __future__ import annotations
import argparse, json, os, re, sys, time, traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault('MPLBACKEND', 'Agg')

def _has_ipython()->bool:
    try: import IPython.display  # noqa: F401
    except ImportError: return False
    return True

def _image(*a, **k): return f"<image {a[0] if a else k.get('filename')}>"

def _cells(path:Path)->list:
    nb = json.loads(path.read_text())
    return [c for c in nb['cells'] if c['cell_type'] == 'code']

def run_notebook(path:Path, profile:str, out_dir:Path)->dict:
    ns = {'__name__': '__main__', 'display': lambda *a, **k: print(*a), 'Image': _image}
    ipython = _has_ipython()
    t0, i = time.perf_counter(), -1
    try:
        for i, c in enumerate(_cells(path)):
            tags = c.get('metadata', {}).get('tags', [])
            if 'injected-parameters' in tags: continue
            src = ''.join(c['source'])
            if 'parameters' in tags: src = f"profile = {profile!r}\nout_dir = {str(out_dir)!r}\n"
            if src.lstrip().startswith(('%', '!')): continue
            if not ipython:   # the namespace's display/Image stand in for IPython.display's (a module stub would confuse matplotlib)
                src = re.sub(r'^from IPython\.display import .*$', 'pass', src, flags=re.M)
            exec(compile(src, f"{path.name}[cell {i}]", 'exec'), ns)
        import matplotlib.pyplot as plt; plt.close('all')
        return dict(notebook=path.stem, status='ok', wall_s=round(time.perf_counter() - t0, 1), cells=i + 1)
    except Exception as e:
        return dict(notebook=path.stem, status='failed', wall_s=round(time.perf_counter() - t0, 1), cell=i,
                    error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc()[-4000:])

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--profile', default='smoke')
    ap.add_argument('--out', required=True, help='output folder (figures/, results/, scratch/ go under it)')
    ap.add_argument('--only', nargs='*', default=None, help='notebook names (default: every study notebook)')
    ap.add_argument('--summary', default=None, help='JSON summary file (default: OUT/exec-study.json)')
    a = ap.parse_args(argv)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    nbs = sorted((ROOT/'nbs'/'study').glob('[0-9]*.ipynb'))
    if a.only: nbs = [p for p in nbs if p.stem in a.only or p.stem.split('_', 1)[-1] in a.only]
    from genstudy.core import env_info, atomic_write_text
    summary = dict(study='exec_study', name='exec-study', run_id=f"exec-study-{a.profile}-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}",
                   status='running', profile=a.profile, seed=None, env=env_info(), notebooks=[])   # a run record's keys: load_records reads it
    def save(): atomic_write_text(Path(a.summary or out/'exec-study.json'), json.dumps(summary, indent=1, default=str), overwrite=True)
    for p in nbs:
        print(f"{p.stem} ...", flush=True)
        r = run_notebook(p, a.profile, out)
        summary['notebooks'].append(r)
        print(f"{p.stem}: {r['status']} in {r['wall_s']} s" + (f" — cell {r['cell']}: {r['error']}" if r['status'] != 'ok' else ''), flush=True)
        if r['status'] != 'ok': print(r['traceback'], flush=True)
        save()   # after each notebook, so a killed run leaves what it did
    bad = [r['notebook'] for r in summary['notebooks'] if r['status'] != 'ok']
    summary['status'] = 'failed' if bad else 'ok'; save()
    print(f"{len(nbs) - len(bad)}/{len(nbs)} notebooks ran" + (f"; failed: {', '.join(bad)}" if bad else ''))
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main())
