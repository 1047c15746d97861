# Safeguard: `make demo` serves the demo partnership; `make test` runs everything CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := safeguard.settings

.PHONY: install demo serve test test-sqlite test-postgres lint typecheck audit-deps system-deps e2e-deps clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

## install: everything needed to run, without serving
install: $(VENV)/.installed node_modules/.package-lock.json
	mkdir -p var
	$(BIN)/safeguard collectstatic --noinput --verbosity 0
	$(BIN)/safeguard migrate --noinput --verbosity 0

## demo: install, load the demo partnership, serve on http://127.0.0.1:8000
demo: install
	SAFEGUARD_DEMO=1 $(BIN)/safeguard seed_demo --children $${CHILDREN:-2000} --seed $${SEED:-1}
	@echo "Serving Safeguard on http://127.0.0.1:8000 (Ctrl+C to stop)"
	SAFEGUARD_DEMO=1 $(BIN)/safeguard runserver 127.0.0.1:8000 --insecure

## serve: install, then run the production server (gunicorn) with settings from the environment
##        (SAFEGUARD_ENV=production needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL: docs/runbooks.md)
serve: install
	$(BIN)/safeguard serve

## system-deps: Debian packages the tests need (Chromium, PostgreSQL 15, PDF libraries)
system-deps:
	@bash scripts/system-deps.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed
	$(BIN)/mypy

audit-deps: $(VENV)/.installed
	$(BIN)/bandit -q -ll -c pyproject.toml -r src
	@bash scripts/pip-audit.sh

test-sqlite: install
	SAFEGUARD_ENV=test $(BIN)/pytest -q -n 2 --dist loadfile

test-postgres: install
	SAFEGUARD_ENV=test bash scripts/with-postgres.sh $(BIN)/pytest -q -n 2 --dist loadfile

## test: lint, types, dependency audit, the whole suite on SQLite and on PostgreSQL 15
test: system-deps install lint typecheck audit-deps test-sqlite test-postgres
	@echo "All checks passed on SQLite and PostgreSQL."

bench: install
	$(BIN)/python bench/pages.py

clean:
	rm -rf var/static var/test-*.sqlite3*
