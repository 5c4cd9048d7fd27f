"""Holiday calendars as data, and business-day adjustment.

Owns: :class:`HolidayCalendar` (weekend days + explicit holiday dates + the date range
it is known to cover), :class:`BusinessDayConvention`, :func:`adjust`,
:func:`add_business_days`, and :func:`calendar_from_config` which builds a calendar
from plain data (a jurisdiction's calendar is configuration, never code: see
:mod:`.examples` for Pakistan).

A calendar refuses to answer outside its coverage (``CALENDAR_NOT_COVERED``): a date
in a year nobody entered holidays for is unknown, not a business day.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import DomainError, ErrorCode

_WEEKDAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@dataclass(frozen=True)
class HolidayCalendar:
    """A business-day calendar.

    ``calendar_id``: the key instruments refer to (e.g. "PK-SBP").
    ``weekend``: non-working weekdays, Python numbering (Monday 0 ... Sunday 6).
    ``holidays``: non-working dates besides weekends.
    ``covers_from`` / ``covers_to``: inclusive range of dates the holiday list is
    complete for.
    """

    calendar_id: str
    weekend: frozenset[int]
    holidays: frozenset[date]
    covers_from: date
    covers_to: date

    def __post_init__(self) -> None:
        if not self.weekend <= frozenset(range(7)) or len(self.weekend) == 7:
            raise DomainError(ErrorCode.INVALID_TERMS, "weekend must be a proper subset of 0..6")
        if self.covers_to < self.covers_from:
            raise DomainError(ErrorCode.INVALID_DATE_RANGE, "calendar coverage is empty")

    def is_business_day(self, day: date) -> bool:
        """True when ``day`` is neither a weekend day nor a holiday."""
        if not self.covers_from <= day <= self.covers_to:
            raise DomainError(
                ErrorCode.CALENDAR_NOT_COVERED,
                f"calendar {self.calendar_id} does not cover {day.isoformat()}",
            )
        return day.weekday() not in self.weekend and day not in self.holidays

    def weekends_only(self) -> HolidayCalendar:
        """This calendar's weekend with no holidays and unlimited coverage: what a
        date beyond the known holidays can provisionally be rolled with."""
        return HolidayCalendar(
            f"{self.calendar_id}/weekends-only", self.weekend, frozenset(), date.min, date.max
        )


class BusinessDayConvention(StrEnum):
    """How a date that falls on a non-business day is moved."""

    UNADJUSTED = "UNADJUSTED"
    FOLLOWING = "FOLLOWING"
    MODIFIED_FOLLOWING = "MODIFIED_FOLLOWING"
    """Following, unless that crosses into the next month: then preceding."""
    PRECEDING = "PRECEDING"


def _roll(calendar: HolidayCalendar, day: date, step: int) -> date:
    while not calendar.is_business_day(day):
        day += timedelta(days=step)
    return day


def adjust(day: date, convention: BusinessDayConvention, calendar: HolidayCalendar) -> date:
    """Move ``day`` to a business day of ``calendar`` under ``convention``."""
    if convention is BusinessDayConvention.UNADJUSTED:
        return day
    if convention is BusinessDayConvention.PRECEDING:
        return _roll(calendar, day, -1)
    following = _roll(calendar, day, 1)
    if convention is BusinessDayConvention.MODIFIED_FOLLOWING and following.month != day.month:
        return _roll(calendar, day, -1)
    return following


def add_business_days(day: date, count: int, calendar: HolidayCalendar) -> date:
    """The date ``count`` business days after (``count`` < 0: before) ``day``.

    ``day`` itself need not be a business day; 0 returns ``day`` unchanged. Used for
    settlement dates (T+1 = ``add_business_days(trade_date, 1, calendar)``).
    """
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if calendar.is_business_day(day):
            remaining -= 1
    return day


def business_days_before(day: date, count: int, calendar: HolidayCalendar) -> tuple[date, ...]:
    """The ``count`` business days strictly before ``day``, oldest first."""
    found: list[date] = []
    cursor = day
    while len(found) < count:
        cursor -= timedelta(days=1)
        if calendar.is_business_day(cursor):
            found.append(cursor)
    return tuple(reversed(found))


def calendar_from_config(config: Mapping[str, object]) -> HolidayCalendar:
    """Build a calendar from plain data (as it would be stored as JSON).

    Keys: ``id`` (str), ``weekend`` (list of "MON".."SUN"), ``holidays`` (list of
    ISO dates), ``covers_from`` and ``covers_to`` (ISO dates).
    """
    try:
        weekend_names = config["weekend"]
        holiday_texts = config["holidays"]
        calendar_id = config["id"]
        covers_from = date.fromisoformat(str(config["covers_from"]))
        covers_to = date.fromisoformat(str(config["covers_to"]))
        if not isinstance(weekend_names, list | tuple) or not isinstance(
            holiday_texts, list | tuple
        ):
            raise TypeError("weekend and holidays must be lists")
        weekend = frozenset(_WEEKDAY_NAMES.index(str(name)) for name in weekend_names)
        holidays = frozenset(date.fromisoformat(str(text)) for text in holiday_texts)
    except (KeyError, ValueError, TypeError) as exc:
        raise DomainError(ErrorCode.INVALID_TERMS, f"calendar config: {exc}") from None
    for holiday in holidays:
        if not covers_from <= holiday <= covers_to:
            raise DomainError(ErrorCode.INVALID_TERMS, f"holiday {holiday} outside coverage")
    return HolidayCalendar(str(calendar_id), weekend, holidays, covers_from, covers_to)


@dataclass(frozen=True)
class PublishedCalendar:
    """One published version of a calendar: ``calendar`` applies to every date rule
    evaluated on a business date on or after ``effective_from``, until a later version
    takes effect."""

    effective_from: date
    calendar: HolidayCalendar


def calendar_in_effect(
    versions: Sequence[PublishedCalendar], as_of: date | None
) -> HolidayCalendar | None:
    """The version of a calendar in effect on the business date ``as_of``: the latest
    whose ``effective_from`` is not after it (None when none is yet; with no business
    date opened, the first version)."""
    ordered = sorted(versions, key=lambda v: v.effective_from)
    if not ordered:
        return None
    if as_of is None:
        return ordered[0].calendar
    current = None
    for version in ordered:
        if version.effective_from <= as_of:
            current = version.calendar
    return current
