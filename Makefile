# citynews: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast bench lint format install install-dev demo migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "citynews is at http://$(HOST):$(PORT)/ (admin at /admin/; create an account with: $(BIN)/python manage.py createsuperuser)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-dev lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the browser and the real servers: the loop to run while working (README: Tests).
test-fast: install-dev
	$(BIN)/python -m pytest -m "not browser and not ops" $(PYTEST_ARGS)

# The benchmark (bench/run.py): 100,000 stories on the local PostgreSQL, gunicorn, wrk, nginx's microcache.
bench: install
	@(command -v wrk && command -v nginx) >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts db.sqlite3
