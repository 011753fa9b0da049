"""`genstudy bench train` at smoke size: the table prints, with a row for every training configuration the study uses."""
from conftest import BIN, run

CONFIGS = ('unet-smoke', 'unet-cpu', 'unet-gpu', 'unet-base32', 'dcgan-ns', 'dcgan-wgan-gp', 'mlp-gan-2d', 'mlp-diffusion-2d')

def test_bench_train_prints_its_table():
    "The quick benchmark runs from the command line and prints old/new step times, throughput and the plain-loop ratio."
    res = run([str(BIN/'genstudy'), 'bench', 'train'], env={'OMP_WAIT_POLICY': 'PASSIVE'}, timeout=900)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    lines = res.stdout.splitlines()
    assert any(l.startswith('genstudy bench train · quick') for l in lines), res.stdout[-2000:]
    header = next(l for l in lines if l.startswith('config '))
    for col in ('old ms', 'new ms', 'old/new', 'img/s', 'GFLOP/s', 'MFU %', 'plain ms', 'new/plain'): assert col in header, col
    for name in CONFIGS:
        row = next((l for l in lines if l.startswith(name + ' ')), None)
        assert row is not None, f"no row for {name}:\n{res.stdout[-3000:]}"
        assert len(row.split()) >= 8, row   # a value in every column a configuration has
