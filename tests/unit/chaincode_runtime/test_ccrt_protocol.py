"""The pure protocol state machine, driven message by message (no I/O, no threads)."""

from __future__ import annotations

import pytest
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2, proposal_response_pb2

from fabric_chaincode import _wire
from fabric_chaincode.errors import ProtocolError
from fabric_chaincode.protocol import (
    AnswerReceived,
    BecameReady,
    ConnectionFailed,
    HandlerState,
    MessageIgnored,
    SendMessage,
    ShimProtocol,
    TransactionStarted,
)
from fabric_chaincode.types import (
    ChaincodeEvent,
    MessageType,
    PeerCapabilities,
    Response,
    ShimMessage,
    WriteKind,
    WriteRecord,
)

from .peer_harness import signed_proposal


def state_of(protocol: ShimProtocol) -> HandlerState:
    return protocol.state


def ready_protocol(capabilities: bytes = b"") -> ShimProtocol:
    protocol = ShimProtocol("sovereign:1")
    protocol.register()
    protocol.receive(ShimMessage(MessageType.REGISTERED))
    protocol.receive(ShimMessage(MessageType.READY, payload=capabilities))
    return protocol


def transaction(
    txid: str = "tx1", channel: str = "ch", args: tuple[bytes, ...] = (b"f",)
) -> ShimMessage:
    payload = chaincode_pb2.ChaincodeInput(args=list(args)).SerializeToString()
    proposal = signed_proposal(txid=txid, channel_id=channel, args=list(args), creator=b"creator")
    return _wire.decode_message(
        chaincode_shim_pb2.ChaincodeMessage(
            type=chaincode_shim_pb2.ChaincodeMessage.TRANSACTION,
            payload=payload,
            txid=txid,
            channel_id=channel,
            proposal=proposal,
        ).SerializeToString()
    )


def test_mirror_enums_equal_the_generated_ones() -> None:
    assert {m.name: m.value for m in MessageType} == _wire.GENERATED_MESSAGE_TYPES
    assert {m.name: m.value for m in WriteKind} == {
        k: v for k, v in _wire.GENERATED_WRITE_KINDS.items() if k != "UNDEFINED"
    }


def test_register_sends_chaincode_id() -> None:
    protocol = ShimProtocol("sovereign:1")
    message = protocol.register()
    assert message.type is MessageType.REGISTER
    assert chaincode_pb2.ChaincodeID.FromString(message.payload).name == "sovereign:1"
    assert state_of(protocol) is HandlerState.REGISTERING
    with pytest.raises(ProtocolError):
        protocol.register()


def test_handshake_table() -> None:
    protocol = ShimProtocol("cc")
    protocol.register()
    assert protocol.receive(ShimMessage(MessageType.REGISTERED)) == []
    assert state_of(protocol) is HandlerState.ESTABLISHED
    params = chaincode_pb2.ChaincodeAdditionalParams(
        use_write_batch=True,
        max_size_write_batch=10,
        use_get_multiple_keys=True,
        max_size_get_multiple_keys=500,
    ).SerializeToString()
    events = protocol.receive(ShimMessage(MessageType.READY, payload=params))
    assert events == [BecameReady(PeerCapabilities(True, 10, True, 500))]
    assert state_of(protocol) is HandlerState.READY


def test_ready_before_registered_is_a_violation() -> None:
    protocol = ShimProtocol("cc")
    protocol.register()
    events = protocol.receive(ShimMessage(MessageType.READY))
    assert isinstance(events[0], SendMessage)
    assert events[0].message.type is MessageType.ERROR
    assert isinstance(events[1], ConnectionFailed)
    assert state_of(protocol) is HandlerState.CLOSED


def test_keepalive_echoed_in_any_state() -> None:
    protocol = ShimProtocol("cc")
    keepalive = ShimMessage(MessageType.KEEPALIVE, txid="k")
    assert protocol.receive(keepalive) == [SendMessage(keepalive)]


def test_transaction_starts_with_decoded_input_and_proposal_facts() -> None:
    protocol = ready_protocol()
    [event] = protocol.receive(transaction(args=(b"transfer", b"10")))
    assert isinstance(event, TransactionStarted)
    assert event.chaincode_input.args == (b"transfer", b"10")
    assert event.facts is not None
    assert event.facts.creator == b"creator"
    assert event.facts.timestamp.seconds == 1_767_225_600
    assert len(event.facts.binding) == 32
    assert protocol.running == {("ch", "tx1")}


def test_request_answer_correlation_by_channel_and_txid() -> None:
    protocol = ready_protocol()
    protocol.receive(transaction("tx1", "ch"))
    request = protocol.request("ch", "tx1", MessageType.GET_STATE, _wire.encode_get_state("k"))
    assert (request.type, request.txid, request.channel_id) == (MessageType.GET_STATE, "tx1", "ch")
    with pytest.raises(ProtocolError):  # one request per transaction at a time
        protocol.request("ch", "tx1", MessageType.GET_STATE, b"")
    stray = protocol.receive(ShimMessage(MessageType.RESPONSE, txid="tx1", channel_id="other"))
    assert isinstance(stray[0], MessageIgnored)
    answer = ShimMessage(MessageType.ERROR, payload=b"boom", txid="tx1", channel_id="ch")
    assert protocol.receive(answer) == [AnswerReceived("ch", "tx1", answer)]
    # The answer is consumed: a second one is ignored.
    assert isinstance(protocol.receive(answer)[0], MessageIgnored)


def test_request_for_unknown_transaction_is_refused() -> None:
    protocol = ready_protocol()
    with pytest.raises(ProtocolError):
        protocol.request("ch", "nope", MessageType.GET_STATE, b"")


def test_complete_carries_response_and_event() -> None:
    protocol = ready_protocol()
    protocol.receive(transaction())
    message = protocol.complete(
        "ch", "tx1", Response(200, "", b"ok"), ChaincodeEvent("Issued", b"{}")
    )
    assert message.type is MessageType.COMPLETED
    assert message.event == ChaincodeEvent("Issued", b"{}")
    response = proposal_response_pb2.Response.FromString(message.payload)
    assert (response.status, response.payload) == (200, b"ok")
    assert protocol.running == frozenset()
    encoded = chaincode_shim_pb2.ChaincodeMessage.FromString(_wire.encode_message(message))
    assert encoded.chaincode_event.event_name == "Issued"


def test_failed_init_is_error_message() -> None:
    protocol = ready_protocol()
    protocol.receive(transaction())
    message = protocol.complete("ch", "tx1", Response(500, "CODE: bad"), None, is_init=True)
    assert (message.type, message.payload) == (MessageType.ERROR, b"CODE: bad")


def test_duplicate_txid_is_refused_without_closing() -> None:
    protocol = ready_protocol()
    protocol.receive(transaction())
    [event] = protocol.receive(transaction())
    assert isinstance(event, SendMessage)
    assert event.message.type is MessageType.ERROR
    assert state_of(protocol) is HandlerState.READY


def test_malformed_transaction_payload_is_answered_with_error() -> None:
    protocol = ready_protocol()
    bad = ShimMessage(MessageType.TRANSACTION, payload=b"\xff\xff\xff", txid="bad", channel_id="ch")
    [event] = protocol.receive(bad)
    assert isinstance(event, SendMessage)
    assert event.message.type is MessageType.ERROR
    assert event.message.txid == "bad"
    assert protocol.running == frozenset()
    assert state_of(protocol) is HandlerState.READY


def test_wire_round_trips() -> None:
    records = [
        WriteRecord(WriteKind.PUT_STATE, "k", "", b"v"),
        WriteRecord(WriteKind.PUT_STATE_METADATA, "k", "col", b"policy", "VALIDATION_PARAMETER"),
        WriteRecord(WriteKind.PURGE_PRIVATE_DATA, "p", "col"),
    ]
    assert _wire.decode_write_batch(_wire.encode_write_batch(records)) == records
    message = ShimMessage(MessageType.COMPLETED, b"x", "tx", "ch", event=ChaincodeEvent("E", b"p"))
    assert _wire.decode_message(_wire.encode_message(message)) == message
    with pytest.raises(ProtocolError):
        _wire.decode_message(b"\x08\x63")  # message type 99 does not exist
