"""Every error the domain can raise, and the one list of their stable codes.

Owns: :class:`ErrorCode` (the complete catalogue of reason codes; the SDK mirrors
these strings, so a value never changes once published) and :class:`DomainError`.

Must not import: anything outside the standard library, or any other domain module
(every domain module imports this one).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable, machine-readable reason codes. The value equals the name, always."""

    # numbers and amounts
    FLOAT_NOT_ALLOWED = "FLOAT_NOT_ALLOWED"
    INVALID_NUMBER = "INVALID_NUMBER"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    NOT_MULTIPLE_OF_DENOMINATION = "NOT_MULTIPLE_OF_DENOMINATION"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    # dates, calendars, conventions
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    CALENDAR_NOT_COVERED = "CALENDAR_NOT_COVERED"
    UNKNOWN_CALENDAR = "UNKNOWN_CALENDAR"
    INVALID_FREQUENCY = "INVALID_FREQUENCY"
    INVALID_SCHEDULE = "INVALID_SCHEDULE"
    PRICE_OUT_OF_RANGE = "PRICE_OUT_OF_RANGE"
    YIELD_NOT_FOUND = "YIELD_NOT_FOUND"
    # instruments and lifecycle
    INVALID_TERMS = "INVALID_TERMS"
    UNKNOWN_INSTRUMENT = "UNKNOWN_INSTRUMENT"
    INSTRUMENT_MATURED = "INSTRUMENT_MATURED"
    INSTRUMENT_PAUSED = "INSTRUMENT_PAUSED"
    SHARIAH_APPROVAL_REQUIRED = "SHARIAH_APPROVAL_REQUIRED"
    UNDERLYING_ASSET_REQUIRED = "UNDERLYING_ASSET_REQUIRED"
    FIXING_UNAVAILABLE = "FIXING_UNAVAILABLE"
    EVENT_NOT_APPLICABLE = "EVENT_NOT_APPLICABLE"
    NOT_WHOLE_BARS = "NOT_WHOLE_BARS"
    UNKNOWN_BAR = "UNKNOWN_BAR"
    BAR_ALREADY_RELEASED = "BAR_ALREADY_RELEASED"
    NOT_CASH_ISSUER = "NOT_CASH_ISSUER"
    # accounts, holdings, settlement
    UNKNOWN_ACCOUNT = "UNKNOWN_ACCOUNT"
    INVALID_ACCOUNT = "INVALID_ACCOUNT"
    SAME_ACCOUNT = "SAME_ACCOUNT"
    INSUFFICIENT_HOLDING = "INSUFFICIENT_HOLDING"
    INSUFFICIENT_CASH = "INSUFFICIENT_CASH"
    ACCOUNT_FROZEN = "ACCOUNT_FROZEN"
    SETTLEMENT_DATE_IN_PAST = "SETTLEMENT_DATE_IN_PAST"
    SETTLEMENT_DATE_NOT_REACHED = "SETTLEMENT_DATE_NOT_REACHED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    NOT_A_PARTY = "NOT_A_PARTY"
    ALREADY_AFFIRMED = "ALREADY_AFFIRMED"
    # investors and compliance
    UNKNOWN_INVESTOR = "UNKNOWN_INVESTOR"
    NOT_KYC_VERIFIED = "NOT_KYC_VERIFIED"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    LOCKED_UP = "LOCKED_UP"
    OVER_HOLDING_LIMIT = "OVER_HOLDING_LIMIT"
    GLOBAL_PAUSE = "GLOBAL_PAUSE"
    # payments and tax
    ALREADY_PAID = "ALREADY_PAID"
    NO_TAX_RATE = "NO_TAX_RATE"
    INVALID_BATCH = "INVALID_BATCH"
    # primary auctions
    INVALID_AUCTION = "INVALID_AUCTION"
    INVALID_BID = "INVALID_BID"
    COMPETITIVE_BID_NOT_ALLOWED = "COMPETITIVE_BID_NOT_ALLOWED"
    NON_COMPETITIVE_NOT_ALLOWED = "NON_COMPETITIVE_NOT_ALLOWED"
    NON_COMPETITIVE_OVER_CAP = "NON_COMPETITIVE_OVER_CAP"
    AUCTION_CLOSED = "AUCTION_CLOSED"
    INVALID_CUTOFF = "INVALID_CUTOFF"
    ALREADY_SETTLED = "ALREADY_SETTLED"


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
"""Every code, in declaration order (what the SDK mirrors)."""
