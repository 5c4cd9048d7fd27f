"""Two-controller governance changes: one controller proposes, the other approves.

A change to the ledger-held configuration (org roles, cash accounts, calendars, the
withholding table, the kill switch) takes effect only when both controllers agree: the
treasury (the ``issuer`` org role) and the central bank (``registrar``). One controller
proposes the exact new configuration; the proposal is identified by the SHA-256 of that
exact change and of the configuration it amends; an organisation holding the controller
role the proposer lacks approves it by that hash, and only then does it apply, once.

Owns :data:`CONTROLLER_ROLES`, :data:`PROPOSAL_LIFETIME_DAYS`, :func:`proposal_expiry`,
:func:`require_live` (``PROPOSAL_EXPIRED``, ``PROPOSAL_STALE``) and
:func:`require_second_controller` (``SECOND_CONTROLLER_REQUIRED``).

Must not import: anything outside the standard library and this package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from .errors import DomainError, ErrorCode

CONTROLLER_ROLES = ("issuer", "registrar")
"""The org roles that control the register: the treasury and the central bank. A change
needs an organisation of each."""

PROPOSAL_LIFETIME_DAYS = 7
"""Calendar days after the business date a change was proposed on during which it may
be approved; later it is ``PROPOSAL_EXPIRED``."""


def proposal_expiry(proposed_on: date | None) -> date | None:
    """The last business date on which a change proposed on ``proposed_on`` may be
    approved. Before the first business date is opened there is no ledger time, so such a
    proposal has no dated expiry (it can still be withdrawn, and goes stale when
    governance changes)."""
    return None if proposed_on is None else proposed_on + timedelta(days=PROPOSAL_LIFETIME_DAYS)


def require_live(
    *,
    proposal_id: str,
    base: str,
    current_base: str,
    expires_on: date | None,
    last_business_date: date | None,
) -> None:
    """Raise unless the proposal may still be approved: ``PROPOSAL_STALE`` when the
    configuration it amends (``base``, a hash) is no longer the current one
    (``current_base``), ``PROPOSAL_EXPIRED`` when the latest business date is past
    ``expires_on``."""
    if base != current_base:
        raise DomainError(ErrorCode.PROPOSAL_STALE, proposal_id)
    if expires_on is None or last_business_date is None:
        return
    if last_business_date > expires_on:
        raise DomainError(ErrorCode.PROPOSAL_EXPIRED, f"{proposal_id}: expired after {expires_on}")


def controller_roles(org_roles: Mapping[str, Sequence[str]], msp_id: str) -> frozenset[str]:
    """The controller roles ``msp_id`` holds under ``org_roles``."""
    return frozenset(role for role in CONTROLLER_ROLES if msp_id in org_roles.get(role, ()))


def require_second_controller(
    org_roles: Mapping[str, Sequence[str]],
    proposer_msp: str,
    approver_msp: str,
) -> None:
    """Raise ``SECOND_CONTROLLER_REQUIRED`` unless the approver is another organisation
    and the two together hold every controller role (the treasury and the central bank)."""
    if approver_msp == proposer_msp:
        raise DomainError(
            ErrorCode.SECOND_CONTROLLER_REQUIRED, "the proposing organisation cannot approve"
        )
    together = controller_roles(org_roles, proposer_msp) | controller_roles(org_roles, approver_msp)
    missing = sorted(set(CONTROLLER_ROLES) - together)
    if missing:
        raise DomainError(
            ErrorCode.SECOND_CONTROLLER_REQUIRED, f"an organisation of role {missing} must approve"
        )
