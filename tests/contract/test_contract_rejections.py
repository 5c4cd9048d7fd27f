"""Bad requests: each gets its stable code and leaves the ledger exactly as it was
(``Market.fails`` compares a full snapshot before and after)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from sovereign_assets.contracts import ALL_CODES
from sovereign_assets.domain import ErrorCode, Layer

from .market import (
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    exchange,
    pii_transient,
    snapshot,
    treasury,
)
from .scenario import (
    BILL,
    BOND,
    BOND_DENOMINATION,
    MILLION,
    bond_spec,
    bootstrap,
    create_and_issue,
    distribute,
    investor_spec,
    order,
    register_document,
)


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    return market


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def trade(**overrides: object) -> dict[str, object]:
    spec: dict[str, object] = {
        "instruction_id": "TRD-BAD",
        "instrument_id": BOND,
        "seller_account": "SGL-ALPHA",
        "buyer_account": "SGL-BETA",
        "quantity": 10 * MILLION,
        "price_per_100": "99.1000",
        "settlement_date": "2021-08-23",
    }
    spec.update(overrides)
    return spec


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "INVALID_AMOUNT"),
        ("-10000000", "INVALID_AMOUNT"),
        ("10000001", "NOT_MULTIPLE_OF_DENOMINATION"),
        ("ten", "INVALID_ARGUMENT"),
        ("1.5", "INVALID_ARGUMENT"),
    ],
)
def test_transfer_amounts(market: Market, amount: str, code: str) -> None:
    assert (
        market.fails(dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", amount)
        == code
    )


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (0, "INVALID_AMOUNT"),
        (-BOND_DENOMINATION, "INVALID_AMOUNT"),
        (123, "NOT_MULTIPLE_OF_DENOMINATION"),
    ],
)
def test_issue_amounts(market: Market, amount: int, code: str) -> None:
    allotments = [
        {"account_id": "SGL-ALPHA", "amount": BOND_DENOMINATION, "price_per_100": "99.0000"},
        {"account_id": "SGL-BETA", "amount": amount, "price_per_100": "99.0000"},
    ]
    assert market.fails(treasury(), "instrument:Issue", BOND, allotments) == code


def test_debt_is_never_issued_free(market: Market) -> None:
    """A private placement of debt states the price it is paid at; only a commodity token
    (minted for bars already in the reserve) takes none."""
    before = market.query("instrument:Get", BOND)
    priceless = [{"account_id": "SGL-ALPHA", "amount": BOND_DENOMINATION}]
    assert market.fails(treasury(), "instrument:Issue", BOND, priceless) == "PRICE_REQUIRED"
    one_priced = [
        {"account_id": "SGL-ALPHA", "amount": BOND_DENOMINATION, "price_per_100": "99.0000"},
        *priceless,
    ]
    assert market.fails(treasury(), "instrument:Issue", BOND, one_priced) == "PRICE_REQUIRED"
    assert market.query("instrument:Get", BOND) == before  # nothing issued


def test_unknown_things(market: Market) -> None:
    assert (
        market.fails(
            dealer_alpha(), "holding:Transfer", "PK0000NOPE01", "SGL-ALPHA", "SGL-BETA", "10000000"
        )
        == "UNKNOWN_INSTRUMENT"
    )
    assert (
        market.fails(dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "NOBODY", "10000000")
        == "UNKNOWN_ACCOUNT"
    )
    assert (
        market.fails(
            treasury(),
            "instrument:Issue",
            BOND,
            [{"account_id": "NOBODY", "amount": BOND_DENOMINATION}],
        )
        == "UNKNOWN_ACCOUNT"
    )
    assert market.fails(exchange(), "settlement:Match", "TRD-NONE") == "NOT_FOUND"
    assert (
        market.fails(dealer_alpha(), "holding:Transfer", BOND, "SGL/ALPHA", "SGL-BETA", "10000000")
        == "INVALID_ARGUMENT"
    )


def test_matured_instrument(market: Market) -> None:
    market.on(dt.date(2022, 8, 18))
    assert (
        market.fails(dealer_beta(), "holding:Transfer", BILL, "SGL-BETA", "IPS-DANA", "500000")
        == "INSTRUMENT_MATURED"
    )
    assert (
        market.fails(
            treasury(), "instrument:Issue", BILL, [{"account_id": "SGL-ALPHA", "amount": 500000}]
        )
        == "INSTRUMENT_MATURED"
    )


def test_settlement_inputs(market: Market) -> None:
    market.on(dt.date(2021, 8, 23))
    assert (
        market.fails(dealer_alpha(), "settlement:Instruct", trade(settlement_date="2021-08-20"))
        == "SETTLEMENT_DATE_IN_PAST"
    )
    assert (
        market.fails(dealer_alpha(), "settlement:Instruct", trade(quantity=0)) == "INVALID_AMOUNT"
    )
    assert (
        market.fails(dealer_alpha(), "settlement:Instruct", trade(quantity=5))
        == "NOT_MULTIPLE_OF_DENOMINATION"
    )
    assert (
        market.fails(dealer_alpha(), "settlement:Instruct", trade(settlement_date="23/08/2021"))
        == "INVALID_ARGUMENT"
    )
    assert (
        market.fails(dealer_alpha(), "settlement:Instruct", trade(price_per_100=99.1))
        == "INVALID_ARGUMENT"
    )
    assert (
        market.fails(dealer_alpha(), "settlement:Instruct", trade(buyer_account="SGL-ALPHA"))
        == "SAME_ACCOUNT"
    )
    assert market.fails(dealer_alpha(), "settlement:Instruct", "{not json") == "INVALID_ARGUMENT"
    assert (
        market.fails(dealer_alpha(), "settlement:Instruct", '{"instruction_id": "X"}')
        == "INVALID_ARGUMENT"
    )
    market.ok(dealer_alpha(), "settlement:Instruct", trade())
    assert market.fails(dealer_alpha(), "settlement:Instruct", trade()) == "ALREADY_EXISTS"
    assert market.fails(dealer_alpha(), "settlement:Affirm", "TRD-BAD") == "ALREADY_AFFIRMED"


def test_insufficient_holding_and_cash(market: Market) -> None:
    market.on(dt.date(2021, 8, 23))
    assert (
        market.fails(
            dealer_alpha(), "holding:Transfer", BOND, "IPS-BILAL", "IPS-AYESHA", str(6 * MILLION)
        )
        == "INSUFFICIENT_HOLDING"
    )
    # IPS-BILAL holds no cash: the trade matches but cannot settle, and nothing moves.
    market.ok(
        dealer_alpha(),
        "settlement:Instruct",
        trade(
            seller_account="IPS-AYESHA",
            buyer_account="IPS-BILAL",
            quantity=BOND_DENOMINATION,
            settlement_date="2021-08-23",
        ),
    )
    market.ok(dealer_alpha(), "settlement:Affirm", "TRD-BAD")
    assert market.fails(dealer_alpha(), "settlement:Settle", "TRD-BAD") == "INSUFFICIENT_CASH"
    assert market.fails(central_bank(), "cash:Withdraw", "IPS-BILAL", "1") == "INSUFFICIENT_CASH"
    assert market.fails(central_bank(), "cash:Mint", "SGL-ALPHA", "0") == "INVALID_AMOUNT"


def test_settling_a_cancelled_instruction(market: Market) -> None:
    market.ok(dealer_alpha(), "settlement:Instruct", trade(settlement_date="2021-08-20"))
    market.ok(dealer_beta(), "settlement:Cancel", "TRD-BAD")
    assert market.fails(dealer_beta(), "settlement:Settle", "TRD-BAD") == "INVALID_TRANSITION"
    assert market.fails(dealer_beta(), "settlement:Affirm", "TRD-BAD") == "INVALID_TRANSITION"


def test_paying_a_period_twice_and_paying_short(market: Market) -> None:
    market.on(dt.date(2022, 2, 21))
    assert (
        market.fails(treasury(), "lifecycle:PayCoupon", BOND, "2022-08-19", "10")
        == "EVENT_NOT_APPLICABLE"
    )
    assert (
        market.fails(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "0") == "INVALID_AMOUNT"
    )
    assert market.fails(treasury(), "lifecycle:Redeem", BOND, "10") == "EVENT_NOT_APPLICABLE"
    market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "100")
    assert (
        market.fails(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "100") == "ALREADY_PAID"
    )


def test_a_failing_transaction_discards_the_writes_it_made(market: Market) -> None:
    """PayCoupon writes the claims of the first holders before it finds the treasury
    short for a later one: the runtime discards every write of the failed transaction
    (as a peer does not endorse it), so no claim, no cash and no run survive."""
    market.ok(central_bank(), "cash:Withdraw", "TREASURY-CASH", str(2_000 * MILLION - 1_000_000_00))
    market.on(dt.date(2022, 2, 21))
    assert (
        market.fails(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "100")
        == "INSUFFICIENT_CASH"
    )
    assert market.query("lifecycle:Claims", BOND, "2022-02-19") == []


def test_instrument_lifecycle_rules(market: Market) -> None:
    draft = bond_spec() | {"instrument_id": "PK0000PIB555"}
    market.ok(treasury(), "instrument:Create", draft)
    assert market.fails(treasury(), "instrument:Create", draft) == "ALREADY_EXISTS"
    assert (
        market.fails(
            treasury(),
            "instrument:Issue",
            "PK0000PIB555",
            [{"account_id": "SGL-ALPHA", "amount": BOND_DENOMINATION}],
        )
        == "INVALID_TRANSITION"
    )
    assert (
        market.fails(treasury(), "instrument:Create", bond_spec() | {"instrument_id": "BAD-ID"})
        == "INVALID_TERMS"
    )
    assert (
        market.fails(
            treasury(),
            "instrument:Create",
            bond_spec() | {"instrument_id": "PK0000PIB556", "calendar_id": "XX"},
        )
        == "UNKNOWN_CALENDAR"
    )
    assert (
        market.fails(
            treasury(),
            "instrument:Create",
            bond_spec() | {"instrument_id": "PK0000PIB557", "coupon_rate": 0.07},
        )
        == "INVALID_ARGUMENT"
    )
    assert (
        market.fails(treasury(), "instrument:Create", {"instrument_id": "PK0000PIB558"})
        == "INVALID_ARGUMENT"
    )
    sukuk = {
        "instrument_id": "PK0000GIS001",
        "kind": "IJARA_SUKUK",
        "min_denomination": BOND_DENOMINATION,
        "issue_date": "2021-08-19",
        "maturity_date": "2026-08-19",
        "day_count": "ACT/365F",
        "frequency": 2,
        "calendar_id": "PK-SBP",
        "rental_kind": "FIXED",
        "rental_rate": "0.0725",
        "underlying_asset": "M-2 motorway section",
        "islamic_eligible_only": True,
    }
    market.ok(treasury(), "instrument:Create", sukuk)
    assert (
        market.fails(central_bank(), "instrument:Approve", "PK0000GIS001")
        == "SHARIAH_APPROVAL_REQUIRED"
    )
    approved = sukuk | {"instrument_id": "PK0000GIS002"}
    market.ok(treasury(), "instrument:Create", approved)
    # A prospectus is not a Shariah certificate; a superseded certificate approves nothing.
    register_document(market, "PR-GIS2", "PROSPECTUS", "PK0000GIS002")
    register_document(market, "SC-GIS2-OLD", "SHARIAH_CERTIFICATE")
    market.ok(treasury(), "document:Attach", "SC-GIS2-OLD", "PK0000GIS002")
    replacement = {
        "document_id": "SC-GIS2-NEW",
        "kind": "SHARIAH_CERTIFICATE",
        "name": "Shariah board opinion, revised",
        "uri": "https://docs.example.org/SC-GIS2-NEW.pdf",
        "sha256": "cd" * 32,
    }
    market.ok(treasury(), "document:Supersede", "SC-GIS2-OLD", replacement)
    market.ok(
        treasury(), "document:Supersede", "SC-GIS2-NEW", replacement | {"document_id": "SC-GIS2-V3"}
    )
    market.ok(central_bank(), "instrument:Approve", "PK0000GIS002")
    assert (
        market.fails(central_bank(), "instrument:Approve", "PK0000GIS002") == "INVALID_TRANSITION"
    )


def test_controls_paused_frozen_and_dry_run(market: Market) -> None:
    def check(frm: str, to: str, amount: int) -> object:
        before = snapshot(market.ledger)
        result = market.call(dealer_alpha(), "investor:CheckTransfer", BOND, frm, to, str(amount))
        assert result.ok
        assert result.writes == {}
        assert result.event is None
        assert snapshot(market.ledger) == before
        return result.json()

    assert check("SGL-ALPHA", "IPS-AYESHA", BOND_DENOMINATION) == {
        "allowed": True,
        "reason": None,
        "reasons": [],
    }
    assert check("SGL-ALPHA", "IPS-AYESHA", 7) == {
        "allowed": False,
        "reason": "NOT_MULTIPLE_OF_DENOMINATION",
        "reasons": ["NOT_MULTIPLE_OF_DENOMINATION"],
    }
    assert check("SGL-ALPHA", "NOBODY", BOND_DENOMINATION) == {
        "allowed": False,
        "reason": "UNKNOWN_ACCOUNT",
        "reasons": ["UNKNOWN_ACCOUNT"],
    }
    market.ok(central_bank(), "control:FreezeAccount", "IPS-AYESHA", order())
    assert check("SGL-ALPHA", "IPS-AYESHA", BOND_DENOMINATION)["reason"] == "ACCOUNT_FROZEN"  # type: ignore[index]
    assert (
        market.fails(
            dealer_alpha(),
            "holding:Transfer",
            BOND,
            "SGL-ALPHA",
            "IPS-AYESHA",
            str(BOND_DENOMINATION),
        )
        == "ACCOUNT_FROZEN"
    )
    market.ok(treasury(), "control:UnfreezeAccount", "IPS-AYESHA", order("RELEASE"))
    market.ok(treasury(), "control:PauseInstrument", BOND, order())
    assert (
        market.fails(
            dealer_alpha(),
            "holding:Transfer",
            BOND,
            "SGL-ALPHA",
            "IPS-AYESHA",
            str(BOND_DENOMINATION),
        )
        == "INSTRUMENT_PAUSED"
    )
    market.ok(central_bank(), "control:ResumeInstrument", BOND, order("RELEASE"))
    market.ok(dealer_alpha(), "investor:SetKyc", "INV-AYESHA", "EXPIRED")
    assert check("SGL-ALPHA", "IPS-AYESHA", BOND_DENOMINATION)["reason"] == "NOT_KYC_VERIFIED"  # type: ignore[index]
    assert (
        market.fails(dealer_alpha(), "investor:SetKyc", "INV-AYESHA", "MAYBE") == "INVALID_ARGUMENT"
    )


def test_registry_inputs(market: Market) -> None:
    spec = investor_spec("INV-AYESHA") | {"investor_id": "INV-ZED"}
    assert (
        market.fails(dealer_alpha(), "investor:RecordPersonalData", "INV-ZED") == "INVALID_ARGUMENT"
    )  # no transient pii
    assert (
        market.fails(
            dealer_alpha(), "investor:RecordPersonalData", "INV/ZED", transient=pii_transient(b"x")
        )
        == "INVALID_ARGUMENT"
    )  # not an id
    assert (
        market.fails(dealer_alpha(), "investor:Register", spec) == "PERSONAL_DATA_MISSING"
    )  # no RecordPersonalData first
    market.ok(
        dealer_alpha(), "investor:RecordPersonalData", "INV-ZED", transient=pii_transient(b"x")
    )
    assert (
        market.fails(dealer_alpha(), "investor:Register", spec | {"kyc": "SURE"})
        == "INVALID_ARGUMENT"
    )
    assert (
        market.fails(dealer_alpha(), "investor:Register", investor_spec("INV-AYESHA"))
        == "ALREADY_EXISTS"
    )
    assert (
        market.fails(
            dealer_alpha(),
            "investor:RecordPersonalData",
            "INV-AYESHA",
            transient=pii_transient(b"x"),
        )
        == "ALREADY_EXISTS"
    )  # the public record's hash would no longer match


def test_every_code_is_published() -> None:
    assert {c.value for c in ErrorCode if Layer.CONTRACT in c.layers} <= set(ALL_CODES)
    assert "INSUFFICIENT_HOLDING" in ALL_CODES
    assert len(set(ALL_CODES)) == len(ALL_CODES)
