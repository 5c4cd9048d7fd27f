"""Protobuf codec: the ONE module of this package that imports the generated classes.

Owns the conversion between Fabric's protobuf messages and the package's own types
(:mod:`fabric_chaincode.types`): the ``ChaincodeMessage`` envelope, each stub request payload,
each answer payload, proposals, identities and signature policies.
Must not import gRPC, and holds no state: every function is a pure encode or decode.
A decode failure raises :class:`fabric_chaincode.errors.ProtocolError`.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fabric_protos.common import common_pb2, policies_pb2
from fabric_protos.ledger.queryresult import kv_query_result_pb2
from fabric_protos.msp import identities_pb2, msp_principal_pb2
from fabric_protos.peer import (
    chaincode_pb2,
    chaincode_shim_pb2,
    proposal_pb2,
    proposal_response_pb2,
)
from google.protobuf.message import DecodeError

from fabric_chaincode.errors import ProtocolError
from fabric_chaincode.types import (
    KV,
    ChaincodeEvent,
    ChaincodeInput,
    KeyModification,
    MessageType,
    PeerCapabilities,
    ProposalFacts,
    QueryPage,
    QueryResponseMetadata,
    Response,
    ShimMessage,
    SignedProposal,
    Timestamp,
    WriteKind,
    WriteRecord,
)

#: Generated enum values, exposed for the test that checks our mirror enums.
GENERATED_MESSAGE_TYPES: dict[str, int] = dict(chaincode_shim_pb2.ChaincodeMessage.Type.items())
GENERATED_WRITE_KINDS: dict[str, int] = dict(chaincode_shim_pb2.WriteRecord.Type.items())
GENERATED_ROLE_TYPES: dict[str, int] = dict(msp_principal_pb2.MSPRole.MSPRoleType.items())

_ENDORSER_TRANSACTION = common_pb2.ENDORSER_TRANSACTION
_CONFIG = common_pb2.CONFIG


def _parse(message_class: type, data: bytes, what: str) -> object:
    message = message_class()
    try:
        message.ParseFromString(data)
    except (DecodeError, RuntimeWarning) as exc:
        raise ProtocolError(f"cannot decode {what}") from exc
    return message


# --------------------------------------------------------------------------- envelope


def encode_message(message: ShimMessage) -> bytes:
    """Serialize a shim message as a ``ChaincodeMessage``."""
    pb = chaincode_shim_pb2.ChaincodeMessage(
        type=int(message.type),
        payload=message.payload,
        txid=message.txid,
        channel_id=message.channel_id,
    )
    if message.proposal is not None:
        pb.proposal.proposal_bytes = message.proposal.proposal_bytes
        pb.proposal.signature = message.proposal.signature
    if message.event is not None:
        pb.chaincode_event.event_name = message.event.name
        pb.chaincode_event.payload = message.event.payload
    return bytes(pb.SerializeToString())


def decode_message(data: bytes) -> ShimMessage:
    """Parse a ``ChaincodeMessage``; unknown message types raise ProtocolError."""
    pb = _parse(chaincode_shim_pb2.ChaincodeMessage, data, "ChaincodeMessage")
    assert isinstance(pb, chaincode_shim_pb2.ChaincodeMessage)
    try:
        kind = MessageType(pb.type)
    except ValueError as exc:
        raise ProtocolError(f"unknown chaincode message type {pb.type}") from exc
    proposal = None
    if pb.HasField("proposal"):
        proposal = SignedProposal(
            proposal_bytes=pb.proposal.proposal_bytes, signature=pb.proposal.signature
        )
    event = None
    if pb.HasField("chaincode_event"):
        event = ChaincodeEvent(
            name=pb.chaincode_event.event_name, payload=pb.chaincode_event.payload
        )
    return ShimMessage(
        type=kind,
        payload=pb.payload,
        txid=pb.txid,
        channel_id=pb.channel_id,
        proposal=proposal,
        event=event,
    )


# --------------------------------------------------------------------------- handshake


def encode_chaincode_id(name: str) -> bytes:
    """The REGISTER payload: ``ChaincodeID{name}``."""
    return bytes(chaincode_pb2.ChaincodeID(name=name).SerializeToString())


def decode_capabilities(data: bytes) -> PeerCapabilities:
    """The READY payload of a Fabric 3.x peer (``ChaincodeAdditionalParams``), or defaults."""
    if not data:
        return PeerCapabilities()
    pb = _parse(chaincode_pb2.ChaincodeAdditionalParams, data, "ChaincodeAdditionalParams")
    return PeerCapabilities(
        use_write_batch=bool(pb.use_write_batch),  # type: ignore[attr-defined]
        max_size_write_batch=int(pb.max_size_write_batch),  # type: ignore[attr-defined]
        use_get_multiple_keys=bool(pb.use_get_multiple_keys),  # type: ignore[attr-defined]
        max_size_get_multiple_keys=int(pb.max_size_get_multiple_keys),  # type: ignore[attr-defined]
    )


def encode_capabilities(capabilities: PeerCapabilities) -> bytes:
    """Serialize peer capabilities (used by test harnesses playing the peer)."""
    return bytes(
        chaincode_pb2.ChaincodeAdditionalParams(
            use_write_batch=capabilities.use_write_batch,
            max_size_write_batch=capabilities.max_size_write_batch,
            use_get_multiple_keys=capabilities.use_get_multiple_keys,
            max_size_get_multiple_keys=capabilities.max_size_get_multiple_keys,
        ).SerializeToString()
    )


# --------------------------------------------------------------------------- transaction


def decode_chaincode_input(data: bytes) -> ChaincodeInput:
    """The INIT/TRANSACTION payload."""
    pb = _parse(chaincode_pb2.ChaincodeInput, data, "ChaincodeInput")
    assert isinstance(pb, chaincode_pb2.ChaincodeInput)
    return ChaincodeInput(
        args=tuple(bytes(a) for a in pb.args),
        decorations={k: bytes(v) for k, v in pb.decorations.items()},
        is_init=bool(pb.is_init),
    )


def encode_chaincode_input(chaincode_input: ChaincodeInput) -> bytes:
    """Serialize invocation arguments."""
    pb = chaincode_pb2.ChaincodeInput(
        args=list(chaincode_input.args), is_init=chaincode_input.is_init
    )
    for name, value in chaincode_input.decorations.items():
        pb.decorations[name] = value
    return bytes(pb.SerializeToString())


def encode_response(response: Response) -> bytes:
    """The COMPLETED payload: ``peer.Response``."""
    return bytes(
        proposal_response_pb2.Response(
            status=response.status, message=response.message, payload=response.payload
        ).SerializeToString()
    )


def decode_response(data: bytes) -> Response:
    """Parse a ``peer.Response``."""
    pb = _parse(proposal_response_pb2.Response, data, "Response")
    return Response(
        status=int(pb.status),  # type: ignore[attr-defined]
        message=str(pb.message),  # type: ignore[attr-defined]
        payload=bytes(pb.payload),  # type: ignore[attr-defined]
    )


def decode_invoke_answer(data: bytes) -> Response:
    """The RESPONSE payload of INVOKE_CHAINCODE: a nested ``ChaincodeMessage``.

    COMPLETED carries the callee's ``Response``; anything else is the callee's failure, whose
    payload is the error text (as the Go shim reads it).
    """
    nested = decode_message(data)
    if nested.type == MessageType.COMPLETED:
        return decode_response(nested.payload)
    return Response(status=500, message=nested.payload.decode("utf-8", "replace"))


# --------------------------------------------------------------------------- proposals


def decode_proposal(signed: SignedProposal) -> ProposalFacts:
    """Extract creator, transient map, binding and timestamp, as the Go shim does.

    The binding is SHA-256 over nonce, creator and the little-endian 8-byte epoch.
    """
    proposal = _parse(proposal_pb2.Proposal, signed.proposal_bytes, "Proposal")
    assert isinstance(proposal, proposal_pb2.Proposal)
    if not proposal.header:
        raise ProtocolError("proposal header is empty")
    header = _parse(common_pb2.Header, proposal.header, "Header")
    assert isinstance(header, common_pb2.Header)
    channel_header = _parse(common_pb2.ChannelHeader, header.channel_header, "ChannelHeader")
    assert isinstance(channel_header, common_pb2.ChannelHeader)
    if channel_header.type not in (_ENDORSER_TRANSACTION, _CONFIG):
        raise ProtocolError(f"invalid channel header type {channel_header.type}")
    signature_header = _parse(
        common_pb2.SignatureHeader, header.signature_header, "SignatureHeader"
    )
    assert isinstance(signature_header, common_pb2.SignatureHeader)
    payload = _parse(proposal_pb2.ChaincodeProposalPayload, proposal.payload, "proposal payload")
    assert isinstance(payload, proposal_pb2.ChaincodeProposalPayload)
    creator = bytes(signature_header.creator)
    epoch = struct.pack("<Q", channel_header.epoch)
    binding = hashlib.sha256(bytes(signature_header.nonce) + creator + epoch).digest()
    return ProposalFacts(
        creator=creator,
        transient={k: bytes(v) for k, v in payload.TransientMap.items()},
        binding=binding,
        timestamp=Timestamp(
            seconds=int(channel_header.timestamp.seconds), nanos=int(channel_header.timestamp.nanos)
        ),
        header_type=int(channel_header.type),
    )


def encode_proposal(
    *,
    channel_id: str,
    txid: str,
    creator: bytes,
    nonce: bytes,
    timestamp: Timestamp,
    chaincode_input: ChaincodeInput,
    chaincode_name: str,
    transient: Mapping[str, bytes] | None = None,
    epoch: int = 0,
    signature: bytes = b"",
) -> SignedProposal:
    """Build a signed endorser proposal (for test harnesses and the in-memory stub).

    The signature is whatever the caller passes: nothing here signs.
    """
    channel_header = common_pb2.ChannelHeader(
        type=_ENDORSER_TRANSACTION, channel_id=channel_id, tx_id=txid, epoch=epoch
    )
    channel_header.timestamp.seconds = timestamp.seconds
    channel_header.timestamp.nanos = timestamp.nanos
    signature_header = common_pb2.SignatureHeader(creator=creator, nonce=nonce)
    header = common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=signature_header.SerializeToString(),
    )
    invocation = chaincode_pb2.ChaincodeInvocationSpec()
    invocation.chaincode_spec.chaincode_id.name = chaincode_name
    invocation.chaincode_spec.input.ParseFromString(encode_chaincode_input(chaincode_input))
    payload = proposal_pb2.ChaincodeProposalPayload(input=invocation.SerializeToString())
    for name, value in (transient or {}).items():
        payload.TransientMap[name] = value
    proposal = proposal_pb2.Proposal(
        header=header.SerializeToString(), payload=payload.SerializeToString()
    )
    return SignedProposal(proposal_bytes=proposal.SerializeToString(), signature=signature)


def encode_serialized_identity(msp_id: str, id_bytes: bytes) -> bytes:
    """``msp.SerializedIdentity`` bytes, the creator format."""
    return bytes(
        identities_pb2.SerializedIdentity(mspid=msp_id, id_bytes=id_bytes).SerializeToString()
    )


def decode_serialized_identity(data: bytes) -> tuple[str, bytes]:
    """MSP ID and identity bytes (a PEM certificate for X.509) of a creator."""
    pb = _parse(identities_pb2.SerializedIdentity, data, "SerializedIdentity")
    return str(pb.mspid), bytes(pb.id_bytes)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- stub requests


def encode_get_state(key: str, collection: str = "") -> bytes:
    """GET_STATE and GET_PRIVATE_DATA_HASH payload."""
    return bytes(chaincode_shim_pb2.GetState(key=key, collection=collection).SerializeToString())


def encode_get_state_multiple(keys: Sequence[str], collection: str = "") -> bytes:
    """GET_STATE_MULTIPLE payload."""
    return bytes(
        chaincode_shim_pb2.GetStateMultiple(
            keys=list(keys), collection=collection
        ).SerializeToString()
    )


def decode_get_state_multiple_result(data: bytes) -> list[bytes]:
    """Values of a GET_STATE_MULTIPLE answer, in request order."""
    pb = _parse(chaincode_shim_pb2.GetStateMultipleResult, data, "GetStateMultipleResult")
    return [bytes(v) for v in pb.values]  # type: ignore[attr-defined]


def encode_put_state(key: str, value: bytes, collection: str = "") -> bytes:
    """PUT_STATE payload."""
    return bytes(
        chaincode_shim_pb2.PutState(key=key, value=value, collection=collection).SerializeToString()
    )


def encode_del_state(key: str, collection: str = "") -> bytes:
    """DEL_STATE and PURGE_PRIVATE_DATA payload."""
    return bytes(chaincode_shim_pb2.DelState(key=key, collection=collection).SerializeToString())


def encode_query_metadata(page_size: int, bookmark: str) -> bytes:
    """``QueryMetadata`` for paged queries."""
    return bytes(
        chaincode_shim_pb2.QueryMetadata(pageSize=page_size, bookmark=bookmark).SerializeToString()
    )


def encode_get_state_by_range(
    start_key: str, end_key: str, collection: str = "", metadata: bytes = b""
) -> bytes:
    """GET_STATE_BY_RANGE payload."""
    return bytes(
        chaincode_shim_pb2.GetStateByRange(
            startKey=start_key, endKey=end_key, collection=collection, metadata=metadata
        ).SerializeToString()
    )


def encode_get_query_result(query: str, collection: str = "", metadata: bytes = b"") -> bytes:
    """GET_QUERY_RESULT payload."""
    return bytes(
        chaincode_shim_pb2.GetQueryResult(
            query=query, collection=collection, metadata=metadata
        ).SerializeToString()
    )


def encode_get_history_for_key(key: str) -> bytes:
    """GET_HISTORY_FOR_KEY payload."""
    return bytes(chaincode_shim_pb2.GetHistoryForKey(key=key).SerializeToString())


def encode_query_state_next(iterator_id: str) -> bytes:
    """QUERY_STATE_NEXT payload."""
    return bytes(chaincode_shim_pb2.QueryStateNext(id=iterator_id).SerializeToString())


def encode_query_state_close(iterator_id: str) -> bytes:
    """QUERY_STATE_CLOSE payload."""
    return bytes(chaincode_shim_pb2.QueryStateClose(id=iterator_id).SerializeToString())


def decode_query_page(data: bytes) -> QueryPage:
    """A ``QueryResponse`` with its optional ``QueryResponseMetadata``."""
    pb = _parse(chaincode_shim_pb2.QueryResponse, data, "QueryResponse")
    assert isinstance(pb, chaincode_shim_pb2.QueryResponse)
    metadata = None
    if pb.metadata:
        meta = _parse(
            chaincode_shim_pb2.QueryResponseMetadata, pb.metadata, "QueryResponseMetadata"
        )
        metadata = QueryResponseMetadata(
            fetched_records_count=int(meta.fetched_records_count),  # type: ignore[attr-defined]
            bookmark=str(meta.bookmark),  # type: ignore[attr-defined]
        )
    return QueryPage(
        results=tuple(bytes(r.resultBytes) for r in pb.results),
        has_more=bool(pb.has_more),
        id=str(pb.id),
        metadata=metadata,
    )


def decode_kv(data: bytes) -> KV:
    """A ``queryresult.KV``."""
    pb = _parse(kv_query_result_pb2.KV, data, "KV")
    return KV(namespace=str(pb.namespace), key=str(pb.key), value=bytes(pb.value))  # type: ignore[attr-defined]


def decode_key_modification(data: bytes) -> KeyModification:
    """A ``queryresult.KeyModification``."""
    pb = _parse(kv_query_result_pb2.KeyModification, data, "KeyModification")
    assert isinstance(pb, kv_query_result_pb2.KeyModification)
    return KeyModification(
        tx_id=str(pb.tx_id),
        value=bytes(pb.value),
        timestamp=Timestamp(seconds=int(pb.timestamp.seconds), nanos=int(pb.timestamp.nanos)),
        is_delete=bool(pb.is_delete),
    )


def encode_get_state_metadata(key: str, collection: str = "") -> bytes:
    """GET_STATE_METADATA payload."""
    return bytes(
        chaincode_shim_pb2.GetStateMetadata(key=key, collection=collection).SerializeToString()
    )


def decode_state_metadata_result(data: bytes) -> dict[str, bytes]:
    """Metadata entries of a key, by metakey."""
    pb = _parse(chaincode_shim_pb2.StateMetadataResult, data, "StateMetadataResult")
    return {str(e.metakey): bytes(e.value) for e in pb.entries}  # type: ignore[attr-defined]


def encode_put_state_metadata(key: str, metakey: str, value: bytes, collection: str = "") -> bytes:
    """PUT_STATE_METADATA payload."""
    pb = chaincode_shim_pb2.PutStateMetadata(key=key, collection=collection)
    pb.metadata.metakey = metakey
    pb.metadata.value = value
    return bytes(pb.SerializeToString())


def encode_write_batch(records: Iterable[WriteRecord]) -> bytes:
    """WRITE_BATCH_STATE payload."""
    pb = chaincode_shim_pb2.WriteBatchState()
    for record in records:
        rec = pb.rec.add(
            key=record.key, value=record.value, collection=record.collection, type=int(record.kind)
        )
        if record.metakey:
            rec.metadata.metakey = record.metakey
            rec.metadata.value = record.value
            rec.value = b""
    return bytes(pb.SerializeToString())


def decode_write_batch(data: bytes) -> list[WriteRecord]:
    """Records of a WRITE_BATCH_STATE payload (used by test harnesses playing the peer)."""
    pb = _parse(chaincode_shim_pb2.WriteBatchState, data, "WriteBatchState")
    records = []
    for rec in pb.rec:  # type: ignore[attr-defined]
        has_meta = rec.HasField("metadata")
        records.append(
            WriteRecord(
                kind=WriteKind(rec.type),
                key=str(rec.key),
                collection=str(rec.collection),
                value=bytes(rec.metadata.value) if has_meta else bytes(rec.value),
                metakey=str(rec.metadata.metakey) if has_meta else "",
            )
        )
    return records


def encode_invoke_chaincode(chaincode_name: str, args: Sequence[bytes]) -> bytes:
    """INVOKE_CHAINCODE payload: a ``ChaincodeSpec`` naming the callee (``name[/channel]``)."""
    spec = chaincode_pb2.ChaincodeSpec()
    spec.chaincode_id.name = chaincode_name
    spec.input.args.extend(list(args))
    return bytes(spec.SerializeToString())


# --------------------------------------------------------------------------- policies


def encode_signature_policy(principals: Sequence[tuple[str, int]]) -> bytes:
    """A ``SignaturePolicyEnvelope`` requiring one signature from EACH (msp_id, role) given.

    The order of ``principals`` is kept; callers sort for determinism.
    """
    envelope = policies_pb2.SignaturePolicyEnvelope(version=0)
    rules = []
    for index, (msp_id, role) in enumerate(principals):
        principal = msp_principal_pb2.MSPRole(msp_identifier=msp_id, role=role)
        envelope.identities.add(
            principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
            principal=principal.SerializeToString(),
        )
        rules.append(policies_pb2.SignaturePolicy(signed_by=index))
    envelope.rule.n_out_of.n = len(principals)
    envelope.rule.n_out_of.rules.extend(rules)
    return bytes(envelope.SerializeToString())


def decode_signature_policy(data: bytes) -> list[tuple[str, int]]:
    """The (msp_id, role) of each ROLE principal of a ``SignaturePolicyEnvelope``."""
    envelope = _parse(policies_pb2.SignaturePolicyEnvelope, data, "SignaturePolicyEnvelope")
    out = []
    for identity in envelope.identities:  # type: ignore[attr-defined]
        if identity.principal_classification != msp_principal_pb2.MSPPrincipal.ROLE:
            continue
        role = _parse(msp_principal_pb2.MSPRole, identity.principal, "MSPRole")
        out.append((str(role.msp_identifier), int(role.role)))  # type: ignore[attr-defined]
    return out


def signature_policy_satisfied(data: bytes, signers: Sequence[str]) -> bool:
    """Whether endorsements by peers of ``signers`` (MSP IDs, one peer each) satisfy the
    ``SignaturePolicyEnvelope`` ``data``, evaluated as Fabric evaluates it: ``n_out_of``
    rules recursively, each endorsement used for at most one ``signed_by`` principal; a
    peer satisfies a ROLE principal of its MSP with role PEER or MEMBER. Unreadable
    policies are never satisfied."""
    try:
        envelope = _parse(policies_pb2.SignaturePolicyEnvelope, data, "SignaturePolicyEnvelope")
        principals: list[tuple[str, int] | None] = []
        for identity in envelope.identities:  # type: ignore[attr-defined]
            if identity.principal_classification != msp_principal_pb2.MSPPrincipal.ROLE:
                principals.append(None)
                continue
            role = _parse(msp_principal_pb2.MSPRole, identity.principal, "MSPRole")
            principals.append((str(role.msp_identifier), int(role.role)))  # type: ignore[attr-defined]
    except ProtocolError:
        return False
    used = [False] * len(signers)
    peer_roles = (
        msp_principal_pb2.MSPRole.PEER,
        msp_principal_pb2.MSPRole.MEMBER,
    )

    def holds(rule: Any) -> bool:
        if rule.HasField("signed_by"):
            index = int(rule.signed_by)
            if index >= len(principals) or principals[index] is None:
                return False
            msp_id, role = principals[index]  # type: ignore[misc]
            if role not in peer_roles:
                return False
            for i, signer in enumerate(signers):
                if not used[i] and signer == msp_id:
                    used[i] = True
                    return True
            return False
        if rule.HasField("n_out_of"):
            met = 0
            for sub in rule.n_out_of.rules:
                before = list(used)
                if holds(sub):
                    met += 1
                else:  # a sub-rule that fails consumes no endorsement
                    used[:] = before
            return met >= int(rule.n_out_of.n)
        return False

    return holds(envelope.rule)  # type: ignore[attr-defined]
