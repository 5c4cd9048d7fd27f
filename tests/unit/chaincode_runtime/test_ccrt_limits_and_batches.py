"""Message limits, Fabric 3.1 write batches and multi-key reads, over loopback gRPC."""

from __future__ import annotations

import json
from collections.abc import Callable

import grpc
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2

from conformance_chaincode import chaincode as conformance
from fabric_chaincode import Response, ServerConfig, Stub, success
from fabric_chaincode.server import ChaincodeServer

from .peer_harness import LedgerDouble, PeerHarness, T, completed_response

StartServer = Callable[..., ChaincodeServer]
Connect = Callable[..., PeerHarness]

LIMIT = 256 * 1024


class BigChaincode:
    """Produces values and responses of a requested size."""

    def init(self, stub: Stub) -> Response:
        return success()

    def invoke(self, stub: Stub) -> Response:
        function, params = stub.get_function_and_parameters()
        size = int(params[0])
        if function == "put":
            stub.put_state("big", b"x" * size)
            return success()
        if function == "event":
            stub.set_event("Big", b"x" * size)
            return success()
        return success(b"y" * size)


def small_server(start_server: StartServer) -> ChaincodeServer:
    return start_server(
        BigChaincode(), ServerConfig("big:1", "127.0.0.1:0", max_message_size=LIMIT)
    )


def test_oversized_value_is_refused_with_a_clear_500(
    start_server: StartServer, connect: Connect
) -> None:
    peer = connect(small_server(start_server).port)
    peer.handshake("big:1")
    peer.start("t1", ["put", str(LIMIT)])
    response = completed_response(peer.recv_for("t1"))
    assert response.status == 500
    assert response.message.startswith("INTERNAL:")  # low-level chaincode: generic message
    peer.start("t2", ["put", "10"])
    request = peer.recv_for("t2")
    assert request.type == T.PUT_STATE
    peer.respond(request)
    assert completed_response(peer.recv_for("t2")).status == 200


def test_oversized_response_and_event_become_500(
    start_server: StartServer, connect: Connect
) -> None:
    peer = connect(small_server(start_server).port)
    peer.handshake("big:1")
    peer.start("t3", ["result", str(LIMIT)])
    message = peer.recv_for("t3")
    response = completed_response(message)
    assert response.status == 500
    assert response.message.startswith("RESPONSE_TOO_LARGE:")
    peer.start("t4", ["result", "5"])
    assert completed_response(peer.recv_for("t4")).payload == b"yyyyy"


def test_oversized_incoming_message_ends_only_that_stream(
    start_server: StartServer, connect: Connect
) -> None:
    server = small_server(start_server)
    peer = connect(server.port)
    peer.handshake("big:1")
    peer.start("t5", ["result", "1", "z" * LIMIT])
    assert peer.stream_ended()
    assert peer.stream_error is not None
    assert peer.stream_error.code() in (
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.CANCELLED,
    )
    again = connect(server.port)
    again.handshake("big:1")
    again.start("t6", ["result", "3"])
    assert completed_response(again.recv_for("t6")).payload == b"yyy"


def _ready_with(**capabilities: object) -> bytes:
    return bytes(chaincode_pb2.ChaincodeAdditionalParams(**capabilities).SerializeToString())


def test_write_batch_is_sent_once_when_the_peer_supports_it(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1", _ready_with(use_write_batch=True, max_size_write_batch=1))
    ledger = LedgerDouble()
    values = {f"k{i:03d}": str(i) for i in range(150)}
    peer.start("wb", ["put_batch", json.dumps(values)])
    assert completed_response(ledger.run(peer, "wb")).payload == b"150"
    batches = [m for m in ledger.requests if m.type == T.WRITE_BATCH_STATE]
    assert [m.type for m in ledger.requests] == [T.WRITE_BATCH_STATE, T.WRITE_BATCH_STATE]
    sizes = [len(chaincode_shim_pb2.WriteBatchState.FromString(m.payload).rec) for m in batches]
    assert sizes == [100, 50]  # announced size 1 is raised to the Go shim's minimum of 100
    assert ledger.state[("", "k149")] == b"149"


def test_writes_go_one_by_one_without_batch_support(
    start_server: StartServer, connect: Connect
) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake("conformance:1")
    ledger = LedgerDouble()
    peer.start("nb", ["put_batch", '{"a":"1","b":"2"}'])
    assert completed_response(ledger.run(peer, "nb")).status == 200
    assert [m.type for m in ledger.requests] == [T.PUT_STATE, T.PUT_STATE]


def test_get_multiple_states_uses_one_request(start_server: StartServer, connect: Connect) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    peer.handshake(
        "conformance:1", _ready_with(use_get_multiple_keys=True, max_size_get_multiple_keys=100)
    )
    ledger = LedgerDouble()
    ledger.state[("", "a")] = b"1"
    ledger.state[("", "c")] = b"3"
    peer.start("gm", ["get_multiple", '["a","b","c"]'])
    assert json.loads(completed_response(ledger.run(peer, "gm")).payload) == ["1", "", "3"]
    [request] = ledger.requests
    assert request.type == T.GET_STATE_MULTIPLE
    assert list(chaincode_shim_pb2.GetStateMultiple.FromString(request.payload).keys) == [
        "a",
        "b",
        "c",
    ]
