# ARBridge developer commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test lint test-fast test-pg test-browser test-fault bench services chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/pip install --quiet -e . --group dev
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/arbridge demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# PostgreSQL for the pg lanes; started only if it is not already answering.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start" >&2; exit 1

# Debian's chromium for the browser lane (a test tool's own browser download fails here).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# pytest exits 5 when it collected nothing: a suite that ran no test has failed.
test: lint services chromium
	ARBRIDGE_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -m "not bench"; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

test-fast: install
	$(BIN)/pytest -m "not bench and not postgres and not browser and not fault"

test-pg: install services
	ARBRIDGE_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -m postgres

test-browser: install chromium
	$(BIN)/pytest -m browser

test-fault: install
	$(BIN)/pytest -m fault

bench: install services
	ARBRIDGE_TEST_PG_URL=$(PG_URL) $(BIN)/python -m tests.bench.sync_throughput
	ARBRIDGE_TEST_PG_URL=$(PG_URL) $(BIN)/python -m tests.bench.outbox_throughput
	$(BIN)/python -m tests.bench.scoring
	ARBRIDGE_TEST_PG_URL=$(PG_URL) $(BIN)/python -m tests.bench.kpis

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
