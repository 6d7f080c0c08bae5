# fitgap: two commands on a fresh machine with Python 3.11+ and make.
#   make run   – set up .venv (what running needs) and open fitgap on ./fitgap.db with the bundled catalog
#   make test  – set up .venv with the development tools and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
RUN_STAMP = $(VENV)/.run-stamp
STAMP   = $(VENV)/.installed-stamp
PIP     = $(BIN)/python -m pip --disable-pip-version-check

.PHONY: run test check lint typecheck contracts bench snapshots clean setup offline-bundle

# running needs the program and its libraries only; pip's own lines show the progress
$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> fitgap を $(VENV) に入れます（初回は 1 分ほどかかります）"
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	touch $(RUN_STAMP)
	@echo "==> 入りました。コマンドは $(BIN)/fitgap …（または . $(BIN)/activate のあとで fitgap …）で使えます"

# the tests and checks add the development tools
$(STAMP): $(RUN_STAMP)
	@echo "==> テストと検査の道具を $(VENV) に入れます"
	$(PIP) install -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/fitgap
	@echo "fitgap のコマンドは $(BIN)/fitgap …（例: $(BIN)/fitgap status）、または . $(BIN)/activate のあとで fitgap …"

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check fitgap tests benchmarks packaging

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

check: lint typecheck contracts test

# one zip with every wheel fitgap needs on Windows x64 and Linux (Python 3.11-3.13), install.bat /
# install.sh and the docs, for PCs without internet (LGWAN): dist/fitgap-offline-VERSION.zip
offline-bundle: $(RUN_STAMP)
	$(BIN)/python packaging/offline_bundle.py --out dist

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

# PNG pictures of the first page of every output as LibreOffice and Chromium print it (exports/snapshots)
snapshots: $(STAMP)
	$(BIN)/python -m tests.print_snapshots exports/snapshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
