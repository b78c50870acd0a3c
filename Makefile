# Everything installs itself into .venv on first use (and again when pyproject.toml changes).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: demo test test-bi lint format bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[dev]"
	touch $@

## demo: bundled sample submissions into the inbox, then the nightly pipeline on the embedded warehouse
demo: $(VENV)/.installed
	$(BIN)/danvan demo
	$(BIN)/danvan nightly

## test: the test suite (embedded PostgreSQL; also DANVAN_TEST_DATABASE_URL when set)
test: $(VENV)/.installed
	$(BIN)/pytest

## test-bi: the dashboards in a real Apache Superset (installed once into $$TMPDIR/danvan-superset)
test-bi: $(VENV)/.installed
	$(BIN)/pytest -n 0 -m bi tests/bi

## lint: ruff (lint + format check), mypy (strict, on src/danvan) and sqlfluff on the dbt models
## (its dbt templater needs a warehouse); .pre-commit-config.yaml runs the same checks
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	warehouse_env="$$($(BIN)/danvan warehouse env)" && eval "$$warehouse_env" && $(BIN)/sqlfluff lint dbt_project/models

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	warehouse_env="$$($(BIN)/danvan warehouse env)" && eval "$$warehouse_env" && $(BIN)/sqlfluff fix dbt_project/models

## bench: speed benchmarks, reported as ratios against reference tools
bench: $(VENV)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .danvan dbt_project/target dbt_project/logs
