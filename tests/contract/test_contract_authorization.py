"""Every privileged transaction refuses a caller of the wrong org or the wrong role with
UNAUTHORIZED, and the ledger is unchanged afterwards."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from .market import (
    CENTRAL_BANK,
    EXCHANGE,
    TREASURY,
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    exchange,
    governance_config,
    identity,
    treasury,
)
from .scenario import (
    BOND,
    MILLION,
    account_spec,
    bond_spec,
    bootstrap,
    create_and_issue,
    distribute,
    order,
    register_document,
)


def rogue_issuer() -> bytes:
    """Right certificate role, wrong organisation."""
    return identity(EXCHANGE, "rogue", "issuer")


def treasury_clerk() -> bytes:
    """Right organisation, wrong certificate role."""
    return identity(TREASURY, "clerk", "investor")


def cb_pretend_exchange() -> bytes:
    return identity(CENTRAL_BANK, "pretender", "exchange_operator")


def treasury_pretend_registrar() -> bytes:
    return identity(TREASURY, "pretender", "registrar")


def unknown_org_bank() -> bytes:
    return identity("StrangerMSP", "teller", "bank")


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    spec = bond_spec() | {"instrument_id": "PK0000PIB999"}
    market.ok(treasury(), "instrument:Create", spec)
    market.ok(
        dealer_alpha(),
        "settlement:Instruct",
        {
            "instruction_id": "TRD-AUTH",
            "instrument_id": BOND,
            "seller_account": "SGL-ALPHA",
            "buyer_account": "SGL-BETA",
            "quantity": MILLION * 10,
            "price_per_100": "100",
            "settlement_date": "2021-08-20",
        },
    )
    market.ok(central_bank(), "control:PauseInstrument", "PK0000PIB999", order())
    market.ok(central_bank(), "control:FreezeAccount", "IPS-BILAL", order())
    market.ok(central_bank(), "control:FreezeHolding", BOND, "IPS-AYESHA", str(MILLION), order())
    register_document(market, "CO-AUTH", "COURT_ORDER")
    return market


Who = Callable[[], bytes]
NEW_DEALER = account_spec("SGL-GAMMA", "DEALER", "PD-ALPHA", "CentralBankMSP/gamma-ops")
NEW_SUB = account_spec("IPS-NEW", "INVESTOR", "INV-AYESHA", "CentralBankMSP/alpha-ops", "SGL-ALPHA")
NEW_INVESTOR = {
    "investor_id": "INV-NEW",
    "kyc": "VERIFIED",
    "residency": "RESIDENT",
    "investor_type": "INDIVIDUAL",
    "tax_status": "FILER",
}
FORCED = {
    "instrument_id": BOND,
    "from_account": "IPS-AYESHA",
    "to_account": "IPS-BILAL",
    "amount": MILLION,
    "order": order("COURT_ORDER", "CO-AUTH"),
}
RECOVERY = {
    "lost_account": "IPS-AYESHA",
    "replacement_account": "IPS-BILAL",
    "order": order("LOST_KEY"),
}
DOCUMENT = {
    "document_id": "PR-NEW",
    "kind": "PROSPECTUS",
    "name": "Prospectus",
    "uri": "https://docs.example.org/pr-new.pdf",
    "sha256": "ef" * 32,
}
TRADE = {
    "instruction_id": "TRD-ROGUE",
    "instrument_id": BOND,
    "seller_account": "SGL-ALPHA",
    "buyer_account": "SGL-BETA",
    "quantity": MILLION,
    "price_per_100": "100",
    "settlement_date": "2021-08-21",
}

CASES: list[tuple[str, tuple[object, ...], tuple[Who, ...]]] = [
    (
        "governance:Propose",
        (governance_config(utc_offset_minutes=330),),
        (dealer_alpha, exchange, cb_pretend_exchange),
    ),
    ("account:Open", (NEW_DEALER,), (treasury, exchange, dealer_alpha, treasury_pretend_registrar)),
    ("account:Open", (NEW_SUB,), (dealer_beta, central_bank, treasury)),
    ("investor:RecordPersonalData", ("INV-NEW",), (treasury_clerk, unknown_org_bank, central_bank)),
    ("investor:Register", (NEW_INVESTOR,), (treasury_clerk, unknown_org_bank, central_bank)),
    ("investor:SetKyc", ("INV-AYESHA", "EXPIRED"), (exchange, treasury, treasury_clerk)),
    ("control:FreezeAccount", ("IPS-AYESHA", order()), (dealer_alpha, exchange, treasury_clerk)),
    ("control:UnfreezeAccount", ("IPS-BILAL", order()), (dealer_alpha, exchange, rogue_issuer)),
    (
        "control:FreezeHolding",
        (BOND, "IPS-AYESHA", str(MILLION), order()),
        (dealer_alpha, exchange, treasury_clerk),
    ),
    (
        "control:UnfreezeHolding",
        (BOND, "IPS-AYESHA", str(MILLION), order()),
        (dealer_alpha, exchange, rogue_issuer),
    ),
    ("control:Halt", (order(),), (dealer_alpha, exchange, treasury_clerk)),
    ("control:Release", (order(),), (dealer_alpha, exchange, rogue_issuer)),
    (
        "control:ForcedTransfer",
        (FORCED,),
        (dealer_alpha, exchange, treasury_clerk, rogue_issuer),
    ),
    ("control:RecoverAccount", (RECOVERY,), (dealer_alpha, exchange, treasury_clerk)),
    ("document:Register", (DOCUMENT,), (dealer_alpha, exchange, treasury_clerk, rogue_issuer)),
    ("document:Attach", ("CO-AUTH", BOND), (dealer_alpha, exchange, treasury_clerk)),
    ("document:Supersede", ("CO-AUTH", DOCUMENT), (dealer_alpha, exchange, rogue_issuer)),
    ("audit:History", ("account", ["SGL-ALPHA"]), (treasury, dealer_alpha, exchange)),
    (
        "instrument:Create",
        (bond_spec() | {"instrument_id": "PK0000PIB777"},),
        (central_bank, rogue_issuer, treasury_clerk),
    ),
    ("instrument:Approve", ("PK0000PIB999",), (treasury, treasury_pretend_registrar, exchange)),
    (
        "instrument:Issue",
        (BOND, [{"account_id": "SGL-ALPHA", "amount": MILLION}]),
        (central_bank, dealer_alpha, rogue_issuer, treasury_clerk),
    ),
    ("control:PauseInstrument", (BOND, order()), (dealer_alpha, exchange, treasury_clerk)),
    ("control:ResumeInstrument", ("PK0000PIB999", order()), (dealer_alpha, exchange, rogue_issuer)),
    (
        "cash:Mint",
        ("SGL-ALPHA", str(MILLION)),
        (treasury, treasury_pretend_registrar, dealer_alpha),
    ),
    ("cash:Withdraw", ("SGL-ALPHA", str(MILLION)), (treasury, exchange, dealer_alpha)),
    (
        "holding:Transfer",
        (BOND, "SGL-ALPHA", "SGL-BETA", str(MILLION)),
        (dealer_beta, central_bank, treasury, exchange),
    ),
    ("settlement:Instruct", (TRADE,), (treasury, cb_pretend_exchange, central_bank)),
    ("settlement:Affirm", ("TRD-AUTH",), (exchange, central_bank, treasury)),
    ("settlement:Match", ("TRD-AUTH",), (dealer_alpha, cb_pretend_exchange, treasury)),
    ("settlement:Settle", ("TRD-AUTH",), (treasury, central_bank, cb_pretend_exchange)),
    ("settlement:Cancel", ("TRD-AUTH",), (treasury, central_bank, cb_pretend_exchange)),
    ("lifecycle:PayCoupon", (BOND, "2022-02-21", "10"), (central_bank, dealer_alpha, rogue_issuer)),
    ("lifecycle:Redeem", (BOND, "10"), (central_bank, dealer_alpha, treasury_clerk)),
]


@pytest.mark.parametrize(
    ("function", "args", "callers"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_wrong_org_or_role_is_unauthorized(
    template: Market, function: str, args: tuple[object, ...], callers: tuple[Who, ...]
) -> None:
    market = copy.deepcopy(template)
    for caller in callers:
        assert market.fails(caller(), function, *args) == "UNAUTHORIZED", caller.__name__


def test_the_right_callers_succeed_where_the_wrong_ones_failed(template: Market) -> None:
    """The same requests pass for the right identity: the refusals above are about who."""
    market = copy.deepcopy(template)
    market.ok(central_bank(), "account:Open", NEW_DEALER)
    market.ok(dealer_alpha(), "account:Open", NEW_SUB)
    market.ok(central_bank(), "instrument:Approve", "PK0000PIB999")
    market.ok(treasury(), "control:ResumeInstrument", "PK0000PIB999", order("RELEASE"))
    market.ok(treasury(), "control:UnfreezeAccount", "IPS-BILAL", order("RELEASE"))
    market.ok(central_bank(), "control:ForcedTransfer", FORCED)
    market.ok(treasury(), "document:Register", DOCUMENT)
    market.ok(central_bank(), "audit:History", "account", ["SGL-ALPHA"], commit=False)
    market.ok(dealer_beta(), "settlement:Affirm", "TRD-AUTH")


def test_bootstrap_needs_the_registrar_org_named_in_the_config() -> None:
    market = Market()
    for caller in (treasury, dealer_alpha, exchange, treasury_pretend_registrar):
        assert market.fails(caller(), "governance:Bootstrap", governance_config()) == (
            "UNAUTHORIZED"
        )
    market.ok(central_bank(), "governance:Bootstrap", governance_config())
    assert market.fails(central_bank(), "governance:Bootstrap", governance_config()) == (
        "ALREADY_EXISTS"
    )


def test_an_org_admin_acts_in_its_org_roles() -> None:
    market = Market()
    admin = identity(CENTRAL_BANK, "cb-admin", None, admin=True)
    market.ok(admin, "governance:Bootstrap", governance_config())
    treasury_admin = identity(TREASURY, "tr-admin", None, admin=True)
    market.ok(treasury_admin, "instrument:Create", bond_spec())
    assert market.fails(treasury_admin, "instrument:Approve", BOND) == "UNAUTHORIZED"
    market.ok(admin, "instrument:Approve", BOND)
