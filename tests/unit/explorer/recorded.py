"""A market recorded as blocks: the real contracts on the in-memory ledger, each committed
transaction serialized as Fabric would order it, decoded by the SDK.

:func:`recorded_market` runs the reference scenario (governance, accounts, cash, a bill
and a bond issued and distributed, three DvP trades - two settled, one cancelled - a
bill auction result and PKRV quotes, the bond's first coupon, the bill's redemption)
and returns the market with the blocks its transactions make: real documents from the
real chaincode, in real block envelopes (``tests/unit/gateway/blockdata``), three
transactions a block, plus one settlement transaction the peers invalidated
(MVCC_READ_CONFLICT), as a conflicting second settle would be.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from tests.contract.market import (
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    exchange,
    treasury,
)
from tests.contract.scenario import (
    BILATERAL_TRADE,
    BILL,
    BOND,
    CANCELLED_TRADE,
    EXCHANGE_TRADE,
    MILLION,
    bootstrap,
    create_and_issue,
    distribute,
    pay_all,
)
from tests.unit.gateway.blockdata import TxSpec, block

from fabric_chaincode import Timestamp
from fabric_chaincode.testing import TransactionResult
from fabric_gateway import Block, decode_block
from sovereign_explorer import Flow
from sovereign_explorer.projection import ScheduleSource

CHAINCODE = "sovereign"
MVCC_READ_CONFLICT = 11
PER_BLOCK = 3
ENDORSERS = {
    "TreasuryMSP": ["TreasuryMSP", "CentralBankMSP"],
    "CentralBankMSP": ["CentralBankMSP", "TreasuryMSP"],
    "ExchangeMSP": ["ExchangeMSP", "CentralBankMSP"],
}


class RecordingMarket(Market):
    """A :class:`Market` that keeps each transaction's timestamp, function and creator."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[Timestamp, str, bytes]] = []
        self._last: Timestamp | None = None

    def timestamp(self) -> Timestamp:
        self._last = super().timestamp()
        return self._last

    def call(
        self, creator: bytes, function: str, *args: object, **kwargs: object
    ) -> TransactionResult:
        result = super().call(creator, function, *args, **kwargs)  # type: ignore[arg-type]
        assert self._last is not None
        self.calls.append((self._last, function, creator))
        return result


@dataclass
class Recorded:
    market: RecordingMarket
    blocks: list[Block]


def _creator_msp(creator: bytes) -> str:
    from fabric_gateway._protos import parse_serialized_identity

    return parse_serialized_identity(creator)[0]


def _spec(market: RecordingMarket, index: int) -> TxSpec:
    result = market.results[index]
    stamp, function, creator = market.calls[index]
    msp = _creator_msp(creator)
    return TxSpec(
        result.txid,
        msp_id=msp,
        seconds=stamp.seconds,
        chaincode=CHAINCODE,
        # Only public writes are in a block in clear; private ones travel as hashes.
        writes=[
            (key, value or b"", value is None)
            for (collection, key), value in result.writes.items()
            if collection == ""
        ],
        event_name=result.event.name if result.event else "",
        event_payload=result.event.payload if result.event else b"",
        arguments=[function.encode()],
        endorsers=ENDORSERS[msp],
    )


def record(market: RecordingMarket, *, first_block: int = 1) -> list[Block]:
    """The committed transactions of ``market`` as decoded blocks ``first_block``...; the
    genesis block (a config transaction) is block 0."""
    genesis = TxSpec("genesis", msp_id="", header_type=1, chaincode="")
    blocks = [decode_block(block(0, [genesis], [0]))]
    committed = [i for i, r in enumerate(market.results) if r.committed and r.writes]
    specs: list[tuple[TxSpec, int]] = [(_spec(market, i), 0) for i in committed]
    # A second settle of TRD-0002 raced the first and lost validation: ordered, without effect.
    settle = next(
        n
        for n, (s, _) in enumerate(specs)
        if s.arguments == [b"settlement:Settle"]
        and b"TRD-0002" in b"".join(v for _, v, _ in s.writes)
    )
    loser, _ = specs[settle]
    specs.insert(
        settle + 1,
        (TxSpec(**{**loser.__dict__, "tx_id": "lost-" + loser.tx_id}), MVCC_READ_CONFLICT),
    )
    number = first_block
    for start in range(0, len(specs), PER_BLOCK):
        chunk = specs[start : start + PER_BLOCK]
        data = block(number, [s for s, _ in chunk], [code for _, code in chunk])
        blocks.append(decode_block(data))
        number += 1
    return blocks


def recorded_market() -> Recorded:
    market = RecordingMarket()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    market.on(dt.date(2021, 9, 1))
    market.ok(dealer_alpha(), "settlement:Instruct", BILATERAL_TRADE)
    market.ok(dealer_beta(), "settlement:Affirm", "TRD-0001")
    market.on(dt.date(2021, 9, 2))
    market.ok(dealer_beta(), "settlement:Settle", "TRD-0001")
    market.ok(exchange(), "settlement:Instruct", EXCHANGE_TRADE)
    market.ok(exchange(), "settlement:Match", "TRD-0002")
    market.on(dt.date(2021, 9, 3))
    market.ok(exchange(), "settlement:Settle", "TRD-0002")
    market.ok(exchange(), "settlement:Instruct", CANCELLED_TRADE)
    market.ok(exchange(), "settlement:Cancel", "TRD-0003")
    market.ok(
        central_bank(),
        "lifecycle:RecordBillAuction",
        {"tenor_days": 364, "auction_date": "2021-09-01", "weighted_average_yield": "0.0741"},
    )
    market.ok(
        central_bank(),
        "lifecycle:RecordBillAuction",
        {"tenor_days": 91, "auction_date": "2021-09-01", "all_bids_rejected": True},
    )
    market.ok(
        central_bank(),
        "lifecycle:RecordPkrv",
        {"tenor_days": 364, "quote_date": "2021-09-01", "rate": "0.0739"},
    )
    market.on(dt.date(2022, 2, 21))
    pay_all(market, "lifecycle:PayCoupon", BOND, "2022-02-21", "2")
    market.on(dt.date(2022, 8, 19))
    pay_all(market, "lifecycle:Redeem", BILL, "3")
    primary_auction(market)
    return Recorded(market, record(market))


AUCTION = "MTB-2022-08-24"
AUCTIONED_BILL = "PK0000BIL182"


def primary_auction(market: Market) -> None:
    """A 182-day bill sold at a primary auction bid in price: four sealed bids, the
    cut-off at 95.1000 (the last bid there taken pro rata)."""
    market.on(dt.date(2022, 8, 22))
    market.ok(
        treasury(),
        "instrument:Create",
        {
            "instrument_id": AUCTIONED_BILL,
            "kind": "TREASURY_BILL",
            "min_denomination": 5_000 * 100,
            "issue_date": "2022-08-25",
            "maturity_date": "2023-02-23",
            "day_count": "ACT/365F",
            "frequency": 0,
            "calendar_id": "PK-SBP",
            "tenor_days": 182,
        },
    )
    market.ok(central_bank(), "instrument:Approve", AUCTIONED_BILL)
    market.ok(
        treasury(),
        "auction:Announce",
        {
            "auction_id": AUCTION,
            "offerings": [{"instrument_id": AUCTIONED_BILL, "target": 300 * MILLION}],
            "auction_date": "2022-08-24",
            "close_time": "12:00",
            "settlement_date": "2022-08-25",
            "bid_basis": "PRICE",
        },
    )
    market.on(dt.date(2022, 8, 24))
    for dealer, bid_id, account, millions, price in (
        (dealer_alpha, "A1", "SGL-ALPHA", 150, "95.2000"),
        (dealer_alpha, "A2", "SGL-ALPHA", 100, "95.1000"),
        (dealer_beta, "B1", "SGL-BETA", 120, "95.1000"),
        (dealer_beta, "B2", "SGL-BETA", 80, "94.9000"),
    ):
        body = {
            "auction_id": AUCTION,
            "bid_id": bid_id,
            "instrument_id": AUCTIONED_BILL,
            "account_id": account,
            "amount": millions * MILLION,
            "level": price,
        }
        market.ok(dealer(), "auction:PlaceBid", transient={"bid": json.dumps(body).encode()})
    market.ok(central_bank(), "auction:Close", AUCTION)
    market.ok(
        treasury(),
        "auction:CutOff",
        AUCTION,
        [{"instrument_id": AUCTIONED_BILL, "level": "95.1000"}],
    )


def market_schedule(market: Market) -> ScheduleSource:
    """The ``instrument:Schedule`` query of ``market`` as a projection's schedule source
    (an instrument the ledger refuses to schedule has none, as with the typed client)."""

    def schedule(instrument_id: str) -> Sequence[Flow]:
        result = market.call(central_bank(), "instrument:Schedule", instrument_id)
        if not result.ok:
            return []
        rows = json.loads(result.payload)
        return [Flow(r["kind"], r["period_id"], r["payment_date"]) for r in rows]

    return schedule
