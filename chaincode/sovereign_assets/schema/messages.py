"""Transaction arguments: the JSON shapes clients send, as frozen dataclasses.

Owns the request types the runtime parses transaction arguments into
(:class:`GovernanceConfig`, :class:`AccountSpec`, :class:`InvestorSpec`,
:class:`InstrumentSpec`, :class:`Allotment`, :class:`InstructionSpec`, the market data
:class:`BillAuctionSpec` and :class:`PkrvQuoteSpec`, and their parts) and the results
transactions return (:class:`BatchResult`, :class:`BarStatus`, :class:`BarRedemption`,
:class:`FixingResolution` ...).
Field types are what JSON carries: dates are ISO ``YYYY-MM-DD`` strings, rates and prices
``Decimal`` written as strings ("0.07", "98.7031"), amounts ``int`` minor units. Turning
them into domain values (and rejecting bad ones) is :mod:`sovereign_assets.contracts.rules`.

Must not import: fabric_chaincode, grpc, protobuf (pure data, shared with the SDK); only
the domain's value types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sovereign_assets.domain import AccountTier


@dataclass(frozen=True)
class CalendarConfig:
    """A business-day calendar: ``id``, ``weekend`` ("SAT", "SUN" ...), ``holidays`` and
    the inclusive coverage ``covers_from``..``covers_to`` (ISO dates)."""

    id: str
    weekend: list[str]
    holidays: list[str]
    covers_from: str
    covers_to: str


@dataclass(frozen=True)
class TaxRateRow:
    """One row of the withholding table: ``status`` (FILER, NON_FILER,
    NON_RESIDENT_SCRA, EXEMPT), ``rate`` (fraction, "0.15") from ``effective_from``."""

    status: str
    rate: Decimal
    effective_from: str


@dataclass(frozen=True)
class IssuanceProgrammeConfig:
    """An issuance programme's cap on total issued face: ``cap`` in minor units of the
    cash currency, stated with what it was derived from - ``reference_amount`` (minor
    units of ``reference_currency``, e.g. USD cents), ``exchange_rate`` (cash currency
    per reference unit) and where that rate was published (``rate_source``, for
    ``rate_date``). The ledger checks ``cap == floor(reference_amount x exchange_rate)``
    and refuses any issuance past it (``OVER_PROGRAMME_LIMIT``)."""

    programme_id: str
    cap: int
    reference_currency: str
    reference_amount: int
    exchange_rate: Decimal
    rate_source: str
    rate_date: str


@dataclass(frozen=True)
class GovernanceConfig:
    """The network's ledger-held configuration.

    ``org_roles``: org role ("issuer", "registrar", "exchange") -> MSP IDs holding it.
    ``treasury_cash_account`` / ``tax_authority_cash_account``: account ids that pay
    coupons and redemptions, and receive withheld tax.
    ``utc_offset_minutes``: the market's time zone (+300 for Pakistan Standard Time),
    for clients that show local times; no rule reads a clock - the business date is
    ledger state the central bank opens (``governance:OpenBusinessDate``).
    ``calendars``: holiday calendars instruments may name.
    ``withholding_tax``: the rate table with effective dates.
    ``currency`` / ``currency_exponent``: the cash token's currency (PKR, 2).
    ``global_pause``: the kill switch; while on, every state change is refused but its
    release. Only ``control:Halt`` and ``control:Release`` change it (both controller
    organisations endorse; a governance change may not alter it).
    ``issuance_programme``: the pilot's cap on total issued face, or None.
    """

    org_roles: dict[str, list[str]]
    treasury_cash_account: str
    tax_authority_cash_account: str
    utc_offset_minutes: int
    calendars: list[CalendarConfig]
    withholding_tax: list[TaxRateRow]
    currency: str = "PKR"
    currency_exponent: int = 2
    global_pause: bool = False
    issuance_programme: IssuanceProgrammeConfig | None = None


@dataclass(frozen=True)
class AccountSpec:
    """An account to open.

    ``controller``: who may instruct on it, "<MSP ID>/<enrollment id>".
    ``owner_id``: legal owner (an investor id for DEALER and INVESTOR accounts).
    ``parent_account_id``: the bank's DEALER account, for INVESTOR sub-accounts only.
    """

    account_id: str
    tier: AccountTier
    owner_id: str
    controller: str
    parent_account_id: str | None = None


@dataclass(frozen=True)
class InvestorSpec:
    """A registry entry; personal data travels separately in transient key ``pii``.

    ``kyc``: PENDING, VERIFIED, EXPIRED, REJECTED. ``residency``: RESIDENT,
    NON_RESIDENT, OVERSEAS_NATIONAL. ``investor_type``: INDIVIDUAL, INSTITUTION, BANK,
    PRIMARY_DEALER, DFI, INVESTMENT_BANK. ``tax_status``: see :class:`TaxRateRow`.
    ``kyc_expires_on``: ISO business date from which the verification no longer holds
    (None: no end date); from then on every way into a holding refuses the investor
    with ``NOT_KYC_VERIFIED``.
    """

    investor_id: str
    kyc: str
    residency: str
    investor_type: str
    tax_status: str
    islamic_only: bool = False
    islamic_eligible: bool = False
    kyc_expires_on: str | None = None


@dataclass(frozen=True)
class PersonalDataReceipt:
    """What ``investor:RecordPersonalData`` kept: where, and the SHA-256 (hex) of the salted
    record (the value ``investor:Register`` will put in the public record)."""

    investor_id: str
    collection: str
    pii_sha256: str


@dataclass(frozen=True)
class PersonalDataStatus:
    """Whether the caller's organisation's peer holds an investor's personal data:
    ``collection`` (the caller's ``pii_<MSP>``), ``held`` (the private record is in it),
    ``held_sha256`` (SHA-256 hex of the record held, None when not held) and
    ``pii_sha256`` (the public fingerprint the registry keeps - it stays after a purge)."""

    investor_id: str
    collection: str
    held: bool
    held_sha256: str | None
    pii_sha256: str | None


@dataclass(frozen=True)
class PurgeReceipt:
    """What ``investor:PurgePersonalData`` did: the record purged from ``collection``
    for ``reason`` (a :class:`~.privacy.PurgeReason`); ``pii_sha256`` is the public
    fingerprint that stays on the ledger."""

    investor_id: str
    collection: str
    reason: str
    pii_sha256: str | None


class InstrumentKind(StrEnum):
    """Instrument kinds ``instrument:Create`` accepts."""

    TREASURY_BILL = "TREASURY_BILL"
    FIXED_RATE_BOND = "FIXED_RATE_BOND"
    FLOATING_RATE_BOND = "FLOATING_RATE_BOND"
    IJARA_SUKUK = "IJARA_SUKUK"
    COMMODITY_RESERVE = "COMMODITY_RESERVE"


@dataclass(frozen=True)
class DocumentSpec:
    """A document held off-ledger: name, URI and lowercase hex SHA-256."""

    name: str
    uri: str
    sha256: str


@dataclass(frozen=True)
class DocumentRegistration:
    """A document to register: held off-ledger, fixed on the ledger by its hash.

    ``document_id``: the registry's id. ``kind``: PROSPECTUS, SHARIAH_CERTIFICATE,
    VAULT_ATTESTATION, COURT_ORDER. ``name``: its title (no personal data: a court order
    is named by its case number). ``uri``: where the bytes are (``scheme:...``).
    ``sha256``: lowercase hex SHA-256 of the bytes. ``instrument_id``: attach it to this
    instrument at once (None: attach later, or evidence for a controller action).
    """

    document_id: str
    kind: str
    name: str
    uri: str
    sha256: str
    instrument_id: str | None = None


@dataclass(frozen=True)
class ControlOrder:
    """Why a controller acts: ``reason`` (a ``ControlReason``: COURT_ORDER,
    REGULATORY_DIRECTION, SANCTIONS, SUSPECTED_FRAUD, OPERATIONAL_INCIDENT, LOST_KEY,
    CORPORATE_ACTION, RELEASE) and the registered ``document_id`` that grounds it (a court
    order in force for COURT_ORDER; optional otherwise)."""

    reason: str
    document_id: str | None = None


@dataclass(frozen=True)
class ForcedTransferSpec:
    """A court-ordered move of ``amount`` (minor units of face, or mg) of
    ``instrument_id`` from ``from_account`` to ``to_account``; ``order`` must give the
    COURT_ORDER reason and the court order's document id."""

    instrument_id: str
    from_account: str
    to_account: str
    amount: int
    order: ControlOrder


@dataclass(frozen=True)
class RecoverySpec:
    """A lost-key recovery: every holding and all cash of ``lost_account`` move to
    ``replacement_account`` (same legal owner, another controller); ``lost_account``
    is frozen and its controller's identity barred. ``order``: reason LOST_KEY."""

    lost_account: str
    replacement_account: str
    order: ControlOrder


@dataclass(frozen=True)
class CalendarPublication:
    """A business-day calendar the central bank publishes (``calendar:Publish``):
    ``calendar_id`` (what instruments name), ``effective_from`` (ISO: the first business
    date whose date rules read this version), ``weekend`` ("SAT", "SUN" ...),
    ``holidays`` (ISO dates) complete for ``covers_from``..``covers_to``, and ``source``:
    the document the dates come from (e.g. the State Bank's holiday circular or the
    Cabinet Division's notification) with its SHA-256."""

    calendar_id: str
    effective_from: str
    weekend: list[str]
    holidays: list[str]
    covers_from: str
    covers_to: str
    source: DocumentSpec


@dataclass(frozen=True)
class BarSpec:
    """An allocated bar: serial, gross weight (mg), fineness per ``fineness_scale``, vault."""

    serial: str
    weight_mg: int
    fineness: int
    fineness_scale: int
    vault_id: str


@dataclass(frozen=True)
class InstrumentSpec:
    """Terms of a new instrument. Which fields apply depends on ``kind``.

    Debt instruments: ``issue_date``, ``maturity_date``, ``day_count`` ("ACT/365F",
    "ACT/ACT-ICMA" ...), ``frequency`` (0 for discount instruments), ``calendar_id``
    (a governance calendar), ``payment_convention``.
    Coupon dates (optional, coupon-paying instruments only; all default to the regular
    roll back from maturity): ``end_of_month`` (coupon dates are month ends; default
    false - the coupon day of the month is kept, as PIBs do), ``first_coupon_date``
    (an explicitly dated short or long first period; a regular date of the roll),
    ``penultimate_coupon_date`` (an irregular last period from it to maturity).
    Bills: ``tenor_days``. Fixed bonds: ``coupon_rate`` ("0.07"; "0" = zero coupon).
    Floaters and variable-rental sukuk: ``benchmark_tenor_days``, ``margin_bps``.
    Sukuk: ``rental_kind`` (FIXED, VARIABLE, DISCOUNTED), ``rental_rate``,
    ``underlying_asset``, ``islamic_eligible_only``; its Shariah certificate is a document
    of the registry (``document:Register``), attached to the instrument.
    Commodity tokens: ``commodity``, ``bars``; the vault attestation is a registry document.
    Transfer controls: ``holding_limit`` (per investor, across all its accounts),
    ``non_residents_allowed``, ``non_resident_limit`` (face all non-resident owners
    may hold together, minor units; the ledger keeps that total exactly), ``lockup_until``.
    Price band: ``price_band_floor`` .. ``price_band_cap`` (prices per 100, 4 decimals):
    a trade priced outside it settles only with both counterparties' affirmation.
    ``min_denomination``: minor units of face (mg for commodities).
    """

    instrument_id: str
    kind: InstrumentKind
    min_denomination: int
    issue_date: str | None = None
    maturity_date: str | None = None
    day_count: str | None = None
    frequency: int = 0
    calendar_id: str | None = None
    payment_convention: str = "FOLLOWING"
    end_of_month: bool = False
    first_coupon_date: str | None = None
    penultimate_coupon_date: str | None = None
    tenor_days: int | None = None
    coupon_rate: Decimal | None = None
    benchmark_tenor_days: int | None = None
    margin_bps: int = 0
    rental_kind: str | None = None
    rental_rate: Decimal | None = None
    underlying_asset: str = ""
    islamic_eligible_only: bool = False
    commodity: str | None = None
    bars: list[BarSpec] = field(default_factory=list)
    holding_limit: int | None = None
    non_residents_allowed: bool = True
    lockup_until: str | None = None
    non_resident_limit: int | None = None
    price_band_floor: Decimal = Decimal("50")
    price_band_cap: Decimal = Decimal("150")


@dataclass(frozen=True)
class Allotment:
    """``amount`` (minor units of face) of a new issue for ``account_id``, paid for in
    cash as it is issued at ``price_per_100`` (clean, 4 decimals): face x price / 100 +
    accrued interest, rounded once, to the treasury's cash account. Required for a bill,
    bond or sukuk (``PRICE_REQUIRED`` without it); a commodity token, minted against bars
    already in the reserve, takes none."""

    account_id: str
    amount: int
    price_per_100: Decimal | None = None


@dataclass(frozen=True)
class InstructionSpec:
    """A DvP trade: ``quantity`` of face from seller to buyer at ``price_per_100``
    (clean price quoted to 4 decimals, as a string), settling on ``settlement_date``."""

    instruction_id: str
    instrument_id: str
    seller_account: str
    buyer_account: str
    quantity: int
    price_per_100: Decimal
    settlement_date: str


@dataclass(frozen=True)
class AuctionOffering:
    """One tenor of an auction: ``instrument_id`` (an APPROVED new issue or an ISSUED
    instrument re-opened), ``target`` (face, minor units) and ``non_competitive_limit``
    (face accepted non-competitively at most; None = no limit)."""

    instrument_id: str
    target: int
    non_competitive_limit: int | None = None


@dataclass(frozen=True)
class AuctionSpec:
    """A primary auction the treasury announces.

    ``offerings``: its tenors. ``auction_date``: the bidding day (ISO); bids are refused
    after it, and on it from ``close_time`` (``HH:MM``, market time) on.
    ``settlement_date``: when allotments settle against cash (T+1 is typical).
    ``bid_basis``: PRICE or YIELD for bills and bonds, YIELD for fixed-rental sukuk,
    MARGIN (basis points) for floaters and variable-rental sukuk. ``auction_type``:
    MULTIPLE_PRICE or UNIFORM_PRICE; None = multiple price for bills and bonds, uniform
    for sukuk. ``competitive_bidders``: PRIMARY_DEALERS (only dealers bid competitively,
    for their own account) or INVESTORS_THROUGH_DEALERS (investors too, through their
    dealer). ``non_competitive_cut``: SMALLEST_FIRST or PRO_RATA when non-competitive
    bids exceed a tenor's limit.
    """

    auction_id: str
    offerings: list[AuctionOffering]
    auction_date: str
    close_time: str
    settlement_date: str
    bid_basis: str
    auction_type: str | None = None
    competitive_bidders: str = "PRIMARY_DEALERS"
    non_competitive_cut: str = "SMALLEST_FIRST"


@dataclass(frozen=True)
class BidSpec:
    """A sealed bid, sent in transient key ``bid`` (never as an argument).

    ``account_id``: receives the securities - the dealer's own account, or a client's
    sub-account under it (the dealer's account pays). ``amount``: face, minor units.
    ``level``: the price per 100 ("98.7031"), yield ("0.0985") or margin in basis points
    ("25") of a competitive bid; omitted for a non-competitive bid.
    """

    auction_id: str
    bid_id: str
    instrument_id: str
    account_id: str
    amount: int
    level: Decimal | None = None


@dataclass(frozen=True)
class CutOffSpec:
    """The treasury's decision for one tenor: ``reject_all``, or the cut-off ``level``
    (price, yield or margin, as the auction's basis) and optionally the face
    ``accept_amount`` accepted competitively (minor units; default the target)."""

    instrument_id: str
    reject_all: bool = False
    level: Decimal | None = None
    accept_amount: int | None = None


@dataclass(frozen=True)
class BillAuctionSpec:
    """A published treasury-bill auction result for one tenor.

    ``tenor_days``: bill tenor (91, 182, 364 ...). ``auction_date``: ISO date it was held.
    ``weighted_average_yield``: weighted-average cut-off yield of accepted bids, a
    fraction ("0.0755"); omitted (null) when ``all_bids_rejected``.
    """

    tenor_days: int
    auction_date: str
    weighted_average_yield: Decimal | None = None
    all_bids_rejected: bool = False


@dataclass(frozen=True)
class PkrvQuoteSpec:
    """One published PKRV revaluation rate: ``rate`` (fraction) for ``tenor_days`` on
    ``quote_date`` (ISO)."""

    tenor_days: int
    quote_date: str
    rate: Decimal


# -- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessDate:
    """The register's business date (ISO) and whether it is open for business."""

    business_date: str
    open: bool


@dataclass(frozen=True)
class TransferCheck:
    """Dry-run answer: ``reason`` is the first failing reason code, or None; ``reasons``
    every failing code, in the order the rules are checked."""

    allowed: bool
    reason: str | None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InstrumentLimits:
    """An instrument's caps and the public aggregates they are checked against (minor
    units): ``holding_limit`` (per investor), ``non_resident_limit`` and
    ``non_resident_held`` (what all non-resident owners hold together; kept only for an
    instrument with that cap, else None), and the issuance programme it counts towards
    (``programme_id``, ``programme_cap``, ``programme_issued``; None without one)."""

    instrument_id: str
    holding_limit: int | None
    non_resident_limit: int | None
    non_resident_held: int | None
    programme_id: str | None
    programme_cap: int | None
    programme_issued: int | None


@dataclass(frozen=True)
class HoldingEntry:
    """``amount`` of ``instrument_id`` held in ``account_id`` (minor units or mg)."""

    instrument_id: str
    account_id: str
    amount: int


@dataclass(frozen=True)
class HoldingChange:
    """One committed change of a holding: the new amount after transaction ``tx_id``."""

    tx_id: str
    timestamp: int
    amount: int
    is_delete: bool


@dataclass(frozen=True)
class RegisterReader:
    """A caller that reads the whole register (``audit:WholeRegister``): every account,
    holding and cash balance, not only its own. ``reader``: its reader class (REGULATOR)."""

    reader: str


@dataclass(frozen=True)
class KeyHistoryEntry:
    """One committed change of a ledger record (``audit:History``): transaction
    ``tx_id``, its ``timestamp`` (``YYYY-MM-DDTHH:MM:SS.ffffffZ``, as the submitter's
    proposal stated it), ``submitted_by`` ("<MSP ID>/<enrollment id>" of the submitter;
    None for changes made before submitters were recorded), ``function`` the transaction
    ran, and the record's ``value`` after it (canonical JSON; None when deleted)."""

    tx_id: str
    timestamp: str
    submitted_by: str | None
    function: str | None
    is_delete: bool
    value: str | None


@dataclass(frozen=True)
class CashBalance:
    """Cash tokens (minor units) in an account."""

    account_id: str
    amount: int


@dataclass(frozen=True)
class ScheduledFlow:
    """A future cash flow: ``amount_per_unit`` per minor unit of face (None while a
    floating rate awaits its fixing)."""

    kind: str
    period_id: str
    payment_date: str
    amount_per_unit: Decimal | None
    provisional: bool


@dataclass(frozen=True)
class SealedBid:
    """A bid as its bidder (or, after the close, the auctioneer and issuer) reads it back:
    the :class:`BidSpec`, who placed it, the investor it is for, and the SHA-256 (hex) of
    the stored bid - the hash every peer of the channel holds."""

    auction_id: str
    bid_id: str
    instrument_id: str
    account_id: str
    amount: int
    level: Decimal | None
    investor_id: str
    investor_type: str
    placed_by: str
    bid_sha256: str


@dataclass(frozen=True)
class BidReceipt:
    """What a bid, amendment or withdrawal left on the ledger: the collection, and the
    SHA-256 (hex) of the stored bid (None after a withdrawal)."""

    auction_id: str
    bid_id: str
    account_id: str
    collection: str
    bid_sha256: str | None


@dataclass(frozen=True)
class AuctionSettlementBatch:
    """One settlement transaction of an auction: allotments ``settled`` in it, the face
    issued and the cash paid (minor units), and ``done`` when none is left.
    ``refused``: allotments this transaction found ineligible and closed without
    issuing or paying anything (``face_refused`` their face, minor units); each
    allotment's code is in its :class:`~sovereign_assets.schema.records.AllotmentRecord`."""

    auction_id: str
    settled: int
    face: int
    cash: int
    done: bool
    refused: int = 0
    face_refused: int = 0


@dataclass(frozen=True)
class BatchResult:
    """One coupon batch: holders ``paid`` and the amounts moved in this transaction
    (minor units: gross = tax + net); ``done`` when no holder is left."""

    paid: int
    gross: int
    tax: int
    net: int
    done: bool


@dataclass(frozen=True)
class RedemptionBatch:
    """One redemption batch: as :class:`BatchResult` (the last coupon and the face
    together), plus the face ``retired`` (tokens burned) in this transaction."""

    paid: int
    gross: int
    tax: int
    net: int
    done: bool
    retired: int


class BarState(StrEnum):
    """Where an allocated bar stands."""

    ALLOCATED = "ALLOCATED"
    """In the vault, backing the tokens."""
    RELEASED = "RELEASED"
    """Delivered to a holder who redeemed tokens for it; it backs nothing any more."""


@dataclass(frozen=True)
class BarStatus:
    """One bar of a commodity token and its state; ``released_to`` (account id) and
    ``released_on`` (ISO business date) are set once the bar was redeemed."""

    serial: str
    weight_mg: int
    fineness: int
    fineness_scale: int
    vault_id: str
    state: BarState
    released_to: str | None = None
    released_on: str | None = None


@dataclass(frozen=True)
class BarRedemption:
    """Result of ``lifecycle:RedeemBars``: the bars ``serials`` released to
    ``account_id`` for ``retired`` mg of tokens; ``holding`` is what the account still
    holds and ``redeemed`` the instrument's cumulative redeemed total (mg)."""

    instrument_id: str
    account_id: str
    serials: list[str]
    retired: int
    holding: int
    redeemed: int


@dataclass(frozen=True)
class FixingResolution:
    """Result of ``lifecycle:ResolveFixing``: the benchmark ``rate`` (fraction) of
    period ``period_id`` as of ``fixing_date``, its ``source`` (AUCTION or
    PKRV_AVERAGE) and the dates of the evidence used (the auction date, or the PKRV
    days averaged); ``lifecycle_version`` is the instrument's version after the fixing."""

    instrument_id: str
    period_id: str
    fixing_date: str
    rate: Decimal
    source: str
    evidence_dates: list[str]
    lifecycle_version: int
