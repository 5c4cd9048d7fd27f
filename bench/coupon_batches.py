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
    central_bank,
    dealer_alpha,
    dealer_beta,
    treasury,
)
from tests.contract.scenario import (
    BOND,
    BOND_DENOMINATION,
    market_with_holders,
)

BATCH = int(os.environ.get("SOV_BENCH_BATCH", "500"))


def coupon_run(holders: int) -> tuple[float, int]:
    """Seconds to pay every holder of the first coupon, and the transactions it took."""
    market = market_with_holders(holders, treasury_cash=10**15)
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
    market = market_with_holders(10, treasury_cash=10**15, dealer_bond=1_000 * BOND_DENOMINATION)
    market.ok(central_bank(), "cash:Mint", "SGL-BETA", str(10**15))
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
