"""Proposals: the ``gateway.ProposedTransaction`` and the evaluate and endorse requests."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import (
    chaincode_pb2,
    proposal_pb2,
)

from ..errors import GatewayError
from .common import parse_message


@dataclass(slots=True)
class ProposalView:
    """The parts of a serialized ``gateway.ProposedTransaction`` the client needs.

    Mutable only so that the artifact owning it can set ``signature`` once it is signed.
    """

    transaction_id: str
    channel_name: str
    proposal_bytes: bytes
    signature: bytes
    endorsing_organizations: tuple[str, ...]


@functools.lru_cache(maxsize=256)
def _chaincode_header_extension(chaincode_name: str) -> bytes:
    # The same few bytes for every proposal to a chaincode: built once per name.
    chaincode_id = chaincode_pb2.ChaincodeID(name=chaincode_name)
    extension = proposal_pb2.ChaincodeHeaderExtension(chaincode_id=chaincode_id)
    return bytes(extension.SerializeToString())


def build_proposal(
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
    timestamp_ns: int,
) -> ProposalView:
    """Build an unsigned proposal's view (``proposed_transaction_bytes`` serializes it).

    As in the official client: the chaincode spec type is NODE, ``args[0]`` is the transaction
    name, and transient data travels in the proposal payload (the Gateway strips it before the
    transaction is ordered). ``timestamp_ns`` is nanoseconds since the Unix epoch (UTC).
    Fields are assigned in place rather than passed as nested messages, which protobuf would
    copy; the bytes are the same.
    """
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.ENDORSER_TRANSACTION,
        tx_id=transaction_id,
        channel_id=channel_name,
        extension=_chaincode_header_extension(chaincode_name),
        epoch=0,
    )
    seconds, nanos = divmod(timestamp_ns, 1_000_000_000)
    channel_header.timestamp.seconds = seconds
    channel_header.timestamp.nanos = nanos
    signature_header = common_pb2.SignatureHeader(creator=creator, nonce=nonce)
    header = common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=signature_header.SerializeToString(),
    )
    invocation = chaincode_pb2.ChaincodeInvocationSpec()
    spec = invocation.chaincode_spec
    spec.type = chaincode_pb2.ChaincodeSpec.NODE
    spec.chaincode_id.name = chaincode_name
    spec.input.args.append(transaction_name.encode())
    spec.input.args.extend(arguments)
    payload = proposal_pb2.ChaincodeProposalPayload(input=invocation.SerializeToString())
    for key, value in transient_data.items():
        payload.TransientMap[key] = value
    proposal = proposal_pb2.Proposal(
        header=header.SerializeToString(), payload=payload.SerializeToString()
    )
    return ProposalView(
        transaction_id=transaction_id,
        channel_name=channel_name,
        proposal_bytes=bytes(proposal.SerializeToString()),
        signature=b"",
        endorsing_organizations=tuple(endorsing_organizations),
    )


def proposed_transaction_bytes(view: ProposalView) -> bytes:
    """Serialize a view as a ``gateway.ProposedTransaction`` (signed if the view is)."""
    proposed = gateway_pb2.ProposedTransaction(
        transaction_id=view.transaction_id,
        endorsing_organizations=view.endorsing_organizations,
    )
    proposed.proposal.proposal_bytes = view.proposal_bytes
    if view.signature:
        proposed.proposal.signature = view.signature
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


def build_evaluate_request(view: ProposalView) -> bytes:
    """Build a serialized ``gateway.EvaluateRequest`` from a signed proposal's view.

    The view holds every field the request copies, so nothing is parsed again.
    """
    request = gateway_pb2.EvaluateRequest(
        transaction_id=view.transaction_id,
        channel_id=view.channel_name,
        target_organizations=view.endorsing_organizations,
    )
    signed = request.proposed_transaction
    signed.proposal_bytes = view.proposal_bytes
    signed.signature = view.signature
    return bytes(request.SerializeToString())


def build_endorse_request(view: ProposalView) -> bytes:
    """Build a serialized ``gateway.EndorseRequest`` from a signed proposal's view."""
    request = gateway_pb2.EndorseRequest(
        transaction_id=view.transaction_id,
        channel_id=view.channel_name,
        endorsing_organizations=view.endorsing_organizations,
    )
    signed = request.proposed_transaction
    signed.proposal_bytes = view.proposal_bytes
    signed.signature = view.signature
    return bytes(request.SerializeToString())


def parse_evaluate_response(data: bytes) -> bytes:
    """Return the chaincode result payload of a ``gateway.EvaluateResponse``."""
    return bytes(gateway_pb2.EvaluateResponse.FromString(data).result.payload)
