"""Typed exceptions: one class per refusal code of the sovereign asset chaincode.

A rejected transaction reaches the client as ``"<CODE>: <message>"``; :func:`raise_for`
turns it into the class registered for that code, so callers write
``except InsufficientHoldingError`` instead of matching strings. Each class is declared
with its catalogue entry (:class:`sovereign_assets.domain.errors.ErrorCode`, reached through
the wire schema) and takes its docstring from the entry's meaning; a test proves the classes
and the catalogue are one set.

Tree: :class:`SovereignError` (a :class:`fabric_gateway.GatewayError`) is the root of every
error this package raises; :class:`RefusedError` is a refusal with a catalogue code, and the
per-code classes below derive from it. A code the catalogue does not hold is not guessed at:
the Gateway error is raised as it came (its ``chaincode_code`` still shows the text).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar, NoReturn

from fabric_gateway import GatewayError, parse_chaincode_error
from sovereign_assets.schema.codes import ALL_CODES, ErrorCode


class SovereignError(GatewayError):
    """Root of every error this package raises; a :class:`fabric_gateway.GatewayError`."""


class RefusedError(SovereignError):
    """A transaction the chaincode refused with a catalogue code (``error_code``).

    ``message`` is the chaincode's text after the code, ``str(error)`` is
    ``"<CODE>: <text>"``; ``transaction_id``, the gRPC ``code`` and the per-endorser
    ``details`` are those of ``cause``, the Gateway error the refusal arrived in (None
    when it came another way).
    """

    error_code: ClassVar[ErrorCode]
    """The catalogue entry: ``error_code.meaning``, ``.layers`` and ``.outcome``."""

    def __init__(
        self,
        message: str,
        *,
        transaction_id: str | None = None,
        cause: GatewayError | None = None,
    ) -> None:
        super().__init__(
            message,
            code=cause.code if cause else None,
            details=cause.details if cause else (),
            transaction_id=transaction_id or (cause.transaction_id if cause else None),
        )
        self.cause = cause

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("error_code")
        if isinstance(code, ErrorCode) and cls.__doc__ is None:
            cls.__doc__ = f"The chaincode answered ``{code}``: {code.meaning}"

    def chaincode_error(self, codes: Collection[str] | None = None) -> tuple[str, str]:
        """``(error_code, message)``: known by construction."""
        return self.error_code.value, self.message

    def __str__(self) -> str:
        return f"{self.error_code}: {self.message}"


class FloatNotAllowedError(RefusedError):
    error_code = ErrorCode.FLOAT_NOT_ALLOWED


class InvalidNumberError(RefusedError):
    error_code = ErrorCode.INVALID_NUMBER


class InvalidAmountError(RefusedError):
    error_code = ErrorCode.INVALID_AMOUNT


class NotMultipleOfDenominationError(RefusedError):
    error_code = ErrorCode.NOT_MULTIPLE_OF_DENOMINATION


class CurrencyMismatchError(RefusedError):
    error_code = ErrorCode.CURRENCY_MISMATCH


class InvalidDateRangeError(RefusedError):
    error_code = ErrorCode.INVALID_DATE_RANGE


class BusinessDayClosedError(RefusedError):
    error_code = ErrorCode.BUSINESS_DAY_CLOSED


class BusinessDateNotLaterError(RefusedError):
    error_code = ErrorCode.BUSINESS_DATE_NOT_LATER


class CalendarNotCoveredError(RefusedError):
    error_code = ErrorCode.CALENDAR_NOT_COVERED


class UnknownCalendarError(RefusedError):
    error_code = ErrorCode.UNKNOWN_CALENDAR


class InvalidFrequencyError(RefusedError):
    error_code = ErrorCode.INVALID_FREQUENCY


class InvalidScheduleError(RefusedError):
    error_code = ErrorCode.INVALID_SCHEDULE


class PriceOutOfRangeError(RefusedError):
    error_code = ErrorCode.PRICE_OUT_OF_RANGE


class YieldNotFoundError(RefusedError):
    error_code = ErrorCode.YIELD_NOT_FOUND


class InvalidTermsError(RefusedError):
    error_code = ErrorCode.INVALID_TERMS


class UnknownInstrumentError(RefusedError):
    error_code = ErrorCode.UNKNOWN_INSTRUMENT


class InstrumentMaturedError(RefusedError):
    error_code = ErrorCode.INSTRUMENT_MATURED


class InstrumentPausedError(RefusedError):
    error_code = ErrorCode.INSTRUMENT_PAUSED


class ShariahApprovalRequiredError(RefusedError):
    error_code = ErrorCode.SHARIAH_APPROVAL_REQUIRED


class UnderlyingAssetRequiredError(RefusedError):
    error_code = ErrorCode.UNDERLYING_ASSET_REQUIRED


class FixingUnavailableError(RefusedError):
    error_code = ErrorCode.FIXING_UNAVAILABLE


class EventNotApplicableError(RefusedError):
    error_code = ErrorCode.EVENT_NOT_APPLICABLE


class NotWholeBarsError(RefusedError):
    error_code = ErrorCode.NOT_WHOLE_BARS


class UnknownBarError(RefusedError):
    error_code = ErrorCode.UNKNOWN_BAR


class BarAlreadyReleasedError(RefusedError):
    error_code = ErrorCode.BAR_ALREADY_RELEASED


class NotCashIssuerError(RefusedError):
    error_code = ErrorCode.NOT_CASH_ISSUER


class UnknownAccountError(RefusedError):
    error_code = ErrorCode.UNKNOWN_ACCOUNT


class InvalidAccountError(RefusedError):
    error_code = ErrorCode.INVALID_ACCOUNT


class SameAccountError(RefusedError):
    error_code = ErrorCode.SAME_ACCOUNT


class InsufficientHoldingError(RefusedError):
    error_code = ErrorCode.INSUFFICIENT_HOLDING


class InsufficientCashError(RefusedError):
    error_code = ErrorCode.INSUFFICIENT_CASH


class AccountFrozenError(RefusedError):
    error_code = ErrorCode.ACCOUNT_FROZEN


class SettlementDateInPastError(RefusedError):
    error_code = ErrorCode.SETTLEMENT_DATE_IN_PAST


class SettlementDateNotReachedError(RefusedError):
    error_code = ErrorCode.SETTLEMENT_DATE_NOT_REACHED


class InvalidTransitionError(RefusedError):
    error_code = ErrorCode.INVALID_TRANSITION


class NotAPartyError(RefusedError):
    error_code = ErrorCode.NOT_A_PARTY


class AlreadyAffirmedError(RefusedError):
    error_code = ErrorCode.ALREADY_AFFIRMED


class OutsidePriceBandError(RefusedError):
    error_code = ErrorCode.OUTSIDE_PRICE_BAND


class UnknownInvestorError(RefusedError):
    error_code = ErrorCode.UNKNOWN_INVESTOR


class NotKycVerifiedError(RefusedError):
    error_code = ErrorCode.NOT_KYC_VERIFIED


class NotEligibleError(RefusedError):
    error_code = ErrorCode.NOT_ELIGIBLE


class LockedUpError(RefusedError):
    error_code = ErrorCode.LOCKED_UP


class OverHoldingLimitError(RefusedError):
    error_code = ErrorCode.OVER_HOLDING_LIMIT


class CalendarEffectiveInPastError(RefusedError):
    error_code = ErrorCode.CALENDAR_EFFECTIVE_IN_PAST


class OverNonResidentLimitError(RefusedError):
    error_code = ErrorCode.OVER_NON_RESIDENT_LIMIT


class OverProgrammeLimitError(RefusedError):
    error_code = ErrorCode.OVER_PROGRAMME_LIMIT


class GlobalPauseError(RefusedError):
    error_code = ErrorCode.GLOBAL_PAUSE


class VaultAttestationRequiredError(RefusedError):
    error_code = ErrorCode.VAULT_ATTESTATION_REQUIRED


class CourtOrderRequiredError(RefusedError):
    error_code = ErrorCode.COURT_ORDER_REQUIRED


class InvalidDocumentError(RefusedError):
    error_code = ErrorCode.INVALID_DOCUMENT


class InvalidReasonError(RefusedError):
    error_code = ErrorCode.INVALID_REASON


class DocumentSupersededError(RefusedError):
    error_code = ErrorCode.DOCUMENT_SUPERSEDED


class UnknownDocumentError(RefusedError):
    error_code = ErrorCode.UNKNOWN_DOCUMENT


class IdentityBarredError(RefusedError):
    error_code = ErrorCode.IDENTITY_BARRED


class RecordDatePassedError(RefusedError):
    error_code = ErrorCode.RECORD_DATE_PASSED


class AlreadyPaidError(RefusedError):
    error_code = ErrorCode.ALREADY_PAID


class NoTaxRateError(RefusedError):
    error_code = ErrorCode.NO_TAX_RATE


class InvalidBatchError(RefusedError):
    error_code = ErrorCode.INVALID_BATCH


class InvalidAuctionError(RefusedError):
    error_code = ErrorCode.INVALID_AUCTION


class InvalidBidError(RefusedError):
    error_code = ErrorCode.INVALID_BID


class CompetitiveBidNotAllowedError(RefusedError):
    error_code = ErrorCode.COMPETITIVE_BID_NOT_ALLOWED


class NonCompetitiveNotAllowedError(RefusedError):
    error_code = ErrorCode.NON_COMPETITIVE_NOT_ALLOWED


class NonCompetitiveOverCapError(RefusedError):
    error_code = ErrorCode.NON_COMPETITIVE_OVER_CAP


class AuctionClosedError(RefusedError):
    error_code = ErrorCode.AUCTION_CLOSED


class InvalidCutoffError(RefusedError):
    error_code = ErrorCode.INVALID_CUTOFF


class PriceRequiredError(RefusedError):
    error_code = ErrorCode.PRICE_REQUIRED


class AlreadySettledError(RefusedError):
    error_code = ErrorCode.ALREADY_SETTLED


class SecondControllerRequiredError(RefusedError):
    error_code = ErrorCode.SECOND_CONTROLLER_REQUIRED


class ProposalExpiredError(RefusedError):
    error_code = ErrorCode.PROPOSAL_EXPIRED


class ProposalStaleError(RefusedError):
    error_code = ErrorCode.PROPOSAL_STALE


class BootstrapRolesMismatchError(RefusedError):
    error_code = ErrorCode.BOOTSTRAP_ROLES_MISMATCH


class UnauthorizedError(RefusedError):
    error_code = ErrorCode.UNAUTHORIZED


class NotFoundError(RefusedError):
    error_code = ErrorCode.NOT_FOUND


class AlreadyExistsError(RefusedError):
    error_code = ErrorCode.ALREADY_EXISTS


class InvalidArgumentError(RefusedError):
    error_code = ErrorCode.INVALID_ARGUMENT


class PersonalDataMissingError(RefusedError):
    error_code = ErrorCode.PERSONAL_DATA_MISSING


class UnknownFunctionError(RefusedError):
    error_code = ErrorCode.UNKNOWN_FUNCTION


class PayloadTooLargeError(RefusedError):
    error_code = ErrorCode.PAYLOAD_TOO_LARGE


class IdentityError(RefusedError):
    error_code = ErrorCode.IDENTITY


class InternalError(RefusedError):
    error_code = ErrorCode.INTERNAL


class ResponseTooLargeError(RefusedError):
    error_code = ErrorCode.RESPONSE_TOO_LARGE


_BY_CODE: dict[str, type[RefusedError]] = {
    cls.error_code.value: cls
    for cls in list(globals().values())
    if isinstance(cls, type) and issubclass(cls, RefusedError) and cls is not RefusedError
}


def error_class(code: str) -> type[RefusedError] | None:
    """The exception class for ``code``, or None when the code is unknown."""
    return _BY_CODE.get(code)


def codes() -> frozenset[str]:
    """Every code this client maps to its own class."""
    return frozenset(_BY_CODE)


def from_message(
    text: str, *, transaction_id: str | None = None, cause: GatewayError | None = None
) -> RefusedError | None:
    """The typed error for a chaincode message ``"<CODE>: <message>"``, or None when the
    text carries no code of the catalogue."""
    parsed = parse_chaincode_error(text, ALL_CODES)
    if parsed is None:
        return None
    code, message = parsed
    return _BY_CODE[code](message, transaction_id=transaction_id, cause=cause)


def raise_for(error: GatewayError) -> NoReturn:
    """Re-raise a Gateway error as the typed refusal it carries, else as is."""
    parsed = error.chaincode_error(ALL_CODES)
    if parsed is None:
        raise error
    code, message = parsed
    raise _BY_CODE[code](message, transaction_id=error.transaction_id, cause=error) from error
