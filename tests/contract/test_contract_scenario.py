"""The market, narrated: from governance to redemption, reconciled to the paisa."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .market import Market, central_bank, dealer_alpha, dealer_beta, exchange, treasury
from .scenario import (
    BILATERAL_TRADE,
    BILL,
    BOND,
    CANCELLED_TRADE,
    EXCHANGE_TRADE,
    MILLION,
    bootstrap,
    create_and_issue,
    digest,
    distribute,
    pay_all,
    pii_of,
)


def _holdings(market: Market, instrument_id: str) -> dict[str, int]:
    rows = market.query("holding:ByInstrument", instrument_id)
    assert isinstance(rows, list)
    return {row["account_id"]: row["amount"] for row in rows}


def _cash(market: Market) -> dict[str, int]:
    accounts = market.query("account:List")
    assert isinstance(accounts, list)
    balances = {}
    for account in accounts:
        row = market.query("cash:Balance", account["account_id"])
        assert isinstance(row, dict)
        balances[account["account_id"]] = row["amount"]
    return balances


def test_the_market_from_bootstrap_to_redemption() -> None:
    market = Market()
    bootstrap(market)

    # Personal data stays in the dealer's org's collection; the public record has its hash.
    ayesha = market.query("investor:Get", "INV-AYESHA")
    assert isinstance(ayesha, dict)
    assert ayesha["pii_sha256"] == digest(pii_of("INV-AYESHA"))
    assert ayesha["pii_collection"] == "pii_CentralBankMSP"
    assert b"Inv-Ayesha" not in b"".join(v for _, v in market.ledger.scan("sovereign", "", "", ""))

    create_and_issue(market)
    bill = market.query("instrument:Get", BILL)
    assert isinstance(bill, dict)
    assert (bill["status"], bill["issued"]) == ("ISSUED", 300 * MILLION)
    schedule = market.query("instrument:Schedule", BOND)
    assert isinstance(schedule, list)
    assert [f["payment_date"] for f in schedule] == [
        "2022-02-21",  # 19 Feb 2022 is a Saturday: following business day
        "2022-08-19",
        "2023-02-20",
        "2023-08-21",
        "2024-02-19",
        "2024-08-19",
        "2024-08-19",
    ]
    assert {Decimal(f["amount_per_unit"]) for f in schedule[:-1]} == {Decimal("0.035")}

    distribute(market)
    assert _holdings(market, BOND) == {
        "IPS-AYESHA": 10 * MILLION,
        "IPS-BILAL": 5 * MILLION,
        "IPS-CHEN": 20 * MILLION,
        "IPS-DANA": 15 * MILLION,
        "SGL-ALPHA": 285 * MILLION,
        "SGL-BETA": 165 * MILLION,
    }

    # DvP 1: bilateral. Alpha sells PKR 50 m of the bond to Beta at 98.7031, T+1.
    market.on(dt.date(2021, 9, 1))
    instructed = market.ok(dealer_alpha(), "settlement:Instruct", BILATERAL_TRADE)
    assert isinstance(instructed, dict)
    assert instructed["state"] == "AFFIRMED_BY_ONE"
    # 50 m x 98.7031 / 100 plus 14 of 184 days of the 3.5 % half-year accrued
    # (PKR 133,152.17), one amount rounded once, in paisa.
    assert instructed["cash_amount"] == 49_351_550_00 + 13_315_217
    assert market.fails(dealer_beta(), "settlement:Settle", "TRD-0001") == "INVALID_TRANSITION"
    matched = market.ok(dealer_beta(), "settlement:Affirm", "TRD-0001")
    assert isinstance(matched, dict)
    assert matched["state"] == "MATCHED"
    assert (
        market.fails(dealer_beta(), "settlement:Settle", "TRD-0001")
        == "SETTLEMENT_DATE_NOT_REACHED"
    )
    market.on(dt.date(2021, 9, 2))
    settled = market.ok(dealer_beta(), "settlement:Settle", "TRD-0001")
    assert isinstance(settled, dict)
    assert settled["state"] == "SETTLED"
    assert market.results[-1].event is not None
    assert market.results[-1].event.name == "SettlementSettled"

    # DvP 2: on the exchange. Ayesha buys PKR 5 m of bills from Beta, matched by the exchange.
    market.ok(exchange(), "settlement:Instruct", EXCHANGE_TRADE)
    market.ok(exchange(), "settlement:Match", "TRD-0002")
    market.on(dt.date(2021, 9, 3))
    market.ok(exchange(), "settlement:Settle", "TRD-0002")
    # A third trade is cancelled by the exchange and cannot settle afterwards.
    market.ok(exchange(), "settlement:Instruct", CANCELLED_TRADE)
    market.ok(exchange(), "settlement:Cancel", "TRD-0003")
    assert market.fails(exchange(), "settlement:Settle", "TRD-0003") == "INVALID_TRANSITION"

    # The central bank withdraws some of Ayesha's spare cash (conversion back to reserves).
    market.ok(central_bank(), "cash:Withdraw", "IPS-AYESHA", str(1 * MILLION))

    # Two coupons, paid two holders per batch, with withholding tax.
    market.on(dt.date(2022, 2, 21))
    first = pay_all(market, "lifecycle:PayCoupon", BOND, "2022-02-21", "2")
    assert [b["paid"] for b in first] == [2, 2, 2]
    assert set(first[0]) == {"paid", "gross", "tax", "net", "done"}
    assert market.fails(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "2") == (
        "ALREADY_PAID"
    )
    claims = market.query("lifecycle:Claims", BOND, "2022-02-19")
    assert isinstance(claims, list)
    by_holder = {c["holder_account"]: c for c in claims}
    # PKR 100,000 at 7 % pays PKR 3,500 a half-year: gross = 0.035 x face.
    assert by_holder["IPS-AYESHA"]["gross"] == 350_000 * 100
    assert by_holder["IPS-AYESHA"]["tax"] == 52_500 * 100  # filer 15 %
    assert by_holder["IPS-BILAL"]["tax"] == by_holder["IPS-BILAL"]["gross"] * 30 // 100
    assert by_holder["IPS-CHEN"]["tax"] == 0  # non-resident via SCRA: exempt
    market.on(dt.date(2022, 8, 19))
    pay_all(market, "lifecycle:PayCoupon", BOND, "2022-08-19", "4")

    # The bill matured on 18 August 2022 and redeems at par.
    bill_redemption = pay_all(market, "lifecycle:Redeem", BILL, "2")
    assert sum(b["gross"] for b in bill_redemption) == 300 * MILLION
    assert sum(b["tax"] for b in bill_redemption) == 0
    assert _holdings(market, BILL) == {}
    bill = market.query("instrument:Get", BILL)
    assert isinstance(bill, dict)
    assert (bill["status"], bill["redeemed"]) == ("MATURED", 300 * MILLION)
    assert market.fails(dealer_beta(), "holding:Transfer", BILL, "SGL-BETA", "IPS-DANA", "500000")

    # The remaining coupons, then the bond's redemption with its last coupon.
    for day in ("2023-02-20", "2023-08-21", "2024-02-19"):
        market.on(dt.date.fromisoformat(day))
        pay_all(market, "lifecycle:PayCoupon", BOND, day, "10")
    market.on(dt.date(2024, 8, 19))
    pay_all(market, "lifecycle:Redeem", BOND, "3")
    assert _holdings(market, BOND) == {}

    # Reconciliation to the paisa.
    for instrument_id in (BILL, BOND):
        record = market.query("instrument:Get", instrument_id)
        assert isinstance(record, dict)
        assert sum(_holdings(market, instrument_id).values()) == (
            record["issued"] - record["redeemed"]
        )
    balances = _cash(market)
    minted = 500 * MILLION * 2 + 10 * MILLION + 2_000 * MILLION
    assert sum(balances.values()) == minted - 1 * MILLION
    all_claims = []
    for period in ("2022-02-19", "2022-08-19", "2023-02-19", "2023-08-19", "2024-02-19"):
        found = market.query("lifecycle:Claims", BOND, period)
        assert isinstance(found, list)
        all_claims += found
    for instrument_id in (BILL, BOND):
        found = market.query("lifecycle:Claims", instrument_id, "REDEMPTION")
        assert isinstance(found, list)
        all_claims += found
    final = market.query("lifecycle:Claims", BOND, "2024-08-19")
    assert isinstance(final, list)
    all_claims += final
    assert balances["FBR-TAX"] == sum(c["tax"] for c in all_claims) > 0
    assert all(c["tax"] + c["net"] == c["gross"] for c in all_claims)
    assert balances["TREASURY-CASH"] == 2_000 * MILLION - sum(c["gross"] for c in all_claims)
    # Every successful submit that wrote public state emitted exactly one event (the
    # private personal data writes emit none: an event is public).
    submits = [r for r in market.results if r.committed and any(not c for c, _ in r.writes)]
    assert all(r.event is not None for r in submits)
