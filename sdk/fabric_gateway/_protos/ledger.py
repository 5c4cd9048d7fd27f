"""Ledger decoding: blocks, transaction envelopes, endorser actions and read-write sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    chaincode_pb2,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)

from ..models import (
    Block,
    BlockTransaction,
    ChaincodeEvent,
    KVRead,
    KVWrite,
    NamespaceReadWriteSet,
)
from .common import (
    chaincode_event,
    header_type_name,
    parse_message,
    parse_serialized_identity,
    validation_code_name,
)


def decode_block(data: bytes) -> Block:
    """Decode a serialized ``common.Block``."""
    return decode_block_message(parse_message(common_pb2.Block, data, "block"), raw=data)


def decode_block_message(block: Any, raw: bytes | None = None) -> Block:
    """Decode a parsed ``common.Block`` message (``raw``: its bytes, if already at hand)."""
    filter_index = common_pb2.BlockMetadataIndex.Value("TRANSACTIONS_FILTER")
    metadata = block.metadata.metadata
    flags = bytes(metadata[filter_index]) if len(metadata) > filter_index else b""
    number = int(block.header.number)
    transactions = []
    for index, envelope_bytes in enumerate(block.data.data):
        # Without a TRANSACTIONS_FILTER entry (e.g. an uncommitted block) a transaction is
        # reported as NOT_VALIDATED rather than guessed valid.
        code = flags[index] if index < len(flags) else transaction_pb2.NOT_VALIDATED
        transactions.append(_decode_envelope(number, index, bytes(envelope_bytes), int(code)))
    return Block(
        number=number,
        previous_hash=bytes(block.header.previous_hash),
        data_hash=bytes(block.header.data_hash),
        transactions=tuple(transactions),
        raw=raw if raw is not None else bytes(block.SerializeToString()),
    )


def decode_transaction_envelope(
    data: bytes, *, validation_code: int, block_number: int = 0, index: int = 0
) -> BlockTransaction:
    """Decode one serialized transaction ``common.Envelope`` as found in a block."""
    return _decode_envelope(block_number, index, data, validation_code)


def _decode_envelope(block_number: int, index: int, data: bytes, code: int) -> BlockTransaction:
    envelope = common_pb2.Envelope.FromString(data)
    payload = common_pb2.Payload.FromString(envelope.payload)
    channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    signature_header = common_pb2.SignatureHeader.FromString(payload.header.signature_header)
    msp_id, id_bytes = ("", b"")
    if signature_header.creator:
        msp_id, id_bytes = parse_serialized_identity(signature_header.creator)
    timestamp = (
        channel_header.timestamp.ToDatetime(tzinfo=UTC)
        if channel_header.HasField("timestamp")
        else None
    )
    action = _EndorserAction()
    if channel_header.type == common_pb2.ENDORSER_TRANSACTION:
        action = _decode_endorser_transaction(block_number, payload.data)
    return BlockTransaction(
        index=index,
        transaction_id=str(channel_header.tx_id),
        channel_id=str(channel_header.channel_id),
        header_type=header_type_name(int(channel_header.type)),
        timestamp=timestamp,
        creator_msp_id=msp_id,
        creator_id_bytes=id_bytes,
        validation_code=code,
        validation_code_name=validation_code_name(code),
        chaincode_name=action.chaincode_name,
        read_write_sets=action.read_write_sets,
        chaincode_events=action.chaincode_events,
        function_name=action.function_name,
        endorser_msp_ids=action.endorser_msp_ids,
        result=action.result,
    )


@dataclass(frozen=True)
class _EndorserAction:
    """What an endorser transaction's actions carry, for :class:`BlockTransaction`."""

    chaincode_name: str | None = None
    read_write_sets: tuple[NamespaceReadWriteSet, ...] = ()
    chaincode_events: tuple[ChaincodeEvent, ...] = ()
    function_name: str | None = None
    endorser_msp_ids: tuple[str, ...] = ()
    result: bytes = b""


def _decode_endorser_transaction(block_number: int, data: bytes) -> _EndorserAction:
    transaction = transaction_pb2.Transaction.FromString(data)
    chaincode_name: str | None = None
    function_name: str | None = None
    rwsets: list[NamespaceReadWriteSet] = []
    events: list[ChaincodeEvent] = []
    endorsers: list[str] = []
    result: bytes | None = None
    for action in transaction.actions:
        action_payload = transaction_pb2.ChaincodeActionPayload.FromString(action.payload)
        # The proposal's input as committed (transient data is never part of it): its
        # first argument names the function.
        proposal_payload = proposal_pb2.ChaincodeProposalPayload.FromString(
            action_payload.chaincode_proposal_payload
        )
        invocation = chaincode_pb2.ChaincodeInvocationSpec.FromString(proposal_payload.input)
        if function_name is None and invocation.chaincode_spec.input.args:
            function_name = bytes(invocation.chaincode_spec.input.args[0]).decode(
                "utf-8", "replace"
            )
        for endorsement in action_payload.action.endorsements:
            msp_id, _ = parse_serialized_identity(endorsement.endorser)
            if msp_id not in endorsers:
                endorsers.append(msp_id)
        response_payload = proposal_response_pb2.ProposalResponsePayload.FromString(
            action_payload.action.proposal_response_payload
        )
        chaincode_action = proposal_pb2.ChaincodeAction.FromString(response_payload.extension)
        if chaincode_action.HasField("chaincode_id"):
            chaincode_name = str(chaincode_action.chaincode_id.name)
        if result is None and chaincode_action.HasField("response"):
            result = bytes(chaincode_action.response.payload)
        if chaincode_action.results:
            rwsets.extend(_decode_rwset(chaincode_action.results))
        if chaincode_action.events:
            event = chaincode_event_pb2.ChaincodeEvent.FromString(chaincode_action.events)
            if event.event_name:
                events.append(chaincode_event(block_number, event))
    return _EndorserAction(
        chaincode_name,
        tuple(rwsets),
        tuple(events),
        function_name,
        tuple(endorsers),
        result or b"",
    )


def _decode_rwset(data: bytes) -> list[NamespaceReadWriteSet]:
    tx_rwset = rwset_pb2.TxReadWriteSet.FromString(data)
    result = []
    for ns in tx_rwset.ns_rwset:
        kv = kv_rwset_pb2.KVRWSet.FromString(ns.rwset)
        reads = tuple(
            KVRead(
                key=str(read.key),
                version=(int(read.version.block_num), int(read.version.tx_num))
                if read.HasField("version")
                else None,
            )
            for read in kv.reads
        )
        writes = tuple(
            KVWrite(key=str(w.key), value=bytes(w.value), is_delete=bool(w.is_delete))
            for w in kv.writes
        )
        collections = tuple(str(c.collection_name) for c in ns.collection_hashed_rwset)
        result.append(
            NamespaceReadWriteSet(
                namespace=str(ns.namespace), reads=reads, writes=writes, collections=collections
            )
        )
    return result
