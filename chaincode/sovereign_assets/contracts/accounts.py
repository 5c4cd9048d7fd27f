"""``account:*`` - dealer accounts at the central bank, investor sub-accounts, cash accounts.

DEALER and cash-only accounts (TREASURY, TAX_AUTHORITY, CENTRAL_BANK) are opened by the
registrar; an INVESTOR sub-account by the controller of the dealer account it hangs
under, with the investor recorded as legal owner.
"""

from __future__ import annotations

from fabric_chaincode import Context
from sovereign_assets.domain import AccountTier, DomainError, ErrorCode
from sovereign_assets.schema.messages import AccountSpec
from sovereign_assets.schema.records import AccountRecord

from . import rules
from .auth import Duty, require_account_control
from .base import (
    SovereignContext,
    SovereignContract,
    query,
    require_account,
    sovereign,
    transaction,
)
from .rules import RuleError

_NEEDS_REGISTERED_OWNER = (AccountTier.DEALER, AccountTier.INVESTOR)


class AccountContract(SovereignContract):
    """Accounts of the register."""

    name = "account"

    @transaction("Open")
    def open(self, ctx: Context, spec: AccountSpec) -> AccountRecord:
        """Open an account (see the module docstring for who may)."""
        sctx = sovereign(ctx)
        record = _open(sctx, spec)
        sctx.repo.emit(
            "AccountOpened",
            {"tier": record.tier.value},
        )
        return record

    @transaction("OpenMany")
    def open_many(self, ctx: Context, specs: list[AccountSpec]) -> list[AccountRecord]:
        """Open 1..``MAX_BATCH_SIZE`` accounts in one transaction, each under the same
        rules as ``Open`` (an onboarding run of many sub-accounts); all or none. Ids must
        be distinct within the batch (``ALREADY_EXISTS`` otherwise)."""
        sctx = sovereign(ctx)
        if not specs:
            raise RuleError(ErrorCode.INVALID_ARGUMENT, "specs: at least one")
        if len(specs) > rules.MAX_BATCH_SIZE:
            raise RuleError(
                ErrorCode.INVALID_ARGUMENT, f"specs: at most {rules.MAX_BATCH_SIZE} per batch"
            )
        ids = [spec.account_id for spec in specs]
        if len(set(ids)) != len(ids):
            raise RuleError(ErrorCode.ALREADY_EXISTS, "an account id appears twice in the batch")
        for spec in specs:  # ids first: they make the keys the prefetch reads
            rules.require_id(spec.account_id, "account_id")
            rules.require_id(spec.owner_id, "owner_id")
            if spec.parent_account_id is not None:
                rules.require_id(spec.parent_account_id, "parent_account_id")
        # Every account and owner the batch looks up, in two requests instead of one each.
        sctx.repo.prefetch_accounts(
            [*ids, *(s.parent_account_id or "" for s in specs if s.parent_account_id)]
        )
        sctx.repo.prefetch_investors(spec.owner_id for spec in specs)
        records = [_open(sctx, spec) for spec in specs]
        sctx.repo.emit(
            "AccountsOpened",
            {"count": len(records)},
        )
        return records

    @query("Get")
    def get(self, ctx: Context, account_id: str) -> AccountRecord:
        """One account (the regulator's, or one the caller controls; else
        ``UNAUTHORIZED``)."""
        sctx = sovereign(ctx)
        return sctx.require_sees(require_account(sctx, account_id))

    @query("List")
    def list_accounts(self, ctx: Context) -> list[AccountRecord]:
        """Every account the caller may read, by id."""
        sctx = sovereign(ctx)
        return [account for account in sctx.repo.accounts() if sctx.sees(account)]


def _open(sctx: SovereignContext, spec: AccountSpec) -> AccountRecord:
    """Check and store one new account (no event: the transaction emits its own)."""
    rules.require_id(spec.account_id, "account_id")
    rules.require_id(spec.owner_id, "owner_id")  # public too: never a national id
    rules.require_controller(spec.controller)
    if spec.tier is AccountTier.INVESTOR:
        if spec.parent_account_id is None:
            raise DomainError(ErrorCode.INVALID_ACCOUNT, "a sub-account needs a parent")
        parent = require_account(sctx, spec.parent_account_id)
        require_account_control(sctx.caller, [(parent, None)])
        if parent.tier is not AccountTier.DEALER:
            raise DomainError(ErrorCode.INVALID_ACCOUNT, "the parent must be a DEALER account")
        custodian = parent.account_id
    else:
        sctx.authorize(Duty.REGISTRAR)
        custodian = sctx.caller.msp_id
    for account_id, tier in rules.governance_accounts(sctx.governance):
        if spec.account_id == account_id and spec.tier is not tier:
            raise DomainError(
                ErrorCode.INVALID_ACCOUNT, f"governance names {account_id} a {tier.value}"
            )
    if sctx.repo.account(spec.account_id) is not None:
        raise RuleError(ErrorCode.ALREADY_EXISTS, f"account {spec.account_id}")
    if spec.tier in _NEEDS_REGISTERED_OWNER and sctx.repo.investor(spec.owner_id) is None:
        raise DomainError(ErrorCode.UNKNOWN_INVESTOR, spec.owner_id)
    record = AccountRecord(
        spec.account_id,
        spec.tier,
        spec.owner_id,
        custodian,
        spec.controller,
        spec.parent_account_id,
        frozen=False,
        opened_on=sctx.business_date.isoformat(),
    )
    rules.to_account(record)  # the domain's own account rules (ids, tiers, parents)
    sctx.repo.put_account(record)
    return record
