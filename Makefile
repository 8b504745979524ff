# Two commands: `make run` and `make test`. Both install into .venv/ and start embedded
# PostgreSQL and Redis under .data/ when DATABASE_URL / REDIS_URL are unset.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench install messages clean-data

# Spanish (and any later) catalogues: each django.po compiles to the .mo Django reads. Build
# output, not committed; msgfmt comes with GNU gettext (Debian: apt-get install gettext).
PO_FILES := $(wildcard */locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dangpt needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) messages

%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "make: msgfmt is missing: install GNU gettext (Debian: apt-get install gettext)" >&2; exit 1; }
	msgfmt --check-format -o $@ $<

messages: $(MO_FILES)

run: $(STAMP) messages
	@$(PY) -m dangpt.tooling.localenv run

test: $(STAMP) messages
	@$(PY) -m dangpt.tooling.localenv test $(PYTEST_ARGS)

clean-data:
	rm -rf .data

# Load test at chain size (issue 9): seed_scale into dangpt_bench, Locust against gunicorn,
# figures into docs/performance.md. BENCH_ARGS="--scale 0.05 --seconds 20" for a quick run.
bench: $(STAMP) messages
	@$(PY) -m dangpt.tooling.localenv exec $(PY) -m dangpt.tooling.bench $(BENCH_ARGS)
