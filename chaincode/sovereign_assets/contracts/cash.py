"""``cash:*`` - the central bank's wholesale cash token (1 token = 1 paisa).

Only the registrar mints and withdraws; the domain's :class:`CashToken` confirms the
issuer once more (``NOT_CASH_ISSUER``).
"""

from __future__ import annotations

from fabric_chaincode import Context
from sovereign_assets.domain import CashToken
from sovereign_assets.schema.messages import CashBalance

from .auth import Duty
from .base import SovereignContract, query, require_account, sovereign, transaction

CASH_INSTRUMENT_ID = "CASH"


class CashContract(SovereignContract):
    """Mint, withdraw, balances."""

    name = "cash"

    @transaction("Mint")
    def mint(self, ctx: Context, account_id: str, amount: int) -> CashBalance:
        """Issue ``amount`` cash tokens into ``account_id``."""
        return _change(ctx, account_id, amount, mint=True)

    @transaction("Withdraw")
    def withdraw(self, ctx: Context, account_id: str, amount: int) -> CashBalance:
        """Take ``amount`` cash tokens out of circulation from ``account_id``."""
        return _change(ctx, account_id, amount, mint=False)

    @query("Balance")
    def balance(self, ctx: Context, account_id: str) -> CashBalance:
        """Cash tokens held (the regulator, or the account's controllers)."""
        sctx = sovereign(ctx)
        account = sctx.require_sees(require_account(sctx, account_id))
        return CashBalance(account.account_id, sctx.repo.cash(account.account_id))


def _change(ctx: Context, account_id: str, amount: int, *, mint: bool) -> CashBalance:
    sctx = sovereign(ctx)
    caller = sctx.authorize(Duty.REGISTRAR)
    # The cash issuer is the first registrar MSP of governance (the central bank).
    issuer = sctx.governance.org_roles["registrar"][0]
    CashToken(CASH_INSTRUMENT_ID, sctx.market.currency, issuer).check_issuer(caller.msp_id)
    account = require_account(sctx, account_id)
    before = sctx.repo.load_ledger(cash_accounts=[account.account_id], with_cash_supply=True)
    if mint:
        after = before.mint_cash(account.account_id, amount)
    else:
        after = before.burn_cash(account.account_id, amount)
    sctx.repo.save_ledger(before, after, with_cash_supply=True)
    sctx.repo.emit("CashMinted" if mint else "CashWithdrawn", {"amount": amount})
    return CashBalance(account.account_id, after.cash_balance(account.account_id))
