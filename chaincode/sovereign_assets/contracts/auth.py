"""Authorization: who the caller is and what it may do - the one place that decides.

Owns :class:`Caller` (MSP ID, enrollment id, certificate ``role`` attribute, admin OU),
:class:`Duty` (what a transaction needs), the duty table :data:`DUTIES`, and
:func:`authorize` / :func:`require_account_control`, which raise ``UNAUTHORIZED``.

A caller's effective role combines the org role its MSP holds in the ledger's governance
(``issuer``, ``registrar``, ``exchange``) with the ``role`` attribute of its certificate;
an org admin (OU ``admin``) of that MSP may act in any role of its org. No MSP ID is
written in code: governance names them. Controller actions are additionally guarded by
key-level endorsement policies (see :mod:`.repository`), so one org cannot act alone.

Imports fabric_chaincode only for :class:`ClientIdentity`; never logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from cryptography.x509.oid import NameOID

from fabric_chaincode import ClientIdentity
from sovereign_assets.domain import ErrorCode
from sovereign_assets.schema.messages import GovernanceConfig
from sovereign_assets.schema.records import AccountRecord

from .rules import RuleError

ENROLLMENT_ID_ATTRIBUTE = "hf.EnrollmentID"
ROLE_ATTRIBUTE = "role"
ADMIN_OU = "admin"


@dataclass(frozen=True)
class Caller:
    """The submitter, as authorization sees it.

    ``controller_id``: "<MSP ID>/<enrollment id>", what account records name.
    """

    msp_id: str
    enrollment_id: str
    cert_role: str | None
    is_admin: bool

    @property
    def controller_id(self) -> str:
        """The id account controllers are compared with."""
        return f"{self.msp_id}/{self.enrollment_id}"

    @classmethod
    def from_identity(cls, identity: ClientIdentity) -> Caller:
        """Read the certificate: enrollment id from ``hf.EnrollmentID`` (Fabric CA puts it
        in every enrollment certificate), falling back to the subject's common name."""
        enrollment = identity.get_attribute_value(ENROLLMENT_ID_ATTRIBUTE)
        if not enrollment:
            names = identity.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            enrollment = str(names[-1].value) if names else ""
        return cls(
            identity.msp_id,
            enrollment,
            identity.get_attribute_value(ROLE_ATTRIBUTE),
            identity.has_ou(ADMIN_OU),
        )


class Duty(StrEnum):
    """What a transaction requires of its caller."""

    ISSUER = "ISSUER"
    """The treasury's debt office: create and issue instruments, pay coupons."""
    REGISTRAR = "REGISTRAR"
    """The central bank: approve instruments, open dealer accounts, mint cash."""
    CONTROLLER = "CONTROLLER"
    """Issuer or registrar: pause, freeze, governance updates (both orgs endorse)."""
    EXCHANGE = "EXCHANGE"
    """The exchange's operators: match and instruct trades."""
    ONBOARDING = "ONBOARDING"
    """Banks, primary dealers and exchange operators registering investors."""


_Grant = tuple[str, frozenset[str]]  # (org role, certificate roles)

DUTIES: dict[Duty, tuple[_Grant, ...]] = {
    Duty.ISSUER: (("issuer", frozenset({"issuer"})),),
    Duty.REGISTRAR: (("registrar", frozenset({"registrar"})),),
    Duty.CONTROLLER: (
        ("issuer", frozenset({"issuer"})),
        ("registrar", frozenset({"registrar"})),
    ),
    Duty.EXCHANGE: (("exchange", frozenset({"exchange_operator"})),),
    Duty.ONBOARDING: tuple(
        (org, frozenset({"bank", "primary_dealer", "exchange_operator"}))
        for org in ("issuer", "registrar", "exchange")
    ),
}
"""Duty -> the (org role, certificate roles) pairs that grant it."""


def has_duty(caller: Caller, governance: GovernanceConfig, duty: Duty) -> bool:
    """Whether ``caller`` holds ``duty`` under ``governance`` (no exception)."""
    for org_role, cert_roles in DUTIES[duty]:
        if caller.msp_id not in governance.org_roles.get(org_role, ()):
            continue
        if caller.is_admin or caller.cert_role in cert_roles:
            return True
    return False


def authorize(caller: Caller, governance: GovernanceConfig, duty: Duty) -> None:
    """Raise ``UNAUTHORIZED`` unless ``caller`` holds ``duty``."""
    if not has_duty(caller, governance, duty):
        raise RuleError(ErrorCode.UNAUTHORIZED, f"{duty.value} duty required")


def controls_account(caller: Caller, account: AccountRecord, parent: AccountRecord | None) -> bool:
    """Whether ``caller`` controls ``account`` - directly, or as the controller of the
    bank account it is a sub-account of (the custodian acting for its client)."""
    if caller.controller_id == account.controller:
        return True
    return parent is not None and caller.controller_id == parent.controller


def require_account_control(
    caller: Caller,
    accounts: Iterable[tuple[AccountRecord, AccountRecord | None]],
) -> None:
    """Raise ``UNAUTHORIZED`` unless ``caller`` controls one of ``accounts``
    (pairs of an account and its parent account, if any)."""
    if not any(controls_account(caller, acct, parent) for acct, parent in accounts):
        raise RuleError(ErrorCode.UNAUTHORIZED, "not the account's controller")
