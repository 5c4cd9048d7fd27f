"""The domain package stays pure: standard library only, no clock, no randomness, no I/O.

Scans every module's AST, so the rule holds for code nobody has reviewed yet.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN_DIR = Path(__file__).resolve().parents[3] / "chaincode" / "sovereign_assets" / "domain"
MODULES = sorted(DOMAIN_DIR.glob("*.py"))

# Standard-library modules that would bring in I/O, time, randomness or the environment.
FORBIDDEN_STDLIB = {
    "os", "sys", "io", "socket", "subprocess", "random", "secrets", "time", "logging",
    "pathlib", "shutil", "tempfile", "threading", "asyncio", "urllib", "http", "uuid",
}  # fmt: skip
FORBIDDEN_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"),
                   ("datetime", "today")}  # fmt: skip
FORBIDDEN_NAMES = {"open", "print", "input", "eval", "exec", "__import__"}


def _imported_roots(tree: ast.AST) -> list[tuple[str, int]]:
    roots: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.extend((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.append((node.module.split(".")[0], node.lineno))
    return roots


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_relative_imports_stay_inside_the_package(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level in (0, 1), f"{module.name}:{node.lineno} leaves the package"


def test_the_package_has_modules_to_check() -> None:
    assert len(MODULES) >= 15


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_imports_only_the_standard_library(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for root, line in _imported_roots(tree):
        assert root in sys.stdlib_module_names or root == "__future__", (
            f"{module.name}:{line} imports {root}, which is not standard library"
        )
        assert root not in FORBIDDEN_STDLIB, f"{module.name}:{line} imports {root}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_reads_no_clock_and_does_no_io(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert (node.value.id, node.attr) not in FORBIDDEN_CALLS, (
                f"{module.name}:{node.lineno} reads the clock"
            )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_NAMES, (
                f"{module.name}:{node.lineno} calls {node.func.id}"
            )


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_uses_no_float_literals(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            assert not isinstance(node.value, float), f"{module.name}:{node.lineno} float"
