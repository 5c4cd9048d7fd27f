"""``holding:*`` - free-of-payment transfers and the register's views.

A transfer is instructed by the controller of the account it leaves (or of that
account's bank account) and passes the same compliance check as the dry run
``investor:CheckTransfer``.
"""

from __future__ import annotations

from fabric_chaincode import Context
from sovereign_assets.schema.messages import HoldingChange, HoldingEntry

from . import rules
from .auth import require_account_control
from .base import (
    SovereignContract,
    parent_of,
    query,
    require_account,
    require_instrument,
    require_transfer_allowed,
    sovereign,
    transaction,
)
from .visibility import refuse_read


class HoldingContract(SovereignContract):
    """Holdings of securities."""

    name = "holding"

    @transaction("Transfer")
    def transfer(
        self, ctx: Context, instrument_id: str, from_account: str, to_account: str, amount: int
    ) -> list[HoldingEntry]:
        """Move ``amount`` of face free of payment; returns both new holdings."""
        sctx = sovereign(ctx)
        instrument = require_instrument(sctx, instrument_id)
        sender = require_account(sctx, from_account)
        receiver = require_account(sctx, to_account)
        require_account_control(sctx.caller, [(sender, parent_of(sctx, sender))])
        require_transfer_allowed(sctx, instrument, sender, receiver, amount)
        before = sctx.repo.load_ledger(
            [(sender.account_id, instrument_id), (receiver.account_id, instrument_id)]
        )
        after = before.move_security(
            sender.account_id,
            receiver.account_id,
            instrument_id,
            amount,
            instrument.spec.min_denomination,
        )
        sctx.repo.save_ledger(before, after)
        sctx.repo.emit(
            "Transferred",
            {"instrument_id": instrument_id, "amount": amount},
        )
        return [
            HoldingEntry(instrument_id, acct, after.holding(acct, instrument_id))
            for acct in (sender.account_id, receiver.account_id)
        ]

    @query("ByAccount")
    def by_account(self, ctx: Context, account_id: str) -> list[HoldingEntry]:
        """Every holding of an account (the regulator, or the account's controllers)."""
        sctx = sovereign(ctx)
        account = sctx.require_sees(require_account(sctx, account_id))
        return sctx.repo.holdings_of_account(account.account_id)

    @query("ByInstrument")
    def by_instrument(self, ctx: Context, instrument_id: str) -> list[HoldingEntry]:
        """Every holder of an instrument the caller may read, by account id (the
        regulator reads all; the aggregate is the instrument's ``issued - redeemed``)."""
        sctx = sovereign(ctx)
        record = require_instrument(sctx, instrument_id)
        return [
            entry
            for entry in sctx.repo.holdings_of_instrument(record.spec.instrument_id)
            if sctx.sees_account_id(entry.account_id)
        ]

    @query("History")
    def history(self, ctx: Context, instrument_id: str, account_id: str) -> list[HoldingChange]:
        """Committed changes of one holding, newest first (the regulator, or the
        account's controllers)."""
        sctx = sovereign(ctx)
        rules.require_id(instrument_id, "instrument_id")
        rules.require_id(account_id, "account_id")
        if not sctx.sees_account_id(account_id):
            raise refuse_read(f"account {account_id}")
        return sctx.repo.holding_history(instrument_id, account_id)
