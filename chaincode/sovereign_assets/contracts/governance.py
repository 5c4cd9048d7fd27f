"""``governance:*`` - the ledger-held configuration every other contract reads, and the
business date.

The business date is ledger state: the central bank opens each date
(``OpenBusinessDate``, always later than the last) and closes it; every date rule of
every contract reads it, never the proposal's timestamp. Its key carries the same
AND(issuer peer, registrar peer) endorsement policy as governance.

Bootstrap once (by an admin or registrar of the MSP the configuration names as
registrar); afterwards the key carries an AND(issuer peer, registrar peer) endorsement
policy, so ``Update`` needs both organisations whatever the chaincode says.
"""

from __future__ import annotations

from fabric_chaincode import Context
from sovereign_assets.domain import (
    BusinessDay,
    ErrorCode,
    close_business_date,
    open_business_date,
)
from sovereign_assets.domain.errors import DomainError
from sovereign_assets.schema.messages import BusinessDate, GovernanceConfig
from sovereign_assets.schema.records import GovernanceRecord

from . import rules
from .auth import Duty, authorize
from .base import SovereignContext, SovereignContract, query, sovereign, transaction
from .rules import RuleError, validate_governance


class GovernanceContract(SovereignContract):
    """Org roles, cash accounts, time zone, calendars, withholding tax."""

    name = "governance"

    @transaction("Bootstrap")
    def bootstrap(self, ctx: Context, config: GovernanceConfig) -> None:
        """Store the first configuration; refused once one exists."""
        sctx = sovereign(ctx)
        if sctx.repo.governance() is not None:
            raise RuleError(ErrorCode.ALREADY_EXISTS, "governance exists; use Update")
        validate_governance(config)
        authorize(sctx.caller, config, Duty.REGISTRAR)
        sctx.repo.put_governance(GovernanceRecord(config))
        sctx.repo.emit("GovernanceBootstrapped", _summary(config))

    @transaction("Update")
    def update(self, ctx: Context, config: GovernanceConfig) -> None:
        """Replace the configuration (controllers; both orgs endorse via key policy)."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.CONTROLLER)
        validate_governance(config)
        for account_id, tier in rules.governance_accounts(config):
            found = sctx.repo.account(account_id)
            rules.require_governance_account(config, account_id, tier, found)
        sctx.repo.put_governance(GovernanceRecord(config))
        sctx.repo.emit("GovernanceUpdated", _summary(config))

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


def _store_day(ctx: SovereignContext, day: BusinessDay, event: str) -> BusinessDate:
    record = rules.business_day_record(day)
    roles = ctx.governance.org_roles
    ctx.repo.put_business_day(record, [*roles["issuer"], *roles["registrar"]])
    ctx.repo.emit(event, {"business_date": record.business_date, "open": record.open})
    return BusinessDate(record.business_date, record.open)


def _summary(config: GovernanceConfig) -> dict[str, object]:
    return {
        "org_roles": config.org_roles,
        "utc_offset_minutes": config.utc_offset_minutes,
        "global_pause": config.global_pause,
    }
