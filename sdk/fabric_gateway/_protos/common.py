"""What every message family shares: strict parsing, timestamps, identities and code names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fabric_protos.common import common_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import transaction_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.message import DecodeError

from ..errors import GatewayError
from ..models import ChaincodeEvent


def serialize_identity(msp_id: str, credentials: bytes) -> bytes:
    """Serialize an identity as ``msp.SerializedIdentity`` (the ``creator`` of every header)."""
    return bytes(
        identities_pb2.SerializedIdentity(mspid=msp_id, id_bytes=credentials).SerializeToString()
    )


def parse_serialized_identity(creator: bytes) -> tuple[str, bytes]:
    """Return ``(msp_id, id_bytes)`` of a serialized identity."""
    identity = identities_pb2.SerializedIdentity.FromString(creator)
    return str(identity.mspid), bytes(identity.id_bytes)


def timestamp_of(moment: datetime) -> Any:
    """A ``google.protobuf.Timestamp`` of ``moment`` in UTC."""
    stamp = _timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


def start_position(start_block: int | None) -> Any:
    """The ``orderer.SeekPosition`` of ``start_block``; ``None`` is the next block to commit."""
    if start_block is None:
        return ab_pb2.SeekPosition(next_commit=ab_pb2.SeekNextCommit())
    return ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=start_block))


def validation_code_name(code: int) -> str:
    """Name of a ``peer.TxValidationCode`` value (``"UNKNOWN(n)"`` if not defined)."""
    try:
        return str(transaction_pb2.TxValidationCode.Name(code))
    except ValueError:
        return f"UNKNOWN({code})"


def chaincode_event(block_number: int, event: Any) -> ChaincodeEvent:
    """A ``peer.ChaincodeEvent`` message of block ``block_number`` as a model value."""
    return ChaincodeEvent(
        block_number=block_number,
        transaction_id=str(event.tx_id),
        chaincode_name=str(event.chaincode_id),
        event_name=str(event.event_name),
        payload=bytes(event.payload),
    )


def header_type_name(value: int) -> str:
    """Name of a ``common.HeaderType`` value (``"UNKNOWN(n)"`` if not defined)."""
    try:
        return str(common_pb2.HeaderType.Name(value))
    except ValueError:
        return f"UNKNOWN({value})"


def parse_message(message_type: Any, data: bytes, what: str) -> Any:
    """Parse ``data`` as ``message_type``; bad bytes are a ``GatewayError`` naming ``what``."""
    try:
        return message_type.FromString(data)
    except DecodeError as exc:
        raise GatewayError(f"Invalid serialized {what}: {exc}") from exc
