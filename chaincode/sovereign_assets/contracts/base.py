"""What every sovereign asset contract shares: its context, error mapping and look-ups.

Owns :class:`SovereignContext` (repository, caller, governance, business date - each
read once per transaction), :class:`SovereignContract` (the base class),
the ``@transaction``/``@query`` decorators that mark a method for the runtime and map
:class:`DomainError` and :class:`.rules.RuleError` to ``ChaincodeError`` with the same
stable code, the ``require_*`` look-ups (``UNKNOWN_*``/``NOT_FOUND``), and
:func:`transfer_reason`, the one compliance check used by the dry run, transfers and
settlement.

A contract method is parse -> authorize -> domain -> persist -> event; nothing here
holds a business rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fabric_chaincode import ChaincodeError, Context, Contract, Stub, evaluate, submit
from sovereign_assets.domain import (
    Controls,
    DomainError,
    ErrorCode,
    TransferRefusal,
    transfer_refusal,
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
        """Transaction timestamp in the market's time zone: the date every rule uses."""
        return rules.business_date(
            self.repo.timestamp_seconds(),
            self.governance.utc_offset_minutes,
            self.governance.business_date_shift_days,
        )

    def authorize(self, duty: Duty) -> Caller:
        """Raise ``UNAUTHORIZED`` unless the caller holds ``duty``; return the caller."""
        authorize(self.caller, self.governance, duty)
        return self.caller

    def has_duty(self, duty: Duty) -> bool:
        """Whether the caller holds ``duty``."""
        return has_duty(self.caller, self.governance, duty)


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
    """Mark an evaluate (read-only) transaction ``name``."""

    def mark(fn: F) -> F:
        return evaluate(name=name)(fn)

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


def transfer_reason(
    ctx: SovereignContext,
    instrument: InstrumentRecord,
    sender: AccountRecord,
    receiver: AccountRecord,
    amount: int,
) -> TransferRefusal | None:
    """The first reason the domain's transfer rules refuse the move (with the account it
    failed on), or None.

    An instrument whose coupon or redemption is being paid counts as paused, so no
    holding moves between two batches of one payment run (nobody is paid twice for the
    same face, nobody is skipped).
    """
    if instrument.status is not InstrumentStatus.ISSUED:
        return TransferRefusal(
            ErrorCode.INSTRUMENT_MATURED
            if instrument.status is InstrumentStatus.MATURED
            else ErrorCode.INVALID_TRANSITION
        )
    instrument_id = instrument.spec.instrument_id
    investors = {}
    for account in (sender, receiver):
        investor = ctx.repo.investor(account.owner_id)
        if investor is not None:
            investors[account.owner_id] = rules.to_investor(investor)
    paused = instrument.paused or instrument.open_run is not None
    controls = Controls(
        global_pause=ctx.governance.global_pause,
        paused_instruments=frozenset({instrument_id}) if paused else frozenset(),
        frozen_accounts=frozenset(a.account_id for a in (sender, receiver) if a.frozen),
    )
    ledger = ctx.repo.load_ledger(
        [(sender.account_id, instrument_id), (receiver.account_id, instrument_id)]
    )
    return transfer_refusal(
        instrument=rules.instrument_controls(instrument),
        sender=rules.to_account(sender),
        receiver=rules.to_account(receiver),
        amount=amount,
        investors=investors,
        ledger=ledger,
        controls=controls,
        as_of=ctx.business_date,
    )


def require_transfer_allowed(
    ctx: SovereignContext,
    instrument: InstrumentRecord,
    sender: AccountRecord,
    receiver: AccountRecord,
    amount: int,
) -> None:
    """Raise the first reason of :func:`transfer_reason`, if any."""
    refusal = transfer_reason(ctx, instrument, sender, receiver, amount)
    if refusal is None:
        return
    instrument_id = instrument.spec.instrument_id
    if refusal.account_id is None:
        raise DomainError(refusal.code, instrument_id)
    side = "sender" if refusal.account_id == sender.account_id else "receiver"
    raise DomainError(refusal.code, f"{instrument_id}: {side} {refusal.account_id}")
