# Two set-up commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
DEMO_DIR := demo-output

.PHONY: demo test install install-dev report bench clean

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

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	mkdir -p $(DEMO_DIR)
	$(BIN)/synthdata fit examples/patients.csv --epochs 100 -o $(DEMO_DIR)/patients.synth
	$(BIN)/synthdata sample -m $(DEMO_DIR)/patients.synth -n 10000 -o $(DEMO_DIR)/patients.synthetic.csv
	@echo "model: $(DEMO_DIR)/patients.synth"
	@echo "rows:  $(DEMO_DIR)/patients.synthetic.csv"

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

report: $(VENV)/.installed-dev
	$(BIN)/python examples/adult_report.py

# MOSTLY AI's engine pulls PyPI's torchvision and torchaudio, which do not import beside
# the CPU torch and which its tabular model never uses (benchmarks/README.md).
bench: $(VENV)/.installed-dev
	$(BIN)/pip install -q -e ".[bench]" torch==$(TORCH_VERSION)
	$(BIN)/pip uninstall -q -y torchvision torchaudio

clean:
	rm -rf $(VENV) $(DEMO_DIR) build *.egg-info
