"""The command line answers every bad argument with one line that says what to type instead: exit status 2,
no traceback, no usage block. Each case calls the command's entry point; a few also run the installed
`genstudy` command in a fresh process, as a user would (each such process costs seconds of imports)."""
import pytest
from conftest import ROOT, BIN, run

BAD = [
    ([], 'no command given'),
    (['nosuch'], 'invalid choice'),
    (['rerun', '--profile', 'huge'], "choose from 'smoke', 'cpu', 'gpu'"),
    (['rerun', '--only'], 'expected at least one argument'),
    (['rerun', '--profile', 'smoke', '--only', 'nosuch'], 'known: 00_data_tour'),
    (['rerun', '--executor', 'dask'], "choose from 'local', 'ray'"),
    (['rerun', '--ray-address', 'localhost:6379'], '--executor ray'),
    (['rerun', '--profile', 'smoke', '--only', 'data_tour', '--out', 'pyproject.toml'], 'Not a directory'),
    (['rerun', '--bogus'], 'unrecognized arguments'),
    (['docs', '--engine', 'word'], "choose from 'quarto', 'sphinx'"),
    (['bench'], 'required'),
    (['bench', 'nosuch'], "choose from 'sample', 'gan', 'train', 'recipes', 'threads'"),
    (['bench', 'gan', '--family', 'GAN'], '--family is for `genstudy bench recipes`'),
    (['bench', 'recipes', '--family', 'gan'], "choose from 'diffusion', 'GAN'"),
]


@pytest.mark.parametrize('argv,says', BAD, ids=[' '.join(a) or '(none)' for a, _ in BAD])
def test_bad_argument_gets_one_line(argv, says, capsys, monkeypatch):
    from genstudy.cli import main
    monkeypatch.chdir(ROOT)
    code = main(argv)
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and 'Traceback' not in err and not out.strip(), (argv, code, out, err)
    assert says in lines[0] and '`' in lines[0], lines[0]   # names the problem and what to type instead


@pytest.mark.parametrize('argv,says', [BAD[0], BAD[4]], ids=['(none)', 'unknown --only'])
def test_bad_argument_in_a_shell(argv, says):
    res = run([str(BIN/'genstudy'), *argv], timeout=120)
    assert res.returncode == 2, (argv, res.returncode, res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in res.stderr and not res.stdout.strip(), res.stderr
    assert says in lines[0] and '`' in lines[0], lines[0]   # names the problem and what to type instead


def test_ray_executor_without_ray_says_how_to_install(tmp_path):
    "Where Ray is missing, `--executor ray` says in one line how to install it (Ray hidden by a shadowing module)."
    (tmp_path/'ray.py').write_text("raise ImportError('No module named ray')\n")
    res = run([str(BIN/'genstudy'), 'rerun', '--executor', 'ray', '--profile', 'smoke', '--only', 'data_tour', '--no-docs'],
              env={'PYTHONPATH': str(tmp_path)}, timeout=120)
    assert res.returncode == 2 and res.stderr.strip().count('\n') == 0, res.stderr
    assert "pip install 'genstudy[ray]'" in res.stderr, res.stderr
