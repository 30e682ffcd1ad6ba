# One entry point for people and CI. `make run` and `make test` work on a bare machine.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint lint-imports format bench bench-smoke demo messages install lock worker beat clean

# requirements*.txt are lock files (every package pinned, with hashes): pip checks each
# download's hash and refuses a package the lock does not list.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# Local settings for development, read by manage.py; production sets real variables instead.
.env.development:
	printf '# Development settings read by manage.py (production sets real environment variables).\nDEBUG=1\n' > $@

install: $(VENV)/.installed .env.development

# Top-level dependencies live in requirements.in and requirements-dev.in; this writes the
# locks from them (the newest versions those files allow). No index address goes into them:
# pip uses whatever index it is configured with.
PIP_COMPILE_FLAGS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	--no-emit-find-links --no-emit-trusted-host
lock: install
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile $(PIP_COMPILE_FLAGS) --output-file requirements.txt requirements.in
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile $(PIP_COMPILE_FLAGS) --output-file requirements-dev.txt requirements-dev.in

# Serve the portal with demo data on http://127.0.0.1:8000 (SQLite, eager tasks, console mail).
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo

# The whole suite: PostgreSQL when DATABASE_URL is set, SQLite otherwise.
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Apps import downward only and no modules import each other in a circle (pyproject.toml, [tool.importlinter]).
lint-imports: install
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/run.py

# Every step of the bench on scales 1 and 25 with a short load (CI runs it): fails when the
# bench breaks, never on a time.
bench-smoke: install
	$(PY) bench/run.py --smoke

# Extract strings into the Russian catalogues (each app keeps its own), compile them, and
# list any string still without a translation. Needs GNU gettext (apt-get install gettext).
messages: install
	$(PY) scripts/makemessages.py
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv
	$(PY) scripts/check_translations.py

# Two workers, as in docker-compose: letters and reminders (queues mail, default) never wait
# behind exports and book builds (queue heavy).
worker: install
	trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A innovation_portal worker -Q mail,default -n mail@%h --loglevel=info --concurrency=2 & \
	$(VENV)/bin/celery -A innovation_portal worker -Q heavy -n heavy@%h --loglevel=info --concurrency=2 & \
	wait

beat: install
	$(VENV)/bin/celery -A innovation_portal beat --loglevel=info

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
