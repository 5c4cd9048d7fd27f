"""The projection on recorded blocks: equal to the ledger, and exactly once.

The blocks are the real contracts' transactions on the in-memory ledger, in real block
envelopes (see ``recorded``): what the projection shows must equal what the contracts'
own queries answer, a block applied twice counts once, a restart resumes where the
checkpoint stands, and a wiped database rebuilds the same rows from block 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.contract.scenario import BILL, BOND, MILLION

from fabric_gateway import Block
from sovereign_explorer import Flow, Projection, open_engine, views
from sovereign_explorer import schema as t
from sovereign_explorer.projection import GapError

from .recorded import AUCTION, AUCTIONED_BILL, CHAINCODE, ENDORSERS, Recorded, market_schedule


def _project(url: str, recorded: Recorded, blocks: Sequence[Block] | None = None) -> Projection:
    projection = Projection(open_engine(url), CHAINCODE, market_schedule(recorded.market))
    for block in recorded.blocks if blocks is None else blocks:
        projection.apply(block)
    return projection


def dump(projection: Projection) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order."""
    with projection.engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in t.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def full(recorded: Recorded, tmp_path_factory: pytest.TempPathFactory) -> Projection:
    path = tmp_path_factory.mktemp("explorer") / "full.sqlite3"
    return _project(f"sqlite:///{path}", recorded)


def test_supply_and_holders_equal_the_contracts_queries(
    recorded: Recorded, full: Projection
) -> None:
    market = recorded.market
    with full.engine.connect() as conn:
        rows = {r.instrument_id: r for r in views.instruments(conn)}
    assert set(rows) == {BILL, BOND, AUCTIONED_BILL}
    for instrument_id, row in rows.items():
        record = market.query("instrument:Get", instrument_id)
        holders = market.query("holding:ByInstrument", instrument_id)
        assert isinstance(record, dict)
        assert isinstance(holders, list)
        assert (row.issued, row.redeemed) == (record["issued"], record["redeemed"])
        assert row.outstanding == sum(h["amount"] for h in holders)
        assert row.holders == len(holders)
        assert row.status == record["status"]
    assert rows[BILL].outstanding == 0
    assert rows[BOND].outstanding == 500 * MILLION


def test_holdings_cash_and_instructions_equal_the_ledger(
    recorded: Recorded, full: Projection
) -> None:
    market = recorded.market
    with full.engine.connect() as conn:
        holdings = {
            (r.instrument_id, r.account_id): r.amount for r in conn.execute(sa.select(t.holdings))
        }
        cash = {r.account_id: r.amount for r in conn.execute(sa.select(t.cash_balances))}
        states = {r.instruction_id: r.state for r in conn.execute(sa.select(t.settlements))}
    expected = {}
    for instrument_id in (BILL, BOND):
        rows = market.query("holding:ByInstrument", instrument_id)
        assert isinstance(rows, list)
        expected.update({(instrument_id, h["account_id"]): h["amount"] for h in rows})
    assert holdings == expected
    accounts = market.query("account:List")
    assert isinstance(accounts, list)
    balances = {}
    for account in accounts:
        balance = market.query("cash:Balance", account["account_id"])
        assert isinstance(balance, dict)
        if balance["amount"]:
            balances[account["account_id"]] = balance["amount"]
    assert cash == balances
    instructions = market.query("settlement:List")
    assert isinstance(instructions, list)
    assert states == {i["instruction_id"]: i["state"] for i in instructions}


def test_settlement_times_failures_and_cancellations(full: Projection) -> None:
    with full.engine.connect() as conn:
        summary = {s.instrument_id: s for s in views.settlement_summary(conn)}
    bond, bill = summary[BOND], summary[BILL]
    # TRD-0001 instructed on 1 September at 10:00:01 PKT, settled on 2 September at 10:00:01.
    assert (bond.settled, bond.cancelled, bond.failed, bond.open) == (1, 1, 0, 0)
    assert bond.median_to_finality == 24 * 3600 * 1_000_000
    assert bond.face_settled == 50 * MILLION
    assert str(bond.average_price) == "98.7031"
    # The settle that lost validation is a failure of TRD-0002, without effect.
    assert (bill.settled, bill.failed) == (1, 1)
    assert bill.cash_settled == 5 * MILLION * 915269 // 1000000


def test_auctions_rates_and_the_ledger_view(recorded: Recorded, full: Projection) -> None:
    with full.engine.connect() as conn:
        tenors = views.auctions(conn)
        series = views.yield_series(conn)
        transactions = views.latest_transactions(conn, limit=1000)
        blocks = views.latest_blocks(conn, limit=1000)
    assert sorted(tenors) == [91, 182, 364]
    (rejected,) = tenors[91]
    assert rejected.all_bids_rejected
    assert rejected.weighted_average_yield is None
    assert tenors[364][0].weighted_average_yield == "0.0741"
    assert [str(p.value) for p in series["auction 364d"]] == ["0.0741"]
    assert str(series["PKRV 364d"][0].value) == "0.0739"
    # The primary auction's published result, as the ledger holds it.
    (primary,) = tenors[182]
    auction = recorded.market.query("auction:Results", AUCTION)
    assert isinstance(auction, dict)
    (result,) = auction["results"]
    assert (primary.auction_id, primary.instrument_id, primary.basis) == (
        AUCTION,
        AUCTIONED_BILL,
        "PRICE",
    )
    assert primary.cut_off_price == result["cutoff_price"] == "95.1000"
    assert primary.weighted_average_yield == result["weighted_average_yield"]
    assert primary.offered == result["competitive_offered"] + result["non_competitive_offered"]
    assert primary.accepted == result["accepted"] == 300 * MILLION
    assert [str(p.value) for p in series["auction 182d"]] == [result["weighted_average_yield"]]
    assert [b.number for b in blocks][-1] == 0
    codes = {tx.validation_code_name for tx in transactions}
    assert codes == {"VALID", "MVCC_READ_CONFLICT"}
    settles = [tx for tx in transactions if tx.function_name == "settlement:Settle"]
    assert len(settles) == 3  # TRD-0001, TRD-0002 and its invalidated twin
    for settle in settles:
        assert settle.endorser_msp_ids == ENDORSERS[settle.creator_msp_id]
        assert settle.event_name == "SettlementSettled"


def test_the_next_payment_is_the_first_unpaid_flow_on_or_after_the_business_date(
    full: Projection,
) -> None:
    with full.engine.connect() as conn:
        rows = {r.instrument_id: r for r in views.instruments(conn, today=dt.date(2022, 8, 19))}
    assert rows[BILL].next_payment is None  # redeemed
    assert (rows[BOND].next_payment, rows[BOND].next_payment_kind) == ("2023-02-20", "COUPON")


def test_a_block_applied_twice_counts_once_and_a_gap_is_refused(
    recorded: Recorded, tmp_path: Path
) -> None:
    projection = _project(f"sqlite:///{tmp_path / 'p.sqlite3'}", recorded, recorded.blocks[:5])
    before = dump(projection)
    again = projection.apply(recorded.blocks[4])
    assert not again.new
    assert dump(projection) == before
    with pytest.raises(GapError):
        projection.apply(recorded.blocks[6])
    assert projection.next_block == 5


def test_restart_resumes_from_the_checkpoint_and_a_wiped_database_rebuilds_the_same(
    recorded: Recorded, full: Projection, tmp_path: Path
) -> None:
    path = tmp_path / "restart.sqlite3"
    first = _project(f"sqlite:///{path}", recorded, recorded.blocks[:7])
    first.engine.dispose()  # the process stops
    resumed = Projection(
        open_engine(f"sqlite:///{path}"), CHAINCODE, market_schedule(recorded.market)
    )
    assert resumed.next_block == 7
    assert resumed.checkpointer.block_number == 7
    # The stream resumes at the checkpoint; a re-sent block is skipped, the rest applied.
    for block in recorded.blocks[6:]:
        resumed.apply(block)
    assert dump(resumed) == dump(full)
    resumed.engine.dispose()
    for leftover in tmp_path.glob("restart.sqlite3*"):
        leftover.unlink()
    rebuilt = _project(f"sqlite:///{path}", recorded)
    assert dump(rebuilt) == dump(full)


def test_a_block_whose_schedule_query_fails_is_not_half_applied(
    recorded: Recorded, full: Projection, tmp_path: Path
) -> None:
    source = market_schedule(recorded.market)
    failing = {"on": True}

    def flaky(instrument_id: str) -> Sequence[Flow]:
        if failing["on"]:
            raise ConnectionError("peer unreachable")
        return source(instrument_id)

    projection = Projection(open_engine(f"sqlite:///{tmp_path / 'f.sqlite3'}"), CHAINCODE, flaky)
    instrument_block = next(
        n
        for n, block in enumerate(recorded.blocks)
        if any(tx.function_name == "instrument:Create" for tx in block.transactions)
    )
    failing["on"] = False
    for block in recorded.blocks[:instrument_block]:
        projection.apply(block)
    before = dump(projection)
    failing["on"] = True
    with pytest.raises(ConnectionError):
        projection.apply(recorded.blocks[instrument_block])
    assert dump(projection) == before
    failing["on"] = False
    for block in recorded.blocks[instrument_block:]:
        projection.apply(block)
    assert dump(projection) == dump(full)


def test_an_empty_projection_starts_at_the_genesis_block(tmp_path: Path) -> None:
    projection = Projection(open_engine(f"sqlite:///{tmp_path / 'e.sqlite3'}"), CHAINCODE)
    checkpointer = projection.checkpointer

    def position() -> tuple[int | None, str | None]:
        return checkpointer.block_number, checkpointer.transaction_id

    assert position() == (0, None)
    checkpointer.checkpoint_transaction(3, "tx-a")
    assert position() == (3, "tx-a")
    checkpointer.checkpoint_block(3)
    assert position() == (4, None)


def test_a_database_of_another_schema_version_is_rebuilt(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.sqlite3'}"
    engine = open_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.update(t.meta).where(t.meta.c.name == "schema_version").values(value="0"))
        conn.execute(sa.insert(t.meta).values(name="next_block", value="42"))
    engine.dispose()
    assert Projection(open_engine(url), CHAINCODE).next_block == 0
