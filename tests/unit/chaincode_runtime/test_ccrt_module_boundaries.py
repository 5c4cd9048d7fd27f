"""The package's import rules: one module imports the generated protobuf classes, one talks gRPC,
and the pure modules import neither."""

from __future__ import annotations

import ast
from pathlib import Path

import fabric_chaincode

PACKAGE = Path(fabric_chaincode.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
            names.add(node.module)
    return names


def test_only_wire_imports_protobuf_and_only_server_imports_grpc() -> None:
    modules = {path.stem: _imports(path) for path in PACKAGE.glob("*.py")}
    assert {m for m, names in modules.items() if {"fabric_protos", "google"} & names} == {"_wire"}
    assert {m for m, names in modules.items() if "grpc" in names} == {"server"}


def test_pure_protocol_does_no_io() -> None:
    names = _imports(PACKAGE / "protocol.py")
    assert not {"threading", "socket", "logging", "grpc", "queue", "os"} & names
