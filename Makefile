# Two commands set up everything on a fresh machine (Python 3.11+):
#   make demo   - install, then crawl the embedded demo network and build the warehouse
#   make test   - install, then run the test suite
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: install demo test bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/kpu-berita demo

# The suite runs on two pytest-xdist workers (CI has two cores), a test file at a time; the
# longest files start first (tests/conftest.py). PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
# pytest exits 5 when a selection collects no test: not a failure of the suite
test: install
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS) || [ $$? -eq 5 ]
