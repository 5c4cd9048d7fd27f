"""A coupon on 1,000 holders, paid 100 per transaction: ten transactions, resumable,
nobody paid twice."""

from __future__ import annotations

import datetime as dt

import pytest

from fabric_chaincode import run_transaction
from sovereign_assets.chaincode import chaincode

from .market import (
    NAMESPACE,
    Market,
    central_bank,
    central_bank_admin,
    dealer_alpha,
    governance_config,
    treasury,
)
from .scenario import BOND, BOND_DENOMINATION, account_spec, bond_spec, investor_spec, pii_of

HOLDERS = 1_000
COUPON = 35 * BOND_DENOMINATION // 1000  # 3.5 % of one denomination, in paisa


@pytest.fixture(scope="module")
def thousand_holders() -> Market:
    market = Market()
    market.ok(central_bank_admin(), "governance:Bootstrap", governance_config())
    for investor_id in ("PD-ALPHA", "INV-AYESHA"):
        market.ok(
            dealer_alpha(),
            "investor:Register",
            investor_spec(investor_id),
            transient={"pii": pii_of(investor_id)},
        )
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("SGL-ALPHA", "DEALER", "PD-ALPHA", "CentralBankMSP/alpha-ops"),
    )
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("TREASURY-CASH", "TREASURY", "TREASURY", "TreasuryMSP/debt-office"),
    )
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("FBR-TAX", "TAX_AUTHORITY", "FBR", "CentralBankMSP/sgl-desk"),
    )
    holders = [f"IPS-{n:04d}" for n in range(HOLDERS)]
    for account_id in holders:
        market.ok(
            dealer_alpha(),
            "account:Open",
            account_spec(
                account_id, "INVESTOR", "INV-AYESHA", "CentralBankMSP/alpha-ops", "SGL-ALPHA"
            ),
        )
    market.ok(central_bank(), "cash:Mint", "TREASURY-CASH", str(HOLDERS * COUPON))
    market.ok(treasury(), "instrument:Create", bond_spec())
    market.ok(central_bank(), "instrument:Approve", BOND)
    market.on(dt.date(2021, 8, 19))
    market.ok(
        treasury(),
        "instrument:Issue",
        BOND,
        [{"account_id": a, "amount": BOND_DENOMINATION} for a in holders],
    )
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
        dealer_alpha(), "holding:Transfer", BOND, "IPS-0000", "IPS-0001", str(BOND_DENOMINATION)
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
            dealer_alpha(), "holding:Transfer", BOND, "IPS-0999", "IPS-0000", str(BOND_DENOMINATION)
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
    assert {_cash(market, f"IPS-{n:04d}") for n in (0, 299, 300, 999)} == {net}
    assert _cash(market, "TREASURY-CASH") == 0
    assert _cash(market, "FBR-TAX") == HOLDERS * (COUPON - net)
