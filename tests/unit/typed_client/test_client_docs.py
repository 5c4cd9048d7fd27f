"""Every typed-client method says who may call it, what it may raise and in which units."""

from __future__ import annotations

import inspect
import re
from decimal import Decimal

import pytest

from sovereign_assets.schema.codes import ALL_CODES
from sovereign_client import SovereignClient
from sovereign_client import client as client_module
from sovereign_client.client import _Section

SECTIONS = [
    cls
    for cls in vars(client_module).values()
    if isinstance(cls, type) and issubclass(cls, _Section) and cls is not _Section
]
METHODS = [
    (cls.__name__, name, member)
    for cls in SECTIONS
    for name, member in vars(cls).items()
    if inspect.isfunction(member) and not name.startswith("_")
]
UNITS = ("minor units", "mg", "Decimal", "fraction", "batch_size")


def test_every_section_is_on_the_client() -> None:
    client = SovereignClient(invoker=None)  # type: ignore[arg-type]
    assert {type(v) for v in vars(client).values()} >= set(SECTIONS)
    assert len(METHODS) > 50


@pytest.mark.parametrize(("section", "name", "method"), METHODS, ids=str)
def test_each_method_states_role_codes_and_units(section: str, name: str, method: object) -> None:
    doc = " ".join((inspect.getdoc(method) or "").split())
    assert "Role" in doc, f"{section}.{name}: who may call it?"
    assert "aise" in doc, f"{section}.{name}: which codes does it raise?"
    for code in re.findall(r"``([A-Z][A-Z0-9_]+)``", doc):
        if code not in {"VERIFIED", "PENDING", "EXPIRED", "AUCTION", "PKRV_AVERAGE", "DRAFT"}:
            assert code in ALL_CODES, f"{section}.{name}: {code} is no catalogue code"
    hints = inspect.get_annotations(method, eval_str=True)  # type: ignore[arg-type]
    if any(hint in (int, Decimal) for key, hint in hints.items() if key != "return"):
        assert any(unit in doc for unit in UNITS), f"{section}.{name}: in which units?"
