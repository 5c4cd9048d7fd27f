"""Governance changes need both controllers; a bootstrap names only the operators' roles.

One controller proposes the exact new configuration, an organisation holding the other
controller role approves it by its hash, and it applies whole and once. Every refusal
leaves the ledger byte for byte as it was (``Market.fails`` compares snapshots, key-level
policies included).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from fabric_chaincode.serialization import dumps
from sovereign_assets.domain.governance_changes import PROPOSAL_LIFETIME_DAYS
from sovereign_assets.operator_config import ROLES_ENV, ROLES_FILE_ENV

from .market import (
    CENTRAL_BANK,
    EXCHANGE,
    TREASURY,
    Market,
    central_bank,
    central_bank_admin,
    exchange,
    governance_config,
    identity,
    snapshot,
    treasury,
)
from .scenario import bootstrap

CHANGED = governance_config(utc_offset_minutes=330)  # PKT +05:30 instead of +05:00


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    return market


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def _propose(market: Market, who: bytes, config: dict[str, object]) -> str:
    proposal = market.ok(who, "governance:Propose", config)
    assert isinstance(proposal, dict)
    return str(proposal["proposal_id"])


def _config(market: Market) -> dict[str, object]:
    got = market.query("governance:Get")
    assert isinstance(got, dict)
    return got


def test_one_proposes_the_other_approves_and_it_applies_once(market: Market) -> None:
    before = _config(market)
    proposal_id = _propose(market, treasury(), CHANGED)
    # Proposed is not applied.
    assert _config(market) == before
    pending = market.query("governance:Proposal", proposal_id)
    assert isinstance(pending, dict)
    assert pending["proposer"] == "TreasuryMSP/debt-office"
    assert pending["proposed_on"] == market.today.isoformat()
    expires = market.today + dt.timedelta(days=PROPOSAL_LIFETIME_DAYS)
    assert pending["expires_on"] == expires.isoformat()
    # The id is the hash of the exact change and the configuration it amends.
    stored = market.ledger.scan("sovereign", "", "\x00governance\x00", "\x00governance\x01")
    base = hashlib.sha256(dict(stored)["\x00governance\x00config\x00"]).hexdigest()
    assert pending["base"] == base
    expected = hashlib.sha256(dumps({"base": base, "config": pending["config"]})).hexdigest()
    assert proposal_id == expected

    applied = market.ok(central_bank(), "governance:Approve", proposal_id)
    assert isinstance(applied, dict)
    assert applied["utc_offset_minutes"] == 330
    event = market.results[-1].event
    assert event is not None
    assert event.name == "GovernanceUpdated"
    assert json.loads(event.payload)["approver_msp"] == CENTRAL_BANK
    assert _config(market)["utc_offset_minutes"] == 330
    assert market.query("governance:Proposals") == []
    # Exactly once: the proposal is gone.
    assert market.fails(central_bank(), "governance:Approve", proposal_id) == "NOT_FOUND"


def test_the_central_bank_proposes_and_the_treasury_approves(market: Market) -> None:
    proposal_id = _propose(market, central_bank(), CHANGED)
    market.ok(treasury(), "governance:Approve", proposal_id)
    assert _config(market)["utc_offset_minutes"] == 330


def test_one_organisation_cannot_approve_its_own_proposal(market: Market) -> None:
    proposal_id = _propose(market, treasury(), CHANGED)
    treasury_admin = identity(TREASURY, "tr-admin", None, admin=True)
    for same_org in (treasury(), treasury_admin):
        assert market.fails(same_org, "governance:Approve", proposal_id) == (
            "SECOND_CONTROLLER_REQUIRED"
        )
    cb_proposal = _propose(market, central_bank_admin(), governance_config(utc_offset_minutes=0))
    assert cb_proposal != proposal_id
    assert market.fails(central_bank(), "governance:Approve", cb_proposal) == (
        "SECOND_CONTROLLER_REQUIRED"
    )
    # Not a controller at all: the exchange, a dealer of the central bank's MSP.
    dealer = identity(CENTRAL_BANK, "alpha-ops", "primary_dealer")
    for outsider in (exchange(), dealer, identity(EXCHANGE, "ex-admin", None, admin=True)):
        assert market.fails(outsider, "governance:Approve", proposal_id) == "UNAUTHORIZED"
        assert market.fails(outsider, "governance:Propose", CHANGED) == "UNAUTHORIZED"
        assert market.fails(outsider, "governance:Withdraw", proposal_id) == "UNAUTHORIZED"


def test_a_proposal_goes_stale_when_governance_changes_first(market: Market) -> None:
    first = _propose(market, treasury(), CHANGED)
    second = _propose(market, treasury(), governance_config(utc_offset_minutes=360))
    market.ok(central_bank(), "governance:Approve", first)
    assert market.fails(central_bank(), "governance:Approve", second) == "PROPOSAL_STALE"
    assert _config(market)["utc_offset_minutes"] == 330  # the first change, not the second
    market.ok(treasury(), "governance:Withdraw", second)


def test_a_proposal_expires_and_can_be_made_again(market: Market) -> None:
    proposal_id = _propose(market, treasury(), CHANGED)
    market.on(market.today + dt.timedelta(days=PROPOSAL_LIFETIME_DAYS))
    market.open_today()
    last_day = copy.deepcopy(market)
    last_day.ok(central_bank(), "governance:Approve", proposal_id)
    market.on(market.today + dt.timedelta(days=1))
    assert market.fails(central_bank(), "governance:Approve", proposal_id) == "PROPOSAL_EXPIRED"
    # The same change again replaces the expired one, with a new expiry.
    assert _propose(market, treasury(), CHANGED) == proposal_id
    market.ok(central_bank(), "governance:Approve", proposal_id)
    assert _config(market)["utc_offset_minutes"] == 330


def test_either_controller_withdraws(market: Market) -> None:
    for withdrawer in (treasury(), central_bank()):
        proposal_id = _propose(market, treasury(), CHANGED)
        market.ok(withdrawer, "governance:Withdraw", proposal_id)
        assert market.fails(central_bank(), "governance:Approve", proposal_id) == "NOT_FOUND"
        assert market.fails(treasury(), "governance:Withdraw", proposal_id) == "NOT_FOUND"
    assert _config(market)["utc_offset_minutes"] == 300


def test_proposals_that_are_refused_outright(market: Market) -> None:
    _propose(market, treasury(), CHANGED)
    assert market.fails(treasury(), "governance:Propose", CHANGED) == "ALREADY_EXISTS"
    assert market.fails(central_bank(), "governance:Propose", CHANGED) == "ALREADY_EXISTS"
    assert market.fails(treasury(), "governance:Propose", governance_config()) == (
        "INVALID_ARGUMENT"
    )
    # One organisation in both controller roles would agree with itself.
    both = {"issuer": [TREASURY], "registrar": [TREASURY, CENTRAL_BANK], "exchange": [EXCHANGE]}
    assert market.fails(treasury(), "governance:Propose", governance_config(org_roles=both)) == (
        "INVALID_ARGUMENT"
    )
    for bad_id in ("", "ABC", "0" * 63, "G" * 64, "0" * 64 + "\n"):
        assert market.fails(central_bank(), "governance:Approve", bad_id) == "INVALID_ARGUMENT"
    assert market.fails(central_bank(), "governance:Approve", "0" * 64) == "NOT_FOUND"


def test_an_approval_without_both_organisations_peers_does_not_commit(market: Market) -> None:
    proposal_id = _propose(market, treasury(), CHANGED)
    before = snapshot(market.ledger)
    for endorsers in ([CENTRAL_BANK, EXCHANGE], [TREASURY, EXCHANGE]):
        result = market.call(
            central_bank(), "governance:Approve", proposal_id, endorsing_orgs=endorsers
        )
        assert result.ok
        assert not result.committed
        assert result.validation_code == "ENDORSEMENT_POLICY_FAILURE"
        assert snapshot(market.ledger) == before
    market.ok(central_bank(), "governance:Approve", proposal_id)


# -- the first bootstrap names only the roles every operator configured ---------------------


def test_a_bootstrap_naming_anyone_else_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    market = Market()
    # The treasury's admin crowns itself registrar (it signs, so authorization passes).
    takeover = {"issuer": [TREASURY], "registrar": [TREASURY], "exchange": [EXCHANGE]}
    treasury_admin = identity(TREASURY, "tr-admin", None, admin=True)
    config = governance_config(org_roles=takeover)
    assert market.fails(treasury_admin, "governance:Bootstrap", config) == "INVALID_ARGUMENT"
    takeover = {"issuer": [CENTRAL_BANK], "registrar": [TREASURY], "exchange": [EXCHANGE]}
    config = governance_config(org_roles=takeover)
    assert market.fails(treasury_admin, "governance:Bootstrap", config) == (
        "BOOTSTRAP_ROLES_MISMATCH"
    )
    # Leaving a role out is naming others too.
    partial = {"issuer": [TREASURY], "registrar": [CENTRAL_BANK]}
    assert market.fails(
        central_bank_admin(), "governance:Bootstrap", governance_config(org_roles=partial)
    ) == ("BOOTSTRAP_ROLES_MISMATCH")
    # A server whose operator configured nothing endorses no bootstrap.
    monkeypatch.delenv(ROLES_ENV)
    assert market.fails(central_bank_admin(), "governance:Bootstrap", governance_config()) == (
        "BOOTSTRAP_ROLES_MISMATCH"
    )
    monkeypatch.undo()
    market.ok(central_bank_admin(), "governance:Bootstrap", governance_config())


def test_the_operators_roles_file_is_read_strictly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    market = Market()
    roles_file = tmp_path / "org-roles.json"
    monkeypatch.setenv(ROLES_FILE_ENV, str(roles_file))
    for text in (
        # the central bank named twice: the last would win with a lax parser
        '{"issuer":["TreasuryMSP"],"registrar":["TreasuryMSP"],'
        '"registrar":["CentralBankMSP"],"exchange":["ExchangeMSP"]}',
        '["TreasuryMSP"]',
        '{"issuer":"TreasuryMSP"}',
        "",
    ):
        roles_file.write_text(text)
        assert market.fails(central_bank_admin(), "governance:Bootstrap", governance_config()) == (
            "BOOTSTRAP_ROLES_MISMATCH"
        )
    roles_file.unlink()
    assert market.fails(central_bank_admin(), "governance:Bootstrap", governance_config()) == (
        "BOOTSTRAP_ROLES_MISMATCH"
    )
    # The file wins over the inline variable; order and empty roles do not matter.
    roles_file.write_text(
        '{"exchange":["ExchangeMSP"],"registrar":["CentralBankMSP"],'
        '"issuer":["TreasuryMSP"],"auditor":[]}'
    )
    monkeypatch.setenv(ROLES_ENV, "{}")
    market.ok(central_bank_admin(), "governance:Bootstrap", governance_config())
