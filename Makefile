# landreg — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.landreg-installed
HOST ?= 127.0.0.1
PORT ?= 8000
REGISTRY ?= var/landreg.gpkg

.PHONY: run rebuild test test-fast fuzz bench lint install clean notebooks postgis postgis-stop

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

## The full contract fuzzing: schemathesis over every operation of the OpenAPI document, positive and negative
## modes, 500 examples per operation, fixed seed, with and without an admin token (no 5xx, every response as
## documented). The suite runs the same with 25 examples; this takes hours.
fuzz: $(STAMP)
	LANDREG_FUZZ_EXAMPLES=500 $(PY) -m pytest tests/api/test_schemathesis.py -m slow -q -p no:cacheprovider

## A local PostgreSQL + PostGIS server for the registry: installs Debian's packages when missing (as root),
## creates a cluster in $(POSTGIS_DIR) owned by a non-root user (postgres when run as root), listening on
## 127.0.0.1 only, brings the registry schema up to date and prints the URL (LANDREG_DATABASE_URL).
POSTGIS_DIR ?= var/postgis
POSTGIS_PACKAGES := postgresql-15 postgresql-15-postgis-3

postgis: $(STAMP)
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && apt-get install -y -qq $(POSTGIS_PACKAGES) >/dev/null; \
		else \
			echo "PostgreSQL/PostGIS is missing: sudo apt-get install $(POSTGIS_PACKAGES)" >&2; exit 1; \
		fi; \
	fi
	@url=$$($(PY) -m landreg.registry.postgis.cluster $(POSTGIS_DIR)) && \
		$(VENV)/bin/landreg db upgrade --registry "$$url" >&2 && \
		echo "registry URL (export LANDREG_DATABASE_URL=... to use it; make postgis-stop stops the server):" >&2 && \
		echo "$$url"

## Stop the server that make postgis started.
postgis-stop: $(STAMP)
	@$(PY) -m landreg.registry.postgis.cluster --stop $(POSTGIS_DIR)

## Benchmarks (ratios against baselines measured in the same run) -> bench/RESULTS.md
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check landreg api maps tests bench
	$(VENV)/bin/ruff format --check landreg api maps tests bench
	$(VENV)/bin/mypy landreg api maps

clean:
	rm -rf $(VENV) var build *.egg-info
