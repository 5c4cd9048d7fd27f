"""The only module of ``fabric_gateway`` that imports the generated protobuf classes.

Owns: building every request message the client sends (as serialized bytes) and parsing every
response and ledger structure it receives into the package's own types (``models``, ``errors``).
Must not import: grpc or the transport; nothing here does I/O. Everything crosses this boundary
as ``bytes`` or plain values, so the rest of the package never touches protobuf objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    chaincode_pb2,
    events_pb2,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.any_pb2 import Any as AnyMessage
from google.protobuf.message import DecodeError

from .errors import ErrorDetail, GatewayError
from .models import (
    Block,
    BlockAndPrivateData,
    BlockTransaction,
    ChaincodeEvent,
    FilteredBlock,
    FilteredTransaction,
    KVRead,
    KVWrite,
    NamespaceReadWriteSet,
    PrivateWrite,
    Status,
)

# Largest block number a SeekInfo can name: "never stop".
MAX_BLOCK_NUMBER = 2**64 - 1
_ERROR_DETAIL_TYPE_URL = "type.googleapis.com/gateway.ErrorDetail"


def _rpc_status_class() -> Any:
    # google.rpc.Status is three fields; googleapis-common-protos is not a dependency, so the
    # message is declared here from its schema in a private descriptor pool (no clash if that
    # package is installed later) and encoded by protobuf itself.
    pool = descriptor_pool.DescriptorPool()
    any_file = descriptor_pb2.FileDescriptorProto()
    AnyMessage.DESCRIPTOR.file.CopyToProto(any_file)
    pool.Add(any_file)
    status_file = descriptor_pb2.FileDescriptorProto(
        name="fabric_gateway/google_rpc_status.proto",
        package="google.rpc",
        syntax="proto3",
        dependency=["google/protobuf/any.proto"],
    )
    message = status_file.message_type.add(name="Status")
    label = descriptor_pb2.FieldDescriptorProto
    message.field.add(name="code", number=1, type=label.TYPE_INT32, label=label.LABEL_OPTIONAL)
    message.field.add(name="message", number=2, type=label.TYPE_STRING, label=label.LABEL_OPTIONAL)
    message.field.add(
        name="details",
        number=3,
        type=label.TYPE_MESSAGE,
        type_name=".google.protobuf.Any",
        label=label.LABEL_REPEATED,
    )
    pool.Add(status_file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("google.rpc.Status"))


_RpcStatus = _rpc_status_class()


# --- identity ---------------------------------------------------------------------------------


def serialize_identity(msp_id: str, credentials: bytes) -> bytes:
    """Serialize an identity as ``msp.SerializedIdentity`` (the ``creator`` of every header)."""
    return bytes(
        identities_pb2.SerializedIdentity(mspid=msp_id, id_bytes=credentials).SerializeToString()
    )


def parse_serialized_identity(creator: bytes) -> tuple[str, bytes]:
    """Return ``(msp_id, id_bytes)`` of a serialized identity."""
    identity = identities_pb2.SerializedIdentity.FromString(creator)
    return str(identity.mspid), bytes(identity.id_bytes)


# --- proposals --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposalView:
    """The parts of a serialized ``gateway.ProposedTransaction`` the client needs."""

    transaction_id: str
    channel_name: str
    proposal_bytes: bytes
    signature: bytes
    endorsing_organizations: tuple[str, ...]


def _timestamp(moment: datetime) -> Any:
    stamp = _timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


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
        timestamp=_timestamp(timestamp),
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
    proposed = _parse(gateway_pb2.ProposedTransaction, data, "proposal")
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
    proposed = _parse(gateway_pb2.ProposedTransaction, data, "proposal")
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


# --- transactions -----------------------------------------------------------------------------


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
    prepared = _parse(gateway_pb2.PreparedTransaction, data, "transaction")
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
    prepared = _parse(gateway_pb2.PreparedTransaction, data, "transaction")
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


# --- signed requests (commit status, chaincode events) ---------------------------------------

SignedRequestKind = Literal["commit_status", "chaincode_events"]
_SIGNED_REQUEST_TYPES: dict[str, Any] = {
    "commit_status": gateway_pb2.SignedCommitStatusRequest,
    "chaincode_events": gateway_pb2.SignedChaincodeEventsRequest,
}


def build_signed_commit_status_request(
    *, channel_name: str, transaction_id: str, creator: bytes
) -> bytes:
    """Build a serialized, unsigned ``gateway.SignedCommitStatusRequest``."""
    request = gateway_pb2.CommitStatusRequest(
        transaction_id=transaction_id, channel_id=channel_name, identity=creator
    )
    signed = gateway_pb2.SignedCommitStatusRequest(request=request.SerializeToString())
    return bytes(signed.SerializeToString())


def _start_position(start_block: int | None) -> Any:
    if start_block is None:
        return ab_pb2.SeekPosition(next_commit=ab_pb2.SeekNextCommit())
    return ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=start_block))


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
        start_position=_start_position(start_block),
    )
    if after_transaction_id:
        request.after_transaction_id = after_transaction_id
    signed = gateway_pb2.SignedChaincodeEventsRequest(request=request.SerializeToString())
    return bytes(signed.SerializeToString())


def parse_signed_request(kind: SignedRequestKind, data: bytes) -> tuple[bytes, bytes]:
    """Return ``(request_bytes, signature)`` of a signed commit status / events request."""
    signed = _parse(_SIGNED_REQUEST_TYPES[kind], data, kind)
    return bytes(signed.request), bytes(signed.signature)


def sign_signed_request(kind: SignedRequestKind, data: bytes, signature: bytes) -> bytes:
    """Return the signed request with its signature set."""
    signed = _parse(_SIGNED_REQUEST_TYPES[kind], data, kind)
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


def validation_code_name(code: int) -> str:
    """Name of a ``peer.TxValidationCode`` value (``"UNKNOWN(n)"`` if not defined)."""
    try:
        return str(transaction_pb2.TxValidationCode.Name(code))
    except ValueError:
        return f"UNKNOWN({code})"


def _chaincode_event(block_number: int, event: Any) -> ChaincodeEvent:
    return ChaincodeEvent(
        block_number=block_number,
        transaction_id=str(event.tx_id),
        chaincode_name=str(event.chaincode_id),
        event_name=str(event.event_name),
        payload=bytes(event.payload),
    )


def parse_chaincode_events_response(data: bytes) -> tuple[int, tuple[ChaincodeEvent, ...]]:
    """Return ``(block_number, events)`` of a ``gateway.ChaincodeEventsResponse``."""
    response = gateway_pb2.ChaincodeEventsResponse.FromString(data)
    number = int(response.block_number)
    return number, tuple(_chaincode_event(number, event) for event in response.events)


# --- block events (Deliver) -------------------------------------------------------------------


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
        timestamp=_timestamp(timestamp),
    )
    if tls_certificate_hash:
        channel_header.tls_cert_hash = tls_certificate_hash
    seek_info = ab_pb2.SeekInfo(
        start=_start_position(start_block),
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
    envelope = _parse(common_pb2.Envelope, data, "envelope")
    return bytes(envelope.payload), bytes(envelope.signature)


def sign_envelope(data: bytes, signature: bytes) -> bytes:
    """Return the envelope with its signature set."""
    envelope = _parse(common_pb2.Envelope, data, "envelope")
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
        return _decode_block(response.block)
    if kind == "filtered_block":
        return _decode_filtered_block(response.filtered_block)
    private = response.block_and_private_data
    return BlockAndPrivateData(
        block=_decode_block(private.block),
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
            _chaincode_event(int(block.number), action.chaincode_event)
            for action in tx.transaction_actions.chaincode_actions
            if action.HasField("chaincode_event")
        )
        code = int(tx.tx_validation_code)
        transactions.append(
            FilteredTransaction(
                transaction_id=str(tx.txid),
                header_type=_header_type_name(int(tx.type)),
                validation_code=code,
                validation_code_name=validation_code_name(code),
                chaincode_events=events,
            )
        )
    return FilteredBlock(
        channel_id=str(block.channel_id), number=int(block.number), transactions=tuple(transactions)
    )


# --- ledger decoding --------------------------------------------------------------------------


def _header_type_name(value: int) -> str:
    try:
        return str(common_pb2.HeaderType.Name(value))
    except ValueError:
        return f"UNKNOWN({value})"


def decode_block(data: bytes) -> Block:
    """Decode a serialized ``common.Block``."""
    return _decode_block(_parse(common_pb2.Block, data, "block"), raw=data)


def _decode_block(block: Any, raw: bytes | None = None) -> Block:
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
        header_type=_header_type_name(int(channel_header.type)),
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
                events.append(_chaincode_event(block_number, event))
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


# --- rich gRPC status ---------------------------------------------------------------------------


def decode_error_details(status_details_bin: bytes) -> tuple[ErrorDetail, ...]:
    """Decode ``gateway.ErrorDetail`` entries of a ``grpc-status-details-bin`` trailer.

    Entries of other types are skipped; an undecodable trailer yields no details (the error
    itself is still reported from the gRPC status code and message).
    """
    try:
        status = _RpcStatus.FromString(status_details_bin)
    except DecodeError:
        return ()
    details = []
    for entry in status.details:
        if entry.type_url.rsplit("/", 1)[-1] != "gateway.ErrorDetail":
            continue
        detail = gateway_pb2.ErrorDetail.FromString(entry.value)
        details.append(
            ErrorDetail(
                address=str(detail.address),
                msp_id=str(detail.msp_id),
                message=str(detail.message),
            )
        )
    return tuple(details)


def encode_error_details(code: int, message: str, details: Sequence[ErrorDetail]) -> bytes:
    """Encode a ``google.rpc.Status`` with ``gateway.ErrorDetail`` entries.

    This is what a Gateway peer sends as ``grpc-status-details-bin``; the client never sends it,
    but test doubles of the Gateway service do.
    """
    status = _RpcStatus(code=code, message=message)
    for detail in details:
        entry = status.details.add()
        entry.type_url = _ERROR_DETAIL_TYPE_URL
        entry.value = gateway_pb2.ErrorDetail(
            address=detail.address, msp_id=detail.msp_id, message=detail.message
        ).SerializeToString()
    return bytes(status.SerializeToString())


def _parse(message_type: Any, data: bytes, what: str) -> Any:
    try:
        return message_type.FromString(data)
    except DecodeError as exc:
        raise GatewayError(f"Invalid serialized {what}: {exc}") from exc
