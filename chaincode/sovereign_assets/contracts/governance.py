"""``governance:*`` - the ledger-held configuration every other contract reads, and the
business date.

The business date is ledger state: the central bank opens each date
(``OpenBusinessDate``, always later than the last) and closes it; every date rule of
every contract reads it, never the proposal's timestamp. Its key carries the same
AND(issuer peer, registrar peer) endorsement policy as governance.

Bootstrap once (by an admin or registrar of the MSP the configuration names as
registrar, naming exactly the org roles each endorsing peer's operator configured for
its chaincode server: see :mod:`.operator_roles`). Afterwards every change needs both
controllers: one proposes the exact new configuration (``Propose``, stored under the
SHA-256 of the change and of the configuration it amends), an organisation holding the
other controller role approves it by that hash (``Approve``), and it applies once and
whole; either controller may ``Withdraw`` it; it expires
:data:`~sovereign_assets.domain.governance_changes.PROPOSAL_LIFETIME_DAYS` after the
business date it was proposed on and goes stale when governance changes first. The
governance key carries an AND(issuer peer, registrar peer) endorsement policy, so no
change commits without the endorsement of both organisations' peers, which run these
checks.
Bootstrap also creates the control register with the same policy (every controller
action writes it: :mod:`.controls`); an applied change carries the policy over to the
controllers it names. The kill switch (``global_pause``) changes only by ``control:Halt``
and ``control:Release``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from fabric_chaincode import Context
from fabric_chaincode.serialization import dumps, to_json_value
from sovereign_assets.domain import (
    BusinessDay,
    ErrorCode,
    close_business_date,
    open_business_date,
)
from sovereign_assets.domain.errors import DomainError
from sovereign_assets.domain.governance_changes import (
    proposal_expiry,
    require_live,
    require_second_controller,
)
from sovereign_assets.schema.messages import BusinessDate, GovernanceConfig
from sovereign_assets.schema.records import (
    ControlRegister,
    GovernanceProposalRecord,
    GovernanceRecord,
)

from . import rules
from .auth import Duty, authorize
from .base import SovereignContext, SovereignContract, query, sovereign, transaction
from .operator_roles import RolesSource, require_configured_roles
from .rules import RuleError, validate_governance


class GovernanceContract(SovereignContract):
    """Org roles, cash accounts, time zone, calendars, withholding tax."""

    name = "governance"

    def __init__(self, operator_roles: RolesSource | None = None) -> None:
        super().__init__()
        self._operator_roles = operator_roles

    @transaction("Bootstrap")
    def bootstrap(self, ctx: Context, config: GovernanceConfig) -> None:
        """Store the first configuration; refused once one exists, and refused by every
        peer whose operator configured other org roles (``BOOTSTRAP_ROLES_MISMATCH``)."""
        sctx = sovereign(ctx)
        if sctx.repo.governance() is not None:
            raise RuleError(ErrorCode.ALREADY_EXISTS, "governance exists; propose a change")
        validate_governance(config)
        require_configured_roles(config.org_roles, self._operator_roles)
        authorize(sctx.caller, config, Duty.REGISTRAR)
        sctx.repo.put_governance(GovernanceRecord(config))
        sctx.repo.put_control_register(ControlRegister(0, None), _controllers(config))
        sctx.repo.emit("GovernanceBootstrapped", _summary(config))

    @transaction("Propose")
    def propose(self, ctx: Context, config: GovernanceConfig) -> GovernanceProposalRecord:
        """Propose ``config`` as the next configuration (a controller). Nothing changes
        until an organisation holding the other controller role approves it by its
        ``proposal_id``."""
        sctx = sovereign(ctx)
        caller = sctx.authorize(Duty.CONTROLLER)
        _check_change(sctx, config)
        if config == sctx.governance:
            raise rules.invalid("config: the same as the current configuration")
        base = sctx.repo.governance_hash()
        proposal_id = change_id(base, config)
        last = _last_business_date(sctx)
        existing = sctx.repo.governance_proposal(proposal_id)
        if existing is not None and not _expired(existing, last):
            raise RuleError(ErrorCode.ALREADY_EXISTS, f"proposal {proposal_id}")
        expires = proposal_expiry(last)
        record = GovernanceProposalRecord(
            proposal_id=proposal_id,
            config=config,
            base=base,
            proposer=caller.controller_id,
            proposer_msp=caller.msp_id,
            proposed_on=None if last is None else last.isoformat(),
            expires_on=None if expires is None else expires.isoformat(),
        )
        sctx.repo.put_governance_proposal(record)
        sctx.repo.emit(
            "GovernanceChangeProposed",
            {
                "proposal_id": proposal_id,
                "proposer_msp": caller.msp_id,
                "expires_on": record.expires_on,
            },
        )
        return record

    @transaction("Approve")
    def approve(self, ctx: Context, proposal_id: str) -> GovernanceConfig:
        """Approve the change ``proposal_id`` names and apply it, whole and once (a
        controller of another organisation than the proposer's, which together with the
        proposer's holds both controller roles)."""
        sctx = sovereign(ctx)
        caller = sctx.authorize(Duty.CONTROLLER)
        proposal = _require_proposal(sctx, proposal_id)
        require_second_controller(sctx.governance.org_roles, proposal.proposer_msp, caller.msp_id)
        require_live(
            proposal_id=proposal_id,
            base=proposal.base,
            current_base=sctx.repo.governance_hash(),
            expires_on=_optional_date(proposal.expires_on),
            last_business_date=_last_business_date(sctx),
        )
        # The ledger may have changed since the proposal (an account closed or re-tiered):
        # the change must still hold against it now.
        _check_change(sctx, proposal.config)
        sctx.repo.put_governance(GovernanceRecord(proposal.config))
        register = sctx.repo.control_register() or ControlRegister(0, None)
        # The controllers named now endorse every later controller action.
        sctx.repo.put_control_register(register, _controllers(proposal.config))
        sctx.repo.delete_governance_proposal(proposal_id)
        summary = _summary(proposal.config)
        summary.update(
            proposal_id=proposal_id,
            proposer_msp=proposal.proposer_msp,
            approver_msp=caller.msp_id,
        )
        sctx.repo.emit("GovernanceUpdated", summary)
        return proposal.config

    @transaction("Withdraw")
    def withdraw(self, ctx: Context, proposal_id: str) -> None:
        """Withdraw a pending change (a controller: the proposer's organisation taking it
        back, or the other controller rejecting it); expired ones too."""
        sctx = sovereign(ctx)
        caller = sctx.authorize(Duty.CONTROLLER)
        _require_proposal(sctx, proposal_id)
        sctx.repo.delete_governance_proposal(proposal_id)
        sctx.repo.emit(
            "GovernanceChangeWithdrawn", {"proposal_id": proposal_id, "by_msp": caller.msp_id}
        )

    @query("Proposal")
    def proposal(self, ctx: Context, proposal_id: str) -> GovernanceProposalRecord:
        """One pending change (``NOT_FOUND`` once applied or withdrawn); the controllers
        read it (:mod:`.visibility`)."""
        return _require_proposal(sovereign(ctx), proposal_id)

    @query("Proposals")
    def proposals(self, ctx: Context) -> list[GovernanceProposalRecord]:
        """Every pending change, by id (expired ones until withdrawn); the controllers
        read them (:mod:`.visibility`)."""
        return sovereign(ctx).repo.governance_proposals()

    @transaction("OpenBusinessDate")
    def open_business_date(self, ctx: Context, business_date: str) -> BusinessDate:
        """Open ``business_date`` (ISO) for business (central bank): later than every
        date opened before; it closes the previous one. Every date rule reads it."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        day = rules.parse_date(business_date, "business_date")
        opened = open_business_date(rules.to_business_day(sctx.repo.business_day()), day)
        return _store_day(sctx, opened, "BusinessDateOpened")

    @transaction("CloseBusinessDate")
    def close_business_date(self, ctx: Context) -> BusinessDate:
        """Close the open business date (central bank): nothing that reads the date runs
        until the next one is opened."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        closed = close_business_date(rules.to_business_day(sctx.repo.business_day()))
        return _store_day(sctx, closed, "BusinessDateClosed")

    @query("BusinessDate")
    def business_date(self, ctx: Context) -> BusinessDate:
        """The business date and whether it is open (``BUSINESS_DAY_CLOSED`` before the
        first one was opened)."""
        sctx = sovereign(ctx)
        record = sctx.repo.business_day()
        if record is None:
            raise DomainError(ErrorCode.BUSINESS_DAY_CLOSED, "no business date was opened yet")
        return BusinessDate(record.business_date, record.open)

    @query("Get")
    def get(self, ctx: Context) -> GovernanceConfig:
        """The current configuration."""
        return sovereign(ctx).governance


_PROPOSAL_ID = re.compile(r"[0-9a-f]{64}")


def change_id(base: str, config: GovernanceConfig) -> str:
    """SHA-256 (hex) of the canonical JSON of the change: the configuration it amends
    (``base``, a hash) and the exact new ``config``."""
    return hashlib.sha256(dumps({"base": base, "config": to_json_value(config)})).hexdigest()


def _check_change(ctx: SovereignContext, config: GovernanceConfig) -> None:
    validate_governance(config)
    if config.global_pause != ctx.governance.global_pause:
        raise RuleError(
            ErrorCode.INVALID_ARGUMENT,
            "global_pause changes only by control:Halt and control:Release",
        )
    for account_id, tier in rules.governance_accounts(config):
        found = ctx.repo.account(account_id)
        rules.require_governance_account(config, account_id, tier, found)


def _require_proposal(ctx: SovereignContext, proposal_id: str) -> GovernanceProposalRecord:
    if not _PROPOSAL_ID.fullmatch(proposal_id):
        raise rules.invalid("proposal_id: expected 64 lower-case hex digits (SHA-256)")
    record = ctx.repo.governance_proposal(proposal_id)
    if record is None:
        raise RuleError(ErrorCode.NOT_FOUND, f"proposal {proposal_id}")
    return record


def _last_business_date(ctx: SovereignContext) -> date | None:
    day = rules.to_business_day(ctx.repo.business_day())
    return None if day is None else day.business_date


def _optional_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _expired(record: GovernanceProposalRecord, last: date | None) -> bool:
    expires = _optional_date(record.expires_on)
    return expires is not None and last is not None and last > expires


def _store_day(ctx: SovereignContext, day: BusinessDay, event: str) -> BusinessDate:
    record = rules.business_day_record(day)
    roles = ctx.governance.org_roles
    ctx.repo.put_business_day(record, [*roles["issuer"], *roles["registrar"]])
    ctx.repo.emit(event, {"business_date": record.business_date, "open": record.open})
    return BusinessDate(record.business_date, record.open)


def _controllers(config: GovernanceConfig) -> list[str]:
    """The MSP IDs whose peers must all endorse a controller action."""
    return sorted({*config.org_roles["issuer"], *config.org_roles["registrar"]})


def _summary(config: GovernanceConfig) -> dict[str, object]:
    return {
        "org_roles": config.org_roles,
        "utc_offset_minutes": config.utc_offset_minutes,
        "global_pause": config.global_pause,
    }
