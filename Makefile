# Safeguard: `make demo` serves the demo partnership; `make test` runs everything CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := safeguard.settings

.PHONY: install demo serve test test-sqlite test-postgres lint typecheck audit-deps licences sbom lock \
	system-deps e2e-deps clean bench bench-load bench-audit drills drill-crash drill-backup-postgres \
	drill-pitr drill-backup-sqlite fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every Python package, build tools included, comes from requirements.lock with its hashes
# (pip refuses any file whose hash differs); then Safeguard itself, with no further downloads.
# `pip check` fails if the lock is stale (pyproject.toml asks for something it lacks).
$(VENV)/.installed: pyproject.toml requirements.lock $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

## lock: re-resolve requirements.lock (hashes) after changing pyproject.toml; keeps existing pins
##       (uv itself comes from the lock, hash-checked, so this works before `make install` can)
lock: $(BIN)/python
	mkdir -p var
	awk '/^uv==/{p=1} p{print} p && !/\\$$/{exit}' requirements.lock > var/uv-requirement.txt
	$(BIN)/pip install --quiet --require-hashes --no-deps -r var/uv-requirement.txt
	$(BIN)/uv pip compile pyproject.toml scripts/lock-build.in --extra dev --generate-hashes \
	  --python-version 3.11 --annotation-style line --custom-compile-command "make lock" \
	  --quiet --output-file requirements.lock

# `npm ci` installs exactly package-lock.json and checks each package's integrity (sha512).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

## install: everything needed to run, without serving
install: $(VENV)/.installed node_modules/.package-lock.json
	mkdir -p var
	$(BIN)/safeguard collectstatic --noinput --verbosity 0
	$(BIN)/safeguard compilemessages --ignore .venv --ignore node_modules --verbosity 0
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
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(VENV)/.installed
	$(BIN)/mypy

## audit-deps: bandit, known vulnerabilities (pip-audit, npm audit), no GPL licences
audit-deps: $(VENV)/.installed node_modules/.package-lock.json
	$(BIN)/bandit -q -ll -c pyproject.toml -r src
	@bash scripts/pip-audit.sh
	@bash scripts/npm-audit.sh
	$(BIN)/python scripts/check_licences.py

licences: $(VENV)/.installed
	$(BIN)/python scripts/check_licences.py --list

## sbom: CycloneDX software bills of materials in var/sbom/ (Python environment and npm packages)
sbom: $(VENV)/.installed
	mkdir -p var/sbom
	$(BIN)/cyclonedx-py environment --pyproject pyproject.toml --output-reproducible \
	  --of JSON -o var/sbom/python.cdx.json $(BIN)/python
	$(BIN)/python scripts/npm_sbom.py --output var/sbom/npm.cdx.json
	@echo "SBOMs written: var/sbom/python.cdx.json var/sbom/npm.cdx.json"

test-sqlite: install
	SAFEGUARD_ENV=test $(BIN)/pytest -q -n 2 --dist loadfile

test-postgres: install
	SAFEGUARD_ENV=test bash scripts/with-postgres.sh $(BIN)/pytest -q -n 2 --dist loadfile

## test: lint, types, dependency audit, the whole suite on SQLite and on PostgreSQL 15
test: system-deps install lint typecheck audit-deps test-sqlite test-postgres
	@echo "All checks passed on SQLite and PostgreSQL."

bench: install
	$(BIN)/python bench/pages.py

## bench-load: locust against `safeguard serve` on PostgreSQL (bounded users and time), docs/performance.md
##             LOAD_DATA=DIR: against a prepared data directory (the demo at 20,000 children), copied
bench-load: install
	if [ -n "$${LOAD_DATA:-}" ]; then \
	  PYTHON=$(BIN)/python bash bench/load_prepared.sh "$$LOAD_DATA" --users $${USERS:-50} \
	    --run-time $${RUN_TIME:-120}; \
	else \
	  $(BIN)/python bench/load.py --postgres --children $${CHILDREN:-2000} --users $${USERS:-50} \
	    --run-time $${RUN_TIME:-120}; \
	fi

## bench-audit: append and verify the audit chain at 10,000 and 100,000 events, SQLite and PostgreSQL
bench-audit: install
	$(BIN)/python bench/audit.py --both --markdown

## fuzz: hostile input through every form and the partner API, budget SAFEGUARD_FUZZ_EXAMPLES a form
fuzz: install
	SAFEGUARD_DRILLS=1 SAFEGUARD_FUZZ_EXAMPLES=$${SAFEGUARD_FUZZ_EXAMPLES:-40} SAFEGUARD_ENV=test \
	  $(BIN)/pytest -q -p no:xdist tests/drills/test_fuzz.py tests/drills/test_fuzz_api.py \
	  tests/drills/test_fuzz_exports.py

## drills: the long reliability drills (minutes; not run by `make test` or CI), docs/reliability.md
drills: install
	SAFEGUARD_DRILLS=1 SAFEGUARD_ENV=test $(BIN)/pytest -q -p no:xdist tests/drills/test_drills.py

drill-backup-postgres: install
	$(BIN)/python scripts/drills/backup_postgres.py

drill-pitr: install
	$(BIN)/python scripts/drills/pitr.py

drill-backup-sqlite: install
	$(BIN)/python scripts/drills/backup_sqlite.py

drill-crash: install
	$(BIN)/python scripts/drills/crash.py

clean:
	rm -rf var/static var/test-*.sqlite3*
