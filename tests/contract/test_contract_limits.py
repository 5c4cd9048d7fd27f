"""Limits: the non-resident cap of an instrument over all non-resident holdings (an
exact aggregate every path keeps), the issuance programme's cap on total issued face
(every issuance path, auctions included), and the dry run reporting every failing
reason. Every refusal leaves the ledger byte for byte as it was (``Market.fails``)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest

from sovereign_assets.domain import converted_cap
from sovereign_assets.domain.examples import PAKISTAN_PILOT_PROGRAMME_CONFIG
from sovereign_client import SovereignClient
from sovereign_client.errors import OverNonResidentLimitError, OverProgrammeLimitError

from .market import (
    Market,
    central_bank,
    central_bank_admin,
    dealer_alpha,
    dealer_beta,
    exchange,
    governance_config,
    treasury,
)
from .scenario import (
    BILL,
    BOND,
    MILLION,
    account_spec,
    bill_spec,
    bond_spec,
    bootstrap,
    investor_spec,
    order,
)
from .test_contract_auctions import AUCTION, SETTLEMENT_DAY, announcement, place_book
from .test_contract_typed_client import MarketInvoker

NR_CAP = 30 * MILLION
NON_RESIDENTS = ("IPS-CHEN", "IPS-FARID")


def nr_market() -> Market:
    """The bond with a non-resident cap of PKR 30 m, issued to the two dealers; a second
    non-resident client (INV-FARID under the alpha bank)."""
    market = Market()
    bootstrap(market)
    farid = investor_spec("INV-CHEN") | {"investor_id": "INV-FARID"}
    market.register(dealer_alpha(), farid, b"{}")
    market.ok(
        dealer_alpha(),
        "account:Open",
        account_spec("IPS-FARID", "INVESTOR", "INV-FARID", "CentralBankMSP/alpha-ops", "SGL-ALPHA"),
    )
    market.on(dt.date(2021, 8, 17))
    market.ok(treasury(), "instrument:Create", bond_spec() | {"non_resident_limit": NR_CAP})
    market.ok(central_bank(), "instrument:Approve", BOND)
    market.on(dt.date(2021, 8, 19))
    market.ok(
        treasury(),
        "instrument:Issue",
        BOND,
        [
            {"account_id": "SGL-ALPHA", "amount": 300 * MILLION, "price_per_100": "100.0000"},
            {"account_id": "SGL-BETA", "amount": 200 * MILLION, "price_per_100": "100.0000"},
        ],
    )
    market.on(dt.date(2021, 8, 20))
    return market


@pytest.fixture(scope="module")
def nr_template() -> Market:
    return nr_market()


@pytest.fixture
def nr(nr_template: Market) -> Market:
    return copy.deepcopy(nr_template)


def limits(market: Market, instrument_id: str = BOND) -> dict[str, object]:
    found = market.query("instrument:Limits", instrument_id)
    assert isinstance(found, dict)
    return found


def non_resident_total(market: Market) -> int:
    """The aggregate as a scan would count it (what the ledger must keep without one)."""
    rows = market.query("holding:ByInstrument", BOND)
    assert isinstance(rows, list)
    return sum(int(r["amount"]) for r in rows if r["account_id"] in NON_RESIDENTS)


def transfer(market: Market, sender: bytes, frm: str, to: str, amount: int) -> None:
    market.ok(sender, "holding:Transfer", BOND, frm, to, str(amount))
    assert limits(market)["non_resident_held"] == non_resident_total(market)


def test_non_residents_together_stay_under_the_cap(nr: Market) -> None:
    assert limits(nr) == {
        "instrument_id": BOND,
        "holding_limit": None,
        "non_resident_limit": NR_CAP,
        "non_resident_held": 0,
        "programme_id": None,
        "programme_cap": None,
        "programme_issued": None,
    }
    transfer(nr, dealer_beta(), "SGL-BETA", "IPS-CHEN", 20 * MILLION)
    transfer(nr, dealer_alpha(), "SGL-ALPHA", "IPS-FARID", 10 * MILLION)
    assert limits(nr)["non_resident_held"] == NR_CAP
    # A resident selling to a non-resident past the cap: refused, nothing written.
    assert (
        nr.fails(dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-FARID", str(MILLION))
        == "OVER_NON_RESIDENT_LIMIT"
    )
    # Between two non-residents the total does not change: allowed at the cap.
    transfer(nr, dealer_beta(), "IPS-CHEN", "IPS-FARID", 5 * MILLION)
    # A non-resident selling to a resident makes room.
    transfer(nr, dealer_beta(), "IPS-CHEN", "SGL-BETA", 5 * MILLION)
    assert limits(nr)["non_resident_held"] == 25 * MILLION
    transfer(nr, dealer_alpha(), "SGL-ALPHA", "IPS-FARID", 5 * MILLION)
    assert limits(nr)["non_resident_held"] == NR_CAP


def test_every_path_into_a_holding_keeps_the_cap(nr: Market) -> None:
    transfer(nr, dealer_beta(), "SGL-BETA", "IPS-CHEN", 25 * MILLION)
    # A new issue straight to a non-resident.
    assert (
        nr.fails(
            treasury(),
            "instrument:Issue",
            BOND,
            [{"account_id": "IPS-FARID", "amount": 10 * MILLION, "price_per_100": "100.0000"}],
        )
        == "OVER_NON_RESIDENT_LIMIT"
    )
    # Two allotments of one issue that each fit but not together: the save refuses.
    assert (
        nr.fails(
            treasury(),
            "instrument:Issue",
            BOND,
            [
                {"account_id": "IPS-FARID", "amount": 3 * MILLION, "price_per_100": "100.0000"},
                {"account_id": "IPS-CHEN", "amount": 3 * MILLION, "price_per_100": "100.0000"},
            ],
        )
        == "OVER_NON_RESIDENT_LIMIT"
    )
    nr.ok(
        treasury(),
        "instrument:Issue",
        BOND,
        [{"account_id": "IPS-FARID", "amount": 5 * MILLION, "price_per_100": "100.0000"}],
    )
    assert limits(nr)["non_resident_held"] == NR_CAP == non_resident_total(nr)
    # Delivery versus payment: instructed, matched, refused at settlement.
    nr.ok(central_bank(), "cash:Mint", "IPS-FARID", str(50 * MILLION))
    nr.ok(
        dealer_alpha(),
        "settlement:Instruct",
        {
            "instruction_id": "TRD-NR",
            "instrument_id": BOND,
            "seller_account": "SGL-ALPHA",
            "buyer_account": "IPS-FARID",
            "quantity": MILLION,
            "price_per_100": "100",
            "settlement_date": "2021-08-20",
        },
    )
    nr.ok(exchange(), "settlement:Match", "TRD-NR")
    assert nr.fails(exchange(), "settlement:Settle", "TRD-NR") == "OVER_NON_RESIDENT_LIMIT"


def test_the_dry_run_reports_every_failing_reason(nr: Market) -> None:
    transfer(nr, dealer_beta(), "SGL-BETA", "IPS-CHEN", NR_CAP)
    nr.ok(central_bank(), "control:FreezeAccount", "IPS-FARID", order("SANCTIONS"))
    check = nr.ok(
        dealer_alpha(),
        "investor:CheckTransfer",
        BOND,
        "SGL-ALPHA",
        "IPS-FARID",
        str(1_000 * MILLION + 7),
        commit=False,
    )
    assert check == {
        "allowed": False,
        "reason": "NOT_MULTIPLE_OF_DENOMINATION",
        "reasons": [
            "NOT_MULTIPLE_OF_DENOMINATION",
            "ACCOUNT_FROZEN",
            "INSUFFICIENT_HOLDING",
            "OVER_NON_RESIDENT_LIMIT",
        ],
    }
    unknown = nr.ok(
        dealer_alpha(), "investor:CheckTransfer", "PK-NONE", "NOBODY", "NOONE", "1", commit=False
    )
    assert unknown == {
        "allowed": False,
        "reason": "UNKNOWN_INSTRUMENT",
        "reasons": ["UNKNOWN_INSTRUMENT", "UNKNOWN_ACCOUNT"],
    }


def test_the_typed_client_raises_the_typed_errors(nr: Market) -> None:
    transfer(nr, dealer_beta(), "SGL-BETA", "IPS-CHEN", NR_CAP)
    client = SovereignClient(MarketInvoker(nr, dealer_alpha()))
    check = client.investors.check_transfer(BOND, "SGL-ALPHA", "IPS-FARID", MILLION)
    assert (check.allowed, check.reasons) == (False, ["OVER_NON_RESIDENT_LIMIT"])
    with pytest.raises(OverNonResidentLimitError):
        client.holdings.transfer(BOND, "SGL-ALPHA", "IPS-FARID", MILLION)
    found = client.instruments.limits(BOND)
    assert (found.non_resident_limit, found.non_resident_held) == (NR_CAP, NR_CAP)


# -- the issuance programme ------------------------------------------------------------

RATE = Decimal("281.4250")
USD_2M = 2_000_000 * 100  # cents
PROGRAMME = {
    "programme_id": "PK-PILOT-TEST",
    "reference_currency": "USD",
    "reference_amount": USD_2M,
    "exchange_rate": str(RATE),
    "rate_source": "test rate",
    "rate_date": "2021-08-16",
    "cap": converted_cap(USD_2M, RATE),  # PKR 562.85 m
}


def test_the_cap_is_the_reference_amount_at_the_stated_rate() -> None:
    assert PROGRAMME["cap"] == 562_850_000 * 100
    seed = PAKISTAN_PILOT_PROGRAMME_CONFIG
    assert seed["cap"] == converted_cap(
        int(str(seed["reference_amount"])), Decimal(str(seed["exchange_rate"]))
    )
    assert seed["cap"] == 562_850_000_000 * 100  # USD 2 bn at 281.4250
    market = Market()
    wrong = PROGRAMME | {"cap": int(str(PROGRAMME["cap"])) + 1}
    assert (
        market.fails(
            central_bank_admin(),
            "governance:Bootstrap",
            governance_config(issuance_programme=wrong),
        )
        == "INVALID_TERMS"
    )


def programme_market() -> Market:
    market = Market()
    bootstrap(market, issuance_programme=PROGRAMME)
    for account in ("SGL-ALPHA", "SGL-BETA"):  # what the bidders pay with
        market.ok(central_bank(), "cash:Mint", account, str(1_000 * MILLION))
    market.on(dt.date(2021, 8, 17))
    market.ok(treasury(), "instrument:Create", bill_spec())
    market.ok(treasury(), "instrument:Create", bond_spec())
    market.ok(central_bank(), "instrument:Approve", BILL)
    market.ok(central_bank(), "instrument:Approve", BOND)
    market.on(dt.date(2021, 8, 18))
    return market


def test_every_issuance_counts_towards_the_programme_cap() -> None:
    market = programme_market()
    market.ok(
        treasury(),
        "instrument:Issue",
        BILL,
        [{"account_id": "SGL-ALPHA", "amount": 300 * MILLION, "price_per_100": "97.8000"}],
    )
    assert limits(market, BILL)["programme_issued"] == 300 * MILLION
    assert (
        market.fails(
            treasury(),
            "instrument:Issue",
            BOND,
            [{"account_id": "SGL-BETA", "amount": 300 * MILLION, "price_per_100": "100.0000"}],
        )
        == "OVER_PROGRAMME_LIMIT"
    )
    market.ok(
        treasury(),
        "instrument:Issue",
        BOND,
        [{"account_id": "SGL-BETA", "amount": 250 * MILLION, "price_per_100": "100.0000"}],
    )
    assert limits(market, BOND)["programme_issued"] == 550 * MILLION
    # An auction's settlement is an issuance too: PKR 20 m more would pass PKR 562.85 m.
    market.ok(treasury(), "auction:Announce", announcement(auction_date="2021-08-18"))
    place_book(market)
    market.ok(central_bank(), "auction:Close", AUCTION)
    market.ok(treasury(), "auction:CutOff", AUCTION, [{"instrument_id": BILL, "level": "97.8000"}])
    market.on(SETTLEMENT_DAY)
    assert market.fails(central_bank(), "auction:Settle", AUCTION, 20) == "OVER_PROGRAMME_LIMIT"
    assert limits(market, BILL)["programme_issued"] == 550 * MILLION
    client = SovereignClient(MarketInvoker(market, central_bank()))
    with pytest.raises(OverProgrammeLimitError):
        client.auctions.settle(AUCTION, 20)
