"""Day-count conventions: how many days, and what fraction of a year, lie between dates.

Owns: :class:`DayCount` and the functions :func:`day_count_days`,
:func:`year_fraction` (exact, a ``Fraction``), :func:`quasi_periods_between` and
:func:`accrual_factor` (the same number as a 34-digit Decimal, for display).

Act/Act (ICMA) needs the coupon period the dates fall in, so it takes the period's
*quasi-coupon periods* (ICMA Rule 251): the regular periods of the schedule's roll
that cover it, and the coupon frequency. A regular period is its own single quasi
period; a short first (or last) period lies inside one longer quasi period; a long
first (or last) period spans two or more. The fraction of a year from ``start`` to
``end`` is the sum, over the quasi periods, of the days of [start, end) inside it
divided by frequency x its length in days.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from .errors import DomainError, ErrorCode
from .money import to_decimal

QuasiPeriod = tuple[date, date]
"""One regular (notional) coupon period of a schedule's roll: (start, end)."""


class DayCount(StrEnum):
    """Supported day-count conventions."""

    ACT_365_FIXED = "ACT/365F"
    """Actual days / 365 (bills, Ijara sukuk in Pakistan)."""
    ACT_ACT_ICMA = "ACT/ACT-ICMA"
    """Actual days / (frequency x actual days in the coupon period) (PIBs)."""
    ACT_360 = "ACT/360"
    """Actual days / 360."""
    THIRTY_360 = "30/360"
    """30/360 bond basis (ISDA 2006 4.16(f)): day 31 becomes 30; an end day of 31
    becomes 30 only when the start day is 30 or 31."""


def _require_ordered(start: date, end: date) -> None:
    if end < start:
        raise DomainError(ErrorCode.INVALID_DATE_RANGE, f"{end} is before {start}")


def day_count_days(convention: DayCount, start: date, end: date) -> int:
    """Days from ``start`` (inclusive) to ``end`` (exclusive) under ``convention``.

    Actual for every convention except 30/360.
    """
    _require_ordered(start, end)
    if convention is DayCount.THIRTY_360:
        d1 = min(start.day, 30)
        d2 = end.day
        if d2 == 31 and d1 == 30:
            d2 = 30
        return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)
    return (end - start).days


def quasi_periods_between(quasi: Sequence[QuasiPeriod], start: date, end: date) -> Fraction:
    """Quasi-coupon periods from ``start`` to ``end`` (exact): the days of [start, end)
    inside each quasi period over its length, summed. For a regular period this is
    the share of the period elapsed; over a whole long first period it exceeds 1."""
    _require_ordered(start, end)
    if not quasi:
        raise DomainError(ErrorCode.INVALID_SCHEDULE, "no quasi-coupon period given")
    if not (quasi[0][0] <= start and end <= quasi[-1][1]):
        raise DomainError(ErrorCode.INVALID_DATE_RANGE, "dates must lie inside the period")
    total = Fraction(0)
    for q_start, q_end in quasi:
        if not q_start < q_end:
            raise DomainError(ErrorCode.INVALID_SCHEDULE, "an empty quasi-coupon period")
        inside = (min(end, q_end) - max(start, q_start)).days
        if inside > 0:
            total += Fraction(inside, (q_end - q_start).days)
    return total


def year_fraction(
    convention: DayCount,
    start: date,
    end: date,
    *,
    quasi: Sequence[QuasiPeriod] = (),
    frequency: int | None = None,
) -> Fraction:
    """Exact fraction of a year from ``start`` to ``end`` under ``convention``.

    Act/Act (ICMA) needs ``quasi`` (the quasi-coupon periods covering the dates, see
    the module docstring) and ``frequency``: the result is
    :func:`quasi_periods_between` / frequency, so a full regular period is exactly
    1/frequency of a year whatever its length in days.
    """
    days = day_count_days(convention, start, end)
    if convention is DayCount.ACT_365_FIXED:
        return Fraction(days, 365)
    if convention is DayCount.ACT_360 or convention is DayCount.THIRTY_360:
        return Fraction(days, 360)
    if not quasi or frequency is None:
        raise DomainError(
            ErrorCode.INVALID_TERMS, "Act/Act (ICMA) needs the coupon period and frequency"
        )
    if type(frequency) is not int or frequency <= 0:
        raise DomainError(ErrorCode.INVALID_FREQUENCY, f"frequency {frequency!r}")
    return quasi_periods_between(quasi, start, end) / frequency


def accrual_factor(
    convention: DayCount,
    start: date,
    end: date,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    frequency: int | None = None,
) -> Decimal:
    """Fraction of a year from ``start`` to ``end`` as a Decimal (34 significant
    digits, for display; amounts use the exact :func:`year_fraction`).

    For :attr:`DayCount.ACT_ACT_ICMA` the (notional) coupon period containing both
    dates and the coupon ``frequency`` (payments per year) are required: the factor
    is days / (frequency x days in period).
    """
    quasi: tuple[QuasiPeriod, ...] = ()
    if convention is DayCount.ACT_ACT_ICMA:
        if period_start is None or period_end is None or frequency is None:
            raise DomainError(
                ErrorCode.INVALID_TERMS, "Act/Act (ICMA) needs the coupon period and frequency"
            )
        if not period_start < period_end:
            raise DomainError(ErrorCode.INVALID_DATE_RANGE, "dates must lie inside the period")
        quasi = ((period_start, period_end),)
    return to_decimal(year_fraction(convention, start, end, quasi=quasi, frequency=frequency))
