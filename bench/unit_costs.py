"""Unit costs of the study's work on the device this runs on: one training step of every network
configuration the study notebooks train, one network evaluation of the samplers' UNet, one image
through each feature extractor, the speed page's latency sweep and the sampler benchmark against
diffusers. `bench/gpu_estimate.py` multiplies these unit costs by the work each study notebook does at
a profile (counted from its budget cell) to give the notebook's expected time on this device.

    python bench/unit_costs.py [--out DIR] [--budget-s 300] [--commit SHA]

Written for a GPU with a short lease (every section checks the time left and is skipped, and said
to be skipped, when it would overrun); it also runs on a CPU, slowly. Training-step costs are the
slope between two runs of different lengths (warm-up, data loading set-up and cuDNN's first calls
fall in the intercept), with the training code the notebooks call (`train_gan`, `train_diffusion` on
fastai's Learner, their fast step; `--legacy` for the legacy one) on random uint8 images of the study's shapes: timing does not depend on the pixels.
Results are written (atomically) after every section to DIR/unit-costs-<device>-<time>.json.
"""
from __future__ import annotations
import argparse, json, os, re, sys, tempfile, time, traceback
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from genstudy.core import get_device, device_name, env_info, atomic_write_text, seed_everything
from genstudy.data import ImageSet
from genstudy.gan_nets import (DCGANGenerator, DCGANDiscriminator, ProgressiveGenerator, ProgressiveDiscriminator,
                               MLPGenerator, MLPDiscriminator, generator_fn)
from genstudy.gan_train import train_gan, gan_config
from genstudy.diffusion import DiffusionObjective, EDMPrecond
from genstudy.schedules import make_schedule
from genstudy.diffusion_train import train_diffusion, points_dls
from genstudy.diffusion_recipes import image_unet, TOY_RECIPE, toy_mixture
from genstudy.unet import MLPDenoiser
from genstudy.data import image_dls
from genstudy.cost import measure_generator
from genstudy.samplers import make_generator

# ---------------------------------------------------------------------------------------------------
# What is timed. Names are what bench/gpu_estimate.py counts; each config mirrors the notebook code that
# trains it at the gpu profile (see bench/gpu_estimate.py for where each count comes from).
GAN_UNITS = {
    # name: (arch, preset, overrides, ch, bs, channels, num_classes, pac, n_train)
    'gan/dcgan-ns-ch64-bs64':            ('dcgan', 'ns', {}, 64, 64, 1, None, 1, None),
    'gan/dcgan-ns-ch64-bs64-n1000':      ('dcgan', 'ns', {}, 64, 64, 1, None, 1, 1064),   # stability's reduced set: an epoch every 16 steps
    'gan/dcgan-wgangp-ch64-bs64':        ('dcgan', 'wgan-gp', {}, 64, 64, 1, None, 1, None),
    'gan/dcgan-sn-ch64-bs64':            ('dcgan', 'sn', {}, 64, 64, 1, None, 1, None),
    'gan/dcgan-diffaug-ch64-bs64':       ('dcgan', 'diffaug', {}, 64, 64, 1, None, 1, None),
    'gan/dcgan-ada-ch64-bs64':           ('dcgan', 'ada', {}, 64, 64, 1, None, 1, None),
    'gan/progressive-ns-ch64-bs64':      ('progressive', 'ns', {}, 64, 64, 1, None, 1, None),
    'gan/progressive-all-ch64-bs64':     ('progressive', 'ada', dict(sn_d=True), 64, 64, 1, None, 1, None),
    'gan/dcgan-ns-ch64-bs128':           ('dcgan', 'ns', {}, 64, 128, 1, None, 1, None),
    'gan/dcgan32-ns-ch128-bs128':        ('dcgan32', 'ns', {}, 128, 128, 1, None, 1, None),   # the quality page's DCGAN at the gpu profile
    'gan/dcgan-cond-ch64-bs128':         ('dcgan', 'ns', {}, 64, 128, 1, 10, 1, None),
    'gan/dcgan-3ch-pac2-ch64-bs64':      ('dcgan', 'ns', {}, 64, 64, 3, None, 2, None),
    'gan/dcgan-3ch-pac2-ch192-bs64':     ('dcgan', 'ns', {}, 192, 64, 3, None, 2, None),   # the mode-coverage page's Stacked MNIST DCGAN at the gpu profile
}
DIFF_UNITS = {
    # name: (unet profile, bs, in_ch, num_classes)
    'diff/unet-gpu-bs64':       ('gpu', 64, 1, None),
    'diff/unet-gpu-bs128':      ('gpu', 128, 1, None),
    'diff/unet-gpu-cond-bs128': ('gpu', 128, 1, 10),
}
TOY_UNITS = ('toy/gan-mlp-bs512', 'toy/gan-mlp-wgangp-bs512', 'toy/diffusion-mlp-bs512')
STEPS = (20, 120)        # the two run lengths whose difference gives the cost of one step
FAST = True              # the trainers' fast step (fast=True); --legacy times the legacy step (fastai's Adam, per-step host reads)

def _sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def _fake_images(n, channels, size=28, classes=10, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 256, (n, channels, size, size), dtype=torch.uint8, generator=g)
    y = torch.randint(0, classes, (n,), generator=g)
    return ImageSet(x, y, 'random-uint8', 'train', 'not-a-dataset')

def _slope(run_for, dev)->dict:
    "Time `run_for(steps)` at the two lengths; per-step cost is the slope, set-up the intercept."
    ts = []
    for n in STEPS:
        _sync(dev); t0 = time.perf_counter(); run_for(n); _sync(dev); ts.append(time.perf_counter() - t0)
    per = (ts[1] - ts[0]) / (STEPS[1] - STEPS[0])
    return dict(ms_per_step=1e3 * per, setup_s=ts[0] - STEPS[0] * per, wall_s=ts, steps=STEPS)

def time_gan(name, dev, tmp):
    arch, preset, over, ch, bs, C, K, pac, n_train = GAN_UNITS[name]
    cfg, size = gan_config(preset, **over), 32 if arch == 'dcgan32' else 28   # dcgan32: the 32×32 DCGAN (the quality page pads MNIST to 32)
    data = _fake_images(60_000, C, size)   # MNIST's count: the same batches per epoch
    def run_for(n):
        seed_everything(0)
        if arch == 'progressive': G, D = ProgressiveGenerator(ch=ch), ProgressiveDiscriminator(ch=ch)
        else: G, D = DCGANGenerator(channels=C, size=size, ch=ch, num_classes=K), DCGANDiscriminator(channels=C, size=size, ch=ch, pac=pac, num_classes=K)
        c = gan_config(cfg, ada_speed=n * bs // 2) if cfg.ada_target else cfg
        train_gan(G, D, data, c, steps=n, bs=bs, profile='gpu', seed=0, name=name.replace('/', '-'), study='unit_costs', log_every=10**9,
                  ckpt_every=0, results_dir=tmp, device=dev, progress=False, record=False, n_train=n_train, fast=FAST)
    return dict(kind='gan_step', arch=arch, preset=preset, over=over, ch=ch, bs=bs, channels=C, size=size, num_classes=K, pac=pac,
                n_train=n_train, **_slope(run_for, dev))

def time_diffusion(name, dev, tmp):
    size_name, bs, C, K = DIFF_UNITS[name]
    data = _fake_images(60_000, C)
    obj = DiffusionObjective(make_schedule('linear'), prediction='edm')
    channels_last = dev.type == 'cpu' or not FAST   # the fast step keeps a GPU's GroupNorm UNet contiguous (channels-last measured slower there)
    def run_for(n):
        seed_everything(0)
        net = image_unet(size_name, in_ch=C, **({'num_classes': K} if K else {}))
        dls = image_dls(data, bs=bs, pad_to=32, seed=0, device=dev)
        train_diffusion(net, dls, n, obj, lr=1e-3, seed=0, name=name.replace('/', '-'), study='unit_costs', profile='gpu', ckpt_every=n,
                        ckpt_keep=1, ckpt_dir=Path(tmp)/'ckpt'/name.replace('/', '-')/str(n), results_dir=tmp, channels_last=channels_last, progress=False, fast=FAST)
    n_params = sum(p.numel() for p in image_unet(size_name, in_ch=C).parameters())
    return dict(kind='diff_step', unet=size_name, bs=bs, channels=C, num_classes=K, params=n_params, channels_last=channels_last, **_slope(run_for, dev))

def time_toy(name, dev, tmp):
    r = TOY_RECIPE
    mix, scale = toy_mixture('ring', r['n_points'], 0)
    if name.startswith('toy/gan'):
        def run_for(n):
            seed_everything(0)
            train_gan(MLPGenerator(z_dim=2), MLPDiscriminator(pac=2), mix.x, gan_config('wgan-gp' if 'wgangp' in name else 'ns'), steps=n, bs=r['bs'], profile='gpu', seed=0,
                      name='toy-gan', study='unit_costs', log_every=10**9, ckpt_every=0, results_dir=tmp, device=dev, progress=False, record=False, fast=FAST)
    else:
        def run_for(n):
            seed_everything(0)
            net = EDMPrecond(MLPDenoiser(hidden=r['hidden'], n_blocks=r['n_blocks'], emb='fourier'))
            dls = points_dls(mix.x, bs=r['bs'], seed=0, scale=scale, device=dev)
            train_diffusion(net, dls, n, DiffusionObjective(make_schedule('linear'), prediction='edm'), lr=r['lr'], ema_decay=r['ema_decay'],
                            seed=0, name='toy-diffusion', study='unit_costs', profile='gpu', ckpt_every=n, ckpt_keep=1,
                            ckpt_dir=Path(tmp)/'ckpt'/'toy'/str(n), results_dir=tmp, progress=False, fast=FAST)
    return dict(kind='toy_step', bs=r['bs'], **_slope(run_for, dev))

@torch.no_grad()
def time_forward(dev, batches=(1, 128, 256, 500), repeats=5)->dict:
    "ms per image for one UNet evaluation (eval mode, fp32) at several batch sizes: the samplers' unit."
    out = {}
    for size_name in ('gpu', 'cpu'):
        net = image_unet(size_name, objective='eps').to(dev).eval()
        for b in batches:
            x, t = torch.randn(b, 1, 32, 32, device=dev), torch.randint(0, 1000, (b,), device=dev)
            for _ in range(2): net(x, t)
            _sync(dev); t0 = time.perf_counter()
            for _ in range(repeats): net(x, t)
            _sync(dev); out[f"fwd/unet-{size_name}-b{b}"] = dict(kind='unet_fwd', unet=size_name, batch=b, ms_per_image=1e3 * (time.perf_counter() - t0) / repeats / b)
    return out

@torch.no_grad()
def time_extractors(dev, repeats=3)->dict:
    "ms per image through the domain CNN (on the device and on this machine's CPU, where 01, 03 and 04 extract) and InceptionV3 at batch 50 (random weights: the cost is the architecture's)."
    from genstudy.extractors import DomainCNN, _Layout
    out, cpu = {}, torch.device('cpu')
    x = torch.randint(0, 256, (500, 1, 28, 28), dtype=torch.uint8)
    cnn_d, cnn_c = DomainCNN().to(dev).eval(), DomainCNN().eval()
    xd = x.to(dev)
    nets = {'extract/mnist-cnn': (lambda: cnn_d(xd.float() / 127.5 - 1), 500, dev),
            'extract/mnist-cnn-cpu': (lambda: cnn_c(x.float() / 127.5 - 1), 500, cpu)}
    with tempfile.TemporaryDirectory() as d:
        torch.save({}, Path(d)/'empty.pt')
        inc = _Layout('inception-v3-compat', ['2048'], feature_extractor_weights_path=str(Path(d)/'empty.pt')).to(dev).eval()
    x3 = xd[:50].expand(-1, 3, -1, -1).contiguous()
    nets['extract/inception'] = (lambda: inc(x3), 50, dev)
    for k, (f, b, where) in nets.items():
        f(); _sync(where); t0 = time.perf_counter()
        for _ in range(repeats): f()
        _sync(where); out[k] = dict(kind='extract', batch=b, device=str(where), ms_per_image=1e3 * (time.perf_counter() - t0) / repeats / b)
    out['extract/cpu-threads'] = dict(kind='info', torch_threads=torch.get_num_threads(), cpu_count=os.cpu_count())
    return out

def latency_sweep(dev, batches=(1, 256), steps=(1, 10, 50), repeats=3)->list:
    "The speed page's section 1 on this device: ms per image against NFE for the DCGAN and the gpu UNet."
    seed_everything(0)
    G = DCGANGenerator(z_dim=64, ch=64).to(dev).eval()
    unet = image_unet('gpu', objective='eps').to(dev).eval()
    sched = make_schedule('linear')
    eps = lambda x, t: unet(x, t)
    rows = measure_generator(generator_fn(G), batches, nfe=1, module=G, device=dev, repeats=repeats, name='DCGAN', flops=False)
    for r in rows: r.update(family='GAN', sampler='generator', steps=1)
    cases = [(s, n) for s in ('ddim', 'dpmpp_2m', 'heun') for n in steps if not (s == 'heun' and n < 2)] + [('ddpm', 1000)]
    for sampler, n in cases:
        gen = make_generator(eps, sched, (1, 32, 32), name=sampler, steps=n, device=dev)
        bs = batches[:1] if n >= 1000 else batches
        rs = measure_generator(gen, bs, nfe=gen.nfe, module=unet, device=dev, repeats=1 if n >= 1000 else repeats, warmup=1,
                               name=f"UNet+{sampler}", flops=False)
        for r in rs: r.update(family='diffusion', sampler=sampler, steps=n)
        rows += rs
    return rows

def main(argv=None):
    global STEPS, FAST
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default=str(ROOT/'results'/'unit_costs'), help='folder for the JSON record')
    ap.add_argument('--budget-s', type=float, default=300., help='skip sections that would start after this many seconds')
    ap.add_argument('--commit', default=None, help='git commit of the tree (where the copy has no .git)')
    ap.add_argument('--steps', type=int, nargs=2, default=None, help=f'the two training lengths (default {STEPS})')
    ap.add_argument('--skip', nargs='*', default=(), help='sections to skip: train fwd extract latency bench')
    ap.add_argument('--legacy', action='store_true', help="time the trainers' legacy step (fast=False) instead of the fast one")
    a = ap.parse_args(argv)
    FAST = not a.legacy
    if a.steps: STEPS = tuple(a.steps)
    dev = get_device(None)
    t_start = time.perf_counter()
    env = env_info(dev)
    if a.commit: env['commit'], env['commit_seen'] = a.commit, env.get('commit')   # the caller knows the tree it sent
    if dev.type == 'cuda':
        p = torch.cuda.get_device_properties(dev)
        env['gpu'] = dict(name=p.name, memory_gib=round(p.total_memory / 2**30, 1), sm=p.multi_processor_count, torch_cuda=torch.version.cuda)
    stamp = time.strftime('%Y%m%dT%H%M%S', time.gmtime())
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    tag = re.sub(r'[^A-Za-z0-9.-]+', '_', env.get('gpu', {}).get('name') or dev.type).strip('_')
    path = out/f"unit-costs-{tag}-{stamp}.json"
    rec = dict(study='unit_costs', name='unit-costs', run_id=path.stem, status='running', profile='gpu', seed=0, started=stamp, env=env,
               steps=STEPS, engine='fast' if FAST else 'legacy', units={}, latency=[], bench_sample=[], skipped=[], errors={})   # a run record's keys: load_records reads it
    def save(): atomic_write_text(path, json.dumps(rec, indent=1, default=str), overwrite=True)   # the same run's record, section by section
    def left(): return a.budget_s - (time.perf_counter() - t_start)
    def section(key, fn, need_s):
        if key.split('/')[0] in a.skip or left() < need_s:
            rec['skipped'].append(key); print(f"  skipped {key} ({left():.0f} s left)", flush=True); return None
        t0 = time.perf_counter()
        try: res = fn()
        except Exception as e:
            rec['errors'][key] = f"{type(e).__name__}: {e}"; traceback.print_exc(); save(); return None
        print(f"  {key}: {time.perf_counter() - t0:.1f} s", flush=True)
        save(); return res
    print(f"unit costs on {device_name(dev)} ({env.get('gpu', '')}), budget {a.budget_s:.0f} s -> {path}", flush=True)
    r = section('fwd/unet', lambda: time_forward(dev), 10)
    if r: rec['units'].update(r); save(); print('   ', {k: round(v['ms_per_image'], 4) for k, v in r.items()}, flush=True)
    r = section('extract/all', lambda: time_extractors(dev), 10)
    if r: rec['units'].update(r); save(); print('   ', {k: round(v.get('ms_per_image', 0), 4) for k, v in r.items()}, flush=True)
    r = section('latency/sweep', lambda: latency_sweep(dev), 60)
    if r:
        rec['latency'] = r
        for x in r: print(f"    {x['name']:>16} nfe {x['nfe']:>4} batch {x['batch']:>3}: {x['ms_per_image']:.3f} ms/image", flush=True)
        save()
    with tempfile.TemporaryDirectory() as tmp:
        for name in GAN_UNITS:
            r = section(f"train/{name}", lambda: time_gan(name, dev, tmp), 15)
            if r: rec['units'][name] = r; save(); print(f"    {r['ms_per_step']:.2f} ms/step", flush=True)
        for name in DIFF_UNITS:
            r = section(f"train/{name}", lambda: time_diffusion(name, dev, tmp), 20)
            if r: rec['units'][name] = r; save(); print(f"    {r['ms_per_step']:.2f} ms/step", flush=True)
        for name in TOY_UNITS:
            r = section(f"train/{name}", lambda: time_toy(name, dev, tmp), 10)
            if r: rec['units'][name] = r; save(); print(f"    {r['ms_per_step']:.2f} ms/step", flush=True)
    def bench():
        from genstudy.bench_sample import bench_sample
        df = bench_sample(dev, quick=True, nfes=(1, 10, 50), batch_sizes=(1, 256),
                          variants=('fp32', 'bf16', 'channels_last') if dev.type == 'cuda' else ('fp32',), budget_s=max(left() - 15, 30))
        return df.to_dict('records')
    r = section('bench/diffusers', bench, 60)
    if r: rec['bench_sample'] = r; save()
    rec['wall_s'] = time.perf_counter() - t_start
    rec['status'] = 'ok' if not (rec['skipped'] or rec['errors']) else 'partial'; save()
    print(f"done in {rec['wall_s']:.0f} s -> {path}", flush=True)
    return path

if __name__ == '__main__': main()
