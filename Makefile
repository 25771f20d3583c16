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
	@# Ctrl-C (exit 130) is how a quiz is left, not a failure of make
	$(BIN)/mlprep quiz trees || test $$? -eq 130

# One worker per core and one more (tests/conftest.py: many tests wait on a program); a test
# file stays on one worker, so what its tests share (parsed decks, drills run once for the
# whole file) is built once. The files go out longest first (tests/conftest.py), not
# reordered by their number of tests.
# Compiled bytecode is kept (PYTHONDONTWRITEBYTECODE empty): the tests start mlprep hundreds
# of times, and compiling it from source each time costs a fifth of their time.
test: $(STAMP)  ## set up and run the whole test suite
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

lint: $(STAMP)  ## ruff check, format check and mypy
	$(BIN)/ruff check mlprep tests bench
	$(BIN)/ruff format --check mlprep tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix mlprep tests bench
	$(BIN)/ruff format mlprep tests bench

validate: $(STAMP)  ## check every built-in deck
	$(BIN)/mlprep validate content/decks

ANKI_VENV := .venv-anki

bench: $(STAMP)  ## start-up, scale (beside Anki's when it installs), grading, plan numbers
	$(BIN)/python bench/startup.py
	@test -x $(ANKI_VENV)/bin/python || { $(PYTHON) -m venv $(ANKI_VENV) && \
		$(ANKI_VENV)/bin/python -m pip install --quiet anki; } || \
		echo "the anki package could not be installed: the Anki comparison is skipped"
	$(BIN)/python bench/scale.py --anki-python $(ANKI_VENV)/bin/python
	$(BIN)/python bench/grader_bench.py
	$(BIN)/python bench/simulate_plan.py

clean:
	rm -rf $(VENV) $(ANKI_VENV) build dist *.egg-info .pytest_cache .ruff_cache
