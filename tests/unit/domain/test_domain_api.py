"""The package surface: curated exports, the error catalogue, determinism."""

from __future__ import annotations

import ast
from datetime import date
from decimal import ROUND_FLOOR, Decimal, localcontext
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sovereign_assets import domain
from sovereign_assets.domain.errors import ALL_CODES, DomainError, ErrorCode
from sovereign_assets.domain.pricing import CouponBond, bond_clean_price, bond_yield
from sovereign_assets.domain.schedule import generate_schedule

PACKAGE_INIT = Path(domain.__file__)


def test_all_lists_exactly_what_the_package_imports() -> None:
    tree = ast.parse(PACKAGE_INIT.read_text(encoding="utf-8"))
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert set(domain.__all__) == imported
    assert domain.__all__ == sorted(domain.__all__, key=lambda n: (not n.isupper(), n))
    for name in domain.__all__:
        assert getattr(domain, name) is not None


def test_error_codes_are_stable_strings_equal_to_their_names() -> None:
    assert all(code.value == code.name for code in ErrorCode)
    assert len(set(ALL_CODES)) == len(ALL_CODES)
    for required in [
        "INVALID_AMOUNT",
        "NOT_MULTIPLE_OF_DENOMINATION",
        "INSUFFICIENT_HOLDING",
        "INSUFFICIENT_CASH",
        "UNKNOWN_INSTRUMENT",
        "INSTRUMENT_MATURED",
        "SETTLEMENT_DATE_IN_PAST",
        "NOT_KYC_VERIFIED",
        "NOT_ELIGIBLE",
        "ACCOUNT_FROZEN",
        "INSTRUMENT_PAUSED",
        "ALREADY_PAID",
        "SHARIAH_APPROVAL_REQUIRED",
    ]:
        assert required in ALL_CODES


def test_a_domain_error_carries_code_and_message() -> None:
    error = DomainError(ErrorCode.ALREADY_PAID, "PK0000PIB3Y1 2022-02-20 IPS-1")
    assert error.code is ErrorCode.ALREADY_PAID
    assert error.message == "PK0000PIB3Y1 2022-02-20 IPS-1"
    assert str(error) == "ALREADY_PAID: PK0000PIB3Y1 2022-02-20 IPS-1"


BOND = CouponBond(Decimal("0.07"), 2, generate_schedule(date(2013, 8, 20), date(2023, 8, 20), 2))


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    expected = bond_clean_price(BOND, date(2021, 3, 4), Decimal("0.09"))
    with localcontext() as ctx:
        ctx.prec = 6
        ctx.rounding = ROUND_FLOOR
        assert bond_clean_price(BOND, date(2021, 3, 4), Decimal("0.09")) == expected
        assert bond_yield(BOND, date(2021, 3, 4), expected) == Decimal("0.090000")


@settings(max_examples=30, deadline=None)
@given(
    yield_rate=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("0.25"), places=6),
    settlement=st.dates(min_value=date(2014, 1, 1), max_value=date(2023, 8, 1)),
)
def test_same_inputs_give_identical_outputs(yield_rate: Decimal, settlement: date) -> None:
    first = bond_clean_price(BOND, settlement, yield_rate)
    second = bond_clean_price(BOND, settlement, yield_rate)
    assert repr(first) == repr(second)
    assert first.as_tuple().exponent == -4
