# landreg — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.landreg-installed
HOST ?= 127.0.0.1
PORT ?= 8000
REGISTRY ?= var/landreg.gpkg

.PHONY: run rebuild test test-fast bench lint install clean notebooks

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Build the registry from the bundled layers (when there is none yet: edits are never thrown away),
## report its contents, and serve the API and maps on $(HOST):$(PORT).
run: $(STAMP)
	@if [ -f $(REGISTRY) ]; then \
		echo "registry $(REGISTRY) exists (make rebuild builds it anew from layers/)"; \
		$(VENV)/bin/landreg summary --registry $(REGISTRY); \
	else \
		$(VENV)/bin/landreg init --registry $(REGISTRY); \
	fi
	$(VENV)/bin/landreg serve --registry $(REGISTRY) --host $(HOST) --port $(PORT)

## Build the registry anew from the bundled layers (replaces the existing file and its history).
rebuild: $(STAMP)
	$(VENV)/bin/landreg init --force --registry $(REGISTRY)

## Open the analyst notebooks in JupyterLab, run by this project's environment (.venv), on the
## registry $(REGISTRY) (built from the bundled layers when it does not exist yet).
## JupyterLab comes from the optional extra "notebooks", installed here (not by make test);
## JUPYTER_ARGS passes options on (e.g. JUPYTER_ARGS="--no-browser --port 8890").
NOTEBOOKS_STAMP := $(VENV)/.landreg-notebooks

$(NOTEBOOKS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,notebooks]'
	touch $(NOTEBOOKS_STAMP)

notebooks: $(NOTEBOOKS_STAMP)
	@if [ ! -f "$(REGISTRY)" ]; then $(VENV)/bin/landreg init --registry "$(REGISTRY)"; fi
	LANDREG_REGISTRY="$(abspath $(REGISTRY))" LANDREG_LAYERS_DIR="$(abspath layers)" \
		$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(abspath notebooks)" $(JUPYTER_ARGS)

## The whole test suite (what CI runs).
test: $(STAMP)
	$(PY) -m pytest

## The inner loop: every test but those marked slow (contract fuzzing, README commands, notebooks,
## the browser, killed processes); make test still runs them all.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

## Benchmarks (ratios against baselines measured in the same run) -> bench/RESULTS.md
bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check landreg api maps tests bench
	$(VENV)/bin/ruff format --check landreg api maps tests bench
	$(VENV)/bin/mypy landreg api maps

clean:
	rm -rf $(VENV) var build *.egg-info
