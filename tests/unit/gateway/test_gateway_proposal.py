"""Proposal messages, decoded field by field with the generated protobuf classes.

Pinned behaviour of the official client (fabric-gateway 1.11, node/src/proposalbuilder.ts):
the transient map IS carried in the ChaincodeProposalPayload of the proposal bytes sent for
endorsement -- the Gateway peer strips it when it assembles the transaction envelope.
"""

from __future__ import annotations

import hashlib
from typing import Any

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2

from fabric_gateway import (
    InMemoryCheckpointer,
    X509Identity,
    connect,
    hashes,
    tls_certificate_hash,
)

from .credentials import Credentials


def _decode_proposal(proposed_bytes: bytes) -> dict[str, Any]:
    proposed = gateway_pb2.ProposedTransaction.FromString(proposed_bytes)
    proposal = proposal_pb2.Proposal.FromString(proposed.proposal.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    invocation = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input)
    extension = proposal_pb2.ChaincodeHeaderExtension.FromString(channel_header.extension)
    return {
        "proposed": proposed,
        "channel_header": channel_header,
        "signature_header": signature_header,
        "payload": payload,
        "spec": invocation.chaincode_spec,
        "extension": extension,
    }


def _offline_gateway(identity: X509Identity) -> Any:
    # No signer and a channel that is never used: building messages needs no connection.
    return connect(client=grpc.insecure_channel("127.0.0.1:1"), identity=identity)


def test_proposal_fields(identity: X509Identity) -> None:
    gateway = _offline_gateway(identity)
    contract = gateway.get_network("sovereign").get_contract("assets", "BondContract")
    proposal = contract.new_proposal(
        "Transfer",
        arguments=["PKTB-2026-03", b"\x00\x01binary"],
        transient_data={"price": "99.125", "counterparty": b"bank-b"},
        endorsing_organizations=["TreasuryMSP", "CentralBankMSP"],
    )
    decoded = _decode_proposal(proposal.bytes())

    channel_header = decoded["channel_header"]
    assert channel_header.type == common_pb2.ENDORSER_TRANSACTION
    assert channel_header.channel_id == "sovereign"
    assert channel_header.epoch == 0
    assert channel_header.tx_id == proposal.transaction_id
    assert channel_header.timestamp.seconds > 0
    assert decoded["extension"].chaincode_id.name == "assets"

    signature_header = decoded["signature_header"]
    assert len(signature_header.nonce) == 24
    creator = identities_pb2.SerializedIdentity.FromString(signature_header.creator)
    assert creator.mspid == "TreasuryMSP"
    assert creator.id_bytes == identity.certificate
    expected_tx_id = hashlib.sha256(signature_header.nonce + signature_header.creator).hexdigest()
    assert proposal.transaction_id == expected_tx_id

    spec = decoded["spec"]
    assert spec.type == chaincode_pb2.ChaincodeSpec.NODE
    assert spec.chaincode_id.name == "assets"
    assert list(spec.input.args) == [b"BondContract:Transfer", b"PKTB-2026-03", b"\x00\x01binary"]

    # Pinned: transient data is inside the proposal payload that is signed and sent.
    assert dict(decoded["payload"].TransientMap) == {"price": b"99.125", "counterparty": b"bank-b"}

    proposed = decoded["proposed"]
    assert proposed.transaction_id == proposal.transaction_id
    assert list(proposed.endorsing_organizations) == ["TreasuryMSP", "CentralBankMSP"]
    assert proposed.proposal.signature == b""  # built unsigned


def test_function_name_without_contract_name(identity: X509Identity) -> None:
    contract = _offline_gateway(identity).get_network("ch").get_contract("assets")
    spec = _decode_proposal(contract.new_proposal("GetHolding").bytes())["spec"]
    assert list(spec.input.args) == [b"GetHolding"]
    assert _decode_proposal(contract.new_proposal("x").bytes())["payload"].TransientMap == {}


def test_each_proposal_gets_a_fresh_nonce_and_id(identity: X509Identity) -> None:
    contract = _offline_gateway(identity).get_network("ch").get_contract("assets")
    first, second = contract.new_proposal("f"), contract.new_proposal("f")
    assert first.transaction_id != second.transaction_id


def test_transaction_id_is_sha256_whatever_the_signing_hash(identity: X509Identity) -> None:
    gateway = connect(
        client=grpc.insecure_channel("127.0.0.1:1"), identity=identity, hash=hashes.sha384
    )
    proposal = gateway.get_network("ch").get_contract("cc").new_proposal("f")
    signature_header = _decode_proposal(proposal.bytes())["signature_header"]
    assert (
        proposal.transaction_id
        == hashlib.sha256(signature_header.nonce + signature_header.creator).hexdigest()
    )
    proposed = gateway_pb2.ProposedTransaction.FromString(proposal.bytes())
    assert proposal.digest() == hashlib.sha384(proposed.proposal.proposal_bytes).digest()


def test_chaincode_events_request_fields(identity: X509Identity) -> None:
    network = _offline_gateway(identity).get_network("sovereign")
    checkpoint = InMemoryCheckpointer()
    checkpoint.checkpoint_transaction(17, "tx-9")
    request = network.new_chaincode_events_request("assets", start_block=3, checkpoint=checkpoint)
    signed = gateway_pb2.SignedChaincodeEventsRequest.FromString(request.bytes())
    inner = gateway_pb2.ChaincodeEventsRequest.FromString(signed.request)
    assert inner.channel_id == "sovereign"
    assert inner.chaincode_id == "assets"
    assert inner.start_position.specified.number == 17  # the checkpoint wins over start_block
    assert inner.after_transaction_id == "tx-9"
    creator = identities_pb2.SerializedIdentity.FromString(inner.identity)
    assert creator.mspid == identity.msp_id
    assert request.digest() == hashlib.sha256(signed.request).digest()

    default = network.new_chaincode_events_request("assets")
    inner = gateway_pb2.ChaincodeEventsRequest.FromString(
        gateway_pb2.SignedChaincodeEventsRequest.FromString(default.bytes()).request
    )
    assert inner.start_position.WhichOneof("Type") == "next_commit"
    assert inner.after_transaction_id == ""


def test_block_events_envelope_fields(identity: X509Identity, credentials: Credentials) -> None:
    cert_hash = tls_certificate_hash(credentials.certificate_pem)
    gateway = connect(
        client=grpc.insecure_channel("127.0.0.1:1"),
        identity=identity,
        tls_client_certificate_hash=cert_hash,
    )
    request = gateway.get_network("sovereign").new_filtered_block_events_request(start_block=5)
    envelope = common_pb2.Envelope.FromString(request.bytes())
    payload = common_pb2.Payload.FromString(envelope.payload)
    channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    assert channel_header.type == common_pb2.DELIVER_SEEK_INFO
    assert channel_header.channel_id == "sovereign"
    assert channel_header.tls_cert_hash == cert_hash
    signature_header = common_pb2.SignatureHeader.FromString(payload.header.signature_header)
    assert identities_pb2.SerializedIdentity.FromString(signature_header.creator).mspid == (
        identity.msp_id
    )
    seek = ab_pb2.SeekInfo.FromString(payload.data)
    assert seek.start.specified.number == 5
    assert seek.stop.specified.number == 2**64 - 1
    assert seek.behavior == ab_pb2.SeekInfo.BLOCK_UNTIL_READY
    assert request.digest() == hashlib.sha256(envelope.payload).digest()

    newest = gateway.get_network("sovereign").new_block_events_request()
    seek = ab_pb2.SeekInfo.FromString(
        common_pb2.Payload.FromString(common_pb2.Envelope.FromString(newest.bytes()).payload).data
    )
    assert seek.start.WhichOneof("Type") == "next_commit"
