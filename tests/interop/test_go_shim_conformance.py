"""Our chaincode runtime against the official Go shim, on the real consortium, byte for byte.

The Go baseline chaincode (``kv-chaincode-main.go`` on fabric-chaincode-go v2, shipped with
the project's Fabric release archives under ``shared/fabric/baseline``) is deployed as
chaincode ``kvgo`` with its own binary as each org's chaincode server; the same three
transactions on our runtime (:mod:`conformance_chaincode.kv`) are deployed as ``kvpy`` on the
same channel. One sequence of requests runs against both: missing keys, empty values,
non-ASCII keys and values, raw bytes, a transfer from a key to itself, transfers that overdraw,
bad amounts and stored balances that are not integers, wrong argument counts, unknown
functions, the empty key. For every request the two must give the same answer (status,
message and payload, evaluated and submitted), and every committed transaction must leave the
same read and write sets in its block (the read versions differ between the namespaces, so
reads compare by key and by whether the key existed).

The same sequence also runs on the in-memory ledger
(:func:`fabric_chaincode.testing.run_transaction`
with the same Python chaincode): its answers and its read and write sets must equal the Go
shim's on the real peers too, so any difference is a defect of the test double.

The Go binary is unpacked from the shared archive into the cache (``SOV_CACHE`` or
``~/.cache/sovereign-ledger``), never into the source tree. The archive is looked for under
``$SOV_SHARED_FABRIC`` or ``../shared/fabric`` next to the repository; without it the test
is skipped with that reason, and with it the test never skips.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from bench import baseline
from tests.consortium import ClientFactory

from fabric_chaincode.__main__ import load_chaincode
from fabric_chaincode.testing import InMemoryLedger, TransactionResult, run_transaction
from fabric_gateway import Contract, GatewayError
from fabric_gateway import Network as Channel
from fabric_gateway.models import Block, BlockTransaction
from sovereign_network import binaries
from sovereign_network.network import Network

pytestmark = pytest.mark.network

REPO = Path(__file__).resolve().parents[2]
GO_CHAINCODE = "kvgo"
PY_CHAINCODE = "kvpy"
PY_MODULE = "conformance_chaincode.kv:chaincode"
CALL_TIMEOUT_S = 30
INT64_MAX = (1 << 63) - 1
_CHAINCODE_RESPONSE = re.compile(r"chaincode response (\d+), (.*)$", re.S)


def go_baseline_binary() -> Path:
    """The Go baseline chaincode, unpacked once into the cache keyed by the archive's digest."""
    try:
        return baseline.go_chaincode()
    except baseline.BaselineUnavailable as exc:
        pytest.skip(f"the Go baseline chaincode is not available: {exc}")


@pytest.fixture(scope="session")
def go_binary() -> Path:
    """The unpacked Go baseline; session-scoped so that, listed first, it skips before ``up``."""
    return go_baseline_binary()


@pytest.fixture(scope="module")
def kv_pair(go_binary: Path, consortium: Network) -> tuple[str, str]:
    """``kvgo`` (the Go binary as each org's server) and ``kvpy`` (ours), on one channel."""
    consortium.deploy_chaincode(name=GO_CHAINCODE, server=[str(go_binary)])
    consortium.deploy_chaincode(name=PY_CHAINCODE, module=PY_MODULE)
    return GO_CHAINCODE, PY_CHAINCODE


# --------------------------------------------------------------------------- running requests


@dataclass(frozen=True)
class Op:
    """One request: ``get`` is evaluated and submitted, everything else submitted."""

    function: str
    args: tuple[str | bytes, ...] = ()

    def __str__(self) -> str:
        return f"{self.function}{self.args!r}"


@dataclass(frozen=True)
class Answer:
    """What the client saw for one call, in terms both chaincodes must agree on."""

    ok: bool
    payload: bytes = b""
    status: int | None = None
    """The chaincode's response status of a refused request (None when the peer gave none)."""
    message: str = ""
    """The chaincode's message of a refused request (the peer's text when it gave none)."""
    grpc_code: str = ""
    validation: str = ""
    """Commit status name of a submitted transaction (``VALID`` ...)."""


@dataclass(frozen=True)
class RwSet:
    """One committed transaction's public reads and writes in its chaincode's namespace."""

    reads: tuple[tuple[str, bool], ...]
    """(key, whether a committed version existed), in the block's order."""
    writes: tuple[tuple[str, bytes, bool], ...]
    """(key, value, is_delete), in the block's order."""


@dataclass(frozen=True)
class Outcome:
    """One request against one chaincode."""

    evaluated: Answer | None
    submitted: Answer
    transaction_id: str | None = None
    block_number: int | None = None


def _refusal(error: GatewayError) -> Answer:
    texts = [d.message for d in error.details] + [error.message]
    for text in texts:
        match = _CHAINCODE_RESPONSE.search(text)
        if match:
            return Answer(
                False,
                status=int(match.group(1)),
                message=match.group(2),
                grpc_code=error.code.name if error.code else "",
            )
    return Answer(False, message=texts[0], grpc_code=error.code.name if error.code else "")


def _evaluate(contract: Contract, op: Op) -> Answer:
    try:
        proposal = contract.new_proposal(op.function, arguments=op.args)
        return Answer(True, proposal.evaluate(timeout=CALL_TIMEOUT_S))
    except GatewayError as error:
        return _refusal(error)


def _submit(contract: Contract, op: Op) -> tuple[Answer, str | None, int | None]:
    try:
        submitted = contract.submit_async(op.function, arguments=op.args)
    except GatewayError as error:
        return _refusal(error), error.transaction_id, None
    status = submitted.status(timeout=CALL_TIMEOUT_S)
    answer = Answer(True, submitted.result, validation=status.code_name)
    return answer, status.transaction_id, status.block_number


def _run(contract: Contract, op: Op) -> Outcome:
    evaluated = _evaluate(contract, op) if op.function == "get" else None
    submitted, transaction_id, block_number = _submit(contract, op)
    return Outcome(evaluated, submitted, transaction_id, block_number)


def _blocks(channel: Channel, first: int, last: int) -> Iterator[Block]:
    """Committed blocks ``first..last`` from the peer's block events."""
    with channel.get_block_events(start_block=first, timeout=CALL_TIMEOUT_S) as blocks:
        for block in blocks:
            yield block
            if block.number >= last:
                return


def _rwset(transaction: BlockTransaction, namespace: str) -> RwSet:
    sets = [s for s in transaction.read_write_sets if s.namespace == namespace]
    assert len(sets) == 1, f"{transaction.transaction_id}: namespaces {transaction.read_write_sets}"
    return RwSet(
        reads=tuple((r.key, r.version is not None) for r in sets[0].reads),
        writes=tuple((w.key, w.value, w.is_delete) for w in sets[0].writes),
    )


def _committed(channel: Channel, outcomes: Sequence[Outcome], namespace: str) -> list[RwSet | None]:
    """The read and write sets of each committed outcome, fetched from its block."""
    numbers = [o.block_number for o in outcomes if o.block_number is not None]
    if not numbers:
        return [None] * len(outcomes)
    found: dict[str, BlockTransaction] = {}
    for block in _blocks(channel, min(numbers), max(numbers)):
        for transaction in block.transactions:
            found[transaction.transaction_id] = transaction
    result: list[RwSet | None] = []
    for outcome in outcomes:
        if outcome.block_number is None:
            result.append(None)
            continue
        assert outcome.transaction_id in found, f"{outcome.transaction_id} not in its block"
        transaction = found[outcome.transaction_id]
        assert transaction.valid, transaction.validation_code_name
        assert transaction.chaincode_name == namespace
        result.append(_rwset(transaction, namespace))
    return result


# --------------------------------------------------------------------------- in memory


def _memory_answer(result: TransactionResult) -> Answer:
    if not result.ok:
        return Answer(False, status=result.response.status, message=result.response.message)
    return Answer(True, result.payload, validation=result.validation_code or "")


def _in_memory(ops: Sequence[Op]) -> tuple[list[Outcome], list[RwSet | None]]:
    """The sequence on the in-memory ledger: ``get`` evaluated then submitted, as above."""
    ledger = InMemoryLedger()
    chaincode = load_chaincode(PY_MODULE)
    outcomes: list[Outcome] = []
    sets: list[RwSet | None] = []
    for op in ops:
        evaluated = None
        if op.function == "get":
            evaluation = run_transaction(
                chaincode, ledger, op.function, *op.args, namespace=PY_CHAINCODE, commit=False
            )
            evaluated = _memory_answer(evaluation)
        result = run_transaction(chaincode, ledger, op.function, *op.args, namespace=PY_CHAINCODE)
        answer = _memory_answer(result)
        if not result.ok:
            answer = Answer(False, status=answer.status, message=answer.message)
        outcomes.append(Outcome(evaluated, answer))
        if not result.committed:
            sets.append(None)
            continue
        # Blocks list reads and writes in key order, as the peer's read-write set builder sorts.
        reads = sorted((key, version is not None) for (_, key), version in result.reads.items())
        writes = sorted(
            (key, value or b"", value is None) for (_, key), value in result.writes.items()
        )
        sets.append(RwSet(reads=tuple(reads), writes=tuple(writes)))
    return outcomes, sets


def _comparable(outcome: Outcome) -> tuple[Answer | None, Answer]:
    """What the in-memory ledger can be compared on (no gRPC code, no transaction id)."""

    def strip(answer: Answer | None) -> Answer | None:
        return (
            None
            if answer is None
            else Answer(
                answer.ok, answer.payload, answer.status, answer.message, "", answer.validation
            )
        )

    submitted = strip(outcome.submitted)
    assert submitted is not None
    return strip(outcome.evaluated), submitted


def _sorted(rwset: RwSet | None) -> RwSet | None:
    if rwset is None:
        return None
    return RwSet(reads=tuple(sorted(rwset.reads)), writes=tuple(sorted(rwset.writes)))


# --------------------------------------------------------------------------- the sequence


def _sequence(run: str) -> list[Op]:
    alice, bob = f"{run}-alice", f"{run}-bob"
    empty, raw, bad = f"{run}-empty", f"{run}-raw", f"{run}-bad"
    wide, text = f"{run}-ключ-🔑-مفتاح", f"{run}-text"
    top, bottom = f"{run}-max", f"{run}-min"
    return [
        # Missing keys read as an empty payload; a read of a missing key has no version.
        Op("get", (alice,)),
        Op("put", (alice, "100")),
        Op("get", (alice,)),
        # An empty value is a delete in Fabric; reading it back gives nothing.
        Op("put", (empty, "")),
        Op("get", (empty,)),
        Op("put", (empty, "was set")),
        Op("put", (empty, "")),
        Op("get", (empty,)),
        # Non-ASCII keys and values, raw (non-UTF-8) bytes, control characters, a larger value.
        Op("put", (wide, "قيمة ✓ 😀")),
        Op("get", (wide,)),
        Op("put", (raw, b"\xff\xfe\x00\x01")),
        Op("get", (raw,)),
        Op("put", (bad, 'x\ny\t"z"\\')),
        Op("put", (text, "\u00a0١٢\u200b")),
        Op("put", (f"{run}-bytes", bytes(range(256)))),
        Op("put", (f"{run}-chars", "\u00ad\u061c\u2028\ufeff\u0378\U000e0001\ufffd\x7f!")),
        Op("put", (f"{run}-big", bytes(range(256)) * 256)),
        Op("get", (f"{run}-big",)),
        # Transfers: plain, to a missing key, from a key to itself, overdrawing.
        Op("transfer", (alice, bob, "30")),
        Op("get", (alice,)),
        Op("get", (bob,)),
        Op("transfer", (alice, alice, "5")),
        Op("get", (alice,)),
        Op("transfer", (bob, alice, "1000")),
        Op("get", (bob,)),
        Op("transfer", (f"{run}-nobody", f"{run}-noone", "0")),
        Op("transfer", (alice, bob, "+7")),
        Op("transfer", (alice, bob, "-3")),
        Op("transfer", (alice, bob, "-0")),
        Op("transfer", (alice, bob, "-9223372036854775808")),
        # 64-bit wrap-around.
        Op("put", (top, str(INT64_MAX))),
        Op("transfer", (bottom, top, "1")),
        Op("get", (top,)),
        Op("get", (bottom,)),
        # Amounts Go's strconv.ParseInt refuses.
        Op("transfer", (alice, bob, "1.5")),
        Op("transfer", (alice, bob, "")),
        Op("transfer", (alice, bob, " 1")),
        Op("transfer", (alice, bob, "1_000")),
        Op("transfer", (alice, bob, "0x10")),
        Op("transfer", (alice, bob, "١٢")),
        Op("transfer", (alice, bob, "9223372036854775808")),
        Op("transfer", (alice, bob, "99999999999999999999x")),
        # Stored balances that are not integers: Go's own error text, quoting included.
        Op("transfer", (bad, bob, "1")),
        Op("transfer", (bob, wide, "1")),
        Op("transfer", (alice, raw, "1")),
        Op("transfer", (text, bob, "1")),
        Op("transfer", (f"{run}-bytes", bob, "1")),
        Op("transfer", (bob, f"{run}-chars", "1")),
        # Wrong argument counts, unknown functions, the empty key.
        Op("put", (alice,)),
        Op("put", (alice, "1", "2")),
        Op("get", ()),
        Op("get", (alice, bob)),
        Op("transfer", (alice, bob)),
        Op("nothing", (alice,)),
        Op("PUT", (alice, "1")),
        Op("put", ("", "value")),
        Op("get", ("",)),
        Op("transfer", ("", bob, "1")),
        Op("transfer", (alice, "", "1")),
        # A simple key in the composite-key namespace is not refused by put.
        Op("put", (f"\x00{run}", "composite namespace")),
        Op("get", (f"\x00{run}",)),
    ]


def test_python_runtime_answers_and_writes_as_the_go_shim(
    go_binary: Path, consortium: Network, client_factory: ClientFactory, kv_pair: tuple[str, str]
) -> None:
    go_name, py_name = kv_pair
    run = uuid.uuid4().hex[:10]
    ops = _sequence(run)
    channel = client_factory("Treasury", "admin").gateway.get_network(consortium.topology.channel)
    go_contract, py_contract = channel.get_contract(go_name), channel.get_contract(py_name)

    go_outcomes: list[Outcome] = []
    py_outcomes: list[Outcome] = []
    for op in ops:
        go_outcomes.append(_run(go_contract, op))
        py_outcomes.append(_run(py_contract, op))
    go_sets = _committed(channel, go_outcomes, go_name)
    py_sets = _committed(channel, py_outcomes, py_name)

    differences = []
    for index, op in enumerate(ops):
        go, py = go_outcomes[index], py_outcomes[index]
        mine = (py.evaluated, py.submitted, py_sets[index])
        theirs = (go.evaluated, go.submitted, go_sets[index])
        if mine != theirs:
            differences.append(f"{index} {op}:\n  go: {theirs}\n  py: {mine}")
    assert not differences, "\n".join(differences)

    # The in-memory ledger must behave as the peers did.
    memory_outcomes, memory_sets = _in_memory(ops)
    for index, op in enumerate(ops):
        on_peers = (_comparable(go_outcomes[index]), _sorted(go_sets[index]))
        in_memory = (_comparable(memory_outcomes[index]), _sorted(memory_sets[index]))
        if in_memory != on_peers:
            differences.append(f"{index} {op}:\n  go: {on_peers}\n  in-memory: {in_memory}")
    assert not differences, "\n".join(differences)

    # The sequence exercised what it claims to (on the Go side, hence on both).
    answers = dict(enumerate(go_outcomes))
    assert answers[0].evaluated == Answer(True, b"")
    assert go_sets[0] == RwSet(reads=((f"{run}-alice", False),), writes=())
    assert go_sets[3] == RwSet(reads=(), writes=((f"{run}-empty", b"", True),))
    assert answers[9].submitted.payload == "قيمة ✓ 😀".encode()
    assert answers[11].submitted.payload == b"\xff\xfe\x00\x01"
    assert go_sets[21] == RwSet(
        reads=((f"{run}-alice", True),), writes=((f"{run}-alice", b"75", False),)
    )
    assert answers[24].submitted.payload == b"-970"  # no funds check, as in Go
    assert answers[32].submitted.payload == str(-(1 << 63)).encode()
    refused = [o.submitted for o in go_outcomes if not o.submitted.ok]
    assert len(refused) == 24, refused
    assert all(a.status == 500 for a in refused), refused
    messages = {a.message for a in refused}
    assert "amount must be an integer" in messages
    assert 'strconv.ParseInt: parsing "\\xff\\xfe\\x00\\x01": invalid syntax' in messages


def test_the_go_baseline_unpacks_into_the_cache_not_the_tree(go_binary: Path) -> None:
    assert os.access(go_binary, os.X_OK)
    assert go_binary.is_relative_to(binaries.cache_root())
    assert not go_binary.resolve().is_relative_to(REPO)
