"""Pure rules of the contract layer that the domain does not (yet) own.

Owns: id and (bounded) date parsing, the business date record, governance validation
(calendars, withholding table, org roles), conversion of stored records to domain values
(instruments, investors, transfer controls), the checks on recorded market data, and
when a commodity holder may take delivery of bars. The instrument status machine is the
domain's (:mod:`sovereign_assets.domain.status`), and so are the coupon period a payment
date names, a floating period's fixing date and the days of market data its fixing may
read (:mod:`sovereign_assets.domain.instruments`, :mod:`sovereign_assets.domain.fixings`).
:class:`RuleError` carries a contract code (``INVALID_ARGUMENT``, ``UNAUTHORIZED``...) the
way :class:`DomainError` carries a domain code; :mod:`.base` turns both into
``ChaincodeError``.

Must not import: fabric_chaincode, grpc, protobuf; no clock, randomness, I/O.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from ledger_codec import plain_decimal
from sovereign_assets.domain import (
    Account,
    AccountTier,
    Bar,
    BillAuctionResult,
    BusinessDay,
    BusinessDayConvention,
    CommodityReserveToken,
    Currency,
    DayCount,
    DebtTerms,
    DocumentRef,
    DomainError,
    ErrorCode,
    FixedRateBond,
    FixingRule,
    FloatingRateBond,
    HolidayCalendar,
    IjaraSukuk,
    InstrumentControls,
    Investor,
    InvestorType,
    IssuanceProgramme,
    KycStatus,
    PkrvQuote,
    PriceBand,
    PublishedCalendar,
    RentalKind,
    Residency,
    TaxStatus,
    TreasuryBill,
    WithholdingTable,
    calendar_from_config,
    calendar_in_effect,
    require_date_in_range,
)
from sovereign_assets.domain.instruments import DebtInstrument, LifecycleState, accrued_per_unit
from sovereign_assets.domain.money import require_rate
from sovereign_assets.domain.tax import table_from_config
from sovereign_assets.schema.messages import (
    BillAuctionSpec,
    CalendarPublication,
    GovernanceConfig,
    InstrumentKind,
    InvestorSpec,
    PkrvQuoteSpec,
)
from sovereign_assets.schema.records import (
    AccountRecord,
    BillAuctionRecord,
    BusinessDayRecord,
    CalendarRecord,
    InstrumentRecord,
    InvestorRecord,
    PkrvRecord,
)

ORG_ROLES = ("issuer", "registrar", "exchange")
"""Organisation roles governance maps to MSP IDs; issuer and registrar are required."""

_ID = re.compile(r"[A-Z][A-Z0-9]*(?:[-._][A-Z0-9]+)*")
_ID_LENGTH = 64
_ID_DIGITS = 8
# Printable ASCII but "/" (the separator) and space: nothing a terminal or a log reader
# would interpret.
_CONTROLLER = re.compile(r"[\x21-\x2e\x30-\x7e]{1,128}/[\x21-\x2e\x30-\x7e]{1,128}")
_MAX_OFFSET_MINUTES = 14 * 60
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class RuleError(DomainError):
    """A request broke a contract-layer rule (a :class:`DomainError` raised by a contract).

    ``code`` is an :class:`ErrorCode` whose ``layers`` include ``Layer.CONTRACT``.
    """


def invalid(message: str) -> RuleError:
    """An ``INVALID_ARGUMENT`` error."""
    return RuleError(ErrorCode.INVALID_ARGUMENT, message)


# -- time and identifiers ------------------------------------------------------------


def to_business_day(record: BusinessDayRecord | None) -> BusinessDay | None:
    """The domain's view of the stored business date."""
    if record is None:
        return None
    return BusinessDay(date.fromisoformat(record.business_date), record.open)


def business_day_record(day: BusinessDay) -> BusinessDayRecord:
    """The stored form of a business date."""
    return BusinessDayRecord(day.business_date.isoformat(), day.open)


ID_FORM = (
    "an opaque reference: 1-64 characters, upper-case letters and digits in parts joined"
    " by '-', '.' or '_', starting with a letter, at most 8 digits in all"
)
"""The stated form of every id the contracts accept (accounts, investors, instructions,
instruments, governance accounts)."""


def require_id(value: str, field: str) -> str:
    """An id in the stated form :data:`ID_FORM`, else INVALID_ARGUMENT.

    Ids are public (keys, events, every member's ledger), so they must never carry
    personal data: a national identity number (a CNIC has 13 digits, ``42101-3456789-2``),
    a phone number (11) or a bank account number cannot be written in this form, and with
    upper case only two ids never differ by case alone. Never a key separator (``/``,
    U+0000), a space, a newline or a control character, so every key layout stays
    unambiguous and ids are safe to log.
    """
    if not is_id(value):
        raise invalid(f"{field}: expected {ID_FORM}")
    return value


def is_id(value: str) -> bool:
    """Whether ``value`` is an id in the form :func:`require_id` accepts (what a read
    planned ahead checks, so that a bad id is still refused where the rules read it)."""
    return (
        len(value) <= _ID_LENGTH
        and _ID.fullmatch(value) is not None
        and sum(c.isdigit() for c in value) <= _ID_DIGITS
    )


def require_controller(value: str) -> str:
    """A controller is "<MSP ID>/<enrollment id>"."""
    if not _CONTROLLER.fullmatch(value):
        raise invalid("controller: expected '<MSP ID>/<enrollment id>'")
    return value


def parse_date(text: str | None, field: str) -> date:
    """An ISO ``YYYY-MM-DD`` date inside the register's range (``INVALID_DATE_RANGE``
    outside ``DATE_MIN..DATE_MAX``), so no date arithmetic downstream overflows."""
    if text is None:
        raise invalid(f"{field}: a date is required")
    if not _ISO_DATE.match(text):
        raise invalid(f"{field}: expected an ISO date YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise invalid(f"{field}: expected an ISO date YYYY-MM-DD") from None
    return require_date_in_range(day, field)


MAX_BATCH_SIZE = 1_000
"""The most holders one payment batch pays: keeps every batch transaction bounded."""


def require_batch_size(value: int) -> int:
    """A batch size in ``1..MAX_BATCH_SIZE`` or ``INVALID_AMOUNT``."""
    if not 0 < value <= MAX_BATCH_SIZE:
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"batch_size: must lie in 1..{MAX_BATCH_SIZE}")
    return value


# -- governance ------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketConfig:
    """Governance turned into domain values."""

    calendars: dict[str, HolidayCalendar]
    tax_table: WithholdingTable
    currency: Currency
    programme: IssuanceProgramme | None = None


def validate_governance(config: GovernanceConfig) -> MarketConfig:
    """Check a governance configuration; return its domain values."""
    unknown = sorted(set(config.org_roles) - set(ORG_ROLES))
    if unknown:
        raise invalid(f"org_roles: unknown role(s) {unknown}")
    for role in ("issuer", "registrar"):
        if not config.org_roles.get(role):
            raise invalid(f"org_roles: {role} needs at least one MSP ID")
    for msps in config.org_roles.values():
        if any(not msp or "/" in msp for msp in msps):
            raise invalid("org_roles: MSP IDs must be non-empty and contain no '/'")
    # Changes need the treasury and the central bank: one org holding both roles would
    # agree with itself.
    both = set(config.org_roles["issuer"]) & set(config.org_roles["registrar"])
    if both:
        raise invalid(f"org_roles: {sorted(both)} may not be both issuer and registrar")
    require_id(config.treasury_cash_account, "treasury_cash_account")
    require_id(config.tax_authority_cash_account, "tax_authority_cash_account")
    if config.treasury_cash_account == config.tax_authority_cash_account:
        raise invalid("treasury and tax authority need different cash accounts")
    if abs(config.utc_offset_minutes) > _MAX_OFFSET_MINUTES:
        raise invalid("utc_offset_minutes: must lie within +-14 hours")
    calendars: dict[str, HolidayCalendar] = {}
    for item in config.calendars:
        calendar = calendar_from_config(
            {
                "id": item.id,
                "weekend": list(item.weekend),
                "holidays": list(item.holidays),
                "covers_from": item.covers_from,
                "covers_to": item.covers_to,
            }
        )
        if calendar.calendar_id in calendars:
            raise invalid(f"calendars: {item.id} given twice")
        calendars[calendar.calendar_id] = calendar
    table = table_from_config(
        [
            {
                "status": row.status,
                "rate": plain_decimal(row.rate),
                "effective_from": row.effective_from,
            }
            for row in config.withholding_tax
        ]
    )
    programme = None
    if config.issuance_programme is not None:
        given = config.issuance_programme
        require_id(given.programme_id, "issuance_programme.programme_id")
        programme = IssuanceProgramme(
            given.programme_id,
            given.cap,
            given.reference_currency,
            given.reference_amount,
            given.exchange_rate,
            given.rate_source,
            parse_date(given.rate_date, "issuance_programme.rate_date"),
        )
    return MarketConfig(
        calendars, table, Currency(config.currency, config.currency_exponent), programme
    )


def published_calendar(publication: CalendarPublication) -> PublishedCalendar:
    """A publication as the domain's versioned calendar; ``INVALID_TERMS`` for a bad
    calendar or source document, ``INVALID_ARGUMENT`` for a bad date or id."""
    require_id(publication.calendar_id, "calendar_id")
    effective = parse_date(publication.effective_from, "effective_from")
    source = publication.source
    DocumentRef(source.name, source.uri, source.sha256)  # the source must be named and hashed
    calendar = calendar_from_config(
        {
            "id": publication.calendar_id,
            "weekend": list(publication.weekend),
            "holidays": list(publication.holidays),
            "covers_from": publication.covers_from,
            "covers_to": publication.covers_to,
        }
    )
    return PublishedCalendar(effective, calendar)


def calendars_in_force(
    records: Sequence[CalendarRecord], as_of: date | None
) -> list[CalendarRecord]:
    """The versions of ``records`` date rules may still read from business date ``as_of``
    on (every one when None): per calendar, the latest version effective on or before
    ``as_of`` and every later one, by calendar then effective date."""
    by_calendar: dict[str, list[tuple[date, CalendarRecord]]] = {}
    for record in records:
        given = record.publication
        effective = parse_date(given.effective_from, "effective_from")
        by_calendar.setdefault(given.calendar_id, []).append((effective, record))
    kept: list[CalendarRecord] = []
    for calendar_id in sorted(by_calendar):
        ordered = sorted(by_calendar[calendar_id], key=lambda item: item[0])
        first = 0
        if as_of is not None:
            for index, (effective, _) in enumerate(ordered):
                if effective <= as_of:
                    first = index
        kept.extend(record for _, record in ordered[first:])
    return kept


def with_published_calendars(
    market: MarketConfig, records: Sequence[CalendarRecord], as_of: date | None
) -> MarketConfig:
    """``market`` with each published calendar's version in effect on ``as_of`` in place
    of governance's calendar of that id (the central bank's publication is the source
    every date rule reads)."""
    versions: dict[str, list[PublishedCalendar]] = {}
    for record in records:
        version = published_calendar(record.publication)
        versions.setdefault(version.calendar.calendar_id, []).append(version)
    calendars = dict(market.calendars)
    for calendar_id, found in versions.items():
        current = calendar_in_effect(found, as_of)
        if current is not None:
            calendars[calendar_id] = current
    return dataclasses.replace(market, calendars=calendars)


def governance_accounts(config: GovernanceConfig) -> list[tuple[str, AccountTier]]:
    """The cash accounts governance names and the tier each must have."""
    return [
        (config.treasury_cash_account, AccountTier.TREASURY),
        (config.tax_authority_cash_account, AccountTier.TAX_AUTHORITY),
    ]


def require_governance_account(
    config: GovernanceConfig, account_id: str, tier: AccountTier, found: AccountRecord | None
) -> None:
    """A cash account governance names must exist with its tier (``UNKNOWN_ACCOUNT``,
    ``INVALID_ACCOUNT``); the treasury's must be controlled by an issuer organisation,
    so no investor's or dealer's account can be made to pay coupons or receive tax."""
    if found is None:
        raise DomainError(ErrorCode.UNKNOWN_ACCOUNT, account_id)
    if found.tier is not tier:
        raise DomainError(ErrorCode.INVALID_ACCOUNT, f"{account_id} is not a {tier.value} account")
    if tier is AccountTier.TREASURY:
        msp = found.controller.split("/", 1)[0]
        if msp not in config.org_roles.get("issuer", ()):
            raise DomainError(ErrorCode.INVALID_ACCOUNT, f"{account_id}: not the issuer's")


def calendar_for(market: MarketConfig, calendar_id: str) -> HolidayCalendar:
    """The governance calendar ``calendar_id`` or ``UNKNOWN_CALENDAR``."""
    try:
        return market.calendars[calendar_id]
    except KeyError:
        raise DomainError(ErrorCode.UNKNOWN_CALENDAR, calendar_id) from None


# -- investors -------------------------------------------------------------------------


_E = TypeVar("_E", bound=StrEnum)


def enum_value(kind: type[_E], value: str, field: str) -> _E:
    """``value`` as a member of ``kind``, or ``INVALID_ARGUMENT`` naming the choices."""
    try:
        return kind(value)
    except ValueError:
        raise invalid(f"{field}: expected one of {[m.value for m in kind]}") from None


def validate_investor(spec: InvestorSpec) -> None:
    """Reject unknown enumeration values of a registry entry."""
    require_id(spec.investor_id, "investor_id")
    enum_value(KycStatus, spec.kyc, "kyc")
    enum_value(Residency, spec.residency, "residency")
    enum_value(InvestorType, spec.investor_type, "investor_type")
    enum_value(TaxStatus, spec.tax_status, "tax_status")
    if spec.kyc_expires_on is not None:
        parse_date(spec.kyc_expires_on, "kyc_expires_on")


def parse_kyc(value: str) -> KycStatus:
    """A KYC status or ``INVALID_ARGUMENT``."""
    return enum_value(KycStatus, value, "kyc")


def to_investor(record: InvestorRecord) -> Investor:
    """The domain's view of a registry entry."""
    return Investor(
        record.investor_id,
        KycStatus(record.kyc),
        Residency(record.residency),
        InvestorType(record.investor_type),
        TaxStatus(record.tax_status),
        islamic_only=record.islamic_only,
        islamic_eligible=record.islamic_eligible,
        kyc_expires_on=(
            None if record.kyc_expires_on is None else date.fromisoformat(record.kyc_expires_on)
        ),
    )


# -- instruments -----------------------------------------------------------------------


def _terms(record: InstrumentRecord, currency: Currency) -> DebtTerms:
    spec = record.spec
    try:
        day_count = DayCount(spec.day_count or "")
        convention = BusinessDayConvention(spec.payment_convention)
    except ValueError:
        raise invalid("day_count or payment_convention is not a known convention") from None
    return DebtTerms(
        spec.instrument_id,
        currency,
        spec.min_denomination,
        day_count,
        spec.frequency,
        spec.calendar_id or "",
        parse_date(spec.issue_date, "issue_date"),
        parse_date(spec.maturity_date, "maturity_date"),
        convention,
        end_of_month=spec.end_of_month,
        first_coupon_date=_optional_date(spec.first_coupon_date, "first_coupon_date"),
        penultimate_coupon_date=_optional_date(
            spec.penultimate_coupon_date, "penultimate_coupon_date"
        ),
    )


def _optional_date(value: str | None, field: str) -> date | None:
    return None if value is None else parse_date(value, field)


def _fixing_rule(record: InstrumentRecord) -> FixingRule:
    tenor = record.spec.benchmark_tenor_days
    if tenor is None:
        raise DomainError(ErrorCode.INVALID_TERMS, "benchmark_tenor_days is required")
    return FixingRule(tenor)


def to_instrument(
    record: InstrumentRecord, currency: Currency
) -> DebtInstrument | CommodityReserveToken:
    """The domain instrument a record describes, at its stored lifecycle state.

    Raises the domain's ``INVALID_TERMS`` (and friends) for inconsistent terms, so
    ``instrument:Create`` validates by building it.
    """
    spec = record.spec
    if spec.kind is InstrumentKind.COMMODITY_RESERVE:
        if spec.end_of_month or spec.first_coupon_date or spec.penultimate_coupon_date:
            raise DomainError(ErrorCode.INVALID_SCHEDULE, "a commodity token has no coupons")
        if not spec.commodity:
            raise DomainError(ErrorCode.INVALID_TERMS, "a commodity token names its commodity")
        bars = tuple(
            Bar(b.serial, b.weight_mg, b.fineness, b.fineness_scale, b.vault_id) for b in spec.bars
        )
        return CommodityReserveToken(
            spec.instrument_id,
            spec.commodity,
            spec.min_denomination,
            bars,
        )
    terms = _terms(record, currency)
    state = LifecycleState(
        record.lifecycle_version,
        record.periods_paid,
        record.matured,
        tuple(sorted(record.fixings.items())),
    )
    if spec.kind is InstrumentKind.TREASURY_BILL:
        if spec.tenor_days is None:
            raise DomainError(ErrorCode.INVALID_TERMS, "a bill states its tenor_days")
        return TreasuryBill(terms, spec.tenor_days, state)
    if spec.kind is InstrumentKind.FIXED_RATE_BOND:
        if spec.coupon_rate is None:
            raise DomainError(ErrorCode.INVALID_TERMS, "a fixed-rate bond states its coupon_rate")
        return FixedRateBond(terms, spec.coupon_rate, state)
    if spec.kind is InstrumentKind.FLOATING_RATE_BOND:
        return FloatingRateBond(terms, _fixing_rule(record), spec.margin_bps, state)
    try:
        rental_kind = RentalKind(spec.rental_kind or "")
    except ValueError:
        raise invalid("rental_kind: expected FIXED, VARIABLE or DISCOUNTED") from None
    return IjaraSukuk(
        terms,
        rental_kind,
        spec.underlying_asset,
        None,  # the certificate is a registry document: see ``documents.with_documents``
        islamic_eligible_only=spec.islamic_eligible_only,
        rental_rate=spec.rental_rate,
        fixing_rule=_fixing_rule(record) if rental_kind is RentalKind.VARIABLE else None,
        margin_bps=spec.margin_bps,
        state=state,
    )


def to_debt_instrument(record: InstrumentRecord, currency: Currency) -> DebtInstrument:
    """:func:`to_instrument` of a bill, bond or sukuk: the lifecycle's instruments. A
    commodity token has no coupons and no maturity (it is redeemed in whole bars,
    ``lifecycle:RedeemBars``): ``EVENT_NOT_APPLICABLE``."""
    instrument = to_instrument(record, currency)
    if isinstance(instrument, CommodityReserveToken):
        raise DomainError(
            ErrorCode.EVENT_NOT_APPLICABLE, "commodity tokens redeem in whole bars: RedeemBars"
        )
    return instrument


def price_band(record: InstrumentRecord) -> PriceBand:
    """The instrument's configured price band (``PRICE_OUT_OF_RANGE`` if malformed)."""
    return PriceBand(record.spec.price_band_floor, record.spec.price_band_cap)


def instrument_controls(
    record: InstrumentRecord, holdings_fixed: date | None = None
) -> InstrumentControls:
    """What :func:`sovereign_assets.domain.holding_entry_refusals` needs about an
    instrument; ``holdings_fixed`` from :func:`holdings_fixed_from`."""
    spec = record.spec
    shariah = spec.kind in (InstrumentKind.IJARA_SUKUK, InstrumentKind.COMMODITY_RESERVE)
    return InstrumentControls(
        spec.instrument_id,
        spec.min_denomination,
        parse_date(spec.maturity_date, "maturity_date") if spec.maturity_date else None,
        shariah_compliant=shariah,
        islamic_eligible_only=spec.islamic_eligible_only,
        holding_limit=spec.holding_limit,
        non_residents_allowed=spec.non_residents_allowed,
        non_resident_limit=spec.non_resident_limit,
        lockup_until=parse_date(spec.lockup_until, "lockup_until") if spec.lockup_until else None,
        holdings_fixed_from=holdings_fixed,
    )


_RATIO = re.compile(r"(0|[1-9][0-9]{0,80})/([1-9][0-9]{0,80})")


def ratio_text(value: Fraction) -> str:
    """An exact amount per unit as stored in a payment run: ``"numerator/denominator"``."""
    return f"{value.numerator}/{value.denominator}"


def effect_amount(amount_exact: str | None, amount_per_unit: Decimal) -> Fraction:
    """The exact amount per unit a payment run pays from: ``amount_exact`` when the
    run recorded it, else (a run recorded before it existed) ``amount_per_unit``."""
    if amount_exact is None:
        return Fraction(amount_per_unit)
    match = _RATIO.fullmatch(amount_exact)
    if match is None:
        raise invalid(f"amount_exact: {amount_exact!r} is not numerator/denominator")
    return Fraction(int(match.group(1)), int(match.group(2)))


def to_account(record: AccountRecord) -> Account:
    """The domain's view of an account."""
    return Account(
        record.account_id,
        record.tier,
        record.owner_id,
        record.custodian_id,
        record.parent_account_id,
    )


# -- ledger-held market data for floating-rate fixings ----------------------------------


def require_not_after(day: date, today: date, field: str) -> date:
    """Market data is recorded after it is published: a date after the business date
    is ``INVALID_ARGUMENT``."""
    if day > today:
        raise invalid(f"{field}: {day.isoformat()} is after the business date")
    return day


def _require_rate(value: Decimal, field: str) -> Decimal:
    try:
        return require_rate(value, field)
    except DomainError as exc:
        raise invalid(exc.message) from None


def _require_tenor(tenor_days: int) -> int:
    if tenor_days <= 0:
        raise invalid("tenor_days: must be > 0")
    return tenor_days


def bill_auction_record(spec: BillAuctionSpec, today: date) -> BillAuctionRecord:
    """The record of a published auction result, checked: a yield exactly when some
    bids were accepted, a rate in [0, 1), a date not after ``today``."""
    _require_tenor(spec.tenor_days)
    held = require_not_after(parse_date(spec.auction_date, "auction_date"), today, "auction_date")
    if spec.all_bids_rejected != (spec.weighted_average_yield is None):
        raise invalid("weighted_average_yield: required unless all bids were rejected, then null")
    if spec.weighted_average_yield is not None:
        _require_rate(spec.weighted_average_yield, "weighted_average_yield")
    return BillAuctionRecord(
        spec.tenor_days,
        held.isoformat(),
        spec.weighted_average_yield,
        spec.all_bids_rejected,
        today.isoformat(),
    )


def pkrv_record(spec: PkrvQuoteSpec, today: date) -> PkrvRecord:
    """The record of a published PKRV rate, checked like :func:`bill_auction_record`."""
    _require_tenor(spec.tenor_days)
    quoted = require_not_after(parse_date(spec.quote_date, "quote_date"), today, "quote_date")
    _require_rate(spec.rate, "rate")
    return PkrvRecord(spec.tenor_days, quoted.isoformat(), spec.rate, today.isoformat())


def to_auction_result(record: BillAuctionRecord) -> BillAuctionResult:
    """The domain's view of a recorded auction (no yield when all bids were rejected)."""
    return BillAuctionResult(
        date.fromisoformat(record.auction_date), record.tenor_days, record.weighted_average_yield
    )


def to_pkrv_quote(record: PkrvRecord) -> PkrvQuote:
    """The domain's view of a recorded PKRV rate."""
    return PkrvQuote(date.fromisoformat(record.quote_date), record.tenor_days, record.rate)


# -- commodity bars ------------------------------------------------------------------------


def require_bars_deliverable(record: InstrumentRecord, account: AccountRecord) -> None:
    """Bars leave the reserve only while nothing is stopped: not from a paused instrument
    (``INSTRUMENT_PAUSED``), not to a frozen account (``ACCOUNT_FROZEN``); the kill
    switch stops every transaction before it gets here."""
    if record.paused:
        raise DomainError(ErrorCode.INSTRUMENT_PAUSED, record.spec.instrument_id)
    if account.frozen:
        raise DomainError(ErrorCode.ACCOUNT_FROZEN, account.account_id)


def require_not_released(released: list[str]) -> None:
    """A bar is delivered once: naming a released bar is ``BAR_ALREADY_RELEASED``
    (allocated -> released happens once)."""
    if released:
        raise DomainError(
            ErrorCode.BAR_ALREADY_RELEASED, f"bar(s) already released: {', '.join(released)}"
        )


def accrued_on(market: MarketConfig, record: InstrumentRecord, settlement: date) -> Fraction:
    """Accrued interest (or rental) per minor unit of face of ``record`` on
    ``settlement``, exact (:func:`sovereign_assets.domain.instruments.accrued_per_unit`):
    what every settlement amount adds to the clean consideration."""
    instrument = to_instrument(record, market.currency)
    if isinstance(instrument, CommodityReserveToken):
        return Fraction(0)
    calendar = calendar_for(market, instrument.terms.calendar_id)
    return accrued_per_unit(instrument, settlement, calendar)
