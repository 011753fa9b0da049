"""Shared fixtures: the study's smoke rerun runs once per test session."""
import hashlib, os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# what a reader must never see in a page or a committed output: a machine path (the checkout itself, the usual roots of
# home folders, temp and mounted disks) and a Python warning
ABS_PATH = re.compile(r'(?<![\w.~-])/(?:home|root|work|tmp|Users|mnt|scratch|var/folders)/[\w.-]+' + f"|{re.escape(str(ROOT))}")
WARNING = re.compile(r'\b\w*Warning\b')


def run(cmd, cwd=ROOT, timeout=1800, env=None):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def tree_digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob('*')) if p.is_file()} if folder.exists() else {}


@pytest.fixture(scope='session')
def smoke_run():
    "The study's smoke rerun into scratch/smoke (also builds the docs site there)."
    before = {d: tree_digest(ROOT/d) for d in ('figures', 'results')}
    shutil.rmtree(ROOT/'scratch'/'smoke', ignore_errors=True)
    res = run([str(BIN/'genstudy'), 'rerun', '--profile', 'smoke'])
    after = {d: tree_digest(ROOT/d) for d in ('figures', 'results')}
    return res, before, after


@pytest.fixture(scope='session')
def committed_site(tmp_path_factory):
    "The site built from the committed notebooks and figures, as `make docs` gives a reader (a Sphinx warning raises)."
    from genstudy.docs import build_docs
    return build_docs(dest=tmp_path_factory.mktemp('committed')/'site', log=lambda *a: None).parent
