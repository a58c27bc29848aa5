# Löfteskartan: the single source of how to run, test and lint.
# Works from a fresh clone with python3, make and (for the system packages) root apt.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
PYTEST_ARGS ?=

.PHONY: run test lint venv system-deps

## run: install the app, create/upgrade the database with demo data, start Streamlit
run: $(VENV)/.installed-run
	$(BIN)/lofteskartan init --demo
	$(BIN)/lofteskartan serve

## test: install with dev tools, check system packages, run pytest (PYTEST_ARGS=...)
test: $(VENV)/.installed-dev system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: ruff lint, ruff format check, mypy on geo/
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy geo

system-deps:
	bash scripts/system-deps.sh

venv: $(BIN)/python

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when pyproject.toml is newer than the stamp.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

# dev is a superset of run, so it satisfies the run stamp too.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.installed-run
