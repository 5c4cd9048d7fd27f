"""Signed requests and their answers: commit status and chaincode events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fabric_protos.gateway import gateway_pb2

from ..models import (
    ChaincodeEvent,
    Status,
)
from .common import chaincode_event, parse_message, start_position, validation_code_name

SignedRequestKind = Literal["commit_status", "chaincode_events"]
_SIGNED_REQUEST_TYPES: dict[str, Any] = {
    "commit_status": gateway_pb2.SignedCommitStatusRequest,
    "chaincode_events": gateway_pb2.SignedChaincodeEventsRequest,
}


@dataclass(slots=True)
class SignedRequestView:
    """A signed commit status / chaincode events request: its request bytes and signature.

    Mutable only so that the artifact owning it can set ``signature`` once it is signed.
    """

    request: bytes
    signature: bytes


def commit_status_request_view(
    *, channel_name: str, transaction_id: str, creator: bytes
) -> SignedRequestView:
    """The unsigned ``gateway.SignedCommitStatusRequest`` for a transaction, as a view."""
    request = gateway_pb2.CommitStatusRequest(
        transaction_id=transaction_id, channel_id=channel_name, identity=creator
    )
    return SignedRequestView(request=bytes(request.SerializeToString()), signature=b"")


def signed_request_bytes(kind: SignedRequestKind, view: SignedRequestView) -> bytes:
    """Serialize a view as a signed request of ``kind`` (signed if the view is)."""
    signed = _SIGNED_REQUEST_TYPES[kind](request=view.request, signature=view.signature)
    return bytes(signed.SerializeToString())


def build_signed_commit_status_request(
    *, channel_name: str, transaction_id: str, creator: bytes
) -> bytes:
    """Build a serialized, unsigned ``gateway.SignedCommitStatusRequest``."""
    view = commit_status_request_view(
        channel_name=channel_name, transaction_id=transaction_id, creator=creator
    )
    return signed_request_bytes("commit_status", view)


def build_signed_chaincode_events_request(
    *,
    channel_name: str,
    chaincode_name: str,
    creator: bytes,
    start_block: int | None,
    after_transaction_id: str | None,
) -> bytes:
    """Build a serialized, unsigned ``gateway.SignedChaincodeEventsRequest``.

    With no start block the peer starts at the next block to commit.
    """
    request = gateway_pb2.ChaincodeEventsRequest(
        channel_id=channel_name,
        chaincode_id=chaincode_name,
        identity=creator,
        start_position=start_position(start_block),
    )
    if after_transaction_id:
        request.after_transaction_id = after_transaction_id
    signed = gateway_pb2.SignedChaincodeEventsRequest(request=request.SerializeToString())
    return bytes(signed.SerializeToString())


def parse_signed_request(kind: SignedRequestKind, data: bytes) -> tuple[bytes, bytes]:
    """Return ``(request_bytes, signature)`` of a signed commit status / events request."""
    signed = parse_message(_SIGNED_REQUEST_TYPES[kind], data, kind)
    return bytes(signed.request), bytes(signed.signature)


def sign_signed_request(kind: SignedRequestKind, data: bytes, signature: bytes) -> bytes:
    """Return the signed request with its signature set."""
    signed = parse_message(_SIGNED_REQUEST_TYPES[kind], data, kind)
    signed.signature = signature
    return bytes(signed.SerializeToString())


def commit_status_transaction_id(signed_request: bytes) -> str:
    """Transaction ID named by a serialized ``SignedCommitStatusRequest``."""
    request_bytes, _ = parse_signed_request("commit_status", signed_request)
    return str(gateway_pb2.CommitStatusRequest.FromString(request_bytes).transaction_id)


def chaincode_events_request_fields(signed_request: bytes) -> tuple[int | None, str]:
    """``(start block or None for next commit, after_transaction_id)`` of an events request."""
    request_bytes, _ = parse_signed_request("chaincode_events", signed_request)
    request = gateway_pb2.ChaincodeEventsRequest.FromString(request_bytes)
    start = (
        int(request.start_position.specified.number)
        if request.start_position.WhichOneof("Type") == "specified"
        else None
    )
    return start, str(request.after_transaction_id)


def parse_commit_status_response(data: bytes, transaction_id: str) -> Status:
    """Parse a ``gateway.CommitStatusResponse``."""
    response = gateway_pb2.CommitStatusResponse.FromString(data)
    code = int(response.result)
    return Status(
        transaction_id=transaction_id,
        code=code,
        code_name=validation_code_name(code),
        block_number=int(response.block_number),
    )


def parse_chaincode_events_response(data: bytes) -> tuple[int, tuple[ChaincodeEvent, ...]]:
    """Return ``(block_number, events)`` of a ``gateway.ChaincodeEventsResponse``."""
    response = gateway_pb2.ChaincodeEventsResponse.FromString(data)
    number = int(response.block_number)
    return number, tuple(chaincode_event(number, event) for event in response.events)
