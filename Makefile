# The two commands of the README:
#   make demo  - the consortium up, chaincode deployed, the demo lifecycle
#   make test  - every test tier, with ruff and mypy --strict
# Everything they need is installed here; nothing is expected on the machine
# beyond Python >= 3.11, Go and Node.js.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit contract network network-v2.5 interop interop-deps fabric bench clean

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements/lock.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# Builds (or finds in the per-commit cache) the Fabric binaries; prints what is
# missing when they cannot be had.
fabric: $(STAMP)
	$(PY) -m sovereign_network.binaries ensure

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PY) -m pytest tests/unit

contract: $(STAMP)
	$(PY) -m pytest tests/contract

network: $(STAMP)
	$(PY) -m pytest tests/network

network-v2.5: $(STAMP)
	FABRIC_VERSION=2.5 $(PY) -m pytest tests/network

# The official Node client, pinned by tests/interop/package-lock.json.
INTEROP_STAMP := tests/interop/node_modules/.package-lock.json
$(INTEROP_STAMP): tests/interop/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/interop --no-audit --no-fund --silent; \
	else echo "npm not found: the interop tier will be skipped"; fi

interop-deps: $(INTEROP_STAMP)

interop: $(STAMP) interop-deps
	$(PY) -m pytest tests/interop

test: lint typecheck interop-deps
	-@$(PY) -m sovereign_network.binaries ensure
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) -m sovereign_cli.demo

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
