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

Commodity reserve tokens do not mature: a holder's account controller redeems tokens
for named whole bars (``RedeemBars``); the tokens retire and the bars are recorded as
released to the account in the same transaction.

Floating fixings come either from the central bank directly (``PublishFixing``) or
from the market data the central bank records on the ledger (``RecordBillAuction``,
``RecordPkrv``): ``ResolveFixing`` reads the auctions and PKRV quotes the domain's
``resolve_fixing`` may use for the period's fixing date and applies its answer the
same way ``PublishFixing`` does.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from fabric_chaincode import Context
from sovereign_assets.domain import (
    AccountTier,
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
    resolve_fixing,
)
from sovereign_assets.domain.calendars import HolidayCalendar
from sovereign_assets.domain.instruments import DebtInstrument
from sovereign_assets.domain.lifecycle import LifecycleEvent
from sovereign_assets.domain.money import to_decimal
from sovereign_assets.schema.messages import (
    BarRedemption,
    BatchResult,
    BillAuctionSpec,
    FixingResolution,
    PkrvQuoteSpec,
    RedemptionBatch,
)
from sovereign_assets.schema.records import (
    BarReleaseRecord,
    BillAuctionRecord,
    ClaimRecord,
    EffectRecord,
    InstrumentRecord,
    InstrumentStatus,
    PaymentRun,
    PkrvRecord,
)

from . import rules
from .auth import Duty, require_account_control
from .base import (
    SovereignContext,
    SovereignContract,
    parent_of,
    query,
    require_account,
    require_instrument,
    sovereign,
)
from .base import transaction as submit_transaction
from .rules import RuleError

_HOLDING_TIERS = (AccountTier.DEALER, AccountTier.INVESTOR)

MATURITY_RUN = "MATURITY"
"""Run id of the redemption (its claims use the period ids of its effects)."""


def _debt_instrument(ctx: SovereignContext, record: InstrumentRecord) -> DebtInstrument:
    instrument = rules.to_instrument(record, ctx.market.currency)
    if isinstance(instrument, CommodityReserveToken):
        raise DomainError(
            ErrorCode.EVENT_NOT_APPLICABLE, "commodity tokens redeem in whole bars: RedeemBars"
        )
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
        rules.require_batch_size(batch_size)
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
        updated = _apply_fixing(sctx, record, instrument, period_id, fixing, calendar)
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

    @submit_transaction("RecordBillAuction")
    def record_bill_auction(self, ctx: Context, result: BillAuctionSpec) -> BillAuctionRecord:
        """Record a published bill auction result (registrar); one per tenor and date,
        never overwritten."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        record = rules.bill_auction_record(result, sctx.business_date)
        if sctx.repo.bill_auction(record.tenor_days, record.auction_date) is not None:
            raise RuleError(
                ErrorCode.ALREADY_EXISTS,
                f"auction of {record.tenor_days} days on {record.auction_date}",
            )
        rules.to_auction_result(record)  # the domain accepts it
        sctx.repo.put_bill_auction(record)
        sctx.repo.emit(
            "BillAuctionRecorded",
            {
                "tenor_days": record.tenor_days,
                "auction_date": record.auction_date,
                "weighted_average_yield": record.weighted_average_yield,
                "all_bids_rejected": record.all_bids_rejected,
            },
        )
        return record

    @submit_transaction("RecordPkrv")
    def record_pkrv(self, ctx: Context, quote: PkrvQuoteSpec) -> PkrvRecord:
        """Record a published PKRV rate (registrar); one per tenor and date, never
        overwritten."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        record = rules.pkrv_record(quote, sctx.business_date)
        if sctx.repo.pkrv_quote(record.tenor_days, record.quote_date) is not None:
            raise RuleError(
                ErrorCode.ALREADY_EXISTS,
                f"PKRV of {record.tenor_days} days on {record.quote_date}",
            )
        rules.to_pkrv_quote(record)  # the domain accepts it
        sctx.repo.put_pkrv_quote(record)
        sctx.repo.emit(
            "PkrvRecorded",
            {"tenor_days": record.tenor_days, "quote_date": record.quote_date, "rate": record.rate},
        )
        return record

    @submit_transaction("ResolveFixing")
    def resolve_fixing(self, ctx: Context, instrument_id: str, period_id: str) -> FixingResolution:
        """Fix a floating instrument's period ``period_id`` from the recorded market data
        (registrar): the weighted-average yield of the latest auction of the benchmark
        tenor, else the average PKRV of the 5 working days before the fixing date (the
        domain's ``resolve_fixing``). Applied as ``PublishFixing`` applies a fixing."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        record = require_instrument(sctx, instrument_id)
        instrument = _debt_instrument(sctx, record)
        rule = rules.fixing_rule_of(instrument)
        calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
        fixed_on = rules.fixing_date(rules.period_by_id(instrument, period_id, calendar))
        if sctx.business_date < fixed_on:
            raise DomainError(
                ErrorCode.EVENT_NOT_APPLICABLE, f"period {period_id} is fixed on {fixed_on}"
            )
        tenor = rule.benchmark_tenor_days
        # Point reads of exactly the days the rule may use: the read set then covers
        # a result recorded later for one of those days (MVCC), unlike a scan.
        auctions = [
            rules.to_auction_result(found)
            for day in rules.auction_days(rule, fixed_on)
            if (found := sctx.repo.bill_auction(tenor, day.isoformat())) is not None
        ]
        quotes = [
            rules.to_pkrv_quote(quote)
            for day in rules.pkrv_days(rule, fixed_on, calendar)
            if (quote := sctx.repo.pkrv_quote(tenor, day.isoformat())) is not None
        ]
        fixing = resolve_fixing(rule, fixed_on, auctions, quotes, calendar)
        updated = _apply_fixing(sctx, record, instrument, period_id, fixing, calendar)
        evidence = [d.isoformat() for d in fixing.evidence_dates]
        sctx.repo.emit(
            "FixingPublished",
            {
                "instrument_id": instrument_id,
                "period_id": period_id,
                "rate": fixing.rate,
                "source": fixing.source.value,
                "fixing_date": fixed_on.isoformat(),
                "evidence_dates": evidence,
            },
        )
        return FixingResolution(
            instrument_id,
            period_id,
            fixed_on.isoformat(),
            fixing.rate,
            fixing.source.value,
            evidence,
            updated.lifecycle_version,
        )

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
        rules.require_bars_deliverable(record, account, sctx.governance.global_pause)
        weights = {bar.serial: bar.weight_mg for bar in token.bars}
        rules.require_not_released(
            [
                serial
                for serial in sorted(set(serials))
                if serial in weights and sctx.repo.bar_release(instrument_id, serial) is not None
            ]
        )
        held = sctx.repo.holding(instrument_id, account_id)
        amount = token.redemption_amount(tuple(serials), held)
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
            instrument = _debt_instrument(sctx, record)
            calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
            period_id = rules.coupon_period_id(instrument, day, calendar)
        return [
            claim
            for claim in sctx.repo.claims(instrument_id, period_id)
            if sctx.sees_account_id(claim.holder_account)
        ]


def _apply_fixing(
    ctx: SovereignContext,
    record: InstrumentRecord,
    instrument: DebtInstrument,
    period_id: str,
    fixing: ResolvedFixing,
    calendar: HolidayCalendar,
) -> InstrumentRecord:
    """Apply a benchmark fixing through the domain's lifecycle (once per period) and
    store the instrument's next version; the caller emits the event."""
    state = evolve(
        instrument, FixingPublished(period_id, fixing), ctx.business_date, calendar
    ).instrument.state
    updated = dataclasses.replace(
        record, lifecycle_version=state.version, fixings=dict(state.fixings)
    )
    ctx.repo.put_instrument(updated)
    return updated
