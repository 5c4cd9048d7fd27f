"""``sov auction`` over the in-memory market: a bill auction from announcement to cash."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from .scenario import BILL, MILLION
from .test_contract_auctions import SETTLEMENT_DAY, announced
from .test_contract_cli_harness import DEALER1, DEALER2, EXCHANGE, REGISTRAR, TREASURY, Sov

AUCTION = "MTB-CLI"
_TEMPLATE = announced()


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(copy.deepcopy(_TEMPLATE), tmp_path)


def announce(sov: Sov) -> None:
    sov.json(
        "auction", "announce", AUCTION, "--offer", f"{BILL}={1_000 * MILLION}",
        "--auction-date", "2021-08-18", "--settle-on", "2021-08-19", as_=TREASURY,
    )  # fmt: skip


def bid(sov: Sov, who: str, bid_id: str, account: str, millions: int, *level: str) -> None:
    options = ["--id", bid_id, "--instrument", BILL, "--account", account]
    options += ["--amount", str(millions * MILLION)]
    if level:
        options += ["--level", level[0]]
    sov.json("auction", "bid", AUCTION, *options, as_=who)


def test_a_bill_auction_through_sov(sov: Sov) -> None:
    human = sov(
        "auction", "announce", AUCTION, "--offer", f"{BILL}={1_000 * MILLION}",
        "--auction-date", "2021-08-18", "--settle-on", "2021-08-19", as_=TREASURY,
    )  # fmt: skip
    assert human.exit_code == 0, human.output
    assert human.stdout.startswith(f"announced {AUCTION}: 1 tenor(s)")
    bid(sov, DEALER1, "A1", "SGL-ALPHA", 700, "98.0000")
    bid(sov, DEALER1, "N1", "IPS-AYESHA", 20)
    bid(sov, DEALER2, "B1", "SGL-BETA", 400, "97.8000")
    bid(sov, DEALER2, "B2", "SGL-BETA", 40, "97.8000")
    placed = sov(
        "auction", "bid", AUCTION, "--id", "B3", "--instrument", BILL, "--account", "SGL-BETA",
        "--amount", str(100 * MILLION), "--level", "97.5000", as_=DEALER2,
    )  # fmt: skip
    assert placed.stdout.startswith("placed sealed bid B3 on SGL-BETA: sha256 ")
    amended = sov.json(
        "auction", "bid", AUCTION, "--id", "B3", "--instrument", BILL, "--account", "SGL-BETA",
        "--amount", str(50 * MILLION), "--level", "97.5000", "--amend", as_=DEALER2,
    )  # fmt: skip
    assert len(amended["bid_sha256"]) == 64
    sov.json("auction", "withdraw", AUCTION, "--id", "B3", "--account", "SGL-BETA", as_=DEALER2)

    mine = sov.json("auction", "bids", AUCTION, as_=DEALER2)
    assert {b["bid_id"] for b in mine} == {"B1", "B2"}
    assert "non-comp" in sov("auction", "bids", AUCTION, as_=DEALER1).stdout
    sov.refused("auction", "bids", AUCTION, as_=EXCHANGE, code="UNAUTHORIZED")
    sov.refused("auction", "bids", AUCTION, as_=REGISTRAR, code="INVALID_TRANSITION")

    closed = sov("auction", "close", AUCTION, as_=REGISTRAR)
    assert closed.stdout.strip() == f"closed {AUCTION}: CLOSED"
    sov.refused(
        "auction", "bid", AUCTION, "--id", "A9", "--instrument", BILL, "--account", "SGL-ALPHA",
        "--amount", str(5 * MILLION), "--level", "99", as_=DEALER1, code="AUCTION_CLOSED",
    )  # fmt: skip
    sov.usage("auction", "cutoff", AUCTION, as_=TREASURY)
    sov.usage("auction", "cutoff", AUCTION, "--tenor", "nonsense", as_=TREASURY)
    cut = sov.json("auction", "cutoff", AUCTION, "--tenor", f"{BILL}=97.8000", as_=TREASURY)
    (tenor,) = cut["results"]
    # 300 m left at the cut-off for 440 m: 400 -> 272.7 -> 250 m, 40 m in full.
    assert tenor["competitive_accepted"] == 990 * MILLION
    assert tenor["non_competitive_accepted"] == 20 * MILLION

    shown = sov("auction", "results", AUCTION)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert any(line.startswith(BILL) and "97.8000" in line for line in lines)
    assert any(
        line.split()[:2] == ["B1", "SGL-BETA"] and "250,000,000.00" in line for line in lines
    )
    both = sov.json("auction", "results", AUCTION)
    assert {a["bid_id"] for a in both["allotments"]} == {"A1", "N1", "B1", "B2"}

    sov.refused("auction", "settle", AUCTION, as_=REGISTRAR, code="SETTLEMENT_DATE_NOT_REACHED")
    assert sov.market is not None
    sov.market.on(SETTLEMENT_DAY)
    settled = sov.json("auction", "settle", AUCTION, "--batch", "3", as_=REGISTRAR)
    assert settled["settled"] == 4
    assert settled["face"] == 1_010 * MILLION
    assert settled["cash"] == sum(a["cash_amount"] for a in both["allotments"])
    sov.refused("auction", "settle", AUCTION, as_=REGISTRAR, code="ALREADY_SETTLED")
    assert sov.json("auction", "results", AUCTION)["auction"]["state"] == "SETTLED"


def test_reject_every_bid_of_a_tenor(sov: Sov) -> None:
    announce(sov)
    bid(sov, DEALER1, "A1", "SGL-ALPHA", 700, "98.0000")
    sov.json("auction", "close", AUCTION, as_=REGISTRAR)
    record = sov.json("auction", "cutoff", AUCTION, "--reject", BILL, as_=TREASURY)
    assert record["state"] == "REJECTED"
    assert "rejected" in sov("auction", "results", AUCTION).stdout


def test_usage_errors_reach_nothing(sov: Sov) -> None:
    sov.usage("auction", "announce", AUCTION, "--offer", BILL, "--auction-date", "2021-08-18",
              "--settle-on", "2021-08-19", as_=TREASURY)  # fmt: skip
    sov.usage("auction", "bid", AUCTION, "--id", "A1", "--instrument", BILL, "--account",
              "SGL-ALPHA", "--amount", "5", "--level", "ninety", as_=DEALER1)  # fmt: skip
