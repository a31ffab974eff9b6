# Mitra — the three commands of the README. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test bench soak lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# One stamp per set of extras; re-install when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[bench]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/mitra migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/mitra demo --if-empty
	# The open-data page's bulk files, when missing, out of date or another database's.
	DEBUG=$${DEBUG:-1} $(BIN)/mitra publish_dumps --if-out-of-date
	# The background worker (imports, simulations) runs beside the web server and stops with it;
	# a worker that exits (killed, crashed) is started again. Its own process group, so that
	# stopping make stops the loop and the worker together.
	DEBUG=$${DEBUG:-1} setsid sh -c 'while true; do $(BIN)/mitra db_worker --interval 1; \
	  echo "mitra: the worker stopped; starting it again" >&2; sleep 2; done' & worker=$$!; \
	trap 'kill -- -$$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(BIN)/mitra runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Each benchmark prints its own table; BENCH_ARGS=--quick makes every one of them short.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/shapley.py $(BENCH_ARGS)
	$(BIN)/python bench/finance.py $(BENCH_ARGS)
	$(BIN)/python bench/imports.py $(BENCH_ARGS)
	$(BIN)/python bench/charts.py $(BENCH_ARGS)
	$(BIN)/python bench/risks.py $(BENCH_ARGS)
	$(BIN)/python bench/finance_page.py $(BENCH_ARGS)
	$(BIN)/python bench/report.py $(BENCH_ARGS)
	$(BIN)/python bench/matching.py $(BENCH_ARGS)
	$(BIN)/python bench/exports.py $(BENCH_ARGS)
	$(BIN)/python bench/results.py $(BENCH_ARGS)
	# PostgreSQL on 127.0.0.1 and ../shared's H2020 table (it says so and stops when either lacks)
	$(BIN)/python -u bench/load.py $(BENCH_ARGS)

# The long part of the reliability suite: kill -9 of the web server and the worker (repeated),
# races at scale, schemathesis with more examples; prints a table. SOAK_ARGS=--quick: one run each.
soak: $(VENV)/.installed-dev
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
