# fitgap: two commands on a fresh machine with Python 3.11+ and make.
#   make run   – set up .venv and open fitgap on ./fitgap.db with the bundled catalog
#   make test  – set up .venv and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: run test check lint typecheck contracts bench snapshots clean setup

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/fitgap

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check fitgap tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

check: lint typecheck contracts test

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

# PNG pictures of the first page of every output as LibreOffice and Chromium print it (exports/snapshots)
snapshots: $(STAMP)
	$(BIN)/python -m tests.print_snapshots exports/snapshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
