"""``lifecycle:*`` - coupons, rentals and redemptions, paid in bounded, resumable batches.

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
from datetime import date
from decimal import Decimal

from fabric_chaincode import Context
from sovereign_assets.domain import (
    ClaimKey,
    CommodityReserveToken,
    CouponDateReached,
    DomainError,
    Effect,
    ErrorCode,
    FixingPublished,
    FixingSource,
    FlowKind,
    InstrumentKey,
    Ledger,
    MaturityReached,
    PaymentBook,
    ResolvedFixing,
    TaxStatus,
    evolve,
    pay,
    plan_batch,
)
from sovereign_assets.domain.instruments import DebtInstrument
from sovereign_assets.domain.lifecycle import LifecycleEvent
from sovereign_assets.schema.messages import BatchResult, RedemptionBatch
from sovereign_assets.schema.records import (
    ClaimRecord,
    EffectRecord,
    InstrumentRecord,
    InstrumentStatus,
    PaymentRun,
)

from . import rules
from .auth import Duty
from .base import SovereignContext, SovereignContract, query, require_instrument, sovereign
from .base import transaction as submit_transaction

MATURITY_RUN = "MATURITY"
"""Run id of the redemption (its claims use the period ids of its effects)."""


def _debt_instrument(ctx: SovereignContext, record: InstrumentRecord) -> DebtInstrument:
    instrument = rules.to_instrument(record, ctx.market.currency)
    if isinstance(instrument, CommodityReserveToken):
        raise DomainError(ErrorCode.EVENT_NOT_APPLICABLE, "commodity tokens redeem in bars")
    return instrument


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
                e.amount_per_unit,
                e.taxable,
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
            InstrumentKey(iid, run.produced_version),
            FlowKind(e.kind),
            e.period_id,
            date.fromisoformat(e.payment_date),
            e.amount_per_unit,
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
    the ledger holds it; the instrument key is written only when it changes)."""
    iid = record.spec.instrument_id
    gov = ctx.governance
    effects = _effects(run)
    holders = ctx.repo.holders_after(iid, run.cursor, batch_size + 1)
    statuses = {acct: _tax_status(ctx, acct) for acct, _ in holders[:batch_size]}
    batches = [
        plan_batch(
            effect,
            holders,
            PaymentBook(
                frozenset(
                    ClaimKey(iid, effect.period_id, acct)
                    for acct, _ in holders
                    if ctx.repo.claim_exists(iid, effect.period_id, acct)
                )
            ),
            cursor=run.cursor,
            batch_size=batch_size,
            tax_status_of=statuses.__getitem__,
            table=ctx.market.tax_table,
        )
        for effect in effects
    ]
    cash_accounts = [gov.treasury_cash_account, gov.tax_authority_cash_account]
    before = ctx.repo.load_ledger(
        [(acct, iid) for acct, _ in holders[:batch_size]],
        cash_accounts=[*cash_accounts, *statuses],
        instrument=record,
    )
    ledger: Ledger = before
    payees: set[str] = set()
    gross = tax = net = retired = 0
    as_of = ctx.business_date.isoformat()
    for batch in batches:
        book = PaymentBook()
        for payment in batch.payments:
            book, ledger = pay(
                book,
                ledger,
                payment,
                payer_account_id=gov.treasury_cash_account,
                tax_account_id=gov.tax_authority_cash_account,
            )
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
            payees.add(holder)
            gross, tax, net = gross + split.gross, tax + split.tax, net + split.net
            if payment.key.period_id == "REDEMPTION":
                ledger = ledger.redeem(holder, iid, payment.face_held)
                retired += payment.face_held
    if batches:
        next_cursor, done = batches[0].next_cursor, batches[0].done
    else:  # nothing is owed (a zero coupon): the run is complete at once
        next_cursor, done = run.cursor, True
    ctx.repo.save_ledger(before, ledger)
    updated_run = dataclasses.replace(
        run,
        cursor=next_cursor,
        done=done,
        paid=run.paid + len(payees),
        gross=run.gross + gross,
        tax=run.tax + tax,
        net=run.net + net,
        retired=run.retired + retired,
    )
    ctx.repo.put_payment_run(updated_run)
    finished = done and run.run_id == MATURITY_RUN
    updated_record = dataclasses.replace(
        record,
        redeemed=record.redeemed + retired,
        open_run=None if done else run.run_id,
        status=InstrumentStatus.MATURED if finished else record.status,
    )
    if updated_record != stored:
        ctx.repo.put_instrument(updated_record)
    result = RedemptionBatch(len(payees), gross, tax, net, done, retired)
    ctx.repo.emit(
        event_name,
        {
            "instrument_id": iid,
            "run_id": run.run_id,
            **dataclasses.asdict(result),
            "cursor": next_cursor,
        },
    )
    return result


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
    return _start_run(ctx, record, _debt_instrument(ctx, record), event, run_id)


class LifecycleContract(SovereignContract):
    """Coupon, rental and redemption payments."""

    name = "lifecycle"

    @submit_transaction("PayCoupon")
    def pay_coupon(
        self, ctx: Context, instrument_id: str, payment_date: str, batch_size: int
    ) -> BatchResult:
        """Pay the coupon (or rental) of the period ending or paid on ``payment_date``
        to at most ``batch_size`` more holders (issuer)."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.ISSUER)
        rules.require_positive(batch_size, "batch_size")
        record = require_instrument(sctx, instrument_id)
        day = rules.parse_date(payment_date, "payment_date")
        instrument = _debt_instrument(sctx, record)
        calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
        period_id = rules.coupon_period_id(instrument, day, calendar)
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
        rules.require_positive(batch_size, "batch_size")
        record = require_instrument(sctx, instrument_id)
        run, updated = _open_or_resume(sctx, record, MATURITY_RUN, MaturityReached())
        return _pay_batch(
            sctx, updated, run, batch_size, stored=record, event_name="RedemptionBatchPaid"
        )

    @submit_transaction("PublishFixing")
    def publish_fixing(
        self, ctx: Context, instrument_id: str, period_id: str, rate: Decimal, source: str
    ) -> InstrumentRecord:
        """The central bank publishes the benchmark ``rate`` (fraction, "0.0712") of a
        floating instrument's period ``period_id`` (its end date); ``source`` is AUCTION
        or PKRV_AVERAGE (the fallback). Registrar only; applied once per period."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        record = require_instrument(sctx, instrument_id)
        try:
            fixing_source = FixingSource(source)
        except ValueError:
            raise rules.invalid("source: expected AUCTION or PKRV_AVERAGE") from None
        instrument = _debt_instrument(sctx, record)
        calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
        as_of = sctx.business_date
        fixing = ResolvedFixing(as_of, rate, fixing_source, ())
        state = evolve(
            instrument, FixingPublished(period_id, fixing), as_of, calendar
        ).instrument.state
        updated = dataclasses.replace(
            record, lifecycle_version=state.version, fixings=dict(state.fixings)
        )
        sctx.repo.put_instrument(updated)
        sctx.repo.emit(
            "FixingPublished",
            {
                "instrument_id": instrument_id,
                "period_id": period_id,
                "rate": rate,
                "source": source,
            },
        )
        return updated

    @query("Claims")
    def claims(self, ctx: Context, instrument_id: str, payment_date: str) -> list[ClaimRecord]:
        """Paid claims of a period: ``payment_date`` names a coupon period (its end or
        payment date) or is "REDEMPTION"."""
        sctx = sovereign(ctx)
        record = require_instrument(sctx, instrument_id)
        if payment_date == "REDEMPTION":
            return sctx.repo.claims(instrument_id, payment_date)
        day = rules.parse_date(payment_date, "payment_date")
        instrument = _debt_instrument(sctx, record)
        calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
        return sctx.repo.claims(instrument_id, rules.coupon_period_id(instrument, day, calendar))
