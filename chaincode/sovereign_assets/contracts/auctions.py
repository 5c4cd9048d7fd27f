"""``auction:*`` - primary auctions: announce, sealed bids, close, cut-off, results, settle.

Who does what: the treasury (issuer) announces and sets the cut-off; the central bank
(registrar, the auctioneer) closes the auction and settles it; primary dealers bid for
their own account or their clients' sub-accounts.

Sealed bids: a bid arrives in transient key ``bid`` and is written only to the sealed-bid
collection (:data:`~sovereign_assets.schema.privacy.AUCTION_BIDS_COLLECTION`), whose
members are the issuer's and the auctioneer's organisations. ``PlaceBid``, ``AmendBid``
and ``WithdrawBid`` write nothing public, so the collection's own endorsement policy (one
member peer) covers them and the typed client sends them to the bidder's organisation
alone: the bid reaches no other organisation's peer, and the channel's blocks carry only
its hash. Each reads the public auction record, so a bid racing the ``Close`` that
commits first fails validation (MVCC) instead of slipping in. A bidder reads back only
the bids on accounts it controls (``Bids``); the issuer and the auctioneer read the book
only once the auction is closed; anyone else is ``UNAUTHORIZED`` before the collection
is touched.

``CutOff`` applies the domain's rules (:mod:`sovereign_assets.domain.auctions`) to the
book and writes the results (public, per tenor, no bid named) and one public allotment
per accepted bid with its settlement amount: face x clean price / 100 + accrued
interest to the settlement date (a re-opened bond), rounded once. ``Settle`` issues the
allotted face and moves the cash from the dealer's account to the treasury's in one
transaction per bounded batch, on or after the settlement date; an allotment settles
once (its ``settled_on``), so a batch can be repeated until ``done``.

Eligibility: a bid is refused with the register's own code when its account could not
receive the securities today (``entry_refusal``: KYC, eligibility, freezes, the holding
limit, pauses) or its paying dealer account is frozen. At settlement the gate runs again;
an allotment that became ineligible meanwhile (or whose dealer cannot pay) is closed with
its code (``refusal``) once, without issuing or paying anything, and the rest settles;
the treasury raises that much less and may offer the face again later.

A margin auction (floaters, variable-rental sukuk) is uniform price and only for a new
issue: its cut-off is written into the instrument's ``margin_bps``, which every later
fixing and rental or coupon payment reads. The cut-off finds the sealed bids through the
dealer-account index and each dealer's book of the auction (point reads), not by reading
every account.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType

from fabric_chaincode import Context
from fabric_chaincode.serialization import from_json_value, loads
from sovereign_assets.domain import (
    AccountTier,
    DomainError,
    ErrorCode,
    FixedRateBond,
    FloatingRateBond,
    IjaraSukuk,
    InvestorType,
    RentalKind,
    TreasuryBill,
    amount_at_price,
)
from sovereign_assets.domain.auctions import (
    SBP_RULES,
    SBP_SUKUK_RULES,
    AuctionAction,
    AuctionRules,
    AuctionState,
    AuctionType,
    Bid,
    BidBasis,
    BillPricer,
    BondPricer,
    CutOff,
    NonCompetitiveCut,
    Offering,
    Pricer,
    allocate,
    auction_type_for,
    check_bid,
    closes_allotment,
    instrument_margin,
    next_auction_state,
    require_open,
    settle_allotment,
)
from sovereign_assets.domain.instruments import DebtInstrument, accrued_per_unit
from sovereign_assets.domain.pricing import CouponBond
from sovereign_assets.domain.status import issue_status
from sovereign_assets.schema.messages import (
    AuctionSettlementBatch,
    AuctionSpec,
    BidReceipt,
    BidSpec,
    CutOffSpec,
    InstrumentKind,
    SealedBid,
)
from sovereign_assets.schema.privacy import (
    AUCTION_BIDS_COLLECTION,
    AUCTION_BIDS_MEMBER_ROLES,
    BID_TRANSIENT_KEY,
)
from sovereign_assets.schema.records import (
    AccountRecord,
    AllotmentRecord,
    AuctionRecord,
    InstrumentRecord,
    InstrumentStatus,
    StoredBid,
    TenorResultRecord,
)

from . import rules
from .auth import Duty, controls_account
from .base import (
    SovereignContext,
    SovereignContract,
    entry_refusal,
    parent_of,
    query,
    raise_refusal,
    require_account,
    require_instrument,
    sovereign,
    transaction,
)
from .documents import require_issuable
from .rules import RuleError
from .visibility import Scope

MAX_SETTLEMENT_BATCH = 200
"""Most allotments one ``Settle`` transaction handles (each writes a holding, two cash
balances and the allotment)."""

_COMPETITIVE_BIDDERS = {
    "PRIMARY_DEALERS": frozenset({InvestorType.PRIMARY_DEALER}),
    "INVESTORS_THROUGH_DEALERS": frozenset(InvestorType),
}
_BASES_BY_KIND = {
    InstrumentKind.TREASURY_BILL: (BidBasis.PRICE, BidBasis.YIELD),
    InstrumentKind.FIXED_RATE_BOND: (BidBasis.PRICE, BidBasis.YIELD),
    InstrumentKind.FLOATING_RATE_BOND: (BidBasis.MARGIN,),
}


def _close_time(text: str) -> time:
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        raise rules.invalid("close_time: expected HH:MM") from None
    if len(text) != 5 or parsed.second or parsed.tzinfo is not None:
        raise rules.invalid("close_time: expected HH:MM")
    return parsed


def _local_time(ctx: SovereignContext) -> time | None:
    """Time of day of the transaction in the market's time zone, or None when the
    proposal's timestamp (which the client chooses) is not on the business date: the
    timestamp never moves a date, and bids then close only by ``auction:Close``."""
    offset = timedelta(minutes=ctx.governance.utc_offset_minutes)
    moment = datetime.fromtimestamp(ctx.repo.timestamp_seconds(), tz=UTC) + offset
    return moment.time() if moment.date() == ctx.business_date else None


def _sukuk_basis(instrument: DebtInstrument) -> tuple[BidBasis, ...]:
    assert isinstance(instrument, IjaraSukuk)
    return (
        (BidBasis.MARGIN,) if instrument.rental_kind is RentalKind.VARIABLE else (BidBasis.YIELD,)
    )


def _debt(ctx: SovereignContext, record: InstrumentRecord) -> DebtInstrument:
    instrument = rules.to_instrument(record, ctx.market.currency)
    if not isinstance(instrument, TreasuryBill | FixedRateBond | FloatingRateBond | IjaraSukuk):
        raise DomainError(ErrorCode.INVALID_AUCTION, f"{record.spec.instrument_id} is not debt")
    return instrument


def _rules_for(record: AuctionRecord, kinds: set[InstrumentKind]) -> AuctionRules:
    base = SBP_SUKUK_RULES if InstrumentKind.IJARA_SUKUK in kinds else SBP_RULES
    return dataclasses.replace(
        base,
        competitive_bidders=_COMPETITIVE_BIDDERS[record.competitive_bidders],
        non_competitive_cut=NonCompetitiveCut(record.non_competitive_cut),
    )


def _offering(ctx: SovereignContext, record: AuctionRecord, instrument_id: str) -> Offering:
    for offered in record.offerings:
        if offered.instrument_id == instrument_id:
            instrument = require_instrument(ctx, instrument_id)
            return Offering(
                instrument_id,
                offered.target,
                instrument.spec.min_denomination,
                offered.non_competitive_limit,
            )
    raise DomainError(ErrorCode.INVALID_BID, f"{instrument_id} is not offered in this auction")


def _pricer(ctx: SovereignContext, instrument: DebtInstrument, settlement: date) -> Pricer | None:
    """Price <-> yield of an instrument on the settlement date (None for MARGIN bids)."""
    terms = instrument.terms
    if terms.frequency == 0:
        return BillPricer((terms.maturity_date - settlement).days)
    if isinstance(instrument, FixedRateBond):
        rate = instrument.coupon_rate
    elif isinstance(instrument, IjaraSukuk) and instrument.rental_rate is not None:
        rate = instrument.rental_rate
    else:
        return None
    calendar = rules.calendar_for(ctx.market, terms.calendar_id)
    periods = terms.periods(calendar)
    return BondPricer(CouponBond(rate, terms.frequency, periods, terms.day_count), settlement)


def _auction_state(record: AuctionRecord) -> AuctionState:
    return AuctionState(record.state)


def require_auction(ctx: SovereignContext, auction_id: str) -> AuctionRecord:
    """An auction, or ``NOT_FOUND``."""
    rules.require_id(auction_id, "auction_id")
    record = ctx.repo.auction(auction_id)
    if record is None:
        raise RuleError(ErrorCode.NOT_FOUND, f"auction {auction_id}")
    return record


def _bid_spec(ctx: SovereignContext) -> BidSpec:
    raw = ctx.repo.transient(BID_TRANSIENT_KEY)
    if not raw:
        raise rules.invalid("a bid must arrive in transient 'bid'")
    document = loads(raw)  # INVALID_ARGUMENT for malformed JSON; floats refused
    if not isinstance(document, dict):
        raise rules.invalid("bid: expected a JSON object")
    spec: BidSpec = from_json_value(BidSpec, document, "bid")
    return spec


def _require_member_org(ctx: SovereignContext) -> None:
    """Only organisations holding the sealed-bid collection may touch it; anyone else is
    refused here, before the peer is asked for private data it does not hold."""
    roles = ctx.governance.org_roles
    members = {msp for role in AUCTION_BIDS_MEMBER_ROLES for msp in roles.get(role, ())}
    if ctx.caller.msp_id not in members:
        raise RuleError(ErrorCode.UNAUTHORIZED, "bids are sealed: only the bidder reads them")


def _bidding_account(ctx: SovereignContext, account_id: str) -> tuple[AccountRecord, AccountRecord]:
    """The account that receives the securities and the dealer account that pays."""
    account = require_account(ctx, account_id)
    parent = parent_of(ctx, account)
    if not controls_account(ctx.caller, account, parent):
        raise RuleError(ErrorCode.UNAUTHORIZED, "not the account's controller")
    if account.tier is AccountTier.DEALER:
        return account, account
    if account.tier is AccountTier.INVESTOR and parent is not None:
        return account, parent
    raise DomainError(ErrorCode.INVALID_ACCOUNT, f"{account_id} cannot hold securities")


def _require_eligible(
    ctx: SovereignContext,
    instrument: InstrumentRecord,
    account: AccountRecord,
    payer: AccountRecord,
    bid: Bid,
) -> None:
    """A bid is refused when its allotment could not enter the account today: the
    register's one eligibility gate (:func:`.base.entry_refusal`: KYC and its expiry,
    eligibility, freezes, the per-investor holding limit with the bid's face added,
    pauses), with its stable code; and a frozen paying dealer account cannot pay
    (``ACCOUNT_FROZEN``). Settlement checks again (see ``Settle``)."""
    raise_refusal(entry_refusal(ctx, instrument, account, bid.amount), instrument)
    if payer.frozen:
        raise DomainError(ErrorCode.ACCOUNT_FROZEN, payer.account_id)


def _to_domain_bid(stored: StoredBid) -> Bid:
    return Bid(
        f"{stored.account_id}/{stored.bid_id}",
        stored.account_id,
        stored.investor_id,
        InvestorType(stored.investor_type),
        stored.instrument_id,
        stored.amount,
        stored.level,
    )


def _sealed(stored: StoredBid, digest: str) -> SealedBid:
    return SealedBid(
        stored.auction_id,
        stored.bid_id,
        stored.instrument_id,
        stored.account_id,
        stored.amount,
        stored.level,
        stored.investor_id,
        stored.investor_type,
        stored.placed_by,
        digest,
    )


class AuctionContract(SovereignContract):
    """Primary auctions of the treasury, run by the central bank."""

    name = "auction"

    @transaction("Announce")
    def announce(self, ctx: Context, auction: AuctionSpec) -> AuctionRecord:
        """Announce an auction (issuer): tenors of APPROVED new issues or ISSUED re-openings."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.ISSUER)
        spec = auction
        rules.require_id(spec.auction_id, "auction_id")
        if sctx.repo.auction(spec.auction_id) is not None:
            raise RuleError(ErrorCode.ALREADY_EXISTS, f"auction {spec.auction_id}")
        auction_date = rules.parse_date(spec.auction_date, "auction_date")
        settlement_date = rules.parse_date(spec.settlement_date, "settlement_date")
        _close_time(spec.close_time)
        if auction_date < sctx.business_date or settlement_date < auction_date:
            raise DomainError(
                ErrorCode.INVALID_AUCTION, "dates: today <= auction date <= settlement date"
            )
        basis = rules.enum_value(BidBasis, spec.bid_basis, "bid_basis")
        if spec.competitive_bidders not in _COMPETITIVE_BIDDERS:
            raise rules.invalid("competitive_bidders: PRIMARY_DEALERS or INVESTORS_THROUGH_DEALERS")
        rules.enum_value(NonCompetitiveCut, spec.non_competitive_cut, "non_competitive_cut")
        if not spec.offerings:
            raise rules.invalid("offerings: at least one tenor")
        seen: set[str] = set()
        kinds: set[InstrumentKind] = set()
        for offered in spec.offerings:
            if offered.instrument_id in seen:
                raise rules.invalid(f"offerings: {offered.instrument_id} twice")
            seen.add(offered.instrument_id)
            record = require_instrument(sctx, offered.instrument_id)
            issue_status(record.status)  # APPROVED (new issue) or ISSUED (re-opening)
            if record.paused:
                raise DomainError(ErrorCode.INSTRUMENT_PAUSED, offered.instrument_id)
            instrument = _debt(sctx, record)
            if settlement_date >= instrument.terms.maturity_date:
                raise DomainError(ErrorCode.INSTRUMENT_MATURED, offered.instrument_id)
            require_issuable(sctx, instrument)
            if isinstance(instrument, IjaraSukuk):
                allowed = _sukuk_basis(instrument)
            else:
                allowed = _BASES_BY_KIND[record.spec.kind]
            if basis not in allowed:
                raise DomainError(
                    ErrorCode.INVALID_AUCTION,
                    f"{offered.instrument_id} is bid in {', '.join(b.value for b in allowed)}",
                )
            if basis is BidBasis.MARGIN and record.status is not InstrumentStatus.APPROVED:
                # the cut-off becomes the instrument's margin: a re-opening keeps its own
                raise DomainError(
                    ErrorCode.INVALID_AUCTION, f"{offered.instrument_id} already has its margin"
                )
            kinds.add(record.spec.kind)
            Offering(
                offered.instrument_id,
                offered.target,
                record.spec.min_denomination,
                offered.non_competitive_limit,
            )  # validates the amounts
        requested = (
            None
            if spec.auction_type is None
            else rules.enum_value(AuctionType, spec.auction_type, "auction_type")
        )
        auction_type = auction_type_for(basis, requested, sukuk=InstrumentKind.IJARA_SUKUK in kinds)
        created = AuctionRecord(
            spec.auction_id,
            list(spec.offerings),
            spec.auction_date,
            spec.close_time,
            spec.settlement_date,
            basis.value,
            auction_type.value,
            spec.competitive_bidders,
            spec.non_competitive_cut,
            AuctionState.OPEN.value,
            sctx.business_date.isoformat(),
        )
        sctx.repo.put_auction(created)
        sctx.repo.emit(
            "AuctionAnnounced",
            {
                "auction_id": created.auction_id,
                "offerings": [
                    {"instrument_id": o.instrument_id, "target": o.target}
                    for o in created.offerings
                ],
                "auction_date": created.auction_date,
                "settlement_date": created.settlement_date,
            },
        )
        return created

    def _write_bid(self, ctx: Context, *, amend: bool) -> BidReceipt:
        sctx = sovereign(ctx)
        spec = _bid_spec(sctx)
        rules.require_id(spec.bid_id, "bid_id")
        record = require_auction(sctx, spec.auction_id)
        self._require_bidding_open(sctx, record)
        account, payer = _bidding_account(sctx, spec.account_id)
        _require_member_org(sctx)
        investor = sctx.repo.investor(account.owner_id)
        if investor is None:
            raise DomainError(ErrorCode.UNKNOWN_INVESTOR, account.owner_id)
        investor_type = rules.to_investor(investor).investor_type
        offering = _offering(sctx, record, spec.instrument_id)
        kinds = {require_instrument(sctx, o.instrument_id).spec.kind for o in record.offerings}
        level = spec.level
        bid = Bid(
            spec.bid_id,
            account.account_id,
            account.owner_id,
            investor_type,
            spec.instrument_id,
            spec.amount,
            level,
        )
        check_bid(bid, offering, BidBasis(record.bid_basis), _rules_for(record, kinds))
        _require_eligible(sctx, require_instrument(sctx, spec.instrument_id), account, payer, bid)
        store = sctx.repo.sealed_bids(AUCTION_BIDS_COLLECTION)
        existing = store.get(record.auction_id, account.account_id, spec.bid_id)
        if amend and existing is None:
            raise RuleError(ErrorCode.NOT_FOUND, f"bid {spec.bid_id}")
        if not amend and existing is not None:
            raise RuleError(ErrorCode.ALREADY_EXISTS, f"bid {spec.bid_id}")
        stored = StoredBid(
            record.auction_id,
            spec.bid_id,
            spec.instrument_id,
            account.account_id,
            spec.amount,
            level,
            account.owner_id,
            investor_type.value,
            sctx.caller.controller_id,
        )
        digest = store.put(stored, payer.account_id)
        return BidReceipt(
            record.auction_id, spec.bid_id, account.account_id, AUCTION_BIDS_COLLECTION, digest
        )

    def _require_bidding_open(self, ctx: SovereignContext, record: AuctionRecord) -> None:
        require_open(_auction_state(record))
        auction_date = rules.parse_date(record.auction_date, "auction_date")
        today = ctx.business_date
        now = _local_time(ctx)
        if today > auction_date or (
            today == auction_date and now is not None and now >= _close_time(record.close_time)
        ):
            raise DomainError(ErrorCode.AUCTION_CLOSED, f"bids closed at {record.close_time}")

    @transaction("PlaceBid")
    def place_bid(self, ctx: Context) -> BidReceipt:
        """Place a sealed bid (transient ``bid``) on an account the caller controls; only
        the sealed-bid collection is written (no event: it would be public)."""
        return self._write_bid(ctx, amend=False)

    @transaction("AmendBid")
    def amend_bid(self, ctx: Context) -> BidReceipt:
        """Replace one of the caller's bids (transient ``bid``, same auction, account and
        bid id) while the auction is open."""
        return self._write_bid(ctx, amend=True)

    @transaction("WithdrawBid")
    def withdraw_bid(
        self, ctx: Context, auction_id: str, account_id: str, bid_id: str
    ) -> BidReceipt:
        """Withdraw one of the caller's bids while the auction is open."""
        sctx = sovereign(ctx)
        record = require_auction(sctx, auction_id)
        self._require_bidding_open(sctx, record)
        account, payer = _bidding_account(sctx, account_id)
        _require_member_org(sctx)
        rules.require_id(bid_id, "bid_id")
        store = sctx.repo.sealed_bids(AUCTION_BIDS_COLLECTION)
        if store.get(auction_id, account.account_id, bid_id) is None:
            raise RuleError(ErrorCode.NOT_FOUND, f"bid {bid_id}")
        store.delete(auction_id, account.account_id, bid_id, payer.account_id)
        return BidReceipt(auction_id, bid_id, account.account_id, AUCTION_BIDS_COLLECTION, None)

    @query("Bids")
    def bids(self, ctx: Context, auction_id: str) -> list[SealedBid]:
        """The caller's own bids (accounts it controls); the issuer and the auctioneer
        read the whole book once the auction is closed. Nobody else reads any."""
        sctx = sovereign(ctx)
        record = require_auction(sctx, auction_id)
        officer = sctx.read_scope is Scope.ALL  # the issuer and the regulator
        if officer and _auction_state(record) is AuctionState.OPEN:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "the book is sealed until the close")
        _require_member_org(sctx)
        found = sctx.repo.sealed_bids(AUCTION_BIDS_COLLECTION).scan(auction_id)
        if officer:
            return [_sealed(bid, digest) for bid, digest in found]
        mine = []
        for bid, digest in found:
            account = sctx.repo.account(bid.account_id)
            if account is not None and controls_account(
                sctx.caller, account, parent_of(sctx, account)
            ):
                mine.append(_sealed(bid, digest))
        return mine

    @transaction("Close")
    def close(self, ctx: Context, auction_id: str) -> AuctionRecord:
        """End bidding (the auctioneer); nobody bids, amends or withdraws after."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        record = require_auction(sctx, auction_id)
        state = next_auction_state(_auction_state(record), AuctionAction.CLOSE)
        updated = dataclasses.replace(
            record, state=state.value, closed_on=sctx.business_date.isoformat()
        )
        sctx.repo.put_auction(updated)
        sctx.repo.emit("AuctionClosed", {"auction_id": auction_id})
        return updated

    @transaction("CutOff")
    def cut_off(self, ctx: Context, auction_id: str, cutoffs: list[CutOffSpec]) -> AuctionRecord:
        """Set each tenor's cut-off or reject it (the issuer), allot, publish the results."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.ISSUER)
        record = require_auction(sctx, auction_id)
        by_tenor = {c.instrument_id: c for c in cutoffs}
        offered = [o.instrument_id for o in record.offerings]
        if len(by_tenor) != len(cutoffs) or sorted(by_tenor) != sorted(offered):
            raise DomainError(
                ErrorCode.INVALID_CUTOFF, "one cut-off (or reject-all) per tenor offered"
            )
        instruments = {i: require_instrument(sctx, i) for i in offered}
        kinds = {r.spec.kind for r in instruments.values()}
        auction_rules = _rules_for(record, kinds)
        basis = BidBasis(record.bid_basis)
        auction_type = AuctionType(record.auction_type)
        settlement = rules.parse_date(record.settlement_date, "settlement_date")
        _require_member_org(sctx)
        # Each dealer account's book of this auction, by point reads: a transaction that
        # writes may not run a range query over private data (the peer refuses it). The
        # dealer index is a short public list; the cost is one read per dealer account
        # plus one per bid of this auction, whatever else the ledger holds.
        dealers = sctx.repo.dealer_accounts()
        store = sctx.repo.sealed_bids(AUCTION_BIDS_COLLECTION)
        book = [(_to_domain_bid(bid), bid) for bid, _ in store.listed(auction_id, dealers)]
        stored_by_id = {domain_bid.bid_id: stored for domain_bid, stored in book}
        results: list[TenorResultRecord] = []
        allotments: list[AllotmentRecord] = []
        margins: dict[str, int] = {}
        all_rejected = True
        for instrument_id in offered:
            choice = by_tenor[instrument_id]
            instrument = _debt(sctx, instruments[instrument_id])
            tenor = allocate(
                _offering(sctx, record, instrument_id),
                [b for b, _ in book if b.instrument_id == instrument_id],
                CutOff(instrument_id, choice.reject_all, choice.level, choice.accept_amount),
                basis=basis,
                auction_type=auction_type,
                rules=auction_rules,
                pricer=_pricer(sctx, instrument, settlement),
            )
            all_rejected = all_rejected and not tenor.fills
            margin = instrument_margin(tenor, basis)
            if margin is not None:
                margins[instrument_id] = margin
            calendar = rules.calendar_for(sctx.market, instrument.terms.calendar_id)
            accrued = accrued_per_unit(instrument, settlement, calendar)
            for fill in tenor.fills:
                stored = stored_by_id[fill.bid_id]
                _, payer = self._payer(sctx, stored.account_id)
                cash = amount_at_price(fill.amount, fill.price_per_100, accrued)
                allotments.append(
                    AllotmentRecord(
                        auction_id,
                        stored.bid_id,
                        instrument_id,
                        stored.account_id,
                        payer.account_id,
                        fill.amount,
                        fill.price_per_100,
                        fill.yield_rate,
                        fill.competitive,
                        cash - amount_at_price(fill.amount, fill.price_per_100),
                        cash,
                    )
                )
            results.append(
                TenorResultRecord(
                    instrument_id,
                    tenor.rejected,
                    tenor.competitive_offered,
                    tenor.non_competitive_offered,
                    tenor.competitive_accepted,
                    tenor.non_competitive_accepted,
                    tenor.accepted,
                    tenor.cutoff,
                    tenor.cutoff_price,
                    tenor.weighted_average_yield,
                    tenor.weighted_average_price,
                    len(tenor.voided),
                )
            )
        action = AuctionAction.REJECT_ALL if all_rejected else AuctionAction.CUT_OFF
        state = next_auction_state(_auction_state(record), action)
        for allotment in allotments:
            sctx.repo.put_allotment(allotment)
        for instrument_id, margin in sorted(margins.items()):
            # The floater or variable-rental sukuk pays the auction's margin from now on:
            # every later fixing and payment reads it from the instrument.
            self._set_margin(sctx, instruments[instrument_id], margin)
        updated = dataclasses.replace(
            record, state=state.value, results=results, allotments=len(allotments)
        )
        sctx.repo.put_auction(updated)
        sctx.repo.emit(
            "AuctionResults",
            {
                "auction_id": auction_id,
                "state": updated.state,
                "results": [
                    {
                        "instrument_id": r.instrument_id,
                        "rejected": r.rejected,
                        "cutoff": r.cutoff,
                        "weighted_average_yield": r.weighted_average_yield,
                        "competitive_accepted": r.competitive_accepted,
                        "non_competitive_accepted": r.non_competitive_accepted,
                        "accepted": r.accepted,
                    }
                    for r in results
                ],
            },
        )
        return updated

    @staticmethod
    def _set_margin(ctx: SovereignContext, record: InstrumentRecord, margin_bps: int) -> None:
        if record.status is not InstrumentStatus.APPROVED or record.issued:
            raise DomainError(
                ErrorCode.INVALID_AUCTION,
                f"{record.spec.instrument_id} already has its margin",
            )
        updated = dataclasses.replace(
            record, spec=dataclasses.replace(record.spec, margin_bps=margin_bps)
        )
        rules.to_instrument(updated, ctx.market.currency)  # the margin is within its range
        ctx.repo.put_instrument(updated)

    @staticmethod
    def _payer(ctx: SovereignContext, account_id: str) -> tuple[AccountRecord, AccountRecord]:
        account = require_account(ctx, account_id)
        if account.tier is AccountTier.INVESTOR and account.parent_account_id is not None:
            return account, require_account(ctx, account.parent_account_id)
        return account, account

    @query("Results")
    def results(self, ctx: Context, auction_id: str) -> AuctionRecord:
        """The auction: announcement, state, results per tenor and settlement progress."""
        return require_auction(sovereign(ctx), auction_id)

    @query("List")
    def list_auctions(self, ctx: Context) -> list[AuctionRecord]:
        """Every auction, by id."""
        return sovereign(ctx).repo.auctions()

    @query("Allotments")
    def allotments(self, ctx: Context, auction_id: str) -> list[AllotmentRecord]:
        """Accepted bids and their settlement amounts: all of them to the issuer and the
        regulator, a bidder's own to its controllers (the results per tenor are public,
        ``auction:Results``)."""
        sctx = sovereign(ctx)
        require_auction(sctx, auction_id)
        return [a for a in sctx.repo.allotments(auction_id) if sctx.sees_account_id(a.account_id)]

    @transaction("Settle")
    def settle(self, ctx: Context, auction_id: str, batch_size: int) -> AuctionSettlementBatch:
        """Settle up to ``batch_size`` allotments not settled yet (the auctioneer), on or
        after the settlement date: each issues the face to its account and pays its cash
        amount from the dealer's account to the treasury's, in this one transaction.

        Each allotment passes the register's eligibility gate again (``entry_refusal``,
        with what this batch already gives the same owner) and its dealer must be able
        to pay. An allotment whose account, owner or paying dealer became ineligible
        since the bid (:data:`~sovereign_assets.domain.auctions.SETTLEMENT_REFUSALS`) is
        closed with its code (``refusal``, ``refused_on``): nothing issued or paid for it,
        counted once in ``refused``/``face_refused``; the others settle. Its face stays
        unissued. A refusal about the instrument (kill switch, pause, record date) stops
        the batch with its code and nothing changes."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.REGISTRAR)
        record = require_auction(sctx, auction_id)
        if record.state == AuctionState.SETTLED.value:
            raise DomainError(ErrorCode.ALREADY_SETTLED, auction_id)
        if record.state != AuctionState.CUT_OFF.value:
            raise DomainError(ErrorCode.INVALID_TRANSITION, f"settle in {record.state}")
        if type(batch_size) is not int or not 0 < batch_size <= MAX_SETTLEMENT_BATCH:
            raise DomainError(
                ErrorCode.INVALID_BATCH, f"batch size must be 1..{MAX_SETTLEMENT_BATCH}"
            )
        settlement = rules.parse_date(record.settlement_date, "settlement_date")
        today = sctx.business_date
        if today < settlement:
            raise DomainError(ErrorCode.SETTLEMENT_DATE_NOT_REACHED, record.settlement_date)
        pending = [
            a
            for a in sctx.repo.allotments(auction_id)
            if a.settled_on is None and a.refused_on is None
        ]
        batch = pending[:batch_size]
        treasury = require_account(sctx, sctx.governance.treasury_cash_account)
        instruments: dict[str, InstrumentRecord] = {}
        for allotment in batch:
            if allotment.instrument_id not in instruments:
                instrument = require_instrument(sctx, allotment.instrument_id)
                issue_status(instrument.status)
                if instrument.paused:
                    raise DomainError(ErrorCode.INSTRUMENT_PAUSED, allotment.instrument_id)
                instruments[allotment.instrument_id] = instrument
        before = sctx.repo.load_ledger(
            [(a.account_id, a.instrument_id) for a in batch],
            cash_accounts=[*(a.payer_account for a in batch), treasury.account_id],
        )
        issued = MappingProxyType({i: r.issued for i, r in instruments.items()})
        start = after = dataclasses.replace(before, issued=issued)
        added: dict[tuple[str, str], int] = {}  # (owner, instrument) -> issued in this batch
        outcomes: list[tuple[AllotmentRecord, ErrorCode | None]] = []
        for allotment in batch:
            instrument = instruments[allotment.instrument_id]
            account = require_account(sctx, allotment.account_id)
            payer = require_account(sctx, allotment.payer_account)
            owned = (account.owner_id, allotment.instrument_id)
            refusal = entry_refusal(
                sctx, instrument, account, allotment.amount, already_added=added.get(owned, 0)
            )
            code: ErrorCode | None = None
            if refusal is not None:
                if not closes_allotment(refusal.code):
                    raise_refusal(refusal, instrument)
                code = refusal.code
            elif payer.frozen:
                code = ErrorCode.ACCOUNT_FROZEN
            else:
                after, code = settle_allotment(
                    after,
                    account_id=allotment.account_id,
                    instrument_id=allotment.instrument_id,
                    amount=allotment.amount,
                    denomination=instrument.spec.min_denomination,
                    payer=payer.account_id,
                    payee=treasury.account_id,
                    cash=allotment.cash_amount,
                )
                if code is None:
                    added[owned] = added.get(owned, 0) + allotment.amount
            outcomes.append((allotment, code))
        sctx.repo.save_ledger(start, after)
        for instrument_id, instrument in instruments.items():
            if after.issued[instrument_id] != instrument.issued:
                sctx.repo.put_instrument(
                    dataclasses.replace(
                        instrument,
                        status=issue_status(instrument.status),
                        issued=after.issued[instrument_id],
                    )
                )
        day = today.isoformat()
        settled_now = [a for a, code in outcomes if code is None]
        refused_now = [(a, code) for a, code in outcomes if code is not None]
        for allotment, code in outcomes:
            if code is None:
                closed = dataclasses.replace(allotment, settled_on=day)
            else:
                closed = dataclasses.replace(allotment, refusal=code.value, refused_on=day)
            sctx.repo.put_allotment(closed)
        face = sum(a.amount for a in settled_now)
        cash = sum(a.cash_amount for a in settled_now)
        face_refused = sum(a.amount for a, _ in refused_now)
        settled = record.settled + len(settled_now)
        refused = record.refused + len(refused_now)
        done = settled + refused == record.allotments
        state = record.state
        if done:
            state = next_auction_state(AuctionState.CUT_OFF, AuctionAction.SETTLE_LAST).value
        sctx.repo.put_auction(
            dataclasses.replace(
                record,
                state=state,
                settled=settled,
                face_settled=record.face_settled + face,
                cash_settled=record.cash_settled + cash,
                refused=refused,
                face_refused=record.face_refused + face_refused,
            )
        )
        sctx.repo.emit(
            "AuctionSettled",
            {
                "auction_id": auction_id,
                "settled": len(settled_now),
                "face": face,
                "cash": cash,
                # counts only (every member receives the event): each refused
                # allotment's code is on the allotment, for those who may read it
                "refused": len(refused_now),
                "face_refused": face_refused,
                "done": done,
            },
        )
        return AuctionSettlementBatch(
            auction_id, len(settled_now), face, cash, done, len(refused_now), face_refused
        )
