# Two commands do all set-up: `make run` and `make test`. Both create .venv/ if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install worker bench bench-quick clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kanalarkiv serve --port $${PORT:-8000}

worker: $(STAMP)
	$(BIN)/kanalarkiv projections run

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The house's rules: one-way layers (import-linter), lint and format (ruff), types (mypy).
lint: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench-quick: $(STAMP)
	$(BIN)/python -c 'import matplotlib' 2>/dev/null && test -x $(BIN)/py-spy || $(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench --quick

bench: $(STAMP)
	$(BIN)/python -c 'import matplotlib' 2>/dev/null && test -x $(BIN)/py-spy || $(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info
