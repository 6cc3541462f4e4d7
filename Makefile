# Sáng tạo — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: run test install lock messages compile-messages test-sqlite test-postgres lint clean

# Every package (direct and transitive, build tools included) comes from requirements.lock, pinned
# with its hashes; the project itself is then installed in place without resolving anything.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

## Re-resolve requirements.lock from pyproject.toml (after adding or upgrading a dependency).
lock:
	@test -x var/lock-env/bin/pip-compile || ($(PYTHON) -m venv var/lock-env && var/lock-env/bin/pip install --quiet pip-tools)
	CUSTOM_COMPILE_COMMAND="make lock" var/lock-env/bin/pip-compile --quiet --extra test --all-build-deps --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host -o requirements.lock pyproject.toml

# axe-core (accessibility checks in the browser tests) comes from the npm registry.
$(NODE_STAMP): package.json
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-audit --no-fund --silent && touch $(NODE_STAMP); \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

install: $(STAMP) compile-messages

compile-messages: $(STAMP)
	@$(VENV)/bin/pybabel compile --use-fuzzy -d locale -D messages >/dev/null

## Re-extract translatable strings and merge them into the catalogs.
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k _ -k t:2 -k flash:2 --no-location --sort-output --ignore-dirs=".* .venv node_modules var" \
		--project=sangtao --copyright-holder="Sáng tạo" -o locale/messages.pot .
	$(VENV)/bin/pybabel update -i locale/messages.pot -d locale -D messages --no-fuzzy-matching --ignore-obsolete

## Migrate, seed the demo commune (unless SEED_DEMO=0) and serve on HOST:PORT (127.0.0.1:8000).
run: install
	$(PY) -m server

## Lint, format and types: ruff check, ruff format --check and basedpyright (pyright); any finding fails.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/basedpyright

## The whole suite: SQLite (with the browser journeys), then PostgreSQL, each spread over the
## machine's cores (a test file stays on one worker; every worker has its own database). Files are
## handed out in the order tests/conftest.py gives them (longest first), not by their number of tests.
PYTEST_WORKERS ?= auto
PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder
test: install $(NODE_STAMP)
	$(PY) -m pytest $(PARALLEL)
	TEST_DATABASE=postgres $(PY) -m pytest $(PARALLEL) -m integration

test-sqlite: install $(NODE_STAMP)
	$(PY) -m pytest $(PARALLEL)

test-postgres: install
	TEST_DATABASE=postgres $(PY) -m pytest $(PARALLEL) -m integration

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
