# Two commands do all the set-up on a fresh machine:
#   make run   - create .venv, migrate, load the reference, serve on http://127.0.0.1:8000
#   make test  - the same set-up, then every check (lint, types, Django checks, tests on
#                SQLite and on a throwaway PostgreSQL cluster, browser tests in Chromium)
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv system-deps run test lint typecheck check pytest pytest-postgres bench clean

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

system-deps:
	bash scripts/system-deps.sh

run: venv
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_reference
	DEBUG=1 $(PY) manage.py ensure_demo_clinician
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

typecheck: venv
	DEBUG=1 .venv/bin/mypy .

check: venv
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=deploy-check-$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM$$RANDOM ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level ERROR

pytest: venv
	SECRET_KEY=test-only $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)
	SECRET_KEY=test-only $(PY) -m pytest -m browser $(PYTEST_ARGS)

pytest-postgres: venv
	SECRET_KEY=test-only bash scripts/with-postgres.sh $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test: system-deps venv lint typecheck check pytest pytest-postgres

bench: venv
	SECRET_KEY=bench-only $(PY) bench/differential.py
	SECRET_KEY=bench-only $(PY) bench/handout.py

clean:
	rm -rf .venv db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
