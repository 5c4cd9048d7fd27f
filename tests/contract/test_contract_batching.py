"""A coupon on 1,000 holders, paid 100 per transaction: ten transactions, resumable,
nobody paid twice."""

from __future__ import annotations

import datetime as dt

import pytest

from fabric_chaincode.testing import run_transaction
from sovereign_assets.chaincode import chaincode

from .market import (
    NAMESPACE,
    Market,
    dealer_alpha,
    treasury,
)
from .scenario import BOND, BOND_DENOMINATION, market_with_holders

HOLDERS = 1_000
COUPON = 35 * BOND_DENOMINATION // 1000  # 3.5 % of one denomination, in paisa


@pytest.fixture(scope="module")
def thousand_holders() -> Market:
    market = market_with_holders(HOLDERS, treasury_cash=HOLDERS * COUPON)
    market.on(dt.date(2022, 2, 21))
    return market


def _cash(market: Market, account_id: str) -> int:
    row = market.query("cash:Balance", account_id)
    assert isinstance(row, dict)
    return int(row["amount"])


def test_one_thousand_holders_in_ten_batches(thousand_holders: Market) -> None:
    import copy

    market = copy.deepcopy(thousand_holders)
    results = []
    for _ in range(10):
        result = market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "100")
        assert isinstance(result, dict)
        results.append(result)
    assert [r["done"] for r in results] == [False] * 9 + [True]
    assert sum(r["paid"] for r in results) == HOLDERS
    assert sum(r["gross"] for r in results) == HOLDERS * COUPON
    assert (
        market.fails(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "100") == "ALREADY_PAID"
    )
    # Transfers were held back while the run was open, and are allowed again now.
    market.ok(
        dealer_alpha(), "holding:Transfer", BOND, "IPS-000000", "IPS-000001", str(BOND_DENOMINATION)
    )


def test_interrupted_run_resumes_without_paying_anyone_twice(thousand_holders: Market) -> None:
    import copy

    market = copy.deepcopy(thousand_holders)
    for _ in range(3):
        market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "100")
    # A batch is endorsed but never committed (the client crashed before submitting).
    lost = run_transaction(
        chaincode,
        market.ledger,
        "lifecycle:PayCoupon",
        BOND,
        "2022-02-21",
        "100",
        namespace=NAMESPACE,
        creator=treasury(),
        timestamp=market.timestamp(),
        commit=False,
    )
    assert lost.ok
    assert not lost.committed
    # While the run is open, holdings cannot move (no one slips between two batches).
    assert (
        market.fails(
            dealer_alpha(),
            "holding:Transfer",
            BOND,
            "IPS-000999",
            "IPS-000000",
            str(BOND_DENOMINATION),
        )
        == "INSTRUMENT_PAUSED"
    )
    # Resuming with another batch size still pays each holder exactly once.
    done = False
    transactions = 0
    while not done:
        result = market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "150")
        assert isinstance(result, dict)
        done = bool(result["done"])
        transactions += 1
    assert transactions == 5  # 700 holders left, 150 at a time
    claims = market.query("lifecycle:Claims", BOND, "2022-02-19")
    assert isinstance(claims, list)
    assert len(claims) == len({c["holder_account"] for c in claims}) == HOLDERS
    net = COUPON - COUPON * 15 // 100
    assert {_cash(market, f"IPS-{n:06d}") for n in (0, 299, 300, 999)} == {net}
    assert _cash(market, "TREASURY-CASH") == 0
    assert _cash(market, "FBR-TAX") == HOLDERS * (COUPON - net)
