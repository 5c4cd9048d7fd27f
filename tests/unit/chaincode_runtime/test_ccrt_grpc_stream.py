"""The full path over a real loopback gRPC connection, with the peer played by a test double.

Each test here would fail with one of the known defects of the older Python runtime: events
never sent, peer ERROR returned as data, invoke_chaincode losing the callee, bookmarks dropped,
exceptions answered with nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import pytest
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2, proposal_response_pb2

from conformance_chaincode import chaincode as conformance
from fabric_chaincode import (
    PeerError,
    Response,
    ServerConfig,
    Stub,
    error,
    success,
)
from fabric_chaincode.server import ChaincodeServer
from fabric_chaincode.session import MAX_RUNNING

from .peer_harness import CM, LedgerDouble, PeerHarness, T, completed_response

Connect = Callable[..., PeerHarness]
StartServer = Callable[..., ChaincodeServer]


class ReadingChaincode:
    """A low-level chaincode: reads one key and reports what happened."""

    def __init__(self) -> None:
        self.seen: list[BaseException] = []

    def init(self, stub: Stub) -> Response:
        return success()

    def invoke(self, stub: Stub) -> Response:
        function, params = stub.get_function_and_parameters()
        if function == "read":
            try:
                value = stub.get_state(params[0])
            except PeerError as exc:
                self.seen.append(exc)
                return error(f"PEER: {exc.message}")
            return success(value or b"")
        if function == "explode":
            raise ValueError("secret-value-123 should never be logged")
        if function == "compute":  # holds the stream's loop while messages pile up
            end = time.monotonic() + float(params[0])
            while time.monotonic() < end:
                sum(range(1000))
            return success(b"computed")
        if function == "wait":
            gate = stub.get_state("gate")  # blocks until the double answers
            return success(b"waited:" + (gate or b""))
        return error("unknown")


def test_handshake_registers_with_the_chaincode_id(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(ReadingChaincode(), ServerConfig("sovereign_cc:abc123", "127.0.0.1:0"))
    peer = connect(server.port)
    chaincode_id = peer.handshake("sovereign_cc:abc123")
    assert chaincode_id.name == "sovereign_cc:abc123"


def test_get_state_answered_with_response(start_server: StartServer, connect: Connect) -> None:
    server = start_server(ReadingChaincode())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx1", ["read", "bond/PK-TB-2026"])
    request = peer.recv_for("tx1")
    assert request.type == T.GET_STATE
    assert request.channel_id == "sovereign"
    get = chaincode_shim_pb2.GetState.FromString(request.payload)
    assert (get.key, get.collection) == ("bond/PK-TB-2026", "")
    peer.respond(request, b'{"face":100}')
    done = peer.recv_for("tx1")
    response = completed_response(done)
    assert (response.status, response.payload) == (200, b'{"face":100}')


def test_peer_error_reaches_the_chaincode_as_an_exception(
    start_server: StartServer, connect: Connect
) -> None:
    chaincode = ReadingChaincode()
    server = start_server(chaincode)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx2", ["read", "k"])
    peer.refuse(peer.recv_for("tx2"), "collection private_x not found")
    response = completed_response(peer.recv_for("tx2"))
    # The defect returned the error text as the stored value with status 200.
    assert response.status == 500
    assert response.message == "PEER: collection private_x not found"
    assert response.payload == b""
    assert isinstance(chaincode.seen[0], PeerError)


def test_unhandled_peer_error_in_a_contract_gives_500(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx3", ["get_state", "k"])
    peer.refuse(peer.recv_for("tx3"), "ledger unavailable")
    response = completed_response(peer.recv_for("tx3"))
    assert response.status == 500
    assert response.message == "INTERNAL: internal error, see chaincode log for transaction tx3"


def test_event_is_sent_on_completed(start_server: StartServer, connect: Connect) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx4", ["emit_event", "CouponPaid", '{"bond":"PK-1"}'])
    done = peer.recv_for("tx4")
    assert done.type == T.COMPLETED
    assert done.HasField("chaincode_event")
    assert done.chaincode_event.event_name == "CouponPaid"
    assert done.chaincode_event.payload == b'{"bond":"PK-1"}'
    assert completed_response(done).status == 200


def test_exception_in_low_level_chaincode_answers_500_and_logs_one_line(
    start_server: StartServer, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    server = start_server(ReadingChaincode())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    with caplog.at_level(logging.DEBUG):
        peer.start("tx5", ["explode"])
        response = completed_response(peer.recv_for("tx5"))
    assert response.status == 500
    assert response.message == "INTERNAL: internal error, see chaincode log for transaction tx5"
    lines = [r.getMessage() for r in caplog.records if "tx5" in r.getMessage()]
    assert len(lines) == 1
    assert "ValueError" in lines[0]
    assert "secret-value-123" not in caplog.text


def test_interleaved_transactions_keep_their_own_state(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(ReadingChaincode())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("txA", ["wait"])
    peer.start("txB", ["wait"])
    request_a = peer.recv_for("txA")
    request_b = peer.recv_for("txB")
    assert request_a.type == request_b.type == T.GET_STATE
    # Answer B first: A keeps waiting, B completes with its own answer.
    peer.respond(request_b, b"beta")
    assert completed_response(peer.recv_for("txB")).payload == b"waited:beta"
    peer.respond(request_a, b"alpha")
    assert completed_response(peer.recv_for("txA")).payload == b"waited:alpha"


def test_same_txid_on_two_channels_is_two_transactions(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(ReadingChaincode())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("same", ["wait"], channel_id="ch1")
    peer.start("same", ["wait"], channel_id="ch2")
    first, second = peer.recv_for("same"), peer.recv_for("same")
    assert {first.channel_id, second.channel_id} == {"ch1", "ch2"}
    by_channel = {m.channel_id: m for m in (first, second)}
    peer.respond(by_channel["ch2"], b"two")
    peer.respond(by_channel["ch1"], b"one")
    results = {}
    for _ in range(2):
        message = peer.recv_for("same")
        results[message.channel_id] = completed_response(message).payload
    assert results == {"ch1": b"waited:one", "ch2": b"waited:two"}


def test_invoke_chaincode_message_content(start_server: StartServer, connect: Connect) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx6", ["invoke", "cash_token", '["balance","BANK1"]', "settlement"])
    request = peer.recv_for("tx6")
    assert request.type == T.INVOKE_CHAINCODE
    spec = chaincode_pb2.ChaincodeSpec.FromString(request.payload)
    assert spec.chaincode_id.name == "cash_token/settlement"
    assert list(spec.input.args) == [b"balance", b"BANK1"]
    callee = proposal_response_pb2.Response(status=200, payload=b"1500")
    nested = CM(type=T.COMPLETED, payload=callee.SerializeToString(), txid="tx6")
    peer.respond(request, nested.SerializeToString())
    result = json.loads(completed_response(peer.recv_for("tx6")).payload)
    assert result == {"message": "", "payload": "1500", "status": 200}


def test_invoke_chaincode_failure_of_callee(start_server: StartServer, connect: Connect) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx7", ["invoke", "cash_token", '["pay"]', ""])
    request = peer.recv_for("tx7")
    spec = chaincode_pb2.ChaincodeSpec.FromString(request.payload)
    assert spec.chaincode_id.name == "cash_token"
    peer.refuse(request, "chaincode cash_token not installed")
    result = json.loads(completed_response(peer.recv_for("tx7")).payload)
    assert result == {"message": "chaincode cash_token not installed", "payload": "", "status": 500}


def test_pagination_bookmark_round_trip(start_server: StartServer, connect: Connect) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx8", ["get_range_page", "a", "z", "2", "bk-in"])
    request = peer.recv_for("tx8")
    assert request.type == T.GET_STATE_BY_RANGE
    sent = chaincode_shim_pb2.GetStateByRange.FromString(request.payload)
    paging = chaincode_shim_pb2.QueryMetadata.FromString(sent.metadata)
    assert (sent.startKey, sent.endKey, paging.pageSize, paging.bookmark) == ("a", "z", 2, "bk-in")
    answer = chaincode_shim_pb2.QueryResponse(has_more=False, id="it-1")
    from fabric_protos.ledger.queryresult import kv_query_result_pb2

    for key in ("b", "c"):
        kv = kv_query_result_pb2.KV(namespace="conformance", key=key, value=key.upper().encode())
        answer.results.add(resultBytes=kv.SerializeToString())
    answer.metadata = chaincode_shim_pb2.QueryResponseMetadata(
        fetched_records_count=2, bookmark="d"
    ).SerializeToString()
    peer.respond(request, answer.SerializeToString())
    close = peer.recv_for("tx8")
    assert close.type == T.QUERY_STATE_CLOSE
    assert chaincode_shim_pb2.QueryStateClose.FromString(close.payload).id == "it-1"
    peer.respond(close, chaincode_shim_pb2.QueryResponse(id="it-1").SerializeToString())
    page = json.loads(completed_response(peer.recv_for("tx8")).payload)
    assert page == {
        "bookmark": "d",
        "fetched_records_count": 2,
        "records": [{"key": "b", "value": "B"}, {"key": "c", "value": "C"}],
    }


def test_iterator_fetches_next_batches_and_closes(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    ledger = LedgerDouble(batch=2)
    for key in ("k1", "k2", "k3", "k4", "k5"):
        ledger.state[("", key)] = key.encode()
    peer.start("tx9", ["get_range", "", ""])
    result = json.loads(completed_response(ledger.run(peer, "tx9")).payload)
    assert [r["key"] for r in result] == ["k1", "k2", "k3", "k4", "k5"]
    kinds = [m.type for m in ledger.requests]
    assert kinds == [
        T.GET_STATE_BY_RANGE,
        T.QUERY_STATE_NEXT,
        T.QUERY_STATE_NEXT,
        T.QUERY_STATE_CLOSE,
    ]
    # An empty start key goes out as U+0001, as the Go shim sends it.
    first = chaincode_shim_pb2.GetStateByRange.FromString(ledger.requests[0].payload)
    assert first.startKey == "\x01"


def test_init_failure_is_reported_as_error_message(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("tx10", ["fail", "NOT_ALLOWED", "no init"], init=True)
    message = peer.recv_for("tx10")
    assert message.type == T.ERROR
    assert message.payload == b"NOT_ALLOWED: no init"


def test_keepalive_is_echoed(start_server: StartServer, connect: Connect) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.send(CM(type=T.KEEPALIVE, txid="ka"))
    assert peer.recv_for("ka").type == T.KEEPALIVE


def test_transaction_before_ready_ends_the_stream(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    assert peer.recv().type == T.REGISTER
    peer.start("early", ["get_state", "k"])
    message = peer.recv()
    assert message.type == T.ERROR
    assert b"TRANSACTION" in message.payload
    assert peer.stream_ended()
    # The server itself keeps serving new streams.
    again = connect(server.port)
    again.handshake("conformance:1")


def test_stream_closing_mid_request_frees_the_worker(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(ReadingChaincode())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("orphan", ["wait"])
    assert peer.recv_for("orphan").type == T.GET_STATE
    peer.close()
    # A new stream still gets served promptly.
    other = connect(server.port)
    other.handshake("conformance:1")
    other.start("tx11", ["read", "x"])
    other.respond(other.recv_for("tx11"), b"v")
    assert completed_response(other.recv_for("tx11")).payload == b"v"


@pytest.mark.parametrize("count", [20, 300])
def test_many_concurrent_transactions(
    start_server: StartServer, connect: Connect, count: int
) -> None:
    """300: more than the stream's loop takes in at once (they pile up while a transaction
    computes) and than it runs at once (the rest queue), every one answered."""
    server = start_server(ReadingChaincode())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("computing", ["compute", "1.0"])
    txids = [f"tx-{i}" for i in range(count)]
    for txid in txids:
        peer.start(txid, ["wait"])
    assert completed_response(peer.recv_for("computing")).payload == b"computed"
    waiting = {txid: peer.recv_for(txid) for txid in txids[:MAX_RUNNING]}
    for txid in txids[MAX_RUNNING:]:  # a queued one starts when a running one ends
        oldest = next(iter(waiting))
        peer.respond(waiting.pop(oldest), oldest.encode())
        waiting[txid] = peer.recv_for(txid)
    for txid in reversed(list(waiting)):
        peer.respond(waiting.pop(txid), txid.encode())
    for txid in txids:
        assert completed_response(peer.recv_for(txid)).payload == b"waited:" + txid.encode()


def test_stop_lets_running_transactions_finish(start_server: StartServer, connect: Connect) -> None:
    server = start_server(ReadingChaincode())
    peer = connect(server.port)
    peer.handshake("conformance:1")
    peer.start("last", ["wait"])
    request = peer.recv_for("last")
    stopped = server.stop(grace=5.0)
    # New streams are refused while the running transaction may still finish.
    late = connect(server.port)
    with pytest.raises(AssertionError):
        late.recv(timeout=1)
    peer.respond(request, b"done")
    assert completed_response(peer.recv_for("last")).payload == b"waited:done"
    assert stopped.wait(10)
