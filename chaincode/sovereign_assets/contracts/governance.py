"""``governance:*`` - the ledger-held configuration every other contract reads.

Bootstrap once (by an admin or registrar of the MSP the configuration names as
registrar); afterwards the key carries an AND(issuer peer, registrar peer) endorsement
policy, so ``Update`` needs both organisations whatever the chaincode says.
"""

from __future__ import annotations

from fabric_chaincode import Context
from sovereign_assets.domain import ErrorCode
from sovereign_assets.schema.messages import GovernanceConfig
from sovereign_assets.schema.records import GovernanceRecord

from . import rules
from .auth import Duty, authorize
from .base import SovereignContract, query, sovereign, transaction
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
        rules.require_shift_not_backwards(
            sctx.governance.business_date_shift_days, config.business_date_shift_days
        )
        sctx.repo.put_governance(GovernanceRecord(config))
        sctx.repo.emit("GovernanceUpdated", _summary(config))

    @query("Get")
    def get(self, ctx: Context) -> GovernanceConfig:
        """The current configuration."""
        return sovereign(ctx).governance


def _summary(config: GovernanceConfig) -> dict[str, object]:
    return {
        "org_roles": config.org_roles,
        "utc_offset_minutes": config.utc_offset_minutes,
        "global_pause": config.global_pause,
        "business_date_shift_days": config.business_date_shift_days,
    }
