"""Back-office decoding of ledger blocks and transactions.

Owns: the public decode functions over serialized ``common.Block`` / ``common.Envelope`` bytes,
returning ``models`` values (transaction IDs, creators, timestamps, validation codes from the
block's TRANSACTIONS_FILTER metadata, public read/write sets per namespace, chaincode events).
Must not import: generated protobuf classes directly (``_protos`` decodes) or grpc.
"""

from __future__ import annotations

from . import _protos
from .models import Block, BlockTransaction

__all__ = ["decode_block", "decode_transaction", "validation_code_name"]


def decode_block(data: bytes) -> Block:
    """Decode a serialized ``common.Block`` (e.g. from ``peer channel fetch`` or block events)."""
    return _protos.decode_block(data)


def decode_transaction(
    envelope: bytes, *, validation_code: int, block_number: int = 0, index: int = 0
) -> BlockTransaction:
    """Decode one serialized transaction envelope, given its validation code from the block."""
    return _protos.decode_transaction_envelope(
        envelope, validation_code=validation_code, block_number=block_number, index=index
    )


def validation_code_name(code: int) -> str:
    """Name of a ``TxValidationCode`` (e.g. 11 -> ``"MVCC_READ_CONFLICT"``)."""
    return _protos.validation_code_name(code)
