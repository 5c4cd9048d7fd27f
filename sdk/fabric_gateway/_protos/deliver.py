"""Block events: the Deliver ``SeekInfo`` envelope and the three kinds of deliver response."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import events_pb2

from ..errors import GatewayError
from ..models import (
    Block,
    BlockAndPrivateData,
    FilteredBlock,
    FilteredTransaction,
    PrivateWrite,
)
from .common import (
    chaincode_event,
    header_type_name,
    parse_message,
    start_position,
    timestamp_of,
    validation_code_name,
)
from .ledger import decode_block_message

# Largest block number a SeekInfo can name: "never stop".
MAX_BLOCK_NUMBER = 2**64 - 1


def build_block_events_envelope(
    *,
    channel_name: str,
    creator: bytes,
    start_block: int | None,
    tls_certificate_hash: bytes | None,
    timestamp: datetime,
) -> bytes:
    """Build a serialized, unsigned ``common.Envelope`` carrying a Deliver ``SeekInfo``.

    Start at ``start_block`` (or the next block to commit), never stop, block until ready.
    """
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.DELIVER_SEEK_INFO,
        channel_id=channel_name,
        epoch=0,
        timestamp=timestamp_of(timestamp),
    )
    if tls_certificate_hash:
        channel_header.tls_cert_hash = tls_certificate_hash
    seek_info = ab_pb2.SeekInfo(
        start=start_position(start_block),
        stop=ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=MAX_BLOCK_NUMBER)),
        behavior=ab_pb2.SeekInfo.BLOCK_UNTIL_READY,
    )
    payload = common_pb2.Payload(
        header=common_pb2.Header(
            channel_header=channel_header.SerializeToString(),
            signature_header=common_pb2.SignatureHeader(creator=creator).SerializeToString(),
        ),
        data=seek_info.SerializeToString(),
    )
    return bytes(common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString())


def parse_envelope(data: bytes) -> tuple[bytes, bytes]:
    """Return ``(payload, signature)`` of a serialized ``common.Envelope``."""
    envelope = parse_message(common_pb2.Envelope, data, "envelope")
    return bytes(envelope.payload), bytes(envelope.signature)


def sign_envelope(data: bytes, signature: bytes) -> bytes:
    """Return the envelope with its signature set."""
    envelope = parse_message(common_pb2.Envelope, data, "envelope")
    envelope.signature = signature
    return bytes(envelope.SerializeToString())


DeliverKind = Literal["block", "filtered_block", "block_and_private_data"]


def parse_deliver_response(
    kind: DeliverKind, data: bytes
) -> Block | FilteredBlock | BlockAndPrivateData:
    """Decode one ``peer.DeliverResponse``; a status response is an error."""
    response = events_pb2.DeliverResponse.FromString(data)
    which = response.WhichOneof("Type")
    if which == "status":
        raise GatewayError(
            f"Unexpected deliver status response: {common_pb2.Status.Name(response.status)}"
        )
    if which != kind:
        raise GatewayError(f"Unexpected deliver response type: {which}")
    if kind == "block":
        return decode_block_message(response.block)
    if kind == "filtered_block":
        return _decode_filtered_block(response.filtered_block)
    private = response.block_and_private_data
    return BlockAndPrivateData(
        block=decode_block_message(private.block),
        private_data={
            int(index): bytes(rwset.SerializeToString())
            for index, rwset in private.private_data_map.items()
        },
        private_writes={
            int(index): _private_writes(rwset) for index, rwset in private.private_data_map.items()
        },
    )


def _private_writes(tx_pvt_rwset: Any) -> tuple[PrivateWrite, ...]:
    writes = []
    for ns in tx_pvt_rwset.ns_pvt_rwset:
        for collection in ns.collection_pvt_rwset:
            kv = kv_rwset_pb2.KVRWSet.FromString(collection.rwset)
            writes += [
                PrivateWrite(
                    namespace=str(ns.namespace),
                    collection=str(collection.collection_name),
                    key=str(w.key),
                    value=bytes(w.value),
                    is_delete=bool(w.is_delete),
                )
                for w in kv.writes
            ]
    return tuple(writes)


def _decode_filtered_block(block: Any) -> FilteredBlock:
    transactions = []
    for tx in block.filtered_transactions:
        events = tuple(
            chaincode_event(int(block.number), action.chaincode_event)
            for action in tx.transaction_actions.chaincode_actions
            if action.HasField("chaincode_event")
        )
        code = int(tx.tx_validation_code)
        transactions.append(
            FilteredTransaction(
                transaction_id=str(tx.txid),
                header_type=header_type_name(int(tx.type)),
                validation_code=code,
                validation_code_name=validation_code_name(code),
                chaincode_events=events,
            )
        )
    return FilteredBlock(
        channel_id=str(block.channel_id), number=int(block.number), transactions=tuple(transactions)
    )
