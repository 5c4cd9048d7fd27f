"""Property: whatever transfers and DvP settlements happen, supply and cash are conserved
and a refused request changes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .market import Market, dealer_alpha, dealer_beta, exchange, snapshot
from .scenario import (
    BILL,
    BILL_DENOMINATION,
    BOND,
    BOND_DENOMINATION,
    bootstrap,
    create_and_issue,
    distribute,
)

ACCOUNTS = ["SGL-ALPHA", "SGL-BETA", "IPS-AYESHA", "IPS-BILAL", "IPS-CHEN", "IPS-DANA"]
CONTROLLER: dict[str, Callable[[], bytes]] = {
    "SGL-ALPHA": dealer_alpha,
    "IPS-AYESHA": dealer_alpha,
    "IPS-BILAL": dealer_alpha,
    "SGL-BETA": dealer_beta,
    "IPS-CHEN": dealer_beta,
    "IPS-DANA": dealer_beta,
}
DENOMINATION = {BILL: BILL_DENOMINATION, BOND: BOND_DENOMINATION}
MINTED = (500 + 500 + 10 + 2_000) * 1_000_000 * 100


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    market.on(dt.date(2021, 9, 1))
    market.open_today()
    return market


operation = st.tuples(
    st.sampled_from(["transfer", "dvp"]),
    st.sampled_from([BILL, BOND]),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(ACCOUNTS),
    st.integers(min_value=-1, max_value=400),
    st.sampled_from(["99.5000", "100", "87.1234"]),
)


def _totals(market: Market) -> tuple[dict[str, int], int]:
    supply = {}
    for instrument_id in (BILL, BOND):
        rows = market.query("holding:ByInstrument", instrument_id)
        assert isinstance(rows, list)
        supply[instrument_id] = sum(r["amount"] for r in rows)
    cash = 0
    for account in [*ACCOUNTS, "TREASURY-CASH", "FBR-TAX"]:
        row = market.query("cash:Balance", account)
        assert isinstance(row, dict)
        cash += row["amount"]
    return supply, cash


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation, min_size=1, max_size=8))
def test_supply_and_cash_are_conserved(
    template: Market, operations: list[tuple[str, str, str, str, int, str]]
) -> None:
    market = copy.deepcopy(template)
    issued = {BILL: 300 * 1_000_000 * 100, BOND: 500 * 1_000_000 * 100}
    counter = itertools.count()
    for kind, instrument_id, seller, buyer, units, price in operations:
        amount = units * DENOMINATION[instrument_id] // (4 if units % 3 == 0 else 1)
        before = snapshot(market.ledger)
        if kind == "transfer":
            result = market.call(
                CONTROLLER[seller](), "holding:Transfer", instrument_id, seller, buyer, str(amount)
            )
            if not result.ok:
                assert snapshot(market.ledger) == before
        else:
            instruction_id = f"P-{next(counter)}"
            result = market.call(
                exchange(),
                "settlement:Instruct",
                {
                    "instruction_id": instruction_id,
                    "instrument_id": instrument_id,
                    "seller_account": seller,
                    "buyer_account": buyer,
                    "quantity": amount,
                    "price_per_100": price,
                    "settlement_date": "2021-09-01",
                },
            )
            if result.ok:
                market.ok(CONTROLLER[seller](), "settlement:Affirm", instruction_id)
                market.ok(CONTROLLER[buyer](), "settlement:Affirm", instruction_id)
                settled_before = snapshot(market.ledger)
                outcome = market.call(CONTROLLER[buyer](), "settlement:Settle", instruction_id)
                if not outcome.ok:
                    assert snapshot(market.ledger) == settled_before
            else:
                assert snapshot(market.ledger) == before
        supply, cash = _totals(market)
        assert supply == issued
        assert cash == MINTED
