# The two commands of the README:
#   make demo  - the consortium up, chaincode deployed, the demo lifecycle
#   make test  - every test tier (reliability included), with ruff and mypy --strict
# Everything they need is installed here; nothing is expected on the machine
# beyond Python >= 3.11, Go and Node.js.

PYTHON ?= python3

# Fabric comes from an official release archive (.tar.gz or .tar.xz) or an unpacked
# release folder: FABRIC_RELEASE names it, for the default v3.1.5, and
# FABRIC_RELEASE_2_5 for v2.5.16. Beside a checkout that has ../shared/fabric, its
# archives are used unless the caller names others. Set FABRIC_RELEASE= (empty) to
# use FABRIC_BIN or the binaries already installed with `sov fabric install`.
SHARED_FABRIC      ?= ../shared/fabric
FABRIC_RELEASE     ?= $(wildcard $(SHARED_FABRIC)/hyperledger-fabric-linux-amd64-3.1.5.tar.xz)
FABRIC_RELEASE_2_5 ?= $(wildcard $(SHARED_FABRIC)/hyperledger-fabric-linux-amd64-2.5.16.tar.xz)
FABRIC_CA_RELEASE  ?= $(wildcard $(SHARED_FABRIC)/hyperledger-fabric-ca-linux-amd64-1.5.21.tar.xz)
# `make fabric` installs them; every other recipe finds the installed release for
# FABRIC_VERSION, so they are not passed on (a 3.1.5 archive must not reach a 2.5 run).
unexport FABRIC_RELEASE FABRIC_RELEASE_2_5 FABRIC_CA_RELEASE
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit contract network network-v2.5 interop interop-deps reliability fabric bench clean

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements/lock.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# Unpacks FABRIC_RELEASE once into the per-version cache (or finds the binaries
# there, or builds them); prints what is missing when they cannot be had.
fabric: $(STAMP)
	@for release in $(FABRIC_RELEASE_2_5) $(FABRIC_CA_RELEASE) $(FABRIC_RELEASE); do \
	  $(PY) -m sovereign_network.binaries install "$$release" >/dev/null || exit $$?; done
	-@$(PY) -m sovereign_network.binaries ensure

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PY) -m pytest tests/unit

contract: $(STAMP)
	$(PY) -m pytest tests/contract

network: fabric
	$(PY) -m pytest tests/network

network-v2.5: fabric
	FABRIC_VERSION=2.5 $(PY) -m pytest tests/network

# The official Node client, pinned by tests/interop/package-lock.json.
INTEROP_STAMP := tests/interop/node_modules/.package-lock.json
$(INTEROP_STAMP): tests/interop/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/interop --no-audit --no-fund --silent; \
	else echo "npm not found: the interop tier will be skipped"; fi

interop-deps: $(INTEROP_STAMP)

interop: fabric interop-deps
	$(PY) -m pytest tests/interop

# Faults, attacks, fuzzing and log hygiene on the real network (also part of `make test`).
# SOV_RELIABILITY_PROFILE=long: at least 50 injected faults and 100,000 fuzz cases.
reliability: fabric
	$(PY) -m pytest -s tests/reliability

test: lint typecheck interop-deps fabric
	$(PY) -m pytest

demo: fabric
	$(PY) -m sovereign_cli.demo $(DEMO_ARGS)

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
