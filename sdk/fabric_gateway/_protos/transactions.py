"""Prepared transactions: the endorsed envelope, its signature and the submit request."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class TransactionView:
    """The parts of a serialized ``gateway.PreparedTransaction`` the client needs."""

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


def parse_prepared_transaction(data: bytes) -> TransactionView:
    """Parse a serialized ``gateway.PreparedTransaction``."""
    prepared = parse_message(gateway_pb2.PreparedTransaction, data, "transaction")
    if not prepared.HasField("envelope"):
        raise GatewayError("Missing envelope")
    payload = common_pb2.Payload.FromString(prepared.envelope.payload)
    channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    return TransactionView(
        transaction_id=str(prepared.transaction_id),
        channel_name=str(channel_header.channel_id),
        payload=bytes(prepared.envelope.payload),
        signature=bytes(prepared.envelope.signature),
        result=_result_of_transaction(payload.data),
    )


def sign_prepared_transaction(data: bytes, signature: bytes) -> bytes:
    """Return the ``PreparedTransaction`` with its envelope signature set."""
    prepared = parse_message(gateway_pb2.PreparedTransaction, data, "transaction")
    prepared.envelope.signature = signature
    return bytes(prepared.SerializeToString())


def build_submit_request(prepared_transaction: bytes) -> bytes:
    """Build a serialized ``gateway.SubmitRequest`` from a signed prepared transaction."""
    prepared = gateway_pb2.PreparedTransaction.FromString(prepared_transaction)
    view = parse_prepared_transaction(prepared_transaction)
    request = gateway_pb2.SubmitRequest(
        transaction_id=prepared.transaction_id,
        channel_id=view.channel_name,
        prepared_transaction=prepared.envelope,
    )
    return bytes(request.SerializeToString())
