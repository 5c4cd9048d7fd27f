"""The instrument status machine: DRAFT -> APPROVED -> ISSUED -> MATURED.

The treasury creates an instrument (DRAFT); the registrar approves its terms (APPROVED);
its first issue - a private placement or an auction's settlement - makes it ISSUED, and a
re-opening issues more of it while it stays ISSUED; the last batch of its redemption makes
it MATURED. Only an issued instrument that has not matured changes hands.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import DomainError, ErrorCode


class InstrumentStatus(StrEnum):
    """Where an instrument is in its life on the register."""

    DRAFT = "DRAFT"
    APPROVED = "APPROVED"
    ISSUED = "ISSUED"
    MATURED = "MATURED"


def approve_status(status: InstrumentStatus) -> InstrumentStatus:
    """DRAFT -> APPROVED; anything else is ``INVALID_TRANSITION``."""
    if status is not InstrumentStatus.DRAFT:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"approve in {status}")
    return InstrumentStatus.APPROVED


def issue_status(status: InstrumentStatus) -> InstrumentStatus:
    """APPROVED -> ISSUED; an ISSUED instrument may be re-opened (stays ISSUED).

    DRAFT (not yet approved by the registrar) is ``INVALID_TRANSITION``; MATURED is
    ``INSTRUMENT_MATURED``.
    """
    if status is InstrumentStatus.MATURED:
        raise DomainError(ErrorCode.INSTRUMENT_MATURED, "the instrument has matured")
    if status not in (InstrumentStatus.APPROVED, InstrumentStatus.ISSUED):
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"issue in {status}")
    return InstrumentStatus.ISSUED


def require_tradable(instrument_id: str, status: InstrumentStatus, matured: bool) -> None:
    """Only issued, unmatured instruments change hands: ``INSTRUMENT_MATURED`` once it
    matured (``matured``: its lifecycle's maturity event applied, before the redemption
    finished), ``INVALID_TRANSITION`` before it is issued."""
    if status is InstrumentStatus.MATURED or matured:
        raise DomainError(ErrorCode.INSTRUMENT_MATURED, instrument_id)
    if status is not InstrumentStatus.ISSUED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"{instrument_id} not issued")
