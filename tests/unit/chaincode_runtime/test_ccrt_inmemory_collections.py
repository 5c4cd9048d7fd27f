"""The in-memory ledger answers private data calls as a peer does once a chaincode has
collection definitions: unknown collections refused, member-only reads and writes, and
the hash readable by anyone (every peer holds the hashes)."""

from __future__ import annotations

import hashlib

from conformance_chaincode import chaincode as conformance
from fabric_chaincode.testing import (
    CollectionDefinition,
    InMemoryLedger,
    creator_bytes,
    run_transaction,
)

NS = "conformance"
ALPHA = creator_bytes("AlphaMSP", b"-----BEGIN CERTIFICATE-----\nalpha\n")
BETA = creator_bytes("BetaMSP", b"-----BEGIN CERTIFICATE-----\nbeta\n")


def ledger_with_alpha_collection() -> InMemoryLedger:
    ledger = InMemoryLedger("sovereign", organizations=("AlphaMSP", "BetaMSP"))
    ledger.define_collections(
        NS,
        [
            CollectionDefinition(
                "pii_AlphaMSP", frozenset({"AlphaMSP"}), endorsers=frozenset({"AlphaMSP"})
            )
        ],
    )
    return ledger


def test_without_definitions_every_collection_name_is_accepted() -> None:
    ledger = InMemoryLedger()
    result = run_transaction(
        conformance, ledger, "put_private", "anything", "k", namespace=NS, transient={"value": b"v"}
    )
    assert result.committed
    assert ledger.get(NS, "k", "anything") == b"v"


def test_an_undefined_collection_is_refused_as_on_a_peer() -> None:
    ledger = ledger_with_alpha_collection()
    for function, args in (("put_private", ("pii_BetaMSP", "k")), ("get_private_hash", ("x", "k"))):
        result = run_transaction(
            conformance, ledger, function, *args, namespace=NS, creator=ALPHA,
            transient={"value": b"v"},
        )  # fmt: skip
        assert not result.ok
        assert f"collection sovereign/{NS}/{args[0]} could not be found" in result.response.message
    implicit = run_transaction(
        conformance, ledger, "put_private", "_implicit_org_BetaMSP", "k",
        namespace=NS, creator=BETA, transient={"value": b"v"},
    )  # fmt: skip
    assert implicit.committed  # implicit collections exist without a definition


def test_members_write_and_read_others_see_only_the_hash() -> None:
    ledger = ledger_with_alpha_collection()
    written = run_transaction(
        conformance, ledger, "put_private", "pii_AlphaMSP", "k",
        namespace=NS, creator=ALPHA, transient={"value": b"secret"},
    )  # fmt: skip
    assert written.committed
    assert written.writes == {("pii_AlphaMSP", "k"): b"secret"}
    read = run_transaction(
        conformance, ledger, "get_private", "pii_AlphaMSP", "k", namespace=NS, creator=ALPHA
    )
    assert read.text() == "secret"
    refused = run_transaction(
        conformance, ledger, "get_private", "pii_AlphaMSP", "k", namespace=NS, creator=BETA
    )
    assert not refused.ok
    assert "tx creator does not have read access permission on privatedata" in (
        refused.response.message
    )
    hashed = run_transaction(
        conformance, ledger, "get_private_hash", "pii_AlphaMSP", "k", namespace=NS, creator=BETA
    )
    assert hashed.text() == hashlib.sha256(b"secret").hexdigest()
    missing = run_transaction(
        conformance, ledger, "get_private_hash", "pii_AlphaMSP", "nope", namespace=NS, creator=BETA
    )
    assert missing.text() == ""


def test_a_non_member_cannot_write_a_member_only_collection() -> None:
    ledger = ledger_with_alpha_collection()
    result = run_transaction(
        conformance, ledger, "put_private", "pii_AlphaMSP", "k",
        namespace=NS, creator=BETA, transient={"value": b"v"},
    )  # fmt: skip
    assert not result.committed
    assert "tx creator does not have write access permission on privatedata" in (
        result.response.message
    )
    assert ledger.get(NS, "k", "pii_AlphaMSP") is None
