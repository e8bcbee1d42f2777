# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test bench lint format typecheck lock messages messages-check clean

# The venv is rebuilt from the lock whenever the lock changes.
$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

# The benchmark suite (bench/run.py): PostgreSQL only; from DATABASE_URL it
# takes the server and makes its own databases beside the named one.
# `make bench PRESET=city BENCH_ARGS=--reuse` measures a city already generated.
PRESET ?= small
BENCH_ARGS ?=
bench: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/casework} \
		$(BIN)/python bench/run.py --preset $(PRESET) $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy .

# Recompute the lock after editing requirements/*.in.
lock: install
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras -o requirements.lock requirements/base.in requirements/dev.in

# Refresh the translation catalogues (needs GNU gettext) and compile them.
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages --all --ignore=.venv --ignore=var --no-obsolete
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

# Say whether every source string is translated and compiled (CI's test does the same).
messages-check: install
	DEBUG=1 $(BIN)/python manage.py messages_check

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
