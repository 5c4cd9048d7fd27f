"""Chaincode cost of coupon payment runs and of DvP against plain transfers.

Runs the sovereign asset chaincode on the in-memory ledger (no peer, no ordering): what
it measures is the contract logic's own cost - how paying a coupon grows with the
number of holders, and what a DvP settlement costs relative to a free-of-payment
transfer. Baseline: the plain transfer, and the 1,000-holder run; ratios are reported.
The network's per-transaction overhead (endorsement, ordering, commit) comes on top.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

from tests.contract.market import (
    Market,
    central_bank,
    central_bank_admin,
    dealer_alpha,
    dealer_beta,
    governance_config,
    treasury,
)
from tests.contract.scenario import (
    BOND,
    BOND_DENOMINATION,
    account_spec,
    bond_spec,
    investor_spec,
    pii_of,
)

BATCH = int(os.environ.get("SOV_BENCH_BATCH", "500"))


def _market_with_holders(holders: int) -> Market:
    market = Market()
    market.ok(central_bank_admin(), "governance:Bootstrap", governance_config())
    for investor_id, dealer in (("PD-ALPHA", dealer_alpha), ("PD-BETA", dealer_beta)):
        market.ok(
            dealer(),
            "investor:Register",
            investor_spec(investor_id),
            transient={"pii": pii_of(investor_id)},
        )
    market.ok(
        dealer_alpha(),
        "investor:Register",
        investor_spec("INV-AYESHA"),
        transient={"pii": pii_of("INV-AYESHA")},
    )
    for account, owner, controller in (
        ("SGL-ALPHA", "PD-ALPHA", "CentralBankMSP/alpha-ops"),
        ("SGL-BETA", "PD-BETA", "CentralBankMSP/beta-ops"),
    ):
        market.ok(
            central_bank(), "account:Open", account_spec(account, "DEALER", owner, controller)
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
    accounts = [f"IPS-{n:06d}" for n in range(holders)]
    for account in accounts:
        market.ok(
            dealer_alpha(),
            "account:Open",
            account_spec(
                account, "INVESTOR", "INV-AYESHA", "CentralBankMSP/alpha-ops", "SGL-ALPHA"
            ),
        )
    market.ok(central_bank(), "cash:Mint", "TREASURY-CASH", str(10**15))
    market.ok(central_bank(), "cash:Mint", "SGL-BETA", str(10**15))
    market.ok(treasury(), "instrument:Create", bond_spec())
    market.ok(central_bank(), "instrument:Approve", BOND)
    market.on(dt.date(2021, 8, 19))
    allotments = [{"account_id": a, "amount": BOND_DENOMINATION} for a in accounts]
    allotments.append({"account_id": "SGL-ALPHA", "amount": 1_000 * BOND_DENOMINATION})
    market.ok(treasury(), "instrument:Issue", BOND, allotments)
    return market


def coupon_run(holders: int) -> tuple[float, int]:
    """Seconds to pay every holder of the first coupon, and the transactions it took."""
    market = _market_with_holders(holders)
    market.on(dt.date(2022, 2, 21))
    transactions = 0
    started = time.perf_counter()
    done = False
    while not done:
        result = market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", str(BATCH))
        assert isinstance(result, dict)
        done = bool(result["done"])
        transactions += 1
    return time.perf_counter() - started, transactions


def settlement_versus_transfer(rounds: int) -> tuple[list[float], list[float]]:
    market = _market_with_holders(10)
    market.on(dt.date(2021, 8, 23))
    transfers: list[float] = []
    settles: list[float] = []
    for n in range(rounds):
        started = time.perf_counter()
        market.ok(
            dealer_alpha(),
            "holding:Transfer",
            BOND,
            "SGL-ALPHA",
            "IPS-000000",
            str(BOND_DENOMINATION),
        )
        transfers.append(time.perf_counter() - started)
        instruction = {
            "instruction_id": f"TRD-{n:05d}",
            "instrument_id": BOND,
            "seller_account": "SGL-ALPHA",
            "buyer_account": "SGL-BETA",
            "quantity": BOND_DENOMINATION,
            "price_per_100": "99.5000",
            "settlement_date": "2021-08-23",
        }
        market.ok(dealer_alpha(), "settlement:Instruct", instruction)
        market.ok(dealer_beta(), "settlement:Affirm", instruction["instruction_id"])
        started = time.perf_counter()
        market.ok(dealer_alpha(), "settlement:Settle", instruction["instruction_id"])
        settles.append(time.perf_counter() - started)
    return transfers, settles


def main() -> int:
    sizes = [int(s) for s in os.environ.get("SOV_BENCH_HOLDERS", "1000,10000").split(",")]
    print("in-memory ledger: chaincode logic only (no peer, no ordering)")
    print(f"coupon runs, batch size {BATCH}")
    print(f"{'holders':>10}{'transactions':>14}{'seconds':>10}{'holders/s':>12}{'s per 1k':>10}")
    base_per_holder = None
    for holders in sizes:
        seconds, transactions = coupon_run(holders)
        per_holder = seconds / holders
        base_per_holder = base_per_holder or per_holder
        print(
            f"{holders:>10}{transactions:>14}{seconds:>10.2f}{holders / seconds:>12.0f}"
            f"{per_holder * 1000:>10.3f}   cost per holder x{per_holder / base_per_holder:.2f}"
        )
    transfers, settles = settlement_versus_transfer(int(os.environ.get("SOV_BENCH_ROUNDS", "300")))
    t, s = statistics.median(transfers), statistics.median(settles)
    print("one transaction, median of rounds")
    print(f"  plain transfer (baseline) {t * 1000:8.3f} ms   {1 / t:8.0f} tx/s")
    ratio = t / s
    print(f"  DvP settle                {s * 1000:8.3f} ms   {1 / s:8.0f} tx/s   x{ratio:.2f}")
    return 0
