"""The peer-backed stub: each ledger call becomes a request on the shim stream.

Owns :class:`ChaincodeStub` (one per transaction) and the peer-backed query iterator. It talks
to the peer only through a :class:`PeerTransport` (``call`` sends one request and waits for the
peer's RESPONSE or ERROR), so it runs the same over gRPC and in tests.
Must not import gRPC; protobuf only through :mod:`fabric_chaincode._wire`. Never logs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Generic, Protocol, TypeVar

from fabric_chaincode import _wire, keys
from fabric_chaincode.errors import PayloadTooLargeError, PeerError, ProtocolError, StubError
from fabric_chaincode.stub_api import InvocationAccessors
from fabric_chaincode.types import (
    KV,
    VALIDATION_PARAMETER,
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

T = TypeVar("T")

#: The Go shim raises batch sizes announced below this to this value.
DEFAULT_MAX_BATCH = 100
#: gRPC message limit shared with the server; payloads above it can never be delivered.
DEFAULT_MAX_MESSAGE_SIZE = 100 * 1024 * 1024
#: Room left for the envelope around a value (key, txid, channel id, field tags).
_ENVELOPE_ALLOWANCE = 64 * 1024


class PeerTransport(Protocol):
    """Sends one stub request of a transaction and returns the peer's answer message."""

    def call(self, channel_id: str, txid: str, kind: MessageType, payload: bytes) -> ShimMessage:
        """Send and wait for RESPONSE or ERROR."""


class _PeerQueryIterator(Generic[T]):
    """Iterates a peer-side query, fetching further batches with QUERY_STATE_NEXT."""

    def __init__(self, stub: ChaincodeStub, page: QueryPage, decode: Callable[[bytes], T]) -> None:
        self._stub = stub
        self._page = page
        self._decode = decode
        self._position = 0
        self._closed = False

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        while self._position >= len(self._page.results):
            if self._closed or not self._page.has_more:
                raise StopIteration
            answer = self._stub._call(
                MessageType.QUERY_STATE_NEXT, _wire.encode_query_state_next(self._page.id)
            )
            self._page = _wire.decode_query_page(answer)
            self._position = 0
        result = self._page.results[self._position]
        self._position += 1
        return self._decode(result)

    def close(self) -> None:
        """Send QUERY_STATE_CLOSE once."""
        if self._closed:
            return
        self._closed = True
        self._stub._call(
            MessageType.QUERY_STATE_CLOSE, _wire.encode_query_state_close(self._page.id)
        )

    def __enter__(self) -> _PeerQueryIterator[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ChaincodeStub(InvocationAccessors):
    """The stub of one transaction, backed by the peer. See :class:`fabric_chaincode.Stub`."""

    def __init__(
        self,
        transport: PeerTransport,
        *,
        channel_id: str,
        txid: str,
        chaincode_input: ChaincodeInput,
        proposal: SignedProposal | None,
        facts: ProposalFacts | None,
        capabilities: PeerCapabilities | None = None,
        local_mspid: str | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    ) -> None:
        self._transport = transport
        self._channel_id = channel_id
        self._txid = txid
        self._args = chaincode_input.args
        self._decorations = chaincode_input.decorations
        self._proposal = proposal
        self._facts = facts
        self._capabilities = capabilities or PeerCapabilities()
        self._local_mspid = local_mspid
        self._max_value_size = max(0, max_message_size - _ENVELOPE_ALLOWANCE)
        self._event: ChaincodeEvent | None = None
        self._batch: dict[tuple[str, str, bool], WriteRecord] | None = None

    # ------------------------------------------------------------------ plumbing

    @property
    def event(self) -> ChaincodeEvent | None:
        """The event set by the transaction, sent on COMPLETED."""
        return self._event

    def _call(self, kind: MessageType, payload: bytes) -> bytes:
        answer = self._transport.call(self._channel_id, self._txid, kind, payload)
        if answer.type is MessageType.RESPONSE:
            return answer.payload
        if answer.type is MessageType.ERROR:
            raise PeerError(kind.name, answer.payload.decode("utf-8", "replace"))
        raise ProtocolError(f"unexpected {answer.type.name} answering {kind.name}")

    def _check_size(self, value: bytes) -> None:
        if len(value) > self._max_value_size:
            raise PayloadTooLargeError(
                f"value of {len(value)} bytes exceeds the {self._max_value_size} byte limit"
            )

    def _query(self, payload: bytes, kind: MessageType) -> tuple[_PeerQueryIterator[KV], QueryPage]:
        page = _wire.decode_query_page(self._call(kind, payload))
        return _PeerQueryIterator(self, page, _wire.decode_kv), page

    @staticmethod
    def _metadata(page: QueryPage) -> QueryResponseMetadata:
        return page.metadata or QueryResponseMetadata(fetched_records_count=0, bookmark="")

    # ------------------------------------------------------------------ invocation facts

    def get_creator(self) -> bytes:
        return self._facts.creator if self._facts else b""

    def get_transient(self) -> Mapping[str, bytes]:
        return dict(self._facts.transient) if self._facts else {}

    def get_binding(self) -> bytes:
        return self._facts.binding if self._facts else b""

    def get_signed_proposal(self) -> SignedProposal | None:
        return self._proposal

    def get_tx_timestamp(self) -> Timestamp:
        if self._facts is None:
            raise StubError("the transaction carries no proposal, hence no timestamp")
        return self._facts.timestamp

    # ------------------------------------------------------------------ world state

    def get_state(self, key: str) -> bytes | None:
        return self._get("", key)

    def _get(self, collection: str, key: str) -> bytes | None:
        value = self._call(MessageType.GET_STATE, _wire.encode_get_state(key, collection))
        return value or None

    def get_multiple_states(self, keys_: Sequence[str]) -> list[bytes | None]:
        return self._get_multiple("", keys_)

    def _get_multiple(self, collection: str, keys_: Sequence[str]) -> list[bytes | None]:
        if not self._capabilities.use_get_multiple_keys:
            return [self._get(collection, key) for key in keys_]
        size = max(self._capabilities.max_size_get_multiple_keys, DEFAULT_MAX_BATCH)
        values: list[bytes | None] = []
        for start in range(0, len(keys_), size):
            chunk = list(keys_[start : start + size])
            answer = self._call(
                MessageType.GET_STATE_MULTIPLE, _wire.encode_get_state_multiple(chunk, collection)
            )
            found = _wire.decode_get_state_multiple_result(answer)
            if len(found) != len(chunk):
                raise ProtocolError("GET_STATE_MULTIPLE answered a different number of values")
            values.extend(value or None for value in found)
        return values

    def put_state(self, key: str, value: bytes) -> None:
        keys.require_key(key)
        self._put("", key, value)

    def _put(self, collection: str, key: str, value: bytes) -> None:
        self._check_size(value)
        if self._batch is not None:
            record = WriteRecord(WriteKind.PUT_STATE, key, collection, value)
            self._batch[(collection, key, False)] = record
            return
        self._call(MessageType.PUT_STATE, _wire.encode_put_state(key, value, collection))

    def del_state(self, key: str) -> None:
        self._delete("", key, WriteKind.DEL_STATE)

    def _delete(self, collection: str, key: str, kind: WriteKind) -> None:
        if self._batch is not None:
            self._batch[(collection, key, False)] = WriteRecord(kind, key, collection)
            return
        self._call(MessageType(int(kind)), _wire.encode_del_state(key, collection))

    def start_write_batch(self) -> None:
        if self._capabilities.use_write_batch and self._batch is None:
            self._batch = {}

    def finish_write_batch(self) -> None:
        batch, self._batch = self._batch, None
        if not batch:
            return
        records = list(batch.values())
        size = max(self._capabilities.max_size_write_batch, DEFAULT_MAX_BATCH)
        for start in range(0, len(records), size):
            self._call(
                MessageType.WRITE_BATCH_STATE,
                _wire.encode_write_batch(records[start : start + size]),
            )

    def set_state_validation_parameter(self, key: str, policy: bytes) -> None:
        self._put_metadata("", key, policy)

    def _put_metadata(self, collection: str, key: str, value: bytes) -> None:
        if self._batch is not None:
            record = WriteRecord(
                WriteKind.PUT_STATE_METADATA, key, collection, value, VALIDATION_PARAMETER
            )
            self._batch[(collection, key, True)] = record
            return
        self._call(
            MessageType.PUT_STATE_METADATA,
            _wire.encode_put_state_metadata(key, VALIDATION_PARAMETER, value, collection),
        )

    def get_state_validation_parameter(self, key: str) -> bytes | None:
        return self._get_metadata("", key)

    def _get_metadata(self, collection: str, key: str) -> bytes | None:
        answer = self._call(
            MessageType.GET_STATE_METADATA, _wire.encode_get_state_metadata(key, collection)
        )
        return _wire.decode_state_metadata_result(answer).get(VALIDATION_PARAMETER)

    def get_state_by_range(self, start_key: str, end_key: str) -> _PeerQueryIterator[KV]:
        return self._range("", start_key, end_key)

    def _range(
        self, collection: str, start_key: str, end_key: str, metadata: bytes = b""
    ) -> _PeerQueryIterator[KV]:
        return self._range_page(collection, start_key, end_key, metadata)[0]

    def _range_page(
        self, collection: str, start_key: str, end_key: str, metadata: bytes = b""
    ) -> tuple[_PeerQueryIterator[KV], QueryPage]:
        start = keys.range_start(start_key)
        keys.validate_simple_keys(start, end_key)
        payload = _wire.encode_get_state_by_range(start, end_key, collection, metadata)
        return self._query(payload, MessageType.GET_STATE_BY_RANGE)

    def get_state_by_range_with_pagination(
        self, start_key: str, end_key: str, page_size: int, bookmark: str = ""
    ) -> tuple[_PeerQueryIterator[KV], QueryResponseMetadata]:
        metadata = _wire.encode_query_metadata(page_size, bookmark)
        iterator, page = self._range_page("", start_key, end_key, metadata)
        return iterator, self._metadata(page)

    def get_state_by_partial_composite_key(
        self, object_type: str, attributes: Sequence[str]
    ) -> _PeerQueryIterator[KV]:
        start, end = keys.partial_key_range(object_type, attributes)
        payload = _wire.encode_get_state_by_range(start, end, "")
        return self._query(payload, MessageType.GET_STATE_BY_RANGE)[0]

    def get_state_by_partial_composite_key_with_pagination(
        self, object_type: str, attributes: Sequence[str], page_size: int, bookmark: str = ""
    ) -> tuple[_PeerQueryIterator[KV], QueryResponseMetadata]:
        start, end = keys.partial_key_range(object_type, attributes)
        metadata = _wire.encode_query_metadata(page_size, bookmark)
        payload = _wire.encode_get_state_by_range(start, end, "", metadata)
        iterator, page = self._query(payload, MessageType.GET_STATE_BY_RANGE)
        return iterator, self._metadata(page)

    def create_composite_key(self, object_type: str, attributes: Sequence[str]) -> str:
        return keys.create_composite_key(object_type, attributes)

    def split_composite_key(self, composite_key: str) -> tuple[str, list[str]]:
        return keys.split_composite_key(composite_key)

    def get_query_result(self, query: str) -> _PeerQueryIterator[KV]:
        payload = _wire.encode_get_query_result(query, "")
        return self._query(payload, MessageType.GET_QUERY_RESULT)[0]

    def get_query_result_with_pagination(
        self, query: str, page_size: int, bookmark: str = ""
    ) -> tuple[_PeerQueryIterator[KV], QueryResponseMetadata]:
        metadata = _wire.encode_query_metadata(page_size, bookmark)
        payload = _wire.encode_get_query_result(query, "", metadata)
        iterator, page = self._query(payload, MessageType.GET_QUERY_RESULT)
        return iterator, self._metadata(page)

    def get_history_for_key(self, key: str) -> _PeerQueryIterator[KeyModification]:
        answer = self._call(MessageType.GET_HISTORY_FOR_KEY, _wire.encode_get_history_for_key(key))
        page = _wire.decode_query_page(answer)
        return _PeerQueryIterator(self, page, _wire.decode_key_modification)

    # ------------------------------------------------------------------ private data

    def get_private_data(self, collection: str, key: str) -> bytes | None:
        keys.require_collection(collection)
        return self._get(collection, key)

    def get_multiple_private_data(
        self, collection: str, keys_: Sequence[str]
    ) -> list[bytes | None]:
        keys.require_collection(collection)
        return self._get_multiple(collection, keys_)

    def get_private_data_hash(self, collection: str, key: str) -> bytes | None:
        keys.require_collection(collection)
        answer = self._call(
            MessageType.GET_PRIVATE_DATA_HASH, _wire.encode_get_state(key, collection)
        )
        return answer or None

    def put_private_data(self, collection: str, key: str, value: bytes) -> None:
        keys.require_collection(collection)
        keys.require_key(key)
        self._put(collection, key, value)

    def del_private_data(self, collection: str, key: str) -> None:
        keys.require_collection(collection)
        self._delete(collection, key, WriteKind.DEL_STATE)

    def purge_private_data(self, collection: str, key: str) -> None:
        keys.require_collection(collection)
        self._delete(collection, key, WriteKind.PURGE_PRIVATE_DATA)

    def get_private_data_by_range(
        self, collection: str, start_key: str, end_key: str
    ) -> _PeerQueryIterator[KV]:
        keys.require_collection(collection)
        return self._range(collection, start_key, end_key)

    def get_private_data_by_partial_composite_key(
        self, collection: str, object_type: str, attributes: Sequence[str]
    ) -> _PeerQueryIterator[KV]:
        keys.require_collection(collection)
        start, end = keys.partial_key_range(object_type, attributes)
        payload = _wire.encode_get_state_by_range(start, end, collection)
        return self._query(payload, MessageType.GET_STATE_BY_RANGE)[0]

    def get_private_data_query_result(self, collection: str, query: str) -> _PeerQueryIterator[KV]:
        keys.require_collection(collection)
        payload = _wire.encode_get_query_result(query, collection)
        return self._query(payload, MessageType.GET_QUERY_RESULT)[0]

    def set_private_data_validation_parameter(
        self, collection: str, key: str, policy: bytes
    ) -> None:
        keys.require_collection(collection)
        self._put_metadata(collection, key, policy)

    def get_private_data_validation_parameter(self, collection: str, key: str) -> bytes | None:
        keys.require_collection(collection)
        return self._get_metadata(collection, key)

    # ------------------------------------------------------------------ events, c2c

    def set_event(self, name: str, payload: bytes) -> None:
        if not name:
            raise StubError("event name must not be empty")
        self._check_size(payload)
        self._event = ChaincodeEvent(name=name, payload=bytes(payload))

    def invoke_chaincode(
        self, chaincode_name: str, args: Sequence[bytes], channel: str = ""
    ) -> Response:
        if not chaincode_name:
            raise StubError("chaincode name must not be empty")
        # The peer reads "name/channel" as a call into another channel (read-only there).
        target = f"{chaincode_name}/{channel}" if channel else chaincode_name
        payload = _wire.encode_invoke_chaincode(target, [bytes(a) for a in args])
        answer = self._transport.call(
            self._channel_id, self._txid, MessageType.INVOKE_CHAINCODE, payload
        )
        if answer.type is MessageType.RESPONSE:
            return _wire.decode_invoke_answer(answer.payload)
        return Response(status=500, message=answer.payload.decode("utf-8", "replace"))
