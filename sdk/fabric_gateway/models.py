"""Value types returned by the Gateway client: commit status, events and decoded blocks.

Owns: small frozen dataclasses only. Must not import the generated protobuf classes or grpc;
the protobuf package (``_protos``) builds these values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .errors import CommitError

__all__ = [
    "Block",
    "BlockAndPrivateData",
    "BlockTransaction",
    "ChaincodeEvent",
    "FilteredBlock",
    "FilteredTransaction",
    "KVRead",
    "KVWrite",
    "NamespaceReadWriteSet",
    "Status",
]


@dataclass(frozen=True, slots=True)
class Status:
    """Commit status of a submitted transaction."""

    transaction_id: str
    code: int
    """``TxValidationCode`` number; 0 (``VALID``) means the transaction was committed as valid."""
    code_name: str
    """``TxValidationCode`` name, e.g. ``"VALID"`` or ``"MVCC_READ_CONFLICT"``."""
    block_number: int
    """Number of the block that holds the transaction."""

    @property
    def successful(self) -> bool:
        """Whether the transaction was committed as valid."""
        return self.code == 0

    def raise_for_status(self) -> Status:
        """Raise :class:`CommitError` unless the transaction committed as valid; else return it."""
        if not self.successful:
            raise CommitError(
                transaction_id=self.transaction_id,
                validation_code=self.code,
                validation_code_name=self.code_name,
                block_number=self.block_number,
            )
        return self


@dataclass(frozen=True, slots=True)
class ChaincodeEvent:
    """An event a chaincode emitted from a committed transaction."""

    block_number: int
    transaction_id: str
    chaincode_name: str
    event_name: str
    payload: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class KVRead:
    """A key read during simulation; ``version`` is ``(block, tx)`` or ``None`` if absent."""

    key: str
    version: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class KVWrite:
    """A key written (or deleted) by a transaction."""

    key: str
    value: bytes = field(repr=False)
    is_delete: bool = False


@dataclass(frozen=True, slots=True)
class PrivateWrite:
    """A private data key written (or deleted) by a transaction, in clear."""

    namespace: str
    collection: str
    key: str
    value: bytes = field(repr=False)
    is_delete: bool = False


@dataclass(frozen=True, slots=True)
class NamespaceReadWriteSet:
    """Public reads and writes of one namespace (chaincode) within a transaction."""

    namespace: str
    reads: tuple[KVRead, ...]
    writes: tuple[KVWrite, ...]
    collections: tuple[str, ...] = ()
    """Names of private data collections whose hashed read/write sets are present."""


@dataclass(frozen=True, slots=True)
class BlockTransaction:
    """One envelope of a block, decoded for back-office use."""

    index: int
    """Position of the envelope in the block."""
    transaction_id: str
    channel_id: str
    header_type: str
    """``common.HeaderType`` name, e.g. ``"ENDORSER_TRANSACTION"`` or ``"CONFIG"``."""
    timestamp: datetime | None
    """Client-supplied transaction timestamp (UTC)."""
    creator_msp_id: str
    creator_id_bytes: bytes = field(repr=False)
    """The creator's credentials, normally a PEM certificate."""
    validation_code: int
    validation_code_name: str
    chaincode_name: str | None = None
    read_write_sets: tuple[NamespaceReadWriteSet, ...] = ()
    chaincode_events: tuple[ChaincodeEvent, ...] = ()
    function_name: str | None = None
    """The invoked function (the proposal's first argument), e.g. ``"settlement:Settle"``."""
    endorser_msp_ids: tuple[str, ...] = ()
    """MSP IDs of the peers that endorsed the transaction, in endorsement order, once each."""
    result: bytes = field(default=b"", repr=False)
    """The transaction function's return value as endorsed (empty for non-endorser ones)."""

    @property
    def valid(self) -> bool:
        """Whether the committing peers marked the transaction valid."""
        return self.validation_code == 0


@dataclass(frozen=True, slots=True)
class Block:
    """A decoded ledger block."""

    number: int
    previous_hash: bytes = field(repr=False)
    data_hash: bytes = field(repr=False)
    transactions: tuple[BlockTransaction, ...] = ()
    raw: bytes = field(default=b"", repr=False, compare=False)
    """The serialized ``common.Block``, for callers that need fields not decoded here."""


@dataclass(frozen=True, slots=True)
class FilteredTransaction:
    """A transaction as seen in a filtered block (no payloads or read/write sets)."""

    transaction_id: str
    header_type: str
    validation_code: int
    validation_code_name: str
    chaincode_events: tuple[ChaincodeEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class FilteredBlock:
    """A block as delivered by ``DeliverFiltered``."""

    channel_id: str
    number: int
    transactions: tuple[FilteredTransaction, ...] = ()


@dataclass(frozen=True, slots=True)
class BlockAndPrivateData:
    """A block with the private data the requesting identity may read.

    ``private_data`` maps a transaction's index in the block to its serialized
    ``rwset.TxPvtReadWriteSet``; ``private_writes`` holds the same, decoded.
    """

    block: Block
    private_data: Mapping[int, bytes] = field(default_factory=dict, repr=False)
    private_writes: Mapping[int, tuple[PrivateWrite, ...]] = field(default_factory=dict, repr=False)
