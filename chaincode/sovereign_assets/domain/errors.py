"""The one catalogue of refusal codes, and the domain's exception.

Owns :class:`ErrorCode`: every stable code a sovereign_assets transaction can be refused
with, each declared once with the layers that raise it (:class:`Layer`), what the caller
should make of it (:class:`Outcome`) and its meaning. Everything else derives from this
table: the wire schema re-exports it (:mod:`sovereign_assets.schema.codes`), the typed
client's exception classes take their codes and docstrings from it
(:mod:`sovereign_client.errors`), the CLI maps each :class:`Outcome` to an exit code, and
``tests/unit/test_error_catalogue.py`` proves every copy is the same set - including the
runtime's own codes (:class:`fabric_chaincode.errors.RuntimeCode`), which the generic
runtime declares for itself because it may not import the product.

The catalogue lives in the domain because the domain is the one package every other layer
may import (contracts, schema and, through the schema, the typed client) and it imports
nothing of the project; putting it anywhere else would point an arrow the wrong way.

A code string never changes once published. Refusal messages name the record or party that
failed (an account id, an instrument id), never personal data.

Must not import: anything outside the standard library, or any other domain module
(every domain module imports this one).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Layer(StrEnum):
    """Which part of the chaincode raises a code."""

    DOMAIN = "domain"
    """A business rule of :mod:`sovereign_assets.domain`."""
    CONTRACT = "contract"
    """The contract layer (:mod:`sovereign_assets.contracts`): parsing, rights, records."""
    RUNTIME = "runtime"
    """The chaincode runtime (:mod:`fabric_chaincode`): routing, limits, identity, faults."""


class Outcome(StrEnum):
    """What a refusal tells the caller; the CLI turns each into its own exit code."""

    REFUSED = "refused"
    """The ledger's rules or the caller's rights refuse the request as it stands."""
    NOT_FOUND = "not_found"
    """The request names a record the ledger does not hold."""
    FAULT = "fault"
    """The chaincode could not answer (an unexpected error, a response over the limit)."""


_D = (Layer.DOMAIN,)
_C = (Layer.CONTRACT,)
_DC = (Layer.DOMAIN, Layer.CONTRACT)
_R = (Layer.RUNTIME,)
_REFUSED = Outcome.REFUSED
_NOT_FOUND = Outcome.NOT_FOUND


class ErrorCode(StrEnum):
    """Stable, machine-readable refusal codes. The value equals the name, always.

    Each member carries ``layers`` (who raises it), ``outcome`` and ``meaning``.
    """

    layers: tuple[Layer, ...]
    outcome: Outcome
    meaning: str

    def __new__(cls, value: str, layers: tuple[Layer, ...], outcome: Outcome, meaning: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.layers = layers
        member.outcome = outcome
        member.meaning = meaning
        return member

    # numbers and amounts
    FLOAT_NOT_ALLOWED = (
        "FLOAT_NOT_ALLOWED",
        _D,
        _REFUSED,
        "A number arrived as a binary float; amounts, rates and prices must be exact.",
    )
    INVALID_NUMBER = (
        "INVALID_NUMBER",
        _D,
        _REFUSED,
        "A decimal is malformed, not finite or has more places than its rule allows.",
    )
    INVALID_AMOUNT = (
        "INVALID_AMOUNT",
        _DC,
        _REFUSED,
        "An amount is not a positive whole number of minor units, or exceeds what backs it.",
    )
    NOT_MULTIPLE_OF_DENOMINATION = (
        "NOT_MULTIPLE_OF_DENOMINATION",
        _D,
        _REFUSED,
        "A quantity is not a whole multiple of the instrument's minimum denomination.",
    )
    CURRENCY_MISMATCH = (
        "CURRENCY_MISMATCH",
        _D,
        _REFUSED,
        "Two amounts in different currencies were combined.",
    )
    # dates, calendars, conventions
    INVALID_DATE_RANGE = (
        "INVALID_DATE_RANGE",
        _D,
        _REFUSED,
        "A date range is empty or reversed, or a date lies outside 1900-01-01..2199-12-31.",
    )
    BUSINESS_DAY_CLOSED = (
        "BUSINESS_DAY_CLOSED",
        _DC,
        _REFUSED,
        "No business date is open: the central bank opens one before anything dated runs.",
    )
    BUSINESS_DATE_NOT_LATER = (
        "BUSINESS_DATE_NOT_LATER",
        _D,
        _REFUSED,
        "A business date to open is not after the last one opened: dates only move forward.",
    )
    CALENDAR_NOT_COVERED = (
        "CALENDAR_NOT_COVERED",
        _D,
        _REFUSED,
        "A date falls outside the years the holiday calendar covers, or is still provisional.",
    )
    UNKNOWN_CALENDAR = (
        "UNKNOWN_CALENDAR",
        _DC,
        _NOT_FOUND,
        "The instrument names a holiday calendar governance does not hold.",
    )
    CALENDAR_EFFECTIVE_IN_PAST = (
        "CALENDAR_EFFECTIVE_IN_PAST",
        _C,
        _REFUSED,
        "A calendar version would take effect before the current business date: a "
        "published calendar never rewrites dates already past.",
    )
    INVALID_FREQUENCY = (
        "INVALID_FREQUENCY",
        _D,
        _REFUSED,
        "A coupon frequency is not one of 1, 2, 4 or 12 payments a year.",
    )
    INVALID_SCHEDULE = (
        "INVALID_SCHEDULE",
        _DC,
        _REFUSED,
        "A payment schedule cannot be built from the terms (no periods, a commodity coupon).",
    )
    PRICE_OUT_OF_RANGE = (
        "PRICE_OUT_OF_RANGE",
        _D,
        _REFUSED,
        "A price or yield is outside the range a pricing formula accepts.",
    )
    YIELD_NOT_FOUND = (
        "YIELD_NOT_FOUND",
        _D,
        _REFUSED,
        "No yield reproduces the given price.",
    )
    # instruments and lifecycle
    INVALID_TERMS = (
        "INVALID_TERMS",
        _DC,
        _REFUSED,
        "An instrument's terms are incomplete or inconsistent for its kind.",
    )
    UNKNOWN_INSTRUMENT = (
        "UNKNOWN_INSTRUMENT",
        _C,
        _NOT_FOUND,
        "No instrument has that id.",
    )
    INSTRUMENT_MATURED = (
        "INSTRUMENT_MATURED",
        _DC,
        _REFUSED,
        "The instrument has matured: its holdings no longer move.",
    )
    INSTRUMENT_PAUSED = (
        "INSTRUMENT_PAUSED",
        _DC,
        _REFUSED,
        "A controller paused the instrument, or one of its payment runs is open.",
    )
    SHARIAH_APPROVAL_REQUIRED = (
        "SHARIAH_APPROVAL_REQUIRED",
        _D,
        _REFUSED,
        "A sukuk needs a Shariah certificate in the document registry before it is approved"
        " or issued.",
    )
    UNDERLYING_ASSET_REQUIRED = (
        "UNDERLYING_ASSET_REQUIRED",
        _D,
        _REFUSED,
        "A sukuk needs the underlying asset it represents on record.",
    )
    FIXING_UNAVAILABLE = (
        "FIXING_UNAVAILABLE",
        _D,
        _REFUSED,
        "A floating coupon needs a benchmark fixing that is not published yet.",
    )
    EVENT_NOT_APPLICABLE = (
        "EVENT_NOT_APPLICABLE",
        _DC,
        _REFUSED,
        "The lifecycle event does not apply to this instrument or on this date.",
    )
    NOT_WHOLE_BARS = (
        "NOT_WHOLE_BARS",
        _D,
        _REFUSED,
        "A commodity redemption does not add up to whole bars, or names a bar twice.",
    )
    UNKNOWN_BAR = (
        "UNKNOWN_BAR",
        _D,
        _NOT_FOUND,
        "A bar serial is not allocated to the commodity instrument.",
    )
    BAR_ALREADY_RELEASED = (
        "BAR_ALREADY_RELEASED",
        _C,
        _REFUSED,
        "The bar was already released to a holder.",
    )
    NOT_CASH_ISSUER = (
        "NOT_CASH_ISSUER",
        _D,
        _REFUSED,
        "Only the cash issuer (the central bank) mints or burns the cash token.",
    )
    # accounts, holdings, settlement
    UNKNOWN_ACCOUNT = (
        "UNKNOWN_ACCOUNT",
        _C,
        _NOT_FOUND,
        "No account has that id.",
    )
    INVALID_ACCOUNT = (
        "INVALID_ACCOUNT",
        _DC,
        _REFUSED,
        "The account cannot take part this way (its tier, its parent, a cash account).",
    )
    SAME_ACCOUNT = (
        "SAME_ACCOUNT",
        _DC,
        _REFUSED,
        "Sender and receiver are the same account.",
    )
    INSUFFICIENT_HOLDING = (
        "INSUFFICIENT_HOLDING",
        _DC,
        _REFUSED,
        "The account holds less of the instrument (net of frozen parts) than requested.",
    )
    INSUFFICIENT_CASH = (
        "INSUFFICIENT_CASH",
        _D,
        _REFUSED,
        "The account holds less cash than the payment needs.",
    )
    ACCOUNT_FROZEN = (
        "ACCOUNT_FROZEN",
        _DC,
        _REFUSED,
        "A controller froze the named account.",
    )
    SETTLEMENT_DATE_IN_PAST = (
        "SETTLEMENT_DATE_IN_PAST",
        _D,
        _REFUSED,
        "The settlement date is before the business date.",
    )
    SETTLEMENT_DATE_NOT_REACHED = (
        "SETTLEMENT_DATE_NOT_REACHED",
        _DC,
        _REFUSED,
        "The instruction settles on a later business date.",
    )
    INVALID_TRANSITION = (
        "INVALID_TRANSITION",
        _DC,
        _REFUSED,
        "The record's current state does not allow this step.",
    )
    NOT_A_PARTY = (
        "NOT_A_PARTY",
        _D,
        _REFUSED,
        "The caller is neither side of the settlement instruction.",
    )
    ALREADY_AFFIRMED = (
        "ALREADY_AFFIRMED",
        _DC,
        _REFUSED,
        "This side already affirmed the settlement instruction.",
    )
    OUTSIDE_PRICE_BAND = (
        "OUTSIDE_PRICE_BAND",
        _D,
        _REFUSED,
        "The trade is priced outside the instrument's band: both sides must affirm it.",
    )
    # investors and compliance
    UNKNOWN_INVESTOR = (
        "UNKNOWN_INVESTOR",
        _DC,
        _NOT_FOUND,
        "No investor has that id, or the named account's owner is not registered.",
    )
    NOT_KYC_VERIFIED = (
        "NOT_KYC_VERIFIED",
        _D,
        _REFUSED,
        "The named account's owner has not passed KYC.",
    )
    NOT_ELIGIBLE = (
        "NOT_ELIGIBLE",
        _D,
        _REFUSED,
        "The receiving owner may not hold the instrument (Islamic or residency rules).",
    )
    LOCKED_UP = (
        "LOCKED_UP",
        _D,
        _REFUSED,
        "The instrument is in its lock-up period.",
    )
    OVER_HOLDING_LIMIT = (
        "OVER_HOLDING_LIMIT",
        _D,
        _REFUSED,
        "The receiving account would hold more than the instrument's per-investor cap.",
    )
    OVER_NON_RESIDENT_LIMIT = (
        "OVER_NON_RESIDENT_LIMIT",
        _DC,
        _REFUSED,
        "Non-resident owners together would hold more of the instrument than its non-resident cap.",
    )
    OVER_PROGRAMME_LIMIT = (
        "OVER_PROGRAMME_LIMIT",
        _D,
        _REFUSED,
        "The issuance would take the programme's total issued face beyond its cap.",
    )
    GLOBAL_PAUSE = (
        "GLOBAL_PAUSE",
        _DC,
        _REFUSED,
        "The controllers pulled the kill switch: every state change but its release stops.",
    )
    # controls and documents
    VAULT_ATTESTATION_REQUIRED = (
        "VAULT_ATTESTATION_REQUIRED",
        _D,
        _REFUSED,
        "A commodity token needs a vault attestation in the document registry before it is"
        " approved or issued.",
    )
    COURT_ORDER_REQUIRED = (
        "COURT_ORDER_REQUIRED",
        _D,
        _REFUSED,
        "A forced transfer, or an action for the COURT_ORDER reason, names no court order"
        " registered and in force.",
    )
    INVALID_DOCUMENT = (
        "INVALID_DOCUMENT",
        _DC,
        _REFUSED,
        "A document's kind, name, URI or SHA-256 is malformed, or it is of the wrong kind.",
    )
    INVALID_REASON = (
        "INVALID_REASON",
        _D,
        _REFUSED,
        "A controller action's reason code is unknown or does not fit the action (a forced"
        " transfer is for COURT_ORDER, a recovery for LOST_KEY).",
    )
    DOCUMENT_SUPERSEDED = (
        "DOCUMENT_SUPERSEDED",
        _DC,
        _REFUSED,
        "The document was superseded by a newer one; name the one in force.",
    )
    UNKNOWN_DOCUMENT = (
        "UNKNOWN_DOCUMENT",
        _C,
        _NOT_FOUND,
        "No document with that id is registered.",
    )
    IDENTITY_BARRED = (
        "IDENTITY_BARRED",
        _C,
        _REFUSED,
        "The submitter's identity was barred by a lost-key recovery; its replacement acts.",
    )
    RECORD_DATE_PASSED = (
        "RECORD_DATE_PASSED",
        _D,
        _REFUSED,
        "A coupon's record date has passed and it is not paid yet: holdings are fixed.",
    )
    # payments and tax
    ALREADY_PAID = (
        "ALREADY_PAID",
        _DC,
        _REFUSED,
        "The coupon or redemption was already paid to that holder.",
    )
    NO_TAX_RATE = (
        "NO_TAX_RATE",
        _D,
        _REFUSED,
        "The withholding table has no rate for the holder's tax status on that date.",
    )
    INVALID_BATCH = (
        "INVALID_BATCH",
        _DC,
        _REFUSED,
        "A payment batch size is not a whole number above zero.",
    )
    # primary auctions
    INVALID_AUCTION = (
        "INVALID_AUCTION",
        _DC,
        _REFUSED,
        "An auction's terms are inconsistent (offer, non-competitive share or limits).",
    )
    INVALID_BID = (
        "INVALID_BID",
        _DC,
        _REFUSED,
        "A bid names an instrument not offered, or its amount or level is malformed.",
    )
    COMPETITIVE_BID_NOT_ALLOWED = (
        "COMPETITIVE_BID_NOT_ALLOWED",
        _D,
        _REFUSED,
        "The bidder's investor type may not bid competitively in this auction.",
    )
    NON_COMPETITIVE_NOT_ALLOWED = (
        "NON_COMPETITIVE_NOT_ALLOWED",
        _D,
        _REFUSED,
        "The bidder's investor type is excluded from non-competitive bidding.",
    )
    NON_COMPETITIVE_OVER_CAP = (
        "NON_COMPETITIVE_OVER_CAP",
        _D,
        _REFUSED,
        "A non-competitive bid exceeds the per-bidder cap.",
    )
    AUCTION_CLOSED = (
        "AUCTION_CLOSED",
        _DC,
        _REFUSED,
        "The auction takes no more bids, amendments or withdrawals (closed, or past its close "
        "time).",
    )
    PRICE_REQUIRED = (
        "PRICE_REQUIRED",
        _C,
        _REFUSED,
        "A primary allotment of a debt instrument names no price: every issue is paid for in cash.",
    )
    INVALID_CUTOFF = (
        "INVALID_CUTOFF",
        _DC,
        _REFUSED,
        "A tenor's cut-off is missing or doubled, names an instrument not offered, or accepts "
        "more in bids better than it than the amount accepted.",
    )
    ALREADY_SETTLED = (
        "ALREADY_SETTLED",
        _DC,
        _REFUSED,
        "The auction's allotments were already settled.",
    )
    # two-controller governance changes
    SECOND_CONTROLLER_REQUIRED = (
        "SECOND_CONTROLLER_REQUIRED",
        _D,
        _REFUSED,
        "A governance change is approved by the organisation that proposed it, or by one "
        "holding no controller role the proposer lacks: the treasury and the central bank "
        "must both agree.",
    )
    PROPOSAL_EXPIRED = (
        "PROPOSAL_EXPIRED",
        _D,
        _REFUSED,
        "The governance change proposal's last business date has passed; propose it again.",
    )
    PROPOSAL_STALE = (
        "PROPOSAL_STALE",
        _D,
        _REFUSED,
        "Governance changed after the proposal was made, so it amends a configuration that "
        "no longer exists; propose it again against the current one.",
    )
    BOOTSTRAP_ROLES_MISMATCH = (
        "BOOTSTRAP_ROLES_MISMATCH",
        _C,
        _REFUSED,
        "A governance bootstrap names org roles other than those this peer's operator "
        "configured for the chaincode server, or the server has no roles configured.",
    )
    # the contract layer
    UNAUTHORIZED = (
        "UNAUTHORIZED",
        _C,
        _REFUSED,
        "The caller's organisation, certificate role or account control does not allow it.",
    )
    NOT_FOUND = (
        "NOT_FOUND",
        _C,
        _NOT_FOUND,
        "A record the request names (governance, instruction, payment run) does not exist.",
    )
    ALREADY_EXISTS = (
        "ALREADY_EXISTS",
        _C,
        _REFUSED,
        "A record with that id exists (governance, account, investor, instrument, instruction).",
    )
    INVALID_ARGUMENT = (
        "INVALID_ARGUMENT",
        (Layer.CONTRACT, Layer.RUNTIME),
        _REFUSED,
        "Malformed JSON, a wrong type or count of arguments, a bad id or date, a missing "
        "transient field, an invalid ledger key.",
    )
    PERSONAL_DATA_MISSING = (
        "PERSONAL_DATA_MISSING",
        _C,
        _NOT_FOUND,
        "The investor's personal data is not in the caller's organisation's collection: "
        "investor:RecordPersonalData must commit first.",
    )
    # the chaincode runtime
    UNKNOWN_FUNCTION = (
        "UNKNOWN_FUNCTION",
        _R,
        _REFUSED,
        "No contract or transaction of that name (a client newer than the chaincode).",
    )
    PAYLOAD_TOO_LARGE = (
        "PAYLOAD_TOO_LARGE",
        _R,
        _REFUSED,
        "A value the transaction writes or an event it sets exceeds the message size limit.",
    )
    IDENTITY = (
        "IDENTITY",
        _R,
        _REFUSED,
        "The submitter's identity could not be read from the proposal.",
    )
    INTERNAL = (
        "INTERNAL",
        _R,
        Outcome.FAULT,
        "The chaincode failed unexpectedly; its log names the transaction.",
    )
    RESPONSE_TOO_LARGE = (
        "RESPONSE_TOO_LARGE",
        _R,
        Outcome.FAULT,
        "The transaction's response exceeds the message size limit (page the query).",
    )


class DomainError(Exception):
    """A rule of the domain was broken. ``code`` is stable; ``message`` is for humans.

    The message never contains personal data or ledger values beyond what the
    caller passed in for the failing field.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message


ALL_CODES: tuple[str, ...] = tuple(code.value for code in ErrorCode)
"""Every code, in declaration order (what the schema and the typed client mirror)."""
