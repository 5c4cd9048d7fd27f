"""Proposals: the ``gateway.ProposedTransaction`` and the evaluate and endorse requests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import (
    chaincode_pb2,
    proposal_pb2,
)

from ..errors import GatewayError
from .common import parse_message, timestamp_of


@dataclass(frozen=True, slots=True)
class ProposalView:
    """The parts of a serialized ``gateway.ProposedTransaction`` the client needs."""

    transaction_id: str
    channel_name: str
    proposal_bytes: bytes
    signature: bytes
    endorsing_organizations: tuple[str, ...]


def build_proposed_transaction(
    *,
    channel_name: str,
    chaincode_name: str,
    transaction_name: str,
    arguments: Sequence[bytes],
    transient_data: Mapping[str, bytes],
    endorsing_organizations: Sequence[str],
    creator: bytes,
    nonce: bytes,
    transaction_id: str,
    timestamp: datetime,
) -> bytes:
    """Build a serialized, unsigned ``gateway.ProposedTransaction``.

    As in the official client: the chaincode spec type is NODE, ``args[0]`` is the transaction
    name, and transient data travels in the proposal payload (the Gateway strips it before the
    transaction is ordered).
    """
    chaincode_id = chaincode_pb2.ChaincodeID(name=chaincode_name)
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.ENDORSER_TRANSACTION,
        tx_id=transaction_id,
        timestamp=timestamp_of(timestamp),
        channel_id=channel_name,
        extension=proposal_pb2.ChaincodeHeaderExtension(
            chaincode_id=chaincode_id
        ).SerializeToString(),
        epoch=0,
    )
    signature_header = common_pb2.SignatureHeader(creator=creator, nonce=nonce)
    header = common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=signature_header.SerializeToString(),
    )
    invocation = chaincode_pb2.ChaincodeInvocationSpec(
        chaincode_spec=chaincode_pb2.ChaincodeSpec(
            type=chaincode_pb2.ChaincodeSpec.NODE,
            chaincode_id=chaincode_id,
            input=chaincode_pb2.ChaincodeInput(
                args=[transaction_name.encode(), *arguments],
            ),
        )
    )
    payload = proposal_pb2.ChaincodeProposalPayload(input=invocation.SerializeToString())
    for key, value in transient_data.items():
        payload.TransientMap[key] = value
    proposal = proposal_pb2.Proposal(
        header=header.SerializeToString(), payload=payload.SerializeToString()
    )
    proposed = gateway_pb2.ProposedTransaction(
        transaction_id=transaction_id,
        proposal=proposal_pb2.SignedProposal(proposal_bytes=proposal.SerializeToString()),
        endorsing_organizations=list(endorsing_organizations),
    )
    return bytes(proposed.SerializeToString())


def _channel_header_of(header_bytes: bytes) -> Any:
    header = common_pb2.Header.FromString(header_bytes)
    return common_pb2.ChannelHeader.FromString(header.channel_header)


def parse_proposed_transaction(data: bytes) -> ProposalView:
    """Parse a serialized ``gateway.ProposedTransaction``."""
    proposed = parse_message(gateway_pb2.ProposedTransaction, data, "proposal")
    if not proposed.HasField("proposal"):
        raise GatewayError("Missing signed proposal")
    proposal = proposal_pb2.Proposal.FromString(proposed.proposal.proposal_bytes)
    channel_header = _channel_header_of(proposal.header)
    return ProposalView(
        transaction_id=str(proposed.transaction_id),
        channel_name=str(channel_header.channel_id),
        proposal_bytes=bytes(proposed.proposal.proposal_bytes),
        signature=bytes(proposed.proposal.signature),
        endorsing_organizations=tuple(proposed.endorsing_organizations),
    )


def sign_proposed_transaction(data: bytes, signature: bytes) -> bytes:
    """Return the ``ProposedTransaction`` with its proposal signature set."""
    proposed = parse_message(gateway_pb2.ProposedTransaction, data, "proposal")
    proposed.proposal.signature = signature
    return bytes(proposed.SerializeToString())


def _signed_proposal(view: ProposalView) -> Any:
    return proposal_pb2.SignedProposal(proposal_bytes=view.proposal_bytes, signature=view.signature)


def build_evaluate_request(view: ProposalView) -> bytes:
    """Build a serialized ``gateway.EvaluateRequest`` from a signed proposal's view.

    The view holds every field the request copies, so nothing is parsed again.
    """
    request = gateway_pb2.EvaluateRequest(
        transaction_id=view.transaction_id,
        channel_id=view.channel_name,
        proposed_transaction=_signed_proposal(view),
        target_organizations=list(view.endorsing_organizations),
    )
    return bytes(request.SerializeToString())


def build_endorse_request(view: ProposalView) -> bytes:
    """Build a serialized ``gateway.EndorseRequest`` from a signed proposal's view."""
    request = gateway_pb2.EndorseRequest(
        transaction_id=view.transaction_id,
        channel_id=view.channel_name,
        proposed_transaction=_signed_proposal(view),
        endorsing_organizations=list(view.endorsing_organizations),
    )
    return bytes(request.SerializeToString())


def parse_evaluate_response(data: bytes) -> bytes:
    """Return the chaincode result payload of a ``gateway.EvaluateResponse``."""
    return bytes(gateway_pb2.EvaluateResponse.FromString(data).result.payload)


def prepared_transaction_from_endorse_response(data: bytes, transaction_id: str) -> bytes:
    """Wrap the endorsed envelope of a ``gateway.EndorseResponse`` as a ``PreparedTransaction``."""
    response = gateway_pb2.EndorseResponse.FromString(data)
    if not response.HasField("prepared_transaction"):
        raise GatewayError("Missing transaction envelope", transaction_id=transaction_id)
    prepared = gateway_pb2.PreparedTransaction(
        transaction_id=transaction_id, envelope=response.prepared_transaction
    )
    return bytes(prepared.SerializeToString())
