# Connector Hub: `make run` serves everything locally, `make test` runs the whole suite.

PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=
# Test processes (pytest-xdist): each has its own var folder, database, broker and servers.
TEST_PROCESSES ?= auto

.PHONY: run install test lint format clean-var

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalog
	@# Ctrl-C reaches honcho, which stops every process; the shell then ends quietly (no make error).
	@trap 'exit 0' INT; PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --maxprocesses 4 $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache architecture.ini

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production topology on this machine: PostgreSQL + Redis (Debian packages, data under
# var/stack/), gunicorn, a worker per queue and beat. Ctrl-C stops everything.
.PHONY: run-stack
run-stack: $(RUNTIME_STAMP)
	bash deploy/run-stack.sh
