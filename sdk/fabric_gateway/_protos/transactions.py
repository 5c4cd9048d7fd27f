"""Prepared transactions: the endorsed envelope, its signature and the submit request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import (
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)
from google.protobuf.message import DecodeError

from ..errors import GatewayError
from .common import parse_message


@dataclass(slots=True)
class TransactionView:
    """The parts of a serialized ``gateway.PreparedTransaction`` the client needs.

    Mutable only so that the artifact owning it can set ``signature`` once it is signed.
    """

    transaction_id: str
    channel_name: str
    payload: bytes
    signature: bytes
    result: bytes


def _result_of_transaction(transaction_bytes: bytes) -> bytes:
    transaction = transaction_pb2.Transaction.FromString(transaction_bytes)
    for action in transaction.actions:
        try:
            action_payload = transaction_pb2.ChaincodeActionPayload.FromString(action.payload)
            response_payload = proposal_response_pb2.ProposalResponsePayload.FromString(
                action_payload.action.proposal_response_payload
            )
            chaincode_action = proposal_pb2.ChaincodeAction.FromString(response_payload.extension)
        except DecodeError:
            continue
        if chaincode_action.HasField("response"):
            return bytes(chaincode_action.response.payload)
    raise GatewayError("No proposal response found in transaction")


def _view_of(transaction_id: str, envelope: Any) -> TransactionView:
    payload = common_pb2.Payload.FromString(envelope.payload)
    channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    return TransactionView(
        transaction_id=transaction_id,
        channel_name=str(channel_header.channel_id),
        payload=bytes(envelope.payload),
        signature=bytes(envelope.signature),
        result=_result_of_transaction(payload.data),
    )


def parse_prepared_transaction(data: bytes) -> TransactionView:
    """Parse a serialized ``gateway.PreparedTransaction``."""
    prepared = parse_message(gateway_pb2.PreparedTransaction, data, "transaction")
    if not prepared.HasField("envelope"):
        raise GatewayError("Missing envelope")
    return _view_of(str(prepared.transaction_id), prepared.envelope)


def prepared_transaction_view(endorse_response: bytes, transaction_id: str) -> TransactionView:
    """The view of the ``PreparedTransaction`` a ``gateway.EndorseResponse`` carries.

    Read straight from the response: nothing is wrapped, serialized and parsed again.
    """
    response = gateway_pb2.EndorseResponse.FromString(endorse_response)
    if not response.HasField("prepared_transaction"):
        raise GatewayError("Missing transaction envelope", transaction_id=transaction_id)
    return _view_of(transaction_id, response.prepared_transaction)


def prepared_transaction_bytes(view: TransactionView) -> bytes:
    """Serialize a view as a ``gateway.PreparedTransaction`` (signed if the view is)."""
    prepared = gateway_pb2.PreparedTransaction(transaction_id=view.transaction_id)
    prepared.envelope.payload = view.payload
    if view.signature:
        prepared.envelope.signature = view.signature
    return bytes(prepared.SerializeToString())


def sign_prepared_transaction(data: bytes, signature: bytes) -> bytes:
    """Return the ``PreparedTransaction`` with its envelope signature set."""
    prepared = parse_message(gateway_pb2.PreparedTransaction, data, "transaction")
    prepared.envelope.signature = signature
    return bytes(prepared.SerializeToString())


def build_submit_request(view: TransactionView) -> bytes:
    """Build a serialized ``gateway.SubmitRequest`` from a signed prepared transaction's view."""
    request = gateway_pb2.SubmitRequest(
        transaction_id=view.transaction_id, channel_id=view.channel_name
    )
    envelope = request.prepared_transaction
    envelope.payload = view.payload
    envelope.signature = view.signature
    return bytes(request.SerializeToString())
