"""Every ``:mod:`` reference in the product's docstrings names a module that exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("chaincode", "sdk", "network", "cli", "explorer")
MOD = re.compile(r":mod:`~?([\w.]+)`")


def _target(module: str, is_package: bool, reference: str) -> str:
    if not reference.startswith("."):
        return reference
    package = module.split(".") if is_package else module.split(".")[:-1]
    dots = len(reference) - len(reference.lstrip("."))
    base = package[: len(package) - dots + 1]
    rest = reference.lstrip(".")
    return ".".join([*base, rest] if rest else base)


def test_every_module_reference_resolves() -> None:
    missing = []
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            parts = list(path.relative_to(ROOT / source).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            module = ".".join(parts[:-1] if is_package else parts)
            for reference in MOD.findall(path.read_text()):
                target = _target(module, is_package, reference)
                try:
                    importlib.import_module(target)
                except ImportError:
                    missing.append(f"{path.relative_to(ROOT)}: {reference} ({target})")
    assert missing == []
