"""Builders of ledger blocks for tests, made with the generated protobuf classes."""

from __future__ import annotations

from dataclasses import dataclass, field

from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    chaincode_pb2,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)
from google.protobuf import timestamp_pb2


@dataclass
class TxSpec:
    tx_id: str
    msp_id: str = "ExchangeMSP"
    certificate: bytes = b"-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n"
    seconds: int = 1_767_225_600  # 2026-01-01T00:00:00Z
    chaincode: str = "assets"
    reads: list[tuple[str, tuple[int, int] | None]] = field(default_factory=list)
    writes: list[tuple[str, bytes, bool]] = field(default_factory=list)
    event_name: str = ""
    event_payload: bytes = b""
    header_type: int = common_pb2.ENDORSER_TRANSACTION
    arguments: list[bytes] = field(default_factory=list)
    endorsers: list[str] = field(default_factory=list)


def envelope(spec: TxSpec, channel: str = "sovereign") -> bytes:
    creator = identities_pb2.SerializedIdentity(
        mspid=spec.msp_id, id_bytes=spec.certificate
    ).SerializeToString()
    channel_header = common_pb2.ChannelHeader(
        type=spec.header_type,
        channel_id=channel,
        tx_id=spec.tx_id,
        timestamp=timestamp_pb2.Timestamp(seconds=spec.seconds, nanos=500_000_000),
    )
    kv = kv_rwset_pb2.KVRWSet(
        reads=[
            kv_rwset_pb2.KVRead(
                key=key,
                version=kv_rwset_pb2.Version(block_num=v[0], tx_num=v[1]) if v else None,
            )
            for key, v in spec.reads
        ],
        writes=[kv_rwset_pb2.KVWrite(key=k, value=v, is_delete=d) for k, v, d in spec.writes],
    )
    tx_rwset = rwset_pb2.TxReadWriteSet(
        data_model=rwset_pb2.TxReadWriteSet.KV,
        ns_rwset=[rwset_pb2.NsReadWriteSet(namespace=spec.chaincode, rwset=kv.SerializeToString())],
    )
    action = proposal_pb2.ChaincodeAction(
        results=tx_rwset.SerializeToString(),
        response=proposal_response_pb2.Response(status=200, payload=b"ok"),
        chaincode_id=chaincode_pb2.ChaincodeID(name=spec.chaincode, version="1.0"),
    )
    if spec.event_name:
        action.events = chaincode_event_pb2.ChaincodeEvent(
            chaincode_id=spec.chaincode,
            tx_id=spec.tx_id,
            event_name=spec.event_name,
            payload=spec.event_payload,
        ).SerializeToString()
    invocation = chaincode_pb2.ChaincodeInvocationSpec(
        chaincode_spec=chaincode_pb2.ChaincodeSpec(
            chaincode_id=chaincode_pb2.ChaincodeID(name=spec.chaincode),
            input=chaincode_pb2.ChaincodeInput(args=spec.arguments),
        )
    )
    action_payload = transaction_pb2.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal_pb2.ChaincodeProposalPayload(
            input=invocation.SerializeToString()
        ).SerializeToString(),
        action=transaction_pb2.ChaincodeEndorsedAction(
            proposal_response_payload=proposal_response_pb2.ProposalResponsePayload(
                extension=action.SerializeToString()
            ).SerializeToString(),
            endorsements=[
                proposal_response_pb2.Endorsement(
                    endorser=identities_pb2.SerializedIdentity(
                        mspid=msp, id_bytes=b"peer certificate"
                    ).SerializeToString(),
                    signature=b"s",
                )
                for msp in spec.endorsers
            ],
        ),
    )
    transaction = transaction_pb2.Transaction(
        actions=[transaction_pb2.TransactionAction(payload=action_payload.SerializeToString())]
    )
    payload = common_pb2.Payload(
        header=common_pb2.Header(
            channel_header=channel_header.SerializeToString(),
            signature_header=common_pb2.SignatureHeader(
                creator=creator, nonce=b"n" * 24
            ).SerializeToString(),
        ),
        data=transaction.SerializeToString(),
    )
    return bytes(common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString())


def block(number: int, specs: list[TxSpec], codes: list[int] | None) -> bytes:
    metadata = common_pb2.BlockMetadata(metadata=[b"", b"", b"", b"", b""])
    if codes is not None:
        metadata.metadata[common_pb2.TRANSACTIONS_FILTER] = bytes(codes)
    result = common_pb2.Block(
        header=common_pb2.BlockHeader(number=number, previous_hash=b"p" * 32, data_hash=b"d" * 32),
        data=common_pb2.BlockData(data=[envelope(s) for s in specs]),
        metadata=metadata,
    )
    return bytes(result.SerializeToString())
