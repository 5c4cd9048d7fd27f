"""Coupon schedules: regular dates rolled back from an anchor, irregular ends only
when the terms ask for them.

Owns: :class:`CouponPeriod`, :class:`ScheduleTerms`, :func:`add_months`,
:func:`generate_schedule`, :func:`schedule_from_terms`, :func:`payment_date` and
:func:`period_containing`.

Rules:
- The *anchor* is ``penultimate_coupon_date`` when the terms give one, else the
  maturity. Regular coupon dates are anchor minus k x (12 / frequency) months,
  counted from the anchor each time (not by repeated stepping, so day 31 -> 30 -> 28
  drift cannot happen); a day the target month lacks is clamped to its last day.
- End-of-month is a **term** (``end_of_month``, off by default): only when it is on
  are the dates the last day of their month, and then the anchor must be a month
  end. Off, the coupon day of the month is the anchor's (PIBs: a bond maturing
  28 February pays on the 28th of August and February).
- ``first_coupon_date`` (optional) must be one of those regular dates; the first
  period runs from the issue date to it. Without it the first coupon date is the
  first regular date after the issue date. Either way the first period is regular
  when the issue date is itself on the roll, else short (issue inside one quasi
  period) or long (``first_coupon_date`` more than one period after the issue).
- ``penultimate_coupon_date`` (optional) makes the last period, from it to the
  maturity, irregular (short or long); its quasi-coupon periods roll forward from it.
- No other irregular period is ever made: nothing the terms did not ask for.
- Every period records its quasi-coupon periods (ICMA Rule 251), what Act/Act (ICMA)
  accrual and the price/yield exponents need (:mod:`.daycount`).
- Accrual dates are unadjusted; payment dates are adjusted with the business-day
  convention and calendar given. A payment date beyond the calendar's coverage
  (future holidays not yet announced) is rolled over weekends only and marked
  ``payment_date_provisional``; lifecycle refuses to pay on a provisional date.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

import calendar as _gregorian
import functools
import itertools
from dataclasses import dataclass
from datetime import date

from .calendars import BusinessDayConvention, HolidayCalendar, adjust
from .daycount import QuasiPeriod
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
    ``notional_start``: start of the first quasi-coupon period of this one; equals
    ``accrual_start`` except for a short or long first period.
    ``payment_date_provisional``: the calendar did not cover the payment date yet.
    ``quasi``: the quasi-coupon periods covering the period, oldest first; empty means
    the single one (``notional_start``, ``accrual_end``).
    """

    number: int
    accrual_start: date
    accrual_end: date
    payment_date: date
    notional_start: date
    payment_date_provisional: bool = False
    quasi: tuple[QuasiPeriod, ...] = ()

    @property
    def quasi_periods(self) -> tuple[QuasiPeriod, ...]:
        """The quasi-coupon periods (ICMA) covering this period, oldest first."""
        return self.quasi or ((self.notional_start, self.accrual_end),)

    @property
    def is_regular(self) -> bool:
        """True when the period is exactly one regular coupon period."""
        return self.quasi_periods == ((self.accrual_start, self.accrual_end),)

    @property
    def is_stub(self) -> bool:
        """True for an irregular (short or long, first or last) period."""
        return not self.is_regular

    @property
    def period_id(self) -> str:
        """Stable identifier of the period: its unadjusted end date, ISO format."""
        return self.accrual_end.isoformat()


def _last_day(year: int, month: int) -> int:
    return _gregorian.monthrange(year, month)[1]


def is_month_end(day: date) -> bool:
    """True on the last day of ``day``'s month."""
    return day.day == _last_day(day.year, day.month)


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


def _bad(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_SCHEDULE, message)


@dataclass(frozen=True)
class ScheduleTerms:
    """The terms a coupon schedule is made from (see the module docstring).

    ``issue_date`` / ``maturity_date``: first day of accrual, redemption date.
    ``frequency``: coupons per year (1, 2, 4, 12).
    ``end_of_month``: regular dates are month ends (the anchor must be one).
    ``first_coupon_date`` / ``penultimate_coupon_date``: optional irregular ends.
    Bad combinations are ``INVALID_SCHEDULE`` (``INVALID_FREQUENCY`` for the
    frequency), raised when the terms are made.
    """

    issue_date: date
    maturity_date: date
    frequency: int
    end_of_month: bool = False
    first_coupon_date: date | None = None
    penultimate_coupon_date: date | None = None

    def __post_init__(self) -> None:
        require_frequency(self.frequency)
        if type(self.end_of_month) is not bool:
            raise _bad("end_of_month must be true or false")
        issue, maturity = self.issue_date, self.maturity_date
        first, penultimate = self.first_coupon_date, self.penultimate_coupon_date
        if maturity <= issue:
            raise _bad("maturity must be after issue")
        if first is not None and not issue < first <= maturity:
            raise _bad("first_coupon_date must be after the issue date, not after maturity")
        if penultimate is not None:
            if not issue < penultimate < maturity:
                raise _bad("penultimate_coupon_date must lie between issue and maturity")
            if first is not None and penultimate < first:
                raise _bad("penultimate_coupon_date must not be before first_coupon_date")
            if first == maturity:
                raise _bad("first_coupon_date is the maturity: no penultimate coupon")
        if self.end_of_month and not is_month_end(self.anchor):
            raise _bad(
                f"end_of_month needs the anchor ({self.anchor.isoformat()}: the "
                "penultimate coupon date, else the maturity) on the last day of a month"
            )
        self.ends()  # the first coupon date must be on the roll

    @property
    def anchor(self) -> date:
        """The date regular coupon dates are counted back from."""
        return self.penultimate_coupon_date or self.maturity_date

    @property
    def step_months(self) -> int:
        """Months in one regular period."""
        return 12 // self.frequency

    def roll(self, k: int) -> date:
        """The k-th regular date before the anchor (k = 0: the anchor itself)."""
        return add_months(self.anchor, -self.step_months * k, end_of_month=self.end_of_month)

    def ends(self) -> tuple[tuple[date, tuple[QuasiPeriod, ...]], ...]:
        """Each period's end date and quasi-coupon periods, oldest first."""
        return _ends(self)


# A pure function of the (frozen, hashable) terms, computed by every transaction that
# converts an instrument - several times in one settlement - so kept for the process.
# The answer is an immutable tuple; terms it refuses raise again, as they are not kept.
@functools.lru_cache(maxsize=1024)
def _ends(terms: ScheduleTerms) -> tuple[tuple[date, tuple[QuasiPeriod, ...]], ...]:
    issue, first = terms.issue_date, terms.first_coupon_date
    regular = [terms.anchor]  # newest first
    k = 1
    if first is not None:
        while regular[-1] > first:
            regular.append(terms.roll(k))
            k += 1
        if regular[-1] != first:
            raise _bad(
                f"first_coupon_date {first.isoformat()} is not a regular coupon date "
                f"counted back from {terms.anchor.isoformat()}"
                + ("" if terms.end_of_month else " (is end_of_month needed?)")
            )
    else:
        while terms.roll(k) > issue:
            regular.append(terms.roll(k))
            k += 1
    # the first period's quasi-coupon periods continue the roll back past the issue
    bounds = [regular[-1]]
    while bounds[-1] > issue:
        bounds.append(terms.roll(k))
        k += 1
    first_quasi = tuple((bounds[i + 1], bounds[i]) for i in range(len(bounds) - 2, -1, -1))
    ascending = list(reversed(regular))
    out: list[tuple[date, tuple[QuasiPeriod, ...]]] = [(ascending[0], first_quasi)]
    out += [(end, ((start, end),)) for start, end in itertools.pairwise(ascending)]
    penultimate = terms.penultimate_coupon_date
    if penultimate is not None:
        forward = [penultimate]
        j = 1
        while forward[-1] < terms.maturity_date:
            forward.append(
                add_months(penultimate, terms.step_months * j, end_of_month=terms.end_of_month)
            )
            j += 1
        last_quasi = tuple(itertools.pairwise(forward))
        out.append((terms.maturity_date, last_quasi))
    return tuple(out)


def generate_schedule(
    issue_date: date,
    maturity_date: date,
    frequency: int,
    *,
    end_of_month: bool = False,
    first_coupon_date: date | None = None,
    penultimate_coupon_date: date | None = None,
    calendar: HolidayCalendar | None = None,
    convention: BusinessDayConvention = BusinessDayConvention.UNADJUSTED,
) -> tuple[CouponPeriod, ...]:
    """All coupon periods from ``issue_date`` to ``maturity_date``, oldest first
    (rules in the module docstring).

    A calendar is required unless ``convention`` is UNADJUSTED.
    """
    terms = ScheduleTerms(
        issue_date,
        maturity_date,
        frequency,
        end_of_month,
        first_coupon_date,
        penultimate_coupon_date,
    )
    return schedule_from_terms(terms, calendar=calendar, convention=convention)


def schedule_from_terms(
    terms: ScheduleTerms,
    *,
    calendar: HolidayCalendar | None = None,
    convention: BusinessDayConvention = BusinessDayConvention.UNADJUSTED,
) -> tuple[CouponPeriod, ...]:
    """The periods of ``terms`` (see :func:`generate_schedule`)."""
    if convention is not BusinessDayConvention.UNADJUSTED and calendar is None:
        raise DomainError(ErrorCode.UNKNOWN_CALENDAR, "an adjusted schedule needs a calendar")
    periods: list[CouponPeriod] = []
    start = terms.issue_date
    for number, (end, quasi) in enumerate(terms.ends(), start=1):
        payment, provisional = payment_date(end, convention, calendar)
        single = quasi == ((quasi[0][0], end),)
        periods.append(
            CouponPeriod(
                number,
                start,
                end,
                payment,
                quasi[0][0],
                provisional,
                () if single else quasi,
            )
        )
        start = end
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
