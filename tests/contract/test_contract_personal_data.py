"""Investor personal data: recorded privately by the registering org alone, the public
record carrying only the ledger's hash of it, nothing personal in state or events."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import time

import pytest

from fabric_chaincode import create_composite_key
from sovereign_assets.schema.messages import InvestorSpec
from sovereign_assets.schema.privacy import PurgeReason, personal_data_record
from sovereign_client import SovereignClient
from sovereign_client.errors import InvalidArgumentError, PersonalDataMissingError
from sovereign_network import collections as network_collections
from sovereign_network import topology

from .market import (
    CENTRAL_BANK,
    NAMESPACE,
    ORGS,
    TEST_SALT,
    Market,
    auction_bids_collection,
    central_bank,
    central_bank_admin,
    dealer_alpha,
    exchange,
    governance_config,
    personal_data_collections,
    pii_transient,
    snapshot,
    treasury,
)
from .test_contract_typed_client import MarketInvoker

PII = b'{"name":"Zara Khan","cnic":"42101-7654321-9"}'
RECORD = personal_data_record(PII, TEST_SALT)
FINGERPRINT = hashlib.sha256(RECORD).hexdigest()
SPEC = {
    "investor_id": "INV-ZARA",
    "kyc": "VERIFIED",
    "residency": "RESIDENT",
    "investor_type": "INDIVIDUAL",
    "tax_status": "FILER",
}
COLLECTION = f"pii_{CENTRAL_BANK}"
KEY = create_composite_key("pii", ["INV-ZARA"])


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    market.ok(central_bank_admin(), "governance:Bootstrap", governance_config())
    return market


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def public_bytes(market: Market) -> bytes:
    return b"".join(v for _, v in market.ledger.scan(NAMESPACE, "", "", ""))


def test_registration_without_personal_data_is_refused(market: Market) -> None:
    assert market.fails(dealer_alpha(), "investor:Register", SPEC) == "PERSONAL_DATA_MISSING"


def test_recording_writes_the_callers_collection_only_and_emits_nothing(market: Market) -> None:
    market.open_today()
    before = snapshot(market.ledger)
    receipt = market.call(
        dealer_alpha(), "investor:RecordPersonalData", "INV-ZARA", transient=pii_transient(PII)
    )
    assert receipt.ok, receipt.response.message
    assert receipt.writes == {(COLLECTION, KEY): RECORD}
    assert receipt.event is None
    assert receipt.json() == {
        "investor_id": "INV-ZARA",
        "collection": COLLECTION,
        "pii_sha256": FINGERPRINT,
    }
    after = snapshot(market.ledger)
    assert {k for k in after if k not in before} == {(COLLECTION, KEY)}
    unknown = market.call(central_bank(), "investor:Get", "INV-ZARA")
    assert unknown.response.message.startswith("UNKNOWN_INVESTOR")  # nothing public yet


def test_the_public_record_carries_the_ledgers_hash_and_no_personal_data(market: Market) -> None:
    record = market.register(dealer_alpha(), SPEC, PII)
    assert isinstance(record, dict)
    assert record["pii_sha256"] == FINGERPRINT
    assert record["pii_collection"] == COLLECTION
    assert record["registered_by"] == CENTRAL_BANK
    assert b"Zara" not in public_bytes(market)
    assert b"42101-7654321-9" not in public_bytes(market)
    for result in market.results:
        if result.event is not None:
            assert b"Zara" not in result.event.payload
            assert b"42101" not in result.event.payload
    register = market.results[-1]
    assert {collection for collection, _ in register.writes} == {""}  # public only


def test_the_hash_read_is_the_callers_orgs_collection(market: Market) -> None:
    """Another org's onboarding desk cannot register on data the central bank recorded."""
    market.ok(
        dealer_alpha(), "investor:RecordPersonalData", "INV-ZARA", transient=pii_transient(PII)
    )
    assert market.fails(exchange(), "investor:Register", SPEC) == "PERSONAL_DATA_MISSING"


def test_recording_again_before_registering_replaces_the_data(market: Market) -> None:
    market.ok(
        dealer_alpha(), "investor:RecordPersonalData", "INV-ZARA", transient=pii_transient(b"old")
    )
    record = market.register(dealer_alpha(), SPEC, PII)
    assert isinstance(record, dict)
    assert record["pii_sha256"] == FINGERPRINT
    assert market.ledger.get(NAMESPACE, KEY, COLLECTION) == RECORD


def test_the_typed_client_records_privately_then_registers(market: Market) -> None:
    invoker = MarketInvoker(market, dealer_alpha())
    client = SovereignClient(invoker)
    spec = InvestorSpec("INV-ZARA", "VERIFIED", "RESIDENT", "INDIVIDUAL", "FILER")
    # A failed second step leaves the data recorded; the retried registration succeeds.
    with pytest.raises(InvalidArgumentError):
        client.investors.register(InvestorSpec("INV-ZARA", "SURE", "RESIDENT", "X", "Y"), b"v1")
    record = client.investors.register(spec, PII)
    # The client drew a fresh secret salt: only the collection's record reproduces the hash.
    stored = market.ledger.get(NAMESPACE, KEY, COLLECTION)
    assert stored is not None
    assert record.pii_sha256 == hashlib.sha256(stored).hexdigest() != FINGERPRINT
    assert json.loads(stored)["pii"] == base64.b64encode(PII).decode()
    assert record.pii_collection == COLLECTION
    assert invoker.own_org_only == ["investor:RecordPersonalData"] * 2
    yusuf = SPEC | {"investor_id": "INV-YUSUF"}
    with pytest.raises(PersonalDataMissingError):
        MarketInvoker(market, exchange()).submit("investor:Register", [json.dumps(yusuf)])


def test_the_test_ledger_defines_the_collections_the_network_deploys() -> None:
    deployed = {c["name"]: c for c in network_collections.collections_config(topology.load())}
    bids = auction_bids_collection()
    assert deployed.pop(bids.name)["policy"] == "OR('TreasuryMSP.member','CentralBankMSP.member')"
    assert bids.members == bids.endorsers == frozenset({"TreasuryMSP", "CentralBankMSP"})
    modelled = {c.name: c for c in personal_data_collections()}
    assert set(deployed) == set(modelled) == {f"pii_{msp}" for msp in ORGS}
    for name, definition in modelled.items():
        (msp,) = definition.members
        assert definition.endorsers == frozenset({msp})
        assert deployed[name]["policy"] == f"OR('{msp}.member')"
        assert deployed[name]["endorsementPolicy"] == {"signaturePolicy": f"OR('{msp}.peer')"}
        assert deployed[name]["memberOnlyRead"] is definition.member_only_read
        assert deployed[name]["memberOnlyWrite"] is definition.member_only_write


def test_the_public_fingerprint_cannot_be_reversed_by_trying_candidates(market: Market) -> None:
    """The issue's attack: a member reads investor:Get and hashes every CNIC of a district."""
    person = b'{"name": "Test Person", "cnic": "42101-0031337-1"}'
    spec = SPEC | {"investor_id": "INV-TEST"}
    market.ok(
        dealer_alpha(),
        "investor:RecordPersonalData",
        "INV-TEST",
        transient=pii_transient(person, salt=secrets.token_bytes(32)),
        endorsing_orgs=[CENTRAL_BANK],
    )
    public = market.ok(dealer_alpha(), "investor:Register", spec)
    assert isinstance(public, dict)
    seen = public["pii_sha256"]
    started = time.perf_counter()
    tried = 0
    for serial in range(31_000, 32_000):
        for check in range(10):
            candidate = f'{{"name": "Test Person", "cnic": "42101-00{serial}-{check}"}}'.encode()
            tried += 1
            assert hashlib.sha256(candidate).hexdigest() != seen
            assert hashlib.sha256(personal_data_record(candidate, b"")).hexdigest() != seen
    assert tried == 10_000
    assert time.perf_counter() - started < 5  # the attack is cheap; it just finds nothing
    # Every peer's hash of the private record (it is in the blocks) is that same salted hash.
    key = create_composite_key("pii", ["INV-TEST"])
    stored = market.ledger.get(NAMESPACE, key, COLLECTION)
    assert stored is not None
    assert hashlib.sha256(stored).hexdigest() == seen


@pytest.mark.parametrize("salt", [None, b"", b"x" * 31])
def test_personal_data_without_a_long_enough_salt_is_refused(
    market: Market, salt: bytes | None
) -> None:
    transient = {"pii": PII} if salt is None else pii_transient(PII, salt=salt)
    assert (
        market.fails(dealer_alpha(), "investor:RecordPersonalData", "INV-ZARA", transient=transient)
        == "INVALID_ARGUMENT"
    )


def test_the_registering_org_purges_the_data_and_the_hash_stays(market: Market) -> None:
    market.register(dealer_alpha(), SPEC, PII)
    status = market.ok(
        dealer_alpha(),
        "investor:PersonalDataStatus",
        "INV-ZARA",
        endorsing_orgs=[CENTRAL_BANK],
        commit=False,
    )
    assert status == {
        "investor_id": "INV-ZARA",
        "collection": COLLECTION,
        "held": True,
        "held_sha256": FINGERPRINT,
        "pii_sha256": FINGERPRINT,
    }
    # Refusals change nothing (market.fails compares every key before and after).
    for creator, args, code in (
        (dealer_alpha(), ("INV-ZARA", "BORED"), "INVALID_ARGUMENT"),
        (exchange(), ("INV-ZARA", "LEGAL_ORDER"), "PERSONAL_DATA_MISSING"),  # not its data
        (treasury(), ("INV-ZARA", "LEGAL_ORDER"), "UNAUTHORIZED"),  # no onboarding
        (dealer_alpha(), ("INV-NOBODY", "LEGAL_ORDER"), "PERSONAL_DATA_MISSING"),
    ):
        assert market.fails(creator, "investor:PurgePersonalData", *args) == code
    before = snapshot(market.ledger)
    purged = market.call(
        dealer_alpha(),
        "investor:PurgePersonalData",
        "INV-ZARA",
        "DATA_SUBJECT_REQUEST",
        endorsing_orgs=[CENTRAL_BANK],  # the collection's own policy: the org alone
    )
    assert purged.ok, purged.response.message
    assert purged.committed, purged.validation_code
    assert purged.json() == {
        "investor_id": "INV-ZARA",
        "collection": COLLECTION,
        "reason": "DATA_SUBJECT_REQUEST",
        "pii_sha256": FINGERPRINT,
    }
    after = snapshot(market.ledger)
    # Exactly the private record went; the public registry entry and its hash stay.
    assert set(before) - set(after) == {(COLLECTION, KEY)}
    assert {k: v for k, v in before.items() if k != (COLLECTION, KEY)} == after
    assert market.ledger.get(NAMESPACE, KEY, COLLECTION) is None
    assert purged.event is not None
    assert purged.event.name == "PersonalDataPurged"
    assert json.loads(purged.event.payload) == {
        "registered_by": CENTRAL_BANK,
        "reason": "DATA_SUBJECT_REQUEST",
    }
    record = market.query("investor:Get", "INV-ZARA")
    assert isinstance(record, dict)
    assert record["pii_sha256"] == FINGERPRINT
    gone = market.ok(
        dealer_alpha(),
        "investor:PersonalDataStatus",
        "INV-ZARA",
        endorsing_orgs=[CENTRAL_BANK],
        commit=False,
    )
    assert isinstance(gone, dict)
    assert (gone["held"], gone["held_sha256"], gone["pii_sha256"]) == (False, None, FINGERPRINT)
    assert (
        market.fails(dealer_alpha(), "investor:PurgePersonalData", "INV-ZARA", "LEGAL_ORDER")
        == "PERSONAL_DATA_MISSING"
    )


def test_the_typed_client_purges_with_its_own_org_alone(market: Market) -> None:
    invoker = MarketInvoker(market, dealer_alpha())
    client = SovereignClient(invoker)
    record = client.investors.register(
        InvestorSpec("INV-ZARA", "VERIFIED", "RESIDENT", "INDIVIDUAL", "FILER"), PII
    )
    assert client.investors.personal_data_status("INV-ZARA").held
    receipt = client.investors.purge_personal_data("INV-ZARA", PurgeReason.RETENTION_ENDED)
    assert (receipt.reason, receipt.pii_sha256) == ("RETENTION_ENDED", record.pii_sha256)
    assert invoker.own_org_only[-1] == "investor:PurgePersonalData"
    status = client.investors.personal_data_status("INV-ZARA")
    assert (status.held, status.pii_sha256) == (False, record.pii_sha256)
    with pytest.raises(PersonalDataMissingError):
        client.investors.purge_personal_data("INV-ZARA", "RETENTION_ENDED")
    with pytest.raises(InvalidArgumentError):
        client.investors.purge_personal_data("INV-ZARA", "WHIM")
