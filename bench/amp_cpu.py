"""fp32 against bf16 autocast for genstudy's image networks on this machine's device, measured in the same run:
the `cpu` profile's UNet training step (v-prediction, the profile's batch of 128, channels-last),
its DDIM sampling, and the quality page's DCGAN step (one D and one G step, batch 64). Each training time is
the difference of a short and a longer run through the library's own trainers, so set-up is not counted.
`genstudy.core.bf16_default` turns bf16 on by default where this prints a gain: a CPU with native bf16
(AVX512-BF16 or AMX) or a CUDA GPU at the gpu profile.

    python bench/amp_cpu.py [--short 20] [--long 80] [--n 256]
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
from genstudy.diffusion_recipes import train_image_diffusion
from genstudy.gan_train import train_gan
from genstudy.quality import quality_gan_nets, GAN_SIZE

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

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--short', type=int, default=20, help='steps of the shorter training run')
    ap.add_argument('--long', type=int, default=80, help='steps of the longer training run')
    ap.add_argument('--n', type=int, default=256, help='images sampled with DDIM-50')
    a = ap.parse_args(argv)
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
