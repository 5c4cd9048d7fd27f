"""Controller actions: why they happen, what evidence they need, and what they leave free.

Owns :class:`ControlReason` (the reason code every controller action states),
:class:`DocumentKind` and :class:`RegisteredDocument` (the document registry's view the
rules need), :func:`require_evidence` (a reason that the law ties to a document needs one
of that kind, in force), :func:`free_balance` (what a holding may still dispose of), and
:func:`frozen_after_forced_transfer`.

The rules, stated once:

- A freeze stops disposal, not entitlement. The free balance of a holding - its amount
  less the frozen part, never below zero - is what transfers, settlements, redemptions
  of bars and pledges may use; a whole-account freeze leaves nothing free and lets
  nothing in. Coupons, rentals and the redemption at maturity are paid on the whole
  holding, frozen part included, into the holder's own account: the holder stays the
  legal owner (DOMAIN.md 4) and each period is paid once per holder (DOMAIN.md 5);
  cash paid into a frozen account stays under that account's freeze.
- A forced transfer executes a court order: it ignores the instrument's pause and the
  accounts' freezes, but not the kill switch, and takes the frozen units first (a court
  freezes what it later orders moved), so the frozen part shrinks by what moved.
- ``COURT_ORDER`` needs a court-order document in force; a forced transfer needs the
  ``COURT_ORDER`` reason; lost-key recovery needs ``LOST_KEY``.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .errors import DomainError, ErrorCode


class ControlReason(StrEnum):
    """Why a controller acted; stored with the action and carried by its event."""

    COURT_ORDER = "COURT_ORDER"
    """A court ordered it (needs a ``COURT_ORDER`` document in force)."""
    REGULATORY_DIRECTION = "REGULATORY_DIRECTION"
    """The regulator directed it."""
    SANCTIONS = "SANCTIONS"
    """A sanctions listing."""
    SUSPECTED_FRAUD = "SUSPECTED_FRAUD"
    """Fraud is suspected and under investigation."""
    OPERATIONAL_INCIDENT = "OPERATIONAL_INCIDENT"
    """A technical or operational incident (the usual reason for the kill switch)."""
    LOST_KEY = "LOST_KEY"
    """The holder lost the private key of its certificate (lost-key recovery)."""
    CORPORATE_ACTION = "CORPORATE_ACTION"
    """An instrument event that needs transfers stopped."""
    RELEASE = "RELEASE"
    """The cause of an earlier action is over (unfreeze, resume, release)."""


class DocumentKind(StrEnum):
    """Kinds of document the registry keeps."""

    PROSPECTUS = "PROSPECTUS"
    SHARIAH_CERTIFICATE = "SHARIAH_CERTIFICATE"
    """The Shariah board's approval of a sukuk; required before it is approved or issued."""
    VAULT_ATTESTATION = "VAULT_ATTESTATION"
    """The vault's attestation of allocated bars; required before a commodity token is
    approved or issued."""
    COURT_ORDER = "COURT_ORDER"
    """A court's order; required by the ``COURT_ORDER`` reason and by forced transfers."""


_NEEDS_DOCUMENT: dict[ControlReason, DocumentKind] = {
    ControlReason.COURT_ORDER: DocumentKind.COURT_ORDER,
}
"""Reasons the law ties to a document, and its kind."""


class ControlKind(StrEnum):
    """What a controller action did (the ``kind`` of its record and event)."""

    FREEZE_ACCOUNT = "FREEZE_ACCOUNT"
    UNFREEZE_ACCOUNT = "UNFREEZE_ACCOUNT"
    FREEZE_HOLDING = "FREEZE_HOLDING"
    UNFREEZE_HOLDING = "UNFREEZE_HOLDING"
    PAUSE_INSTRUMENT = "PAUSE_INSTRUMENT"
    RESUME_INSTRUMENT = "RESUME_INSTRUMENT"
    HALT = "HALT"
    RELEASE = "RELEASE"
    FORCED_TRANSFER = "FORCED_TRANSFER"
    LOST_KEY_RECOVERY = "LOST_KEY_RECOVERY"


_SHA256 = re.compile(r"[0-9a-f]{64}")
_URI = re.compile(r"[a-z][a-z0-9+.-]*:[^\s]+")
MAX_DOCUMENT_TEXT = 512
"""Longest document name or URI (characters)."""


@dataclass(frozen=True)
class RegisteredDocument:
    """A registry entry as the rules see it: ``document_id``, ``kind``, whether it is in
    force (not superseded) and the instrument ids it is attached to."""

    document_id: str
    kind: DocumentKind
    in_force: bool
    instruments: frozenset[str] = frozenset()


def parse_reason(text: str) -> ControlReason:
    """The reason ``text`` names, or ``INVALID_REASON``."""
    try:
        return ControlReason(text)
    except ValueError:
        known = ", ".join(r.value for r in ControlReason)
        raise DomainError(ErrorCode.INVALID_REASON, f"reason: one of {known}") from None


def parse_document_kind(text: str) -> DocumentKind:
    """The document kind ``text`` names, or ``INVALID_DOCUMENT``."""
    try:
        return DocumentKind(text)
    except ValueError:
        known = ", ".join(k.value for k in DocumentKind)
        raise DomainError(ErrorCode.INVALID_DOCUMENT, f"kind: one of {known}") from None


def check_document(name: str, uri: str, sha256: str) -> None:
    """A document names itself, lives at a URI (``scheme:...``, no spaces) and is fixed by
    the lowercase hex SHA-256 of its bytes; else ``INVALID_DOCUMENT``."""
    if not name.strip() or len(name) > MAX_DOCUMENT_TEXT:
        raise DomainError(ErrorCode.INVALID_DOCUMENT, "name: 1 to 512 characters")
    if len(uri) > MAX_DOCUMENT_TEXT or not _URI.fullmatch(uri):
        raise DomainError(ErrorCode.INVALID_DOCUMENT, "uri: scheme:rest, no spaces")
    if not _SHA256.fullmatch(sha256):
        raise DomainError(ErrorCode.INVALID_DOCUMENT, "sha256: 64 lowercase hex digits")


def require_evidence(
    reason: ControlReason,
    document: RegisteredDocument | None,
    *,
    required: DocumentKind | None = None,
) -> None:
    """Raise unless the action's evidence fits its reason: a reason tied to a document
    kind (``COURT_ORDER``), or an action that needs one (``required``), must name a
    registered document of that kind that is in force (``COURT_ORDER_REQUIRED`` /
    ``DOCUMENT_SUPERSEDED``); a document named for another reason must be in force too."""
    kind = required or _NEEDS_DOCUMENT.get(reason)
    if kind is not None and (document is None or document.kind is not kind):
        code = (
            ErrorCode.COURT_ORDER_REQUIRED
            if kind is DocumentKind.COURT_ORDER
            else ErrorCode.INVALID_DOCUMENT
        )
        raise DomainError(code, f"{reason.value} needs a {kind.value} document")
    if document is not None and not document.in_force:
        raise DomainError(ErrorCode.DOCUMENT_SUPERSEDED, document.document_id)


def require_reason(reason: ControlReason, *allowed: ControlReason) -> None:
    """Raise ``INVALID_REASON`` unless ``reason`` is one of ``allowed``."""
    if reason not in allowed:
        names = ", ".join(r.value for r in allowed)
        raise DomainError(ErrorCode.INVALID_REASON, f"reason must be {names}")


def in_force_of_kind(
    documents: list[RegisteredDocument], kind: DocumentKind, instrument_id: str
) -> RegisteredDocument | None:
    """The first document of ``kind`` in force and attached to ``instrument_id``."""
    for document in documents:
        if document.kind is kind and document.in_force and instrument_id in document.instruments:
            return document
    return None


def free_balance(holding: int, frozen_part: int, account_frozen: bool = False) -> int:
    """What a holding may dispose of: nothing in a frozen account, else the holding less
    its frozen part (never below zero)."""
    if account_frozen:
        return 0
    return max(0, holding - frozen_part)


def frozen_after_forced_transfer(frozen_part: int, amount: int) -> int:
    """The frozen part left after a forced transfer of ``amount``: the transfer takes the
    frozen units first (a court freezes what it will later order moved)."""
    return max(0, frozen_part - amount)
