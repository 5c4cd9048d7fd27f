"""Coupon schedules: periods generated backwards from maturity.

Owns: :class:`CouponPeriod`, :func:`add_months` and :func:`generate_schedule`.

Rules:
- Regular period dates are maturity minus k x (12 / frequency) months, counted from
  maturity each time (not by repeated stepping, so day 31 -> 30 -> 28 drift cannot
  happen). When maturity is the last day of its month, every date is the last day of
  its month (end-of-month rule).
- Generation stops at the issue date; if the issue date is not a regular date the
  first period is a short stub from issue date, and ``notional_start`` records where
  a regular first period would have started (Act/Act ICMA needs it).
- Accrual dates are unadjusted; payment dates are adjusted with the business-day
  convention and calendar given. A payment date beyond the calendar's coverage
  (future holidays not yet announced) is rolled over weekends only and marked
  ``payment_date_provisional``; lifecycle refuses to pay on a provisional date.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass
from datetime import date

from .calendars import BusinessDayConvention, HolidayCalendar, adjust
from .errors import DomainError, ErrorCode

VALID_FREQUENCIES = (1, 2, 4, 12)
"""Coupon payments per year that divide the year into whole months."""


@dataclass(frozen=True)
class CouponPeriod:
    """One accrual period.

    ``number``: 1 for the first period of the instrument.
    ``accrual_start`` / ``accrual_end``: unadjusted dates; interest accrues from start
    (inclusive) to end (exclusive).
    ``payment_date``: ``accrual_end`` adjusted to a business day.
    ``notional_start``: start of the regular period this one belongs to; equals
    ``accrual_start`` except for a short first stub.
    ``payment_date_provisional``: the calendar did not cover the payment date yet.
    """

    number: int
    accrual_start: date
    accrual_end: date
    payment_date: date
    notional_start: date
    payment_date_provisional: bool = False

    @property
    def is_stub(self) -> bool:
        """True for a short first period."""
        return self.notional_start != self.accrual_start

    @property
    def period_id(self) -> str:
        """Stable identifier of the period: its unadjusted end date, ISO format."""
        return self.accrual_end.isoformat()


def _last_day(year: int, month: int) -> int:
    return _gregorian.monthrange(year, month)[1]


def add_months(day: date, months: int, *, end_of_month: bool = False) -> date:
    """``day`` moved by ``months`` (negative: back), day clamped to the month's length.

    With ``end_of_month`` the result is the last day of the target month.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _last_day(year, month0 + 1)
    return date(year, month0 + 1, last if end_of_month else min(day.day, last))


def require_frequency(frequency: object) -> int:
    """``frequency`` must be an int among :data:`VALID_FREQUENCIES`."""
    if type(frequency) is not int or frequency not in VALID_FREQUENCIES:
        raise DomainError(ErrorCode.INVALID_FREQUENCY, f"frequency {frequency!r}")
    return frequency


def regular_dates_back(issue_date: date, maturity_date: date, frequency: int) -> list[date]:
    """Regular coupon dates from maturity back to the last one strictly after
    ``issue_date``, plus the first one on or before it; newest first."""
    require_frequency(frequency)
    if maturity_date <= issue_date:
        raise DomainError(ErrorCode.INVALID_SCHEDULE, "maturity must be after issue")
    step = 12 // frequency
    eom = maturity_date.day == _last_day(maturity_date.year, maturity_date.month)
    dates = [maturity_date]
    k = 1
    while dates[-1] > issue_date:
        dates.append(add_months(maturity_date, -step * k, end_of_month=eom))
        k += 1
    return dates


def generate_schedule(
    issue_date: date,
    maturity_date: date,
    frequency: int,
    *,
    calendar: HolidayCalendar | None = None,
    convention: BusinessDayConvention = BusinessDayConvention.UNADJUSTED,
) -> tuple[CouponPeriod, ...]:
    """All coupon periods from ``issue_date`` to ``maturity_date``, oldest first.

    A calendar is required unless ``convention`` is UNADJUSTED.
    """
    if convention is not BusinessDayConvention.UNADJUSTED and calendar is None:
        raise DomainError(ErrorCode.UNKNOWN_CALENDAR, "an adjusted schedule needs a calendar")
    ends = regular_dates_back(issue_date, maturity_date, frequency)
    notional_first = ends[-1]
    ascending = list(reversed(ends[:-1]))
    periods: list[CouponPeriod] = []
    previous = notional_first
    for number, end in enumerate(ascending, start=1):
        start = issue_date if number == 1 else previous
        notional = previous
        payment, provisional = payment_date(end, convention, calendar)
        periods.append(CouponPeriod(number, start, end, payment, notional, provisional))
        previous = end
    return tuple(periods)


def payment_date(
    day: date, convention: BusinessDayConvention, calendar: HolidayCalendar | None
) -> tuple[date, bool]:
    """``day`` adjusted, and whether the result is provisional (see module docstring)."""
    if calendar is None:
        return day, False
    try:
        return adjust(day, convention, calendar), False
    except DomainError as exc:
        if exc.code is not ErrorCode.CALENDAR_NOT_COVERED:
            raise
        return adjust(day, convention, calendar.weekends_only()), True


def period_containing(periods: tuple[CouponPeriod, ...], day: date) -> CouponPeriod:
    """The period with ``accrual_start <= day < accrual_end``."""
    for period in periods:
        if period.accrual_start <= day < period.accrual_end:
            return period
    raise DomainError(ErrorCode.INVALID_DATE_RANGE, f"{day} is outside the schedule")
