"""What every sovereign asset contract shares: its context, error mapping and look-ups.

Owns :class:`SovereignContext` (repository, caller, governance, business date - each
read once per transaction), :class:`SovereignContract` (the base class),
the ``@transaction``/``@query`` decorators that mark a method for the runtime and map
:class:`DomainError` and :class:`.rules.RuleError` to ``ChaincodeError`` with the same
stable code, the ``require_*`` look-ups (``UNKNOWN_*``/``NOT_FOUND``), and
:func:`entry_refusal`, the one eligibility check of every way into a holding (issue,
transfer, settlement, the dry run), through the domain's ``holding_entry_refusals``.

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
    Ledger,
    Residency,
    TransferRefusal,
    free_balance,
    holding_entry_refusals,
    require_open,
    require_within_programme,
)
from sovereign_assets.domain.status import InstrumentStatus
from sovereign_assets.schema.messages import GovernanceConfig, InstrumentKind
from sovereign_assets.schema.records import (
    AccountRecord,
    InstructionRecord,
    InstrumentRecord,
    SubmitterRecord,
)

from . import rules
from .auth import Caller, Duty, authorize, has_duty
from .repository import Repository
from .rules import MarketConfig, RuleError
from .visibility import Reader, Scope, reader_of, refuse_read, scope_of, sees_account

F = TypeVar("F", bound=Callable[..., Any])

_PROGRAMME_KINDS = frozenset(InstrumentKind) - {InstrumentKind.COMMODITY_RESERVE}
"""What counts towards an issuance programme: debt and sukuk, in the cash currency (a
commodity token's face is metal, in mg)."""


class SovereignContext(Context):
    """The transaction context: the stub plus lazily read repository, caller and
    governance."""

    def __init__(self, stub: Stub) -> None:
        super().__init__(stub)
        self.repo = Repository(stub)
        self.repo.before_save = self._keep_aggregates
        self._non_resident: dict[str, bool] = {}
        self._instruments: dict[str, InstrumentRecord | None] = {}
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
        """Governance as domain values (calendars, tax table, currency, programme), each
        calendar the central bank published (``calendar:Publish``) in the version in
        effect on the latest business date opened (one read: the versions in force)."""
        if self._market is None:
            market = rules.validate_governance(self.governance)
            published = self.repo.calendars_in_force()
            if published:
                day = rules.to_business_day(self.repo.business_day())
                as_of = None if day is None else day.business_date
                market = rules.with_published_calendars(market, published, as_of)
            self._market = market
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

    # -- the caps that span holdings: kept on every save of the register -------------

    def _keep_aggregates(self, before: Ledger, after: Ledger) -> None:
        """Update the non-resident totals and the programme's issued total by what
        ``before`` -> ``after`` changes, refusing a change past either cap
        (``OVER_NON_RESIDENT_LIMIT``, ``OVER_PROGRAMME_LIMIT``). Runs inside
        ``Repository.save_ledger``, so every way a holding or an issued total changes -
        issue, auction, transfer, settlement, redemption, any later one - passes here."""
        changes: dict[str, tuple[int, int]] = {}  # instrument -> (change, cap)
        for account_id, instrument_id in sorted(set(before.holdings) | set(after.holdings)):
            change = after.holding(account_id, instrument_id) - before.holding(
                account_id, instrument_id
            )
            record = self._instrument(instrument_id)
            limit = None if record is None else record.spec.non_resident_limit
            if change and limit is not None and self._is_non_resident(account_id):
                total = changes.get(instrument_id, (0, limit))[0] + change
                changes[instrument_id] = (total, limit)
        for instrument_id, (change, limit) in sorted(changes.items()):
            if not change:
                continue
            held = self.repo.non_resident_holding(instrument_id) + change
            if change > 0 and held > limit:
                raise DomainError(
                    ErrorCode.OVER_NON_RESIDENT_LIMIT,
                    f"{instrument_id}: non-residents would hold {held}, cap {limit}",
                )
            self.repo.put_non_resident_holding(instrument_id, held)
        programme = self.market.programme if after.issued != before.issued else None
        if programme is None:
            return
        added = 0
        for instrument_id, issued in sorted(after.issued.items()):
            change = issued - before.issued.get(instrument_id, 0)
            record = self._instrument(instrument_id)
            if change > 0 and record is not None and record.spec.kind in _PROGRAMME_KINDS:
                added += change
        if added:
            issued_so_far = self.repo.programme_issued(programme.programme_id)
            require_within_programme(programme, issued_so_far, added)
            self.repo.put_programme_issued(programme.programme_id, issued_so_far + added)

    def _instrument(self, instrument_id: str) -> InstrumentRecord | None:
        if instrument_id not in self._instruments:
            self._instruments[instrument_id] = self.repo.instrument(instrument_id)
        return self._instruments[instrument_id]

    def _is_non_resident(self, account_id: str) -> bool:
        """Whether ``account_id``'s legal owner is a registered non-resident (an owner
        not in the registry - a cash account's - counts as resident)."""
        if account_id not in self._non_resident:
            account = self.repo.account(account_id)
            investor = None if account is None else self.repo.investor(account.owner_id)
            self._non_resident[account_id] = (
                investor is not None and investor.residency != Residency.RESIDENT.value
            )
        return self._non_resident[account_id]

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


_STATE_CHANGE = "__sovereign_state_change__"
_RELEASES_KILL_SWITCH = "__sovereign_releases_kill_switch__"


class SovereignContract(Contract):
    """Base class of the sovereign asset contracts.

    Around every transaction: an identity barred by a lost-key recovery is refused
    (``IDENTITY_BARRED``); while the kill switch is on, every transaction marked with
    :func:`transaction` is refused (``GLOBAL_PAUSE``) but the one that releases it; a
    transaction that changed public state records its submitter for ``audit:History``.
    Reading governance here puts its key in every transaction's read set, so a
    transaction endorsed before the switch was pulled fails validation after it.
    """

    def create_context(self, stub: Stub) -> Context:
        """Every transaction receives a :class:`SovereignContext`.

        Its writes go to the peer in one batch when the transaction ends (Fabric 3.1
        peers that offer it; one message per write otherwise): the stub reads committed
        state only and the repository answers read-your-writes itself, so batching
        changes no result, only the number of round trips."""
        stub.start_write_batch()
        return SovereignContext(stub)

    def _method_of(self, function: str) -> Callable[..., Any] | None:
        name = function.rpartition(":")[2]
        for klass in type(self).__mro__:  # a contract may take transactions from mixins
            for attribute in vars(klass).values():
                if getattr(attribute, _STATE_CHANGE, None) == name:
                    method: Callable[..., Any] = attribute
                    return method
        return None

    def before_transaction(self, ctx: Context) -> None:
        """Refuse a barred identity, and state changes under the kill switch."""
        sctx = sovereign(ctx)
        function, _ = sctx.stub.get_function_and_parameters()
        method = self._method_of(function)
        checks_pause = method is not None and not getattr(method, _RELEASES_KILL_SWITCH, False)
        # Both keys in one round trip when both are read below (the read set is the same).
        sctx.repo.prefetch_guards(sctx.caller.controller_id, with_governance=checks_pause)
        if sctx.repo.barred_identity(sctx.caller.controller_id) is not None:
            raise ChaincodeError(
                ErrorCode.IDENTITY_BARRED.value, f"{sctx.caller.msp_id} identity barred"
            )
        if not checks_pause:
            return
        governance = sctx.repo.governance()
        if governance is not None and governance.config.global_pause:
            raise ChaincodeError(
                ErrorCode.GLOBAL_PAUSE.value, "the kill switch is on (control:Release)"
            )

    def after_transaction(self, ctx: Context, result: object) -> None:
        """Record the submitter of a transaction that changed public state."""
        sctx = sovereign(ctx)
        if sctx.repo.wrote_public_state():
            function, _ = sctx.stub.get_function_and_parameters()
            name = f"{self.contract_name()}:{function.rpartition(':')[2]}"
            sctx.repo.put_submitter(SubmitterRecord(sctx.txid, sctx.caller.controller_id, name))

    def translate_error(self, error: Exception) -> ChaincodeError | None:
        """Domain and contract rule errors keep their stable codes."""
        if isinstance(error, DomainError):  # RuleError is one too
            return ChaincodeError(error.code.value, error.message)
        return None


def transaction(name: str, *, releases_kill_switch: bool = False) -> Callable[[F], F]:
    """Mark a submit transaction ``name`` (a state change: the kill switch stops it,
    unless it is the one that ``releases_kill_switch``)."""

    def mark(fn: F) -> F:
        setattr(fn, _STATE_CHANGE, name)
        if releases_kill_switch:
            setattr(fn, _RELEASES_KILL_SWITCH, True)
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
    account_ids = ctx.repo.accounts_of_owner(owner_id)
    ctx.repo.prefetch_holdings(instrument_id, account_ids)
    return sum(ctx.repo.holding(instrument_id, account_id) for account_id in account_ids)


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
    freezes, the per-investor holding limit (``already_added``: what this same
    transaction already gives the receiver's owner) and the non-resident cap apply
    alike.
    """
    if sender is not None and instrument.status is not InstrumentStatus.ISSUED:
        return TransferRefusal(_not_issued(instrument))
    return next(
        holding_entry_refusals(
            **_entry_arguments(ctx, instrument, receiver, amount, sender, already_added)
        ),
        None,
    )


def entry_refusals(
    ctx: SovereignContext,
    instrument: InstrumentRecord,
    receiver: AccountRecord,
    amount: int,
    *,
    sender: AccountRecord | None = None,
) -> list[TransferRefusal]:
    """Every reason of :func:`entry_refusal`, in the order the rules are checked (what
    the dry run ``investor:CheckTransfer`` reports)."""
    found = []
    if sender is not None and instrument.status is not InstrumentStatus.ISSUED:
        found.append(TransferRefusal(_not_issued(instrument)))
    found.extend(
        holding_entry_refusals(**_entry_arguments(ctx, instrument, receiver, amount, sender, 0))
    )
    return found


def _not_issued(instrument: InstrumentRecord) -> ErrorCode:
    return (
        ErrorCode.INSTRUMENT_MATURED
        if instrument.status is InstrumentStatus.MATURED
        else ErrorCode.INVALID_TRANSITION
    )


def _entry_arguments(
    ctx: SovereignContext,
    instrument: InstrumentRecord,
    receiver: AccountRecord,
    amount: int,
    sender: AccountRecord | None,
    already_added: int,
) -> dict[str, Any]:
    """The domain's view of an entry into ``receiver``'s holding, read from the ledger."""
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
    holdings_fixed = (
        None
        if isinstance(domain_instrument, CommodityReserveToken)
        else domain_instrument.holdings_fixed_from(
            rules.calendar_for(ctx.market, domain_instrument.terms.calendar_id),
            date.fromisoformat(instrument.created_on) if instrument.created_on else None,
        )
    )
    return {
        "instrument": rules.instrument_controls(instrument, holdings_fixed),
        "receiver": rules.to_account(receiver),
        "amount": amount,
        "investors": investors,
        # The scan of the owner's accounts only where a limit reads it: without one it
        # would cost a range scan per entry (and a phantom-read check at validation).
        "receiver_investor_holding": (
            investor_holding(ctx, receiver.owner_id, instrument_id) + already_added
            if instrument.spec.holding_limit is not None
            else 0
        ),
        "controls": controls,
        "as_of": ctx.business_date,
        "sender": None if sender is None else rules.to_account(sender),
        "sender_available": 0
        if sender is None
        else free_balance(
            ctx.repo.holding(instrument_id, sender.account_id),
            ctx.repo.frozen_part(sender.account_id, instrument_id),
        ),
        "non_resident_holding": (
            ctx.repo.non_resident_holding(instrument_id)
            if instrument.spec.non_resident_limit is not None
            else 0
        ),
    }


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
