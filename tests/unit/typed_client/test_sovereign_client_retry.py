"""The retry policy retries only what is safe: a refusal never, an endorsement that found
no working peer with the same proposal, a lost submit or commit status with the same signed
envelope (never a new transaction), and a transaction that committed invalid never."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import grpc
import pytest

from fabric_gateway import (
    Block,
    BlockTransaction,
    CommitError,
    CommitStatusError,
    Contract,
    EndorseError,
    ErrorDetail,
    Status,
    SubmitError,
    request_nonce,
)
from sovereign_client import GatewayInvoker, RetryPolicy, SovereignClient, TransactionInDoubtError
from sovereign_client.errors import InsufficientHoldingError

RETRIED: list[tuple[str, str]] = []
FAST = RetryPolicy(
    endorse_delays=(0, 0, 0),
    commit_rounds=3,
    commit_timeout=0.01,
    round_delay=0,
    lookup_timeout=0.01,
    on_retry=lambda step, transaction_id, _: RETRIED.append((step, transaction_id)),
)
UNAVAILABLE = EndorseError("no peer", code=grpc.StatusCode.UNAVAILABLE)


def status(transaction_id: str, code: int = 0, block: int = 7) -> Status:
    names = {0: "VALID", 11: "MVCC_READ_CONFLICT"}
    return Status(transaction_id, code, names[code], block)


@dataclass
class Script:
    """What each step answers, in order; an exception is raised, anything else returned."""

    endorse: list[object] = field(default_factory=list)
    submit: list[object] = field(default_factory=list)
    commit: list[object] = field(default_factory=list)
    lookup: list[object] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    nonces: list[bytes | None] = field(default_factory=list)
    blocks: list[int] = field(default_factory=list)

    def next(self, step: str, answers: list[object]) -> object:
        self.calls.append(step)
        answer = answers.pop(0) if answers else None
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeSubmitted:
    def __init__(self, script: Script, transaction_id: str) -> None:
        self.script = script
        self.transaction_id = transaction_id

    def status(self, *, timeout: float | None = None) -> Status:
        answer = self.script.next("commit", self.script.commit)
        return cast(Status, answer) if answer else status(self.transaction_id)


class FakeTransaction:
    def __init__(self, script: Script, transaction_id: str) -> None:
        self.script = script
        self.transaction_id = transaction_id
        self.result = b"result"

    def submit(self) -> FakeSubmitted:
        self.script.next(f"submit:{id(self)}", self.script.submit)
        return FakeSubmitted(self.script, self.transaction_id)


class FakeProposal:
    def __init__(self, script: Script, transaction_id: str) -> None:
        self.script = script
        self.transaction_id = transaction_id
        self.transaction = FakeTransaction(script, transaction_id)

    def endorse(self) -> FakeTransaction:
        self.script.next("endorse", self.script.endorse)
        return self.transaction


class FakeCommit:
    def __init__(self, script: Script, transaction_id: str) -> None:
        self.script = script
        self.transaction_id = transaction_id

    def status(self, *, timeout: float | None = None) -> Status:
        answer = self.script.next("lookup", self.script.lookup)
        return cast(Status, answer) if answer else status(self.transaction_id)


class FakeBlocks:
    def __init__(self, script: Script, transaction_id: str, number: int) -> None:
        self.blocks = iter(
            [
                Block(
                    number=number,
                    previous_hash=b"",
                    data_hash=b"",
                    transactions=(
                        BlockTransaction(
                            index=0,
                            transaction_id=transaction_id,
                            channel_id="ch",
                            header_type="ENDORSER_TRANSACTION",
                            timestamp=None,
                            creator_msp_id="M",
                            creator_id_bytes=b"",
                            validation_code=0,
                            validation_code_name="VALID",
                            result=b"committed result",
                        ),
                    ),
                )
            ]
        )

    def __enter__(self) -> Iterator[Block]:
        return self.blocks

    def __exit__(self, *_: object) -> None:
        return None


class FakeGateway:
    def __init__(self, script: Script) -> None:
        self.script = script

    def new_commit_status_request(self, channel_name: str, transaction_id: str) -> FakeCommit:
        return FakeCommit(self.script, transaction_id)

    def get_network(self, name: str) -> FakeGateway:
        return self

    def get_block_events(self, *, start_block: int) -> FakeBlocks:
        self.script.blocks.append(start_block)
        return FakeBlocks(self.script, "tx-req", start_block)


class FakeContract:
    """Stands in for a Gateway ``Contract``: counts proposals, scripts each step."""

    channel_name = "ch"

    def __init__(self, script: Script) -> None:
        self.script = script
        self.gateway = FakeGateway(script)
        self.proposals: list[FakeProposal] = []

    def new_proposal(
        self,
        name: str,
        *,
        arguments: Sequence[str] = (),
        transient_data: Mapping[str, bytes] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
        nonce: bytes | None = None,
    ) -> FakeProposal:
        self.script.nonces.append(nonce)
        transaction_id = "tx-req" if nonce else f"tx-{len(self.proposals)}"
        proposal = FakeProposal(self.script, transaction_id)
        if name:  # an empty name only asks for the transaction ID of a request
            self.proposals.append(proposal)
        return proposal


def invoker(script: Script) -> tuple[GatewayInvoker, FakeContract]:
    contract = FakeContract(script)
    return GatewayInvoker(cast(Contract, contract), msp_id="M", retry=FAST), contract


def test_a_chaincode_refusal_is_the_answer_and_never_retried() -> None:
    refusal = EndorseError(
        "failed to endorse",
        code=grpc.StatusCode.ABORTED,
        details=[ErrorDetail("peer", "M", "chaincode response 500, INSUFFICIENT_HOLDING: no")],
    )
    script = Script(endorse=[refusal])
    gateway_invoker, contract = invoker(script)
    with pytest.raises(InsufficientHoldingError):
        gateway_invoker.submit("holding:Transfer", ["a"])
    assert script.calls == ["endorse"]
    assert len(contract.proposals) == 1


def test_an_endorsement_without_a_working_peer_is_retried_with_the_same_proposal() -> None:
    script = Script(endorse=[UNAVAILABLE, UNAVAILABLE])
    gateway_invoker, contract = invoker(script)
    RETRIED.clear()
    assert gateway_invoker.submit("holding:Transfer", ["a"]) == b"result"
    assert RETRIED == [("endorse", "tx-0"), ("endorse", "tx-0")]
    assert script.calls[:3] == ["endorse", "endorse", "endorse"]
    assert len(contract.proposals) == 1


def test_endorsement_retries_end_with_the_error_once_spent() -> None:
    script = Script(endorse=[UNAVAILABLE] * 4)
    gateway_invoker, _ = invoker(script)
    with pytest.raises(EndorseError):
        gateway_invoker.submit("holding:Transfer", ["a"])
    assert script.calls == ["endorse"] * 4


def test_a_lost_submit_sends_the_same_envelope_again_after_asking_its_status() -> None:
    lost = SubmitError("orderer gone", code=grpc.StatusCode.UNAVAILABLE)
    not_found = CommitStatusError("deadline", code=grpc.StatusCode.DEADLINE_EXCEEDED)
    script = Script(submit=[lost], lookup=[not_found])
    gateway_invoker, contract = invoker(script)
    assert gateway_invoker.submit("holding:Transfer", ["a"]) == b"result"
    envelope = id(contract.proposals[0].transaction)
    assert script.calls == [
        "endorse",
        f"submit:{envelope}",
        "lookup",
        f"submit:{envelope}",
        "commit",
    ]
    assert len(contract.proposals) == 1


def test_a_lost_commit_status_is_asked_again_then_the_transaction_is_in_doubt() -> None:
    timeout = CommitStatusError("deadline", code=grpc.StatusCode.DEADLINE_EXCEEDED)
    script = Script(commit=[timeout, timeout, timeout])
    gateway_invoker, contract = invoker(script)
    with pytest.raises(TransactionInDoubtError) as doubt:
        gateway_invoker.submit("holding:Transfer", ["a"])
    assert doubt.value.transaction_id == "tx-0"
    envelope = id(contract.proposals[0].transaction)
    assert script.calls.count(f"submit:{envelope}") == 3
    assert len(contract.proposals) == 1


def test_a_transaction_that_committed_invalid_is_final() -> None:
    script = Script(commit=[status("tx-0", 11)])
    gateway_invoker, contract = invoker(script)
    with pytest.raises(CommitError) as invalid:
        gateway_invoker.submit("holding:Transfer", ["a"])
    assert invalid.value.validation_code_name == "MVCC_READ_CONFLICT"
    assert len(contract.proposals) == 1
    assert script.calls == ["endorse", f"submit:{id(contract.proposals[0].transaction)}", "commit"]


def test_a_request_id_fixes_the_nonce_and_a_committed_request_answers_from_its_block() -> None:
    duplicate = EndorseError(
        "failed to endorse",
        code=grpc.StatusCode.ABORTED,
        details=[ErrorDetail("peer", "M", "duplicate transaction found [tx-req]. Creator [..]")],
    )
    script = Script(endorse=[duplicate], lookup=[status("tx-req", block=12)])
    gateway_invoker, _ = invoker(script)
    client = SovereignClient(gateway_invoker).for_request("REQ-1")
    result = client.invoker.submit("holding:Transfer", ["a"])
    assert result == b"committed result"
    assert script.nonces == [request_nonce("REQ-1")]
    assert script.blocks == [12]
    assert "submit" not in " ".join(script.calls)


def test_each_submit_of_one_request_has_its_own_derived_request_id() -> None:
    script = Script()
    gateway_invoker, _ = invoker(script)
    scoped = gateway_invoker.for_request("REQ-2")
    scoped.submit("investor:RecordPersonalData", ["x"])
    scoped.submit("investor:Register", ["y"])
    assert script.nonces == [request_nonce("REQ-2"), request_nonce("REQ-2#2")]


def test_request_nonces_are_fixed_per_request_and_distinct_between_requests() -> None:
    assert request_nonce("A") == request_nonce("A")
    assert request_nonce("A") != request_nonce("B")
    assert len(request_nonce("A")) == 24
    with pytest.raises(ValueError, match="must not be empty"):
        request_nonce("")
