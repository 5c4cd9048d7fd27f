"""A primary auction of the 364-day bill, narrated through the contracts.

The treasury announces PKR 1,000 million on 18 August 2021, settling on the issue date,
19 August. Two primary dealers bid in price, sealed; dealer ALPHA also bids
non-competitively for its client Ayesha, dealer BETA twice for Dana (which voids both).
The central bank closes; the treasury cuts off at 97.8000, where PKR 440 million compete
for the PKR 300 million left: the pro rata and the PKR 50 million lots decide the fills.
The central bank settles in batches against the cash token. Then a bond re-opening pins
the SBP re-opening of 3 March 2021's accrued interest (PKR 4.641 million on PKR 2,000
million) through
the settlement path. Amounts are paisa.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovereign_assets.domain.pricing import bill_price, bill_yield
from sovereign_assets.schema.privacy import AUCTION_BIDS_COLLECTION

from .market import (
    NAMESPACE,
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    exchange,
    treasury,
)
from .scenario import (
    BILL,
    BILL_DENOMINATION,
    MILLION,
    account_spec,
    bill_spec,
    bootstrap,
    order,
    register_document,
)

AUCTION = "MTB-2021-08-18"
AUCTION_DAY = dt.date(2021, 8, 18)
SETTLEMENT_DAY = dt.date(2021, 8, 19)


def announcement(**overrides: object) -> dict[str, object]:
    spec: dict[str, object] = {
        "auction_id": AUCTION,
        "offerings": [{"instrument_id": BILL, "target": 1_000 * MILLION}],
        "auction_date": AUCTION_DAY.isoformat(),
        "close_time": "12:00",
        "settlement_date": SETTLEMENT_DAY.isoformat(),
        "bid_basis": "PRICE",
    }
    spec.update(overrides)
    return spec


def bid(
    bid_id: str, account: str, millions: int, price: str | None = None, **extra: object
) -> dict[str, bytes]:
    body: dict[str, object] = {
        "auction_id": AUCTION,
        "bid_id": bid_id,
        "instrument_id": BILL,
        "account_id": account,
        "amount": millions * MILLION,
    }
    if price is not None:
        body["level"] = price
    body.update(extra)
    return {"bid": json.dumps(body).encode()}


ALPHA_BIDS = (
    ("A1", "SGL-ALPHA", 400, "98.0000"),
    ("A2", "SGL-ALPHA", 270, "97.8000"),
    ("A3", "SGL-ALPHA", 500, "97.7000"),
    ("N1", "IPS-AYESHA", 20, None),
)
BETA_BIDS = (
    ("B1", "SGL-BETA", 300, "97.9000"),
    ("B2", "SGL-BETA", 130, "97.8000"),
    ("B3", "SGL-BETA", 40, "97.8000"),
    ("N2", "IPS-DANA", 10, None),
    ("N3", "IPS-DANA", 10, None),
)


def announced() -> Market:
    """The reference market with the bill approved and the auction announced."""
    market = Market()
    bootstrap(market)
    for account in ("SGL-ALPHA", "SGL-BETA"):
        market.ok(central_bank(), "cash:Mint", account, str(1_000 * MILLION))
    market.on(dt.date(2021, 8, 17))
    market.ok(treasury(), "instrument:Create", bill_spec())
    market.ok(central_bank(), "instrument:Approve", BILL)
    market.ok(treasury(), "auction:Announce", announcement())
    market.on(AUCTION_DAY)
    return market


@pytest.fixture(scope="module")
def template() -> Market:
    return announced()


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def place_book(market: Market) -> None:
    for bid_id, account, millions, price in ALPHA_BIDS:
        market.ok(
            dealer_alpha(), "auction:PlaceBid", transient=bid(bid_id, account, millions, price)
        )
    for bid_id, account, millions, price in BETA_BIDS:
        market.ok(
            dealer_beta(), "auction:PlaceBid", transient=bid(bid_id, account, millions, price)
        )


def bids_seen(market: Market, reader: bytes) -> set[str]:
    rows = market.ok(reader, "auction:Bids", AUCTION)
    assert isinstance(rows, list)
    return {row["bid_id"] for row in rows}


def cash(market: Market, account: str) -> int:
    row = market.query("cash:Balance", account)
    assert isinstance(row, dict)
    return int(row["amount"])


def test_bids_are_sealed_until_the_close(market: Market) -> None:
    place_book(market)
    # Each dealer reads back its own bids only; the exchange reads none.
    assert bids_seen(market, dealer_alpha()) == {"A1", "A2", "A3", "N1"}
    assert bids_seen(market, dealer_beta()) == {"B1", "B2", "B3", "N2", "N3"}
    assert market.fails(exchange(), "auction:Bids", AUCTION) == "UNAUTHORIZED"
    # Neither the auctioneer nor the issuer reads the book while the auction is open.
    for officer in (central_bank(), treasury()):
        assert market.fails(officer, "auction:Bids", AUCTION) == "INVALID_TRANSITION"
    # Only the hash is on the public ledger: the bids are in the collection alone.
    public = b"".join(v for _, v in market.ledger.scan(NAMESPACE, "", "", ""))
    assert b"98.0000" not in public
    stored = market.ledger.scan(NAMESPACE, AUCTION_BIDS_COLLECTION, "", "")
    assert len(stored) == 9 + 2  # the bids, and each dealer account's list of them
    receipt = market.ok(
        dealer_alpha(), "auction:AmendBid", transient=bid("A3", "SGL-ALPHA", 450, "97.7000")
    )
    assert isinstance(receipt, dict)
    assert receipt["collection"] == AUCTION_BIDS_COLLECTION
    assert len(receipt["bid_sha256"]) == 64
    # A dealer cannot amend, withdraw or bid on another dealer's account.
    assert (
        market.fails(dealer_beta(), "auction:AmendBid", transient=bid("A3", "SGL-ALPHA", 50, "99"))
        == "UNAUTHORIZED"
    )
    assert (
        market.fails(dealer_beta(), "auction:WithdrawBid", AUCTION, "SGL-ALPHA", "A3")
        == "UNAUTHORIZED"
    )
    assert (
        market.fails(exchange(), "auction:PlaceBid", transient=bid("X1", "SGL-ALPHA", 50, "99"))
        == "UNAUTHORIZED"
    )
    market.ok(dealer_alpha(), "auction:WithdrawBid", AUCTION, "SGL-ALPHA", "A3")
    assert bids_seen(market, dealer_alpha()) == {"A1", "A2", "N1"}
    assert (
        market.fails(dealer_alpha(), "auction:WithdrawBid", AUCTION, "SGL-ALPHA", "A3")
        == "NOT_FOUND"
    )
    assert (
        market.fails(dealer_alpha(), "auction:AmendBid", transient=bid("A3", "SGL-ALPHA", 50, "99"))
        == "NOT_FOUND"
    )
    assert (
        market.fails(dealer_alpha(), "auction:PlaceBid", transient=bid("A1", "SGL-ALPHA", 50, "99"))
        == "ALREADY_EXISTS"
    )

    market.ok(central_bank(), "auction:Close", AUCTION)
    for code, function, kwargs in (
        ("AUCTION_CLOSED", "auction:PlaceBid", {"transient": bid("A9", "SGL-ALPHA", 50, "99")}),
        ("AUCTION_CLOSED", "auction:AmendBid", {"transient": bid("A1", "SGL-ALPHA", 50, "99")}),
    ):
        assert market.fails(dealer_alpha(), function, **kwargs) == code
    assert (
        market.fails(dealer_alpha(), "auction:WithdrawBid", AUCTION, "SGL-ALPHA", "A1")
        == "AUCTION_CLOSED"
    )
    # After the close the auctioneer and the issuer read the whole book.
    assert len(bids_seen(market, central_bank())) == 8
    assert len(bids_seen(market, treasury())) == 8
    assert market.fails(exchange(), "auction:Bids", AUCTION) == "UNAUTHORIZED"


def test_bids_refused_by_the_rules(market: Market) -> None:
    refusals = (
        # 0.5 % of PKR 1,000 m is 5 m: the cap is the PKR 25 m floor.
        ("NON_COMPETITIVE_OVER_CAP", bid("N9", "IPS-AYESHA", 30)),
        # Only primary dealers bid competitively (for their own account).
        ("COMPETITIVE_BID_NOT_ALLOWED", bid("C9", "IPS-AYESHA", 5, "98.0000")),
        ("INVALID_BID", bid("C9", "SGL-ALPHA", 5, "98.00001")),
        ("NOT_MULTIPLE_OF_DENOMINATION", {"bid": json.dumps({
            "auction_id": AUCTION, "bid_id": "C9", "instrument_id": BILL,
            "account_id": "SGL-ALPHA", "amount": BILL_DENOMINATION + 1, "level": "98"}).encode()}),
        ("INVALID_BID", bid("C9", "SGL-ALPHA", 5, "98", instrument_id="PK0000PIB033")),
        ("INVALID_ARGUMENT", {"bid": b"not json"}),
    )  # fmt: skip
    for code, transient in refusals:
        assert market.fails(dealer_alpha(), "auction:PlaceBid", transient=transient) == code
    assert market.fails(dealer_alpha(), "auction:PlaceBid") == "INVALID_ARGUMENT"
    # Bids close at 12:00 market time on the auction day, and for good the day after.
    market.on(dt.date(2021, 8, 19))
    assert (
        market.fails(dealer_alpha(), "auction:PlaceBid", transient=bid("A9", "SGL-ALPHA", 5, "98"))
        == "AUCTION_CLOSED"
    )


def test_a_bank_may_not_bid_non_competitively(market: Market) -> None:
    from .scenario import account_spec, investor_spec, pii_of

    spec = investor_spec("INV-DANA") | {"investor_id": "BANK-HBL", "investor_type": "BANK"}
    market.register(dealer_alpha(), spec, pii_of("BANK-HBL"))
    market.ok(
        dealer_alpha(),
        "account:Open",
        account_spec("IPS-HBL", "INVESTOR", "BANK-HBL", "CentralBankMSP/alpha-ops", "SGL-ALPHA"),
    )
    refused = market.fails(dealer_alpha(), "auction:PlaceBid", transient=bid("N9", "IPS-HBL", 5))
    assert refused == "NON_COMPETITIVE_NOT_ALLOWED"


def test_announcements_that_cannot_run(template: Market) -> None:
    market = copy.deepcopy(template)
    assert (
        market.fails(dealer_alpha(), "auction:Announce", announcement(auction_id="X"))
        == "UNAUTHORIZED"
    )
    assert market.fails(treasury(), "auction:Announce", announcement()) == "ALREADY_EXISTS"
    for code, overrides in (
        ("INVALID_AUCTION", {"bid_basis": "MARGIN"}),
        ("INVALID_AUCTION", {"settlement_date": "2021-08-17"}),
        ("INVALID_ARGUMENT", {"close_time": "noon"}),
        ("INVALID_ARGUMENT", {"bid_basis": "BEAUTY"}),
        ("INVALID_ARGUMENT", {"offerings": []}),
        ("NOT_MULTIPLE_OF_DENOMINATION", {"offerings": [{"instrument_id": BILL, "target": 1}]}),
        ("UNKNOWN_INSTRUMENT", {"offerings": [{"instrument_id": "PK0000NONE01", "target": 1}]}),
    ):
        spec = announcement(auction_id="MTB-X", **overrides)
        assert market.fails(treasury(), "auction:Announce", spec) == code, overrides


def test_cut_off_pro_rata_results_and_settlement_in_batches(market: Market) -> None:
    place_book(market)
    assert (
        market.fails(
            treasury(), "auction:CutOff", AUCTION, [{"instrument_id": BILL, "level": "97.8000"}]
        )
        == "INVALID_TRANSITION"
    )
    assert market.fails(dealer_alpha(), "auction:Close", AUCTION) == "UNAUTHORIZED"
    market.ok(central_bank(), "auction:Close", AUCTION)
    assert market.fails(central_bank(), "auction:Close", AUCTION) == "INVALID_TRANSITION"
    assert (
        market.fails(
            central_bank(), "auction:CutOff", AUCTION, [{"instrument_id": BILL, "level": "97.8000"}]
        )
        == "UNAUTHORIZED"
    )
    assert market.fails(treasury(), "auction:CutOff", AUCTION, []) == "INVALID_CUTOFF"
    assert (
        market.fails(
            treasury(),
            "auction:CutOff",
            AUCTION,
            [{"instrument_id": BILL, "level": "97.7000", "accept_amount": 500 * MILLION}],
        )
        == "INVALID_CUTOFF"
    )

    record = market.ok(
        treasury(), "auction:CutOff", AUCTION, [{"instrument_id": BILL, "level": "97.8000"}]
    )
    assert isinstance(record, dict)
    assert record["state"] == "CUT_OFF"
    (result,) = record["results"]
    # 700 m better than the cut-off in full; 300 m left for 440 m at it: 270 -> 150 after
    # the lot taken back, 130 -> 100, 40 (a lot or less) in full. N2 and N3 void.
    assert result["competitive_offered"] == 1_640 * MILLION
    assert result["competitive_accepted"] == 990 * MILLION
    assert result["non_competitive_offered"] == 20 * MILLION
    assert result["non_competitive_accepted"] == 20 * MILLION
    assert result["accepted"] == 1_010 * MILLION
    assert result["voided_bids"] == 2
    assert result["cutoff"] == "97.8000"
    assert result["cutoff_price"] == "97.8000"
    event = market.results[-1].event
    assert event is not None
    assert event.name == "AuctionResults"
    assert b"A1" not in event.payload  # the results name no bid

    allotments = market.query("auction:Allotments", AUCTION)
    assert isinstance(allotments, list)
    fills = {a["bid_id"]: a for a in allotments}
    assert {k: a["amount"] // MILLION for k, a in fills.items()} == {
        "A1": 400, "A2": 150, "B1": 300, "B2": 100, "B3": 40, "N1": 20,
    }  # fmt: skip
    assert fills["A1"]["price_per_100"] == "98.0000"  # multiple price: each its own
    assert fills["B1"]["price_per_100"] == "97.9000"
    way = Decimal(result["weighted_average_yield"])
    competitive = [a for a in allotments if a["competitive"]]
    exact_way = sum(
        (Fraction(bill_yield(Decimal(a["price_per_100"]), 364)) * a["amount"] for a in competitive),
        Fraction(0),
    ) / sum(a["amount"] for a in competitive)
    assert abs(Fraction(way) - exact_way) <= Fraction(1, 2_000_000)
    assert fills["N1"]["price_per_100"] == str(bill_price(way, 364))
    assert fills["N1"]["account_id"] == "IPS-AYESHA"
    assert fills["N1"]["payer_account"] == "SGL-ALPHA"  # the dealer pays for its client
    for allotment in allotments:
        face, price = allotment["amount"], Fraction(Decimal(allotment["price_per_100"]))
        expected = face * price / 100
        assert allotment["accrued_interest"] == 0  # a bill accrues nothing
        assert abs(allotment["cash_amount"] - expected) <= Fraction(1, 2)

    # Settlement: not before the settlement date, in bounded batches, never twice.
    assert (
        market.fails(central_bank(), "auction:Settle", AUCTION, 2) == "SETTLEMENT_DATE_NOT_REACHED"
    )
    market.on(SETTLEMENT_DAY)
    assert market.fails(dealer_alpha(), "auction:Settle", AUCTION, 2) == "UNAUTHORIZED"
    assert market.fails(central_bank(), "auction:Settle", AUCTION, 0) == "INVALID_BATCH"
    before = {a: cash(market, a) for a in ("SGL-ALPHA", "SGL-BETA", "TREASURY-CASH")}
    batches = []
    while True:
        batch = market.ok(central_bank(), "auction:Settle", AUCTION, 4)
        assert isinstance(batch, dict)
        batches.append(batch)
        if batch["done"]:
            break
    assert [b["settled"] for b in batches] == [4, 2]
    assert market.fails(central_bank(), "auction:Settle", AUCTION, 4) == "ALREADY_SETTLED"
    paid = {"SGL-ALPHA": 0, "SGL-BETA": 0}
    for allotment in allotments:
        paid[allotment["payer_account"]] += allotment["cash_amount"]
    total = sum(a["cash_amount"] for a in allotments)
    assert sum(b["cash"] for b in batches) == total
    assert cash(market, "SGL-ALPHA") == before["SGL-ALPHA"] - paid["SGL-ALPHA"]
    assert cash(market, "SGL-BETA") == before["SGL-BETA"] - paid["SGL-BETA"]
    assert cash(market, "TREASURY-CASH") == before["TREASURY-CASH"] + total
    holdings = market.query("holding:ByInstrument", BILL)
    assert isinstance(holdings, list)
    assert {h["account_id"]: h["amount"] // MILLION for h in holdings} == {
        "SGL-ALPHA": 550, "SGL-BETA": 440, "IPS-AYESHA": 20,
    }  # fmt: skip
    instrument = market.query("instrument:Get", BILL)
    assert isinstance(instrument, dict)
    assert instrument["status"] == "ISSUED"
    assert instrument["issued"] == 1_010 * MILLION
    final = market.query("auction:Results", AUCTION)
    assert isinstance(final, dict)
    assert final["state"] == "SETTLED"
    assert (final["settled"], final["face_settled"], final["cash_settled"]) == (
        6,
        1_010 * MILLION,
        total,
    )


def test_reject_all(market: Market) -> None:
    place_book(market)
    market.ok(central_bank(), "auction:Close", AUCTION)
    record = market.ok(
        treasury(), "auction:CutOff", AUCTION, [{"instrument_id": BILL, "reject_all": True}]
    )
    assert isinstance(record, dict)
    assert record["state"] == "REJECTED"
    assert record["results"][0]["accepted"] == 0
    assert market.query("auction:Allotments", AUCTION) == []
    market.on(SETTLEMENT_DAY)
    assert market.fails(central_bank(), "auction:Settle", AUCTION, 4) == "INVALID_TRANSITION"


# -- a re-opening pays accrued interest ----------------------------------------------

PIB = "PK0000PIB023"


def test_reopening_settles_the_accrued_interest_of_domain_section_2() -> None:
    # The 7 % PIB maturing 20 August 2023 (coupons 20 Feb / 20 Aug), re-opened on
    # 3 March 2021 for settlement on 4 March: 12 of the 181 days of the half-year accrue.
    market = Market()
    market.on(dt.date(2021, 2, 25))  # business dates only move forward: start on it
    bootstrap(market)
    market.ok(central_bank(), "cash:Mint", "SGL-ALPHA", str(2_000 * MILLION))
    bond = {
        "instrument_id": PIB,
        "kind": "FIXED_RATE_BOND",
        "min_denomination": 100_000 * 100,
        "issue_date": "2020-08-20",
        "maturity_date": "2023-08-20",
        "day_count": "ACT/ACT-ICMA",
        "frequency": 2,
        "calendar_id": "PK-SBP",
        "coupon_rate": "0.07",
    }
    market.ok(treasury(), "instrument:Create", bond)
    market.ok(central_bank(), "instrument:Approve", PIB)
    market.ok(
        treasury(),
        "instrument:Issue",
        PIB,
        [{"account_id": "SGL-BETA", "amount": 100 * MILLION, "price_per_100": "100.0000"}],
    )
    market.on(dt.date(2021, 3, 3))
    market.ok(
        treasury(),
        "auction:Announce",
        announcement(
            auction_id="PIB-2021-03-03",
            offerings=[{"instrument_id": PIB, "target": 2_000 * MILLION}],
            auction_date="2021-03-03",
            settlement_date="2021-03-04",
        ),
    )
    body = {
        "auction_id": "PIB-2021-03-03", "bid_id": "P1", "instrument_id": PIB,
        "account_id": "SGL-ALPHA", "amount": 2_000 * MILLION, "level": "95.6574",
    }  # fmt: skip
    market.ok(dealer_alpha(), "auction:PlaceBid", transient={"bid": json.dumps(body).encode()})
    market.ok(central_bank(), "auction:Close", "PIB-2021-03-03")
    record = market.ok(
        treasury(), "auction:CutOff", "PIB-2021-03-03", [{"instrument_id": PIB, "level": "95.6574"}]
    )
    assert isinstance(record, dict)
    assert record["results"][0]["weighted_average_yield"] == "0.090000"  # 9.0000 %
    allotments = market.query("auction:Allotments", "PIB-2021-03-03")
    assert isinstance(allotments, list)
    (allotment,) = allotments
    assert allotment["accrued_interest"] == 464_088_398  # PKR 4,640,883.98 = 4.641 million
    assert allotment["cash_amount"] == 191_314_800_000 + 464_088_398
    market.on(dt.date(2021, 3, 4))
    before = cash(market, "SGL-ALPHA")
    market.ok(central_bank(), "auction:Settle", "PIB-2021-03-03", 10)
    assert before - cash(market, "SGL-ALPHA") == 191_778_888_398
    instrument = market.query("instrument:Get", PIB)
    assert isinstance(instrument, dict)
    assert instrument["issued"] == 2_100 * MILLION  # fungible with the first issue


# -- property: any bid book ----------------------------------------------------------

LEVELS = ("98.1000", "98.0000", "97.9000", "97.8000", "97.7000")
_bid = st.tuples(
    st.sampled_from(("SGL-ALPHA", "SGL-BETA")),
    st.integers(min_value=1, max_value=60).map(lambda n: n * 5 * MILLION),  # 5..300 m
    st.sampled_from(LEVELS),
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    book=st.lists(_bid, min_size=1, max_size=8),
    cutoff=st.sampled_from(LEVELS),
    target=st.integers(min_value=1, max_value=40).map(lambda n: n * 25 * MILLION),
    non_competitive=st.lists(
        st.integers(min_value=1, max_value=5).map(lambda n: n * 5 * MILLION), max_size=2
    ),
)
def test_any_book_allots_within_the_accepted_amount_and_moves_the_cash_it_says(
    template: Market,
    book: list[tuple[str, int, str]],
    cutoff: str,
    target: int,
    non_competitive: list[int],
) -> None:
    market = copy.deepcopy(template)
    if target != 1_000 * MILLION:
        market.on(dt.date(2021, 8, 17))
        market.ok(
            treasury(),
            "auction:Announce",
            announcement(auction_id="MTB-P", offerings=[{"instrument_id": BILL, "target": target}]),
        )
        auction = "MTB-P"
        market.on(AUCTION_DAY)
    else:
        auction = AUCTION
    dealers = {"SGL-ALPHA": dealer_alpha, "SGL-BETA": dealer_beta}
    for n, (account, amount, level) in enumerate(book):
        body = {"auction_id": auction, "bid_id": f"C{n}", "instrument_id": BILL,
                "account_id": account, "amount": amount, "level": level}  # fmt: skip
        market.ok(
            dealers[account](), "auction:PlaceBid", transient={"bid": json.dumps(body).encode()}
        )
    for n, (amount, account) in enumerate(
        zip(non_competitive, ("IPS-AYESHA", "IPS-BILAL"), strict=False)
    ):
        body = {"auction_id": auction, "bid_id": f"N{n}", "instrument_id": BILL,
                "account_id": account, "amount": amount}  # fmt: skip
        market.ok(dealer_alpha(), "auction:PlaceBid", transient={"bid": json.dumps(body).encode()})
    market.ok(central_bank(), "auction:Close", auction)
    better = sum(a for _, a, lv in book if Decimal(lv) > Decimal(cutoff))
    result = market.call(
        treasury(), "auction:CutOff", auction, [{"instrument_id": BILL, "level": cutoff}]
    )
    if better > target:
        assert result.response.message.startswith("INVALID_CUTOFF")
        return
    assert result.ok, result.response.message
    record: dict[str, Any] = json.loads(result.payload)
    tenor = record["results"][0]
    allotments = market.query("auction:Allotments", auction)
    assert isinstance(allotments, list)
    assert tenor["competitive_accepted"] <= target
    assert tenor["competitive_accepted"] == sum(a["amount"] for a in allotments if a["competitive"])
    assert all(a["amount"] > 0 and a["amount"] % BILL_DENOMINATION == 0 for a in allotments)
    by_bid = {f"C{n}": amount for n, (_, amount, _) in enumerate(book)}
    assert all(a["amount"] <= by_bid.get(a["bid_id"], a["amount"]) for a in allotments)
    if not allotments:
        return
    market.on(SETTLEMENT_DAY)
    accounts = ("SGL-ALPHA", "SGL-BETA", "TREASURY-CASH")
    before = sum(cash(market, a) for a in accounts[:2])
    treasury_before = cash(market, "TREASURY-CASH")
    while not market.ok(central_bank(), "auction:Settle", auction, 3)["done"]:  # type: ignore[index]
        pass
    moved = sum(a["cash_amount"] for a in allotments)
    assert cash(market, "TREASURY-CASH") - treasury_before == moved
    assert before - sum(cash(market, a) for a in accounts[:2]) == moved


def test_the_typed_client_runs_an_auction(market: Market) -> None:
    from sovereign_assets.schema.messages import BidSpec, CutOffSpec
    from sovereign_client import SovereignClient
    from sovereign_client.errors import AuctionClosedError, UnauthorizedError

    from .test_contract_typed_client import MarketInvoker

    alpha_invoker = MarketInvoker(market, dealer_alpha())
    alpha = SovereignClient(alpha_invoker)
    receipt = alpha.auctions.bid(
        BidSpec(AUCTION, "A1", BILL, "SGL-ALPHA", 600 * MILLION, Decimal("98.0000"))
    )
    assert receipt.collection == AUCTION_BIDS_COLLECTION
    alpha.auctions.bid(BidSpec(AUCTION, "N1", BILL, "IPS-AYESHA", 25 * MILLION))
    alpha.auctions.amend(
        BidSpec(AUCTION, "A1", BILL, "SGL-ALPHA", 550 * MILLION, Decimal("98.0000"))
    )
    alpha.auctions.withdraw(AUCTION, "IPS-AYESHA", "N1")
    # Bids, amendments and withdrawals are endorsed by the dealer's org alone.
    assert alpha_invoker.own_org_only == [
        "auction:PlaceBid",
        "auction:PlaceBid",
        "auction:AmendBid",
        "auction:WithdrawBid",
    ]
    (mine,) = alpha.auctions.bids(AUCTION)
    assert (mine.bid_id, mine.amount, mine.level) == ("A1", 550 * MILLION, Decimal("98.0000"))
    with pytest.raises(UnauthorizedError):
        SovereignClient(MarketInvoker(market, exchange())).auctions.bids(AUCTION)
    SovereignClient(MarketInvoker(market, central_bank())).auctions.close(AUCTION)
    with pytest.raises(AuctionClosedError):
        alpha.auctions.bid(BidSpec(AUCTION, "A2", BILL, "SGL-ALPHA", 5 * MILLION, Decimal("99")))
    issuer = SovereignClient(MarketInvoker(market, treasury()))
    record = issuer.auctions.cut_off(AUCTION, [CutOffSpec(BILL, level=Decimal("98.0000"))])
    assert record.results[0].accepted == 550 * MILLION
    assert issuer.auctions.list()[0].auction_id == AUCTION
    (allotment,) = issuer.auctions.allotments(AUCTION)
    market.on(SETTLEMENT_DAY)
    registrar = SovereignClient(MarketInvoker(market, central_bank()))
    total = registrar.auctions.settle_in_full(AUCTION, 1)
    assert (total.settled, total.face, total.cash) == (1, 550 * MILLION, allotment.cash_amount)
    assert registrar.auctions.results(AUCTION).state == "SETTLED"


def test_issuance_outside_an_auction_is_paid_for_in_cash(market: Market) -> None:
    before = {a: cash(market, a) for a in ("SGL-ALPHA", "TREASURY-CASH")}
    record = market.ok(
        treasury(),
        "instrument:Issue",
        BILL,
        [
            {"account_id": "SGL-ALPHA", "amount": 100 * MILLION, "price_per_100": "98.0000"},
            {"account_id": "IPS-AYESHA", "amount": 10 * MILLION, "price_per_100": "98.0000"},
        ],
    )
    event = market.results[-1].event
    assert isinstance(record, dict)
    assert record["issued"] == 110 * MILLION
    paid = 110 * MILLION * 98 // 100  # a bill accrues nothing
    assert before["SGL-ALPHA"] - cash(market, "SGL-ALPHA") == paid  # the dealer pays for its client
    assert cash(market, "TREASURY-CASH") - before["TREASURY-CASH"] == paid
    assert event is not None
    assert json.loads(event.payload)["cash_paid"] == paid
    # Not enough cash: nothing is issued.
    poor = [{"account_id": "SGL-BETA", "amount": 2_000 * MILLION, "price_per_100": "98.0000"}]
    assert market.fails(treasury(), "instrument:Issue", BILL, poor) == "INSUFFICIENT_CASH"


def test_a_fixed_rental_sukuk_is_auctioned_in_yield_at_a_uniform_price(market: Market) -> None:
    from sovereign_assets.domain import DayCount
    from sovereign_assets.domain.pricing import CouponBond, bond_clean_price
    from sovereign_assets.domain.schedule import generate_schedule

    sukuk = {
        "instrument_id": "PK0000GIS005",
        "kind": "IJARA_SUKUK",
        "min_denomination": 100_000 * 100,
        "issue_date": "2021-08-19",
        "maturity_date": "2026-08-19",
        "day_count": "ACT/365F",
        "frequency": 2,
        "calendar_id": "PK-SBP",
        "rental_kind": "FIXED",
        "rental_rate": "0.0725",
        "underlying_asset": "M-2 motorway section",
    }
    market.ok(treasury(), "instrument:Create", sukuk)
    register_document(market, "SC-GIS5", "SHARIAH_CERTIFICATE", "PK0000GIS005")
    market.ok(central_bank(), "instrument:Approve", "PK0000GIS005")
    tenor = [{"instrument_id": "PK0000GIS005", "target": 1_000 * MILLION}]
    spec = announcement(auction_id="GIS-1", offerings=tenor, bid_basis="YIELD")
    assert market.fails(treasury(), "auction:Announce", spec | {"bid_basis": "PRICE"}) == (
        "INVALID_AUCTION"
    )
    record = market.ok(treasury(), "auction:Announce", spec)
    assert isinstance(record, dict)
    assert record["auction_type"] == "UNIFORM_PRICE"  # the sukuk default
    for who, bid_id, account, millions, level in (
        (dealer_alpha, "S1", "SGL-ALPHA", 300, "0.0950"),
        (dealer_beta, "S2", "SGL-BETA", 300, "0.0975"),
        (dealer_beta, "S3", "SGL-BETA", 600, "0.0990"),
    ):
        body = {
            "auction_id": "GIS-1", "bid_id": bid_id, "instrument_id": "PK0000GIS005",
            "account_id": account, "amount": millions * MILLION, "level": level,
        }  # fmt: skip
        market.ok(who(), "auction:PlaceBid", transient={"bid": json.dumps(body).encode()})
    market.ok(central_bank(), "auction:Close", "GIS-1")
    cut = [{"instrument_id": "PK0000GIS005", "level": "0.0975"}]
    result = market.ok(treasury(), "auction:CutOff", "GIS-1", cut)
    assert isinstance(result, dict)
    assert result["results"][0]["weighted_average_yield"] == "0.097500"
    allotments = market.query("auction:Allotments", "GIS-1")
    assert isinstance(allotments, list)
    assert {a["bid_id"]: a["amount"] // MILLION for a in allotments} == {"S1": 300, "S2": 300}
    periods = generate_schedule(dt.date(2021, 8, 19), dt.date(2026, 8, 19), 2)
    bond = CouponBond(Decimal("0.0725"), 2, periods, DayCount.ACT_365_FIXED)
    price = bond_clean_price(bond, SETTLEMENT_DAY, Decimal("0.0975"))
    assert {a["price_per_100"] for a in allotments} == {str(price)}  # uniform: the cut-off's
    assert price < Decimal(100)


# -- eligibility: at the bid, and again at settlement ----------------------------------


def _public_state(market: Market) -> dict[str, bytes]:
    return dict(market.ledger.scan(NAMESPACE, "", "", ""))


def _readable(key: str) -> str:
    return key.replace("\x00", "/")


def test_an_ineligible_bidder_is_refused_when_it_bids(market: Market) -> None:
    market.ok(central_bank(), "control:FreezeAccount", "IPS-AYESHA", order())
    assert (
        market.fails(dealer_alpha(), "auction:PlaceBid", transient=bid("N1", "IPS-AYESHA", 20))
        == "ACCOUNT_FROZEN"
    )
    # A client whose paying dealer account is frozen cannot bid either: nobody could pay.
    market.ok(central_bank(), "control:FreezeAccount", "SGL-BETA", order())
    assert (
        market.fails(dealer_beta(), "auction:PlaceBid", transient=bid("N2", "IPS-DANA", 10))
        == "ACCOUNT_FROZEN"
    )
    assert (
        market.fails(
            dealer_beta(), "auction:PlaceBid", transient=bid("B1", "SGL-BETA", 300, "97.9000")
        )
        == "ACCOUNT_FROZEN"
    )
    market.ok(central_bank(), "control:UnfreezeAccount", "IPS-AYESHA", order("RELEASE"))
    market.ok(dealer_alpha(), "auction:PlaceBid", transient=bid("N1", "IPS-AYESHA", 20))
    assert bids_seen(market, dealer_alpha()) == {"N1"}


def _cut_off(market: Market) -> list[dict[str, Any]]:
    place_book(market)
    market.ok(central_bank(), "auction:Close", AUCTION)
    market.ok(treasury(), "auction:CutOff", AUCTION, [{"instrument_id": BILL, "level": "97.8000"}])
    allotments = market.query("auction:Allotments", AUCTION)
    assert isinstance(allotments, list)
    return allotments


def test_settlement_closes_an_allotment_that_became_ineligible_and_settles_the_rest(
    market: Market,
) -> None:
    allotments = _cut_off(market)
    by_bid = {a["bid_id"]: a for a in allotments}
    # After the cut-off: Ayesha's account is frozen (N1), and dealer BETA's cash is
    # withdrawn down to less than B1 costs, though enough for B2 and B3 (settled first:
    # allotments settle in account then bid id order, B1 first).
    market.ok(central_bank(), "control:FreezeAccount", "IPS-AYESHA", order())
    beta_cash = cash(market, "SGL-BETA")
    keep = by_bid["B1"]["cash_amount"] - 1
    market.ok(central_bank(), "cash:Withdraw", "SGL-BETA", str(beta_cash - keep))
    market.on(SETTLEMENT_DAY)
    before = _public_state(market)
    batches = []
    while True:
        batch = market.ok(central_bank(), "auction:Settle", AUCTION, 4)
        assert isinstance(batch, dict)
        batches.append(batch)
        event = market.results[-1].event
        assert event is not None
        batch["event"] = json.loads(event.payload)
        if batch["done"]:
            break
    refused = {"N1": "ACCOUNT_FROZEN", "B1": "INSUFFICIENT_CASH"}
    assert sum(b["refused"] for b in batches) == 2
    assert sum(b["settled"] for b in batches) == 4
    assert [b["event"]["refused"] for b in batches] == [b["refused"] for b in batches]
    assert sum(b["event"]["face_refused"] for b in batches) == 320 * MILLION
    assert all(b"SGL-" not in json.dumps(b["event"]).encode() for b in batches)  # no account
    settled = [a for a in allotments if a["bid_id"] not in refused]
    paid = sum(a["cash_amount"] for a in settled)
    assert sum(b["cash"] for b in batches) == paid
    assert sum(b["face_refused"] for b in batches) == 320 * MILLION

    # The ledger after against the ledger before: the settled allotments' holdings and
    # cash moved; nothing at all for the refused ones.
    after = _public_state(market)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    holdings = {k for k in changed if k.startswith("holding/")}
    assert holdings == {f"holding/{BILL}/SGL-ALPHA", f"holding/{BILL}/SGL-BETA"}
    cash_keys = {_readable(k) for k in changed if k.startswith("\x00cash\x00")}
    assert cash_keys == {"/cash/SGL-ALPHA/", "/cash/SGL-BETA/", "/cash/TREASURY-CASH/"}
    beta_paid = by_bid["B2"]["cash_amount"] + by_bid["B3"]["cash_amount"]
    assert cash(market, "SGL-BETA") == keep - beta_paid  # B2 and B3, not B1
    rows = market.query("holding:ByInstrument", BILL)
    assert isinstance(rows, list)
    assert {r["account_id"]: r["amount"] // MILLION for r in rows} == {
        "SGL-ALPHA": 550, "SGL-BETA": 140,
    }  # fmt: skip
    rows_after = market.query("auction:Allotments", AUCTION)
    assert isinstance(rows_after, list)
    closed = {a["bid_id"]: a for a in rows_after}
    for bid_id, code in refused.items():
        assert closed[bid_id]["refusal"] == code
        assert closed[bid_id]["refused_on"] == SETTLEMENT_DAY.isoformat()
        assert closed[bid_id]["settled_on"] is None
    assert all(closed[a["bid_id"]]["refusal"] is None for a in settled)
    record = market.query("auction:Results", AUCTION)
    assert isinstance(record, dict)
    assert record["state"] == "SETTLED"
    assert (record["settled"], record["refused"]) == (4, 2)
    assert record["face_settled"] == 690 * MILLION
    assert record["face_refused"] == 320 * MILLION
    assert record["cash_settled"] == paid
    instrument = market.query("instrument:Get", BILL)
    assert isinstance(instrument, dict)
    assert instrument["issued"] == 690 * MILLION  # the refused 320 m stay unissued
    # Exactly once: the account thawed, the refused allotment is not settled after all.
    market.ok(central_bank(), "control:UnfreezeAccount", "IPS-AYESHA", order("RELEASE"))
    assert market.fails(central_bank(), "auction:Settle", AUCTION, 4) == "ALREADY_SETTLED"


def test_a_refusal_about_the_instrument_stops_the_batch_and_changes_nothing(
    market: Market,
) -> None:
    _cut_off(market)
    market.on(SETTLEMENT_DAY)
    market.ok(treasury(), "control:Halt", order("OPERATIONAL_INCIDENT"))
    before = _public_state(market)
    assert market.fails(central_bank(), "auction:Settle", AUCTION, 4) == "GLOBAL_PAUSE"
    assert _public_state(market) == before
    market.ok(treasury(), "control:Release", order("RELEASE"))
    assert market.ok(central_bank(), "auction:Settle", AUCTION, 10)["done"]  # type: ignore[index]


def test_the_cut_off_reads_the_dealer_index_not_every_account(
    market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sovereign_assets.contracts.repository import Repository

    for n in range(20):  # accounts that never bid cost the cut-off nothing
        spec = account_spec(
            f"IPS-X{n:03d}", "INVESTOR", "INV-AYESHA", "CentralBankMSP/alpha-ops", "SGL-ALPHA"
        )
        market.ok(dealer_alpha(), "account:Open", spec)
    place_book(market)
    market.ok(central_bank(), "auction:Close", AUCTION)

    def no_full_scan(self: Repository) -> list[object]:
        raise AssertionError("the cut-off scanned every account")

    monkeypatch.setattr(Repository, "accounts", no_full_scan)
    market.ok(treasury(), "auction:CutOff", AUCTION, [{"instrument_id": BILL, "level": "97.8000"}])
    reads = market.results[-1].reads
    accounts_read = {k for _, k in reads if k.startswith("\x00account\x00")}
    # The bidders' accounts (and their dealers'), nothing else.
    assert {_readable(k) for k in accounts_read} <= {
        f"/account/{a}/" for a in ("SGL-ALPHA", "SGL-BETA", "IPS-AYESHA", "IPS-DANA")
    }


# -- a margin auction sets the floater's margin ----------------------------------------

GIS_VAR = "PK0000GISV03"
GIS_TWIN = "PK0000GISV75"


def _variable_sukuk(instrument_id: str, margin_bps: int) -> dict[str, object]:
    return {
        "instrument_id": instrument_id,
        "kind": "IJARA_SUKUK",
        "min_denomination": 100_000 * 100,
        "issue_date": "2021-08-19",
        "maturity_date": "2024-08-19",
        "day_count": "ACT/365F",
        "frequency": 2,
        "calendar_id": "PK-SBP",
        "rental_kind": "VARIABLE",
        "benchmark_tenor_days": 182,
        "margin_bps": margin_bps,
        "underlying_asset": "Jinnah International Airport",
    }


def _create_sukuk(market: Market, spec: dict[str, object]) -> None:
    """Create a sukuk and register its Shariah certificate, as approval needs."""
    market.ok(treasury(), "instrument:Create", spec)
    instrument_id = str(spec["instrument_id"])
    register_document(market, f"SC-{instrument_id}", "SHARIAH_CERTIFICATE", instrument_id)


def test_a_margin_auction_writes_the_cut_off_margin_into_the_sukuk_and_its_rentals(
    market: Market,
) -> None:
    market.on(dt.date(2021, 8, 17))
    _create_sukuk(market, _variable_sukuk(GIS_VAR, 0))
    market.ok(central_bank(), "instrument:Approve", GIS_VAR)
    # The twin states 75 bps from the start and is issued directly: the benchmark.
    _create_sukuk(market, _variable_sukuk(GIS_TWIN, 75))
    market.ok(central_bank(), "instrument:Approve", GIS_TWIN)
    tenor = [{"instrument_id": GIS_VAR, "target": 600 * MILLION}]
    spec = announcement(auction_id="GISV-1", offerings=tenor, bid_basis="MARGIN")
    assert (
        market.fails(treasury(), "auction:Announce", spec | {"auction_type": "MULTIPLE_PRICE"})
        == "INVALID_AUCTION"
    )
    record = market.ok(treasury(), "auction:Announce", spec)
    assert isinstance(record, dict)
    assert record["auction_type"] == "UNIFORM_PRICE"
    market.on(AUCTION_DAY)
    for who, bid_id, account, millions, level in (
        (dealer_alpha, "V1", "SGL-ALPHA", 300, "50"),
        (dealer_beta, "V2", "SGL-BETA", 300, "75"),
        (dealer_beta, "V3", "SGL-BETA", 600, "90"),
    ):
        body = {
            "auction_id": "GISV-1", "bid_id": bid_id, "instrument_id": GIS_VAR,
            "account_id": account, "amount": millions * MILLION, "level": level,
        }  # fmt: skip
        market.ok(who(), "auction:PlaceBid", transient={"bid": json.dumps(body).encode()})
    market.ok(central_bank(), "auction:Close", "GISV-1")
    market.ok(treasury(), "auction:CutOff", "GISV-1", [{"instrument_id": GIS_VAR, "level": "75"}])
    sukuk = market.query("instrument:Get", GIS_VAR)
    assert isinstance(sukuk, dict)
    assert sukuk["spec"]["margin_bps"] == 75  # the cut-off, not the 0 it was created with
    allotments = market.query("auction:Allotments", "GISV-1")
    assert isinstance(allotments, list)
    assert {a["bid_id"] for a in allotments} == {"V1", "V2"}
    assert {Decimal(a["price_per_100"]) for a in allotments} == {Decimal(100)}  # at par
    assert {a["yield_rate"] for a in allotments} == {"75"}  # uniform: the cut-off margin
    market.on(SETTLEMENT_DAY)
    assert market.ok(central_bank(), "auction:Settle", "GISV-1", 10)["done"]  # type: ignore[index]
    twin = [
        {"account_id": "SGL-ALPHA", "amount": 300 * MILLION, "price_per_100": "100.0000"},
        {"account_id": "SGL-BETA", "amount": 300 * MILLION, "price_per_100": "100.0000"},
    ]
    market.ok(treasury(), "instrument:Issue", GIS_TWIN, twin)
    # A re-opening keeps the margin its holders bought: no second margin auction.
    market.on(dt.date(2021, 8, 20))
    again = announcement(
        auction_id="GISV-2",
        offerings=tenor,
        bid_basis="MARGIN",
        auction_date="2021-08-20",
        settlement_date="2021-08-23",
    )
    assert market.fails(treasury(), "auction:Announce", again) == "INVALID_AUCTION"

    # The first rental, through the payment path: benchmark + the auction's margin.
    market.ok(
        central_bank(),
        "lifecycle:RecordBillAuction",
        {"tenor_days": 182, "auction_date": "2021-08-18", "weighted_average_yield": "0.0740"},
    )
    for instrument_id in (GIS_VAR, GIS_TWIN):
        fixed = market.ok(central_bank(), "lifecycle:ResolveFixing", instrument_id, "2022-02-19")
        assert isinstance(fixed, dict)
        assert fixed["rate"] == "0.0740"
    market.on(dt.date(2022, 2, 21))  # 19 February 2022 is a Saturday
    paid = market.ok(treasury(), "lifecycle:PayCoupon", GIS_VAR, "2022-02-21", "10")
    twin_paid = market.ok(treasury(), "lifecycle:PayCoupon", GIS_TWIN, "2022-02-21", "10")
    assert isinstance(paid, dict)
    assert isinstance(twin_paid, dict)
    assert paid["gross"] == twin_paid["gross"]
    # (7.40 % + 0.75 %) x 184 / 365 (Act/365 rental) on PKR 600 million, half up.
    exact_rental = 600 * MILLION * Fraction(815, 10_000) * Fraction(184, 365)
    assert paid["gross"] == int(exact_rental + Fraction(1, 2)) == 2_465_095_890
