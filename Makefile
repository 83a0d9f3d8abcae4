# symphony-lab: set up, build, run and test. Everything lives in .venv and node_modules of this folder.
#   make lab     set everything up and open JupyterLab on the demo notebook
#   make test    set everything up (Debian chromium included) and run every suite
#   make bench   benchmarks beside their baselines: per-cell overhead, components, browser latency

SHELL := /bin/bash
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
ROOT_FLAGS := $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True,)
INSTALL_STAMP := $(VENV)/.symphony-installed

.PHONY: all install build lab test test-python test-js test-ui chromium bench dist clean

all: install

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version' \
	  || { echo "Set PYTHON=python3.11 (or newer) and run make again."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Build tools first (jlpm comes with jupyterlab/jupyter-builder), then the JS dependencies, the lab
# extension, and the package itself in editable mode with a symlinked lab extension.
$(INSTALL_STAMP): $(BIN)/python pyproject.toml package.json yarn.lock
	$(BIN)/pip install --quiet "jupyterlab>=4.6,<4.7" "hatchling>=1.27" "hatch-nodejs-version>=0.3.2" \
	  "hatch-jupyter-builder>=0.5" "jupyter-builder>=1.2,<2" editables
	jlpm install
	jlpm build
	$(BIN)/pip install --quiet --no-build-isolation -e ".[test,demo]"
	jupyter labextension develop --overwrite .
	@touch $@

install: $(INSTALL_STAMP)

build: install
	jlpm build

lab: build
	jupyter lab $(ROOT_FLAGS) examples/demo.ipynb

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Galata needs Debian's chromium: run 'sudo apt-get install -y chromium'"; exit 1; fi; }
	@chromium --version

test: build chromium
	$(MAKE) test-python
	$(MAKE) test-js
	$(MAKE) test-ui

test-python: install
	$(BIN)/python -m pytest -p no:cacheprovider

test-js: install
	jlpm test

test-ui: build chromium
	cd ui-tests && jlpm install && jlpm playwright test

# A release wheel (production build of the lab extension) in dist/.
dist: install
	jlpm build:prod
	$(BIN)/pip wheel --no-deps --no-build-isolation -w dist .

# ydata-profiling (a baseline of bench_ydata.py) pins pandas below 3: it gets an environment of its own.
BASELINES := benchmarks/.venv-baselines
$(BASELINES)/bin/python:
	$(PYTHON) -m venv $(BASELINES)
	$(BASELINES)/bin/pip install -q ydata-profiling pyarrow

bench: build chromium $(BASELINES)/bin/python
	$(BIN)/python benchmarks/bench_overhead.py
	$(BIN)/python benchmarks/bench_components.py
	$(BIN)/python benchmarks/bench_summary_brush.py
	$(BIN)/python benchmarks/bench_ydata.py
	cd ui-tests && jlpm install
	$(BIN)/python benchmarks/bench_browser.py
	$(BIN)/python benchmarks/bench_embedding.py
	$(BIN)/python benchmarks/bench_models.py
	$(BIN)/python benchmarks/bench_collab.py
	$(BIN)/python benchmarks/bench_export.py

clean:
	rm -rf lib tsconfig.tsbuildinfo symphony_lab/labextension node_modules ui-tests/node_modules $(VENV) $(BASELINES)
