"""Instruments as data records, their validation and their cash-flow schedules.

Owns: :class:`InstrumentKey`, :class:`DocumentRef`, :class:`DebtTerms` (terms shared
by bills, bonds and sukuk) and one record per kind: :class:`TreasuryBill`,
:class:`FixedRateBond` (also the zero-coupon variant), :class:`FloatingRateBond`,
:class:`IjaraSukuk`, :class:`CommodityReserveToken` (with :class:`Bar`) and
:class:`CashToken`; :func:`cash_flows` and the weight-unit conversions.

Every debt instrument follows one protocol, :class:`DebtInstrumentBase`: its type
answers the annual rate of a period (:meth:`~DebtInstrumentBase.period_rate`), what its
periodic payments are (:attr:`~DebtInstrumentBase.flow_kind`) and the benchmark its rate
floats on (:attr:`~DebtInstrumentBase.benchmark_rule`); its periods, the amount per unit
of each, the cash flows still to come and the accrued interest follow from those, and
:func:`.lifecycle.evolve` asks an instrument nothing else. A new kind of debt
instrument is one class.

Units: amounts of face value are ``int`` minor units of the currency; commodity
quantities are ``int`` milligrams; rates are fractions (``Decimal("0.07")`` = 7 %);
margins are ``int`` basis points. A cash flow's ``amount_per_unit`` is what one
minor unit of face receives, as an exact ``Fraction`` (``Fraction(7, 200)``: a 7 %
semi-annual coupon): rate x the exact year fraction of the period, so a holder's
amount is face x that, rounded once (:data:`.money.CASH`).

Floating coupons (PIB floaters, variable-rental sukuk): the rate of a period is the
benchmark fixed for it plus the margin, set in advance - the fixing is resolved as of
the period's accrual start (:mod:`.fixings`) - and it accrues on the instrument's own
day count like a fixed coupon: Act/Act (ICMA) for PIB floaters, so a regular period
pays exactly (benchmark + margin) / frequency whatever its length in days; Act/365
for variable-rental sukuk.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from .business_day import require_date_in_range
from .calendars import BusinessDayConvention, HolidayCalendar
from .daycount import DayCount, year_fraction
from .errors import DomainError, ErrorCode
from .fixings import FixingRule
from .money import (
    Currency,
    exact,
    in_domain_context,
    require_decimal,
    require_positive_amount,
    require_rate,
)
from .schedule import (
    CouponPeriod,
    ScheduleTerms,
    payment_date,
    period_containing,
    require_frequency,
    schedule_from_terms,
)

_INSTRUMENT_ID = re.compile(r"[A-Z]{2}[A-Z0-9]{9}[0-9]")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
TOLA_IN_MILLIGRAMS = Decimal("11663.8")
"""1 tola = 11.6638 g, exactly, by definition."""
BASIS_POINT = Decimal("0.0001")


def _invalid(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_TERMS, message)


@dataclass(frozen=True)
class InstrumentKey:
    """How other records refer to an instrument: ``instrument_id`` (ISIN-like, 12
    characters: country, 9 alphanumerics, check digit) and lifecycle ``version``
    (0 at issue, +1 for each event that changed it)."""

    instrument_id: str
    version: int = 0


@dataclass(frozen=True)
class DocumentRef:
    """A document held off-ledger: ``name``, ``uri``, and the lowercase hex SHA-256
    of its bytes, which is what the ledger vouches for."""

    name: str
    uri: str
    sha256: str

    def __post_init__(self) -> None:
        if not self.name or not self.uri or not _SHA256_HEX.fullmatch(self.sha256):
            raise _invalid("a document needs a name, a URI and a lowercase hex SHA-256")


@dataclass(frozen=True)
class LifecycleState:
    """What lifecycle events changed: ``version`` (see :class:`InstrumentKey`),
    ``periods_paid`` (number of coupon/rental periods whose effects were produced),
    ``matured`` and ``fixings`` (period id -> benchmark rate fraction, in period
    order)."""

    version: int = 0
    periods_paid: int = 0
    matured: bool = False
    fixings: tuple[tuple[str, Decimal], ...] = ()

    def fixing_for(self, period_id: str) -> Decimal | None:
        """The benchmark fixed for ``period_id``, if any."""
        for pid, rate in self.fixings:
            if pid == period_id:
                return rate
        return None


@dataclass(frozen=True)
class DebtTerms:
    """Terms shared by bills, bonds and sukuk.

    ``instrument_id``: ISIN-like identifier, e.g. "PK0000123456".
    ``currency``: currency of face value and payments.
    ``min_denomination``: smallest holdable face amount, minor units (PKR 100,000 =
    10_000_000); holdings are positive multiples of it.
    ``day_count``: accrual convention of coupons/rentals.
    ``frequency``: coupons per year (2 or 4), 0 for discount instruments.
    ``calendar_id``: business-day calendar for payment dates.
    ``issue_date`` / ``maturity_date``: first day of accrual / redemption date
    (unadjusted).
    ``payment_convention``: business-day roll of payment dates.
    ``end_of_month``: coupon dates are month ends (off by default: the coupon day
    of the month is kept, as for PIBs).
    ``first_coupon_date`` / ``penultimate_coupon_date``: an explicitly dated (short
    or long) first period / an irregular last period; None for the regular roll
    (see :mod:`.schedule`). A discount instrument takes none of the three.
    """

    instrument_id: str
    currency: Currency
    min_denomination: int
    day_count: DayCount
    frequency: int
    calendar_id: str
    issue_date: date
    maturity_date: date
    payment_convention: BusinessDayConvention = BusinessDayConvention.FOLLOWING
    end_of_month: bool = False
    first_coupon_date: date | None = None
    penultimate_coupon_date: date | None = None

    def __post_init__(self) -> None:
        if not _INSTRUMENT_ID.fullmatch(self.instrument_id):
            raise _invalid(f"instrument id {self.instrument_id!r} is not ISIN-like")
        require_positive_amount(self.min_denomination, "minimum denomination")
        for day, name in (
            (self.issue_date, "issue date"),
            (self.maturity_date, "maturity date"),
            (self.first_coupon_date, "first coupon date"),
            (self.penultimate_coupon_date, "penultimate coupon date"),
        ):
            if day is not None:
                try:
                    require_date_in_range(day, name)
                except DomainError as exc:
                    raise _invalid(exc.message) from None
        if self.frequency != 0:
            require_frequency(self.frequency)
        if self.maturity_date <= self.issue_date:
            raise _invalid("maturity must be after issue")
        if not self.calendar_id:
            raise _invalid("a calendar id is required")
        if self.frequency == 0:
            if self.end_of_month or self.first_coupon_date or self.penultimate_coupon_date:
                raise DomainError(
                    ErrorCode.INVALID_SCHEDULE,
                    "a discount instrument has no coupon dates: end_of_month, "
                    "first_coupon_date and penultimate_coupon_date do not apply",
                )
        else:
            self.schedule_terms()  # INVALID_SCHEDULE for coupon dates that do not fit

    def schedule_terms(self) -> ScheduleTerms:
        """The schedule terms (only for coupon-paying instruments)."""
        return ScheduleTerms(
            self.issue_date,
            self.maturity_date,
            self.frequency,
            self.end_of_month,
            self.first_coupon_date,
            self.penultimate_coupon_date,
        )

    def key(self, version: int = 0) -> InstrumentKey:
        """The key of this instrument at ``version``."""
        return InstrumentKey(self.instrument_id, version)

    def periods(self, calendar: HolidayCalendar) -> tuple[CouponPeriod, ...]:
        """Coupon periods (empty for a discount instrument)."""
        if self.frequency == 0:
            return ()
        _check_calendar(self, calendar)
        return schedule_from_terms(
            self.schedule_terms(), calendar=calendar, convention=self.payment_convention
        )


def _check_calendar(terms: DebtTerms, calendar: HolidayCalendar) -> None:
    if calendar.calendar_id != terms.calendar_id:
        raise DomainError(
            ErrorCode.UNKNOWN_CALENDAR,
            f"{terms.instrument_id} uses {terms.calendar_id}, got {calendar.calendar_id}",
        )


class DebtInstrumentBase(ABC):
    """The protocol of bills, bonds and sukuk (see the module docstring).

    A subclass is a frozen dataclass with ``terms`` and ``state`` fields; it implements
    :meth:`period_rate` and overrides :attr:`flow_kind` and :attr:`benchmark_rule` where
    it differs from a fixed-coupon bond.
    """

    __slots__ = ()
    terms: DebtTerms
    state: LifecycleState

    @property
    def flow_kind(self) -> FlowKind:
        """What its periodic payments are: coupons unless the type says otherwise."""
        return FlowKind.COUPON

    @property
    def benchmark_rule(self) -> FixingRule | None:
        """The benchmark its rate floats on (it takes fixings); None for a rate set at
        issue."""
        return None

    @property
    def pays_in_periods(self) -> bool:
        """Whether its periods pay anything (a zero-coupon bond's carry nothing)."""
        return True

    def require_benchmark_rule(self) -> FixingRule:
        """:attr:`benchmark_rule`, or ``EVENT_NOT_APPLICABLE`` for a rate set at issue."""
        rule = self.benchmark_rule
        if rule is None:
            raise DomainError(
                ErrorCode.EVENT_NOT_APPLICABLE, "only floating instruments take fixings"
            )
        return rule

    @abstractmethod
    def period_rate(self, period: CouponPeriod) -> Fraction | None:
        """The annual rate of ``period`` (exact); None while a floating one awaits its
        fixing. ``EVENT_NOT_APPLICABLE`` for an instrument without periodic payments."""

    def periods(self, calendar: HolidayCalendar) -> tuple[CouponPeriod, ...]:
        """Coupon or rental periods (empty for a discount instrument)."""
        return self.terms.periods(calendar)

    def period(self, period_id: str, calendar: HolidayCalendar) -> CouponPeriod:
        """The period ``period_id`` (its unadjusted end date) or ``EVENT_NOT_APPLICABLE``."""
        for period in self.periods(calendar):
            if period.period_id == period_id:
                return period
        raise DomainError(ErrorCode.EVENT_NOT_APPLICABLE, f"no period {period_id}")

    def period_paid_on(self, day: date, calendar: HolidayCalendar) -> CouponPeriod:
        """The period whose payment date (or unadjusted end) is ``day``, or
        ``EVENT_NOT_APPLICABLE``. The final period is paid by the redemption, so naming it
        to pay a coupon is refused by :func:`.lifecycle.evolve`."""
        for period in self.periods(calendar):
            if day in (period.payment_date, period.accrual_end):
                return period
        raise DomainError(ErrorCode.EVENT_NOT_APPLICABLE, f"no coupon period ends on {day}")

    def holdings_fixed_from(
        self, calendar: HolidayCalendar, created_on: date | None = None
    ) -> date | None:
        """The record date of the next coupon or rental still to pay: the accrual end of
        the first unpaid period, unless that period is the last (maturity pays it; no
        holding moves from maturity on anyway), pays nothing (a zero-coupon bond, a
        discount instrument) or ended before the instrument was created on the ledger
        (``created_on``: nobody held it then). From that business date until the coupon
        is paid no holding changes, so the payment goes to exactly the holders at the
        record date."""
        if not self.pays_in_periods:
            return None
        periods = self.periods(calendar)
        for period in periods[self.state.periods_paid : len(periods) - 1]:
            if created_on is None or period.accrual_end > created_on:
                return period.accrual_end
        return None

    def amount_per_unit(self, period: CouponPeriod) -> Fraction | None:
        """Coupon or rental per unit of face for ``period``, exact: rate x the period's
        year fraction (a short or long period pays for its quasi-coupon periods, ICMA);
        None if the fixing is missing."""
        rate = self.period_rate(period)
        if rate is None:
            return None
        return rate * period_year_fraction(self.terms, period, period.accrual_end)

    def cash_flows(self, as_of: date, calendar: HolidayCalendar) -> tuple[CashFlow, ...]:
        """Scheduled payments still to come on ``as_of`` (accrual end after ``as_of``),
        coupons/rentals first by date, redemption of face (1 per unit) last."""
        terms = self.terms
        _check_calendar(terms, calendar)
        flows = [
            CashFlow(
                self.flow_kind,
                period.payment_date,
                period,
                self.amount_per_unit(period),
                period.payment_date_provisional,
            )
            for period in self.periods(calendar)
            if period.accrual_end > as_of
        ]
        if terms.maturity_date > as_of:
            payment, provisional = payment_date(
                terms.maturity_date, terms.payment_convention, calendar
            )
            flows.append(CashFlow(FlowKind.REDEMPTION, payment, None, Fraction(1), provisional))
        return tuple(flows)

    def accrued_per_unit(self, settlement: date, calendar: HolidayCalendar) -> Fraction:
        """Accrued interest (or rental) per minor unit of face a buyer pays the seller on
        ``settlement``, exact: the current period's rate x its year fraction from the
        accrual start to ``settlement`` (Act/Act ICMA for PIBs: coupon / 2 x days accrued
        / days in the period). Zero for bills and discounted sukuk (no periods), and on
        the issue date or a coupon date. A floating period whose fixing is not yet
        published is ``FIXING_UNAVAILABLE``; on or after the last accrual end,
        ``INSTRUMENT_MATURED``.
        """
        terms = self.terms
        if terms.frequency == 0 or settlement <= terms.issue_date:
            return Fraction(0)
        _check_calendar(terms, calendar)
        periods = self.periods(calendar)
        if settlement >= periods[-1].accrual_end:
            raise DomainError(
                ErrorCode.INSTRUMENT_MATURED, f"{terms.instrument_id} on {settlement}"
            )
        period = period_containing(periods, settlement)
        if settlement == period.accrual_start:
            return Fraction(0)
        rate = self.period_rate(period)
        if rate is None:
            raise DomainError(ErrorCode.FIXING_UNAVAILABLE, f"{period.period_id} is not fixed")
        return rate * period_year_fraction(terms, period, settlement)


def _floating_rate(state: LifecycleState, margin_bps: int, period: CouponPeriod) -> Fraction | None:
    """The benchmark fixed for ``period`` + the margin; None until it is fixed."""
    benchmark = state.fixing_for(period.period_id)
    if benchmark is None:
        return None
    # A floating coupon never goes below zero (the holder never pays the issuer).
    return max(Fraction(0), exact(benchmark) + _margin(margin_bps))


@dataclass(frozen=True)
class TreasuryBill(DebtInstrumentBase):
    """A discount bill: issued below par, pays face value at maturity.

    ``tenor_days``: days from issue to maturity (84, 182, 364 ... a parameter).
    Day count Act/365, no coupons (``terms.frequency`` == 0).
    """

    terms: DebtTerms
    tenor_days: int
    state: LifecycleState = field(default_factory=LifecycleState)

    def __post_init__(self) -> None:
        if type(self.tenor_days) is not int or not 0 < self.tenor_days <= 3_660:
            raise _invalid("tenor must be an int number of days > 0")
        if self.terms.issue_date + timedelta(days=self.tenor_days) != self.terms.maturity_date:
            raise _invalid("maturity must be issue date + tenor")
        if self.terms.frequency != 0:
            raise _invalid("a bill pays no coupon: frequency must be 0")

    def period_rate(self, period: CouponPeriod) -> Fraction | None:
        """A bill has no periods: ``EVENT_NOT_APPLICABLE``."""
        raise DomainError(ErrorCode.EVENT_NOT_APPLICABLE, "a bill has no periodic payments")


@dataclass(frozen=True)
class FixedRateBond(DebtInstrumentBase):
    """A fixed-coupon bond (PIB).

    ``coupon_rate``: per annum, ``Decimal("0.07")`` for 7 %; ``Decimal(0)`` makes the
    zero-coupon variant, which still states a ``terms.frequency`` (2): the
    compounding frequency of its yield.
    """

    terms: DebtTerms
    coupon_rate: Decimal
    state: LifecycleState = field(default_factory=LifecycleState)

    def __post_init__(self) -> None:
        _require_terms_rate(self.coupon_rate, "coupon rate")
        if self.terms.frequency == 0:
            raise _invalid("a bond states its coupon (or compounding) frequency")

    @property
    def is_zero_coupon(self) -> bool:
        """True for the zero-coupon variant."""
        return self.coupon_rate == 0

    @property
    def pays_in_periods(self) -> bool:
        """False for the zero-coupon variant."""
        return not self.is_zero_coupon

    def period_rate(self, period: CouponPeriod) -> Fraction | None:
        """The coupon rate, whatever the period."""
        return exact(self.coupon_rate)


@dataclass(frozen=True)
class FloatingRateBond(DebtInstrumentBase):
    """A floating-rate PIB: coupon = benchmark + margin, reset each period.

    ``fixing_rule``: benchmark tenor (6-month bill for semi-annual resets, 3-month
    for quarterly) and fallback parameters.
    ``margin_bps``: spread over the benchmark, int basis points (``75`` = 0.75 %).
    """

    terms: DebtTerms
    fixing_rule: FixingRule
    margin_bps: int
    state: LifecycleState = field(default_factory=LifecycleState)

    def __post_init__(self) -> None:
        _require_margin(self.margin_bps)
        if self.terms.frequency == 0:
            raise _invalid("a floater resets at its coupon frequency")

    @property
    def benchmark_rule(self) -> FixingRule | None:
        """Its fixing rule: every period is fixed."""
        return self.fixing_rule

    def period_rate(self, period: CouponPeriod) -> Fraction | None:
        """The benchmark fixed for ``period`` + the margin (None until fixed)."""
        return _floating_rate(self.state, self.margin_bps, period)


class RentalKind(StrEnum):
    """How an Ijara sukuk's rental is set."""

    FIXED = "FIXED"
    VARIABLE = "VARIABLE"
    DISCOUNTED = "DISCOUNTED"
    """No periodic rental: issued at a discount, redeemed at par (1-year form)."""


@dataclass(frozen=True)
class IjaraSukuk(DebtInstrumentBase):
    """A government Ijara sukuk: rental on an identified asset, not interest.

    ``rental_kind``: FIXED (``rental_rate`` per annum, a fraction), VARIABLE
    (``fixing_rule`` + ``margin_bps``) or DISCOUNTED (no rental, ``terms.frequency``
    0, priced like a bill).
    ``underlying_asset``: description of the leased asset.
    ``shariah_approval``: the Shariah board's approval; required before issuance.
    ``islamic_eligible_only``: holders restricted to Islamic-eligible investors.
    """

    terms: DebtTerms
    rental_kind: RentalKind
    underlying_asset: str
    shariah_approval: DocumentRef | None
    islamic_eligible_only: bool = False
    rental_rate: Decimal | None = None
    fixing_rule: FixingRule | None = None
    margin_bps: int = 0
    state: LifecycleState = field(default_factory=LifecycleState)

    def __post_init__(self) -> None:
        kind = self.rental_kind
        if kind is RentalKind.FIXED:
            if self.rental_rate is None:
                raise _invalid("a fixed-rental sukuk needs a rental rate")
            _require_terms_rate(self.rental_rate, "rental rate")
        elif kind is RentalKind.VARIABLE:
            if self.fixing_rule is None:
                raise _invalid("a variable-rental sukuk needs a fixing rule")
            _require_margin(self.margin_bps)
        elif self.terms.frequency != 0:
            raise _invalid("a discounted sukuk pays no rental: frequency must be 0")
        if kind is not RentalKind.DISCOUNTED and self.terms.frequency == 0:
            raise _invalid("a rental sukuk states its rental frequency")

    @property
    def flow_kind(self) -> FlowKind:
        """Rentals on the leased asset, not interest."""
        return FlowKind.RENTAL

    @property
    def benchmark_rule(self) -> FixingRule | None:
        """The fixing rule of a variable rental; None for a fixed or discounted one."""
        return self.fixing_rule if self.rental_kind is RentalKind.VARIABLE else None

    def period_rate(self, period: CouponPeriod) -> Fraction | None:
        """A fixed rental's rate, else the benchmark fixed for ``period`` + the margin."""
        if self.rental_kind is RentalKind.FIXED:
            assert self.rental_rate is not None
            return exact(self.rental_rate)
        return _floating_rate(self.state, self.margin_bps, period)

    def check_issuable(self) -> None:
        """Raise unless the sukuk may be issued (asset described, Shariah approved)."""
        if not self.underlying_asset.strip():
            raise DomainError(ErrorCode.UNDERLYING_ASSET_REQUIRED, self.terms.instrument_id)
        if self.shariah_approval is None:
            raise DomainError(ErrorCode.SHARIAH_APPROVAL_REQUIRED, self.terms.instrument_id)


# -- commodity reserve ---------------------------------------------------------------


class WeightUnit(StrEnum):
    """Display units of commodity weight; the ledger always counts milligrams."""

    MILLIGRAM = "mg"
    GRAM = "g"
    TOLA = "tola"


_MG_PER_UNIT = {
    WeightUnit.MILLIGRAM: Decimal(1),
    WeightUnit.GRAM: Decimal(1000),
    WeightUnit.TOLA: TOLA_IN_MILLIGRAMS,
}


@in_domain_context
def to_milligrams(quantity: Decimal, unit: WeightUnit) -> int:
    """``quantity`` of ``unit`` in whole milligrams; exact or ``INVALID_AMOUNT``."""
    mg = require_decimal(quantity, "quantity") * _MG_PER_UNIT[unit]
    if mg != mg.to_integral_value():
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"{quantity} {unit} is not whole milligrams")
    return int(mg)


@in_domain_context
def from_milligrams(milligrams: int, unit: WeightUnit) -> Decimal:
    """``milligrams`` expressed in ``unit``. Exact for mg and grams; tola is a
    division by 11663.8 that rarely terminates, so it is given to 34 significant
    digits - for display only, the ledger keeps milligrams."""
    return Decimal(milligrams) / _MG_PER_UNIT[unit]


@in_domain_context
def _fine_weight(parts: int, scale: int) -> Decimal:
    return Decimal(parts) / scale


@dataclass(frozen=True)
class Bar:
    """One allocated bar in a vault.

    ``serial``: refiner serial number. ``weight_mg``: gross weight, int milligrams.
    ``fineness``: purity in parts per ``fineness_scale`` (1000 or 10000), e.g. 9990
    per 10000 for "999.0". ``vault_id``: the vault holding it.
    """

    serial: str
    weight_mg: int
    fineness: int
    fineness_scale: int
    vault_id: str

    def __post_init__(self) -> None:
        require_positive_amount(self.weight_mg, "bar weight")
        if self.fineness_scale not in (1000, 10000):
            raise _invalid("fineness scale must be 1000 or 10000")
        if type(self.fineness) is not int or not 0 < self.fineness <= self.fineness_scale:
            raise _invalid("fineness must be an int in (0, scale]")
        if not self.serial or not self.vault_id:
            raise _invalid("a bar needs a serial and a vault")

    @property
    def fine_weight_mg(self) -> Decimal:
        """Weight of pure metal, milligrams (exact: the scale is a power of ten)."""
        return _fine_weight(self.weight_mg * self.fineness, self.fineness_scale)


@dataclass(frozen=True)
class CommodityReserveToken:
    """Tokens that are claims on allocated bars; 1 token = 1 mg of bar gross weight.

    ``instrument_id``: ISIN-like id. ``commodity``: e.g. "XAU".
    ``min_denomination``: smallest holdable quantity in mg (1 gram = 1000).
    ``bars``: the allocated bars; total supply equals their total weight.
    ``attestations``: vault attestation documents.
    """

    instrument_id: str
    commodity: str
    min_denomination: int
    bars: tuple[Bar, ...]
    attestations: tuple[DocumentRef, ...] = ()

    def __post_init__(self) -> None:
        if not _INSTRUMENT_ID.fullmatch(self.instrument_id):
            raise _invalid(f"instrument id {self.instrument_id!r} is not ISIN-like")
        require_positive_amount(self.min_denomination, "minimum denomination")
        serials = [bar.serial for bar in self.bars]
        if len(set(serials)) != len(serials):
            raise _invalid("bar serials must be unique")

    def check_issuable(self) -> None:
        """Raise ``VAULT_ATTESTATION_REQUIRED`` unless a vault attests the bars."""
        if not self.attestations:
            raise DomainError(ErrorCode.VAULT_ATTESTATION_REQUIRED, self.instrument_id)

    @property
    def total_weight_mg(self) -> int:
        """Sum of the bars' gross weights: the supply the tokens may not exceed."""
        return sum(bar.weight_mg for bar in self.bars)

    def redemption_amount(self, serials: tuple[str, ...], holding_mg: int) -> int:
        """Tokens (mg) to burn to take delivery of the bars ``serials``.

        Redemption is in whole bars only: the amount is the bars' total weight and
        the holder must hold at least that much.
        """
        if not serials or len(set(serials)) != len(serials):
            raise DomainError(ErrorCode.NOT_WHOLE_BARS, "name each bar to redeem once")
        by_serial = {bar.serial: bar for bar in self.bars}
        unknown = [s for s in serials if s not in by_serial]
        if unknown:
            raise DomainError(ErrorCode.UNKNOWN_BAR, ", ".join(unknown))
        amount = sum(by_serial[s].weight_mg for s in serials)
        if holding_mg < amount:
            raise DomainError(ErrorCode.INSUFFICIENT_HOLDING, f"bars weigh {amount} mg")
        return amount

    def cash_flows(self, as_of: date, calendar: HolidayCalendar) -> tuple[CashFlow, ...]:
        """None: a commodity token is redeemed in bars on request."""
        return ()

    def accrued_per_unit(self, settlement: date, calendar: HolidayCalendar) -> Fraction:
        """Zero: a commodity token bears no interest."""
        return Fraction(0)

    def without_bars(self, serials: tuple[str, ...]) -> CommodityReserveToken:
        """The token after the bars ``serials`` left the reserve."""
        gone = set(serials)
        kept = tuple(bar for bar in self.bars if bar.serial not in gone)
        return CommodityReserveToken(
            self.instrument_id, self.commodity, self.min_denomination, kept, self.attestations
        )


@dataclass(frozen=True)
class CashToken:
    """Wholesale central-bank money: 1 token = 1 minor unit (1 paisa for PKR).

    ``issuer_id``: the only participant allowed to issue and withdraw it.
    """

    instrument_id: str
    currency: Currency
    issuer_id: str

    def check_issuer(self, actor_id: str) -> None:
        """Raise ``NOT_CASH_ISSUER`` unless ``actor_id`` is the central bank."""
        if actor_id != self.issuer_id:
            raise DomainError(ErrorCode.NOT_CASH_ISSUER, f"{actor_id} may not mint or burn")

    def cash_flows(self, as_of: date, calendar: HolidayCalendar) -> tuple[CashFlow, ...]:
        """None: a cash token is money itself."""
        return ()

    def accrued_per_unit(self, settlement: date, calendar: HolidayCalendar) -> Fraction:
        """Zero: a cash token bears no interest."""
        return Fraction(0)


DebtInstrument = TreasuryBill | FixedRateBond | FloatingRateBond | IjaraSukuk
Instrument = DebtInstrument | CommodityReserveToken | CashToken


# -- cash flows ----------------------------------------------------------------------


class FlowKind(StrEnum):
    """What a cash flow is; coupons and rentals are profit (taxable), redemption is not."""

    COUPON = "COUPON"
    RENTAL = "RENTAL"
    REDEMPTION = "REDEMPTION"


@dataclass(frozen=True)
class CashFlow:
    """One scheduled payment.

    ``period``: the accrual period (None for a redemption).
    ``amount_per_unit``: paid per minor unit of face held, exact ``Fraction``;
    ``None`` while a floating amount awaits its fixing.
    ``payment_date_provisional``: see :mod:`.schedule`.
    """

    kind: FlowKind
    payment_date: date
    period: CouponPeriod | None
    amount_per_unit: Fraction | None
    payment_date_provisional: bool = False

    @property
    def period_id(self) -> str:
        """The claim period: the period id, or "REDEMPTION"."""
        return self.period.period_id if self.period is not None else "REDEMPTION"


def _margin(bps: int) -> Fraction:
    return Fraction(bps, 10_000)


MAX_MARGIN_BPS = 10_000
"""A floating margin lies in -100 %..+100 % (int basis points)."""


def _require_margin(bps: object) -> int:
    if (
        isinstance(bps, bool)
        or type(bps) is not int
        or not -MAX_MARGIN_BPS <= bps <= MAX_MARGIN_BPS
    ):
        raise _invalid(f"margin must be an int number of basis points in +-{MAX_MARGIN_BPS}")
    return bps


def _require_terms_rate(value: object, field: str) -> Decimal:
    if require_decimal(value, field) < 0 or require_decimal(value, field) >= 1:
        raise _invalid(f"{field}: a rate is a fraction in [0, 1), e.g. 0.0725")
    return require_rate(value, field)


def period_year_fraction(terms: DebtTerms, period: CouponPeriod, end: date) -> Fraction:
    """Exact year fraction of ``period`` from its accrual start to ``end`` (the period
    end for the whole coupon) under the instrument's day count."""
    return year_fraction(
        terms.day_count,
        period.accrual_start,
        end,
        quasi=period.quasi_periods,
        frequency=terms.frequency,
    )


def cash_flows(
    instrument: Instrument, as_of: date, calendar: HolidayCalendar
) -> tuple[CashFlow, ...]:
    """Scheduled payments of any instrument still to come on ``as_of``
    (:meth:`DebtInstrumentBase.cash_flows`); commodity reserve and cash tokens have none.
    """
    return instrument.cash_flows(as_of, calendar)


def accrued_per_unit(
    instrument: Instrument, settlement: date, calendar: HolidayCalendar
) -> Fraction:
    """Accrued interest per minor unit of face of any instrument on ``settlement``
    (:meth:`DebtInstrumentBase.accrued_per_unit`); zero for commodity and cash tokens."""
    return instrument.accrued_per_unit(settlement, calendar)
