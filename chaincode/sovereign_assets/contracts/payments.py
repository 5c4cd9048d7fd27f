"""``lifecycle:*`` payments - coupons, rentals and redemptions, paid in bounded,
resumable batches.

The first batch of a payment applies the domain's lifecycle event (``evolve``) once and
stores the resulting effects in a payment run (key: instrument, period). Every batch
then pays at most ``batch_size`` holders after the run's cursor, in account-id order,
through the domain's ``plan_batch`` and ``pay``: gross from the terms and day count,
withholding tax by the holder's tax status from the governance table, net to the
holder's cash, tax to the tax authority's account, all from the treasury's account.
Each paid claim is a key (instrument, period, holder), so a claim is paid at most once
even if a batch is replayed; paying a finished run again is ``ALREADY_PAID``. While a
run is open the instrument's holdings cannot move (see :func:`.base.transfer_reason`).
A redemption also retires the holder's tokens and, with the last batch, marks the
instrument MATURED.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from fabric_chaincode import Context
from sovereign_assets.domain import (
    Batch,
    ClaimKey,
    CouponDateReached,
    DomainError,
    Effect,
    ErrorCode,
    FlowKind,
    InstrumentKey,
    Ledger,
    LedgerDraft,
    MaturityReached,
    PaymentBook,
    TaxStatus,
    evolve,
    pay_all,
    plan_batch,
)
from sovereign_assets.domain.instruments import DebtInstrument
from sovereign_assets.domain.lifecycle import LifecycleEvent
from sovereign_assets.domain.money import to_decimal
from sovereign_assets.domain.status import InstrumentStatus
from sovereign_assets.schema.messages import (
    BatchResult,
    RedemptionBatch,
)
from sovereign_assets.schema.records import (
    ClaimRecord,
    EffectRecord,
    InstrumentRecord,
    PaymentRun,
)

from . import rules
from .auth import Duty
from .base import (
    SovereignContext,
    SovereignContract,
    query,
    require_instrument,
    sovereign,
)
from .base import transaction as submit_transaction
from .rules import RuleError

MATURITY_RUN = "MATURITY"
"""Run id of the redemption (its claims use the period ids of its effects)."""


def _start_run(
    ctx: SovereignContext,
    record: InstrumentRecord,
    instrument: DebtInstrument,
    event: LifecycleEvent,
    run_id: str,
) -> tuple[PaymentRun, InstrumentRecord]:
    calendar = rules.calendar_for(ctx.market, instrument.terms.calendar_id)
    evolution = evolve(instrument, event, ctx.business_date, calendar)
    state = evolution.instrument.state
    run = PaymentRun(
        record.spec.instrument_id,
        run_id,
        [
            EffectRecord(
                e.kind.value,
                e.period_id,
                e.payment_date.isoformat(),
                to_decimal(e.amount_per_unit),
                e.taxable,
                amount_exact=rules.ratio_text(e.amount_per_unit),
            )
            for e in evolution.effects
        ],
        target_version=instrument.state.version,
        produced_version=state.version,
        cursor=None,
        done=False,
        paid=0,
        gross=0,
        tax=0,
        net=0,
        retired=0,
        periods_paid_before=record.periods_paid,
    )
    updated = dataclasses.replace(
        record,
        lifecycle_version=state.version,
        periods_paid=state.periods_paid,
        matured=state.matured,
        open_run=run_id,
    )
    return run, updated


def _effects(run: PaymentRun) -> list[Effect]:
    iid = run.instrument_id
    return [
        Effect(
            InstrumentKey(iid, run.target_version),
            FlowKind(e.kind),
            e.period_id,
            date.fromisoformat(e.payment_date),
            rules.effect_amount(e.amount_exact, e.amount_per_unit),
            e.taxable,
        )
        for e in run.effects
    ]


def _tax_status(ctx: SovereignContext, account_id: str) -> TaxStatus:
    account = ctx.repo.account(account_id)
    investor = ctx.repo.investor(account.owner_id) if account is not None else None
    if investor is None:
        raise DomainError(ErrorCode.UNKNOWN_INVESTOR, f"owner of {account_id}")
    return TaxStatus(investor.tax_status)


@dataclass
class _Paid:
    """What a batch paid so far: the holders paid and the amounts, minor units."""

    payees: set[str] = field(default_factory=set)
    gross: int = 0
    tax: int = 0
    net: int = 0
    retired: int = 0
    """Face retired by a redemption."""


def _pay_batch(
    ctx: SovereignContext,
    record: InstrumentRecord,
    run: PaymentRun,
    batch_size: int,
    *,
    stored: InstrumentRecord,
    event_name: str,
) -> RedemptionBatch:
    """Pay the next batch of ``run``; persist claims, balances, run and instrument
    (``record`` is the instrument as this batch leaves it before paying, ``stored`` as
    the ledger holds it; the instrument key is written only when it changes).

    The steps: the next holders and their tax statuses; one plan per effect of the run
    (the domain's ``plan_batch``, skipping claims already paid); the planned payments
    made on the ledger and each recorded as a claim; then the run advanced to the plans'
    cursor, the instrument updated, and the event.
    """
    iid = record.spec.instrument_id
    holders = ctx.repo.holders_after(iid, run.cursor, batch_size + 1)
    effects = _effects(run)
    # Every key the batch reads per holder, fetched in a few requests instead of one each.
    ctx.repo.prefetch_accounts(acct for acct, _ in holders[:batch_size])
    ctx.repo.prefetch_investors(
        account.owner_id
        for account in (ctx.repo.account(acct) for acct, _ in holders[:batch_size])
        if account is not None
    )
    for effect in effects:
        ctx.repo.prefetch_claims(iid, effect.period_id, (acct for acct, _ in holders))
    statuses = {acct: _tax_status(ctx, acct) for acct, _ in holders[:batch_size]}
    plans = [_plan(ctx, iid, effect, run, holders, statuses, batch_size) for effect in effects]
    before = ctx.repo.load_ledger(
        [(acct, iid) for acct, _ in holders[:batch_size]],
        cash_accounts=[*_payment_accounts(ctx), *statuses],
        instrument=record,
    )
    ledger, paid = _make_payments(ctx, iid, before, plans)
    ctx.repo.save_ledger(before, ledger)
    if plans:
        next_cursor, done = plans[0].next_cursor, plans[0].done
    else:  # nothing is owed (a zero coupon): the run is complete at once
        next_cursor, done = run.cursor, True
    ctx.repo.put_payment_run(_advanced(run, next_cursor, done, paid))
    _store_instrument(ctx, record, stored, run.run_id, done, paid.retired)
    result = RedemptionBatch(len(paid.payees), paid.gross, paid.tax, paid.net, done, paid.retired)
    ctx.repo.emit(
        event_name,
        {
            "instrument_id": iid,
            "run_id": run.run_id,
            **dataclasses.asdict(result),
        },
    )
    return result


def _payment_accounts(ctx: SovereignContext) -> tuple[str, str]:
    """The treasury's paying cash account and the tax authority's, from governance."""
    gov = ctx.governance
    return gov.treasury_cash_account, gov.tax_authority_cash_account


def _plan(
    ctx: SovereignContext,
    iid: str,
    effect: Effect,
    run: PaymentRun,
    holders: tuple[tuple[str, int], ...],
    statuses: dict[str, TaxStatus],
    batch_size: int,
) -> Batch:
    """The domain's plan of ``effect`` for the holders after the run's cursor, given the
    claims already on the ledger (a replayed batch plans only what is unpaid)."""
    already_paid = PaymentBook(
        frozenset(
            ClaimKey(iid, effect.period_id, acct)
            for acct, _ in holders
            if ctx.repo.claim_exists(iid, effect.period_id, acct)
        )
    )
    return plan_batch(
        effect,
        holders,
        already_paid,
        cursor=run.cursor,
        batch_size=batch_size,
        tax_status_of=statuses.__getitem__,
        table=ctx.market.tax_table,
    )


def _make_payments(
    ctx: SovereignContext, iid: str, ledger: Ledger, plans: list[Batch]
) -> tuple[Ledger, _Paid]:
    """Pay every planned payment on ``ledger`` (net to the holder, tax to the tax
    authority, from the treasury), record each as a claim, and retire redeemed face."""
    payer, tax_account = _payment_accounts(ctx)
    paid = _Paid()
    as_of = ctx.business_date.isoformat()
    for plan in plans:
        # One new ledger per plan, not one per payment (linear in the batch).
        _, ledger = pay_all(
            PaymentBook(), ledger, plan.payments, payer_account_id=payer, tax_account_id=tax_account
        )
        retiring = LedgerDraft(ledger)
        for payment in plan.payments:
            holder = payment.key.holder_account_id
            split = payment.split
            ctx.repo.put_claim(
                ClaimRecord(
                    iid,
                    payment.key.period_id,
                    holder,
                    payment.face_held,
                    split.gross,
                    split.tax,
                    split.net,
                    split.rate,
                    as_of,
                )
            )
            paid.payees.add(holder)
            paid.gross += split.gross
            paid.tax += split.tax
            paid.net += split.net
            if payment.key.period_id == "REDEMPTION":
                retiring.redeem(holder, iid, payment.face_held)
                paid.retired += payment.face_held
        ledger = retiring.ledger()
    return ledger, paid


def _advanced(run: PaymentRun, cursor: str | None, done: bool, paid: _Paid) -> PaymentRun:
    """The run after this batch: its cursor moved on and its totals grown."""
    return dataclasses.replace(
        run,
        cursor=cursor,
        done=done,
        paid=run.paid + len(paid.payees),
        gross=run.gross + paid.gross,
        tax=run.tax + paid.tax,
        net=run.net + paid.net,
        retired=run.retired + paid.retired,
    )


def _store_instrument(
    ctx: SovereignContext,
    record: InstrumentRecord,
    stored: InstrumentRecord,
    run_id: str,
    done: bool,
    retired: int,
) -> None:
    """The instrument after this batch: face redeemed, the run closed when done, MATURED
    when its redemption is done; written only if it differs from ``stored``."""
    updated = dataclasses.replace(
        record,
        redeemed=record.redeemed + retired,
        open_run=None if done else run_id,
        status=InstrumentStatus.MATURED if done and run_id == MATURITY_RUN else record.status,
    )
    if updated != stored:
        ctx.repo.put_instrument(updated)


def _open_or_resume(
    ctx: SovereignContext,
    record: InstrumentRecord,
    run_id: str,
    event: LifecycleEvent,
) -> tuple[PaymentRun, InstrumentRecord]:
    run = ctx.repo.payment_run(record.spec.instrument_id, run_id)
    if run is not None:
        if run.done:
            raise DomainError(ErrorCode.ALREADY_PAID, f"{record.spec.instrument_id} {run_id}")
        return run, record
    if record.open_run is not None:
        raise DomainError(ErrorCode.EVENT_NOT_APPLICABLE, f"run {record.open_run} in progress")
    if record.status is not InstrumentStatus.ISSUED:
        raise DomainError(ErrorCode.EVENT_NOT_APPLICABLE, f"{record.status} instrument")
    return _start_run(
        ctx, record, rules.to_debt_instrument(record, ctx.market.currency), event, run_id
    )


class PaymentTransactions(SovereignContract):
    """Coupon, rental and redemption payments (part of :class:`.lifecycle.LifecycleContract`)."""

    @submit_transaction("PayCoupon")
    def pay_coupon(
        self, ctx: Context, instrument_id: str, payment_date: str, batch_size: int
    ) -> BatchResult:
        """Pay the coupon (or rental) of the period ending or paid on ``payment_date``
        to at most ``batch_size`` more holders (issuer)."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.ISSUER)
        rules.require_batch_size(batch_size)
        record = require_instrument(sctx, instrument_id)
        day = rules.parse_date(payment_date, "payment_date")
        instrument = rules.to_debt_instrument(record, sctx.market.currency)
        calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
        period_id = instrument.period_paid_on(day, calendar).period_id
        run, updated = _open_or_resume(sctx, record, period_id, CouponDateReached(period_id))
        paid = _pay_batch(
            sctx, updated, run, batch_size, stored=record, event_name="CouponBatchPaid"
        )
        return BatchResult(paid.paid, paid.gross, paid.tax, paid.net, paid.done)

    @submit_transaction("Redeem")
    def redeem(self, ctx: Context, instrument_id: str, batch_size: int) -> RedemptionBatch:
        """At or after maturity: pay the last coupon and the face, retire the tokens,
        for at most ``batch_size`` more holders (issuer)."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.ISSUER)
        rules.require_batch_size(batch_size)
        record = require_instrument(sctx, instrument_id)
        run, updated = _open_or_resume(sctx, record, MATURITY_RUN, MaturityReached())
        return _pay_batch(
            sctx, updated, run, batch_size, stored=record, event_name="RedemptionBatchPaid"
        )

    @submit_transaction("AbortRun")
    def abort_run(self, ctx: Context, instrument_id: str) -> InstrumentRecord:
        """Abort the open payment run of an instrument (controllers; both organisations
        endorse the instrument key): the instrument returns to its lifecycle state
        before the run, the run record goes, and the claims already paid stay - so
        starting the run again pays exactly the holders not yet paid (holdings stay
        fixed throughout: the record date or maturity has passed). Every failure a
        batch can meet - cash short, a tax rate missing - can also be cured (mint cash,
        update governance) and the run resumed from its cursor."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.CONTROLLER)
        record = require_instrument(sctx, instrument_id)
        if record.open_run is None:
            raise DomainError(ErrorCode.INVALID_TRANSITION, f"{instrument_id} has no open run")
        run = sctx.repo.payment_run(instrument_id, record.open_run)
        if run is None or run.done:
            raise RuleError(ErrorCode.NOT_FOUND, f"run {record.open_run}")
        previous = (
            record.periods_paid if run.periods_paid_before is None else run.periods_paid_before
        )
        updated = dataclasses.replace(
            record,
            lifecycle_version=run.target_version,
            periods_paid=previous,
            matured=False,
            open_run=None,
        )
        sctx.repo.delete_payment_run(instrument_id, run.run_id)
        sctx.repo.put_instrument(updated)
        sctx.repo.emit("PaymentRunAborted", {"instrument_id": instrument_id, "run_id": run.run_id})
        return updated

    @query("Claims")
    def claims(self, ctx: Context, instrument_id: str, payment_date: str) -> list[ClaimRecord]:
        """Paid claims of a period: ``payment_date`` names a coupon period (its end or
        payment date) or is "REDEMPTION"."""
        sctx = sovereign(ctx)
        record = require_instrument(sctx, instrument_id)
        if payment_date == "REDEMPTION":
            period_id = payment_date
        else:
            day = rules.parse_date(payment_date, "payment_date")
            instrument = rules.to_debt_instrument(record, sctx.market.currency)
            calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
            period_id = instrument.period_paid_on(day, calendar).period_id
        return [
            claim
            for claim in sctx.repo.claims(instrument_id, period_id)
            if sctx.sees_account_id(claim.holder_account)
        ]
