"""Value types of the chaincode runtime.

Owns the small frozen records that travel between the protocol handler, the stub and the
contract layer: shim messages, responses, events, query results, proposal facts.
Must not import protobuf, gRPC or any other module of this package: everything else is built
on these types, and the one protobuf module (:mod:`fabric_chaincode._wire`) converts them.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Response status codes, as in the Go shim (``shim.OK``, ``shim.ERRORTHRESHOLD``, ``shim.ERROR``).
OK = 200
ERROR_THRESHOLD = 400
ERROR = 500

#: Metadata key under which Fabric stores a key-level endorsement policy.
VALIDATION_PARAMETER = "VALIDATION_PARAMETER"


class MessageType(enum.IntEnum):
    """``ChaincodeMessage.Type`` values of ``peer/chaincode_shim.proto``.

    Mirrored here so that only one module imports the generated classes; a unit test checks
    that every value equals the generated enum's.
    """

    UNDEFINED = 0
    REGISTER = 1
    REGISTERED = 2
    INIT = 3
    READY = 4
    TRANSACTION = 5
    COMPLETED = 6
    ERROR = 7
    GET_STATE = 8
    PUT_STATE = 9
    DEL_STATE = 10
    INVOKE_CHAINCODE = 11
    RESPONSE = 13
    GET_STATE_BY_RANGE = 14
    GET_QUERY_RESULT = 15
    QUERY_STATE_NEXT = 16
    QUERY_STATE_CLOSE = 17
    KEEPALIVE = 18
    GET_HISTORY_FOR_KEY = 19
    GET_STATE_METADATA = 20
    PUT_STATE_METADATA = 21
    GET_PRIVATE_DATA_HASH = 22
    PURGE_PRIVATE_DATA = 23
    WRITE_BATCH_STATE = 24
    GET_STATE_MULTIPLE = 25


@dataclass(frozen=True)
class Timestamp:
    """A protobuf timestamp: seconds and nanoseconds since the Unix epoch (UTC)."""

    seconds: int
    nanos: int = 0

    def to_datetime(self) -> _dt.datetime:
        """The timestamp as an aware UTC datetime (microsecond precision)."""
        base = _dt.datetime.fromtimestamp(self.seconds, tz=_dt.UTC)
        return base + _dt.timedelta(microseconds=self.nanos // 1000)

    @classmethod
    def from_datetime(cls, moment: _dt.datetime) -> Timestamp:
        """Build from an aware datetime; naive datetimes are rejected (time zones matter)."""
        if moment.tzinfo is None:
            raise ValueError("timestamp needs an aware datetime")
        delta = moment - _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
        seconds = delta.days * 86400 + delta.seconds
        return cls(seconds=seconds, nanos=delta.microseconds * 1000)


@dataclass(frozen=True)
class ChaincodeEvent:
    """The one event a transaction may set; delivered to clients after commit."""

    name: str
    payload: bytes = b""


@dataclass(frozen=True)
class Response:
    """What a chaincode returns for a transaction: ``peer.Response``."""

    status: int
    message: str = ""
    payload: bytes = b""

    @property
    def ok(self) -> bool:
        """True for a status below the error threshold (the peer treats these as success)."""
        return self.status < ERROR_THRESHOLD


def success(payload: bytes = b"") -> Response:
    """A status 200 response carrying ``payload``."""
    return Response(status=OK, payload=payload)


def error(message: str) -> Response:
    """A status 500 response carrying ``message``."""
    return Response(status=ERROR, message=message)


@dataclass(frozen=True)
class SignedProposal:
    """A ``peer.SignedProposal``: the serialized proposal and the client's signature."""

    proposal_bytes: bytes
    signature: bytes


@dataclass(frozen=True)
class ProposalFacts:
    """What the shim extracts from a signed proposal, as the Go shim does."""

    creator: bytes
    transient: Mapping[str, bytes]
    binding: bytes
    timestamp: Timestamp
    header_type: int


@dataclass(frozen=True)
class ChaincodeInput:
    """The invocation arguments (``peer.ChaincodeInput``)."""

    args: tuple[bytes, ...]
    decorations: Mapping[str, bytes] = field(default_factory=dict)
    is_init: bool = False


@dataclass(frozen=True)
class ShimMessage:
    """One ``ChaincodeMessage`` on the shim stream, in our own types."""

    type: MessageType
    payload: bytes = b""
    txid: str = ""
    channel_id: str = ""
    proposal: SignedProposal | None = None
    event: ChaincodeEvent | None = None


@dataclass(frozen=True)
class PeerCapabilities:
    """``ChaincodeAdditionalParams`` announced by a Fabric 3.x peer in READY."""

    use_write_batch: bool = False
    max_size_write_batch: int = 0
    use_get_multiple_keys: bool = False
    max_size_get_multiple_keys: int = 0


@dataclass(frozen=True)
class KV:
    """One result of a range, partial composite key or rich query."""

    namespace: str
    key: str
    value: bytes


@dataclass(frozen=True)
class KeyModification:
    """One entry of a key's history."""

    tx_id: str
    value: bytes
    timestamp: Timestamp
    is_delete: bool


@dataclass(frozen=True)
class QueryResponseMetadata:
    """Pagination facts of a paged query: records in this page and where the next one starts."""

    fetched_records_count: int
    bookmark: str


@dataclass(frozen=True)
class QueryPage:
    """One ``QueryResponse`` batch: serialized results, whether more follow, iterator id."""

    results: tuple[bytes, ...]
    has_more: bool
    id: str
    metadata: QueryResponseMetadata | None = None


class WriteKind(enum.IntEnum):
    """``WriteRecord.Type`` values of a write batch."""

    PUT_STATE = 9
    DEL_STATE = 10
    PUT_STATE_METADATA = 21
    PURGE_PRIVATE_DATA = 23


@dataclass(frozen=True)
class WriteRecord:
    """One buffered write of a write batch (Fabric 3.1 ``WRITE_BATCH_STATE``)."""

    kind: WriteKind
    key: str
    collection: str = ""
    value: bytes = b""
    metakey: str = ""
