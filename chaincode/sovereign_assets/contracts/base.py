"""What every sovereign asset contract shares: its context, error mapping and look-ups.

Owns :class:`SovereignContext` (repository, caller, governance, business date - each
read once per transaction), :class:`SovereignContract` (the base class),
the ``@transaction``/``@query`` decorators that mark a method for the runtime and map
:class:`DomainError` and :class:`.rules.RuleError` to ``ChaincodeError`` with the same
stable code, the ``require_*`` look-ups (``UNKNOWN_*``/``NOT_FOUND``), and
:func:`entry_refusal`, the one eligibility check of every way into a holding (issue,
transfer, settlement, the dry run), through the domain's ``holding_entry_refusal``.

A contract method is parse -> authorize -> domain -> persist -> event; nothing here
holds a business rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, cast

from fabric_chaincode import ChaincodeError, Context, Contract, Stub, evaluate, submit
from sovereign_assets.domain import (
    CommodityReserveToken,
    Controls,
    DomainError,
    ErrorCode,
    TransferRefusal,
    holding_entry_refusal,
    require_open,
)
from sovereign_assets.schema.messages import GovernanceConfig
from sovereign_assets.schema.records import (
    AccountRecord,
    InstructionRecord,
    InstrumentRecord,
    InstrumentStatus,
)

from . import rules
from .auth import Caller, Duty, authorize, has_duty
from .repository import Repository
from .rules import MarketConfig, RuleError
from .visibility import Reader, Scope, reader_of, refuse_read, scope_of, sees_account

F = TypeVar("F", bound=Callable[..., Any])


class SovereignContext(Context):
    """The transaction context: the stub plus lazily read repository, caller and
    governance."""

    def __init__(self, stub: Stub) -> None:
        super().__init__(stub)
        self.repo = Repository(stub)
        self._caller: Caller | None = None
        self._governance: GovernanceConfig | None = None
        self._market: MarketConfig | None = None
        self._business_date: date | None = None
        self.read_scope: Scope = Scope.OWN
        """What the running query may answer (set from :data:`.visibility.READ_ACCESS`
        before every ``@query``; the narrowest scope otherwise)."""

    @property
    def caller(self) -> Caller:
        """The submitter."""
        if self._caller is None:
            self._caller = Caller.from_identity(self.client_identity)
        return self._caller

    @property
    def governance(self) -> GovernanceConfig:
        """The ledger's governance, or ``NOT_FOUND`` before bootstrap."""
        if self._governance is None:
            record = self.repo.governance()
            if record is None:
                raise RuleError(ErrorCode.NOT_FOUND, "governance is not bootstrapped")
            self._governance = record.config
        return self._governance

    @property
    def market(self) -> MarketConfig:
        """Governance as domain values (calendars, tax table, currency)."""
        if self._market is None:
            self._market = rules.validate_governance(self.governance)
        return self._market

    @property
    def business_date(self) -> date:
        """The open business date: the one date every rule of a transaction reads
        (``BUSINESS_DAY_CLOSED`` while none is open). Ledger state the central bank
        opens through ``governance:OpenBusinessDate``; the proposal's timestamp, which
        the client chooses, is never read."""
        if self._business_date is None:
            self._business_date = require_open(rules.to_business_day(self.repo.business_day()))
        return self._business_date

    @property
    def last_business_date(self) -> date:
        """The latest business date opened, open or closed (what queries show as of);
        ``BUSINESS_DAY_CLOSED`` before the first one."""
        day = rules.to_business_day(self.repo.business_day())
        if day is None:
            raise DomainError(ErrorCode.BUSINESS_DAY_CLOSED, "no business date was opened yet")
        return day.business_date

    def authorize(self, duty: Duty) -> Caller:
        """Raise ``UNAUTHORIZED`` unless the caller holds ``duty``; return the caller."""
        authorize(self.caller, self.governance, duty)
        return self.caller

    def has_duty(self, duty: Duty) -> bool:
        """Whether the caller holds ``duty``."""
        return has_duty(self.caller, self.governance, duty)

    @property
    def reader(self) -> Reader:
        """The caller's reader class (see :mod:`.visibility`)."""
        return reader_of(self.caller, self.governance)

    def sees(self, account: AccountRecord) -> bool:
        """Whether the running query may show ``account`` (and what it holds)."""
        if self.read_scope is Scope.ALL:
            return True
        return sees_account(self.caller, self.read_scope, account, parent_of(self, account))

    def sees_account_id(self, account_id: str) -> bool:
        """:meth:`sees` by id; an unknown account is seen only with scope ALL."""
        if self.read_scope is Scope.ALL:
            return True
        account = self.repo.account(account_id)
        return account is not None and self.sees(account)

    def require_sees(self, account: AccountRecord) -> AccountRecord:
        """``account``, or ``UNAUTHORIZED`` when the running query may not show it."""
        if not self.sees(account):
            raise refuse_read(f"account {account.account_id}")
        return account


class SovereignContract(Contract):
    """Base class of the sovereign asset contracts."""

    def create_context(self, stub: Stub) -> Context:
        """Every transaction receives a :class:`SovereignContext`."""
        return SovereignContext(stub)

    def translate_error(self, error: Exception) -> ChaincodeError | None:
        """Domain and contract rule errors keep their stable codes."""
        if isinstance(error, DomainError):  # RuleError is one too
            return ChaincodeError(error.code.value, error.message)
        return None


def transaction(name: str) -> Callable[[F], F]:
    """Mark a submit transaction ``name``."""

    def mark(fn: F) -> F:
        return submit(name=name)(fn)

    return mark


def query(name: str) -> Callable[[F], F]:
    """Mark an evaluate (read-only) transaction ``name`` whose answer the caller's row of
    :data:`.visibility.READ_ACCESS` bounds: the scope is set on the context before the
    method runs (the method filters or refuses by it)."""

    def mark(fn: F) -> F:
        @functools.wraps(fn)
        def bounded(self: Contract, ctx: Context, *args: Any) -> Any:
            sctx = sovereign(ctx)
            function = f"{self.contract_name()}:{name}"
            sctx.read_scope = scope_of(function, sctx.reader)
            if sctx.read_scope is Scope.NONE:
                raise refuse_read(function)
            return fn(self, ctx, *args)

        return cast(F, evaluate(name=name)(bounded))

    return mark


def sovereign(ctx: Context) -> SovereignContext:
    """The context as created by :class:`SovereignContract` (narrowed for typing)."""
    if not isinstance(ctx, SovereignContext):
        raise TypeError("sovereign contracts run with a SovereignContext")
    return ctx


# -- look-ups ----------------------------------------------------------------------------


def require_account(ctx: SovereignContext, account_id: str) -> AccountRecord:
    """An account, or ``UNKNOWN_ACCOUNT``."""
    rules.require_id(account_id, "account_id")
    account = ctx.repo.account(account_id)
    if account is None:
        raise DomainError(ErrorCode.UNKNOWN_ACCOUNT, account_id)
    return account


def parent_of(ctx: SovereignContext, account: AccountRecord) -> AccountRecord | None:
    """The bank account an investor sub-account hangs under, if any."""
    if account.parent_account_id is None:
        return None
    return ctx.repo.account(account.parent_account_id)


def require_instrument(ctx: SovereignContext, instrument_id: str) -> InstrumentRecord:
    """An instrument, or ``UNKNOWN_INSTRUMENT``."""
    rules.require_id(instrument_id, "instrument_id")
    record = ctx.repo.instrument(instrument_id)
    if record is None:
        raise DomainError(ErrorCode.UNKNOWN_INSTRUMENT, instrument_id)
    return record


def require_instruction(ctx: SovereignContext, instruction_id: str) -> InstructionRecord:
    """A settlement instruction, or ``NOT_FOUND``."""
    rules.require_id(instruction_id, "instruction_id")
    record = ctx.repo.instruction(instruction_id)
    if record is None:
        raise RuleError(ErrorCode.NOT_FOUND, f"instruction {instruction_id}")
    return record


def investor_holding(ctx: SovereignContext, owner_id: str, instrument_id: str) -> int:
    """What ``owner_id`` holds of ``instrument_id`` across all its accounts."""
    return sum(
        ctx.repo.holding(instrument_id, account_id)
        for account_id in ctx.repo.accounts_of_owner(owner_id)
    )


def entry_refusal(
    ctx: SovereignContext,
    instrument: InstrumentRecord,
    receiver: AccountRecord,
    amount: int,
    *,
    sender: AccountRecord | None = None,
    already_added: int = 0,
) -> TransferRefusal | None:
    """The first reason ``amount`` may not enter ``receiver``'s holding (from
    ``sender``, or newly issued when ``sender`` is None) with the account it failed on,
    or None.

    The one gate of every way into a holding: an instrument not ISSUED is refused (an
    issue checks its own status first); holdings are fixed while a payment run is open
    (counts as paused: nobody is paid twice for the same face, nobody is skipped) and
    from a coupon's record date until it is paid; KYC and its expiry, eligibility,
    freezes and the per-investor holding limit (``already_added``: what this same
    transaction already gives the receiver's owner) apply alike.
    """
    if sender is not None and instrument.status is not InstrumentStatus.ISSUED:
        return TransferRefusal(
            ErrorCode.INSTRUMENT_MATURED
            if instrument.status is InstrumentStatus.MATURED
            else ErrorCode.INVALID_TRANSITION
        )
    instrument_id = instrument.spec.instrument_id
    parties = [receiver] if sender is None else [sender, receiver]
    investors = {}
    for account in parties:
        investor = ctx.repo.investor(account.owner_id)
        if investor is not None:
            investors[account.owner_id] = rules.to_investor(investor)
    paused = instrument.paused or instrument.open_run is not None
    controls = Controls(
        global_pause=ctx.governance.global_pause,
        paused_instruments=frozenset({instrument_id}) if paused else frozenset(),
        frozen_accounts=frozenset(a.account_id for a in parties if a.frozen),
    )
    domain_instrument = rules.to_instrument(instrument, ctx.market.currency)
    calendar = (
        None
        if isinstance(domain_instrument, CommodityReserveToken)
        else rules.calendar_for(ctx.market, domain_instrument.terms.calendar_id)
    )
    return holding_entry_refusal(
        instrument=rules.instrument_controls(
            instrument,
            rules.holdings_fixed_from(
                domain_instrument,
                calendar,
                date.fromisoformat(instrument.created_on) if instrument.created_on else None,
            ),
        ),
        receiver=rules.to_account(receiver),
        amount=amount,
        investors=investors,
        receiver_investor_holding=(
            investor_holding(ctx, receiver.owner_id, instrument_id) + already_added
        ),
        controls=controls,
        as_of=ctx.business_date,
        sender=None if sender is None else rules.to_account(sender),
        sender_available=0
        if sender is None
        else ctx.repo.holding(instrument_id, sender.account_id),
    )


def transfer_reason(
    ctx: SovereignContext,
    instrument: InstrumentRecord,
    sender: AccountRecord,
    receiver: AccountRecord,
    amount: int,
) -> TransferRefusal | None:
    """:func:`entry_refusal` of a move from ``sender`` to ``receiver``."""
    return entry_refusal(ctx, instrument, receiver, amount, sender=sender)


def raise_refusal(
    refusal: TransferRefusal | None,
    instrument: InstrumentRecord,
    sender: AccountRecord | None = None,
) -> None:
    """Raise ``refusal`` (if any) naming the instrument and the side it failed on."""
    if refusal is None:
        return
    instrument_id = instrument.spec.instrument_id
    if refusal.account_id is None:
        raise DomainError(refusal.code, instrument_id)
    side = (
        "sender" if sender is not None and refusal.account_id == sender.account_id else ("receiver")
    )
    raise DomainError(refusal.code, f"{instrument_id}: {side} {refusal.account_id}")


def require_transfer_allowed(
    ctx: SovereignContext,
    instrument: InstrumentRecord,
    sender: AccountRecord,
    receiver: AccountRecord,
    amount: int,
) -> None:
    """Raise the first reason of :func:`transfer_reason`, if any."""
    raise_refusal(transfer_reason(ctx, instrument, sender, receiver, amount), instrument, sender)
