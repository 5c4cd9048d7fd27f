"""Commodity reserve tokens redeem in whole bars: ``lifecycle:RedeemBars`` retires the
bars' exact weight of tokens and releases the bars to the account in one transaction;
``instrument:Bars`` shows each bar's state; supply is always backed by allocated bars."""

from __future__ import annotations

import copy
import json

import pytest

from .market import (
    CENTRAL_BANK,
    EXCHANGE,
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    exchange,
    identity,
    treasury,
)
from .scenario import bootstrap, order, register_document

GOLD = "PK0000XAU001"
KILO_TOLA_BAR = 11_663_800  # 1,000 tola = 11,663.8 g, in mg
KILO_BAR = 1_000_000


def bar(serial: str, weight_mg: int) -> dict[str, object]:
    return {
        "serial": serial,
        "weight_mg": weight_mg,
        "fineness": 9990,
        "fineness_scale": 10000,
        "vault_id": "KHI-1",
    }


GOLD_SPEC = {
    "instrument_id": GOLD,
    "kind": "COMMODITY_RESERVE",
    "min_denomination": 1000,  # 1 gram
    "commodity": "XAU",
    "bars": [
        bar("SBP-0001", KILO_TOLA_BAR),
        bar("SBP-0002", KILO_BAR),
        bar("SBP-0003", KILO_BAR),
        bar("SBP-0004", KILO_BAR),
    ],
}


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    market.ok(treasury(), "instrument:Create", GOLD_SPEC)
    assert market.fails(central_bank(), "instrument:Approve", GOLD) == "VAULT_ATTESTATION_REQUIRED"
    register_document(market, "VA-KHI-1", "VAULT_ATTESTATION", GOLD)
    market.ok(central_bank(), "instrument:Approve", GOLD)
    market.ok(
        treasury(),
        "instrument:Issue",
        GOLD,
        [
            {"account_id": "SGL-ALPHA", "amount": 12_664_000},
            {"account_id": "SGL-BETA", "amount": 1_000_000},
        ],
    )
    # A client of dealer ALPHA holds gold too (the dealer controls the sub-account).
    market.ok(dealer_alpha(), "holding:Transfer", GOLD, "SGL-ALPHA", "IPS-AYESHA", "1000000")
    return market


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def holdings(market: Market) -> dict[str, int]:
    found = market.query("holding:ByInstrument", GOLD)
    assert isinstance(found, list)
    return {h["account_id"]: h["amount"] for h in found}


def instrument(market: Market) -> dict[str, object]:
    found = market.query("instrument:Get", GOLD)
    assert isinstance(found, dict)
    return found


def assert_conserved(market: Market) -> None:
    """Sum of holdings == issued - redeemed (mg), and the outstanding supply never
    exceeds the weight of the bars still allocated."""
    record = instrument(market)
    issued, redeemed = record["issued"], record["redeemed"]
    assert isinstance(issued, int)
    assert isinstance(redeemed, int)
    assert sum(holdings(market).values()) == issued - redeemed
    bars = market.query("instrument:Bars", GOLD)
    assert isinstance(bars, list)
    allocated = sum(b["weight_mg"] for b in bars if b["state"] == "ALLOCATED")
    assert issued - redeemed <= allocated


def test_redeem_a_bar_retires_its_exact_weight_and_releases_it(market: Market) -> None:
    assert_conserved(market)
    result = market.ok(dealer_alpha(), "lifecycle:RedeemBars", GOLD, "SGL-ALPHA", ["SBP-0001"])
    event = market.results[-1].event
    assert result == {
        "instrument_id": GOLD,
        "account_id": "SGL-ALPHA",
        "serials": ["SBP-0001"],
        "retired": KILO_TOLA_BAR,
        "holding": 200,  # 11,664,000 mg held (whole grams) - 11,663,800 mg of bar
        "redeemed": KILO_TOLA_BAR,
    }
    assert holdings(market) == {
        "SGL-ALPHA": 200,
        "SGL-BETA": 1_000_000,
        "IPS-AYESHA": 1_000_000,
    }
    assert instrument(market)["redeemed"] == KILO_TOLA_BAR
    assert market.query("instrument:Bars", GOLD) == [
        {
            "serial": "SBP-0001",
            "weight_mg": KILO_TOLA_BAR,
            "fineness": 9990,
            "fineness_scale": 10000,
            "vault_id": "KHI-1",
            "state": "RELEASED",
            "released_to": "SGL-ALPHA",
            "released_on": "2021-08-16",
        },
        bar("SBP-0002", KILO_BAR)
        | {"state": "ALLOCATED", "released_to": None, "released_on": None},
        bar("SBP-0003", KILO_BAR)
        | {"state": "ALLOCATED", "released_to": None, "released_on": None},
        bar("SBP-0004", KILO_BAR)
        | {"state": "ALLOCATED", "released_to": None, "released_on": None},
    ]
    assert_conserved(market)
    assert event is not None
    assert event.name == "BarsRedeemed"
    assert json.loads(event.payload) == {  # every member receives it: no account
        "instrument_id": GOLD,
        "serials": ["SBP-0001"],
        "retired": KILO_TOLA_BAR,
    }
    assert "pii" not in event.payload.decode()
    assert "Ayesha" not in event.payload.decode()


def test_a_bank_redeems_for_its_client_and_a_whole_holding_empties(market: Market) -> None:
    result = market.ok(dealer_alpha(), "lifecycle:RedeemBars", GOLD, "IPS-AYESHA", ["SBP-0002"])
    assert isinstance(result, dict)
    assert (result["retired"], result["holding"]) == (KILO_BAR, 0)
    assert "IPS-AYESHA" not in holdings(market)  # a zero holding is deleted
    result = market.ok(dealer_beta(), "lifecycle:RedeemBars", GOLD, "SGL-BETA", ["SBP-0003"])
    assert isinstance(result, dict)
    assert result["redeemed"] == 2 * KILO_BAR
    assert_conserved(market)


def test_two_bars_in_one_transaction(market: Market) -> None:
    market.ok(dealer_alpha(), "holding:Transfer", GOLD, "SGL-ALPHA", "SGL-BETA", "1000000")
    result = market.ok(
        dealer_beta(), "lifecycle:RedeemBars", GOLD, "SGL-BETA", ["SBP-0003", "SBP-0002"]
    )
    assert isinstance(result, dict)
    assert (result["serials"], result["retired"], result["holding"]) == (
        ["SBP-0002", "SBP-0003"],
        2 * KILO_BAR,
        0,
    )
    assert_conserved(market)


def test_refusals_change_nothing(market: Market) -> None:
    redeem = "lifecycle:RedeemBars"
    assert market.fails(dealer_alpha(), redeem, GOLD, "SGL-ALPHA", ["SBP-9999"]) == "UNKNOWN_BAR"
    assert market.fails(dealer_alpha(), redeem, GOLD, "SGL-ALPHA", []) == "NOT_WHOLE_BARS"
    assert (
        market.fails(dealer_alpha(), redeem, GOLD, "SGL-ALPHA", ["SBP-0002", "SBP-0002"])
        == "NOT_WHOLE_BARS"
    )
    # BETA holds 1,000,000 mg: one kilo bar, not two, and not the 11.66 kg bar.
    assert (
        market.fails(dealer_beta(), redeem, GOLD, "SGL-BETA", ["SBP-0002", "SBP-0003"])
        == "INSUFFICIENT_HOLDING"
    )
    assert (
        market.fails(dealer_beta(), redeem, GOLD, "SGL-BETA", ["SBP-0001"])
        == "INSUFFICIENT_HOLDING"
    )
    market.ok(dealer_beta(), redeem, GOLD, "SGL-BETA", ["SBP-0002"])
    assert (
        market.fails(dealer_alpha(), redeem, GOLD, "SGL-ALPHA", ["SBP-0002"])
        == "BAR_ALREADY_RELEASED"
    )
    assert market.fails(dealer_alpha(), redeem, GOLD, "NOBODY", ["SBP-0003"]) == "UNKNOWN_ACCOUNT"
    assert (
        market.fails(dealer_alpha(), redeem, "PK0000NOPE01", "SGL-ALPHA", ["SBP-0003"])
        == "UNKNOWN_INSTRUMENT"
    )
    assert market.fails(dealer_alpha(), redeem, GOLD, "SGL-ALPHA", "SBP-0003") == (
        "INVALID_ARGUMENT"  # serials is a JSON array
    )
    assert_conserved(market)


def test_a_bond_holder_gets_no_bars(market: Market) -> None:
    bond = {
        "instrument_id": "PK0000PIB033",
        "kind": "FIXED_RATE_BOND",
        "min_denomination": 10_000_000,
        "issue_date": "2021-08-19",
        "maturity_date": "2024-08-19",
        "day_count": "ACT/ACT-ICMA",
        "frequency": 2,
        "calendar_id": "PK-SBP",
        "coupon_rate": "0.07",
    }
    market.ok(treasury(), "instrument:Create", bond)
    assert market.query("instrument:Bars", "PK0000PIB033") == []
    assert (
        market.fails(dealer_alpha(), "lifecycle:RedeemBars", "PK0000PIB033", "SGL-ALPHA", ["B"])
        == "EVENT_NOT_APPLICABLE"
    )
    # The batch redemption of debt does not apply to bars either.
    assert market.fails(treasury(), "lifecycle:Redeem", GOLD, "10") == "EVENT_NOT_APPLICABLE"


def test_stops_apply_to_deliveries(market: Market) -> None:
    redeem = ("lifecycle:RedeemBars", GOLD, "SGL-ALPHA", ["SBP-0002"])
    market.ok(central_bank(), "control:PauseInstrument", GOLD, order())
    assert market.fails(dealer_alpha(), *redeem) == "INSTRUMENT_PAUSED"
    market.ok(treasury(), "control:ResumeInstrument", GOLD, order("RELEASE"))
    market.ok(central_bank(), "control:FreezeAccount", "SGL-ALPHA", order())
    assert market.fails(dealer_alpha(), *redeem) == "ACCOUNT_FROZEN"
    market.ok(central_bank(), "control:UnfreezeAccount", "SGL-ALPHA", order("RELEASE"))
    # A frozen part of the holding is not free to redeem for bars: SBP-0002 weighs 1 kg,
    # ALPHA holds 11.664 kg, of which 11 kg frozen leaves 664 g free.
    market.ok(central_bank(), "control:FreezeHolding", GOLD, "SGL-ALPHA", "11000000", order())
    assert market.fails(dealer_alpha(), *redeem) == "INSUFFICIENT_HOLDING"
    market.ok(
        central_bank(), "control:UnfreezeHolding", GOLD, "SGL-ALPHA", "11000000", order("RELEASE")
    )
    market.ok(treasury(), "control:Halt", order("OPERATIONAL_INCIDENT"))
    assert market.fails(dealer_alpha(), *redeem) == "GLOBAL_PAUSE"


def test_a_released_bar_backs_no_new_issue(market: Market) -> None:
    market.ok(dealer_alpha(), "lifecycle:RedeemBars", GOLD, "SGL-ALPHA", ["SBP-0001"])
    # Outstanding now 200 + 1,000,000 + 1,000,000 mg against 3,000,000 mg of bars still
    # allocated: the 11.66 kg that left the vault no longer counts.
    one_kilo = [{"account_id": "SGL-BETA", "amount": KILO_BAR}]
    assert market.fails(treasury(), "instrument:Issue", GOLD, one_kilo) == "INVALID_AMOUNT"
    market.ok(treasury(), "instrument:Issue", GOLD, [{"account_id": "SGL-BETA", "amount": 999_000}])
    assert_conserved(market)


def stranger_dealer() -> bytes:
    """Same org and role as the controller, another enrollment: controls nothing."""
    return identity(CENTRAL_BANK, "gamma-ops", "primary_dealer")


def rogue_with_the_name() -> bytes:
    """The controller's enrollment id under another organisation."""
    return identity(EXCHANGE, "alpha-ops", "primary_dealer")


@pytest.mark.parametrize(
    "caller",
    [dealer_beta, stranger_dealer, rogue_with_the_name, treasury, central_bank, exchange],
)
def test_only_the_account_controller_redeems(market: Market, caller: object) -> None:
    assert callable(caller)
    code = market.fails(caller(), "lifecycle:RedeemBars", GOLD, "SGL-ALPHA", ["SBP-0002"])
    assert code == "UNAUTHORIZED"
