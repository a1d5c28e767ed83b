# Beian — two commands on a fresh machine with Python 3.11:
#   make run        virtualenv, pinned requirements, migrations, roles, demo city, server on :5000
#   make test       the test suite (SQLite; TEST_DATABASE_URL=postgresql://... for PostgreSQL)
#   make test-slow  the slow system tests: browser walks (and, as they come, topology, directory,
#                   restore drill); .ci/run runs both
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app run
PORT   ?= 5000
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test test-slow setup db lint clean bench

# make run installs the runtime only; make test adds the test and development tools.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

$(DEVSTAMP): $(STAMP) requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(DEVSTAMP)

setup: $(STAMP)

db: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) beian init
	$(FLASK) beian demo --filings 30000 --history-once

# The web server and, beside it, the scheduler process (document rendering queue); stopping
# the server (Ctrl+C) stops the scheduler too.
run: db
	$(FLASK) beian scheduler & sched=$$!; \
	trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(DEVSTAMP)
	$(BIN)/python -m pytest -q -m "not browser and not slow"

test-slow: $(DEVSTAMP)
	$(BIN)/python -m pytest -q -m "browser or slow"

lint: $(DEVSTAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
