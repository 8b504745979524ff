# Two commands: `make run` and `make test`. Both install into .venv/ and start embedded
# PostgreSQL and Redis under .data/ when DATABASE_URL / REDIS_URL are unset.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench install clean-data

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dangpt needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@$(PY) -m dangpt.tooling.localenv run

test: $(STAMP)
	@$(PY) -m dangpt.tooling.localenv test $(PYTEST_ARGS)

clean-data:
	rm -rf .data

# Load test at chain size (issue 9): seed_scale into dangpt_bench, Locust against gunicorn,
# figures into docs/performance.md. BENCH_ARGS="--scale 0.05 --seconds 20" for a quick run.
bench: $(STAMP)
	@$(PY) -m dangpt.tooling.localenv exec $(PY) -m dangpt.tooling.bench $(BENCH_ARGS)
