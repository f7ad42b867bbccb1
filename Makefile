# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
TEST_ENV := SECRET_KEY=insecure-key-for-tests-only DEBUG=false HTTPS=false
RUN_ENV := DEBUG=true
# System packages the test suite uses: Chromium for the browser tests, poppler for reading
# PDFs, harfbuzz-subset for WeasyPrint's fonts, gettext for compiling translations.
TEST_SYSTEM_PACKAGES := chromium poppler-utils libharfbuzz-subset0 gettext fonts-dejavu-core
RUN_SYSTEM_PACKAGES := gettext

.PHONY: run test lint messages makemessages system-run system-test install clean bench bench-report bench-dashboard

run: install system-run messages
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) load_real_plan
	$(RUN_ENV) $(MANAGE) create_demo_users
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:8000

test: install system-test messages lint
	$(TEST_ENV) $(PY) -m pytest

# Benchmarks print ratios against a floor measured in the same run (see bench/).
bench: bench-report bench-dashboard

bench-report: install system-test messages
	$(PY) bench/report.py

bench-dashboard: install messages
	$(PY) bench/dashboard.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run

install: $(STAMP)

# xstatic-bootstrap ships only an sdist whose setup.py needs pkg_resources, which recent
# setuptools no longer has: build it without isolation against setuptools<81.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "setuptools<81" wheel
	$(PY) -m pip install --quiet --no-build-isolation "xstatic-bootstrap>=5.3,<6"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

messages: install system-run
	$(RUN_ENV) $(MANAGE) compilemessages --ignore=$(VENV) --verbosity 0

# Refresh the catalogue after changing user-facing strings; then translate what is new.
makemessages: install
	$(RUN_ENV) $(MANAGE) makemessages --locale nl --ignore=$(VENV) --ignore=test-artifacts --no-obsolete

system-run:
	@bash .ci/system-packages $(RUN_SYSTEM_PACKAGES)

system-test:
	@bash .ci/system-packages $(TEST_SYSTEM_PACKAGES)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find . -name '*.mo' -not -path './$(VENV)/*' -delete
