"""``lifecycle:RedeemBars`` - commodity reserve tokens redeemed for whole bars.

Commodity reserve tokens do not mature: a holder's account controller redeems tokens
for named whole bars; the tokens retire and the bars are recorded as released to the
account in the same transaction.
"""

from __future__ import annotations

import dataclasses

from fabric_chaincode import Context
from sovereign_assets.domain import (
    AccountTier,
    CommodityReserveToken,
    DomainError,
    ErrorCode,
    free_balance,
)
from sovereign_assets.schema.messages import (
    BarRedemption,
)
from sovereign_assets.schema.records import (
    BarReleaseRecord,
)

from . import rules
from .auth import require_account_control
from .base import (
    SovereignContract,
    parent_of,
    require_account,
    require_instrument,
    sovereign,
)
from .base import transaction as submit_transaction

_HOLDING_TIERS = (AccountTier.DEALER, AccountTier.INVESTOR)


class BarTransactions(SovereignContract):
    """Taking delivery of bars (part of :class:`.lifecycle.LifecycleContract`)."""

    @submit_transaction("RedeemBars")
    def redeem_bars(
        self, ctx: Context, instrument_id: str, account_id: str, serials: list[str]
    ) -> BarRedemption:
        """Take delivery of the allocated bars ``serials`` of a commodity token for the
        account ``account_id`` (its controller, or its bank account's): tokens of the
        bars' exact total weight retire and the bars are released to the account."""
        sctx = sovereign(ctx)
        record = require_instrument(sctx, instrument_id)
        account = require_account(sctx, account_id)
        require_account_control(sctx.caller, [(account, parent_of(sctx, account))])
        token = rules.to_instrument(record, sctx.market.currency)
        if not isinstance(token, CommodityReserveToken):
            raise DomainError(ErrorCode.EVENT_NOT_APPLICABLE, "only commodity tokens hold bars")
        if account.tier not in _HOLDING_TIERS:
            raise DomainError(ErrorCode.INVALID_ACCOUNT, f"{account_id} holds no securities")
        rules.require_bars_deliverable(record, account)
        weights = {bar.serial: bar.weight_mg for bar in token.bars}
        rules.require_not_released(
            [
                serial
                for serial in sorted(set(serials))
                if serial in weights and sctx.repo.bar_release(instrument_id, serial) is not None
            ]
        )
        free = free_balance(
            sctx.repo.holding(instrument_id, account_id),
            sctx.repo.frozen_part(account_id, instrument_id),
        )
        amount = token.redemption_amount(tuple(serials), free)
        before = sctx.repo.load_ledger([(account_id, instrument_id)], instrument=record)
        after = before.redeem(account_id, instrument_id, amount)
        sctx.repo.save_ledger(before, after)
        today = sctx.business_date.isoformat()
        released = sorted(serials)
        for serial in released:
            sctx.repo.put_bar_release(
                BarReleaseRecord(instrument_id, serial, account_id, weights[serial], today)
            )
        updated = dataclasses.replace(record, redeemed=after.redeemed[instrument_id])
        sctx.repo.put_instrument(updated)
        sctx.repo.emit(
            "BarsRedeemed",
            {
                "instrument_id": instrument_id,
                "serials": released,
                "retired": amount,
            },
        )
        return BarRedemption(
            instrument_id,
            account_id,
            released,
            amount,
            after.holding(account_id, instrument_id),
            updated.redeemed,
        )
