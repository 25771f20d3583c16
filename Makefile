# Two commands do all set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint format bench validate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## set up and start a quiz on decision trees
	$(BIN)/mlprep quiz trees

test: $(STAMP)  ## set up and run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff check, format check and mypy
	$(BIN)/ruff check mlprep tests bench
	$(BIN)/ruff format --check mlprep tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix mlprep tests bench
	$(BIN)/ruff format mlprep tests bench

validate: $(STAMP)  ## check every built-in deck
	$(BIN)/mlprep validate content/decks

bench: $(STAMP)  ## print start-up, scale and interview-plan numbers
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/review.py
	$(BIN)/python bench/simulate_plan.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
