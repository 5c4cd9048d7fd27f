"""Layering rules: one protobuf package, one gRPC module, one shared core for sync and asyncio."""

from __future__ import annotations

import ast
from pathlib import Path

import fabric_gateway
from fabric_gateway import (
    AsyncCommit,
    AsyncProposal,
    AsyncTransaction,
    Commit,
    Proposal,
    Transaction,
)
from fabric_gateway._core import CommitCore, ProposalCore, TransactionCore

PACKAGE = Path(fabric_gateway.__file__).parent


def _runtime_imports(path: Path) -> set[str]:
    """Top-level modules imported at run time (imports under TYPE_CHECKING do not count)."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules_importing(name: str) -> set[str]:
    """Package-relative paths of the modules that import ``name`` at run time."""
    return {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if name in _runtime_imports(p)
    }


def test_only_protos_package_imports_generated_classes() -> None:
    users = _modules_importing("fabric_protos")
    assert users
    assert all(user.startswith("_protos/") for user in users), users


def test_only_transport_module_imports_grpc() -> None:
    assert _modules_importing("grpc") == {"_transport.py"}


def test_sync_and_async_share_one_core() -> None:
    for sync, asynchronous, core in [
        (Proposal, AsyncProposal, ProposalCore),
        (Transaction, AsyncTransaction, TransactionCore),
        (Commit, AsyncCommit, CommitCore),
    ]:
        assert issubclass(sync, core)
        assert issubclass(asynchronous, core)
        # The shells add calls only; digest/bytes/signing rules live in the core.
        for name in ("bytes", "digest", "_signed", "_set_signature"):
            assert name not in vars(sync)
            assert name not in vars(asynchronous)
