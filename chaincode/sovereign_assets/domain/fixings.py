"""Benchmark fixings for floating-rate bonds and variable-rental sukuk.

Owns: the fixing records (:class:`BillAuctionResult`, :class:`PkrvQuote`), the rule
(:class:`FixingRule`) and :func:`resolve_fixing`, a pure function from those records
to the benchmark rate for a reset date.

The rule (as SBP's floating-rate PIB terms define the coupon's benchmark): the benchmark
is the weighted-average cut-off yield of the latest bill auction of the benchmark tenor
held on or before the fixing date and no more than ``auction_lookback_days`` before it.
When there is no such auction, or the treasury rejected all bids for that tenor at it,
the fallback is the average of the published PKRV rate for that tenor over the
``fallback_days`` (5) working days before the fixing date, rounded by
:data:`.money.FIXING_RATE`. Every one of those days must have a quote: a missing quote
is ``FIXING_UNAVAILABLE``, never guessed.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from .calendars import HolidayCalendar, business_days_before
from .errors import DomainError, ErrorCode
from .money import in_domain_context, require_decimal, require_rate, round_fixing
from .schedule import CouponPeriod


def _require_tenor(tenor_days: object) -> None:
    if type(tenor_days) is not int or tenor_days <= 0:
        raise DomainError(ErrorCode.INVALID_TERMS, "a tenor is an int number of days > 0")


@dataclass(frozen=True)
class BillAuctionResult:
    """Published result of a treasury-bill auction for one tenor.

    ``auction_date``: the day the auction was held.
    ``tenor_days``: bill tenor in days (e.g. 91 for 3-month, 182 for 6-month).
    ``weighted_average_yield``: weighted-average yield of accepted bids, a fraction
    (``Decimal("0.0725")`` for 7.25 %); ``None`` when all bids were rejected.
    """

    auction_date: date
    tenor_days: int
    weighted_average_yield: Decimal | None

    def __post_init__(self) -> None:
        _require_tenor(self.tenor_days)
        if self.weighted_average_yield is not None:
            require_decimal(self.weighted_average_yield, "auction yield")


@dataclass(frozen=True)
class PkrvQuote:
    """One published PKRV (revaluation) rate: ``rate`` as a fraction for ``tenor_days``
    on ``quote_date``."""

    quote_date: date
    tenor_days: int
    rate: Decimal

    def __post_init__(self) -> None:
        _require_tenor(self.tenor_days)
        require_decimal(self.rate, "PKRV rate")


class FixingSource(StrEnum):
    """Where a resolved benchmark came from."""

    AUCTION = "AUCTION"
    PKRV_AVERAGE = "PKRV_AVERAGE"


MAX_TENOR_DAYS = 3_660
"""The longest benchmark tenor or look-back a fixing rule may name (about ten years)."""


@dataclass(frozen=True)
class FixingRule:
    """How an instrument's benchmark is fixed.

    ``benchmark_tenor_days``: tenor of the bill benchmark in days.
    ``auction_lookback_days``: calendar days an auction may precede the fixing date.
    ``fallback_days``: working days of PKRV averaged by the fallback (5).
    """

    benchmark_tenor_days: int
    auction_lookback_days: int = 14
    fallback_days: int = 5

    def __post_init__(self) -> None:
        for name in ("benchmark_tenor_days", "auction_lookback_days", "fallback_days"):
            value = getattr(self, name)
            if type(value) is not int or not 0 < value <= MAX_TENOR_DAYS:
                raise DomainError(
                    ErrorCode.INVALID_TERMS, f"{name} must be an int in 1..{MAX_TENOR_DAYS}"
                )

    def auction_days(self, fixing_date: date) -> tuple[date, ...]:
        """Every date an auction may have been held on and still count for a fixing on
        ``fixing_date``, oldest first: ``auction_lookback_days`` back to the day itself."""
        return tuple(
            fixing_date - timedelta(days=back) for back in range(self.auction_lookback_days, -1, -1)
        )

    def pkrv_days(self, fixing_date: date, calendar: HolidayCalendar) -> tuple[date, ...]:
        """The ``fallback_days`` working days before ``fixing_date`` whose PKRV the
        fallback averages."""
        return business_days_before(fixing_date, self.fallback_days, calendar)


def fixing_date_of(period: CouponPeriod) -> date:
    """The date a floating period's benchmark is fixed as of: the start of its accrual.

    A PIB floater's coupon is set in advance - the benchmark known when the period begins
    (the latest bill auction up to that day, else the PKRV of the days before it) applies
    to the whole period.
    """
    return period.accrual_start


@dataclass(frozen=True)
class ResolvedFixing:
    """A benchmark rate (fraction) for ``fixing_date``, with its evidence dates."""

    fixing_date: date
    rate: Decimal
    source: FixingSource
    evidence_dates: tuple[date, ...]

    def __post_init__(self) -> None:
        require_rate(self.rate, "benchmark rate")


@in_domain_context
def resolve_fixing(
    rule: FixingRule,
    fixing_date: date,
    auctions: Iterable[BillAuctionResult],
    pkrv_quotes: Iterable[PkrvQuote],
    calendar: HolidayCalendar,
) -> ResolvedFixing:
    """The benchmark for ``fixing_date`` under ``rule`` (see the module docstring).

    Records of other tenors or later dates are ignored, so callers may pass all they
    have; two results for the same auction date and tenor are a data error.
    """
    tenor = rule.benchmark_tenor_days
    window = set(rule.auction_days(fixing_date))
    candidates = [a for a in auctions if a.tenor_days == tenor and a.auction_date in window]
    if candidates:
        latest_date = max(a.auction_date for a in candidates)
        latest = [a for a in candidates if a.auction_date == latest_date]
        if len(latest) > 1:
            raise DomainError(ErrorCode.INVALID_TERMS, f"two auction results on {latest_date}")
        result = latest[0]
        if result.weighted_average_yield is not None:
            rate = require_decimal(result.weighted_average_yield, "auction yield")
            return ResolvedFixing(fixing_date, rate, FixingSource.AUCTION, (latest_date,))
    days = rule.pkrv_days(fixing_date, calendar)
    by_day: dict[date, Decimal] = {}
    for quote in pkrv_quotes:
        if quote.tenor_days == tenor and quote.quote_date in days:
            if quote.quote_date in by_day:
                raise DomainError(ErrorCode.INVALID_TERMS, f"two PKRV quotes on {quote.quote_date}")
            by_day[quote.quote_date] = require_decimal(quote.rate, "PKRV rate")
    missing = [d.isoformat() for d in days if d not in by_day]
    if missing:
        raise DomainError(
            ErrorCode.FIXING_UNAVAILABLE, f"no auction and no PKRV for {', '.join(missing)}"
        )
    average = sum(by_day.values(), Decimal(0)) / len(days)
    return ResolvedFixing(fixing_date, round_fixing(average), FixingSource.PKRV_AVERAGE, days)
