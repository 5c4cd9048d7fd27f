"""``control:*`` - controller actions: freezes, pauses, the kill switch, forced transfers
and lost-key recovery.

Every action is taken by a controller (the issuer's or the registrar's organisation),
states a reason code (:class:`sovereign_assets.domain.ControlReason`) and, where the law
needs one, names a registered document (a court order in force for ``COURT_ORDER``; a
forced transfer needs one always). Every action writes the control register
(:class:`.records.ControlRegister`), whose key-level endorsement policy requires a peer of
the issuer's AND of the registrar's organisation: Fabric itself refuses at validation
(``ENDORSEMENT_POLICY_FAILURE``) an action endorsed by one of them, whatever the chaincode
answered. Each action is recorded (``controlAction<id>``) and its one event,
``ControlAction``, carries the action id, kind, reason, document (id and SHA-256), the
instrument and amount - no account or investor (every member receives every event; the
controllers read the accounts in ``control:Action``).

The rules (stated in :mod:`sovereign_assets.domain.controls`): a freeze stops disposal,
not entitlement - coupons and redemptions at maturity are paid on frozen holdings as on
others; the free balance (holding less its frozen part) is what transfers, settlements and
bar redemptions may use; a forced transfer takes frozen units first; the kill switch stops
every state change but its own release (:class:`.base.SovereignContract`).

Lost-key recovery moves every holding and all cash of the lost account to a replacement
account of the same legal owner under another controller, carries the frozen parts along,
freezes the lost account and bars the lost controller identity from every transaction.
Sub-accounts hanging under the lost account (a bank's clients under its dealer account) are
re-parented to the replacement: their holdings stay theirs, and the replacement's
controller is their custodian from then on (the lost one, barred, no longer acts for them).
"""

from __future__ import annotations

import dataclasses

from fabric_chaincode import Context
from sovereign_assets.domain import (
    AccountTier,
    ControlKind,
    ControlReason,
    DocumentKind,
    DomainError,
    ErrorCode,
    free_balance,
    frozen_after_forced_transfer,
    parse_reason,
    require_evidence,
    require_reason,
)
from sovereign_assets.domain.money import require_positive_amount
from sovereign_assets.schema.messages import ControlOrder, ForcedTransferSpec, RecoverySpec
from sovereign_assets.schema.records import (
    AccountRecord,
    BarredIdentityRecord,
    ControlActionRecord,
    ControlRegister,
    DocumentRecord,
    HoldingFreezeRecord,
    InstrumentRecord,
    InstrumentStatus,
)

from .auth import Duty
from .base import (
    SovereignContext,
    SovereignContract,
    query,
    require_account,
    require_instrument,
    sovereign,
    transaction,
)
from .documents import attach_to_action, registered, require_document
from .rules import RuleError

_HOLDING_TIERS = (AccountTier.DEALER, AccountTier.INVESTOR)


@dataclasses.dataclass(frozen=True)
class _Evidence:
    reason: ControlReason
    document: DocumentRecord | None


def _evidence(
    ctx: SovereignContext,
    order: ControlOrder,
    *,
    allowed: tuple[ControlReason, ...] = (),
    required: DocumentKind | None = None,
) -> _Evidence:
    """Authorize the controller and check the order's reason and document."""
    ctx.authorize(Duty.CONTROLLER)
    reason = parse_reason(order.reason)
    if allowed:
        require_reason(reason, *allowed)
    document = None if order.document_id is None else require_document(ctx, order.document_id)
    require_evidence(reason, None if document is None else registered(document), required=required)
    return _Evidence(reason, document)


def _record(
    ctx: SovereignContext,
    kind: ControlKind,
    evidence: _Evidence,
    *,
    instrument_id: str | None = None,
    accounts: tuple[str, ...] = (),
    amount: int | None = None,
) -> ControlActionRecord:
    """Write the control register (the two-organisation key), the action record and the
    document's link to it; emit the action's event."""
    register = ctx.repo.control_register()
    if register is None:
        raise RuleError(ErrorCode.NOT_FOUND, "control register (governance:Bootstrap first)")
    action_id = f"CA-{register.actions + 1:06d}"
    ctx.repo.put_control_register(ControlRegister(register.actions + 1, action_id))
    action = ControlActionRecord(
        action_id,
        kind.value,
        evidence.reason.value,
        None if evidence.document is None else evidence.document.document_id,
        instrument_id,
        list(accounts),
        amount,
        ctx.business_date.isoformat(),
        ctx.caller.msp_id,
        ctx.txid,
    )
    ctx.repo.put_control_action(action)
    if evidence.document is not None:
        attach_to_action(ctx, evidence.document, action_id)
    ctx.repo.emit(
        "ControlAction",
        {
            "action_id": action_id,
            "kind": action.kind,
            "reason": action.reason,
            "document_id": action.document_id,
            "document_sha256": None if evidence.document is None else evidence.document.sha256,
            "instrument_id": instrument_id,
            "amount": amount,
            "business_date": action.business_date,
        },
    )
    return action


def _holding_account(ctx: SovereignContext, account_id: str) -> AccountRecord:
    account = require_account(ctx, account_id)
    if account.tier not in _HOLDING_TIERS:
        raise DomainError(ErrorCode.INVALID_ACCOUNT, f"{account_id} holds no securities")
    return account


def _require_no_open_run(record: InstrumentRecord) -> None:
    # A payment run pays holders in account order across transactions: moving a holding
    # between two accounts mid-run would pay that face twice or not at all.
    if record.open_run is not None:
        raise DomainError(
            ErrorCode.INSTRUMENT_PAUSED, f"{record.spec.instrument_id}: payment run open"
        )


def _adjust_holding_freeze(
    sctx: SovereignContext,
    instrument_id: str,
    account_id: str,
    amount: int,
    order: ControlOrder,
    *,
    freeze: bool,
) -> ControlActionRecord:
    """Freeze ``amount`` more of a holding (at most its free balance) or release that
    much of its frozen part (at most what is frozen)."""
    evidence = _evidence(sctx, order)
    instrument = require_instrument(sctx, instrument_id)
    account = _holding_account(sctx, account_id)
    require_positive_amount(amount, "amount")
    frozen = sctx.repo.frozen_part(account.account_id, instrument_id)
    if freeze:
        held = sctx.repo.holding(instrument_id, account.account_id)
        room, code, what = (
            free_balance(held, frozen),
            ErrorCode.INSUFFICIENT_HOLDING,
            "free balance",
        )
    else:
        room, code, what = frozen, ErrorCode.INVALID_AMOUNT, "frozen part"
    if amount > room:
        raise DomainError(code, f"{account_id} {instrument_id}: {what}")
    kind = ControlKind.FREEZE_HOLDING if freeze else ControlKind.UNFREEZE_HOLDING
    after = frozen + amount if freeze else frozen - amount
    return _change_freeze(sctx, kind, evidence, instrument, account, after, amount)


class ControlContract(SovereignContract):
    """Controller actions; each needs the issuer's and the registrar's peers."""

    name = "control"

    # -- freezes --------------------------------------------------------------------

    @transaction("FreezeAccount")
    def freeze_account(
        self, ctx: Context, account_id: str, order: ControlOrder
    ) -> ControlActionRecord:
        """Freeze a whole account: nothing moves in or out by transfer or settlement."""
        return _set_frozen(sovereign(ctx), account_id, order, frozen=True)

    @transaction("UnfreezeAccount")
    def unfreeze_account(
        self, ctx: Context, account_id: str, order: ControlOrder
    ) -> ControlActionRecord:
        """Lift a whole-account freeze."""
        return _set_frozen(sovereign(ctx), account_id, order, frozen=False)

    @transaction("FreezeHolding")
    def freeze_holding(
        self, ctx: Context, instrument_id: str, account_id: str, amount: int, order: ControlOrder
    ) -> ControlActionRecord:
        """Freeze ``amount`` more (minor units of face, or mg) of one holding; at most
        its free balance (``INSUFFICIENT_HOLDING``)."""
        return _adjust_holding_freeze(
            sovereign(ctx), instrument_id, account_id, amount, order, freeze=True
        )

    @transaction("UnfreezeHolding")
    def unfreeze_holding(
        self, ctx: Context, instrument_id: str, account_id: str, amount: int, order: ControlOrder
    ) -> ControlActionRecord:
        """Release ``amount`` of a holding's frozen part; at most what is frozen
        (``INVALID_AMOUNT``)."""
        return _adjust_holding_freeze(
            sovereign(ctx), instrument_id, account_id, amount, order, freeze=False
        )

    # -- pauses and the kill switch ----------------------------------------------------

    @transaction("PauseInstrument")
    def pause_instrument(
        self, ctx: Context, instrument_id: str, order: ControlOrder
    ) -> ControlActionRecord:
        """Stop transfers, settlements, issues and bar redemptions of an instrument."""
        return _set_paused(sovereign(ctx), instrument_id, order, paused=True)

    @transaction("ResumeInstrument")
    def resume_instrument(
        self, ctx: Context, instrument_id: str, order: ControlOrder
    ) -> ControlActionRecord:
        """Lift an instrument's pause."""
        return _set_paused(sovereign(ctx), instrument_id, order, paused=False)

    @transaction("Halt")
    def halt(self, ctx: Context, order: ControlOrder) -> ControlActionRecord:
        """Pull the kill switch: from the next transaction on, every state change is
        refused with ``GLOBAL_PAUSE`` but ``Release``. Queries still answer."""
        return _set_kill_switch(sovereign(ctx), order, on=True)

    @transaction("Release", releases_kill_switch=True)
    def release(self, ctx: Context, order: ControlOrder) -> ControlActionRecord:
        """Release the kill switch (the one state change it lets through)."""
        return _set_kill_switch(sovereign(ctx), order, on=False)

    # -- forced transfer and recovery ------------------------------------------------

    @transaction("ForcedTransfer")
    def forced_transfer(self, ctx: Context, spec: ForcedTransferSpec) -> ControlActionRecord:
        """Move ``spec.amount`` of face as a court orders: reason COURT_ORDER and a court
        order in force (``COURT_ORDER_REQUIRED``). It takes the frozen units first, and
        pauses and freezes do not stop it; the instrument must be ISSUED with no payment run open,
        and the receiving account's owner registered."""
        sctx = sovereign(ctx)
        evidence = _evidence(
            sctx,
            spec.order,
            allowed=(ControlReason.COURT_ORDER,),
            required=DocumentKind.COURT_ORDER,
        )
        instrument = require_instrument(sctx, spec.instrument_id)
        if instrument.status is not InstrumentStatus.ISSUED:
            raise DomainError(ErrorCode.INVALID_TRANSITION, f"{instrument.status} instrument")
        _require_no_open_run(instrument)
        sender = _holding_account(sctx, spec.from_account)
        receiver = _holding_account(sctx, spec.to_account)
        if sctx.repo.investor(receiver.owner_id) is None:
            raise DomainError(ErrorCode.UNKNOWN_INVESTOR, f"receiver {receiver.account_id}")
        iid = instrument.spec.instrument_id
        before = sctx.repo.load_ledger([(sender.account_id, iid), (receiver.account_id, iid)])
        after = before.move_security(
            sender.account_id,
            receiver.account_id,
            iid,
            spec.amount,
            instrument.spec.min_denomination,
        )
        sctx.repo.save_ledger(before, after)
        action = _record(
            sctx,
            ControlKind.FORCED_TRANSFER,
            evidence,
            instrument_id=iid,
            accounts=(sender.account_id, receiver.account_id),
            amount=spec.amount,
        )
        frozen = sctx.repo.frozen_part(sender.account_id, iid)
        left = frozen_after_forced_transfer(frozen, spec.amount)
        if left != frozen:
            sctx.repo.put_holding_freeze(
                HoldingFreezeRecord(sender.account_id, iid, left, action.action_id)
            )
        return action

    @transaction("RecoverAccount")
    def recover_account(self, ctx: Context, spec: RecoverySpec) -> ControlActionRecord:
        """Lost-key recovery (reason LOST_KEY): every holding and all cash of
        ``lost_account`` move to ``replacement_account`` - same legal owner and tier,
        another controller, not frozen - with their frozen parts; the lost account is
        frozen and its controller identity barred (``IDENTITY_BARRED`` from then on); its
        sub-accounts hang under the replacement from then on."""
        sctx = sovereign(ctx)
        evidence = _evidence(sctx, spec.order, allowed=(ControlReason.LOST_KEY,))
        lost = require_account(sctx, spec.lost_account)
        replacement = require_account(sctx, spec.replacement_account)
        if lost.account_id == replacement.account_id:
            raise DomainError(ErrorCode.SAME_ACCOUNT, lost.account_id)
        if (
            replacement.owner_id != lost.owner_id
            or replacement.tier is not lost.tier
            or replacement.controller == lost.controller
        ):
            raise DomainError(
                ErrorCode.INVALID_ACCOUNT,
                f"{replacement.account_id}: same owner and tier, another controller",
            )
        if replacement.frozen:
            raise DomainError(ErrorCode.ACCOUNT_FROZEN, replacement.account_id)
        controller = replacement.controller
        if sctx.repo.barred_identity(controller) is not None:
            raise DomainError(ErrorCode.IDENTITY_BARRED, f"{replacement.account_id} controller")
        holdings = sctx.repo.holdings_of_account(lost.account_id)
        instruments = {h.instrument_id: require_instrument(sctx, h.instrument_id) for h in holdings}
        for record in instruments.values():
            _require_no_open_run(record)
        pairs = [
            (account, h.instrument_id)
            for h in holdings
            for account in (lost.account_id, replacement.account_id)
        ]
        before = sctx.repo.load_ledger(
            pairs, cash_accounts=[lost.account_id, replacement.account_id]
        )
        after = before
        for h in holdings:
            after = after.move_security(
                lost.account_id,
                replacement.account_id,
                h.instrument_id,
                h.amount,
                instruments[h.instrument_id].spec.min_denomination,
            )
        cash = before.cash_balance(lost.account_id)
        if cash:
            after = after.move_cash(lost.account_id, replacement.account_id, cash)
        sctx.repo.save_ledger(before, after)
        action = _record(
            sctx,
            ControlKind.LOST_KEY_RECOVERY,
            evidence,
            accounts=(lost.account_id, replacement.account_id),
            amount=cash,
        )
        for freeze in sctx.repo.freezes_of_account(lost.account_id):
            carried = sctx.repo.frozen_part(replacement.account_id, freeze.instrument_id)
            sctx.repo.put_holding_freeze(dataclasses.replace(freeze, amount=0))
            sctx.repo.put_holding_freeze(
                HoldingFreezeRecord(
                    replacement.account_id,
                    freeze.instrument_id,
                    carried + freeze.amount,
                    action.action_id,
                )
            )
        for child_id in sctx.repo.sub_accounts_of(lost.account_id):
            sctx.repo.reparent_account(require_account(sctx, child_id), replacement)
        if not lost.frozen:
            sctx.repo.put_account(dataclasses.replace(lost, frozen=True))
        if sctx.repo.barred_identity(lost.controller) is None:
            sctx.repo.put_barred_identity(
                BarredIdentityRecord(
                    lost.controller, action.action_id, sctx.business_date.isoformat()
                )
            )
        return action

    # -- queries --------------------------------------------------------------------

    @query("Action")
    def action(self, ctx: Context, action_id: str) -> ControlActionRecord:
        """One controller action (``NOT_FOUND`` if none)."""
        sctx = sovereign(ctx)
        found = sctx.repo.control_action(action_id)
        if found is None:
            raise RuleError(ErrorCode.NOT_FOUND, f"control action {action_id}")
        return found

    @query("Actions")
    def actions(self, ctx: Context) -> list[ControlActionRecord]:
        """Every controller action, oldest first."""
        return sovereign(ctx).repo.control_actions()

    @query("FrozenParts")
    def frozen_parts(self, ctx: Context, account_id: str) -> list[HoldingFreezeRecord]:
        """The frozen parts of an account's holdings, by instrument (the controllers, and
        the account's own controllers)."""
        sctx = sovereign(ctx)
        account = sctx.require_sees(require_account(sctx, account_id))
        return sctx.repo.freezes_of_account(account.account_id)


def _set_frozen(
    ctx: SovereignContext, account_id: str, order: ControlOrder, *, frozen: bool
) -> ControlActionRecord:
    evidence = _evidence(ctx, order)
    account = require_account(ctx, account_id)
    if account.frozen == frozen:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"{account_id} frozen={frozen} already")
    ctx.repo.put_account(dataclasses.replace(account, frozen=frozen))
    kind = ControlKind.FREEZE_ACCOUNT if frozen else ControlKind.UNFREEZE_ACCOUNT
    return _record(ctx, kind, evidence, accounts=(account_id,))


def _change_freeze(
    ctx: SovereignContext,
    kind: ControlKind,
    evidence: _Evidence,
    instrument: InstrumentRecord,
    account: AccountRecord,
    frozen_after: int,
    amount: int,
) -> ControlActionRecord:
    iid = instrument.spec.instrument_id
    action = _record(
        ctx, kind, evidence, instrument_id=iid, accounts=(account.account_id,), amount=amount
    )
    ctx.repo.put_holding_freeze(
        HoldingFreezeRecord(account.account_id, iid, frozen_after, action.action_id)
    )
    return action


def _set_paused(
    ctx: SovereignContext, instrument_id: str, order: ControlOrder, *, paused: bool
) -> ControlActionRecord:
    evidence = _evidence(ctx, order)
    record = require_instrument(ctx, instrument_id)
    if record.paused == paused:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"{instrument_id} paused={paused} already")
    ctx.repo.put_instrument(dataclasses.replace(record, paused=paused))
    kind = ControlKind.PAUSE_INSTRUMENT if paused else ControlKind.RESUME_INSTRUMENT
    return _record(ctx, kind, evidence, instrument_id=instrument_id)


def _set_kill_switch(
    ctx: SovereignContext, order: ControlOrder, *, on: bool
) -> ControlActionRecord:
    evidence = _evidence(ctx, order)
    record = ctx.repo.governance()
    if record is None:
        raise RuleError(ErrorCode.NOT_FOUND, "governance is not bootstrapped")
    if record.config.global_pause == on:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"kill switch on={on} already")
    ctx.repo.put_governance(
        dataclasses.replace(record, config=dataclasses.replace(record.config, global_pause=on))
    )
    return _record(ctx, ControlKind.HALT if on else ControlKind.RELEASE, evidence)
