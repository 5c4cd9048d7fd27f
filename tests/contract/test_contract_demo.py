"""The demo's narrated lifecycle, run through the typed client on the in-memory ledger.

On the real network ``make demo`` runs this same :func:`narrate` over Gateway clients;
here each identity of the packaged topology is a certificate of the test market.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sovereign_cli.demo import narrate, rupees
from sovereign_client import SovereignClient

from .market import Market, identity
from .test_contract_typed_client import MarketInvoker

ROLES = {
    "debtoffice": "issuer",
    "registrar": "registrar",
    "dealer1": "primary_dealer",
    "dealer2": "primary_dealer",
    "operator": "exchange_operator",
}


def run(today: dt.date) -> tuple[list[str], dict[str, int], bool]:
    market = Market(auto_open=False)  # the demo opens its business dates itself
    market.on(today)

    def client_for(who: str) -> SovereignClient:
        org, user = who.split("/")
        creator = identity(f"{org}MSP", user, ROLES.get(user), admin=user == "admin")
        return SovereignClient(MarketInvoker(market, creator))

    said: list[str] = []
    report = narrate(client_for, today, said.append)
    return said, report.totals, report.reconciled


@pytest.mark.parametrize("today", [dt.date(2026, 11, 25), dt.date(2027, 3, 10)])
def test_the_demo_reconciles_to_the_paisa(today: dt.date) -> None:
    said, totals, reconciled = run(today)
    assert reconciled, "\n".join(said)
    assert totals["mismatches"] == 0
    assert totals["minted"] == totals["in_accounts"]
    assert totals["tax"] > 0
    text = "\n".join(said)
    assert "submitted anyway: refused with NOT_KYC_VERIFIED" in text
    assert "reason=NOT_KYC_VERIFIED" in text
    assert "settled SETTLED" in text
    assert "BETA reads back its own bids only: B1, B2" in text
    assert "B1 SGL-BETA    PKR   100,000,000.00 at 97.8000" in text  # 150m pro-rated to 100m
    assert "cash paid for them PKR 508,872,000.00 = settled to the treasury" in text
    assert "publishes Pakistan's settlement calendar PK-SBP: 17 public and bank holidays" in text
    assert text.count("   coupon ") == 1  # the first coupon; the second comes with the face


def test_amounts_print_as_rupees_exactly() -> None:
    assert rupees(123_456_789) == "1,234,567.89"
    assert rupees(5) == "0.05"
    assert rupees(-250) == "-2.50"
