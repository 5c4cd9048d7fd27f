"""``sov holding`` and ``sov settlement`` over the in-memory market."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sovereign_cli.main import ExitCode

from .scenario import BILL, BOND, MILLION
from .test_contract_cli_harness import DEALER1, DEALER2, EXCHANGE, TREASURY, Sov, fresh_market


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(fresh_market(distributed=True), tmp_path)


# -- holdings ------------------------------------------------------------------------------


def test_holding_list_by_account_and_by_instrument(sov: Sov) -> None:
    mine = sov.json("holding", "list", "--account", "IPS-DANA")
    assert sorted(mine, key=lambda h: h["instrument_id"]) == [
        {"instrument_id": BILL, "account_id": "IPS-DANA", "amount": 10 * MILLION},
        {"instrument_id": BOND, "account_id": "IPS-DANA", "amount": 15 * MILLION},
    ]
    holders = {
        h["account_id"]: h["amount"] for h in sov.json("holding", "list", "--instrument", BOND)
    }
    assert holders["SGL-ALPHA"] == 285 * MILLION
    assert sum(holders.values()) == 500 * MILLION
    table = sov("holding", "list", "--instrument", BOND).stdout.splitlines()
    assert table[0].split() == ["INSTRUMENT", "ACCOUNT", "AMOUNT", "FACE"]
    assert [BOND, "IPS-CHEN", "2000000000", "20,000,000.00"] in [line.split() for line in table]


def test_holding_list_needs_exactly_one_filter(sov: Sov) -> None:
    neither = sov.usage("holding", "list")
    assert "exactly one of --account and --instrument" in neither.stderr
    sov.usage("holding", "list", "--account", "IPS-DANA", "--instrument", BOND)
    sov.refused("holding", "list", "--account", "NO-SUCH", code="UNKNOWN_ACCOUNT")


def test_holding_transfer(sov: Sov) -> None:
    moved = sov.json(
        "holding", "transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", str(MILLION), as_=DEALER1
    )
    assert {h["account_id"]: h["amount"] for h in moved} == {
        "SGL-ALPHA": 284 * MILLION,
        "IPS-AYESHA": 11 * MILLION,
    }
    human = sov("holding", "transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", str(MILLION), as_=DEALER1)
    assert human.stdout.splitlines()[0] == (
        f"moved 1,000,000.00 of {BOND} from SGL-ALPHA to IPS-AYESHA"
    )


def test_holding_transfer_refusals(sov: Sov) -> None:
    sov.refused(
        "holding",
        "transfer",
        BOND,
        "SGL-ALPHA",
        "IPS-AYESHA",
        str(900 * MILLION),
        as_=DEALER1,
        code="INSUFFICIENT_HOLDING",
    )
    sov.refused(
        "holding",
        "transfer",
        BOND,
        "SGL-ALPHA",
        "IPS-AYESHA",
        "12345",
        as_=DEALER1,
        code="NOT_MULTIPLE_OF_DENOMINATION",
    )
    sov.usage("holding", "transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", "1e6", as_=DEALER1)


def test_holding_history(sov: Sov) -> None:
    changes = sov.json("holding", "history", BOND, "IPS-AYESHA")
    assert [c["amount"] for c in changes] == [10 * MILLION]
    assert set(changes[0]) == {"tx_id", "timestamp", "amount", "is_delete"}
    human = sov("holding", "history", BOND, "IPS-AYESHA").stdout
    assert "2021-08-20 05:00:" in human  # 10:00 PKT is 05:00 UTC
    assert "10,000,000.00" in human
    missing = sov.usage("holding", "history", BOND)
    assert "Missing argument 'ACCOUNT'" in missing.stderr


# -- settlement ----------------------------------------------------------------------------


def instruct(sov: Sov, instruction_id: str = "TRD-1", **overrides: str) -> list[str]:
    options = {
        "--id": instruction_id,
        "--instrument": BOND,
        "--seller": "SGL-ALPHA",
        "--buyer": "SGL-BETA",
        "--quantity": str(50 * MILLION),
        "--price": "99.5000",
        "--settle-on": "2021-08-24",
    } | overrides
    return ["settlement", "instruct", *(x for pair in options.items() for x in pair)]


def test_instruct_affirm_settle(sov: Sov) -> None:
    sov.market.on(dt.date(2021, 8, 23))  # type: ignore[union-attr]
    record = sov.json(*instruct(sov), as_=DEALER1)
    assert record["state"] == "AFFIRMED_BY_ONE"
    assert record["price_per_100"] == "99.5000"
    # 99.5000 clean on PKR 50 m, plus 5 of the 184 days of the 3.5 % half-year accrued
    # (19 August 2021 - 19 February 2022): PKR 47,554.35, rounded once with the clean part.
    assert record["cash_amount"] == 49_750_000 * 100 + 4_755_435
    assert record["settlement_date"] == "2021-08-24"
    affirmed = sov.json("settlement", "affirm", "TRD-1", as_=DEALER2)
    assert affirmed["state"] == "MATCHED"
    sov.market.on(dt.date(2021, 8, 24))  # type: ignore[union-attr]
    settled = sov("settlement", "settle", "TRD-1", as_=EXCHANGE)
    assert settled.exit_code == 0, settled.output
    assert settled.stdout.strip() == "settled TRD-1: SETTLED"
    assert sov.json("cash", "balance", "SGL-ALPHA")["amount"] == 500 * MILLION + 4_979_755_435


def test_instruct_validates_locally(sov: Sov) -> None:
    bad_price = sov.usage(*instruct(sov, **{"--price": "ninety"}), as_=DEALER1)
    assert "not a decimal number" in bad_price.stderr
    bad_day = sov.usage(*instruct(sov, **{"--settle-on": "24/08/2021"}), as_=DEALER1)
    assert "--settle-on" in bad_day.stderr
    sov.usage("settlement", "instruct", "--id", "TRD-9", as_=DEALER1)


def test_instruct_refused(sov: Sov) -> None:
    sov.market.on(dt.date(2021, 8, 23))  # type: ignore[union-attr]
    sov.refused(*instruct(sov), as_=TREASURY, code="UNAUTHORIZED")
    sov.json(*instruct(sov), as_=DEALER1)
    sov.refused(*instruct(sov), as_=DEALER1, code="ALREADY_EXISTS")


def test_match_then_settle_and_the_refusals(sov: Sov) -> None:
    sov.market.on(dt.date(2021, 8, 23))  # type: ignore[union-attr]
    sov.json(*instruct(sov), as_=DEALER1)
    sov.refused("settlement", "match", "TRD-1", as_=DEALER2, code="UNAUTHORIZED")
    matched = sov.json("settlement", "match", "TRD-1", as_=EXCHANGE)
    assert matched["state"] == "MATCHED"
    sov.refused("settlement", "affirm", "TRD-404", as_=DEALER2, code="NOT_FOUND")
    sov.refused("settlement", "settle", "TRD-404", as_=EXCHANGE, code="NOT_FOUND")


def test_cancel_list_show(sov: Sov) -> None:
    sov.market.on(dt.date(2021, 8, 23))  # type: ignore[union-attr]
    sov.json(*instruct(sov, "TRD-1"), as_=DEALER1)
    sov.json(*instruct(sov, "TRD-2"), as_=DEALER1)
    cancelled = sov.json("settlement", "cancel", "TRD-2", as_=DEALER1)
    assert cancelled["state"] == "CANCELLED"
    sov.refused("settlement", "cancel", "TRD-2", as_=DEALER1, code="INVALID_TRANSITION")

    listed = sov.json("settlement", "list")
    assert [(r["instruction_id"], r["state"]) for r in listed] == [
        ("TRD-1", "AFFIRMED_BY_ONE"),
        ("TRD-2", "CANCELLED"),
    ]
    table = sov("settlement", "list").stdout.splitlines()
    assert table[0].split()[:5] == ["ID", "INSTRUMENT", "SELLER", "BUYER", "STATE"]
    assert table[1].endswith("50,000,000.00  49,797,554.35")  # clean + accrued

    shown = sov.json("settlement", "show", "TRD-1")
    assert shown == listed[0]
    assert "cash           49,797,554.35" in sov("settlement", "show", "TRD-1").stdout
    sov.refused("settlement", "show", "TRD-404", code="NOT_FOUND")


def test_settlement_list_needs_a_running_network(tmp_path: Path) -> None:
    stopped = Sov(None, tmp_path)("settlement", "list")
    assert stopped.exit_code == ExitCode.NOT_FOUND
    assert "is not running" in stopped.stderr
