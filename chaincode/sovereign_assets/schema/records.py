"""What the contracts store: one frozen dataclass per document type.

Owns the ledger records (:class:`GovernanceProposalRecord`, :class:`BusinessDayRecord`,
:class:`AccountRecord`, :class:`InvestorRecord`,
:class:`InstrumentRecord`, :class:`InstructionRecord`, :class:`PaymentRun`,
:class:`ClaimRecord`, :class:`CashSupply`, :class:`BarReleaseRecord`,
:class:`BillAuctionRecord`, :class:`PkrvRecord`) and their ``DOC_TYPE``. Every field is a JSON
value (dates as ISO strings, rates as ``Decimal``, amounts as ``int`` minor units), so
the canonical JSON is the record. Keys, ``docType`` and the schema ``version`` are added
by :mod:`sovereign_assets.contracts.repository`, the only module that reads or writes the ledger.

Must not import: fabric_chaincode (records are pure data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from sovereign_assets.domain import AccountTier
from sovereign_assets.domain.status import InstrumentStatus as InstrumentStatus  # noqa: PLC0414

from .messages import AuctionOffering, CalendarPublication, GovernanceConfig, InstrumentSpec

# InstrumentStatus is the domain's (its status machine); records carry it, so it is
# importable from here too (hence the explicit re-export above).


@dataclass(frozen=True)
class GovernanceRecord:
    """The governance configuration as stored."""

    DOC_TYPE: ClassVar[str] = "governance"
    config: GovernanceConfig


@dataclass(frozen=True)
class GovernanceProposalRecord:
    """A governance change one controller proposed and the other has not yet approved.

    ``proposal_id``: SHA-256 (hex) of the canonical JSON of ``{"base", "config"}`` - the
    exact change; the approval names it. ``base``: SHA-256 (hex) of the stored governance
    document it amends (a proposal goes stale when governance changes). ``proposer``:
    "<MSP ID>/<enrollment id>"; ``proposer_msp`` its MSP. ``proposed_on`` /
    ``expires_on``: ISO business dates (None before the first business date).
    """

    DOC_TYPE: ClassVar[str] = "governanceProposal"
    proposal_id: str
    config: GovernanceConfig
    base: str
    proposer: str
    proposer_msp: str
    proposed_on: str | None = None
    expires_on: str | None = None


@dataclass(frozen=True)
class BusinessDayRecord:
    """The business date every rule reads, opened and closed by the central bank."""

    DOC_TYPE: ClassVar[str] = "businessDay"
    business_date: str
    open: bool


@dataclass(frozen=True)
class AccountRecord:
    """An account of the register; ``custodian_id`` is who keeps it (the central bank
    MSP for dealer and cash accounts, the parent account id for sub-accounts)."""

    DOC_TYPE: ClassVar[str] = "account"
    account_id: str
    tier: AccountTier
    owner_id: str
    custodian_id: str
    controller: str
    parent_account_id: str | None
    frozen: bool
    opened_on: str


@dataclass(frozen=True)
class InvestorRecord:
    """A registry entry; ``pii_sha256`` is the SHA-256 (hex) of the salted personal-data
    record kept in ``pii_collection`` (the registering org's personal data collection; see
    :func:`.privacy.personal_data_record`), never the data, and not reversible without the
    salt that only that collection holds."""

    DOC_TYPE: ClassVar[str] = "investor"
    investor_id: str
    kyc: str
    residency: str
    investor_type: str
    tax_status: str
    islamic_only: bool
    islamic_eligible: bool
    registered_by: str
    pii_sha256: str | None
    pii_collection: str | None
    kyc_expires_on: str | None = None
    onboarded_by: str | None = None
    """The registering user ("<MSP ID>/<enrollment id>"): the bank that onboarded the
    investor reads its entry (see :mod:`sovereign_assets.contracts.visibility`)."""


@dataclass(frozen=True)
class InstrumentRecord:
    """An instrument: its terms, status and supply.

    ``issued`` / ``redeemed``: cumulative face (minor units or mg).
    ``lifecycle_version`` / ``periods_paid`` / ``fixings``: the domain's lifecycle state.
    ``open_run``: id of a payment run in progress; transfers wait until it is done.
    """

    DOC_TYPE: ClassVar[str] = "instrument"
    spec: InstrumentSpec
    status: InstrumentStatus
    paused: bool
    issued: int
    redeemed: int
    lifecycle_version: int
    periods_paid: int
    matured: bool
    fixings: dict[str, Decimal] = field(default_factory=dict)
    open_run: str | None = None
    created_on: str = ""
    approved_on: str | None = None


@dataclass(frozen=True)
class InstructionRecord:
    """A DvP settlement instruction (the domain's ``SettlementInstruction``)."""

    DOC_TYPE: ClassVar[str] = "settlementInstruction"
    instruction_id: str
    instrument_id: str
    seller_account: str
    buyer_account: str
    quantity: int
    price_per_100: Decimal
    cash_amount: int
    trade_date: str
    settlement_date: str
    state: str
    affirmed_by: list[str]
    instructed_by: str
    out_of_band: bool = False


@dataclass(frozen=True)
class EffectRecord:
    """One effect of a payment run: ``kind`` (COUPON, RENTAL, REDEMPTION), claim
    ``period_id``, ``payment_date``, ``amount_per_unit`` (34 significant digits, for
    reading) and whether it is taxable. ``amount_exact`` is the exact amount per unit
    as ``"numerator/denominator"`` - what holders are paid from; a run recorded
    before it existed pays from ``amount_per_unit``."""

    kind: str
    period_id: str
    payment_date: str
    amount_per_unit: Decimal
    taxable: bool
    amount_exact: str | None = None


@dataclass(frozen=True)
class PaymentRun:
    """A coupon payment or a redemption, paid in batches.

    ``run_id``: the period id for a coupon, "MATURITY" for the redemption.
    ``cursor``: the last holder account handled; ``done``: all holders handled.
    ``target_version`` / ``produced_version``: the instrument's lifecycle version before and
    after the run's event (holdings carry none: claims are keyed by period).
    Totals are cumulative over batches, minor units.
    ``periods_paid_before``: the instrument's periods paid when the run opened, so the
    controllers can abort a run nobody was paid from yet (``lifecycle:AbortRun``).
    """

    DOC_TYPE: ClassVar[str] = "paymentRun"
    instrument_id: str
    run_id: str
    effects: list[EffectRecord]
    target_version: int
    produced_version: int
    cursor: str | None
    done: bool
    paid: int
    gross: int
    tax: int
    net: int
    retired: int
    periods_paid_before: int | None = None


@dataclass(frozen=True)
class ClaimRecord:
    """A paid claim, keyed by (instrument, period, holder): its existence forbids a
    second payment."""

    DOC_TYPE: ClassVar[str] = "claim"
    instrument_id: str
    period_id: str
    holder_account: str
    face_held: int
    gross: int
    tax: int
    net: int
    rate: Decimal
    paid_on: str


@dataclass(frozen=True)
class CalendarRecord:
    """A published calendar version (see :class:`.messages.CalendarPublication`), with
    who published it and on which business date."""

    DOC_TYPE: ClassVar[str] = "calendar"
    publication: CalendarPublication
    published_by: str
    published_on: str | None


@dataclass(frozen=True)
class CalendarsInForce:
    """The published calendar versions date rules may still read, in one key (what every
    transaction that reads market data loads, instead of scanning every version): for
    each calendar, the version in effect on the business date of the latest publication
    and every later one, by calendar then effective date. Business dates never go back,
    so an older version can never be in effect again."""

    DOC_TYPE: ClassVar[str] = "calendarsInForce"
    versions: list[CalendarRecord]


@dataclass(frozen=True)
class NonResidentHolding:
    """What all non-resident owners hold of an instrument together (minor units), kept
    exactly for an instrument with a non-resident cap: every change of a holding updates
    it in the same transaction."""

    DOC_TYPE: ClassVar[str] = "nonResidentHolding"
    instrument_id: str
    amount: int


@dataclass(frozen=True)
class ProgrammeIssued:
    """Face issued under an issuance programme (minor units), cumulative, updated by
    every issuance while the programme is configured."""

    DOC_TYPE: ClassVar[str] = "programmeIssued"
    programme_id: str
    issued: int


@dataclass(frozen=True)
class CashSupply:
    """Cumulative cash tokens minted and withdrawn (minor units)."""

    DOC_TYPE: ClassVar[str] = "cashSupply"
    minted: int
    burned: int


@dataclass(frozen=True)
class BarReleaseRecord:
    """A bar of a commodity token delivered to ``account_id`` on ``released_on``: the
    holder retired ``weight_mg`` of tokens for it. Keyed by (instrument, serial), so a
    bar is released at most once."""

    DOC_TYPE: ClassVar[str] = "barRelease"
    instrument_id: str
    serial: str
    account_id: str
    weight_mg: int
    released_on: str


@dataclass(frozen=True)
class BillAuctionRecord:
    """A treasury-bill auction result as the central bank recorded it, keyed by
    (tenor, auction date). ``weighted_average_yield`` is None when all bids were
    rejected. ``recorded_on``: business date of the recording transaction."""

    DOC_TYPE: ClassVar[str] = "billAuction"
    tenor_days: int
    auction_date: str
    weighted_average_yield: Decimal | None
    all_bids_rejected: bool
    recorded_on: str


@dataclass(frozen=True)
class PkrvRecord:
    """A PKRV rate as the central bank recorded it, keyed by (tenor, quote date)."""

    DOC_TYPE: ClassVar[str] = "pkrvQuote"
    tenor_days: int
    quote_date: str
    rate: Decimal
    recorded_on: str


@dataclass(frozen=True)
class TenorResultRecord:
    """A tenor's published result (face in minor units; levels in the auction's basis):
    amounts offered and accepted, competitive and non-competitive; the cut-off, its price,
    the weighted-average yield (margin for MARGIN auctions) and price of accepted
    competitive bids (None when nothing was accepted); ``voided_bids``: how many
    non-competitive bids the one-bid rule voided. No bid of the book is named."""

    instrument_id: str
    rejected: bool
    competitive_offered: int
    non_competitive_offered: int
    competitive_accepted: int
    non_competitive_accepted: int
    accepted: int
    cutoff: Decimal | None
    cutoff_price: Decimal | None
    weighted_average_yield: Decimal | None
    weighted_average_price: Decimal | None
    voided_bids: int


@dataclass(frozen=True)
class AuctionRecord:
    """A primary auction: the announcement (see :class:`.messages.AuctionSpec`), its
    ``state`` (OPEN, CLOSED, CUT_OFF, REJECTED, SETTLED), the ``results`` per tenor once
    cut off, and settlement progress: ``allotments`` made, ``settled`` so far, and the
    face and cash (minor units) settled; ``refused`` allotments (and their face,
    ``face_refused``) that settlement found ineligible and did not issue (see
    :class:`AllotmentRecord`). Settlement is done when ``settled + refused ==
    allotments``."""

    DOC_TYPE: ClassVar[str] = "auction"
    auction_id: str
    offerings: list[AuctionOffering]
    auction_date: str
    close_time: str
    settlement_date: str
    bid_basis: str
    auction_type: str
    competitive_bidders: str
    non_competitive_cut: str
    state: str
    announced_on: str
    closed_on: str | None = None
    results: list[TenorResultRecord] = field(default_factory=list)
    allotments: int = 0
    settled: int = 0
    face_settled: int = 0
    cash_settled: int = 0
    refused: int = 0
    face_refused: int = 0


@dataclass(frozen=True)
class AllotmentRecord:
    """An accepted bid, to settle: ``amount`` of face for ``account_id`` at
    ``price_per_100`` (clean), paid from ``payer_account``; ``accrued_interest`` and
    ``cash_amount`` (= face x price / 100 + accrued, rounded once) in minor units.
    ``settled_on`` is set once it settled (never twice). ``refusal`` is the stable
    error code (``NOT_KYC_VERIFIED``, ``ACCOUNT_FROZEN``, ``OVER_HOLDING_LIMIT``,
    ``INSUFFICIENT_CASH``...) when settlement found the allotment no longer eligible on
    ``refused_on``: nothing was issued or paid for it, and never will be. An allotment
    is pending while both ``settled_on`` and ``refused_on`` are None."""

    DOC_TYPE: ClassVar[str] = "auctionAllotment"
    auction_id: str
    bid_id: str
    instrument_id: str
    account_id: str
    payer_account: str
    amount: int
    price_per_100: Decimal
    yield_rate: Decimal
    competitive: bool
    accrued_interest: int
    cash_amount: int
    settled_on: str | None = None
    refusal: str | None = None
    refused_on: str | None = None


@dataclass(frozen=True)
class StoredBid:
    """A sealed bid as kept in the sealed-bid private data collection (never public):
    the bid, the investor it is for and that investor's type when it was placed, and
    the controller who placed it."""

    DOC_TYPE: ClassVar[str] = "auctionBid"
    auction_id: str
    bid_id: str
    instrument_id: str
    account_id: str
    amount: int
    level: Decimal | None
    investor_id: str
    investor_type: str
    placed_by: str


@dataclass(frozen=True)
class BidRef:
    """Where a sealed bid is: its account and bid id."""

    account_id: str
    bid_id: str


@dataclass(frozen=True)
class BidBook:
    """The sealed bids of one auction paid for by one dealer account (its own and its
    clients'), kept beside them in the sealed-bid collection, sorted. Fabric refuses
    writes in a transaction that ran a range query over private data, so the cut-off
    finds the bids through these lists (point reads) instead of scanning the collection."""

    DOC_TYPE: ClassVar[str] = "auctionBook"
    auction_id: str
    dealer_account: str
    bids: list[BidRef]


# -- controls, documents, audit ---------------------------------------------------------


@dataclass(frozen=True)
class DocumentRecord:
    """A registered document: what :class:`.messages.DocumentRegistration` gave, who registered it
    (``registered_by``, MSP ID) on which business date, the instruments and controller
    actions it is attached to (``attached_to``: ``instrument:<id>``, ``action:<id>``),
    and its place in a chain of versions: ``supersedes`` the document it replaced,
    ``superseded_by`` the one that replaced it (None while in force). Never deleted."""

    DOC_TYPE: ClassVar[str] = "document"
    document_id: str
    kind: str
    name: str
    uri: str
    sha256: str
    registered_by: str
    registered_on: str
    attached_to: list[str] = field(default_factory=list)
    supersedes: str | None = None
    superseded_by: str | None = None


@dataclass(frozen=True)
class ControlRegister:
    """The key every controller action writes: how many actions were taken and the last
    one's id. Its key-level endorsement policy requires a peer of the issuer's AND of
    the registrar's organisation, so no controller action commits with one of them."""

    DOC_TYPE: ClassVar[str] = "controlRegister"
    actions: int
    last_action_id: str | None


@dataclass(frozen=True)
class ControlActionRecord:
    """One controller action, kept for the audit: ``action_id`` (``CA-000001`` ...),
    ``kind`` (a ``ControlKind``), ``reason`` and ``document_id`` (its evidence), what it
    touched (``instrument_id``, ``accounts``, ``amount`` in minor units or mg), the
    ``business_date``, the submitter's MSP ID and the transaction id."""

    DOC_TYPE: ClassVar[str] = "controlAction"
    action_id: str
    kind: str
    reason: str
    document_id: str | None
    instrument_id: str | None
    accounts: list[str]
    amount: int | None
    business_date: str
    submitted_by: str
    tx_id: str


@dataclass(frozen=True)
class HoldingFreezeRecord:
    """The frozen part (minor units or mg) of one holding, and the action that last
    changed it. The free balance is the holding less this."""

    DOC_TYPE: ClassVar[str] = "holdingFreeze"
    account_id: str
    instrument_id: str
    amount: int
    action_id: str


@dataclass(frozen=True)
class BarredIdentityRecord:
    """A controller identity ("<MSP ID>/<enrollment id>") barred by a lost-key recovery:
    nothing it submits runs any more."""

    DOC_TYPE: ClassVar[str] = "barredIdentity"
    controller: str
    action_id: str
    barred_on: str


@dataclass(frozen=True)
class SubmitterRecord:
    """Who submitted transaction ``tx_id`` that changed public state and which
    ``function`` it ran: what ``audit:History`` joins with a key's history (Fabric's
    history gives transaction ids only)."""

    DOC_TYPE: ClassVar[str] = "submitter"
    tx_id: str
    submitted_by: str
    function: str
