"""Typed exceptions: one class per error code the sovereign asset chaincode returns.

A rejected transaction reaches the client as ``"<CODE>: <message>"``; :func:`raise_for`
turns it into the class registered for that code, so callers write
``except InsufficientHoldingError`` instead of matching strings. The classes mirror
``sovereign_assets.schema.codes.ALL_CODES`` exactly (a test keeps them in step).
"""

from __future__ import annotations

from typing import ClassVar, NoReturn

from fabric_gateway import GatewayError, parse_chaincode_error


class SovereignError(Exception):
    """A transaction the chaincode refused, with its stable ``code``.

    ``transaction_id`` is set when the refusal came from a submitted transaction;
    ``cause`` holds the Gateway error (endorser details, gRPC status) when there is one.
    """

    code: ClassVar[str] = "UNKNOWN"

    def __init__(
        self,
        message: str,
        *,
        transaction_id: str | None = None,
        cause: GatewayError | None = None,
    ) -> None:
        super().__init__(f"{self.code}: {message}")
        self.message = message
        self.transaction_id = transaction_id
        self.cause = cause


class UnknownCodeError(SovereignError):
    """The chaincode answered with a code this client does not know (a newer chaincode)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        transaction_id: str | None = None,
        cause: GatewayError | None = None,
    ) -> None:
        self.unknown_code = code
        super().__init__(message, transaction_id=transaction_id, cause=cause)

    def __str__(self) -> str:
        return f"{self.unknown_code}: {self.message}"


class FloatNotAllowedError(SovereignError):
    """The chaincode answered ``FLOAT_NOT_ALLOWED``."""

    code = "FLOAT_NOT_ALLOWED"


class InvalidNumberError(SovereignError):
    """The chaincode answered ``INVALID_NUMBER``."""

    code = "INVALID_NUMBER"


class InvalidAmountError(SovereignError):
    """The chaincode answered ``INVALID_AMOUNT``."""

    code = "INVALID_AMOUNT"


class NotMultipleOfDenominationError(SovereignError):
    """The chaincode answered ``NOT_MULTIPLE_OF_DENOMINATION``."""

    code = "NOT_MULTIPLE_OF_DENOMINATION"


class CurrencyMismatchError(SovereignError):
    """The chaincode answered ``CURRENCY_MISMATCH``."""

    code = "CURRENCY_MISMATCH"


class InvalidDateRangeError(SovereignError):
    """The chaincode answered ``INVALID_DATE_RANGE``."""

    code = "INVALID_DATE_RANGE"


class CalendarNotCoveredError(SovereignError):
    """The chaincode answered ``CALENDAR_NOT_COVERED``."""

    code = "CALENDAR_NOT_COVERED"


class UnknownCalendarError(SovereignError):
    """The chaincode answered ``UNKNOWN_CALENDAR``."""

    code = "UNKNOWN_CALENDAR"


class InvalidFrequencyError(SovereignError):
    """The chaincode answered ``INVALID_FREQUENCY``."""

    code = "INVALID_FREQUENCY"


class InvalidScheduleError(SovereignError):
    """The chaincode answered ``INVALID_SCHEDULE``."""

    code = "INVALID_SCHEDULE"


class PriceOutOfRangeError(SovereignError):
    """The chaincode answered ``PRICE_OUT_OF_RANGE``."""

    code = "PRICE_OUT_OF_RANGE"


class YieldNotFoundError(SovereignError):
    """The chaincode answered ``YIELD_NOT_FOUND``."""

    code = "YIELD_NOT_FOUND"


class InvalidTermsError(SovereignError):
    """The chaincode answered ``INVALID_TERMS``."""

    code = "INVALID_TERMS"


class UnknownInstrumentError(SovereignError):
    """The chaincode answered ``UNKNOWN_INSTRUMENT``."""

    code = "UNKNOWN_INSTRUMENT"


class InstrumentMaturedError(SovereignError):
    """The chaincode answered ``INSTRUMENT_MATURED``."""

    code = "INSTRUMENT_MATURED"


class InstrumentPausedError(SovereignError):
    """The chaincode answered ``INSTRUMENT_PAUSED``."""

    code = "INSTRUMENT_PAUSED"


class ShariahApprovalRequiredError(SovereignError):
    """The chaincode answered ``SHARIAH_APPROVAL_REQUIRED``."""

    code = "SHARIAH_APPROVAL_REQUIRED"


class UnderlyingAssetRequiredError(SovereignError):
    """The chaincode answered ``UNDERLYING_ASSET_REQUIRED``."""

    code = "UNDERLYING_ASSET_REQUIRED"


class FixingUnavailableError(SovereignError):
    """The chaincode answered ``FIXING_UNAVAILABLE``."""

    code = "FIXING_UNAVAILABLE"


class EventNotApplicableError(SovereignError):
    """The chaincode answered ``EVENT_NOT_APPLICABLE``."""

    code = "EVENT_NOT_APPLICABLE"


class NotWholeBarsError(SovereignError):
    """The chaincode answered ``NOT_WHOLE_BARS``."""

    code = "NOT_WHOLE_BARS"


class UnknownBarError(SovereignError):
    """The chaincode answered ``UNKNOWN_BAR``."""

    code = "UNKNOWN_BAR"


class BarAlreadyReleasedError(SovereignError):
    """The chaincode answered ``BAR_ALREADY_RELEASED``."""

    code = "BAR_ALREADY_RELEASED"


class NotCashIssuerError(SovereignError):
    """The chaincode answered ``NOT_CASH_ISSUER``."""

    code = "NOT_CASH_ISSUER"


class UnknownAccountError(SovereignError):
    """The chaincode answered ``UNKNOWN_ACCOUNT``."""

    code = "UNKNOWN_ACCOUNT"


class InvalidAccountError(SovereignError):
    """The chaincode answered ``INVALID_ACCOUNT``."""

    code = "INVALID_ACCOUNT"


class SameAccountError(SovereignError):
    """The chaincode answered ``SAME_ACCOUNT``."""

    code = "SAME_ACCOUNT"


class InsufficientHoldingError(SovereignError):
    """The chaincode answered ``INSUFFICIENT_HOLDING``."""

    code = "INSUFFICIENT_HOLDING"


class InsufficientCashError(SovereignError):
    """The chaincode answered ``INSUFFICIENT_CASH``."""

    code = "INSUFFICIENT_CASH"


class AccountFrozenError(SovereignError):
    """The chaincode answered ``ACCOUNT_FROZEN``."""

    code = "ACCOUNT_FROZEN"


class SettlementDateInPastError(SovereignError):
    """The chaincode answered ``SETTLEMENT_DATE_IN_PAST``."""

    code = "SETTLEMENT_DATE_IN_PAST"


class SettlementDateNotReachedError(SovereignError):
    """The chaincode answered ``SETTLEMENT_DATE_NOT_REACHED``."""

    code = "SETTLEMENT_DATE_NOT_REACHED"


class InvalidTransitionError(SovereignError):
    """The chaincode answered ``INVALID_TRANSITION``."""

    code = "INVALID_TRANSITION"


class NotAPartyError(SovereignError):
    """The chaincode answered ``NOT_A_PARTY``."""

    code = "NOT_A_PARTY"


class AlreadyAffirmedError(SovereignError):
    """The chaincode answered ``ALREADY_AFFIRMED``."""

    code = "ALREADY_AFFIRMED"


class UnknownInvestorError(SovereignError):
    """The chaincode answered ``UNKNOWN_INVESTOR``."""

    code = "UNKNOWN_INVESTOR"


class NotKycVerifiedError(SovereignError):
    """The chaincode answered ``NOT_KYC_VERIFIED``."""

    code = "NOT_KYC_VERIFIED"


class NotEligibleError(SovereignError):
    """The chaincode answered ``NOT_ELIGIBLE``."""

    code = "NOT_ELIGIBLE"


class LockedUpError(SovereignError):
    """The chaincode answered ``LOCKED_UP``."""

    code = "LOCKED_UP"


class OverHoldingLimitError(SovereignError):
    """The chaincode answered ``OVER_HOLDING_LIMIT``."""

    code = "OVER_HOLDING_LIMIT"


class GlobalPauseError(SovereignError):
    """The chaincode answered ``GLOBAL_PAUSE``."""

    code = "GLOBAL_PAUSE"


class AlreadyPaidError(SovereignError):
    """The chaincode answered ``ALREADY_PAID``."""

    code = "ALREADY_PAID"


class NoTaxRateError(SovereignError):
    """The chaincode answered ``NO_TAX_RATE``."""

    code = "NO_TAX_RATE"


class InvalidBatchError(SovereignError):
    """The chaincode answered ``INVALID_BATCH``."""

    code = "INVALID_BATCH"


class InvalidAuctionError(SovereignError):
    """The chaincode answered ``INVALID_AUCTION``."""

    code = "INVALID_AUCTION"


class InvalidBidError(SovereignError):
    """The chaincode answered ``INVALID_BID``."""

    code = "INVALID_BID"


class CompetitiveBidNotAllowedError(SovereignError):
    """The chaincode answered ``COMPETITIVE_BID_NOT_ALLOWED``."""

    code = "COMPETITIVE_BID_NOT_ALLOWED"


class NonCompetitiveNotAllowedError(SovereignError):
    """The chaincode answered ``NON_COMPETITIVE_NOT_ALLOWED``."""

    code = "NON_COMPETITIVE_NOT_ALLOWED"


class NonCompetitiveOverCapError(SovereignError):
    """The chaincode answered ``NON_COMPETITIVE_OVER_CAP``."""

    code = "NON_COMPETITIVE_OVER_CAP"


class AuctionClosedError(SovereignError):
    """The chaincode answered ``AUCTION_CLOSED``."""

    code = "AUCTION_CLOSED"


class InvalidCutoffError(SovereignError):
    """The chaincode answered ``INVALID_CUTOFF``."""

    code = "INVALID_CUTOFF"


class AlreadySettledError(SovereignError):
    """The chaincode answered ``ALREADY_SETTLED``."""

    code = "ALREADY_SETTLED"


class UnauthorizedError(SovereignError):
    """The chaincode answered ``UNAUTHORIZED``."""

    code = "UNAUTHORIZED"


class NotFoundError(SovereignError):
    """The chaincode answered ``NOT_FOUND``."""

    code = "NOT_FOUND"


class AlreadyExistsError(SovereignError):
    """The chaincode answered ``ALREADY_EXISTS``."""

    code = "ALREADY_EXISTS"


class InvalidArgumentError(SovereignError):
    """The chaincode answered ``INVALID_ARGUMENT``."""

    code = "INVALID_ARGUMENT"


class PersonalDataMissingError(SovereignError):
    """The chaincode answered ``PERSONAL_DATA_MISSING``."""

    code = "PERSONAL_DATA_MISSING"


class UnknownFunctionError(SovereignError):
    """The chaincode answered ``UNKNOWN_FUNCTION``."""

    code = "UNKNOWN_FUNCTION"


class PayloadTooLargeError(SovereignError):
    """The chaincode answered ``PAYLOAD_TOO_LARGE``."""

    code = "PAYLOAD_TOO_LARGE"


class IdentityError(SovereignError):
    """The chaincode answered ``IDENTITY``."""

    code = "IDENTITY"


class InternalError(SovereignError):
    """The chaincode answered ``INTERNAL``."""

    code = "INTERNAL"


_BY_CODE: dict[str, type[SovereignError]] = {
    cls.code: cls
    for cls in list(globals().values())
    if isinstance(cls, type) and issubclass(cls, SovereignError) and cls.code != "UNKNOWN"
}


def error_class(code: str) -> type[SovereignError] | None:
    """The exception class for ``code``, or None when the code is unknown."""
    return _BY_CODE.get(code)


def codes() -> frozenset[str]:
    """Every code this client maps to its own class."""
    return frozenset(_BY_CODE)


def from_message(
    text: str, *, transaction_id: str | None = None, cause: GatewayError | None = None
) -> SovereignError | None:
    """The typed error for a chaincode message ``"<CODE>: <message>"``, or None."""
    parsed = parse_chaincode_error(text)
    if parsed is None:
        return None
    code, message = parsed
    cls = _BY_CODE.get(code)
    if cls is None:
        return UnknownCodeError(code, message, transaction_id=transaction_id, cause=cause)
    return cls(message, transaction_id=transaction_id, cause=cause)


def raise_for(error: GatewayError) -> NoReturn:
    """Re-raise a Gateway error as the typed chaincode error it carries, else as is."""
    code, message = error.chaincode_code, error.chaincode_message
    if code is None or message is None:
        raise error
    typed = from_message(f"{code}: {message}", transaction_id=error.transaction_id, cause=error)
    if typed is None:
        raise error
    raise typed from error
