# Two commands on a fresh Debian machine with Python 3.11+:
#   make run    set up, migrate, load the demo data, serve on 127.0.0.1:8000
#               with Redis, a Celery worker and beat (Procfile, honcho)
#   make test   set up and run the whole test suite
PYTHON ?= python3
# Some machines set PYTHONDONTWRITEBYTECODE: every Python process (the test
# workers, gunicorn, Celery, the commands tests start) then compiles Django and
# the rest from source again, 4.4 s of CPU instead of 1.6 s before its first
# line runs. The venv and the project's __pycache__ (ignored by git) keep the
# compiled files here.
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run run-debug test test-later setup system-deps lint bench check-deploy

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/honcho start -f Procfile

# `make run` serves with DEBUG off (config/settings/dev.py): the product's own
# Chinese error pages, static files through whitenoise. Django's debug pages
# only when asked for: `make run-debug`, or DEBUG=1 in the environment.
run-debug:
	DEBUG=1 $(MAKE) run

# Two pytest-xdist workers, each with its own test database and media folder;
# a test file stays on one worker (its module fixtures, a gunicorn or Celery
# worker it starts). Files start in collection order, the longest first
# (START_FIRST in tests/conftest.py), so the two workers end together.
# TEST_WORKERS=0 runs in one process; PYTEST_ARGS adds options, as .ci/run
# does for SQLite (-m "not browser and not one_database").
TEST_WORKERS ?= 2
PYTEST_ARGS ?=
test: setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# The tests that touch dates (sessions, lockout, password age, periods, 通报 months,
# deadlines and reminders) once more with the whole process clock 400 days ahead:
# a test that depends on today's date fails today, not next month. The tests
# marked one_database (rendering, headers, refusals before the view, bad input)
# read no date and are left out here. .ci/run runs its whole SQLite pass this
# way (these tests included) rather than this target.
DATED_TESTS := tests/security tests/assessment tests/audit tests/commissions tests/planning \
	tests/reading/test_instructions.py tests/reading/test_instruction_deadlines.py \
	tests/reading/test_my_instructions.py tests/notifications/test_delivery.py \
	tests/briefing/test_duplicates.py tests/briefing/test_urgent.py tests/core/test_load_demo.py
test-later: setup
	faketime -f +400d $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
		-q -p no:cacheprovider -m "not browser and not one_database" $(DATED_TESTS)

setup: system-deps $(VENV)/.installed

system-deps:
	scripts/install-system-deps.sh

# uv installs the pinned requirements into the venv in seconds (pip took about
# 20 s on a fresh clone, a third of the time before the tests start).
UV_VERSION := 0.13.10
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements-dev.txt
	touch $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python manage.py bench_pdf

check-deploy: setup
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	ALLOWED_HOSTS=briefing.example.gov.cn \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
