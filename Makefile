# Give First — two commands on a fresh Debian machine with Python 3.11:
#   make run    set up, migrate, load the demo when the database is empty, serve on 127.0.0.1:$(PORT)
#   make test   set up and run the whole suite (unit, services, CLI, AppTest pages, one real browser)
# USE_PIP=1 make ...   installs the same hash-pinned lock with plain pip instead of uv.
PYTHON ?= python3
VENV   := .venv
TOOLS  := .tools
PORT   ?= 8501
BIN    := $(VENV)/bin
UV     ?= $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
# Never download a Python: use the machine's.
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test test-fast test-time-travel test-postgres e2e e2e-repeat bench lint format lock demo browser mailserver clean screenshots

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q "uv>=0.13,<0.14"

# Bytecode is compiled at install (pip does it by default, uv with --compile-bytecode; the
# project's own sources, installed editable, by compileall), so that the first `planner`
# command or app start does not pay for compiling every module it imports.
ifdef USE_PIP
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e . || true
	$(BIN)/python -m compileall -q planner
	@touch $@
else
$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) venv -q --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync -q --compile-bytecode --python $(BIN)/python requirements.lock
	$(UV) pip install -q --compile-bytecode --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q planner
	@touch $@
endif

install: $(VENV)/.installed
	$(BIN)/python -m planner init --demo-if-empty

run: install
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.address 127.0.0.1

browser:
	@bash .ci/ensure-chromium

# Debian's Dovecot for the mail tests (they start their own instance on free ports).
mailserver:
	@bash .ci/ensure-dovecot

test: $(VENV)/.installed browser mailserver
	$(BIN)/python -m pytest -q -m "not postgres" -p no:cacheprovider

# The whole suite again with the wall clock a year ahead, then a year back (time-machine,
# see tests/conftest.py): no test may depend on today's date.
test-time-travel: $(VENV)/.installed browser mailserver
	PLANNER_TEST_TRAVEL_DAYS=365 $(BIN)/python -m pytest -q -m "not postgres" -p no:cacheprovider
	PLANNER_TEST_TRAVEL_DAYS=-365 $(BIN)/python -m pytest -q -m "not postgres" -p no:cacheprovider

test-fast: $(VENV)/.installed mailserver
	$(BIN)/python -m pytest -q -m "not postgres and not e2e"

# Needs PLANNER_TEST_POSTGRES_URL (see .ci/start-postgres).
test-postgres: $(VENV)/.installed
	$(BIN)/python -m pytest -q -m postgres -p no:cacheprovider

e2e: $(VENV)/.installed browser mailserver
	$(BIN)/python -m pytest -q -m e2e

# The browser tests five times in a row under two busy processes (RUNS=, LOAD= to change).
e2e-repeat: $(VENV)/.installed browser mailserver
	PYTHON=$(BIN)/python bash .ci/e2e-repeat

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks

# ruff (style), mypy (types: strict for planner/domain and planner/feeds), import-linter
# (the layers in docs/ARCHITECTURE.md).
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: $(VENV)/.installed
	$(BIN)/python -m planner demo

# A picture of every page, from the demo on a fixed day, into docs/screenshots/ (the README
# links them): run it after changing what a page shows, and commit the PNGs.
screenshots: $(VENV)/.installed browser
	$(BIN)/python scripts/screenshots.py

lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra postgres --extra team --group dev --universal \
	  --python-version 3.11 --generate-hashes --exclude-newer 2026-11-18 -q -o requirements.lock

clean:
	rm -rf $(VENV) $(TOOLS)
