"""Price <-> yield for bills and bonds, and accrued interest.

Owns the market formulas (the State Bank of Pakistan's conventions for treasury bills
and PIBs; Actual/Actual (ICMA) as ICMA Rule 251 defines it):

- Bill (discount, Act/365): price per 100 = 100 / (1 + y * d / 365), d = days from
  settlement to maturity; inverse y = (100 / P - 1) * 365 / d.
- Bond accrued interest (Act/Act ICMA): coupon / frequency * days accrued / days in
  the (notional) period; over a short or long irregular period, the sum of that over
  its quasi-coupon periods (ICMA Rule 251, :mod:`.daycount`); other day counts use
  their year fraction. Exact rationals; an amount is rounded once.
- Bond dirty price from yield: each cash flow is discounted at y / frequency per
  quasi-coupon period, over the quasi-coupon periods from settlement to its date:
  dirty = sum(CF_k / (1 + y/freq) ** t_k) with t_0 = quasi periods from settlement to
  the next coupon (= days(settlement, next coupon) / days in the current period for
  a regular one) and t_k = t_(k-1) + the quasi periods of period k (1 for a regular
  period, less or more for a short or long last one). The final period is compounded
  like the others (no money-market simple-yield switch). Clean = dirty - accrued
  (per 100).
- Yield from price: bisection on [-0.5, 5] (i.e. -50 % .. 500 %) with exactly
  :data:`SOLVER_ITERATIONS` halvings - deterministic, no tolerance-driven early exit;
  the bracket width at the end is below 1e-28, far inside the 6-decimal quote.

Functions named ``*_exact`` return unrounded Decimals (34 significant digits,
:data:`.money.DECIMAL_CONTEXT`); the others apply the rules of :mod:`.money`.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .daycount import DayCount, quasi_periods_between, year_fraction
from .errors import DomainError, ErrorCode
from .money import (
    exact,
    in_domain_context,
    require_decimal,
    require_positive_amount,
    round_cash,
    round_price,
    round_yield,
    to_decimal,
)
from .schedule import CouponPeriod, period_containing, require_frequency

SOLVER_ITERATIONS = 100
"""Bisection halvings in :func:`bond_yield_exact`."""
SOLVER_LOW = Decimal("-0.5")
SOLVER_HIGH = Decimal("5")

_HUNDRED = Decimal(100)


# -- bills --------------------------------------------------------------------------


def _require_days(days: object) -> int:
    if isinstance(days, float) or type(days) is not int or days <= 0:
        raise DomainError(ErrorCode.INVALID_DATE_RANGE, "days to maturity must be an int > 0")
    return days


@in_domain_context
def bill_price_exact(yield_rate: Decimal, days: int) -> Decimal:
    """Unrounded bill price per 100 at ``yield_rate`` (fraction) with ``days`` to go."""
    y = require_decimal(yield_rate, "yield")
    d = _require_days(days)
    return _HUNDRED / (1 + y * d / 365)


def bill_price(yield_rate: Decimal, days: int) -> Decimal:
    """Quoted bill price per 100 (4 decimals, half up)."""
    return round_price(bill_price_exact(yield_rate, days))


@in_domain_context
def bill_yield_exact(price_per_100: Decimal, days: int) -> Decimal:
    """Unrounded bill yield (fraction) from a price per 100."""
    price = require_decimal(price_per_100, "price")
    d = _require_days(days)
    if price <= 0:
        raise DomainError(ErrorCode.PRICE_OUT_OF_RANGE, "price must be > 0")
    return (_HUNDRED / price - 1) * 365 / d


def bill_yield(price_per_100: Decimal, days: int) -> Decimal:
    """Quoted bill yield (fraction, 6 decimals = 4 decimals of a percent)."""
    return round_yield(bill_yield_exact(price_per_100, days))


# -- accrued interest ---------------------------------------------------------------


def accrued_exact(
    coupon_rate: Decimal,
    *,
    day_count: DayCount,
    frequency: int,
    period: CouponPeriod,
    settlement: date,
) -> Fraction:
    """Accrued interest per 1 unit of face at ``settlement`` inside ``period``, exact:
    rate x year fraction from the period's start (quasi-coupon periods for ICMA)."""
    rate = exact(require_decimal(coupon_rate, "coupon rate"))
    if not period.accrual_start <= settlement <= period.accrual_end:
        raise DomainError(ErrorCode.INVALID_DATE_RANGE, "settlement is outside the period")
    return rate * year_fraction(
        day_count,
        period.accrual_start,
        settlement,
        quasi=period.quasi_periods,
        frequency=frequency,
    )


def accrued_interest_amount(
    face_minor: int,
    coupon_rate: Decimal,
    *,
    day_count: DayCount,
    frequency: int,
    period: CouponPeriod,
    settlement: date,
) -> int:
    """Accrued interest on ``face_minor`` (minor units), rounded by :data:`.money.CASH`.

    One exact expression, face x rate x days / (frequency x period days), rounded
    once, from the face amount directly: on PKR 2,000 million this gives
    PKR 4,640,883.98, whereas going through a 4-decimal per-100 figure (0.2320)
    would lose PKR 883.98.
    """
    face = require_positive_amount(face_minor, "face amount")
    fraction = accrued_exact(
        coupon_rate,
        day_count=day_count,
        frequency=frequency,
        period=period,
        settlement=settlement,
    )
    return round_cash(face * fraction)


# -- bonds --------------------------------------------------------------------------


@dataclass(frozen=True)
class CouponBond:
    """What pricing needs to know about a coupon bond.

    ``coupon_rate``: per annum, ``Decimal("0.07")`` for 7 % (0 for a zero coupon).
    ``frequency``: coupons per year (2 = semi-annual); also the compounding frequency
    of the yield.
    ``periods``: the full schedule, oldest first (:func:`.schedule.generate_schedule`),
    irregular first and last periods included.
    ``day_count``: accrual convention of the coupons.
    """

    coupon_rate: Decimal
    frequency: int
    periods: tuple[CouponPeriod, ...]
    day_count: DayCount = DayCount.ACT_ACT_ICMA

    def __post_init__(self) -> None:
        require_decimal(self.coupon_rate, "coupon rate")
        require_frequency(self.frequency)
        if not self.periods:
            raise DomainError(ErrorCode.INVALID_SCHEDULE, "a bond needs at least one period")

    def accrued_per_100_exact(self, settlement: date) -> Fraction:
        """Accrued interest per 100 of face at ``settlement``, exact."""
        period = period_containing(self.periods, settlement)
        return 100 * accrued_exact(
            self.coupon_rate,
            day_count=self.day_count,
            frequency=self.frequency,
            period=period,
            settlement=settlement,
        )

    def coupon_per_100_exact(self, period: CouponPeriod) -> Fraction:
        """Coupon of ``period`` per 100 of face, exact (an irregular period pays for
        its quasi-coupon periods)."""
        return 100 * accrued_exact(
            self.coupon_rate,
            day_count=self.day_count,
            frequency=self.frequency,
            period=period,
            settlement=period.accrual_end,
        )

    def accrued_per_100(self, settlement: date) -> Decimal:
        """Unrounded accrued interest per 100 of face at ``settlement`` (34 digits)."""
        return to_decimal(self.accrued_per_100_exact(settlement))

    def coupon_per_100(self, period: CouponPeriod) -> Decimal:
        """Unrounded coupon of ``period`` per 100 of face (34 digits)."""
        return to_decimal(self.coupon_per_100_exact(period))

    def remaining_periods(self, settlement: date) -> tuple[CouponPeriod, ...]:
        """Periods whose coupon a buyer settling on ``settlement`` receives."""
        if settlement >= self.periods[-1].accrual_end:
            raise DomainError(ErrorCode.INSTRUMENT_MATURED, f"no coupon after {settlement}")
        current = period_containing(self.periods, settlement)
        return tuple(p for p in self.periods if p.number >= current.number)


def _quasi_count(period: CouponPeriod, start: date) -> Fraction:
    """Quasi-coupon periods from ``start`` to the end of ``period`` (the exponent
    steps of the price formula)."""
    return quasi_periods_between(period.quasi_periods, start, period.accrual_end)


@in_domain_context
def bond_dirty_price_exact(bond: CouponBond, settlement: date, yield_rate: Decimal) -> Decimal:
    """Unrounded dirty price per 100 (see the module docstring for the formula)."""
    y = require_decimal(yield_rate, "yield")
    remaining = bond.remaining_periods(settlement)
    current = remaining[0]
    fraction = to_decimal(_quasi_count(current, settlement))
    base = 1 + y / bond.frequency
    if base <= 0:
        raise DomainError(ErrorCode.PRICE_OUT_OF_RANGE, "yield below -frequency")
    v = 1 / base
    # One fractional power, then integer powers: cheaper and the same number.
    discount = v**fraction
    total = Decimal(0)
    last = len(remaining) - 1
    for k, period in enumerate(remaining):
        if k > 0:
            steps = _quasi_count(period, period.accrual_start)
            discount *= v if steps == 1 else v ** to_decimal(steps)
        flow = to_decimal(bond.coupon_per_100_exact(period) + (100 if k == last else 0))
        total += flow * discount
    return total


@in_domain_context
def bond_clean_price_exact(bond: CouponBond, settlement: date, yield_rate: Decimal) -> Decimal:
    """Unrounded clean price per 100: dirty minus accrued per 100."""
    dirty = bond_dirty_price_exact(bond, settlement, yield_rate)
    return dirty - to_decimal(bond.accrued_per_100_exact(settlement))


def bond_clean_price(bond: CouponBond, settlement: date, yield_rate: Decimal) -> Decimal:
    """Quoted clean price per 100 (4 decimals, half up)."""
    return round_price(bond_clean_price_exact(bond, settlement, yield_rate))


def bond_dirty_price(bond: CouponBond, settlement: date, yield_rate: Decimal) -> Decimal:
    """Quoted dirty price per 100 (4 decimals, half up)."""
    return round_price(bond_dirty_price_exact(bond, settlement, yield_rate))


@in_domain_context
def bond_yield_exact(bond: CouponBond, settlement: date, clean_price: Decimal) -> Decimal:
    """Yield (fraction) at which the clean price equals ``clean_price``, unrounded.

    Bisection (price falls as yield rises), :data:`SOLVER_ITERATIONS` halvings of
    [:data:`SOLVER_LOW`, :data:`SOLVER_HIGH`]; returns the bracket midpoint.
    """
    target = require_decimal(clean_price, "clean price")
    low, high = SOLVER_LOW, SOLVER_HIGH
    if not (
        bond_clean_price_exact(bond, settlement, high)
        <= target
        <= bond_clean_price_exact(bond, settlement, low)
    ):
        raise DomainError(ErrorCode.PRICE_OUT_OF_RANGE, f"no yield in range for {target}")
    for _ in range(SOLVER_ITERATIONS):
        middle = (low + high) / 2
        if bond_clean_price_exact(bond, settlement, middle) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def bond_yield(bond: CouponBond, settlement: date, clean_price: Decimal) -> Decimal:
    """Quoted yield from a clean price (fraction, 6 decimals, half up)."""
    return round_yield(bond_yield_exact(bond, settlement, clean_price))
