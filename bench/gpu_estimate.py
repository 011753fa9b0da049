"""Expected wall time of each study notebook at a profile on a device, from unit costs measured on that
device (`bench/unit_costs.py`, JSON in results/unit_costs/) times the work the notebook does.

    python bench/gpu_estimate.py [UNIT_COSTS_JSON]      # default: the newest file in results/unit_costs/

The counts below are read off each notebook's `gpu` budget cell and the library code it calls (seeds,
steps, samples, NFE); the comment on each line says where. They are the notebooks' gpu budgets as of
this file's commit: change a budget, change its line here. What is not counted — CPU metric arithmetic
(KID, precision/recall, FID square roots), figure rendering, data loading outside training, Python set-up
— is listed per notebook, so an estimate is a lower bound where those are large.
"""
from __future__ import annotations
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (what, unit, count, extra): time = count * (unit cost + extra), all in ms; extra is a sum of other units.
# Unit names are the keys of the unit-costs record: 'gan/...', 'diff/...', 'toy/...' are ms per training step;
# 'fwd/unet-gpu-bN' ms per image-NFE at batch N (b1: per forward); 'extract/...' ms per image.
def _pd(k): return [('fwd/unet-gpu-b128', 128 * k)]   # k extra teacher/target UNet forwards at batch 128 per distillation step

WORKLOAD = {
    '01_mode_coverage': [   # STACKED['gpu'], P.train.toy_steps = 5000, 2 data sets x 5 seeds
        ('2-D GAN, NS / SN / PacGAN2, bs 512',        'toy/gan-mlp-bs512',          3 * 2 * 5 * 5000, []),
        ('2-D GAN, WGAN-GP, bs 512',                   'toy/gan-mlp-wgangp-bs512',   2 * 5 * 5000, []),
        ('2-D diffusion recipe, bs 512',               'toy/diffusion-mlp-bs512',    2 * 5 * 5000, []),
        ('Stacked MNIST DCGAN (pac 1 and 2), bs 64',   'gan/dcgan-3ch-pac2-ch64-bs64', 2 * 5 * 20_000, []),
        ('Stacked MNIST UNet, bs 64',                  'diff/unet-gpu-bs64',         5 * 20_000, []),
        ('Stacked MNIST DDIM-50, 26,000 samples x 5',  'fwd/unet-gpu-b500',          5 * 26_000 * 50, []),
        ('mnist-cnn on the CPU (mode counting, PRC)',  'extract/mnist-cnn-cpu',      20 * 98_000, []),
    ],
    '03_stability': [   # BUDGETS['gpu']: 5 seeds, 20,000 steps, 5 GAN and 4 diffusion learning rates, 6 + 7 ablation methods
        ('C1 NS DCGAN, 5 lr x 5 seeds, bs 64',         'gan/dcgan-ns-ch64-bs64',     5 * 5 * 20_000, []),
        ('C1 diffusion UNet, 4 lr x 5 seeds, bs 64',   'diff/unet-gpu-bs64',         4 * 5 * 20_000, []),
        ('C1 curves: DDIM-50 x 5,000 at 8 steps',      'fwd/unet-gpu-b256',          20 * 8 * 5000 * 50, []),
        ('C2 WGAN-GP full',                            'gan/dcgan-wgangp-ch64-bs64', 5 * 20_000, []),
        ('C2 SN full',                                 'gan/dcgan-sn-ch64-bs64',     5 * 20_000, []),
        ('C2 progressive full',                        'gan/progressive-ns-ch64-bs64', 5 * 20_000, []),
        ('C2 DiffAugment full',                        'gan/dcgan-diffaug-ch64-bs64', 5 * 20_000, []),
        ('C2 ADA full',                                'gan/dcgan-ada-ch64-bs64',    5 * 20_000, []),
        ('C2 all full',                                'gan/progressive-all-ch64-bs64', 5 * 20_000, []),
        ('C2 NS reduced (1,000 images)',               'gan/dcgan-ns-ch64-bs64-n1000', 5 * 20_000, []),
        ('C2 WGAN-GP reduced',                         'gan/dcgan-wgangp-ch64-bs64', 5 * 20_000, []),
        ('C2 SN reduced',                              'gan/dcgan-sn-ch64-bs64',     5 * 20_000, []),
        ('C2 progressive reduced',                     'gan/progressive-ns-ch64-bs64', 5 * 20_000, []),
        ('C2 DiffAugment reduced',                     'gan/dcgan-diffaug-ch64-bs64', 5 * 20_000, []),
        ('C2 ADA reduced',                             'gan/dcgan-ada-ch64-bs64',    5 * 20_000, []),
        ('C2 all reduced',                             'gan/progressive-all-ch64-bs64', 5 * 20_000, []),
        ('mnist-cnn on the CPU (FID curves, entropy)', 'extract/mnist-cnn-cpu',      110 * 8 * 10_000, []),
        ('mnist-cnn on the CPU (GAN probes)',          'extract/mnist-cnn-cpu',      90 * 102 * 512, []),
    ],
    '04_few_step': [    # B['gpu']: ring 2,000 PD steps x 4 rounds, CD 5,000, CT 10,000; MNIST PD 4,000 x 6, CD 20,000, CT 40,000 at bs 128
        ('ring teacher, PD, CD, CT (2-D)',             'toy/diffusion-mlp-bs512',    5000 + 4 * 2000 + 5000 + 10_000, []),
        ('ring GAN',                                   'toy/gan-mlp-bs512',          5000, []),
        ('MNIST teacher UNet, bs 128',                 'diff/unet-gpu-bs128',        40_000, []),
        ('MNIST PD (+2 teacher passes a step)',        'diff/unet-gpu-bs128',        6 * 4000, _pd(2)),
        ('MNIST CD (+3 teacher/target passes)',        'diff/unet-gpu-bs128',        20_000, _pd(3)),
        ('MNIST CT (+1 target pass)',                  'diff/unet-gpu-bs128',        40_000, _pd(1)),
        ('MNIST DCGAN, bs 64',                         'gan/dcgan-ns-ch64-bs64',     40_000, []),
        ('FID samples: 139 NFE x 10,000',              'fwd/unet-gpu-b256',          139 * 10_000, []),
        ('timing at batch 1 (1,112 forwards)',         'fwd/unet-gpu-b1',            1112, []),
        ('timing at batch 256 (973 forwards)',         'fwd/unet-gpu-b256',          973 * 256, []),
        ('mnist-cnn on the CPU (FIDs)',                'extract/mnist-cnn-cpu',      260_000, []),
    ],
    '05_quality': [     # B['gpu']: 20,000 UNet steps at bs 128 on 3 data sets; the GAN gets the same FLOPs (NS-like config: ~1.18 M steps each)
        ('UNet, 3 data sets, bs 128',                  'diff/unet-gpu-bs128',        3 * 20_000, []),
        ('FLOP-matched DCGAN, 3 x 1.18 M steps, bs 128', 'gan/dcgan-ns-ch64-bs128',  3 * 1_183_760, []),
        ('DDIM-50 samples (10,000 + 10,000 + 980)',    'fwd/unet-gpu-b256',          20_980 * 50, []),
        ('InceptionV3 features',                       'extract/inception',          125_880, []),
        ('domain CNN features (GPU)',                  'extract/mnist-cnn',          125_880, []),
        ('domain CNN features (CPU: density/coverage)', 'extract/mnist-cnn-cpu',     62_940, []),
    ],
    '06_speed': [       # budget['gpu']: batches (1, 256), steps (1, 10, 50, 1000), 5 samplers, 7 calls per case
        ('latency at batch 1 (44,527 forwards)',       'fwd/unet-gpu-b1',            44_527, []),
        ('latency at batch 256 (44,527 forwards)',     'fwd/unet-gpu-b256',          44_527 * 256, []),
        ('ring GAN and diffusion (2-D)',               'toy/diffusion-mlp-bs512',    5000, [('toy/gan-mlp-bs512', 1)]),
    ],
    '07_conditional': [ # B['gpu']: 20,000 conditional UNet steps at bs 128; FLOP-matched conditional DCGAN
        ('conditional UNet, bs 128',                   'diff/unet-gpu-cond-bs128',   20_000, []),
        ('FLOP-matched conditional DCGAN, 1.18 M steps', 'gan/dcgan-cond-ch64-bs128', 1_181_000, []),
        ('DDIM-50, guidance 0 and 1 (batch 250)',      'fwd/unet-gpu-b256',          2 * 10_000 * 50, []),
        ('DDIM-50, 5 guidance scales (batch 500)',     'fwd/unet-gpu-b500',          5 * 10_000 * 50 * 2, []),
        ('mnist-cnn (GPU fidelity, CPU accuracy)',     'extract/mnist-cnn-cpu',      100_000, [('extract/mnist-cnn', 2.8)]),
    ],
}
NOT_COUNTED = {
    '01_mode_coverage': 'mode statistics, PRC distance matrices (CPU)',
    '03_stability': 'Fréchet distances, run labels, figures (CPU; small)',
    '04_few_step': 'KID, PRC and FID arithmetic of 25 generators (CPU)',
    '05_quality': 'KID/PRC/FID arithmetic on 2,048-d Inception features with one BLAS thread, nearest-neighbour searches (CPU: minutes)',
    '06_speed': 'FLOP counting calls',
    '07_conditional': '99 torch-fidelity calls set up an extractor each; PRC arithmetic (CPU)',
}

def estimate(costs:dict)->dict:
    "{notebook: (seconds, [(what, seconds)], missing units)} from a unit-costs record's `units`."
    def ms(u): return costs[u]['ms_per_step'] if 'ms_per_step' in costs[u] else costs[u]['ms_per_image']
    out = {}
    for nb, items in WORKLOAD.items():
        rows, missing = [], []
        for what, unit, n, extra in items:
            try: rows.append((what, n * (ms(unit) + sum(k * ms(u) for u, k in extra)) / 1e3))
            except KeyError as e: missing.append(str(e))
        out[nb] = (sum(s for _, s in rows), rows, missing)
    return out

def _fmt(s): return f"{s / 3600:.1f} h" if s >= 5400 else f"{s / 60:.0f} min"

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else max((ROOT/'results'/'unit_costs').glob('unit-costs-*.json'), key=lambda p: p.stat().st_mtime)
    rec = json.loads(path.read_text())
    dev = rec['env'].get('gpu', {}).get('name') or rec['env'].get('device_name')
    print(f"gpu-profile time per notebook, estimated from unit costs measured on {dev} ({path.name}; commit {str(rec['env'].get('commit'))[:7]})")
    total = 0.
    for nb, (s, rows, missing) in estimate(rec['units']).items():
        total += s
        top = sorted(rows, key=lambda r: -r[1])[:3]
        print(f"  {nb:<17} {_fmt(s):>7}   largest: " + '; '.join(f"{w} {_fmt(t)}" for w, t in top)
              + (f"   MISSING units: {missing}" if missing else '') + f"   not counted: {NOT_COUNTED.get(nb, '-')}")
    print(f"  {'all':<17} {_fmt(total):>7}")

if __name__ == '__main__': main()
