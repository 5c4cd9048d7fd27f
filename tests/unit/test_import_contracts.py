"""The architecture's arrows (README "Architecture in brief"), checked on every import.

Each unit of the product may import only the units listed for it in :data:`ALLOWED`; an
import under ``TYPE_CHECKING`` counts too (an arrow for the type checker is still an arrow).
So: the domain imports nothing of the project, the schema only the domain and the codec,
the typed client never the contracts or the chaincode runtime, the generic runtime and
Gateway client nothing of the product, and no unit imports the CLI. The per-package rules
on gRPC and protobuf live beside their packages (``test_gateway_layering``,
``test_ccrt_module_boundaries``, ``test_domain_purity``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("chaincode", "sdk", "network", "cli", "explorer")

ALLOWED: dict[str, set[str]] = {
    "ledger_codec": set(),
    "sovereign_assets.domain": set(),
    # The wire schema may use the wire's codec (stdlib only): the salted personal-data
    # record both sides compute is canonical JSON.
    "sovereign_assets.schema": {"sovereign_assets.domain", "ledger_codec"},
    "sovereign_assets.contracts": {
        "sovereign_assets.domain",
        "sovereign_assets.schema",
        "fabric_chaincode",
        "ledger_codec",
    },
    "sovereign_assets": {"sovereign_assets.contracts", "fabric_chaincode"},
    "fabric_chaincode": {"ledger_codec"},
    "conformance_chaincode": {"fabric_chaincode"},
    # The clients and the tooling read JSON they did not write (a CA's answers, checkpoint
    # and state files, Fabric's CLI output) with the codec's duplicate-key refusal
    # (``ledger_codec.loads_unique``, stdlib only): one rule for every JSON parsed.
    "fabric_gateway": {"ledger_codec"},
    "fabric_ca": {"fabric_gateway", "ledger_codec"},
    "sovereign_client": {"fabric_gateway", "sovereign_assets.schema", "ledger_codec"},
    "sovereign_network": {"fabric_ca", "ledger_codec"},
    "sovereign_explorer": {
        "fabric_gateway",
        "sovereign_client",
        "sovereign_assets.schema",
        "ledger_codec",
    },
    "sovereign_cli": {
        "sovereign_explorer",
        "sovereign_client",
        "fabric_gateway",
        "fabric_ca",
        "sovereign_network",
        "sovereign_assets.schema",
        "sovereign_assets.domain",
        "ledger_codec",
    },
}
"""Unit -> the other units it may import. ``sovereign_assets`` alone is the package's own
top-level modules (the chaincode's assembly)."""

PACKAGES = {
    "ledger_codec",
    "sovereign_assets",
    "fabric_chaincode",
    "conformance_chaincode",
    "fabric_gateway",
    "fabric_ca",
    "sovereign_client",
    "sovereign_network",
    "sovereign_explorer",
    "sovereign_cli",
}
_LAYERS = ("domain", "schema", "contracts")


def _unit(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "sovereign_assets" and len(parts) > 1 and parts[1] in _LAYERS:
        return ".".join(parts[:2])
    return parts[0]


def _modules() -> Iterator[tuple[str, Path]]:
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            relative = path.relative_to(ROOT / source).with_suffix("")
            parts = list(relative.parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts and parts[0] in PACKAGES:
                yield ".".join(parts), path


def _imports(module: str, path: Path) -> Iterator[tuple[int, str]]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target


def _violations() -> list[str]:
    found = []
    for module, path in _modules():
        unit = _unit(module)
        for line, target in _imports(module, path):
            if target.split(".")[0] not in PACKAGES:
                continue
            other = _unit(target)
            if other != unit and other not in ALLOWED[unit]:
                where = path.relative_to(ROOT)
                found.append(f"{where}:{line}: {unit} imports {target}")
    return found


def test_every_unit_is_listed() -> None:
    units = {_unit(module) for module, _ in _modules()}
    assert units == set(ALLOWED)


def test_every_import_follows_an_arrow() -> None:
    assert _violations() == []


def test_nothing_imports_the_cli() -> None:
    assert not any("sovereign_cli" in allowed for allowed in ALLOWED.values())


@pytest.mark.parametrize(
    ("unit", "forbidden"),
    [
        ("sovereign_client", "sovereign_assets.contracts"),
        ("sovereign_client", "fabric_chaincode"),
        ("sovereign_assets.schema", "fabric_chaincode"),
        ("fabric_chaincode", "sovereign_assets.domain"),
        ("fabric_gateway", "sovereign_assets.schema"),
    ],
)
def test_the_arrows_the_architecture_names(unit: str, forbidden: str) -> None:
    assert forbidden not in ALLOWED[unit]
    assert ALLOWED["sovereign_assets.domain"] == set()


def test_a_wrong_arrow_is_caught(tmp_path: Path) -> None:
    # The checker sees a relative import that climbs into another layer.
    fake = tmp_path / "schema.py"
    fake.write_text("from ..contracts import base\nfrom .messages import X\n")
    targets = [t for _, t in _imports("sovereign_assets.schema.codes", fake)]
    assert targets == ["sovereign_assets.contracts", "sovereign_assets.schema.messages"]
