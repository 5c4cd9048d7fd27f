"""Random schedules - short and long first periods, irregular last periods, month ends,
29 February - keep price, accrued and coupon amounts consistent."""

from __future__ import annotations

import calendar as gregorian
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from sovereign_assets.domain import PKR, DayCount, DebtTerms, FixedRateBond
from sovereign_assets.domain.money import round_cash
from sovereign_assets.domain.pricing import (
    CouponBond,
    accrued_exact,
    bond_clean_price,
    bond_clean_price_exact,
    bond_yield_exact,
)
from sovereign_assets.domain.schedule import add_months, generate_schedule


@dataclass(frozen=True)
class Case:
    issue: date
    maturity: date
    frequency: int
    end_of_month: bool
    first: date | None
    penultimate: date | None


@st.composite
def cases(draw: st.DrawFn) -> Case:
    frequency = draw(st.sampled_from([1, 2, 4, 12]))
    step = 12 // frequency
    end_of_month = draw(st.booleans())
    year = draw(st.integers(2000, 2060))
    month = draw(st.integers(1, 12))
    last = gregorian.monthrange(year, month)[1]
    # days 28-31 often, so month ends and 29 February come up
    day = last if end_of_month else draw(st.sampled_from([1, 15, 28, 29, 30, 31, 20]))
    anchor = date(year, month, min(day, last))
    penultimate = None
    maturity = anchor
    if draw(st.booleans()):
        penultimate = anchor
        maturity = anchor + timedelta(days=draw(st.integers(1, 2 * 31 * step)))

    def roll(k: int) -> date:
        return add_months(anchor, -step * k, end_of_month=end_of_month)

    regular = draw(st.integers(0, 6))
    first_end = roll(regular)
    shape = draw(st.sampled_from(["regular", "short", "long"]))
    if shape == "regular":
        issue = roll(regular + 1)
    else:
        span = 2 if shape == "long" else 1
        low, high = roll(regular + span), roll(regular + span - 1)
        issue = low + timedelta(days=draw(st.integers(1, (high - low).days - 1)))
    give_first = shape == "long" or draw(st.booleans())
    return Case(
        issue, maturity, frequency, end_of_month, first_end if give_first else None, penultimate
    )


def schedule(case: Case) -> CouponBond:
    periods = generate_schedule(
        case.issue,
        case.maturity,
        case.frequency,
        end_of_month=case.end_of_month,
        first_coupon_date=case.first,
        penultimate_coupon_date=case.penultimate,
    )
    return CouponBond(Decimal("0.0825"), case.frequency, periods)


@settings(max_examples=150, deadline=None)
@given(case=cases())
def test_periods_tile_and_only_the_asked_for_ends_are_irregular(case: Case) -> None:
    periods = schedule(case).periods
    assert periods[0].accrual_start == case.issue
    assert periods[-1].accrual_end == case.maturity
    for before, after in itertools.pairwise(periods):
        assert before.accrual_end == after.accrual_start
    middle = periods[1:-1] if case.penultimate else periods[1:]
    assert all(p.is_regular for p in middle)
    if case.first is not None:
        assert periods[0].accrual_end == case.first
    for period in periods:
        quasi = period.quasi_periods
        assert quasi[0][0] <= period.accrual_start < quasi[0][1]
        assert quasi[-1][0] < period.accrual_end <= quasi[-1][1]
        assert all(a[1] == b[0] for a, b in itertools.pairwise(quasi))
        if case.end_of_month:
            assert all(
                add_months(q_end, 0, end_of_month=True) == q_end
                for _, q_end in quasi
                if q_end != case.maturity
            )


@settings(max_examples=120, deadline=None)
@given(case=cases(), face_units=st.integers(1, 500))
def test_accrued_is_zero_on_coupon_dates_and_its_increments_sum_to_the_coupon(
    case: Case, face_units: int
) -> None:
    bond = schedule(case)
    rate = bond.coupon_rate
    for period in bond.periods[1:]:
        assert bond.accrued_per_100_exact(period.accrual_start) == 0
    for period in {bond.periods[0], bond.periods[-1]}:
        coupon = bond.coupon_per_100_exact(period) / 100
        days = (period.accrual_end - period.accrual_start).days
        accrued = [
            accrued_exact(
                rate,
                day_count=DayCount.ACT_ACT_ICMA,
                frequency=case.frequency,
                period=period,
                settlement=period.accrual_start + timedelta(days=d),
            )
            for d in range(days + 1)
        ]
        increments = [b - a for a, b in itertools.pairwise(accrued)]
        assert accrued[0] == 0
        assert sum(increments, Fraction(0)) == coupon
        # each day earns rate / (frequency x length of the quasi period it lies in)
        for d, increment in enumerate(increments):
            day = period.accrual_start + timedelta(days=d)
            q_start, q_end = next(q for q in period.quasi_periods if q[0] <= day < q[1])
            assert increment == Fraction(rate) / (case.frequency * (q_end - q_start).days)
        # the instrument pays what pricing says the coupon is, rounded once per holder
        terms = DebtTerms(
            "PK0000PIB999",
            PKR,
            10_000_000,
            DayCount.ACT_ACT_ICMA,
            case.frequency,
            "PK-SBP",
            case.issue,
            case.maturity,
            end_of_month=case.end_of_month,
            first_coupon_date=case.first,
            penultimate_coupon_date=case.penultimate,
        )
        amount = FixedRateBond(terms, rate).amount_per_unit(period)
        assert amount == coupon
        face = face_units * 10_000_000
        paid = round_cash(face * amount)
        assert abs(face * amount - paid) <= Fraction(1, 2)


@settings(max_examples=60, deadline=None)
@given(
    case=cases(),
    offset=st.integers(0, 10_000),
    yield_bp=st.integers(0, 2500),
)
def test_price_from_yield_from_price_is_the_identity_to_4_decimals(
    case: Case, offset: int, yield_bp: int
) -> None:
    bond = schedule(case)
    life = (case.maturity - case.issue).days
    settlement = case.issue + timedelta(days=offset % life)
    price = bond_clean_price(bond, settlement, Decimal(yield_bp) / 10_000)
    solved = bond_yield_exact(bond, settlement, price)
    assert bond_clean_price(bond, settlement, solved) == price
    assert abs(bond_clean_price_exact(bond, settlement, solved) - price) <= Decimal("0.00005")
