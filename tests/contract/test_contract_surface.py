"""The transaction surface: names, queries, governance updates, commodity tokens,
floating coupons, events without personal data, and the layering of the package."""

from __future__ import annotations

import ast
import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from sovereign_assets.chaincode import chaincode

from .market import Market, central_bank, dealer_alpha, governance_config, treasury
from .scenario import (
    BOND,
    BOND_DENOMINATION,
    MILLION,
    bond_spec,
    bootstrap,
    create_and_issue,
    distribute,
    register_document,
)

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "chaincode" / "sovereign_assets"
CONTRACTS_DIR = PACKAGE_DIR / "contracts"
SCHEMA_DIR = PACKAGE_DIR / "schema"

SURFACE = {
    "governance": {
        "Bootstrap",
        "Propose",
        "Approve",
        "Withdraw",
        "Proposal",
        "Proposals",
        "Get",
        "OpenBusinessDate",
        "CloseBusinessDate",
        "BusinessDate",
    },
    "account": {"Open", "OpenMany", "Get", "List"},
    "investor": {
        "RecordPersonalData",
        "Register",
        "Get",
        "PurgePersonalData",
        "PersonalDataStatus",
        "CheckTransfer",
        "SetKyc",
    },
    "instrument": {
        "Create",
        "Approve",
        "Issue",
        "Get",
        "List",
        "Schedule",
        "Bars",
        "Limits",
    },
    "cash": {"Mint", "Withdraw", "Balance"},
    "holding": {"Transfer", "ByAccount", "ByInstrument", "History"},
    "settlement": {"Instruct", "Affirm", "Match", "Settle", "Execute", "Cancel", "Get", "List"},
    "lifecycle": {
        "PayCoupon",
        "Redeem",
        "AbortRun",
        "Claims",
        "PublishFixing",
        "RecordBillAuction",
        "RecordPkrv",
        "ResolveFixing",
        "RedeemBars",
    },
    "auction": {
        "Announce",
        "PlaceBid",
        "AmendBid",
        "WithdrawBid",
        "Bids",
        "Close",
        "CutOff",
        "Results",
        "List",
        "Allotments",
        "Settle",
    },
    "calendar": {"Publish", "Get", "History"},
    "control": {
        "FreezeAccount",
        "UnfreezeAccount",
        "FreezeHolding",
        "UnfreezeHolding",
        "PauseInstrument",
        "ResumeInstrument",
        "Halt",
        "Release",
        "ForcedTransfer",
        "RecoverAccount",
        "Action",
        "Actions",
        "FrozenParts",
    },
    "document": {"Register", "Supersede", "Attach", "Get", "ForInstrument", "List"},
    "audit": {"History", "WholeRegister"},
}


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    return market


def test_the_server_entry_point_loads_the_chaincode() -> None:
    from fabric_chaincode.__main__ import load_chaincode

    assert load_chaincode("sovereign_assets.chaincode:chaincode") is chaincode


def test_transaction_names() -> None:
    contracts = chaincode.metadata()["contracts"]
    assert isinstance(contracts, dict)
    names = {ns: {tx["name"] for tx in c["transactions"]} for ns, c in contracts.items()}
    assert names == SURFACE


def test_queries(template: Market) -> None:
    market = copy.deepcopy(template)
    governance = market.query("governance:Get")
    assert isinstance(governance, dict)
    assert governance["utc_offset_minutes"] == 300
    account = market.query("account:Get", "IPS-AYESHA")
    assert isinstance(account, dict)
    assert (account["tier"], account["owner_id"], account["custodian_id"]) == (
        "INVESTOR",
        "INV-AYESHA",
        "SGL-ALPHA",
    )
    instruments = market.query("instrument:List")
    assert isinstance(instruments, list)
    assert [i["spec"]["instrument_id"] for i in instruments] == ["PK0000BIL365", BOND]
    assert market.query("holding:ByAccount", "IPS-AYESHA") == [
        {"instrument_id": BOND, "account_id": "IPS-AYESHA", "amount": 10 * MILLION}
    ]
    market.ok(dealer_alpha(), "holding:Transfer", BOND, "IPS-AYESHA", "IPS-BILAL", str(MILLION))
    history = market.query("holding:History", BOND, "IPS-AYESHA")
    assert isinstance(history, list)
    assert [h["amount"] for h in history] == [9 * MILLION, 10 * MILLION]
    market.ok(
        dealer_alpha(),
        "settlement:Instruct",
        {
            "instruction_id": "TRD-Q",
            "instrument_id": BOND,
            "seller_account": "SGL-ALPHA",
            "buyer_account": "SGL-BETA",
            "quantity": MILLION,
            "price_per_100": "100",
            "settlement_date": "2021-08-25",
        },
    )
    listed = market.query("settlement:List")
    assert isinstance(listed, list)
    assert [i["instruction_id"] for i in listed] == ["TRD-Q"]
    got = market.query("settlement:Get", "TRD-Q")
    assert isinstance(got, dict)
    assert got["affirmed_by"] == ["SGL-ALPHA"]
    assert got["instructed_by"] == "CentralBankMSP/alpha-ops"


def test_governance_update_by_a_controller(template: Market) -> None:
    market = copy.deepcopy(template)
    market.change_governance(governance_config(utc_offset_minutes=330))
    assert market.results[-1].event is not None
    assert market.results[-1].event.name == "GovernanceUpdated"
    # The kill switch is a controller action, not a governance update.
    assert (
        market.fails(treasury(), "governance:Propose", governance_config(global_pause=True))
        == "INVALID_ARGUMENT"
    )
    assert market.fails(
        central_bank(), "governance:Propose", governance_config(utc_offset_minutes=9999)
    ) == ("INVALID_ARGUMENT")


def test_commodity_reserve_token(template: Market) -> None:
    market = copy.deepcopy(template)
    gold = {
        "instrument_id": "PK0000XAU001",
        "kind": "COMMODITY_RESERVE",
        "min_denomination": 1000,  # 1 gram
        "commodity": "XAU",
        "bars": [
            {
                "serial": "SBP-0001",
                "weight_mg": 11_663_800,
                "fineness": 9990,
                "fineness_scale": 10000,
                "vault_id": "KHI-1",
            },
            {
                "serial": "SBP-0002",
                "weight_mg": 1_000_000,
                "fineness": 9999,
                "fineness_scale": 10000,
                "vault_id": "KHI-1",
            },
        ],
    }
    market.ok(treasury(), "instrument:Create", gold)
    register_document(market, "VA-XAU-1", "VAULT_ATTESTATION", "PK0000XAU001")
    market.ok(central_bank(), "instrument:Approve", "PK0000XAU001")
    too_much = [{"account_id": "SGL-ALPHA", "amount": 12_664_000}]
    assert (
        market.fails(treasury(), "instrument:Issue", "PK0000XAU001", too_much) == "INVALID_AMOUNT"
    )
    market.ok(
        treasury(),
        "instrument:Issue",
        "PK0000XAU001",
        [{"account_id": "SGL-ALPHA", "amount": 12_663_000}],
    )
    assert market.query("instrument:Schedule", "PK0000XAU001") == []
    assert (
        market.fails(treasury(), "lifecycle:Redeem", "PK0000XAU001", "10") == "EVENT_NOT_APPLICABLE"
    )


def test_floating_rate_coupon_needs_the_central_bank_fixing() -> None:
    # Issued on its issue date, at par with nothing accrued: no fixing is needed to pay
    # for it, only to pay its coupon.
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    floater = bond_spec() | {
        "instrument_id": "PK0000PFL001",
        "kind": "FLOATING_RATE_BOND",
        "benchmark_tenor_days": 182,
        "margin_bps": 70,
        "coupon_rate": None,
    }
    market.ok(treasury(), "instrument:Create", floater)
    market.ok(central_bank(), "instrument:Approve", "PK0000PFL001")
    market.ok(
        treasury(),
        "instrument:Issue",
        "PK0000PFL001",
        [{"account_id": "SGL-BETA", "amount": 10 * BOND_DENOMINATION, "price_per_100": "100.0000"}],
    )
    market.on(dt.date(2022, 2, 21))
    assert (
        market.fails(treasury(), "lifecycle:PayCoupon", "PK0000PFL001", "2022-02-21", "10")
        == "FIXING_UNAVAILABLE"
    )
    assert (
        market.fails(
            treasury(), "lifecycle:PublishFixing", "PK0000PFL001", "2022-02-19", "0.073", "AUCTION"
        )
        == "UNAUTHORIZED"
    )
    market.ok(
        central_bank(), "lifecycle:PublishFixing", "PK0000PFL001", "2022-02-19", "0.073", "AUCTION"
    )
    paid = market.ok(treasury(), "lifecycle:PayCoupon", "PK0000PFL001", "2022-02-21", "10")
    assert isinstance(paid, dict)
    # (7.30 % + 0.70 %) / 2 on PKR 1,000,000 = PKR 40,000 gross; the dealer is a filer.
    assert (paid["gross"], paid["tax"], paid["done"]) == (40_000_00, 6_000_00, True)


def test_events_carry_no_personal_data(template: Market) -> None:
    market = copy.deepcopy(template)
    events = [r.event for r in market.results if r.event is not None]
    assert {e.name for e in events} >= {
        "InvestorRegistered",
        "AccountOpened",
        "HoldingsIssued",
        "Transferred",
    }
    for event in events:
        text = json.dumps(json.loads(event.payload))
        assert "42101-" not in text  # the national id sent as transient data
        assert "Inv-" not in text  # the names sent as transient data
        assert "pii" not in text


_PURE = {"rules.py"}
_FORBIDDEN_EVERYWHERE = {
    "grpc",
    "fabric_protos",
    "google",
    "random",
    "time",
    "os",
    "secrets",
    "uuid",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_shared_schema_imports_only_the_domain() -> None:
    allowed = ("sovereign_assets.domain", "sovereign_assets.schema")
    for module in sorted(SCHEMA_DIR.glob("*.py")):
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                name = node.module
                if name.startswith(("sovereign", "fabric")):
                    assert name.startswith(allowed), f"{module.name} imports {name}"
        assert not _imports(module) & _FORBIDDEN_EVERYWHERE, module.name


def test_layering() -> None:
    modules = sorted(CONTRACTS_DIR.glob("*.py"))
    assert {m.name for m in modules} >= _PURE
    for module in modules:
        imported = _imports(module)
        assert not imported & _FORBIDDEN_EVERYWHERE, module.name
        if module.name in _PURE:
            assert "fabric_chaincode" not in imported, module.name
        source = module.read_text()
        for needle in ('MSP"', "MSP'", "datetime.now", "date.today"):
            assert needle not in source, f"{needle} in {module.name}"
    # Only the repository touches the stub's state API.
    for module in modules:
        if module.name != "repository.py":
            assert "put_state" not in module.read_text(), module.name
            assert "get_state" not in module.read_text(), module.name
