"""Test doubles: an in-memory ledger and stub with Fabric's semantics, for fast contract tests.

They live apart from the runtime's API (fabric-chaincode-go keeps its doubles in ``shimtest``);
``fabric_chaincode.inmemory`` and the package root still re-export them for older imports.

Owns :class:`InMemoryLedger` (committed state per chaincode namespace: public and private data,
key metadata, key history), :class:`InMemoryStub` (one transaction; satisfies
:class:`fabric_chaincode.Stub`) and :func:`run_transaction`, which runs one transaction and
commits its writes when it succeeds.

Semantics kept from Fabric: reads see only committed state (a ``get_state`` after ``put_state``
in the same transaction returns the committed value); an empty value written is a delete (as
the peer's read-write set records it); a transaction that ran a paginated query may not write,
nor one that queried private data (range or rich query), and one that wrote may run neither
(the peer's messages); range scans run in key byte order with an
exclusive end and never enter the composite key namespace; paged queries return a bookmark
(the next key) and the fetched count; history is newest first; the private data hash is SHA-256
of the committed value and needs no read access (every peer holds the hashes); one event per
transaction. Collections: once :meth:`InMemoryLedger.define_collections` gave a chaincode its
collection definitions (what ``--collections-config`` declares), a collection neither defined
nor implicit (``_implicit_org_<MSP>``) is refused as on a peer, and ``memberOnlyRead`` /
``memberOnlyWrite`` refuse a creator whose MSP is not a member with the peer's messages.
Rich queries support only a CouchDB ``selector`` of equality tests on top-level fields (enough
for tests, not a CouchDB emulation).

Validation at commit, as a committing peer does it: every key read (world state, private
data, private data hashes, key metadata) must still have the version read, and every public
range scanned must still hold the same keys at the same versions, else the transaction is
invalid with ``MVCC_READ_CONFLICT`` / ``PHANTOM_READ_CONFLICT`` - so transactions simulated
concurrently (:func:`simulate_transaction` several times, then :func:`commit_transaction`)
conflict as on a peer. Endorsement: each written key with a key-level policy (committed
before the transaction) must be satisfied by the endorsing organisations, a write to a
collection with its own endorsement policy by that policy, and every other write by the
chaincode's policy (MAJORITY of :attr:`InMemoryLedger.organizations`), else
``ENDORSEMENT_POLICY_FAILURE``. The endorsing organisations are given per transaction and
default to every organisation of the channel (what a gateway gathers when all are up).
Imports no gRPC; protobuf only through :mod:`fabric_chaincode._wire` (creator, proposal).
"""

from __future__ import annotations

import hashlib
import itertools
import struct
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Generic, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import serialization as crypto_serialization

from fabric_chaincode import _wire, keys
from fabric_chaincode.chaincode import Chaincode, run_guarded, wire_safe
from fabric_chaincode.errors import PeerError, ProtocolError, StubError
from fabric_chaincode.stub_api import InvocationAccessors
from fabric_chaincode.types import (
    KV,
    VALIDATION_PARAMETER,
    ChaincodeEvent,
    ChaincodeInput,
    KeyModification,
    QueryResponseMetadata,
    Response,
    SignedProposal,
    Timestamp,
)
from ledger_codec import loads_unique

T = TypeVar("T")

_EPOCH_START = 1_767_225_600  # 2026-01-01T00:00:00Z: a fixed, readable default clock

StateKey = tuple[str, str, str]  # namespace, collection ("" = public), key

IMPLICIT_COLLECTION_PREFIX = "_implicit_org_"
"""Every organisation's implicit collection exists without being defined."""


@dataclass(frozen=True)
class CollectionDefinition:
    """A static private data collection of a chaincode definition.

    ``members``: MSP IDs of the distribution policy (``OR('<MSP>.member', ...)``).
    ``endorsers``: the collection's own endorsement policy, when it has one: a signature of
    any one of these MSP IDs (``OR('<MSP>.peer', ...)``); writes to the collection are
    validated against it instead of the chaincode's policy.
    """

    name: str
    members: frozenset[str]
    member_only_read: bool = True
    member_only_write: bool = True
    endorsers: frozenset[str] | None = None


class _ListIterator(Generic[T]):
    """A closed-over list of results that behaves like a peer query iterator."""

    def __init__(self, items: Sequence[T]) -> None:
        self._items = iter(list(items))
        self.closed = False

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self.closed:
            raise StopIteration
        return next(self._items)

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> _ListIterator[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class InMemoryLedger:
    """Committed state of one channel, shared by the transactions run against it."""

    def __init__(self, channel_id: str = "testchannel", organizations: Sequence[str] = ()) -> None:
        """``organizations``: the channel's application organisations (MSP IDs); the
        chaincode's endorsement policy is a MAJORITY of them (none: no chaincode policy)."""
        self.channel_id = channel_id
        self.organizations = tuple(organizations)
        self._versions: dict[StateKey, int] = {}
        self._height = 0
        self._state: dict[StateKey, bytes] = {}
        self._metadata: dict[StateKey, dict[str, bytes]] = {}
        self._history: dict[tuple[str, str], list[KeyModification]] = {}
        self._chaincodes: dict[str, Chaincode] = {}
        self._collections: dict[str, dict[str, CollectionDefinition]] = {}
        self._counter = itertools.count(1)

    # -- set-up helpers
    def register_chaincode(self, name: str, chaincode: Chaincode) -> None:
        """Make a chaincode reachable by ``invoke_chaincode`` under ``name``."""
        self._chaincodes[name] = chaincode

    def chaincode(self, name: str) -> Chaincode | None:
        """A registered chaincode (``name`` or ``name:version``)."""
        return self._chaincodes.get(name.split(":", 1)[0])

    def define_collections(
        self, namespace: str, definitions: Sequence[CollectionDefinition]
    ) -> None:
        """Give chaincode ``namespace`` its collection definitions (replacing earlier ones).
        Without a call, every non-empty collection name is accepted."""
        self._collections[namespace] = {d.name: d for d in definitions}

    def collection(self, namespace: str, name: str) -> CollectionDefinition | None:
        """The definition of collection ``name`` of ``namespace``, or None."""
        return self._collections.get(namespace, {}).get(name)

    def collections_defined(self, namespace: str) -> bool:
        """Whether :meth:`define_collections` was called for ``namespace``."""
        return namespace in self._collections

    def next_sequence(self) -> int:
        """A fresh number for default txids and timestamps."""
        return next(self._counter)

    # -- reads of committed state
    def version(self, namespace: str, key: str, collection: str = "") -> int | None:
        """The height of the commit that last wrote the key (None: the key does not exist)."""
        return self._versions.get((namespace, collection, key))

    def chaincode_policy_met(self, endorsers: Collection[str]) -> bool:
        """Whether ``endorsers`` satisfy MAJORITY of the channel's organisations."""
        if not self.organizations:
            return True
        members = set(self.organizations) & set(endorsers)
        return len(members) > len(self.organizations) // 2

    def get(self, namespace: str, key: str, collection: str = "") -> bytes | None:
        """The committed value, or None."""
        return self._state.get((namespace, collection, key))

    def metadata(self, namespace: str, key: str, collection: str = "") -> Mapping[str, bytes]:
        """Committed metadata entries of a key."""
        return dict(self._metadata.get((namespace, collection, key), {}))

    def scan(
        self, namespace: str, collection: str, start: str, end: str
    ) -> list[tuple[str, bytes]]:
        """Committed (key, value) pairs with start <= key < end (empty end: no bound)."""

        def order(item: tuple[str, bytes]) -> bytes:
            return item[0].encode("utf-8", "surrogatepass")

        found = [
            (k, v)
            for (ns, coll, k), v in self._state.items()
            if ns == namespace and coll == collection and k >= start and (not end or k < end)
        ]
        return sorted(found, key=order)

    def history(self, namespace: str, key: str) -> list[KeyModification]:
        """Committed modifications of a public key, newest first."""
        return list(reversed(self._history.get((namespace, key), [])))

    # -- commit
    def apply(
        self,
        namespace: str,
        writes: Mapping[tuple[str, str], bytes | None],
        metadata_writes: Mapping[tuple[str, str], Mapping[str, bytes]],
        txid: str,
        timestamp: Timestamp,
    ) -> None:
        """Commit one namespace's write set (an empty value is a delete)."""
        self._height += 1
        for (collection, key), written in writes.items():
            state_key = (namespace, collection, key)
            value = written or None
            if value is None:
                self._state.pop(state_key, None)
                self._metadata.pop(state_key, None)
                self._versions.pop(state_key, None)
            else:
                self._state[state_key] = value
                self._versions[state_key] = self._height
            if not collection:
                self._history.setdefault((namespace, key), []).append(
                    KeyModification(
                        tx_id=txid,
                        value=value or b"",
                        timestamp=timestamp,
                        is_delete=value is None,
                    )
                )
        for (collection, key), entries in metadata_writes.items():
            state_key = (namespace, collection, key)
            self._metadata.setdefault(state_key, {}).update(entries)
            if state_key in self._state:
                self._versions[state_key] = self._height

    def put(self, namespace: str, key: str, value: bytes, collection: str = "") -> None:
        """Seed committed state directly (test set-up; no history entry)."""
        self._height += 1
        self._state[(namespace, collection, key)] = value
        self._versions[(namespace, collection, key)] = self._height


def _page(
    items: list[tuple[str, bytes]], page_size: int, bookmark: str
) -> tuple[list[tuple[str, bytes]], QueryResponseMetadata]:
    if page_size <= 0:
        raise StubError("page size must be positive")
    if bookmark:
        items = [item for item in items if item[0] >= bookmark]
    page, rest = items[:page_size], items[page_size:]
    next_bookmark = rest[0][0] if rest else ""
    return page, QueryResponseMetadata(fetched_records_count=len(page), bookmark=next_bookmark)


def _matches(value: bytes, selector: Mapping[str, object]) -> bool:
    try:
        document = loads_unique(value)
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(document, dict):
        return False
    return all(document.get(name) == expected for name, expected in selector.items())


def _selector(query: str) -> Mapping[str, object]:
    try:
        parsed = loads_unique(query)
    except ValueError as exc:
        raise StubError("rich query is not JSON") from exc
    selector = parsed.get("selector") if isinstance(parsed, dict) else None
    if not isinstance(selector, dict):
        raise StubError("rich query needs a 'selector' object")
    return selector


class InMemoryStub(InvocationAccessors):
    """One transaction against an :class:`InMemoryLedger`. See :class:`fabric_chaincode.Stub`."""

    def __init__(
        self,
        ledger: InMemoryLedger,
        *,
        namespace: str,
        args: Sequence[bytes],
        txid: str,
        timestamp: Timestamp,
        creator: bytes = b"",
        transient: Mapping[str, bytes] | None = None,
        local_mspid: str | None = None,
        decorations: Mapping[str, bytes] | None = None,
        channel_id: str | None = None,
    ) -> None:
        self.ledger = ledger
        self.namespace = namespace
        self._args = [bytes(a) for a in args]
        self._txid = txid
        self._timestamp = timestamp
        self._creator = creator
        self._transient = dict(transient or {})
        self._local_mspid = local_mspid
        self._decorations = dict(decorations or {})
        self._channel_id = channel_id or ledger.channel_id
        self._nonce = hashlib.sha256(b"nonce:" + txid.encode()).digest()[:24]
        self.writes: dict[tuple[str, str], bytes | None] = {}
        self.metadata_writes: dict[tuple[str, str], dict[str, bytes]] = {}
        self.event: ChaincodeEvent | None = None
        self.children: list[InMemoryStub] = []
        self.read_only = False
        # The read set: (collection, key) -> version read; public ranges with what they saw.
        self.reads: dict[tuple[str, str], int | None] = {}
        self.ranges: list[tuple[str, str, list[tuple[str, int | None]]]] = []
        self._wrote = False
        self._paged = False
        self._private_queried = False

    # -- invocation facts
    def get_creator(self) -> bytes:
        return self._creator

    def get_transient(self) -> Mapping[str, bytes]:
        return dict(self._transient)

    def get_binding(self) -> bytes:
        return hashlib.sha256(self._nonce + self._creator + struct.pack("<Q", 0)).digest()

    def get_signed_proposal(self) -> SignedProposal | None:
        return _wire.encode_proposal(
            channel_id=self._channel_id,
            txid=self._txid,
            creator=self._creator,
            nonce=self._nonce,
            timestamp=self._timestamp,
            chaincode_input=ChaincodeInput(args=tuple(self._args)),
            chaincode_name=self.namespace,
            transient=self._transient,
        )

    def get_tx_timestamp(self) -> Timestamp:
        return self._timestamp

    # -- read set and the peer's rules on what a transaction may mix
    def _read(self, collection: str, key: str) -> None:
        self.reads.setdefault(
            (collection, key), self.ledger.version(self.namespace, key, collection)
        )

    def _refuse(self, request: str, message: str) -> PeerError:
        return PeerError(request, f"txid [{self._txid}]: {message}")

    def _before_write(self, request: str) -> None:
        if self._private_queried:
            raise self._refuse(
                request,
                "Transaction has already performed queries on pvt data. Writes are not allowed",
            )
        if self._paged:
            raise self._refuse(
                request,
                "Transaction has already performed a paginated query. Writes are not allowed",
            )
        self._wrote = True

    def _before_paged_query(self, request: str) -> None:
        if self._wrote:
            raise self._refuse(
                request, "Paginated queries are supported only in a read-only transaction"
            )
        self._paged = True

    def _before_private_query(self, request: str) -> None:
        if self._wrote:
            raise self._refuse(
                request, "Queries on pvt data is supported only in a read-only transaction"
            )
        self._private_queried = True

    # -- writes
    def _write(self, collection: str, key: str, value: bytes | None) -> None:
        if value is not None:
            keys.require_key(key)
            if not isinstance(value, bytes):
                raise StubError("values must be bytes")
        self._before_write("PUT_STATE" if value is not None else "DEL_STATE")
        # The peer records an empty value as a delete.
        self.writes[(collection, key)] = value or None

    # -- world state
    def get_state(self, key: str) -> bytes | None:
        self._read("", key)
        return self.ledger.get(self.namespace, key)

    def get_multiple_states(self, keys_: Sequence[str]) -> list[bytes | None]:
        return [self.get_state(k) for k in keys_]

    def put_state(self, key: str, value: bytes) -> None:
        self._write("", key, value)

    def del_state(self, key: str) -> None:
        self._write("", key, None)

    def start_write_batch(self) -> None:
        """Writes are buffered until commit anyway."""

    def finish_write_batch(self) -> None:
        """Writes are buffered until commit anyway."""

    def set_state_validation_parameter(self, key: str, policy: bytes) -> None:
        self._before_write("PUT_STATE_METADATA")
        self.metadata_writes.setdefault(("", key), {})[VALIDATION_PARAMETER] = bytes(policy)

    def get_state_validation_parameter(self, key: str) -> bytes | None:
        self._read("", key)
        return self.ledger.metadata(self.namespace, key).get(VALIDATION_PARAMETER)

    def _kvs(self, items: list[tuple[str, bytes]]) -> _ListIterator[KV]:
        return _ListIterator([KV(self.namespace, k, v) for k, v in items])

    def _simple_range(
        self, collection: str, start_key: str, end_key: str
    ) -> list[tuple[str, bytes]]:
        start = keys.range_start(start_key)
        keys.validate_simple_keys(start, end_key)
        return self.ledger.scan(self.namespace, collection, start, end_key)

    def get_state_by_range(self, start_key: str, end_key: str) -> _ListIterator[KV]:
        start = keys.range_start(start_key)
        items = self._simple_range("", start_key, end_key)
        self.ranges.append(
            (start, end_key, [(k, self.ledger.version(self.namespace, k)) for k, _ in items])
        )
        return self._kvs(items)

    def get_state_by_range_with_pagination(
        self, start_key: str, end_key: str, page_size: int, bookmark: str = ""
    ) -> tuple[_ListIterator[KV], QueryResponseMetadata]:
        self._before_paged_query("GET_STATE_BY_RANGE")
        page, meta = _page(self._simple_range("", start_key, end_key), page_size, bookmark)
        return self._kvs(page), meta

    def _partial(
        self, collection: str, object_type: str, attributes: Sequence[str]
    ) -> list[tuple[str, bytes]]:
        start, end = keys.partial_key_range(object_type, attributes)
        return self.ledger.scan(self.namespace, collection, start, end)

    def get_state_by_partial_composite_key(
        self, object_type: str, attributes: Sequence[str]
    ) -> _ListIterator[KV]:
        start, end = keys.partial_key_range(object_type, attributes)
        items = self._partial("", object_type, attributes)
        self.ranges.append(
            (start, end, [(k, self.ledger.version(self.namespace, k)) for k, _ in items])
        )
        return self._kvs(items)

    def get_state_by_partial_composite_key_with_pagination(
        self, object_type: str, attributes: Sequence[str], page_size: int, bookmark: str = ""
    ) -> tuple[_ListIterator[KV], QueryResponseMetadata]:
        self._before_paged_query("GET_STATE_BY_RANGE")
        page, meta = _page(self._partial("", object_type, attributes), page_size, bookmark)
        return self._kvs(page), meta

    def create_composite_key(self, object_type: str, attributes: Sequence[str]) -> str:
        return keys.create_composite_key(object_type, attributes)

    def split_composite_key(self, composite_key: str) -> tuple[str, list[str]]:
        return keys.split_composite_key(composite_key)

    def _rich(self, collection: str, query: str) -> list[tuple[str, bytes]]:
        selector = _selector(query)
        everything = self.ledger.scan(self.namespace, collection, "", "")
        return [(k, v) for k, v in everything if _matches(v, selector)]

    def get_query_result(self, query: str) -> _ListIterator[KV]:
        return self._kvs(self._rich("", query))

    def get_query_result_with_pagination(
        self, query: str, page_size: int, bookmark: str = ""
    ) -> tuple[_ListIterator[KV], QueryResponseMetadata]:
        self._before_paged_query("GET_QUERY_RESULT")
        page, meta = _page(self._rich("", query), page_size, bookmark)
        return self._kvs(page), meta

    def get_history_for_key(self, key: str) -> _ListIterator[KeyModification]:
        return _ListIterator(self.ledger.history(self.namespace, key))

    # -- private data
    def _creator_msp(self) -> str | None:
        if not self._creator:
            return None
        try:
            return _wire.decode_serialized_identity(self._creator)[0]
        except ProtocolError:  # not a creator: no membership check
            return None

    def _collection(self, collection: str, access: str = "") -> None:
        """Refuse an undefined collection, or a non-member ``read``/``write`` the collection
        reserves for members, with the peer's messages."""
        keys.require_collection(collection)
        if collection.startswith(IMPLICIT_COLLECTION_PREFIX):
            return
        if not self.ledger.collections_defined(self.namespace):
            return
        definition = self.ledger.collection(self.namespace, collection)
        if definition is None:
            raise StubError(
                f"collection {self._channel_id}/{self.namespace}/{collection} could not be found"
            )
        restricted = (access == "read" and definition.member_only_read) or (
            access == "write" and definition.member_only_write
        )
        creator = self._creator_msp()
        if restricted and creator is not None and creator not in definition.members:
            raise StubError(
                f"tx creator does not have {access} access permission on privatedata in"
                f" chaincodeName:{self.namespace} collectionName: {collection}"
            )

    def get_private_data(self, collection: str, key: str) -> bytes | None:
        self._collection(collection, "read")
        self._read(collection, key)
        return self.ledger.get(self.namespace, key, collection)

    def get_multiple_private_data(
        self, collection: str, keys_: Sequence[str]
    ) -> list[bytes | None]:
        return [self.get_private_data(collection, k) for k in keys_]

    def get_private_data_hash(self, collection: str, key: str) -> bytes | None:
        self._collection(collection)  # hashes are on every peer: no member check
        self._read(collection, key)
        value = self.ledger.get(self.namespace, key, collection)
        return hashlib.sha256(value).digest() if value is not None else None

    def put_private_data(self, collection: str, key: str, value: bytes) -> None:
        self._collection(collection, "write")
        self._write(collection, key, value)

    def del_private_data(self, collection: str, key: str) -> None:
        self._collection(collection, "write")
        self._write(collection, key, None)

    def purge_private_data(self, collection: str, key: str) -> None:
        self._collection(collection, "write")
        self._write(collection, key, None)

    def get_private_data_by_range(
        self, collection: str, start_key: str, end_key: str
    ) -> _ListIterator[KV]:
        self._collection(collection, "read")
        self._before_private_query("GET_STATE_BY_RANGE")
        return self._kvs(self._simple_range(collection, start_key, end_key))

    def get_private_data_by_partial_composite_key(
        self, collection: str, object_type: str, attributes: Sequence[str]
    ) -> _ListIterator[KV]:
        self._collection(collection, "read")
        self._before_private_query("GET_STATE_BY_RANGE")
        return self._kvs(self._partial(collection, object_type, attributes))

    def get_private_data_query_result(self, collection: str, query: str) -> _ListIterator[KV]:
        self._collection(collection, "read")
        self._before_private_query("GET_QUERY_RESULT")
        return self._kvs(self._rich(collection, query))

    def set_private_data_validation_parameter(
        self, collection: str, key: str, policy: bytes
    ) -> None:
        self._collection(collection, "write")
        self._before_write("PUT_STATE_METADATA")
        self.metadata_writes.setdefault((collection, key), {})[VALIDATION_PARAMETER] = bytes(policy)

    def get_private_data_validation_parameter(self, collection: str, key: str) -> bytes | None:
        self._collection(collection, "read")
        self._read(collection, key)
        return self.ledger.metadata(self.namespace, key, collection).get(VALIDATION_PARAMETER)

    # -- events, chaincode-to-chaincode
    def set_event(self, name: str, payload: bytes) -> None:
        if not name:
            raise StubError("event name must not be empty")
        self.event = ChaincodeEvent(name=name, payload=bytes(payload))

    def invoke_chaincode(
        self, chaincode_name: str, args: Sequence[bytes], channel: str = ""
    ) -> Response:
        if not chaincode_name:
            raise StubError("chaincode name must not be empty")
        callee = self.ledger.chaincode(chaincode_name)
        if callee is None:
            return Response(status=500, message=f"chaincode {chaincode_name} not found")
        child = InMemoryStub(
            self.ledger,
            namespace=chaincode_name.split(":", 1)[0],
            args=args,
            txid=self._txid,
            timestamp=self._timestamp,
            creator=self._creator,
            transient=self._transient,
            local_mspid=self._local_mspid,
            channel_id=channel or self._channel_id,
        )
        # A call into another channel is read-only on Fabric: its writes are discarded.
        child.read_only = bool(channel) and channel != self._channel_id
        response = run_guarded(callee, child, is_init=False)
        if response.ok and not child.read_only:
            self.children.append(child)
        return response

    def validate(self, endorsers: Collection[str]) -> str:
        """The validation code a committing peer would give this transaction now (this
        namespace and the chaincodes it called): ``VALID``, ``MVCC_READ_CONFLICT``,
        ``PHANTOM_READ_CONFLICT`` or ``ENDORSEMENT_POLICY_FAILURE``."""
        ns = self.namespace
        for (collection, key), version in self.reads.items():
            if self.ledger.version(ns, key, collection) != version:
                return "MVCC_READ_CONFLICT"
        for start, end, seen in self.ranges:
            now = [(k, self.ledger.version(ns, k)) for k, _ in self.ledger.scan(ns, "", start, end)]
            if now != seen:
                return "PHANTOM_READ_CONFLICT"
        if not self._endorsed(endorsers):
            return "ENDORSEMENT_POLICY_FAILURE"
        for child in self.children:
            code = child.validate(endorsers)
            if code != "VALID":
                return code
        return "VALID"

    def _endorsed(self, endorsers: Collection[str]) -> bool:
        signers = sorted(set(endorsers))
        needs_chaincode_policy = False
        for collection, key in {*self.writes, *self.metadata_writes}:
            definition = self.ledger.collection(self.namespace, collection) if collection else None
            if definition is not None and definition.endorsers is not None:
                if not definition.endorsers & set(signers):
                    return False
                continue
            policy = self.ledger.metadata(self.namespace, key, collection).get(VALIDATION_PARAMETER)
            if policy:
                if not _wire.signature_policy_satisfied(policy, signers):
                    return False
                continue
            needs_chaincode_policy = True
        return not needs_chaincode_policy or self.ledger.chaincode_policy_met(signers)

    def commit(self) -> None:
        """Apply this transaction's writes (and those of chaincodes it called) to the ledger,
        without validating them (see :func:`commit_transaction`)."""
        self.ledger.apply(
            self.namespace, self.writes, self.metadata_writes, self._txid, self._timestamp
        )
        for child in self.children:
            child.commit()


@dataclass(frozen=True)
class TransactionResult:
    """What one in-memory transaction produced.

    ``validation_code``: what the committing peer decided (``VALID``,
    ``MVCC_READ_CONFLICT``, ``PHANTOM_READ_CONFLICT``, ``ENDORSEMENT_POLICY_FAILURE``), or
    None when nothing was submitted for commit (the chaincode refused, or an evaluation).
    """

    response: Response
    event: ChaincodeEvent | None
    txid: str
    committed: bool
    writes: Mapping[tuple[str, str], bytes | None] = field(default_factory=dict)
    validation_code: str | None = None
    reads: Mapping[tuple[str, str], int | None] = field(default_factory=dict)
    """The read set: (collection, key) -> the version read (None: the key did not exist)."""

    @property
    def ok(self) -> bool:
        """Whether the chaincode returned a success status."""
        return self.response.ok

    @property
    def payload(self) -> bytes:
        """The response payload."""
        return self.response.payload

    def text(self) -> str:
        """The payload decoded as UTF-8."""
        return self.response.payload.decode("utf-8")

    def json(self) -> object:
        """The payload parsed as JSON."""
        return loads_unique(self.response.payload)


@dataclass(frozen=True)
class Simulation:
    """A transaction run (endorsed) but not yet committed: see :func:`simulate_transaction`."""

    stub: InMemoryStub
    response: Response
    event: ChaincodeEvent | None
    txid: str


def creator_bytes(msp_id: str, certificate: x509.Certificate | bytes) -> bytes:
    """``SerializedIdentity`` bytes for a certificate (object or PEM bytes)."""
    pem = (
        certificate
        if isinstance(certificate, bytes)
        else certificate.public_bytes(crypto_serialization.Encoding.PEM)
    )
    return _wire.encode_serialized_identity(msp_id, pem)


def simulate_transaction(
    chaincode: Chaincode,
    ledger: InMemoryLedger,
    function: str,
    *args: str | bytes,
    namespace: str = "chaincode",
    txid: str | None = None,
    timestamp: Timestamp | None = None,
    creator: bytes = b"",
    transient: Mapping[str, bytes] | None = None,
    local_mspid: str | None = None,
    is_init: bool = False,
) -> Simulation:
    """Run one transaction against the committed state without committing it (what the
    endorsing peers do); commit it later with :func:`commit_transaction`. Simulating several
    before committing any models concurrent transactions."""
    sequence = ledger.next_sequence()
    raw_args = [function.encode("utf-8")] + [
        a if isinstance(a, bytes) else a.encode("utf-8") for a in args
    ]
    txid = txid or hashlib.sha256(f"tx:{sequence}".encode()).hexdigest()
    stub = InMemoryStub(
        ledger,
        namespace=namespace,
        args=raw_args,
        txid=txid,
        timestamp=timestamp or Timestamp(seconds=_EPOCH_START + sequence),
        creator=creator,
        transient=transient,
        local_mspid=local_mspid,
    )
    response = run_guarded(chaincode, stub, is_init=is_init)
    # What the peer would receive: an answer it cannot encode becomes a plain error.
    response, event = wire_safe(txid, response, stub.event)
    return Simulation(stub=stub, response=response, event=event, txid=txid)


def commit_transaction(
    simulation: Simulation,
    *,
    endorsing_orgs: Collection[str] | None = None,
    commit: bool = True,
) -> TransactionResult:
    """Validate and commit a simulated transaction as a committing peer does (see the module
    docstring): a refused proposal and an evaluation (``commit=False``) are never committed;
    an invalid one is recorded with its validation code and changes nothing.

    ``endorsing_orgs``: the organisations whose peers endorsed (default: every organisation
    of the channel).
    """
    stub = simulation.stub
    code: str | None = None
    committed = False
    if commit and simulation.response.ok:
        endorsers = stub.ledger.organizations if endorsing_orgs is None else endorsing_orgs
        code = stub.validate(endorsers)
        if code == "VALID":
            stub.commit()
            committed = True
    return TransactionResult(
        response=simulation.response,
        event=simulation.event,
        txid=simulation.txid,
        committed=committed,
        writes=dict(stub.writes),
        validation_code=code,
        reads=dict(stub.reads),
    )


def run_transaction(
    chaincode: Chaincode,
    ledger: InMemoryLedger,
    function: str,
    *args: str | bytes,
    namespace: str = "chaincode",
    txid: str | None = None,
    timestamp: Timestamp | None = None,
    creator: bytes = b"",
    transient: Mapping[str, bytes] | None = None,
    local_mspid: str | None = None,
    commit: bool = True,
    is_init: bool = False,
    endorsing_orgs: Collection[str] | None = None,
) -> TransactionResult:
    """Simulate one transaction and, if it succeeded and ``commit`` is true, validate and
    commit it (:func:`simulate_transaction` then :func:`commit_transaction`)."""
    simulation = simulate_transaction(
        chaincode,
        ledger,
        function,
        *args,
        namespace=namespace,
        txid=txid,
        timestamp=timestamp,
        creator=creator,
        transient=transient,
        local_mspid=local_mspid,
        is_init=is_init,
    )
    return commit_transaction(simulation, endorsing_orgs=endorsing_orgs, commit=commit)
