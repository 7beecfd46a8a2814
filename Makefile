# Two commands for a new user: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data

TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed

# axe-core (npm) for the accessibility test; installed under .tools, never saved anywhere else.
AXE_VERSION := 4.14.1
AXE_STAMP := .tools/.axe-core-$(AXE_VERSION)

.PHONY: demo test lint typecheck bench serve clean audit tools axe catalogues

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## tools: a separate venv with the OpenAPI client generator (its typer pin clashes with ours)
$(TOOLS_STAMP): tools/client-requirements.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet -r tools/client-requirements.txt
	touch $(TOOLS_STAMP)

tools: $(TOOLS_STAMP)

## axe: axe-core from npm, which tests/functional/test_phone_a11y_browser.py runs in Chromium
$(AXE_STAMP):
	npm install --no-save --no-audit --no-fund --prefix .tools axe-core@$(AXE_VERSION)
	touch $(AXE_STAMP)

axe: $(AXE_STAMP)

## demo: create the venv, seed a demo world on SQLite and serve http://127.0.0.1:8470
demo: $(STAMP)
	$(BIN)/cyberfusion --data-dir $(DATA) demo

serve: $(STAMP)
	$(BIN)/cyberfusion --data-dir $(DATA) serve

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

## test: lint, type-check and run every test (PostgreSQL ones when CYBERFUSION_TEST_POSTGRES is set)
test: lint typecheck $(TOOLS_STAMP) $(AXE_STAMP)
	$(BIN)/pytest -n 2

## catalogues: after wrapping new text in _(), add its msgids to the ar/en/fr/es .po files (keeps
## translations, drops stale msgids); the .po files are read at startup, nothing is compiled
catalogues: $(STAMP)
	$(BIN)/python -m cyberfusion.i18n_catalogue update

## audit: check the pinned dependencies against known vulnerabilities (pip-audit)
audit: $(STAMP)
	$(BIN)/python .ci/audit_dependencies.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_normalise.py
	$(BIN)/python benchmarks/bench_cases.py
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_warninglists.py
	$(BIN)/python benchmarks/bench_startup.py --smoke
	$(BIN)/python benchmarks/bench_stix_decode.py
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/misp_stix_coverage.py
	$(BIN)/python benchmarks/bench_ransomware.py
	$(BIN)/python benchmarks/bench_incidents.py
	$(BIN)/python benchmarks/bench_networks.py
	$(BIN)/python benchmarks/bench_hits.py
	$(BIN)/python benchmarks/bench_channel.py

clean:
	rm -rf $(VENV) $(TOOLS) .tools .pytest_cache .mypy_cache .ruff_cache .hypothesis
