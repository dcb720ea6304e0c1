# Two set-up commands: `make demo` and `make test`. Everything installs into .venv.
# Maintainers: `make lint` (ruff and mypy), `make docs` (the site, --strict), `make dist`
# (sdist and wheel, checked by twine and installed into a fresh venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
DEMO_DIR := demo-output

.PHONY: demo test install install-dev install-docs lint format docs docs-serve dist report bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch is installed on its own, pinned, unless the venv already imports it:
# an unpinned torch would pull a multi-GB CUDA build.
$(VENV)/.torch: | $(BIN)/python
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install -q torch==$(TORCH_VERSION)
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.torch
	$(BIN)/pip install -q -e ".[parquet,report]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.torch
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-docs: pyproject.toml $(VENV)/.torch
	$(BIN)/pip install -q -e ".[docs]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-docs: $(VENV)/.installed-docs

demo: $(VENV)/.installed
	mkdir -p $(DEMO_DIR)
	$(BIN)/synthdata fit examples/patients.csv --epochs 100 -o $(DEMO_DIR)/patients.synth
	$(BIN)/synthdata sample -m $(DEMO_DIR)/patients.synth -n 10000 -o $(DEMO_DIR)/patients.synthetic.csv
	@echo "model: $(DEMO_DIR)/patients.synth"
	@echo "rows:  $(DEMO_DIR)/patients.synthetic.csv"

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

# The rule set and the strict modules are stated in pyproject.toml; .pre-commit-config.yaml runs the same.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# docs/hooks.py draws the report figures and the schema-file tables while the site builds.
docs: $(VENV)/.installed-docs
	$(BIN)/mkdocs build --strict

docs-serve: $(VENV)/.installed-docs
	$(BIN)/mkdocs serve

# The wheel installs into a fresh venv outside the clone and fits and samples there
# (tests/test_packaging.py checks what the build reads).
dist: $(VENV)/.installed-dev
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*
	$(BIN)/python .ci/wheel_check.py dist

report: $(VENV)/.installed-dev
	$(BIN)/python examples/adult_report.py

# MOSTLY AI's engine pulls PyPI's torchvision and torchaudio, which do not import beside
# the CPU torch and which its tabular model never uses (benchmarks/README.md).
bench: $(VENV)/.installed-dev
	$(BIN)/pip install -q -e ".[bench]" torch==$(TORCH_VERSION)
	$(BIN)/pip uninstall -q -y torchvision torchaudio

clean:
	rm -rf $(VENV) $(DEMO_DIR) build dist site *.egg-info
