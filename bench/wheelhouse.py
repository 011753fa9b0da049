"""Collect the wheels genstudy needs beyond what a leased GPU machine already has, into a folder small enough
to carry there (the device tool carries at most 64 MiB and the machine reaches no package registry), so that
the device runs the same `genstudy rerun --profile gpu --only NAME` as everyone else.

    python bench/wheelhouse.py [--dest .whl] [--python-version 3.12] [--max-mib 48]

Which packages: the dependency closure of the installed `genstudy` (what `make install` put in the venv),
at the versions installed here, minus the packages the device's image already holds (DEVICE_HAS, read off
the device tool's package list) and minus what the study never imports there (SKIP: the docs, JupyterLab,
spaCy that fastai's text side pulls). Every wheel is downloaded for the device's Python and platform with
`--no-deps`, so the set is exactly this list. The folder also gets `install.sh`, the line the device runs first:

    sh .whl/install.sh && export PYTHONPATH=/tmp/site:$PWD

The prepared MNIST arrays travel too (data/cache is git-ignored): `--data` copies the files the study reads
there, compressed, if they fit under the limit.
"""
from __future__ import annotations
import argparse, importlib.metadata as md, re, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The nvidia-h200 image's packages (the device tool's KINDS.md, read 2026-11-17): carried only for another version.
DEVICE_HAS = set("""absl-py accelerate aiofiles aiohappyeyeballs aiohttp aiosignal annotated-doc anyio attrs botorch build certifi
charset-normalizer chex click cloudpickle cmake colorama contourpy coverage cuda-bindings cuda-core cuda-pathfinder cuda-toolkit
cupy-cuda13x cycler cython diffrax e3nn einops equinox etils execnet filelock flatbuffers flax fonttools formulaic frozenlist fsspec
gpytorch grpcio h11 h5py hf-xet httpcore httpx huggingface-hub humanize hypothesis idna imageio iniconfig interface-meta jax
jax-cuda13-pjrt jax-cuda13-plugin jaxlib jaxtyping jinja2 joblib kiwisolver lazy-loader lightning lightning-utilities linear-operator
lineax llvmlite lxml markdown markdown-it-py markupsafe matplotlib mdurl meson ml-dtypes mpi4py mpmath msgpack multidict
multipledispatch mypy-extensions nanobind narwhals networkx ninja numba numba-cuda numpy numpyro nvidia-cublas nvidia-cuda-cupti
nvidia-cuda-nvrtc nvidia-cuda-runtime nvidia-cudnn-cu13 nvidia-cufft nvidia-cufile nvidia-curand nvidia-cusolver nvidia-cusparse
nvidia-cusparselt-cu13 nvidia-ml-py nvidia-nccl-cu13 nvidia-nvjitlink nvidia-nvshmem-cu13 nvidia-nvtx onnx onnx-ir onnxruntime
onnxscript opencv-python-headless optax opt-einsum opt-einsum-fx optimistix orbax-checkpoint packaging pandas pathspec patsy peft
pillow pip pluggy portalocker prometheus-client propcache protobuf psutil pyarrow pybind11 py-cpuinfo pygments pyparsing
pyproject-hooks pyre-extensions pytest pytest-benchmark pytest-cov pytest-mock pytest-timeout pytest-xdist python-dateutil
pytorch-lightning pyyaml regex requests rich sacrebleu safetensors scikit-build-core scikit-image scikit-learn scipy seaborn
sentencepiece sentence-transformers setuptools shellingham simplejson six sortedcontainers statsmodels sympy tabulate tensorboard
tensorboard-data-server tensorstore threadpoolctl tifffile tiktoken timm tokenizers toolz torch torchaudio torchdiffeq
torch-geometric torchmetrics torchvision tqdm transformers treescope triton typer typing-extensions typing-inspect urllib3 uvloop
wadler-lindig werkzeug wheel wrapt xarray xxhash yarl zipp""".split())

# Not needed to run the study notebooks on the device (and large): JupyterLab and the docs builder, fastai's text side (spaCy),
# and what only those pull in.
SKIP = set("""genstudy jupyterlab jupyter-server jupyterlab-server jupyter-lsp jupyter-server-terminals notebook-shim jupyter-builder
jupyter-events async-lru json5 babel argon2-cffi argon2-cffi-bindings terminado send2trash overrides websocket-client
rfc3339-validator rfc3986-validator python-json-logger ipywidgets widgetsnbextension jupyterlab-widgets nbconvert mistune bleach
pandocfilters jupyterlab-pygments beautifulsoup4 soupsieve defusedxml webencodings tinycss2 spacy spacy-legacy spacy-loggers thinc
blis cymem murmurhash preshed srsly wasabi weasel catalogue confection cloudpathlib smart-open langcodes language-data
marisa-trie python-fasthtml starlette uvicorn itsdangerous python-multipart oauthlib httpx2 httpcore2 fasttransport fastspec
truststore watchdog pydantic pydantic-core annotated-types typing-inspection sphinx myst-nb pydata-sphinx-theme diffusers selenium
ray""".split())


# Versions other than the ones installed here: fastprogress 1.1 imports python-fasthtml (a web framework and its server) at
# import time; 1.0.3 is the last without it and is what fastai's progress bars ran with on the device before.
OVERRIDE = {'fastprogress': '1.0.3'}


def norm(name:str)->str: return re.sub(r'[-_.]+', '-', name).lower()


def closure(root:str='genstudy')->dict:
    "{name: installed version} of `root`'s runtime dependency closure in this environment (no extras)."
    from packaging.requirements import Requirement
    seen = {}
    def walk(name):
        key = norm(name)
        if key in seen or key in SKIP and key != norm(root): return
        try: dist = md.distribution(name)
        except md.PackageNotFoundError: return
        seen[key] = dist.version
        for r in dist.requires or []:
            req = Requirement(r)
            if req.marker and not req.marker.evaluate({'extra': ''}): continue
            walk(req.name)
    walk(root)
    return {k: OVERRIDE.get(k, v) for k, v in seen.items() if k not in SKIP and k not in DEVICE_HAS}


PLATFORMS = ['manylinux_2_28_x86_64', 'manylinux_2_27_x86_64', 'manylinux_2_17_x86_64', 'manylinux2014_x86_64', 'manylinux1_x86_64',
             'manylinux_2_24_x86_64', 'manylinux_2_31_x86_64', 'manylinux_2_34_x86_64', 'manylinux_2_35_x86_64']

def download(pkgs:dict, dest:Path, python_version:str)->list[str]:
    "Download one wheel per package for the device's Python; returns the names pip could not find."
    dest.mkdir(parents=True, exist_ok=True)
    plat = [a for p in PLATFORMS for a in ('--platform', p)]
    failed = []
    for name, ver in sorted(pkgs.items()):
        cmd = [sys.executable, '-m', 'pip', 'download', '-q', '--no-deps', '--only-binary=:all:', '--python-version', python_version,
               '--implementation', 'cp', *plat, '-d', str(dest), f"{name}=={ver}"]
        if subprocess.run(cmd, capture_output=True, text=True).returncode: failed.append(f"{name}=={ver}")
    return failed


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--dest', default=str(ROOT/'.whl'), help='folder for the wheels (the device tool carries it: name it in carry)')
    ap.add_argument('--python-version', default='3.12', help="the device's Python (3.12 on the nvidia-h200 image)")
    ap.add_argument('--max-mib', type=float, default=48, help='fail when the wheels exceed this (the carry limit is 64 MiB with the tree)')
    ap.add_argument('--list', action='store_true', help='print the packages and exit')
    a = ap.parse_args(argv)
    pkgs = closure()
    if not pkgs: print("genstudy is not installed in this Python: run this with the project's venv (.venv/bin/python, after make install)"); return 1
    if a.list:
        print('\n'.join(f"{k}=={v}" for k, v in sorted(pkgs.items()))); return 0
    dest = Path(a.dest)
    failed = download(pkgs, dest, a.python_version)
    genstudy_src = ROOT/'genstudy'   # genstudy itself travels as source with the working tree: PYTHONPATH=$PWD
    (dest/'install.sh').write_text(
        "#!/bin/sh\n# install the carried wheels beside the device's own packages (genstudy itself: PYTHONPATH=$PWD)\n"
        "python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "
        f"\"$(dirname \"$0\")\"/*.whl\n")
    size = sum(p.stat().st_size for p in dest.glob('*.whl')) / 2**20
    print(f"wheelhouse: {len(list(dest.glob('*.whl')))} wheels, {size:.1f} MiB in {dest} for Python {a.python_version} "
          f"({len(pkgs)} packages beyond the device's image; genstudy from {genstudy_src.relative_to(ROOT)}/ as source)")
    if failed: print(f"no wheel found for: {', '.join(failed)} (try another version, or add a --platform tag)"); return 1
    if size > a.max_mib: print(f"over the {a.max_mib:.0f} MiB limit: add what the device need not import to SKIP"); return 1
    return 0


if __name__ == '__main__': sys.exit(main())
