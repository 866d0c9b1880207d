# Two commands do all the set-up on a fresh machine:
#   make run   - create .venv, migrate, load the reference, serve on http://127.0.0.1:8000
#   make test  - the same set-up, then every check (lint, types, Django checks, tests on
#                SQLite and on a throwaway PostgreSQL cluster, browser tests in Chromium)
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv node system-deps run test lint typecheck security check pytest pytest-postgres bench load clean

help:
	@echo "make run    start the app on SQLite with the reference loaded"
	@echo "make test   run every check"
	@echo "make bench  print the performance figures"

# uv from PyPI runs as `python3 -m uv`, so it works wherever pip put it.
.venv/.synced: pyproject.toml uv.lock
	python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	python3 -m uv sync --frozen --all-groups
	touch $@

venv: .venv/.synced

# axe-core for the accessibility checks in the browser tests, from the npm registry.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

system-deps:
	bash scripts/system-deps.sh

run: venv
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_reference --initial
	DEBUG=1 $(PY) manage.py ensure_demo_clinician --address $(HOST):$(PORT)
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

typecheck: venv
	DEBUG=1 .venv/bin/mypy .

security: venv
	.venv/bin/bandit -c pyproject.toml -q -r config notes reference interop apitokens disagreements

check: venv
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=deploy-check-$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level ERROR

# On SQLite: the suite (schemathesis included), then the concurrency tests on a
# file-backed database (real threads; Django's in-memory test database would serialise
# them), then the browser tests (axe-core on every page).
pytest: venv node
	SECRET_KEY=test-only $(PY) -m pytest -m "not browser and not concurrency" $(PYTEST_ARGS)
	db=$$(mktemp -u /tmp/liptwitch-test-XXXXXX.sqlite3); \
	  SECRET_KEY=test-only SQLITE_TEST_NAME=$$db $(PY) -m pytest -m concurrency $(PYTEST_ARGS); \
	  rc=$$?; rm -f $$db $$db-wal $$db-shm; exit $$rc
	SECRET_KEY=test-only $(PY) -m pytest -m browser $(PYTEST_ARGS)

# On a throwaway PostgreSQL cluster with a throwaway Redis as the cache, as a clinic with
# several app servers runs it; then a backup taken with pg_dump and restored.
pytest-postgres: venv
	SECRET_KEY=test-only bash scripts/with-postgres.sh bash scripts/with-redis.sh \
	  $(PY) -m pytest -m "not browser and not concurrency" $(PYTEST_ARGS)
	SECRET_KEY=test-only PGTEST_PORT=54330 bash scripts/with-postgres.sh \
	  bash scripts/with-redis.sh $(PY) -m pytest -m concurrency $(PYTEST_ARGS)
	SECRET_KEY=test-only PGTEST_PORT=54331 bash scripts/with-postgres.sh bash scripts/test-backup.sh

test: system-deps venv node lint typecheck security check pytest pytest-postgres

bench: venv
	SECRET_KEY=bench-only $(PY) bench/differential.py
	SECRET_KEY=bench-only $(PY) bench/handout.py

# The load run (about 5 minutes): 32 clients on the differential, 8 on the handout,
# on SQLite and on PostgreSQL. See bench/load.py.
load: venv
	SECRET_KEY=bench-only $(PY) bench/load.py
	SECRET_KEY=bench-only $(PY) bench/load.py --postgres

clean:
	rm -rf .venv node_modules db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
