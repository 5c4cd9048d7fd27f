"""``lifecycle:*`` fixings - the benchmark of a floating instrument's period.

Floating fixings come either from the central bank directly (``PublishFixing``) or
from the market data the central bank records on the ledger (``RecordBillAuction``,
``RecordPkrv``): ``ResolveFixing`` reads the auctions and PKRV quotes the domain's
``resolve_fixing`` may use for the period's fixing date and applies its answer the
same way ``PublishFixing`` does.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from fabric_chaincode import Context
from sovereign_assets.domain import (
    DomainError,
    ErrorCode,
    FixingPublished,
    FixingSource,
    ResolvedFixing,
    evolve,
    resolve_fixing,
)
from sovereign_assets.domain.calendars import HolidayCalendar
from sovereign_assets.domain.fixings import fixing_date_of
from sovereign_assets.domain.instruments import DebtInstrument
from sovereign_assets.schema.messages import (
    BillAuctionSpec,
    FixingResolution,
    PkrvQuoteSpec,
)
from sovereign_assets.schema.records import (
    BillAuctionRecord,
    InstrumentRecord,
    PkrvRecord,
)

from . import rules
from .auth import Duty
from .base import (
    SovereignContext,
    SovereignContract,
    require_instrument,
    sovereign,
)
from .base import transaction as submit_transaction
from .rules import RuleError


class FixingTransactions(SovereignContract):
    """Benchmark fixings and the market data they come from (part of
    :class:`.lifecycle.LifecycleContract`)."""

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
        instrument = rules.to_debt_instrument(record, sctx.market.currency)
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
        instrument = rules.to_debt_instrument(record, sctx.market.currency)
        rule = instrument.require_benchmark_rule()
        calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
        fixed_on = fixing_date_of(instrument.period(period_id, calendar))
        if sctx.business_date < fixed_on:
            raise DomainError(
                ErrorCode.EVENT_NOT_APPLICABLE, f"period {period_id} is fixed on {fixed_on}"
            )
        tenor = rule.benchmark_tenor_days
        # Point reads of exactly the days the rule may use: the read set then covers
        # a result recorded later for one of those days (MVCC), unlike a scan.
        auctions = [
            rules.to_auction_result(found)
            for day in rule.auction_days(fixed_on)
            if (found := sctx.repo.bill_auction(tenor, day.isoformat())) is not None
        ]
        quotes = [
            rules.to_pkrv_quote(quote)
            for day in rule.pkrv_days(fixed_on, calendar)
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
