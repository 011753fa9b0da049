"""The project-level test suite that `make test` runs: notebooks clean and exported, imports,
nbdev-test over the library notebooks, the smoke rerun of the study (into scratch/), and the docs site."""
import json, re, shutil, sys
from pathlib import Path
import pytest
from conftest import ROOT, BIN, ABS_PATH, WARNING, run, tree_digest

LIB = ROOT/'genstudy'


def test_notebooks_clean_and_library_exported(tmp_path):
    "nbdev-clean and nbdev-export change nothing: notebooks are clean and genstudy/ is in step with nbs/."
    work = tmp_path/'w'
    for p in ('nbs', 'genstudy'): shutil.copytree(ROOT/p, work/p, symlinks=True, ignore=shutil.ignore_patterns('__pycache__'))
    for p in ('pyproject.toml', '_quarto.yml'): shutil.copy2(ROOT/p, work/p)
    before = {**tree_digest(work/'nbs'), **{f"lib/{k}": v for k, v in tree_digest(work/'genstudy').items()}}
    for cmd in ('nbdev-clean', 'nbdev-export'):
        res = run([str(BIN/cmd)], cwd=work)
        assert res.returncode == 0, f"{cmd} failed:\n{res.stderr[-2000:]}"
    after = {**tree_digest(work/'nbs'), **{f"lib/{k}": v for k, v in tree_digest(work/'genstudy').items()}}
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and not k.endswith(('nbdev.yml', 'sidebar.yml')))
    assert not changed, ("these files change under nbdev-clean / nbdev-export (run both and commit): "
                         + ', '.join(f.replace('lib/', 'genstudy/') for f in changed))


def _exported():
    mods = {}
    for nb in (ROOT/'nbs').rglob('*.ipynb'):
        for cell in json.loads(nb.read_text())['cells']:
            src = ''.join(cell['source'])
            m = re.search(r'^#\|\s*default_exp\s+(\S+)', src, re.M)
            if cell['cell_type'] == 'code' and m: mods[m.group(1)] = nb
    return mods


def test_every_module_has_its_notebook():
    exported = _exported()
    modules = [p.stem for p in LIB.glob('*.py') if not p.name.startswith('_')]
    orphans = sorted(set(modules) - set(exported))
    assert not orphans, f"modules in genstudy/ with no source notebook (delete them or restore the notebook): {orphans}"


@pytest.mark.parametrize('module', sorted(p.stem for p in LIB.glob('*.py') if not p.name.startswith('_')))
def test_module_imports_in_fresh_process(module):
    res = run([sys.executable, '-c', f'import genstudy.{module}'])
    assert res.returncode == 0, f"import genstudy.{module} failed:\n{res.stderr[-2000:]}"


def test_nbdev_test_library_notebooks():
    "Every library notebook runs (cells tagged slow/gpu skipped); the study notebooks run through papermill below."
    res = run([str(BIN/'nbdev-test'), '--n-workers', '2', '--timing', '--skip-folder-re', r'^([_.].*|study)$'])
    print(res.stdout[-3000:])
    assert res.returncode == 0, f"nbdev-test failed:\n{res.stdout[-1500:]}\n{res.stderr[-4000:]}"


def test_smoke_rerun_runs_every_study_notebook(smoke_run):
    res, _, _ = smoke_run
    print(res.stdout[-3000:])
    assert res.returncode == 0, f"genstudy rerun --profile smoke failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    n = len([p for p in (ROOT/'nbs'/'study').glob('*.ipynb') if not p.name.startswith(('_', '.'))])
    assert len(re.findall(r'^\s+\[\d+/\d+\] .* ok ', res.stdout, re.M)) == n
    figs = list((ROOT/'scratch'/'smoke'/'figures').glob('*.png'))
    assert figs, "the smoke rerun wrote no figures into scratch/smoke/figures"


def test_smoke_rerun_terminal_has_no_warning(smoke_run):
    "What a user's terminal shows during `genstudy rerun` (kernels, papermill, the site build) carries no Python warning."
    res, _, _ = smoke_run
    lines = [l for l in (res.stdout + res.stderr).splitlines() if WARNING.search(l)]
    assert not lines, "the smoke rerun printed warnings:\n" + '\n'.join(lines[:10])


def test_smoke_never_touches_committed_outputs(smoke_run):
    _, before, after = smoke_run
    assert before == after, "the smoke profile changed figures/ or results/"


def test_smoke_run_records_load(smoke_run):
    sys.path.insert(0, str(ROOT))
    from genstudy.core import load_records
    df = load_records(ROOT/'scratch'/'smoke'/'results')
    assert len(df) >= 2 and set(df.profile) == {'smoke'}
    assert {'rerun', 'data_tour'} <= set(df.study)


def test_docs_site_is_whole(smoke_run):
    "The smoke rerun built the site: a page for every notebook, every referenced image present."
    from genstudy.docs import check_site
    site = ROOT/'scratch'/'smoke'/'_docs'
    assert (site/'index.html').exists(), "the docs site was not built"
    problems = check_site(site)
    assert not problems, '\n'.join(problems)
    html = (site/'core.html').read_text()
    assert 'get_device' in html and 'seed_everything' in html, "API reference (show_doc) missing from core.html"


def test_committed_site_is_small(committed_site):
    "The site built from the committed notebooks and figures (what a reader gets from `make docs`) stays under 8 MB, with no Sphinx warning."
    mb = sum(p.stat().st_size for p in committed_site.rglob('*') if p.is_file()) / 1e6
    assert mb < 8, f"the docs site weighs {mb:.2f} MB (budget 8 MB): see what build_docs' _slim_site could drop"


def _quick_start(text):
    m = re.search(r'## Quick start.*?```(?:sh|bash)?\n(.*?)```', text, re.S)
    assert m, "no '## Quick start' code block"
    return [l.split('#')[0].strip() for l in m.group(1).strip().splitlines()]


def test_readme_and_home_page_agree():
    "nbdev-readme needs Quarto; without it this checks README.md and nbs/index.ipynb carry the same quick start."
    readme = (ROOT/'README.md').read_text()
    index = ''.join(''.join(c['source']) for c in json.loads((ROOT/'nbs'/'index.ipynb').read_text())['cells'])
    assert _quick_start(readme) == _quick_start(index) == ['make test', 'make study']


def test_ci_runs_the_readme_command():
    assert 'make test' in (ROOT/'.ci'/'run').read_text()


def _mixed_import_cells(nb_path):
    "Code cells that import and also do other work (nbdev's docs processing executes every import cell)."
    import ast
    bad = []
    for i, cell in enumerate(json.loads(nb_path.read_text())['cells']):
        src = ''.join(cell['source'])
        if cell['cell_type'] != 'code' or src.lstrip().startswith('%'): continue
        code = '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('#', '%', '!')))
        try: tree = ast.parse(code)
        except SyntaxError: continue
        imported = {(a.asname or a.name).split('.')[0] for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
        def setup_call(n):   # e.g. matplotlib.use('Agg'): configures an imported module, reads no notebook state
            return (isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Attribute)
                    and isinstance(n.value.func.value, ast.Name) and n.value.func.value.id in imported)
        def imports(node):   # nbdev looks inside blocks too; `try: import optional_dep` is left alone
            if isinstance(node, (ast.Import, ast.ImportFrom)): return True
            return not isinstance(node, ast.Try) and any(imports(c) for c in ast.iter_child_nodes(node))
        has_import = any(imports(n) for n in tree.body)
        other = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom)) and not setup_call(n)]
        if has_import and other and not re.search(r'^#\|\s*(export|eval:\s*false)', src, re.M): bad.append(i)
    return bad


def test_import_cells_are_pure():
    "STYLE: a cell that imports does nothing else (else docs processing runs it out of context and fails)."
    bad = {str(nb.relative_to(ROOT)): cells for nb in sorted((ROOT/'nbs').rglob('*.ipynb'))
           if not nb.name.startswith(('_', '.')) and (cells := _mixed_import_cells(nb))}
    assert not bad, f"cells mixing imports with other code (split them): {bad}"


def _study_output_problems():
    problems = []
    for nb in sorted((ROOT/'nbs'/'study').glob('*.ipynb')):
        for i, cell in enumerate(json.loads(nb.read_text())['cells']):
            outs = cell.get('outputs', [])
            texts = [''.join(cell['source'])] + [''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', '')) for o in outs]
            for t in texts:
                if m := ABS_PATH.search(t): problems.append(f"{nb.name} cell {i}: machine path {m.group(0)!r}")
            for o in outs:
                if o.get('name') == 'stderr' and WARNING.search(''.join(o.get('text', ''))):
                    problems.append(f"{nb.name} cell {i}: a warning in its output: {''.join(o['text'])[:160]!r}")
    return problems


def test_committed_study_outputs_are_clean():
    "What `genstudy rerun` committed carries no machine path and no warning: each study notebook's cells and outputs."
    problems = _study_output_problems()
    assert not problems, '\n'.join(problems)
