# The two commands of the README: `make run` and `make test`.
# DATABASE_URL=postgres://... switches either to PostgreSQL.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# make bench: the benchmark on the local PostgreSQL (bench/run.py), at
# BENCH_SCALE=full (100k investors, 1M stakes; about 5 minutes, 3 more the
# first time to generate the data) or small (the CI's); BENCH_ARGS passes
# more options, e.g. --rounds 30.
BENCH_SCALE ?= full
BENCH_ARGS ?=
# make vendor: the chart library of the admin's dashboard, from its npm package
# at this pinned version, into static/vendor/ (committed; re-run to upgrade).
CHARTJS_VERSION := 4.6.1
# Recorded once pip has installed the pinned requirements; re-made when they change.
INSTALLED := $(VENV)/.installed
# The API contract test's TypeScript tools (openapi-typescript, tsc), pinned in
# tools/typescript/package-lock.json; npm writes this file when it installs them.
TS_TOOLS := tools/typescript/node_modules/.package-lock.json

.PHONY: run test lint format install bench vendor

install: $(INSTALLED)

# Without npm (Node.js), the one test that needs them says it is skipped.
$(TS_TOOLS): tools/typescript/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tools/typescript --no-audit --no-fund --silent; \
	else echo "npm not found: the TypeScript client test will be skipped"; fi

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(INSTALLED)
	$(BIN)/python manage.py ensure_database
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_demo_login
	@echo "Admin: http://127.0.0.1:$(PORT)/admin/  (log in as demo / demo)"
	@echo "Webhook worker: manage.py db_worker (stops with the server)"
	WEBHOOKS_ALLOW_PRIVATE=1 $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker' EXIT INT TERM; \
	WEBHOOKS_ALLOW_PRIVATE=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(INSTALLED) $(TS_TOOLS)
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(INSTALLED)
	$(BIN)/python -m bench.run --scale $(BENCH_SCALE) $(BENCH_ARGS)

vendor:
	mkdir -p static/vendor/chartjs
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent chart.js@$(CHARTJS_VERSION) >/dev/null \
	  && tar -xzf chart.js-$(CHARTJS_VERSION).tgz && cd $(CURDIR) \
	  && cp $$tmp/package/dist/chart.umd.min.js $$tmp/package/LICENSE.md static/vendor/chartjs/ \
	  && rm -rf $$tmp
	echo "chart.js $(CHARTJS_VERSION) from npm (make vendor)" > static/vendor/chartjs/VERSION
