"""The public API is what ``fabric_gateway/__init__.py`` re-exports, and nothing is missing."""

from __future__ import annotations

import inspect
from pathlib import Path

import fabric_gateway


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(fabric_gateway) if not name.startswith("_")}
    # Submodules are importable attributes but not API, except the ``hashes`` namespace.
    modules = {name for name in public if inspect.ismodule(getattr(fabric_gateway, name))} - {
        "hashes"
    }
    assert set(fabric_gateway.__all__) == public - modules


def test_all_is_sorted_and_unique() -> None:
    assert list(fabric_gateway.__all__) == sorted(set(fabric_gateway.__all__))


def test_every_exported_class_and_function_is_documented() -> None:
    undocumented = [
        name
        for name in fabric_gateway.__all__
        if (inspect.isclass(obj := getattr(fabric_gateway, name)) or inspect.isfunction(obj))
        and not inspect.getdoc(obj)
    ]
    assert undocumented == []


def test_package_is_typed() -> None:
    assert (Path(fabric_gateway.__file__).parent / "py.typed").exists()


def test_error_tree_has_one_root() -> None:
    for name in (
        "EndorseError",
        "SubmitError",
        "CommitStatusError",
        "CommitError",
        "SignerMissingError",
    ):
        assert issubclass(getattr(fabric_gateway, name), fabric_gateway.GatewayError)
