"""The stub interface contracts program against: the Python ``ChaincodeStubInterface``.

Owns the :class:`Stub` and :class:`QueryIterator` protocols, which both the peer-backed
:class:`fabric_chaincode.stub.ChaincodeStub` and :class:`fabric_chaincode.testing.InMemoryStub`
satisfy, and :class:`InvocationAccessors`, the invocation facts both answer alike.
Imports only value types; no protobuf, no gRPC.

Semantics follow Fabric: reads see the state committed before the transaction, not its own
writes; a missing key reads as ``None``; range scans run in key byte order, end key exclusive;
one event per transaction (the last ``set_event`` wins).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

from fabric_chaincode.errors import StubError
from fabric_chaincode.types import (
    KV,
    KeyModification,
    QueryResponseMetadata,
    Response,
    SignedProposal,
    Timestamp,
)

T_co = TypeVar("T_co", covariant=True)


@runtime_checkable
class QueryIterator(Protocol[T_co]):
    """Results of a query; iterate it, and close it (use it as a context manager)."""

    def __iter__(self) -> Iterator[T_co]: ...

    def __next__(self) -> T_co: ...

    def close(self) -> None:
        """Release the query on the peer (QUERY_STATE_CLOSE); idempotent."""

    def __enter__(self) -> QueryIterator[T_co]: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@runtime_checkable
class Stub(Protocol):
    """What a transaction can ask of the ledger and of its proposal."""

    # -- invocation facts
    def get_args(self) -> list[bytes]:
        """All arguments, function name first."""

    def get_string_args(self) -> list[str]:
        """All arguments decoded as UTF-8."""

    def get_function_and_parameters(self) -> tuple[str, list[str]]:
        """The first argument and the remaining ones, as strings."""

    def get_txid(self) -> str:
        """The transaction ID."""

    def get_channel_id(self) -> str:
        """The channel the transaction runs on."""

    def get_creator(self) -> bytes:
        """The submitter's serialized identity (``msp.SerializedIdentity`` bytes)."""

    def get_transient(self) -> Mapping[str, bytes]:
        """The proposal's transient map (never written to the ledger; never log it)."""

    def get_binding(self) -> bytes:
        """SHA-256 over nonce, creator and epoch of the proposal."""

    def get_signed_proposal(self) -> SignedProposal | None:
        """The signed proposal as received."""

    def get_tx_timestamp(self) -> Timestamp:
        """The client's timestamp from the channel header: the only clock a contract may use."""

    def get_decorations(self) -> Mapping[str, bytes]:
        """Decorations added by peer decorators."""

    def get_mspid(self) -> str:
        """The MSP ID of the peer running this chaincode (``CORE_PEER_LOCALMSPID``)."""

    # -- world state
    def get_state(self, key: str) -> bytes | None:
        """The committed value of ``key``, or None."""

    def get_multiple_states(self, keys: Sequence[str]) -> list[bytes | None]:
        """Committed values of several keys, in order."""

    def put_state(self, key: str, value: bytes) -> None:
        """Write ``value`` under ``key`` (visible after commit)."""

    def del_state(self, key: str) -> None:
        """Delete ``key`` (effective after commit)."""

    def start_write_batch(self) -> None:
        """Buffer later writes and send them together (Fabric 3.1 peers); no-op otherwise."""

    def finish_write_batch(self) -> None:
        """Send buffered writes; called automatically when the transaction ends."""

    def set_state_validation_parameter(self, key: str, policy: bytes) -> None:
        """Set the key-level endorsement policy of ``key``."""

    def get_state_validation_parameter(self, key: str) -> bytes | None:
        """The key-level endorsement policy of ``key``, or None."""

    def get_state_by_range(self, start_key: str, end_key: str) -> QueryIterator[KV]:
        """Keys in [start_key, end_key); empty bounds are open."""

    def get_state_by_range_with_pagination(
        self, start_key: str, end_key: str, page_size: int, bookmark: str = ""
    ) -> tuple[QueryIterator[KV], QueryResponseMetadata]:
        """One page of a range scan, with the bookmark of the next page."""

    def get_state_by_partial_composite_key(
        self, object_type: str, attributes: Sequence[str]
    ) -> QueryIterator[KV]:
        """Composite keys starting with object type and attributes."""

    def get_state_by_partial_composite_key_with_pagination(
        self, object_type: str, attributes: Sequence[str], page_size: int, bookmark: str = ""
    ) -> tuple[QueryIterator[KV], QueryResponseMetadata]:
        """One page of a partial composite key scan."""

    def create_composite_key(self, object_type: str, attributes: Sequence[str]) -> str:
        """Build a composite key (validated)."""

    def split_composite_key(self, composite_key: str) -> tuple[str, list[str]]:
        """Split a composite key into object type and attributes."""

    def get_query_result(self, query: str) -> QueryIterator[KV]:
        """Rich query (CouchDB state database only)."""

    def get_query_result_with_pagination(
        self, query: str, page_size: int, bookmark: str = ""
    ) -> tuple[QueryIterator[KV], QueryResponseMetadata]:
        """One page of a rich query."""

    def get_history_for_key(self, key: str) -> QueryIterator[KeyModification]:
        """Committed modifications of ``key``."""

    # -- private data
    def get_private_data(self, collection: str, key: str) -> bytes | None:
        """Committed private value, or None."""

    def get_multiple_private_data(self, collection: str, keys: Sequence[str]) -> list[bytes | None]:
        """Committed private values of several keys, in order."""

    def get_private_data_hash(self, collection: str, key: str) -> bytes | None:
        """SHA-256 of the committed private value (readable without collection membership)."""

    def put_private_data(self, collection: str, key: str, value: bytes) -> None:
        """Write a private value."""

    def del_private_data(self, collection: str, key: str) -> None:
        """Delete a private value."""

    def purge_private_data(self, collection: str, key: str) -> None:
        """Purge a private value and its history."""

    def get_private_data_by_range(
        self, collection: str, start_key: str, end_key: str
    ) -> QueryIterator[KV]:
        """Private keys in [start_key, end_key)."""

    def get_private_data_by_partial_composite_key(
        self, collection: str, object_type: str, attributes: Sequence[str]
    ) -> QueryIterator[KV]:
        """Private composite keys by prefix."""

    def get_private_data_query_result(self, collection: str, query: str) -> QueryIterator[KV]:
        """Rich query over a collection."""

    def set_private_data_validation_parameter(
        self, collection: str, key: str, policy: bytes
    ) -> None:
        """Set the key-level endorsement policy of a private key."""

    def get_private_data_validation_parameter(self, collection: str, key: str) -> bytes | None:
        """The key-level endorsement policy of a private key, or None."""

    # -- events and chaincode-to-chaincode
    def set_event(self, name: str, payload: bytes) -> None:
        """Set the transaction's event (one per transaction; the last call wins)."""

    def invoke_chaincode(
        self, chaincode_name: str, args: Sequence[bytes], channel: str = ""
    ) -> Response:
        """Call another chaincode (``name`` or ``name:version``) in this transaction."""


class InvocationAccessors:
    """The invocation facts every stub answers alike, from what it was given: the
    arguments (function name first), the transaction and channel ids, the proposal's
    decorations and the peer's MSP ID (``CORE_PEER_LOCALMSPID``).

    A stub sets these attributes; it answers the facts that come from the proposal
    itself (creator, transient data, binding, timestamp) in its own way.
    """

    _args: Sequence[bytes]
    _txid: str
    _channel_id: str
    _decorations: Mapping[str, bytes]
    _local_mspid: str | None

    def get_args(self) -> list[bytes]:
        """See :meth:`Stub.get_args`."""
        return list(self._args)

    def get_string_args(self) -> list[str]:
        """See :meth:`Stub.get_string_args`."""
        return [arg.decode("utf-8", "replace") for arg in self._args]

    def get_function_and_parameters(self) -> tuple[str, list[str]]:
        """See :meth:`Stub.get_function_and_parameters`."""
        args = self.get_string_args()
        return (args[0], args[1:]) if args else ("", [])

    def get_txid(self) -> str:
        """See :meth:`Stub.get_txid`."""
        return self._txid

    def get_channel_id(self) -> str:
        """See :meth:`Stub.get_channel_id`."""
        return self._channel_id

    def get_decorations(self) -> Mapping[str, bytes]:
        """See :meth:`Stub.get_decorations`."""
        return dict(self._decorations)

    def get_mspid(self) -> str:
        """See :meth:`Stub.get_mspid`; ``StubError`` when the peer's MSP ID is unknown."""
        if not self._local_mspid:
            raise StubError("CORE_PEER_LOCALMSPID is not set")
        return self._local_mspid
