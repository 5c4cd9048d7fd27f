"""Day-count conventions: how many days, and what fraction of a year, lie between dates.

Owns: :class:`DayCount` and the functions :func:`day_count_days` and
:func:`accrual_factor`. Act/Act (ICMA) needs the coupon period the dates fall in,
so it takes the period and the coupon frequency.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from .errors import DomainError, ErrorCode
from .money import in_domain_context


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


@in_domain_context
def accrual_factor(
    convention: DayCount,
    start: date,
    end: date,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    frequency: int | None = None,
) -> Decimal:
    """Fraction of a year from ``start`` to ``end``; exact Decimal, not rounded.

    For :attr:`DayCount.ACT_ACT_ICMA` the (notional) coupon period containing both
    dates and the coupon ``frequency`` (payments per year) are required: the factor
    is days / (frequency x days in period), so a full regular period is exactly
    1/frequency of a year whatever its length in days.
    """
    days = day_count_days(convention, start, end)
    if convention is DayCount.ACT_365_FIXED:
        return Decimal(days) / 365
    if convention is DayCount.ACT_360 or convention is DayCount.THIRTY_360:
        return Decimal(days) / 360
    if period_start is None or period_end is None or frequency is None:
        raise DomainError(
            ErrorCode.INVALID_TERMS, "Act/Act (ICMA) needs the coupon period and frequency"
        )
    if not (period_start <= start and end <= period_end and period_start < period_end):
        raise DomainError(ErrorCode.INVALID_DATE_RANGE, "dates must lie inside the period")
    period_days = (period_end - period_start).days
    return Decimal(days) / (Decimal(frequency) * period_days)
