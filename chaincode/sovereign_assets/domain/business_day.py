"""The business date: ledger state the central bank opens and closes, never a clock.

Owns :data:`DATE_MIN` / :data:`DATE_MAX` (the range every date of the register lies in),
:func:`require_date_in_range`, :class:`BusinessDay` and its transitions
:func:`open_business_date` and :func:`close_business_date`, and :func:`require_open`.

Every date rule (lock-ups, settlement dates, coupon record dates, KYC expiry, maturity)
reads one business date. It only moves forward: a new date must be later than the last
one opened (``BUSINESS_DATE_NOT_LATER``). While no date is open, nothing that reads it
runs (``BUSINESS_DAY_CLOSED``).

Bounds: every date lies in ``DATE_MIN..DATE_MAX``, so adding or subtracting the longest
span any rule uses (a 100-year schedule, a look-back of a few hundred days) stays inside
what :class:`datetime.date` represents (years 1..9999); nothing downstream can overflow.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import DomainError, ErrorCode

DATE_MIN = date(1900, 1, 1)
"""The earliest date the register accepts anywhere."""
DATE_MAX = date(2199, 12, 31)
"""The latest date the register accepts anywhere."""


def require_date_in_range(day: date, field: str) -> date:
    """``day`` if it lies in ``DATE_MIN..DATE_MAX``, else ``INVALID_DATE_RANGE``."""
    if not DATE_MIN <= day <= DATE_MAX:
        raise DomainError(
            ErrorCode.INVALID_DATE_RANGE,
            f"{field}: must lie in {DATE_MIN.isoformat()}..{DATE_MAX.isoformat()}",
        )
    return day


@dataclass(frozen=True)
class BusinessDay:
    """The register's business date and whether it is open for business."""

    business_date: date
    open: bool


def open_business_date(current: BusinessDay | None, day: date) -> BusinessDay:
    """Open ``day``: later than every date opened before (``BUSINESS_DATE_NOT_LATER``)
    and inside the register's range. Opening a day closes the previous one."""
    require_date_in_range(day, "business_date")
    if current is not None and day <= current.business_date:
        raise DomainError(
            ErrorCode.BUSINESS_DATE_NOT_LATER,
            f"{day.isoformat()} is not after {current.business_date.isoformat()}",
        )
    return BusinessDay(day, True)


def close_business_date(current: BusinessDay | None) -> BusinessDay:
    """Close the open business day (``BUSINESS_DAY_CLOSED`` if none is open)."""
    return BusinessDay(require_open(current), False)


def require_open(current: BusinessDay | None) -> date:
    """The open business date, or ``BUSINESS_DAY_CLOSED``."""
    if current is None or not current.open:
        raise DomainError(ErrorCode.BUSINESS_DAY_CLOSED, "no business day is open")
    return current.business_date
