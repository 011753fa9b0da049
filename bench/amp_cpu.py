"""fp32 against bf16 autocast for genstudy's image networks on this machine's device, measured in the same run:
the `cpu` profile's UNet training step (v-prediction, the profile's batch of 128, channels-last),
its DDIM sampling, and the quality page's DCGAN step (one D and one G step, batch 64). Each training time is
the difference of a short and a longer run through the library's own trainers, so set-up is not counted.
`genstudy.core.bf16_default` turns bf16 on by default where this prints a gain: a CPU with native bf16
(AVX512-BF16 or AMX) or a CUDA GPU at the gpu profile.

`--layouts` prints, instead, the step time of every image network the cpu pages train in each of the four
layouts (NCHW or channels-last, fp32 or bf16), each a plain PyTorch loop (forward, backward, Adam) timed in the
same run: `genstudy.core.channels_last_default` and the stability budgets' `diff_amp` follow that table.

    python bench/amp_cpu.py [--short 20] [--long 80] [--n 256]
    python bench/amp_cpu.py --layouts [--steps 12]
"""
from __future__ import annotations
import argparse, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import torch
from genstudy.core import get_device, device_name, cpu_has_bf16, bf16_default
from genstudy.budgets import budget
from genstudy.data import load_images
from genstudy.diffusion_recipes import train_image_diffusion, image_unet
from genstudy.gan_train import train_gan
from genstudy.quality import quality_gan_nets, GAN_SIZE
from genstudy.stacked import stacked_unet
from genstudy.gan_nets import DCGANGenerator, DCGANDiscriminator

def _timed(fn)->float:
    t0 = time.perf_counter(); fn(); return time.perf_counter() - t0

def unet_step_s(steps:tuple, amp:bool, tmp:Path, dev)->tuple:
    "(seconds per UNet training step, the longer run) from two runs of `steps` steps."
    runs = {}
    def go(s): runs[s] = train_image_diffusion('mnist', 'cpu', steps=s, objective='v', lr=3e-3, amp=amp, device=dev, progress=False,
                                              results_dir=tmp/'res', ckpt_dir=tmp/f"ck{s}{amp}", ckpt_every=10**6)
    a, b = (_timed(lambda: go(s)) for s in steps)
    return (b - a) / (steps[1] - steps[0]), runs[steps[1]]

def gan_step_s(steps:tuple, amp:bool, tmp:Path, dev)->float:
    "Seconds per DCGAN step (one D and one G step) from two runs of `steps` steps."
    ds = load_images('mnist', 'train')
    def go(s): train_gan(*quality_gan_nets(budget('quality', 'cpu')), ds, 'ns', steps=s, bs=64, profile='cpu', seed=0, pad_to=GAN_SIZE,
                         device=dev, amp=amp, record=False, progress=False, ckpt_every=0, results_dir=tmp/'res')
    a, b = (_timed(lambda: go(s)) for s in steps)
    return (b - a) / (steps[1] - steps[0])

def _median_ms(step, n:int)->float:
    "Median milliseconds of `step()` over `n` calls after three warm-up calls."
    for _ in range(3): step()
    ts = sorted(_timed(step) for _ in range(n))
    return ts[n // 2] * 1e3

def _layout_step(kind:str, nets:tuple, shape:tuple, cl:bool, amp:bool):
    "One training step of a UNet (MSE on its own input) or a DCGAN pair (non-saturating D and G steps) in one layout."
    fmt = torch.channels_last if cl else torch.contiguous_format
    nets = [m.to(memory_format=fmt) for m in nets]
    opts = [torch.optim.Adam(m.parameters(), 2e-4) for m in nets]
    g = torch.Generator().manual_seed(0)
    x = torch.randn(*shape, generator=g).contiguous(memory_format=fmt)
    ac = lambda: torch.autocast('cpu', torch.bfloat16, enabled=amp)
    if kind == 'unet':
        (net,), (opt,) = nets, opts
        t = torch.rand(shape[0], generator=g)
        def step():
            with ac(): y = net(x, t)
            loss = (y.float() - x).pow(2).mean(); opt.zero_grad(); loss.backward(); opt.step()
        return step
    (G, D), (og, od) = nets, opts
    z = torch.randn(shape[0], G.z_dim, generator=g)
    sp = torch.nn.functional.softplus
    def step():
        with ac(): fake = G(z); ld = sp(-D(x)).mean() + sp(D(fake.detach())).mean()
        od.zero_grad(); ld.float().backward(); od.step()
        with ac(): lg = sp(-D(G(z))).mean()
        og.zero_grad(); lg.float().backward(); og.step()
    return step

def layouts(n:int=12):
    "Print the step time (ms, median of `n`) of each cpu-profile image network in the four layouts, in one run."
    st, sk, q = budget('stability', 'cpu'), budget('mode_coverage', 'cpu')['stacked'], budget('quality', 'cpu')
    nets = [('UNet, stability page (smoke base, overrides)', 'unet', lambda: (image_unet('smoke', objective='v', **st['unet']),), (st['bs'], 1, 32, 32)),
            ('UNet, Stacked MNIST (3 channels)', 'unet', lambda: (stacked_unet(sk, 'cpu', 'v'),), (sk['bs'], 3, 32, 32)),
            ('UNet, cpu profile, batch 64', 'unet', lambda: (image_unet('cpu', objective='v'),), (64, 1, 32, 32)),
            ('UNet, cpu profile, batch 128', 'unet', lambda: (image_unet('cpu', objective='v'),), (128, 1, 32, 32)),
            (f"DCGAN 28², width {st['gan_ch']} (stability)", 'gan', lambda: (DCGANGenerator(ch=st['gan_ch']), DCGANDiscriminator(ch=st['gan_ch'])), (st['bs'], 1, 28, 28)),
            (f"DCGAN {GAN_SIZE}², width {q['gan_ch']} (quality)", 'gan', lambda: quality_gan_nets(q), (q['bs'], 1, GAN_SIZE, GAN_SIZE))]
    print('ms a training step (median of %d), plain loop, same run:' % n)
    print(f"{'network':48s} {'NCHW fp32':>10s} {'NCHW bf16':>10s} {'NHWC fp32':>10s} {'NHWC bf16':>10s}  fastest")
    for label, kind, make, shape in nets:
        r = {}
        for cl in (False, True):
            for amp in (False, True):
                torch.manual_seed(0)
                r[cl, amp] = _median_ms(_layout_step(kind, make(), shape, cl, amp), n)
        best = min(r, key=r.get)
        print(f"{label:48s} " + ' '.join(f"{r[k]:10.0f}" for k in ((False, False), (False, True), (True, False), (True, True))) +
              f"  {'NHWC' if best[0] else 'NCHW'} {'bf16' if best[1] else 'fp32'}", flush=True)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--short', type=int, default=20, help='steps of the shorter training run')
    ap.add_argument('--long', type=int, default=80, help='steps of the longer training run')
    ap.add_argument('--n', type=int, default=256, help='images sampled with DDIM-50')
    ap.add_argument('--layouts', action='store_true', help='the four layouts of every cpu-profile image network instead')
    ap.add_argument('--steps', type=int, default=12, help='--layouts: timed steps a cell')
    a = ap.parse_args(argv)
    if a.layouts:
        print(f"bench amp --layouts · {device_name(get_device())} · native bf16 on this CPU: {cpu_has_bf16()}", flush=True)
        return layouts(a.steps)
    if a.long <= a.short: ap.error('--long must exceed --short')
    dev = get_device()
    print(f"bench amp · {device_name(dev)} · native bf16 on this CPU: {cpu_has_bf16()} · bf16 by default here: {bf16_default(dev)}", flush=True)
    rows = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for amp in (False, True):
            step, run = unet_step_s((a.short, a.long), amp, tmp, dev)
            gen = run.generator('ddim', 50, amp=amp)
            gen(8, torch.Generator().manual_seed(0))   # warm-up
            sample = _timed(lambda: gen(a.n, torch.Generator().manual_seed(0))) / (a.n * 50)
            rows[amp] = dict(unet=step, sample=sample, gan=gan_step_s((a.short, a.long), amp, tmp, dev))
            print(f"  {'bf16' if amp else 'fp32'}: UNet step {rows[amp]['unet'] * 1e3:6.0f} ms · DDIM {rows[amp]['sample'] * 1e3:5.2f} ms per image-step · "
                  f"DCGAN step {rows[amp]['gan'] * 1e3:5.0f} ms", flush=True)
    print('bf16 speed-up (fp32 time / bf16 time, same run): ' +
          ' · '.join(f"{k} {rows[False][k] / rows[True][k]:.2f}×" for k in ('unet', 'sample', 'gan')))

if __name__ == '__main__': main()
