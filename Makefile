# Capacity Map: `make run` to try it, `make test` to test it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install install-dev browser-deps demo clean

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

# axe-core for the real-browser accessibility checks (needs npm; skipped with a note without it).
browser-deps:
	@if [ ! -f frontend/node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null; then (cd frontend && npm ci --no-audit --no-fund --loglevel=error); \
	  else echo "npm not found: real-browser tests will be skipped"; fi; \
	fi

# The demo council is loaded once; its logins are kept in .demo-logins (git-ignored, local only).
demo: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	@if [ ! -s .demo-logins ] || ! DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo --check >/dev/null 2>&1; then \
	  DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo --reset-passwords | tee .demo-logins.tmp && \
	  grep -i 'login\|password\|admin\|officer' .demo-logins.tmp > .demo-logins; rm -f .demo-logins.tmp; chmod 600 .demo-logins; \
	fi
	@echo; echo "Demo logins (from .demo-logins):"; cat .demo-logins; echo

run: demo
	@echo "Serving $${COUNCIL_NAME:-the demo council} on http://$(HOST):$(PORT)/"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev browser-deps
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
