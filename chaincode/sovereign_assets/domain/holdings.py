"""Accounts and the register of holdings and cash, as immutable values.

Owns: :class:`AccountTier`, :class:`Account`, :class:`Ledger` and its pure
operations (issue, redeem, move securities, mint/burn/move cash). Every operation
returns a new :class:`Ledger`; the old one is untouched, so a failed multi-step
operation (a DvP settlement) leaves nothing half done.

Two tiers, as SBP keeps them (Subsidiary General Ledger accounts and, beneath them,
Investor Portfolio Securities accounts): a DEALER account is held at the central bank by a
primary dealer or bank (subsidiary general ledger); an INVESTOR account is a
sub-account at that bank whose **legal owner is the investor**. Both are accounts
of the one register; ``parent_account_id`` links a sub-account to its bank's account.

Conservation, by construction: only :meth:`Ledger.issue`/:meth:`Ledger.redeem`
change a security's supply, only :meth:`Ledger.mint_cash`/:meth:`Ledger.burn_cash`
change cash in circulation, and every other operation moves amounts between
accounts. :meth:`Ledger.check_conservation` verifies it.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from .errors import DomainError, ErrorCode
from .money import (
    require_bounded,
    require_multiple,
    require_non_negative_amount,
    require_positive_amount,
)


class AccountTier(StrEnum):
    """Where an account sits in the two-tier structure."""

    DEALER = "DEALER"
    """Held at the central bank by a primary dealer or bank (SGL account)."""
    INVESTOR = "INVESTOR"
    """Investor sub-account (IPS) at a bank; the investor is the legal owner."""
    CENTRAL_BANK = "CENTRAL_BANK"
    """The central bank's own account (cash issuance)."""
    TREASURY = "TREASURY"
    """The issuer's account (issuance, payments of coupons and redemptions)."""
    TAX_AUTHORITY = "TAX_AUTHORITY"
    """Receives withheld tax."""


@dataclass(frozen=True)
class Account:
    """An account of the register.

    ``account_id``: unique key. ``tier``: see :class:`AccountTier`.
    ``owner_id``: legal owner (the investor for a sub-account, the institution
    otherwise). ``custodian_id``: who keeps the account (the central bank for a
    dealer account, the bank for a sub-account). ``parent_account_id``: for an
    INVESTOR account, the bank's DEALER account; None otherwise.
    """

    account_id: str
    tier: AccountTier
    owner_id: str
    custodian_id: str
    parent_account_id: str | None = None

    def __post_init__(self) -> None:
        if not self.account_id or not self.owner_id or not self.custodian_id:
            raise DomainError(ErrorCode.INVALID_ACCOUNT, "account, owner and custodian ids")
        if (self.tier is AccountTier.INVESTOR) != (self.parent_account_id is not None):
            raise DomainError(
                ErrorCode.INVALID_ACCOUNT, "exactly the investor sub-accounts have a parent"
            )


HoldingKey = tuple[str, str]
"""(account id, instrument id)."""


_K = TypeVar("_K", str, HoldingKey)


def _frozen(mapping: dict[_K, int]) -> Mapping[_K, int]:
    """Read-only copy without zero entries, in sorted key order (deterministic)."""
    return MappingProxyType({k: mapping[k] for k in sorted(mapping) if mapping[k] != 0})


@dataclass(frozen=True)
class Ledger:
    """Balances of the register.

    ``holdings``: (account id, instrument id) -> face amount (minor units) or mg.
    ``cash``: account id -> cash tokens (minor units).
    ``issued`` / ``redeemed``: instrument id -> cumulative amounts.
    ``cash_minted`` / ``cash_burned``: cumulative cash issued and withdrawn.
    Zero balances are not stored, so equal ledgers compare equal.
    """

    holdings: Mapping[HoldingKey, int] = field(default_factory=lambda: MappingProxyType({}))
    cash: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    issued: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    redeemed: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    cash_minted: int = 0
    cash_burned: int = 0

    # -- reading ------------------------------------------------------------------

    def holding(self, account_id: str, instrument_id: str) -> int:
        """Amount of ``instrument_id`` in ``account_id`` (0 if none)."""
        return self.holdings.get((account_id, instrument_id), 0)

    def cash_balance(self, account_id: str) -> int:
        """Cash tokens in ``account_id`` (0 if none)."""
        return self.cash.get(account_id, 0)

    def outstanding(self, instrument_id: str) -> int:
        """Issued minus redeemed."""
        return self.issued.get(instrument_id, 0) - self.redeemed.get(instrument_id, 0)

    def holders(self, instrument_id: str) -> tuple[tuple[str, int], ...]:
        """(account id, amount) of every holder of ``instrument_id``, by account id."""
        return tuple(
            sorted(
                (acct, amount)
                for (acct, inst), amount in self.holdings.items()
                if inst == instrument_id
            )
        )

    def canonical(self) -> tuple[object, ...]:
        """A sorted, plain-tuple rendering: equal ledgers give identical output."""
        return (
            tuple(sorted(self.holdings.items())),
            tuple(sorted(self.cash.items())),
            tuple(sorted(self.issued.items())),
            tuple(sorted(self.redeemed.items())),
            self.cash_minted,
            self.cash_burned,
        )

    def check_conservation(self) -> None:
        """Raise ``INVALID_AMOUNT`` if any supply or cash total does not add up."""
        totals: dict[str, int] = {}
        for (_, instrument_id), amount in self.holdings.items():
            totals[instrument_id] = totals.get(instrument_id, 0) + amount
        for instrument_id in set(totals) | set(self.issued):
            if totals.get(instrument_id, 0) != self.outstanding(instrument_id):
                raise DomainError(ErrorCode.INVALID_AMOUNT, f"supply of {instrument_id} broken")
        if sum(self.cash.values()) != self.cash_minted - self.cash_burned:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "cash in circulation broken")
        if any(v < 0 for v in (*self.holdings.values(), *self.cash.values())):
            raise DomainError(ErrorCode.INVALID_AMOUNT, "negative balance")

    # -- securities ----------------------------------------------------------------

    def _with_holdings(
        self,
        changes: dict[HoldingKey, int],
        issued: Mapping[str, int] | None = None,
        redeemed: Mapping[str, int] | None = None,
    ) -> Ledger:
        holdings = dict(self.holdings)
        for key, delta in changes.items():
            holdings[key] = holdings.get(key, 0) + delta
        return Ledger(
            holdings=_frozen(holdings),
            cash=self.cash,
            issued=self.issued if issued is None else issued,
            redeemed=self.redeemed if redeemed is None else redeemed,
            cash_minted=self.cash_minted,
            cash_burned=self.cash_burned,
        )

    def issue(self, account_id: str, instrument_id: str, amount: int, denomination: int) -> Ledger:
        """Create ``amount`` of ``instrument_id`` in ``account_id``."""
        return LedgerDraft(self).issue(account_id, instrument_id, amount, denomination).ledger()

    def redeem(self, account_id: str, instrument_id: str, amount: int) -> Ledger:
        """Retire ``amount`` of ``instrument_id`` held in ``account_id``."""
        return LedgerDraft(self).redeem(account_id, instrument_id, amount).ledger()

    def move_security(
        self, sender_id: str, receiver_id: str, instrument_id: str, amount: int, denomination: int
    ) -> Ledger:
        """Move ``amount`` (a multiple of ``denomination``) between accounts."""
        require_multiple(amount, denomination, "transfer amount")
        if sender_id == receiver_id:
            raise DomainError(ErrorCode.SAME_ACCOUNT, sender_id)
        if self.holding(sender_id, instrument_id) < amount:
            raise DomainError(ErrorCode.INSUFFICIENT_HOLDING, f"{sender_id} {instrument_id}")
        return self._with_holdings(
            {(sender_id, instrument_id): -amount, (receiver_id, instrument_id): amount}
        )

    # -- cash ----------------------------------------------------------------------

    def _with_cash(self, changes: dict[str, int], minted: int = 0, burned: int = 0) -> Ledger:
        cash = dict(self.cash)
        for key, delta in changes.items():
            cash[key] = cash.get(key, 0) + delta
        return Ledger(
            holdings=self.holdings,
            cash=_frozen(cash),
            issued=self.issued,
            redeemed=self.redeemed,
            cash_minted=self.cash_minted + minted,
            cash_burned=self.cash_burned + burned,
        )

    def mint_cash(self, account_id: str, amount: int) -> Ledger:
        """Issue cash tokens (the caller has checked it is the central bank)."""
        require_positive_amount(amount, "cash amount")
        circulating = self.cash_minted - self.cash_burned
        require_bounded(circulating + amount, "cash in circulation after the mint")
        return self._with_cash({account_id: amount}, minted=amount)

    def burn_cash(self, account_id: str, amount: int) -> Ledger:
        """Withdraw cash tokens from circulation."""
        require_positive_amount(amount, "cash amount")
        if self.cash_balance(account_id) < amount:
            raise DomainError(ErrorCode.INSUFFICIENT_CASH, account_id)
        return self._with_cash({account_id: -amount}, burned=amount)

    def move_cash(self, payer_id: str, payee_id: str, amount: int) -> Ledger:
        """Move ``amount`` cash tokens; 0 is allowed and changes nothing."""
        if require_non_negative_amount(amount, "cash amount") == 0:
            return self
        return LedgerDraft(self).move_cash(payer_id, payee_id, amount).ledger()


class LedgerDraft:
    """Many issues, redemptions and cash moves applied to one :class:`Ledger`, made a new
    ledger once: the same checks, errors and result as the ledger's own methods applied
    one by one (which are built on it), without copying every balance at each step - a
    payment batch or an issue to a thousand holders stays linear. The ledger it starts
    from is untouched; a failing step leaves the draft to be dropped."""

    def __init__(self, ledger: Ledger) -> None:
        self._base = ledger
        self._holdings: dict[HoldingKey, int] | None = None
        self._cash: dict[str, int] | None = None
        self._issued: dict[str, int] | None = None
        self._redeemed: dict[str, int] | None = None

    def holding(self, account_id: str, instrument_id: str) -> int:
        """The draft's amount of ``instrument_id`` in ``account_id``."""
        source = self._base.holdings if self._holdings is None else self._holdings
        return source.get((account_id, instrument_id), 0)

    def cash_balance(self, account_id: str) -> int:
        """The draft's cash tokens in ``account_id``."""
        source = self._base.cash if self._cash is None else self._cash
        return source.get(account_id, 0)

    def _holdings_to_change(self) -> dict[HoldingKey, int]:
        if self._holdings is None:
            self._holdings = dict(self._base.holdings)
        return self._holdings

    def _cash_to_change(self) -> dict[str, int]:
        if self._cash is None:
            self._cash = dict(self._base.cash)
        return self._cash

    def issue(
        self, account_id: str, instrument_id: str, amount: int, denomination: int
    ) -> LedgerDraft:
        """As :meth:`Ledger.issue`."""
        require_multiple(amount, denomination, "issue amount")
        issued = self._issued if self._issued is not None else dict(self._base.issued)
        redeemed = self._redeemed if self._redeemed is not None else self._base.redeemed
        outstanding = issued.get(instrument_id, 0) - redeemed.get(instrument_id, 0)
        require_bounded(outstanding + amount, "outstanding after the issue")
        issued[instrument_id] = issued.get(instrument_id, 0) + amount
        self._issued = issued
        holdings = self._holdings_to_change()
        key = (account_id, instrument_id)
        holdings[key] = holdings.get(key, 0) + amount
        return self

    def redeem(self, account_id: str, instrument_id: str, amount: int) -> LedgerDraft:
        """As :meth:`Ledger.redeem`."""
        require_positive_amount(amount, "redeem amount")
        if self.holding(account_id, instrument_id) < amount:
            raise DomainError(ErrorCode.INSUFFICIENT_HOLDING, f"{account_id} {instrument_id}")
        redeemed = self._redeemed if self._redeemed is not None else dict(self._base.redeemed)
        redeemed[instrument_id] = redeemed.get(instrument_id, 0) + amount
        self._redeemed = redeemed
        holdings = self._holdings_to_change()
        key = (account_id, instrument_id)
        holdings[key] = holdings.get(key, 0) - amount
        return self

    def move_cash(self, payer_id: str, payee_id: str, amount: int) -> LedgerDraft:
        """As :meth:`Ledger.move_cash`."""
        if require_non_negative_amount(amount, "cash amount") == 0:
            return self
        if payer_id == payee_id:
            raise DomainError(ErrorCode.SAME_ACCOUNT, payer_id)
        if self.cash_balance(payer_id) < amount:
            raise DomainError(ErrorCode.INSUFFICIENT_CASH, payer_id)
        cash = self._cash_to_change()
        cash[payer_id] = cash.get(payer_id, 0) - amount
        cash[payee_id] = cash.get(payee_id, 0) + amount
        return self

    def ledger(self) -> Ledger:
        """The new ledger (zero balances dropped, keys sorted, as every ledger)."""
        base = self._base
        return Ledger(
            holdings=base.holdings if self._holdings is None else _frozen(self._holdings),
            cash=base.cash if self._cash is None else _frozen(self._cash),
            issued=base.issued if self._issued is None else MappingProxyType(dict(self._issued)),
            redeemed=(
                base.redeemed if self._redeemed is None else MappingProxyType(dict(self._redeemed))
            ),
            cash_minted=base.cash_minted,
            cash_burned=base.cash_burned,
        )
