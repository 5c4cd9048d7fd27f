"""Every error code the sovereign asset contracts can return, for the SDK to mirror.

Owns :class:`ContractCode` (the codes the contract layer adds to the domain's
catalogue) and :data:`ALL_CODES` (domain codes, contract codes, then the runtime's own
``UNKNOWN_FUNCTION``/``INTERNAL``...). A rejected transaction reaches the client as
``"<CODE>: <message>"``; a code string never changes once published.

Must not import: fabric_chaincode (this list is pure data the SDK may import).
"""

from __future__ import annotations

from enum import StrEnum

from sovereign_assets.domain import ALL_CODES as DOMAIN_CODES


class ContractCode(StrEnum):
    """Codes raised by the contract layer itself. The value equals the name."""

    UNAUTHORIZED = "UNAUTHORIZED"
    """The caller's organisation, certificate role or account control does not allow it."""
    NOT_FOUND = "NOT_FOUND"
    """A record the request names (governance, instruction, payment run) does not exist."""
    ALREADY_EXISTS = "ALREADY_EXISTS"
    """A record with that id exists (governance, account, investor, instrument, instruction)."""
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    """Malformed JSON, a wrong type, a bad id or date, a missing transient field."""
    PERSONAL_DATA_MISSING = "PERSONAL_DATA_MISSING"
    """``investor:Register`` found no personal data of the investor in the caller's
    organisation's collection: ``investor:RecordPersonalData`` must commit first."""


RUNTIME_CODES: tuple[str, ...] = ("UNKNOWN_FUNCTION", "PAYLOAD_TOO_LARGE", "IDENTITY", "INTERNAL")
"""Codes the chaincode runtime itself may answer with (routing, limits, identity, crashes)."""

ALL_CODES: tuple[str, ...] = (
    *DOMAIN_CODES,
    *(code.value for code in ContractCode),
    *RUNTIME_CODES,
)
"""Every code a sovereign_assets transaction can fail with, domain codes first."""
