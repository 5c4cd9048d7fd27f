"""Controller actions, the document registry and the audit trail, rule by rule.

Every refusal goes through ``Market.fails``: the ledger (state, private data and key-level
policies) is compared byte for byte before and after. The two-organisation rule is
checked as the committing peer checks it: the in-memory ledger validates the key-level
policy of the control register against the organisations that endorsed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from fabric_chaincode import KeyEndorsementPolicy
from sovereign_assets.chaincode import chaincode

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
    snapshot,
    treasury,
)
from .scenario import (
    BILL,
    BOND,
    MILLION,
    account_spec,
    bootstrap,
    create_and_issue,
    distribute,
    order,
    register_document,
)

COURT = order("COURT_ORDER", "CO-0001")


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    register_document(market, "CO-0001", "COURT_ORDER", by=central_bank())
    return market


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def holding(market: Market, instrument: str, account: str) -> int:
    entries = market.query("holding:ByAccount", account)
    assert isinstance(entries, list)
    return sum(e["amount"] for e in entries if e["instrument_id"] == instrument)


def last_event(market: Market) -> tuple[str, dict[str, object]]:
    event = market.results[-1].event
    assert event is not None
    payload = json.loads(event.payload)
    assert isinstance(payload, dict)
    return event.name, payload


# -- 1. freezes and the free balance ---------------------------------------------------------


def test_a_frozen_part_leaves_only_the_free_balance_to_move(market: Market) -> None:
    # IPS-AYESHA holds 10m of the bond; 6m frozen leaves 4m free.
    action = market.ok(
        central_bank(), "control:FreezeHolding", BOND, "IPS-AYESHA", str(6 * MILLION), COURT
    )
    assert isinstance(action, dict)
    assert (action["kind"], action["reason"], action["document_id"]) == (
        "FREEZE_HOLDING",
        "COURT_ORDER",
        "CO-0001",
    )
    name, payload = last_event(market)
    assert name == "ControlAction"
    assert payload["reason"] == "COURT_ORDER"
    assert payload["document_id"] == "CO-0001"
    assert "accounts" not in payload  # every member receives events: no account named
    check = market.query("investor:CheckTransfer", BOND, "IPS-AYESHA", "IPS-BILAL", 5 * MILLION)
    assert check == {
        "allowed": False,
        "reason": "INSUFFICIENT_HOLDING",
        "reasons": ["INSUFFICIENT_HOLDING"],
    }
    move = ("holding:Transfer", BOND, "IPS-AYESHA", "IPS-BILAL")
    assert market.fails(dealer_alpha(), *move, str(5 * MILLION)) == "INSUFFICIENT_HOLDING"
    market.ok(dealer_alpha(), *move, str(4 * MILLION))  # the free balance moves
    # A DvP sale of frozen units is refused at settlement too.
    market.ok(
        dealer_alpha(),
        "settlement:Instruct",
        {
            "instruction_id": "TRD-FROZEN",
            "instrument_id": BOND,
            "seller_account": "IPS-AYESHA",
            "buyer_account": "SGL-BETA",
            "quantity": MILLION,
            "price_per_100": "100",
            "settlement_date": "2021-08-20",
        },
    )
    market.ok(dealer_beta(), "settlement:Affirm", "TRD-FROZEN")
    assert market.fails(dealer_alpha(), "settlement:Settle", "TRD-FROZEN") == (
        "INSUFFICIENT_HOLDING"
    )
    # Freezing more than is free, or releasing more than is frozen, changes nothing.
    assert (
        market.fails(
            central_bank(), "control:FreezeHolding", BOND, "IPS-AYESHA", str(MILLION), order()
        )
        == "INSUFFICIENT_HOLDING"
    )
    assert (
        market.fails(
            treasury(), "control:UnfreezeHolding", BOND, "IPS-AYESHA", str(7 * MILLION), order()
        )
        == "INVALID_AMOUNT"
    )
    assert (
        market.fails(treasury(), "control:FreezeHolding", BOND, "TREASURY-CASH", "1", order())
        == "INVALID_ACCOUNT"
    )
    market.ok(treasury(), "control:UnfreezeHolding", BOND, "IPS-AYESHA", str(6 * MILLION), order())
    assert market.query("control:FrozenParts", "IPS-AYESHA") == []
    market.ok(dealer_alpha(), "settlement:Settle", "TRD-FROZEN")


def test_a_whole_account_freeze_stops_both_directions(market: Market) -> None:
    market.ok(treasury(), "control:FreezeAccount", "IPS-BILAL", order("SANCTIONS"))
    for sender, receiver in (("IPS-BILAL", "SGL-ALPHA"), ("SGL-ALPHA", "IPS-BILAL")):
        assert (
            market.fails(dealer_alpha(), "holding:Transfer", BOND, sender, receiver, str(MILLION))
            == "ACCOUNT_FROZEN"
        )
    assert (
        market.fails(treasury(), "control:FreezeAccount", "IPS-BILAL", order())
        == "INVALID_TRANSITION"
    )
    market.ok(central_bank(), "control:UnfreezeAccount", "IPS-BILAL", order("RELEASE"))
    market.ok(dealer_alpha(), "holding:Transfer", BOND, "IPS-BILAL", "SGL-ALPHA", str(MILLION))


def test_coupons_are_paid_on_frozen_holdings(market: Market) -> None:
    """The rule: a freeze stops disposal, not entitlement. The holder of a frozen account
    and of a frozen part is paid its coupon on the whole holding, into its own account."""
    market.ok(treasury(), "control:FreezeAccount", "IPS-BILAL", order("SANCTIONS"))
    market.ok(treasury(), "control:FreezeHolding", BOND, "IPS-AYESHA", str(10 * MILLION), order())
    market.on(dt.date(2022, 2, 21))
    market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "100")
    claims = market.query("lifecycle:Claims", BOND, "2022-02-21")
    assert isinstance(claims, list)
    paid = {c["holder_account"]: c["face_held"] for c in claims}
    assert paid["IPS-BILAL"] == 5 * MILLION
    assert paid["IPS-AYESHA"] == 10 * MILLION
    # The cash paid into the frozen account stays there: it cannot buy anything.
    cash = market.query("cash:Balance", "IPS-BILAL")
    assert isinstance(cash, dict)
    assert cash["amount"] > 0


def test_a_paused_instrument_stops_its_transfers_only(market: Market) -> None:
    market.ok(central_bank(), "control:PauseInstrument", BOND, order("CORPORATE_ACTION"))
    assert (
        market.fails(
            dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", str(MILLION)
        )
        == "INSTRUMENT_PAUSED"
    )
    market.ok(dealer_beta(), "holding:Transfer", BILL, "SGL-BETA", "IPS-DANA", str(MILLION))
    assert (
        market.fails(central_bank(), "control:PauseInstrument", BOND, order())
        == "INVALID_TRANSITION"
    )
    market.ok(treasury(), "control:ResumeInstrument", BOND, order("RELEASE"))


# -- 1. the kill switch ------------------------------------------------------------------------


def test_the_kill_switch_stops_every_state_change_but_its_release(market: Market) -> None:
    market.ok(treasury(), "control:Halt", order("OPERATIONAL_INCIDENT"))
    document = {"document_id": "X", "kind": "PROSPECTUS", "name": "X", "uri": "x:y", "sha256": "0"}
    refused: list[tuple[bytes, str, tuple[object, ...]]] = [
        (dealer_alpha(), "holding:Transfer", (BOND, "SGL-ALPHA", "IPS-AYESHA", str(MILLION))),
        (central_bank(), "cash:Mint", ("SGL-ALPHA", "100")),
        (treasury(), "governance:Propose", (governance_config(utc_offset_minutes=330),)),
        (central_bank(), "governance:CloseBusinessDate", ()),
        (treasury(), "control:FreezeAccount", ("IPS-BILAL", order())),
        (treasury(), "control:Halt", (order(),)),
        (central_bank(), "document:Register", (document,)),
        (dealer_alpha(), "investor:SetKyc", ("INV-AYESHA", "EXPIRED")),
    ]
    for creator, function, args in refused:
        assert market.fails(creator, function, *args) == "GLOBAL_PAUSE", function
    # Queries still answer, and the dry run names the reason.
    check = market.query("investor:CheckTransfer", BOND, "SGL-ALPHA", "IPS-AYESHA", MILLION)
    assert isinstance(check, dict)
    assert (check["allowed"], check["reason"]) == (False, "GLOBAL_PAUSE")
    assert market.query("governance:Get")["global_pause"] is True  # type: ignore[index]
    market.ok(central_bank(), "control:Release", order("RELEASE"))
    assert market.fails(central_bank(), "control:Release", order("RELEASE")) == "INVALID_TRANSITION"
    market.ok(dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", str(MILLION))


# -- 1/3. reasons and their documents ------------------------------------------------------


def test_a_court_order_reason_needs_a_court_order_in_force(market: Market) -> None:
    freeze = ("control:FreezeAccount", "IPS-BILAL")
    assert market.fails(treasury(), *freeze, order("COURT_ORDER")) == "COURT_ORDER_REQUIRED"
    register_document(market, "PR-BOND", "PROSPECTUS", BOND)
    assert (
        market.fails(treasury(), *freeze, order("COURT_ORDER", "PR-BOND")) == "COURT_ORDER_REQUIRED"
    )
    assert market.fails(treasury(), *freeze, order("COURT_ORDER", "CO-NONE")) == "UNKNOWN_DOCUMENT"
    assert market.fails(treasury(), *freeze, order("BECAUSE")) == "INVALID_REASON"
    revised = {
        "document_id": "CO-0001-R",
        "kind": "COURT_ORDER",
        "name": "Attachment order, revised",
        "uri": "https://courts.example.org/0001-r.pdf",
        "sha256": "1" * 64,
    }
    market.ok(central_bank(), "document:Supersede", "CO-0001", revised)
    assert market.fails(treasury(), *freeze, COURT) == "DOCUMENT_SUPERSEDED"
    market.ok(treasury(), *freeze, order("COURT_ORDER", "CO-0001-R"))
    document = market.query("document:Get", "CO-0001-R")
    assert isinstance(document, dict)
    assert document["attached_to"] == ["action:CA-000001"]


# -- 2. forced transfer --------------------------------------------------------------------


def test_a_forced_transfer_executes_a_court_order(market: Market) -> None:
    market.ok(central_bank(), "control:FreezeHolding", BOND, "IPS-BILAL", str(4 * MILLION), COURT)
    market.ok(central_bank(), "control:FreezeAccount", "IPS-BILAL", COURT)
    market.ok(central_bank(), "control:PauseInstrument", BOND, COURT)
    spec = {
        "instrument_id": BOND,
        "from_account": "IPS-BILAL",
        "to_account": "IPS-CHEN",
        "amount": 3 * MILLION,
        "order": COURT,
    }
    without = spec | {"order": order("COURT_ORDER")}
    assert market.fails(treasury(), "control:ForcedTransfer", without) == "COURT_ORDER_REQUIRED"
    other = spec | {"order": order("SANCTIONS", "CO-0001")}
    assert market.fails(treasury(), "control:ForcedTransfer", other) == "INVALID_REASON"
    too_much = spec | {"amount": 6 * MILLION}
    assert market.fails(treasury(), "control:ForcedTransfer", too_much) == "INSUFFICIENT_HOLDING"
    odd = spec | {"amount": 3 * MILLION + 1}
    assert market.fails(treasury(), "control:ForcedTransfer", odd) == "NOT_MULTIPLE_OF_DENOMINATION"
    to_cash = spec | {"to_account": "TREASURY-CASH"}
    assert market.fails(treasury(), "control:ForcedTransfer", to_cash) == "INVALID_ACCOUNT"
    # Frozen account, paused instrument: the court's order still executes, frozen units first.
    action = market.ok(treasury(), "control:ForcedTransfer", spec)
    assert isinstance(action, dict)
    assert action["kind"] == "FORCED_TRANSFER"
    name, payload = last_event(market)
    assert (name, payload["reason"], payload["document_id"]) == (
        "ControlAction",
        "COURT_ORDER",
        "CO-0001",
    )
    assert "IPS-BILAL" not in json.dumps(payload)  # no account, no investor
    assert action["accounts"] == ["IPS-BILAL", "IPS-CHEN"]  # the controllers read them
    assert holding(market, BOND, "IPS-BILAL") == 2 * MILLION
    assert holding(market, BOND, "IPS-CHEN") == 23 * MILLION
    parts = market.query("control:FrozenParts", "IPS-BILAL")
    assert isinstance(parts, list)
    assert [(p["instrument_id"], p["amount"]) for p in parts] == [(BOND, MILLION)]


@pytest.mark.parametrize(
    "endorsers",
    [(TREASURY, EXCHANGE), (CENTRAL_BANK, EXCHANGE), (TREASURY,), (CENTRAL_BANK,)],
    ids="+".join,
)
def test_a_controller_action_endorsed_by_one_controller_org_is_rejected_at_validation(
    market: Market, endorsers: tuple[str, ...]
) -> None:
    """The chaincode answers the same for every endorser; the committing peer's check of
    the control register's key-level policy (treasury AND central bank) rejects the
    transaction, even where the chaincode-level policy (a majority) is met."""
    policy = KeyEndorsementPolicy(
        market.ledger.metadata("sovereign", "\x00controlRegister\x00current\x00")[
            "VALIDATION_PARAMETER"
        ]
    )
    assert policy.list_orgs() == [CENTRAL_BANK, TREASURY]
    spec = {
        "instrument_id": BOND,
        "from_account": "IPS-BILAL",
        "to_account": "IPS-CHEN",
        "amount": MILLION,
        "order": COURT,
    }
    before = snapshot(market.ledger)
    result = market.call(treasury(), "control:ForcedTransfer", spec, endorsing_orgs=endorsers)
    assert result.ok  # the chaincode agreed...
    assert result.validation_code == "ENDORSEMENT_POLICY_FAILURE"  # ...validation did not
    assert not result.committed
    assert snapshot(market.ledger) == before
    result = market.call(
        treasury(), "control:ForcedTransfer", spec, endorsing_orgs=(TREASURY, CENTRAL_BANK)
    )
    assert result.committed, result.validation_code
    assert holding(market, BOND, "IPS-CHEN") == 21 * MILLION


def test_every_controller_action_writes_the_two_org_key(market: Market) -> None:
    written = []
    for creator, function, *args in (
        (treasury(), "control:FreezeAccount", "IPS-BILAL", order()),
        (treasury(), "control:UnfreezeAccount", "IPS-BILAL", order()),
        (treasury(), "control:FreezeHolding", BOND, "IPS-BILAL", str(MILLION), order()),
        (treasury(), "control:UnfreezeHolding", BOND, "IPS-BILAL", str(MILLION), order()),
        (treasury(), "control:PauseInstrument", BILL, order()),
        (treasury(), "control:ResumeInstrument", BILL, order()),
        (treasury(), "control:Halt", order()),
        (treasury(), "control:Release", order()),
    ):
        market.ok(creator, function, *args)
        keys = {key for _, key in market.results[-1].writes}
        written.append("\x00controlRegister\x00current\x00" in keys)
    assert all(written)
    actions = market.query("control:Actions")
    assert isinstance(actions, list)
    assert [a["action_id"] for a in actions] == [f"CA-{n:06d}" for n in range(1, 9)]


# -- 2. lost-key recovery ------------------------------------------------------------------


def alpha_new_key() -> bytes:
    return identity(CENTRAL_BANK, "alpha-ops-2", "primary_dealer")


def test_lost_key_recovery_moves_everything_and_bars_the_old_identity(market: Market) -> None:
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("SGL-ALPHA-2", "DEALER", "PD-ALPHA", "CentralBankMSP/alpha-ops-2"),
    )
    market.ok(central_bank(), "control:FreezeHolding", BOND, "SGL-ALPHA", str(MILLION), COURT)
    recovery = {
        "lost_account": "SGL-ALPHA",
        "replacement_account": "SGL-ALPHA-2",
        "order": order("LOST_KEY"),
    }
    wrong_owner = recovery | {"replacement_account": "SGL-BETA"}
    assert market.fails(central_bank(), "control:RecoverAccount", wrong_owner) == (
        "INVALID_ACCOUNT"
    )
    wrong_reason = recovery | {"order": order("SANCTIONS")}
    assert market.fails(central_bank(), "control:RecoverAccount", wrong_reason) == (
        "INVALID_REASON"
    )
    bond, bill = holding(market, BOND, "SGL-ALPHA"), holding(market, BILL, "SGL-ALPHA")
    cash = market.query("cash:Balance", "SGL-ALPHA")
    assert isinstance(cash, dict)
    market.ok(treasury(), "control:RecoverAccount", recovery)
    assert (holding(market, BOND, "SGL-ALPHA-2"), holding(market, BILL, "SGL-ALPHA-2")) == (
        bond,
        bill,
    )
    assert holding(market, BOND, "SGL-ALPHA") == 0
    moved = market.query("cash:Balance", "SGL-ALPHA-2")
    assert isinstance(moved, dict)
    assert moved["amount"] == cash["amount"]
    parts = market.query("control:FrozenParts", "SGL-ALPHA-2")
    assert isinstance(parts, list)
    assert parts[0]["amount"] == MILLION
    account = market.query("account:Get", "SGL-ALPHA")
    assert isinstance(account, dict)
    assert account["frozen"] is True
    # The lost identity is barred from everything, queries included.
    assert (
        market.fails(
            dealer_alpha(), "holding:Transfer", BOND, "IPS-AYESHA", "IPS-BILAL", str(MILLION)
        )
        == "IDENTITY_BARRED"
    )
    assert market.fails(dealer_alpha(), "holding:ByAccount", "IPS-AYESHA") == "IDENTITY_BARRED"
    # Its replacement acts.
    market.ok(alpha_new_key(), "holding:Transfer", BOND, "SGL-ALPHA-2", "SGL-BETA", str(MILLION))
    again = recovery | {"lost_account": "SGL-BETA"}
    assert market.fails(central_bank(), "control:RecoverAccount", again) == "INVALID_ACCOUNT"


def test_recovering_a_dealer_account_reparents_its_clients_sub_accounts(market: Market) -> None:
    """A bank's clients hang under its dealer account: after the dealer's lost key is
    recovered they hang under the replacement, whose controller acts for them; the lost
    (barred) identity no longer does. Their holdings do not move."""
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("SGL-ALPHA-2", "DEALER", "PD-ALPHA", "CentralBankMSP/alpha-ops-2"),
    )
    clients = ("IPS-AYESHA", "IPS-BILAL")
    held = {c: holding(market, BOND, c) for c in clients}
    assert all(held.values())
    recovery = {
        "lost_account": "SGL-ALPHA",
        "replacement_account": "SGL-ALPHA-2",
        "order": order("LOST_KEY"),
    }
    # Refused recoveries leave every sub-account where it was (Market.fails compares the
    # whole ledger byte for byte, the sub-account index included).
    market.ok(central_bank(), "control:FreezeAccount", "SGL-ALPHA-2", COURT)
    assert market.fails(treasury(), "control:RecoverAccount", recovery) == "ACCOUNT_FROZEN"
    market.ok(central_bank(), "control:UnfreezeAccount", "SGL-ALPHA-2", COURT)
    market.ok(central_bank(), "control:Halt", order())
    assert market.fails(treasury(), "control:RecoverAccount", recovery) == "GLOBAL_PAUSE"
    market.ok(treasury(), "control:Release", order())

    market.ok(treasury(), "control:RecoverAccount", recovery)
    result = market.results[-1]
    # The lost account's holdings are read key by key, one per instrument, not by a scan.
    assert {("", f"holding/{i}/SGL-ALPHA") for i in (BILL, BOND)} <= set(result.reads)
    written = {key for _, key in result.writes}
    for client in clients:
        account = market.query("account:Get", client)
        assert isinstance(account, dict)
        assert (account["parent_account_id"], account["custodian_id"]) == (
            "SGL-ALPHA-2",
            "SGL-ALPHA-2",
        )
        assert f"\x00subAccount\x00SGL-ALPHA\x00{client}\x00" in written  # deleted
        assert f"\x00subAccount\x00SGL-ALPHA-2\x00{client}\x00" in written
        assert holding(market, BOND, client) == held[client]
    listed = market.call(alpha_new_key(), "account:List", commit=False)
    assert listed.ok
    visible = {a["account_id"] for a in json.loads(listed.payload)}
    assert {"SGL-ALPHA-2", *clients} <= visible
    # The replacement's controller acts for the clients; the barred identity does not.
    move = ("holding:Transfer", BOND, "IPS-AYESHA", "IPS-BILAL", str(MILLION))
    assert market.fails(dealer_alpha(), *move) == "IDENTITY_BARRED"
    market.ok(alpha_new_key(), *move)
    assert holding(market, BOND, "IPS-BILAL") == held["IPS-BILAL"] + MILLION
    # A second dealer recovery finds no sub-account left under the first.
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("SGL-ALPHA-3", "DEALER", "PD-ALPHA", "CentralBankMSP/alpha-ops-3"),
    )
    market.ok(
        treasury(),
        "control:RecoverAccount",
        recovery | {"lost_account": "SGL-ALPHA-2", "replacement_account": "SGL-ALPHA-3"},
    )
    for client in clients:
        account = market.query("account:Get", client)
        assert isinstance(account, dict)
        assert account["parent_account_id"] == "SGL-ALPHA-3"
    old = market.query("account:Get", "SGL-ALPHA")
    assert isinstance(old, dict)
    assert old["frozen"] is True


# -- 3. the document registry ----------------------------------------------------------------


def test_documents_are_validated_superseded_and_never_deleted(market: Market) -> None:
    good = {
        "document_id": "PR-BOND",
        "kind": "PROSPECTUS",
        "name": "PIB prospectus",
        "uri": "https://treasury.example.org/pib.pdf",
        "sha256": "2" * 64,
        "instrument_id": BOND,
    }
    for bad, code in (
        ({"sha256": "XYZ"}, "INVALID_DOCUMENT"),
        ({"sha256": "A" * 64}, "INVALID_DOCUMENT"),
        ({"kind": "MEMO"}, "INVALID_DOCUMENT"),
        ({"uri": "no scheme here"}, "INVALID_DOCUMENT"),
        ({"name": " "}, "INVALID_DOCUMENT"),
        ({"instrument_id": "PK0000NONE01"}, "UNKNOWN_INSTRUMENT"),
        ({"document_id": "BAD/ID"}, "INVALID_ARGUMENT"),
    ):
        assert market.fails(treasury(), "document:Register", good | bad) == code, bad
    market.ok(treasury(), "document:Register", good)
    assert market.fails(treasury(), "document:Register", good) == "ALREADY_EXISTS"
    v2 = good | {"document_id": "PR-BOND-2", "sha256": "3" * 64, "instrument_id": None}
    wrong_kind = v2 | {"kind": "COURT_ORDER"}
    assert (
        market.fails(treasury(), "document:Supersede", "PR-BOND", wrong_kind) == "INVALID_DOCUMENT"
    )
    market.ok(central_bank(), "document:Supersede", "PR-BOND", v2)
    assert (
        market.fails(treasury(), "document:Supersede", "PR-BOND", v2 | {"document_id": "V3"})
        == "DOCUMENT_SUPERSEDED"
    )
    assert market.fails(treasury(), "document:Attach", "PR-BOND", BILL) == "DOCUMENT_SUPERSEDED"
    assert market.fails(treasury(), "document:Attach", "PR-BOND-2", BOND) == "INVALID_TRANSITION"
    versions = market.query("document:ForInstrument", BOND)
    assert isinstance(versions, list)
    assert [(d["document_id"], d["superseded_by"], d["supersedes"]) for d in versions] == [
        ("PR-BOND", "PR-BOND-2", None),
        ("PR-BOND-2", None, "PR-BOND"),
    ]
    assert market.fails(exchange(), "document:Register", good | {"document_id": "X"}) == (
        "UNAUTHORIZED"
    )


def test_a_sukuk_needs_a_shariah_certificate_in_force(market: Market) -> None:
    sukuk = {
        "instrument_id": "PK0000GIS009",
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
    approve = ("instrument:Approve", "PK0000GIS009")
    assert market.fails(central_bank(), *approve) == "SHARIAH_APPROVAL_REQUIRED"
    register_document(market, "PR-GIS9", "PROSPECTUS", "PK0000GIS009")
    assert market.fails(central_bank(), *approve) == "SHARIAH_APPROVAL_REQUIRED"
    register_document(market, "SC-GIS9", "SHARIAH_CERTIFICATE", "PK0000GIS009")
    market.ok(central_bank(), *approve)


# -- 8. audit ------------------------------------------------------------------------------


def test_the_regulator_reads_a_records_history_with_its_submitters(market: Market) -> None:
    market.ok(central_bank(), "control:FreezeHolding", BOND, "IPS-BILAL", str(MILLION), COURT)
    market.ok(treasury(), "control:ForcedTransfer", {
        "instrument_id": BOND, "from_account": "IPS-BILAL", "to_account": "IPS-CHEN",
        "amount": MILLION, "order": COURT,
    })  # fmt: skip
    history = market.query("audit:History", "holding", [BOND, "IPS-BILAL"])
    assert isinstance(history, list)
    assert [(h["submitted_by"], h["function"]) for h in history] == [
        ("TreasuryMSP/debt-office", "control:ForcedTransfer"),
        ("CentralBankMSP/alpha-ops", "holding:Transfer"),
    ]
    assert json.loads(history[0]["value"])["amount"] == 4 * MILLION
    assert history[0]["tx_id"] == market.results[-2].txid
    assert history[0]["timestamp"].endswith("Z")
    freeze = market.query("audit:History", "holding-freeze", [BOND, "IPS-BILAL"])
    assert isinstance(freeze, list)
    assert [h["is_delete"] for h in freeze] == [True, False]  # frozen, then moved by the court
    action = market.query("audit:History", "control-action", ["CA-000002"])
    assert isinstance(action, list)
    assert action[0]["function"] == "control:ForcedTransfer"
    assert market.fails(treasury(), "audit:History", "account", ["SGL-ALPHA"]) == "UNAUTHORIZED"
    assert market.fails(central_bank(), "audit:History", "holding", [BOND]) == "INVALID_ARGUMENT"
    assert market.fails(central_bank(), "audit:History", "nothing", []) == "INVALID_ARGUMENT"


def test_the_kill_switch_knows_every_state_change() -> None:
    """Every submit transaction of every contract is one the kill switch stops (its
    release aside): none escapes by living in a mixin or another module."""
    from sovereign_assets.contracts import all_contracts
    from sovereign_assets.contracts.base import SovereignContract

    contracts = {c.contract_name(): c for c in all_contracts() if isinstance(c, SovereignContract)}
    metadata = chaincode.metadata()["contracts"]
    assert isinstance(metadata, dict)
    submits = [
        (namespace, tx["name"])
        for namespace, contract in metadata.items()
        for tx in contract["transactions"]
        if "SUBMIT" in tx["tag"]
    ]
    assert len(submits) > 40
    for namespace, name in submits:
        assert contracts[namespace]._method_of(name) is not None, f"{namespace}:{name}"
