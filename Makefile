# Capacity Map: `make run` to try it, `make test` to test it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test lint format migrations-check install install-dev browser-deps demo clean
.DEFAULT_GOAL := help

help:  ## List the targets
	@echo "Capacity Map. Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 26

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# axe-core for the real-browser accessibility checks, and oidc-provider, the OpenID provider the
# council-account sign-in tests run on loopback (needs npm; those tests are skipped with a note
# without it). npm ci runs again whenever package-lock.json is newer than what it installed.
browser-deps:
	@if [ ! -f frontend/node_modules/axe-core/axe.min.js ] || [ ! -f frontend/node_modules/oidc-provider/package.json ] \
	  || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
	  if command -v npm >/dev/null; then (cd frontend && npm ci --no-audit --no-fund --loglevel=error); \
	  else echo "npm not found: real-browser tests will be skipped"; fi; \
	fi

# The demo council is loaded once (seed_demo only adds what is missing). The demo logins are
# printed only when the accounts are made, so they are kept in .demo-logins (git-ignored).
demo: install  ## Migrate and load the demo council once
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	@DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo $$([ -s .demo-logins ] || echo --reset-passwords) > .seed-output
	@tail -n 12 .seed-output
	@if grep -q 'Demo logins' .seed-output; then grep 'Demo logins' .seed-output > .demo-logins; chmod 600 .demo-logins; fi
	@rm -f .seed-output
	@echo; cat .demo-logins; echo

# The task worker sends the outbox's emails (to the console in development); it runs beside the
# web server and stops with it. Links in emails start with the address it serves on.
run: demo  ## Serve the demo council on http://127.0.0.1:8000 with the task worker
	@echo "Serving $${COUNCIL_NAME:-the demo council} on http://$(HOST):$(PORT)/ with the task worker"
	@export DJANGO_DEBUG=1 SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	  $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The task worker alone (e.g. beside gunicorn in a second terminal).
.PHONY: worker
worker: install  ## Run the task worker alone (sends the outbox)
	DJANGO_DEBUG=1 $(BIN)/python manage.py db_worker --no-reload

test: install-dev browser-deps  ## Run the whole test suite (SQLite, or DATABASE_URL)
	$(BIN)/pytest

lint: install-dev  ## Lint and check formatting (as CI does)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev  ## Format the code and fix what the linter can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install  ## Fail if a model change has no migration
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:  ## Remove the virtualenv and caches
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Backups of the configured database (DATABASE_URL, or the SQLite file): make backup, then
# make restore BACKUP=backups/<file>, which replaces the database without asking (it runs
# unattended: saying which backup is the confirmation; `manage.py restore` alone asks first).
# Backups hold personal data: backups/ and each file are readable by their owner only.
.PHONY: backup restore
backup: install  ## Back up the configured database into backups/
	@mkdir -p backups && chmod 700 backups
	$(BIN)/python manage.py backup --output backups/capacity-map-$$(date +%Y%m%d-%H%M%S).backup

restore: install  ## Restore a backup: make restore BACKUP=backups/<file>
	@test -n "$(BACKUP)" || (echo "Say which backup to restore: make restore BACKUP=backups/<file>"; \
	  echo "Newest: $$(ls -t backups/*.backup 2>/dev/null | head -n 1)"; exit 1)
	$(BIN)/python manage.py restore --input $(BACKUP) --yes

# Performance at county scale (docs/performance.md). `make bench` builds or reuses two PostgreSQL
# databases from the seed_demo generator (DATABASE_URL, default a local capacity_map_bench, and
# the same name ending _demo) and writes bench/results.json. `make loadtest` runs gunicorn with
# production settings against the county and 30 seconds of locust from its own virtualenv.
LOCUST := bench/.venv-locust/bin/locust
.PHONY: bench loadtest
bench: install  ## County-scale benchmark on PostgreSQL (docs/performance.md)
	$(BIN)/python bench/run.py

$(LOCUST):
	$(PYTHON) -m venv bench/.venv-locust
	bench/.venv-locust/bin/python -m pip install --quiet --upgrade pip
	bench/.venv-locust/bin/pip install --quiet "locust==2.47.0"

loadtest: install $(LOCUST)  ## Load test gunicorn with locust for 30 s
	$(BIN)/python bench/loadtest.py --locust $(LOCUST)
