# landreg — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.landreg-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint install clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Build the registry from the bundled layers, report its contents, and serve the API on $(HOST):$(PORT).
run: $(STAMP)
	$(VENV)/bin/landreg init --force
	$(VENV)/bin/landreg serve --host $(HOST) --port $(PORT)

## The whole test suite.
test: $(STAMP)
	$(PY) -m pytest

## Benchmarks (ratios against baselines measured in the same run) -> bench/RESULTS.md
bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check landreg api maps tests bench
	$(VENV)/bin/ruff format --check landreg api maps tests bench
	$(VENV)/bin/mypy landreg

clean:
	rm -rf $(VENV) var build *.egg-info
