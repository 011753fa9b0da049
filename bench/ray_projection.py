"""The whole study's wall-clock under `genstudy rerun --executor ray`, projected from measured page times.

    python bench/ray_projection.py [--profile cpu] [--slots 2] [--alone 01_mode_coverage=45.5 ...]

Each page's time alone comes from the newest one-after-another rerun that ran it (`genstudy.rerun.notebook_minutes`,
results/rerun/); its slowdown on one thread beside another page from the newest Ray rerun that ran it (the same
records, `executor='ray'`), divided by the page's newest time alone *before* that Ray rerun — the same page's work
timed both ways; a page changed since (more runs, say) keeps its slowdown and takes its new time alone. Pages never
run under Ray take the measured pages' mean slowdown, and again their
largest, so the projection prints a range. `--alone NAME=MIN` replaces a page's recorded time, for a page whose
newest record was not timed alone (it says so in the README's table). The schedule is the Ray executor's own (`genstudy.rerun.project_schedule`:
`critical_path` priorities, `startable`). A projection, not a measurement: run `genstudy rerun --executor ray` to know.
"""
from __future__ import annotations
import argparse, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from genstudy.core import get_profile, device_name, load_records
from genstudy.rerun import study_notebooks, study_dependencies, notebook_minutes, project_schedule

def slowdowns(P, results:Path)->dict:
    "Page -> (minutes on one thread in its newest Ray rerun) / (its newest minutes alone before that rerun started)."
    df = load_records(results, study='rerun')
    if df.empty or 'config.executor' not in df: return {}
    out = {}
    for _, r in df[(df.profile == P.name) & (df['config.executor'] == 'ray')].sort_values('started').iterrows():
        alone = notebook_minutes(P, results, before=r.started)
        out.update({n: v['wall_time_s'] / 60 / alone[n] for n, v in (r['logs.notebooks'] or {}).items() if v.get('ok') and n in alone})
    return out

def main(argv=None)->int:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument('--profile', default='cpu'); a.add_argument('--slots', type=int, default=2)
    a.add_argument('--alone', nargs='*', default=[], metavar='NAME=MIN', help="a page's minutes alone, instead of its newest record's")
    args = a.parse_args(argv)
    try: given = {k: float(v) for k, v in (x.split('=', 1) for x in args.alone)}
    except ValueError: a.error("--alone takes NAME=MINUTES, e.g. 01_mode_coverage=45.5")
    P, nbs = get_profile(args.profile), study_notebooks()
    names, deps = [p.stem for p in nbs], study_dependencies(nbs)
    alone = {**notebook_minutes(P, ROOT/'results'), **given}
    missing = [n for n in names if n not in alone]
    if missing: print(f"no one-after-another time for {missing}: run `genstudy rerun --profile {P.name} --only ...` first", file=sys.stderr); return 2
    slow = {n: f for n, f in slowdowns(P, ROOT/'results').items() if n in names}
    if not slow: print(f"no Ray rerun of profile {P.name!r} in results/rerun/: run `genstudy rerun --executor ray --only ...` first", file=sys.stderr); return 2
    print(f"profile {P.name} on {device_name()} · {args.slots} pages at a time · measured slowdowns on one thread: "
          + ', '.join(f"{n} {f:.2f}×" for n, f in slow.items()) + (f" · given alone times: {given}" if given else ''))
    one_by_one = sum(alone[n] for n in names)
    for label, f in (('mean', sum(slow.values()) / len(slow)), ('largest', max(slow.values()))):
        wall, starts = project_schedule(names, deps, alone, slow, f, args.slots)
        print(f"  other pages at the {label} slowdown {f:.2f}×: {wall:.0f} min ({wall / 60:.2f} h) against {one_by_one:.0f} min one after another; "
              f"starts: " + ', '.join(f"{s} at {t:.0f}" for t, s in starts))
    return 0

if __name__ == '__main__': sys.exit(main())
