"""Over the real gRPC path: the server answers every transaction, whatever went wrong and
whatever the error's text holds, and one stalled peer stream cannot starve the others."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest

from fabric_chaincode import (
    ChaincodeError,
    CompositeKeyError,
    Context,
    Contract,
    ContractChaincode,
    IdentityError,
    InvalidArgumentError,
    PayloadTooLargeError,
    Response,
    ServerConfig,
    Stub,
    StubError,
    UnknownFunctionError,
    error,
    submit,
    success,
)
from fabric_chaincode.logtext import escape
from fabric_chaincode.server import ChaincodeServer
from sovereign_assets.chaincode import chaincode as sovereign

from .peer_harness import Message, PeerHarness, T, completed_response

Connect = Callable[..., PeerHarness]
StartServer = Callable[..., ChaincodeServer]

BAD = "\ud800"  # a lone surrogate: no UTF-8 form, so no protobuf string can hold it


class Failing(Contract):
    """Each transaction fails in one of the ways a contract or the runtime can."""

    name = "fail"

    @submit
    def raise_(self, ctx: Context, kind: str) -> None:
        errors: dict[str, Exception] = {
            "chaincode": ChaincodeError("SOME_CODE", f"text {BAD}"),
            "invalid": InvalidArgumentError(f"field {BAD}"),
            "unknown": UnknownFunctionError(f"name {BAD}"),
            "composite": CompositeKeyError(f"key {BAD}"),
            "too_large": PayloadTooLargeError(f"size {BAD}"),
            "identity": IdentityError(f"who {BAD}"),
            "stub": StubError(f"stub {BAD}"),
            "unexpected": ValueError(f"secret {BAD}"),
            "key_error": KeyError(BAD),
        }
        raise errors[kind]

    @submit
    def event(self, ctx: Context) -> None:
        ctx.stub.set_event(f"Named{BAD}", b"{}")


KINDS = [
    "chaincode",
    "invalid",
    "unknown",
    "composite",
    "too_large",
    "identity",
    "stub",
    "unexpected",
    "key_error",
]


class Raw:
    """A low-level chaincode returning responses no protobuf message can carry."""

    def init(self, stub: Stub) -> Response:
        return error(f"init failed {BAD}")

    def invoke(self, stub: Stub) -> Response:
        function = stub.get_function_and_parameters()[0]
        if function == "status":
            return Response(status=2**40, message="no int32 holds this status")
        if function == "none":
            return None  # type: ignore[return-value]
        return error(f"refused {BAD}")


def _answered(peer: PeerHarness, txid: str) -> Message:
    started = time.monotonic()
    message = peer.recv_for(txid, timeout=5.0)
    assert time.monotonic() - started < 5.0
    return message


@pytest.mark.parametrize("kind", KINDS)
def test_every_error_of_a_contract_is_answered(
    start_server: StartServer, connect: Connect, kind: str
) -> None:
    server = start_server(ContractChaincode(Failing()))
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start(f"tx-{kind}", ["fail:raise_", kind])
    response = completed_response(_answered(peer, f"tx-{kind}"))
    assert response.status == 500
    assert response.message.isascii() or response.message.encode("utf-8")


def test_an_event_name_that_cannot_be_sent_is_answered(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(ContractChaincode(Failing()))
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx-event", ["fail:event"])
    message = _answered(peer, "tx-event")
    response = completed_response(message)
    assert response.status == 500
    assert response.message.startswith("INTERNAL: the response could not be encoded")
    assert not message.HasField("chaincode_event")


@pytest.mark.parametrize("function", ["surrogate", "status", "none"])
def test_a_response_that_cannot_be_encoded_is_answered(
    start_server: StartServer, connect: Connect, function: str
) -> None:
    server = start_server(Raw())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start(f"tx-{function}", [function])
    message = _answered(peer, f"tx-{function}")
    if message.type == T.ERROR:
        assert message.payload == b"the chaincode could not encode its response"
    else:
        assert completed_response(message).status == 500
    # The stream survives: the next transaction is answered too.
    peer.start(f"tx-{function}-2", ["surrogate"])
    assert completed_response(_answered(peer, f"tx-{function}-2")).status == 500


def test_a_failed_init_whose_message_cannot_be_encoded_is_answered(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(Raw())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx-init", ["x"], init=True)
    message = _answered(peer, "tx-init")
    assert message.type == T.ERROR
    assert message.payload.startswith(b"INTERNAL: the response could not be encoded")


def test_the_issue_input_is_answered_invalid_argument_on_the_sovereign_chaincode(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(sovereign)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx-roles", ["governance:Propose", '{"org_roles":{"\\ud800":5}}'])
    response = completed_response(_answered(peer, "tx-roles"))
    assert response.status == 500
    assert response.message.startswith("INVALID_ARGUMENT: config")
    deep = "[" * 100_000 + "]" * 100_000
    peer.start("tx-deep", ["governance:Propose", deep])
    response = completed_response(_answered(peer, "tx-deep"))
    assert response.message.startswith("INVALID_ARGUMENT: config")


class Waiting:
    """Reads one key: the peer double decides when (or whether) to answer."""

    def init(self, stub: Stub) -> Response:
        return success()

    def invoke(self, stub: Stub) -> Response:
        return success(stub.get_state("gate") or b"")


def test_a_stalled_stream_cannot_take_every_worker(
    start_server: StartServer, connect: Connect
) -> None:
    server = ChaincodeServer(
        Waiting(),
        ServerConfig("conformance:1", "127.0.0.1:0"),
        stream_transactions=4,
    )
    server.start()
    try:
        stalled = connect(server.port)
        stalled.handshake("conformance:1")
        for i in range(20):  # never answered
            stalled.start(f"stall-{i}", ["read"])
        first = [stalled.recv_for(f"stall-{i}") for i in range(4)]
        assert all(request.type == T.GET_STATE for request in first)
        other = connect(server.port)
        other.handshake("conformance:1")
        for i in range(6):
            other.start(f"ok-{i}", ["read"])
            other.respond(other.recv_for(f"ok-{i}", timeout=5.0), b"open")
            assert completed_response(other.recv_for(f"ok-{i}")).payload == b"open"
        # The stalled stream's queued transactions run once its first ones end.
        stalled.respond(first[0], b"late")
        assert completed_response(stalled.recv_for("stall-0")).payload == b"late"
        assert stalled.recv_for("stall-4").type == T.GET_STATE
    finally:
        server.stop(grace=None).wait(5)


def test_a_flooding_stream_is_answered_not_queued_without_end(
    start_server: StartServer, connect: Connect
) -> None:
    server = ChaincodeServer(
        Waiting(),
        ServerConfig("conformance:1", "127.0.0.1:0"),
        stream_transactions=1,
        stream_queue=2,
    )
    server.start()
    try:
        peer = connect(server.port)
        peer.handshake("conformance:1")
        for i in range(4):
            peer.start(f"flood-{i}", ["read"])
        request = peer.recv_for("flood-0")  # running; 1 and 2 wait; 3 is refused at once
        refused = peer.recv_for("flood-3")
        assert refused.type == T.ERROR
        assert b"too many transactions" in refused.payload
        peer.respond(request, b"v")
        assert completed_response(peer.recv_for("flood-0")).payload == b"v"
        peer.respond(peer.recv_for("flood-1"), b"w")
        assert completed_response(peer.recv_for("flood-1")).payload == b"w"
    finally:
        server.stop(grace=None).wait(5)


def test_an_unanswered_request_fails_its_transaction_in_bounded_time(
    connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    server = ChaincodeServer(
        Waiting(), ServerConfig("conformance:1", "127.0.0.1:0"), request_timeout=0.5
    )
    server.start()
    try:
        peer = connect(server.port)
        peer.handshake("conformance:1")
        txid = "slow\nFORGED 2026-01-01 transaction ok"
        with caplog.at_level(logging.ERROR):
            peer.start(txid, ["read"])
            request = peer.recv_for(txid)
            response = completed_response(peer.recv_for(txid, timeout=5.0))
        assert response.status == 500
        assert response.message.startswith("INTERNAL:")
        assert "\n" not in response.message
        # The late answer is ignored, not taken for another request's.
        peer.respond(request, b"too late")
        assert escape(txid) in caplog.text
        assert "slow\nFORGED" not in caplog.text
    finally:
        server.stop(grace=None).wait(5)


class Computing:
    """``spin`` computes for 3 s of wall time without the stub; ``read`` reads one key;
    ``threaded`` uses the stub from a thread of its own."""

    def init(self, stub: Stub) -> Response:
        return success()

    def invoke(self, stub: Stub) -> Response:
        function = stub.get_args()[0]
        if function == b"spin":
            end = time.monotonic() + 3.0
            while time.monotonic() < end:
                sum(range(1000))
            return success(b"spun")
        if function == b"threaded":
            outcome: list[str] = []

            def read() -> None:
                try:
                    stub.get_state("k")
                    outcome.append("read")
                except StubError as exc:
                    outcome.append(type(exc).__name__)

            thread = threading.Thread(target=read)
            thread.start()
            thread.join()
            return success(outcome[0].encode())
        return success(stub.get_state("k") or b"")


def test_a_computing_transaction_holds_only_its_own_stream(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(Computing())
    busy = connect(server.port)
    busy.handshake("conformance:1")
    other = connect(server.port)
    other.handshake("conformance:1")
    busy.start("spin", ["spin"])
    time.sleep(0.3)
    other.start("quick", ["read"])
    other.respond(other.recv_for("quick", timeout=10.0), b"v")
    assert completed_response(other.recv_for("quick", timeout=10.0)).payload == b"v"
    quick_done = time.monotonic()
    assert completed_response(busy.recv_for("spin", timeout=20.0)).payload == b"spun"
    assert quick_done < time.monotonic() - 0.5  # the other stream did not wait for the spin


def test_the_stub_used_from_another_thread_is_refused_not_lost(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(Computing())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx-thread", ["threaded"])
    assert completed_response(peer.recv_for("tx-thread")).payload == b"StubError"
    peer.start("tx-after", ["read"])
    peer.respond(peer.recv_for("tx-after"), b"still served")
    assert completed_response(peer.recv_for("tx-after")).payload == b"still served"


def test_logged_values_from_outside_are_escaped() -> None:
    assert escape("tx\nFORGED") == "tx\\x0aFORGED"
    assert escape("a\\x0a") == "a\\\\x0a"
    assert escape("\x1b[2J\ud800\u2028\U0001f600") == "\\x1b[2J\\ud800\\u2028\\U0001f600"
    assert escape("x" * 500).endswith("...")
    assert len(escape("x" * 500)) == 163
