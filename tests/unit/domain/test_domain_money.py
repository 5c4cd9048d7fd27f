"""Money: int minor units, Decimal rates, floats refused, every rounding rule in one place."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext

import pytest

from sovereign_assets.domain.errors import DomainError, ErrorCode
from sovereign_assets.domain.money import (
    PKR,
    ROUNDING_RULES,
    Currency,
    amount_at_price,
    require_decimal,
    require_int,
    require_multiple,
    round_cash,
    round_price,
    round_tax,
    round_yield,
)


def test_a_rupee_is_one_hundred_paisa() -> None:
    assert PKR.exponent == 2
    assert PKR.to_minor(5_000) == 500_000  # the PKR 5,000 bill denomination


def test_a_currency_code_must_be_three_capitals() -> None:
    with pytest.raises(DomainError) as err:
        Currency("pkr", 2)
    assert err.value.code is ErrorCode.INVALID_TERMS


@pytest.mark.parametrize("value", [0.07, 1.0, float("nan")])
def test_floats_are_refused_with_a_clear_code(value: float) -> None:
    with pytest.raises(DomainError) as err:
        require_decimal(value, "coupon rate")
    assert err.value.code is ErrorCode.FLOAT_NOT_ALLOWED
    assert "coupon rate" in str(err.value)
    with pytest.raises(DomainError) as err2:
        require_int(value, "amount")
    assert err2.value.code is ErrorCode.FLOAT_NOT_ALLOWED


def test_decimal_strings_and_ints_are_accepted_as_rates() -> None:
    assert require_decimal("0.07", "rate") == Decimal("0.07")
    assert require_decimal(7, "rate") == Decimal(7)
    for bad in (True, "seven", Decimal("NaN"), Decimal("Infinity"), None):
        with pytest.raises(DomainError):
            require_decimal(bad, "rate")


def test_amounts_must_be_positive_multiples_of_the_denomination() -> None:
    five_thousand = PKR.to_minor(5_000)
    assert require_multiple(PKR.to_minor(25_000), five_thousand, "bid") == 2_500_000
    with pytest.raises(DomainError) as err:
        require_multiple(PKR.to_minor(7_500), five_thousand, "bid")
    assert err.value.code is ErrorCode.NOT_MULTIPLE_OF_DENOMINATION
    with pytest.raises(DomainError) as err:
        require_multiple(0, five_thousand, "bid")
    assert err.value.code is ErrorCode.INVALID_AMOUNT
    with pytest.raises(DomainError) as err:
        require_multiple(True, five_thousand, "bid")
    assert err.value.code is ErrorCode.INVALID_AMOUNT


def test_every_rule_is_listed_and_documented() -> None:
    names = [rule.name for rule in ROUNDING_RULES]
    assert names == [
        "price per 100",
        "yield",
        "fixing rate",
        "cash amount",
        "withholding tax",
        "pro-rata lot",
        "denomination floor",
    ]
    assert all(rule.applies_to for rule in ROUNDING_RULES)


def test_rounding_is_half_up_at_the_stated_quantum() -> None:
    assert round_price(Decimal("98.70305")) == Decimal("98.7031")
    assert round_price(Decimal("98.703049999")) == Decimal("98.7030")
    assert round_yield(Decimal("0.0899995")) == Decimal("0.090000")
    assert round_cash(Decimal("464088397.5")) == 464_088_398
    assert round_cash(Decimal("-0.5")) == -1
    assert round_tax(Decimal("1.49")) == 1


def test_rounding_ignores_whatever_context_the_caller_set() -> None:
    with localcontext() as ctx:
        ctx.prec = 5
        ctx.rounding = ROUND_DOWN
        assert round_price(Decimal("98.70305")) == Decimal("98.7031")
        assert amount_at_price(PKR.to_minor(1_000_000), Decimal("98.7031")) == 98_703_100


def test_settlement_consideration_of_a_bill_purchase() -> None:
    # PKR 25 million face of a 44-day bill bought at 98.7031
    assert amount_at_price(PKR.to_minor(25_000_000), Decimal("98.7031")) == 2_467_577_500
