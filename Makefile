# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
VNU := $(VENV)/node/node_modules/vnu-jar/build/dist/vnu.jar
MANAGE := $(PY) manage.py
TEST_ENV := SECRET_KEY=insecure-key-for-tests-only DEBUG=false HTTPS=false
RUN_ENV := DEBUG=true
# System packages the test suite uses: Chromium for the browser tests, poppler for reading
# PDFs, harfbuzz-subset for WeasyPrint's fonts, gettext for compiling translations.
TEST_SYSTEM_PACKAGES := chromium poppler-utils libharfbuzz-subset0 gettext fonts-dejavu-core
RUN_SYSTEM_PACKAGES := gettext


.PHONY: serve backup
.PHONY: run test lint messages makemessages system-run system-test install clean
.PHONY: bench bench-pages bench-load bench-report bench-spreadsheet bench-charts bench-api bench-review

run: install system-run messages
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) load_real_plan
	$(RUN_ENV) $(MANAGE) create_demo_users
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:8000

# The production setup locally: gunicorn (2 workers) + whitenoise with hashed static files,
# against PostgreSQL on 127.0.0.1 (plain HTTP here, so HTTPS=false; in production leave it on).
SERVE_DB ?= leiden_intl
SERVE_ENV := DEBUG=false STATIC_MANIFEST=true HTTPS=false ALLOWED_HOSTS=127.0.0.1,localhost \
	SECRET_KEY=$${SECRET_KEY:-local-serve-key-change-me-$$(hostname)} \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$(SERVE_DB)}

serve: install messages
	@psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='$(SERVE_DB)'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres $(SERVE_DB)
	$(SERVE_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	$(SERVE_ENV) $(MANAGE) migrate --no-input
	$(SERVE_ENV) $(MANAGE) load_real_plan
	$(SERVE_ENV) $(VENV)/bin/gunicorn leiden_intl.wsgi --workers 2 --bind 127.0.0.1:8001

# make backup FILE=backup.zip (the database of DATABASE_URL and the uploaded files of
# MEDIA_ROOT); restore with manage.py restore
backup: install
	$(SERVE_ENV) $(MANAGE) backup $(FILE)

# Prints the ten slowest tests and the suite's wall time (bash's `time`).
test: install system-test $(VNU) lint
	time $(TEST_ENV) $(PY) -m pytest --durations=10

# The Nu HTML Checker for tests/test_html_validity.py, from npm; runs on the Java of the
# machine (11 or later), so the JRE download of the package's install script is skipped.
$(VNU):
	@command -v java >/dev/null || { echo "The HTML checker needs Java 11+: apt-get install default-jre-headless" >&2; exit 1; }
	npm install --no-save --ignore-scripts --no-audit --no-fund --prefix $(VENV)/node vnu-jar@26

# Benchmarks print ratios against a floor measured in the same run (see bench/RESULTS.md).
# Each uses a throwaway database of its own; bench-load needs PostgreSQL on 127.0.0.1:5432.
bench: bench-pages bench-load bench-report bench-spreadsheet bench-charts bench-api bench-review

bench-pages: install messages
	$(PY) bench/pages.py

bench-load: install messages
	@pg_isready -h 127.0.0.1 -p 5432 -q || { pg_ctlcluster --skip-systemctl-redirect \
		"$$(ls /etc/postgresql)" main start; for _ in $$(seq 30); do \
		pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }
	$(PY) bench/load.py

bench-report: install system-test messages
	$(PY) bench/report.py

bench-spreadsheet: install messages
	$(PY) bench/spreadsheet.py

# SQLite always; PostgreSQL on 127.0.0.1:5432 too when it answers (a throwaway database)
bench-review: install messages
	$(PY) bench/review.py

# pygal joins in when PYGAL_PYTHON names an interpreter that has it (see bench/charts.py)
bench-charts: install messages
	$(PY) bench/charts.py

# the API's list throughput beside the bare view (bench/api.py; x100 on request)
bench-api: install messages
	$(PY) bench/api.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# The compiled catalogue is committed with its .po (a system check and a test compare them):
# run this after changing django.po and commit both.
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
