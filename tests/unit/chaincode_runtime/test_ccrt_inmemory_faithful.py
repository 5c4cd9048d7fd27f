"""The in-memory ledger hides nothing a peer would refuse: an empty value is a delete, a
paged query makes a transaction read-only, key-level and collection endorsement policies are
checked against the endorsing organisations, and concurrently simulated transactions conflict
(MVCC and phantom reads) as on a committing peer."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from fabric_chaincode import (
    Context,
    Contract,
    ContractChaincode,
    KeyEndorsementPolicy,
    Role,
    evaluate,
    submit,
)
from fabric_chaincode.testing import (
    CollectionDefinition,
    InMemoryLedger,
    TransactionResult,
    commit_transaction,
    creator_bytes,
    run_transaction,
    simulate_transaction,
)

NS = "faithful"
ORGS = ("AlphaMSP", "BetaMSP", "GammaMSP")
ALPHA = creator_bytes("AlphaMSP", b"-----BEGIN CERTIFICATE-----\nalpha\n")


class Probe(Contract):
    name = "probe"

    @submit
    def put(self, ctx: Context, key: str, value: str) -> None:
        ctx.stub.put_state(key, value.encode())

    @evaluate
    def get(self, ctx: Context, key: str) -> str:
        value = ctx.stub.get_state(key)
        return "<none>" if value is None else value.decode()

    @submit
    def add(self, ctx: Context, key: str, amount: int) -> int:
        total = int((ctx.stub.get_state(key) or b"0").decode()) + amount
        ctx.stub.put_state(key, str(total).encode())
        return total

    @submit
    def count_then_put(self, ctx: Context, key: str) -> int:
        with ctx.stub.get_state_by_range("item/", "item0") as items:
            count = sum(1 for _ in items)
        ctx.stub.put_state(key, str(count).encode())
        return count

    @submit
    def page_then_put(self, ctx: Context) -> None:
        ctx.stub.get_state_by_range_with_pagination("", "", 10)
        ctx.stub.put_state("after-page", b"x")

    @submit
    def put_then_page(self, ctx: Context) -> None:
        ctx.stub.put_state("before-page", b"x")
        ctx.stub.get_state_by_range_with_pagination("", "", 10)

    @submit
    def partial_page_then_policy(self, ctx: Context) -> None:
        ctx.stub.get_state_by_partial_composite_key_with_pagination("item", [], 10)
        ctx.stub.set_state_validation_parameter("k", KeyEndorsementPolicy.of(["AlphaMSP"]).policy())

    @submit
    def private_range_then_put(self, ctx: Context) -> None:
        ctx.stub.get_private_data_by_range("secrets", "", "")
        ctx.stub.put_state("after-private-query", b"x")

    @submit
    def protect(self, ctx: Context, key: str, msp_ids: list[str]) -> None:
        ctx.stub.put_state(key, b"protected")
        ctx.stub.set_state_validation_parameter(
            key, KeyEndorsementPolicy.of(msp_ids, Role.PEER).policy()
        )

    @submit
    def put_private(self, ctx: Context, collection: str, key: str, value: str) -> None:
        ctx.stub.put_private_data(collection, key, value.encode())

    @evaluate
    def get_private(self, ctx: Context, collection: str, key: str) -> str:
        value = ctx.stub.get_private_data(collection, key)
        return "<none>" if value is None else value.decode()


CHAINCODE = ContractChaincode(Probe())


def ledger() -> InMemoryLedger:
    ledger = InMemoryLedger(organizations=ORGS)
    ledger.define_collections(
        NS,
        [
            CollectionDefinition("secrets", frozenset(ORGS)),
            CollectionDefinition(
                "alpha_only", frozenset({"AlphaMSP"}), endorsers=frozenset({"AlphaMSP"})
            ),
        ],
    )
    return ledger


def run(
    book: InMemoryLedger,
    function: str,
    *args: str,
    endorsing_orgs: Sequence[str] | None = None,
    commit: bool = True,
) -> TransactionResult:
    return run_transaction(
        CHAINCODE,
        book,
        f"probe:{function}",
        *args,
        namespace=NS,
        creator=ALPHA,
        endorsing_orgs=endorsing_orgs,
        commit=commit,
    )


def test_an_empty_value_is_a_delete_as_on_a_peer() -> None:
    book = ledger()
    assert run(book, "put", "k", "v").committed
    assert run(book, "put", "k", "").committed
    assert run(book, "get", "k").text() == "<none>"
    assert book.get(NS, "k") is None
    assert book.history(NS, "k")[0].is_delete
    assert run(book, "put_private", "secrets", "p", "v").committed
    assert run(book, "put_private", "secrets", "p", "").committed
    assert book.get(NS, "p", "secrets") is None


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("page_then_put", "has already performed a paginated query. Writes are not allowed"),
        ("partial_page_then_policy", "has already performed a paginated query"),
        ("put_then_page", "Paginated queries are supported only in a read-only transaction"),
        ("private_range_then_put", "performed queries on pvt data. Writes are not allowed"),
    ],
)
def test_paged_and_private_queries_make_a_transaction_read_only(
    function: str, message: str
) -> None:
    book = ledger()
    result = run(book, function)
    assert not result.ok
    assert not result.committed
    assert book.scan(NS, "", "", "") == []
    # The chaincode saw the peer's refusal (a PeerError), and reported it as unexpected.
    assert result.response.message.startswith("INTERNAL:")


def test_key_level_policies_are_checked_against_the_endorsing_orgs() -> None:
    book = ledger()
    assert run(book, "protect", "bond", '["AlphaMSP","BetaMSP"]').committed
    refused = run(book, "put", "bond", "rewritten", endorsing_orgs=["AlphaMSP", "GammaMSP"])
    assert refused.ok  # the chaincode agreed; the committing peers do not
    assert refused.validation_code == "ENDORSEMENT_POLICY_FAILURE"
    assert not refused.committed
    assert book.get(NS, "bond") == b"protected"
    assert run(book, "put", "bond", "ok", endorsing_orgs=["AlphaMSP", "BetaMSP"]).committed
    # Keys without a policy need the chaincode's: a majority of the three.
    alone = run(book, "put", "free", "x", endorsing_orgs=["AlphaMSP"])
    assert alone.validation_code == "ENDORSEMENT_POLICY_FAILURE"
    assert run(book, "put", "free", "x", endorsing_orgs=["AlphaMSP", "GammaMSP"]).committed


def test_a_collection_with_its_own_policy_is_validated_against_it() -> None:
    book = ledger()
    alpha_alone = run(book, "put_private", "alpha_only", "k", "v", endorsing_orgs=["AlphaMSP"])
    assert alpha_alone.committed
    others = run(
        book, "put_private", "alpha_only", "k", "w", endorsing_orgs=["BetaMSP", "GammaMSP"]
    )
    assert others.validation_code == "ENDORSEMENT_POLICY_FAILURE"
    assert book.get(NS, "k", "alpha_only") == b"v"


def test_concurrent_read_modify_write_conflicts() -> None:
    book = ledger()
    assert run(book, "add", "balance", "100").committed
    first = simulate_transaction(CHAINCODE, book, "probe:add", "balance", "5", namespace=NS)
    second = simulate_transaction(CHAINCODE, book, "probe:add", "balance", "7", namespace=NS)
    assert commit_transaction(first).committed
    late = commit_transaction(second)
    assert late.ok
    assert not late.committed
    assert late.validation_code == "MVCC_READ_CONFLICT"
    assert book.get(NS, "balance") == b"105"  # never 107 or 112


def test_a_key_inserted_into_a_scanned_range_is_a_phantom() -> None:
    book = ledger()
    assert run(book, "put", "item/1", "a").committed
    counting = simulate_transaction(CHAINCODE, book, "probe:count_then_put", "count", namespace=NS)
    assert commit_transaction(
        simulate_transaction(CHAINCODE, book, "probe:put", "item/2", "b", namespace=NS)
    ).committed
    assert commit_transaction(counting).validation_code == "PHANTOM_READ_CONFLICT"
    assert book.get(NS, "count") is None


def test_an_evaluation_is_never_committed() -> None:
    book = ledger()
    result = run(book, "put", "k", "v", commit=False)
    assert result.ok
    assert not result.committed
    assert result.validation_code is None
    assert book.get(NS, "k") is None


def test_the_go_shim_sequence_runs_in_memory_as_it_ran_on_the_peers() -> None:
    """The interop tier compares this run with the Go shim's on real peers, request by
    request; here, without a network, the facts that test pins on the Go side."""
    from tests.interop import test_go_shim_conformance as differential

    run = "unit"
    outcomes, sets = differential._in_memory(differential._sequence(run))
    answers = dict(enumerate(outcomes))
    assert answers[0].evaluated == differential.Answer(True, b"")
    assert sets[0] == differential.RwSet(reads=((f"{run}-alice", False),), writes=())
    assert sets[3] == differential.RwSet(reads=(), writes=((f"{run}-empty", b"", True),))
    assert answers[4].submitted.payload == b""  # the empty put was a delete
    assert answers[9].submitted.payload == "قيمة ✓ 😀".encode()
    assert answers[11].submitted.payload == b"\xff\xfe\x00\x01"
    assert sets[21] == differential.RwSet(
        reads=((f"{run}-alice", True),), writes=((f"{run}-alice", b"75", False),)
    )
    assert answers[24].submitted.payload == b"-970"
    assert answers[32].submitted.payload == str(-(1 << 63)).encode()
    refused = [o.submitted for o in outcomes if not o.submitted.ok]
    assert len(refused) == 24, refused
    assert all(a.status == 500 for a in refused)
    messages = {a.message for a in refused}
    assert "amount must be an integer" in messages
    assert 'strconv.ParseInt: parsing "\\xff\\xfe\\x00\\x01": invalid syntax' in messages
