"""``instrument:*`` - create (treasury), approve (central bank), issue, schedule (pausing
is a controller action: ``control:PauseInstrument``).

An instrument key carries an AND(issuer peer, registrar peer) endorsement policy from
creation on, so approval, issuance (which updates the outstanding amount), pausing and
lifecycle changes need both organisations' peers, not only the right caller.

A commodity token's supply is capped by its bars still in the reserve: a bar released
to a holder (``lifecycle:RedeemBars``) backs no new issue; ``Bars`` lists each bar's state.
"""

from __future__ import annotations

import dataclasses

from fabric_chaincode import Context
from sovereign_assets.domain import (
    AccountTier,
    CommodityReserveToken,
    DomainError,
    ErrorCode,
    LedgerDraft,
    amount_at_price,
    cash_flows,
)
from sovereign_assets.domain.money import require_non_negative_amount, to_decimal
from sovereign_assets.domain.status import InstrumentStatus, approve_status, issue_status
from sovereign_assets.schema.messages import (
    Allotment,
    BarState,
    BarStatus,
    InstrumentKind,
    InstrumentLimits,
    InstrumentSpec,
    ScheduledFlow,
)
from sovereign_assets.schema.records import InstrumentRecord

from . import rules
from .auth import Duty
from .base import (
    SovereignContext,
    SovereignContract,
    entry_refusal,
    query,
    raise_refusal,
    require_account,
    require_instrument,
    sovereign,
    transaction,
)
from .documents import require_issuable
from .rules import RuleError

_HOLDING_TIERS = (AccountTier.DEALER, AccountTier.INVESTOR)


def endorsing_orgs(ctx: SovereignContext) -> list[str]:
    """MSP IDs whose peers must endorse every change of an instrument."""
    roles = ctx.governance.org_roles
    return sorted({*roles["issuer"], *roles["registrar"]})


class InstrumentContract(SovereignContract):
    """Instruments and their primary issuance."""

    name = "instrument"

    @transaction("Create")
    def create(self, ctx: Context, spec: InstrumentSpec) -> InstrumentRecord:
        """A new instrument in DRAFT (issuer)."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.ISSUER)
        rules.require_id(spec.instrument_id, "instrument_id")
        if sctx.repo.instrument(spec.instrument_id) is not None:
            raise RuleError(ErrorCode.ALREADY_EXISTS, f"instrument {spec.instrument_id}")
        record = InstrumentRecord(
            spec,
            InstrumentStatus.DRAFT,
            paused=False,
            issued=0,
            redeemed=0,
            lifecycle_version=0,
            periods_paid=0,
            matured=False,
            created_on=sctx.business_date.isoformat(),
        )
        instrument = rules.to_instrument(record, sctx.market.currency)  # validates the terms
        if not isinstance(instrument, CommodityReserveToken):
            calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
            instrument.terms.periods(calendar)  # the schedule must be constructible
        rules.instrument_controls(record)
        rules.price_band(record)
        if spec.holding_limit is not None:
            require_non_negative_amount(spec.holding_limit, "holding_limit")
        if spec.non_resident_limit is not None:
            require_non_negative_amount(spec.non_resident_limit, "non_resident_limit")
        sctx.repo.put_instrument(record, endorsers=endorsing_orgs(sctx))
        sctx.repo.emit(
            "InstrumentCreated", {"instrument_id": spec.instrument_id, "kind": spec.kind.value}
        )
        return record

    @transaction("Approve")
    def approve(self, ctx: Context, instrument_id: str) -> InstrumentRecord:
        """DRAFT -> APPROVED (registrar); a sukuk needs a Shariah certificate and a
        commodity token a vault attestation in force in the document registry, attached
        to it."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        record = require_instrument(sctx, instrument_id)
        status = approve_status(record.status)
        require_issuable(sctx, rules.to_instrument(record, sctx.market.currency))
        updated = dataclasses.replace(
            record, status=status, approved_on=sctx.business_date.isoformat()
        )
        sctx.repo.put_instrument(updated)
        sctx.repo.emit("InstrumentApproved", {"instrument_id": instrument_id})
        return updated

    @transaction("Issue")
    def issue(
        self, ctx: Context, instrument_id: str, allotments: list[Allotment]
    ) -> InstrumentRecord:
        """Mint allotments of an APPROVED (or re-opened ISSUED) instrument (issuer), outside
        an auction (a private placement). Every allotment of a bill, bond or sukuk is paid
        for in the same transaction: face x clean price / 100 + accrued interest to the
        business date, rounded once, from the account's cash (a client sub-account's
        dealer account pays for it) to the treasury's cash account; one without a
        ``price_per_100`` is refused (``PRICE_REQUIRED``), so debt is never issued free.
        A commodity reserve token is minted against bars already in the reserve and
        takes no price (a price given is refused: ``INVALID_ARGUMENT``).

        Each allotment passes the same eligibility check as a transfer into the account
        (``entry_refusal``): KYC, eligibility, freezes, the per-investor holding limit
        (counting earlier allotments of this issue), pauses, maturity and the record
        date of a coupon not yet paid."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.ISSUER)
        record = require_instrument(sctx, instrument_id)
        status = issue_status(record.status)
        if record.paused:
            raise DomainError(ErrorCode.INSTRUMENT_PAUSED, instrument_id)
        if not allotments:
            raise RuleError(ErrorCode.INVALID_ARGUMENT, "allotments: at least one")
        if len(allotments) > rules.MAX_BATCH_SIZE:
            raise RuleError(
                ErrorCode.INVALID_ARGUMENT,
                f"allotments: at most {rules.MAX_BATCH_SIZE} per issue (issue again to add more)",
            )
        for allotment in allotments:
            rules.require_id(allotment.account_id, "account_id")
        sctx.repo.prefetch_accounts(a.account_id for a in allotments)
        sctx.repo.prefetch_investors(
            account.owner_id
            for account in (sctx.repo.account(a.account_id) for a in allotments)
            if account is not None
        )
        instrument = rules.to_instrument(record, sctx.market.currency)
        require_issuable(sctx, instrument)
        if isinstance(instrument, CommodityReserveToken):
            released = tuple(r.serial for r in sctx.repo.bar_releases(instrument_id))
            limit = instrument.without_bars(released).total_weight_mg
        else:
            limit = None
        accounts = []
        payments: list[tuple[str, int]] = []  # (paying account, cash), in allotment order
        accrued = None
        added: dict[str, int] = {}  # legal owner -> what this issue already gives it
        for allotment in allotments:
            account = require_account(sctx, allotment.account_id)
            if account.tier not in _HOLDING_TIERS:
                raise DomainError(ErrorCode.INVALID_ACCOUNT, f"{account.account_id} holds cash")
            raise_refusal(
                entry_refusal(
                    sctx,
                    record,
                    account,
                    allotment.amount,
                    already_added=added.get(account.owner_id, 0),
                ),
                record,
            )
            added[account.owner_id] = added.get(account.owner_id, 0) + allotment.amount
            accounts.append(account.account_id)
            if isinstance(instrument, CommodityReserveToken):
                if allotment.price_per_100 is not None:
                    raise RuleError(
                        ErrorCode.INVALID_ARGUMENT, "a commodity token is minted for bars"
                    )
            else:
                if allotment.price_per_100 is None:
                    raise RuleError(
                        ErrorCode.PRICE_REQUIRED, f"{allotment.account_id}: price_per_100"
                    )
                if accrued is None:
                    accrued = rules.accrued_on(sctx.market, record, sctx.business_date)
                payer = account.parent_account_id or account.account_id
                if payer != account.account_id and require_account(sctx, payer).frozen:
                    raise DomainError(ErrorCode.ACCOUNT_FROZEN, payer)  # cannot pay
                cash = amount_at_price(allotment.amount, allotment.price_per_100, accrued)
                payments.append((payer, cash))
        treasury = sctx.governance.treasury_cash_account
        if payments:
            require_account(sctx, treasury)
        before = sctx.repo.load_ledger(
            [(a, instrument_id) for a in accounts],
            cash_accounts=[*(p for p, _ in payments), *([treasury] if payments else [])],
            instrument=record,
        )
        draft = LedgerDraft(before)  # one new ledger for the whole issue, not one per allotment
        for allotment in allotments:
            draft.issue(
                allotment.account_id, instrument_id, allotment.amount, record.spec.min_denomination
            )
        for payer, cash in payments:
            draft.move_cash(payer, treasury, cash)
        after = draft.ledger()
        if limit is not None and after.outstanding(instrument_id) > limit:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "issuance exceeds the allocated bars")
        sctx.repo.save_ledger(before, after)
        updated = dataclasses.replace(record, status=status, issued=after.issued[instrument_id])
        sctx.repo.put_instrument(updated)
        sctx.repo.emit(
            "HoldingsIssued",
            {
                "instrument_id": instrument_id,
                "count": len(allotments),
                "amount": sum(a.amount for a in allotments),
                "issued": updated.issued,
                "cash_paid": sum(cash for _, cash in payments),
            },
        )
        return updated

    @query("Get")
    def get(self, ctx: Context, instrument_id: str) -> InstrumentRecord:
        """One instrument."""
        return require_instrument(sovereign(ctx), instrument_id)

    @query("List")
    def list_instruments(self, ctx: Context) -> list[InstrumentRecord]:
        """Every instrument, by id."""
        return sovereign(ctx).repo.instruments()

    @query("Limits")
    def limits(self, ctx: Context, instrument_id: str) -> InstrumentLimits:
        """The instrument's caps and the public aggregates they are checked against: the
        non-resident total (kept for an instrument with that cap) and the issuance
        programme's total (debt and sukuk count towards it, commodity tokens do not)."""
        sctx = sovereign(ctx)
        record = require_instrument(sctx, instrument_id)
        spec = record.spec
        programme = sctx.market.programme
        counts = programme is not None and spec.kind is not InstrumentKind.COMMODITY_RESERVE
        return InstrumentLimits(
            spec.instrument_id,
            spec.holding_limit,
            spec.non_resident_limit,
            None
            if spec.non_resident_limit is None
            else sctx.repo.non_resident_holding(spec.instrument_id),
            programme.programme_id if counts and programme else None,
            programme.cap if counts and programme else None,
            sctx.repo.programme_issued(programme.programme_id) if counts and programme else None,
        )

    @query("Schedule")
    def schedule(self, ctx: Context, instrument_id: str) -> list[ScheduledFlow]:
        """Cash flows still to come, from the domain (none for commodity tokens)."""
        sctx = sovereign(ctx)
        record = require_instrument(sctx, instrument_id)
        instrument = rules.to_instrument(record, sctx.market.currency)
        if isinstance(instrument, CommodityReserveToken):
            return []
        calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
        return [
            ScheduledFlow(
                flow.kind.value,
                flow.period_id,
                flow.payment_date.isoformat(),
                None if flow.amount_per_unit is None else to_decimal(flow.amount_per_unit),
                flow.payment_date_provisional,
            )
            for flow in cash_flows(instrument, sctx.last_business_date, calendar)
        ]

    @query("Bars")
    def bars(self, ctx: Context, instrument_id: str) -> list[BarStatus]:
        """The bars of a commodity token in their allocation order, each ALLOCATED or
        RELEASED (to an account, on a date); other instruments have none. The account a
        bar went to is shown to the issuer, the regulator and its controllers only."""
        sctx = sovereign(ctx)
        record = require_instrument(sctx, instrument_id)
        released = {r.serial: r for r in sctx.repo.bar_releases(instrument_id)}
        shown = {r.account_id for r in released.values() if sctx.sees_account_id(r.account_id)}
        statuses = []
        for bar in record.spec.bars:
            release = released.get(bar.serial)
            statuses.append(
                BarStatus(
                    bar.serial,
                    bar.weight_mg,
                    bar.fineness,
                    bar.fineness_scale,
                    bar.vault_id,
                    BarState.ALLOCATED if release is None else BarState.RELEASED,
                    release.account_id if release and release.account_id in shown else None,
                    release.released_on if release else None,
                )
            )
        return statuses
