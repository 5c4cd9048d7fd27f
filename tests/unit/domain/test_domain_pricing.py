"""Golden numbers from published quotes (bank bill quotes; SBP's PIB re-opening of 3 March
2021), and price <-> yield round trips."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovereign_assets.domain.daycount import DayCount
from sovereign_assets.domain.errors import DomainError, ErrorCode
from sovereign_assets.domain.money import PKR
from sovereign_assets.domain.pricing import (
    CouponBond,
    accrued_interest_amount,
    bill_price,
    bill_price_exact,
    bill_yield,
    bill_yield_exact,
    bond_clean_price,
    bond_clean_price_exact,
    bond_dirty_price,
    bond_yield,
    bond_yield_exact,
)
from sovereign_assets.domain.schedule import generate_schedule, period_containing

# The 7 % PIB re-opened at the auction of 3 March 2021, settling 4 March 2021.
PIB_2023 = CouponBond(
    Decimal("0.07"), 2, generate_schedule(date(2013, 8, 20), date(2023, 8, 20), 2)
)
SETTLEMENT = date(2021, 3, 4)
SEVEN_PERCENT = Decimal("0.07")


class TestBillQuotes:
    """Published bank quotes, reproduced to the last digit."""

    @pytest.mark.parametrize(
        ("yield_rate", "days", "price"),
        [
            ("0.109", 44, "98.7031"),
            ("0.109", 310, "91.5269"),
            ("0.112", 44, "98.6678"),
        ],
    )
    def test_price_per_100(self, yield_rate: str, days: int, price: str) -> None:
        assert bill_price(Decimal(yield_rate), days) == Decimal(price)

    def test_quoted_price_gives_back_the_quoted_yield(self) -> None:
        assert bill_yield(Decimal("91.5269"), 310) == Decimal("0.109000")

    def test_days_must_be_positive(self) -> None:
        with pytest.raises(DomainError) as err:
            bill_price(Decimal("0.109"), 0)
        assert err.value.code is ErrorCode.INVALID_DATE_RANGE


class TestReopenedPibOf3March2021:
    def test_accrued_interest_on_two_billion_rupees(self) -> None:
        period = period_containing(PIB_2023.periods, SETTLEMENT)
        assert (SETTLEMENT - period.accrual_start).days == 12
        face = PKR.to_minor(2_000_000_000)
        accrued = accrued_interest_amount(
            face,
            SEVEN_PERCENT,
            day_count=DayCount.ACT_ACT_ICMA,
            frequency=2,
            period=period,
            settlement=SETTLEMENT,
        )
        # exact: 2e9 x 0.035 x 12 / 181 = PKR 4,640,883.977900... -> half up to the paisa
        assert accrued == 464_088_398
        # "4.641 million" is this amount at 4 significant figures (3 decimals of a million)
        assert round(Decimal(accrued) / PKR.minor_per_major / 1_000_000, 3) == Decimal("4.641")

    def test_accrued_through_a_rounded_per_100_figure_would_miss_the_quote(self) -> None:
        # Why the CASH rule computes on the face amount: 0.2320 per 100 gives 4.640 million.
        per_100 = PIB_2023.accrued_per_100(SETTLEMENT)
        assert round(per_100, 4) == Decimal("0.2320")
        assert round(per_100, 4) * 20_000_000 == Decimal("4640000.0000")

    def test_clean_price_at_nine_percent(self) -> None:
        assert bond_clean_price(PIB_2023, SETTLEMENT, Decimal("0.09")) == (Decimal("95.6574"))

    def test_dirty_price_is_clean_plus_accrued(self) -> None:
        dirty = bond_dirty_price(PIB_2023, SETTLEMENT, Decimal("0.09"))
        assert dirty == Decimal("95.8894")  # 95.6574 + 0.2320

    def test_yield_from_the_auction_price(self) -> None:
        assert bond_yield(PIB_2023, SETTLEMENT, Decimal("95.6574")) == (Decimal("0.090000"))

    def test_at_a_coupon_date_a_par_bond_prices_at_100(self) -> None:
        price = bond_clean_price(PIB_2023, date(2021, 8, 20), SEVEN_PERCENT)
        assert price == Decimal("100.0000")

    def test_a_matured_bond_has_no_price(self) -> None:
        with pytest.raises(DomainError) as err:
            bond_clean_price(PIB_2023, date(2023, 8, 20), Decimal("0.09"))
        assert err.value.code is ErrorCode.INSTRUMENT_MATURED

    def test_a_price_no_yield_can_reach_is_refused(self) -> None:
        with pytest.raises(DomainError) as err:
            bond_yield(PIB_2023, SETTLEMENT, Decimal("1000"))
        assert err.value.code is ErrorCode.PRICE_OUT_OF_RANGE


def test_fifteen_year_zero_coupon_compounds_semi_annually() -> None:
    zero = CouponBond(Decimal(0), 2, generate_schedule(date(2021, 3, 4), date(2036, 3, 4), 2))
    price = bond_clean_price(zero, date(2021, 3, 4), Decimal("0.10"))
    # 100 / 1.05 ** 30
    assert price == Decimal("23.1377")


yields = st.decimals(min_value=Decimal("0.005"), max_value=Decimal("0.30"), places=6)


@settings(max_examples=60, deadline=None)
@given(yield_rate=yields, days=st.integers(min_value=1, max_value=364))
def test_bill_yield_price_yield_round_trip(yield_rate: Decimal, days: int) -> None:
    price = bill_price_exact(yield_rate, days)
    assert abs(bill_yield_exact(price, days) - yield_rate) < Decimal("1e-25")


@settings(max_examples=40, deadline=None)
@given(
    yield_rate=yields,
    settlement=st.dates(min_value=date(2013, 8, 20), max_value=date(2023, 8, 19)),
)
def test_bond_yield_price_yield_round_trip(yield_rate: Decimal, settlement: date) -> None:
    price = bond_clean_price_exact(PIB_2023, settlement, yield_rate)
    solved = bond_yield_exact(PIB_2023, settlement, price)
    assert abs(solved - yield_rate) < Decimal("1e-20")


@settings(max_examples=40, deadline=None)
@given(
    yield_rate=yields,
    settlement=st.dates(min_value=date(2013, 8, 20), max_value=date(2021, 8, 19)),
)
def test_quoted_price_to_quoted_yield_to_quoted_price(
    yield_rate: Decimal, settlement: date
) -> None:
    # With two years or more to run, a 4-decimal price pins the yield to better than
    # half a unit of its 6th decimal, so the quoted round trip is exact.
    price = bond_clean_price(PIB_2023, settlement, yield_rate)
    quoted_yield = bond_yield(PIB_2023, settlement, price)
    assert bond_clean_price(PIB_2023, settlement, quoted_yield) == price
