"""Checkpointers: where an event listener records how far it has got, so it can resume.

Owns: the :class:`Checkpoint` / :class:`Checkpointer` protocols, :class:`InMemoryCheckpointer`
and :class:`FileCheckpointer`. Must not import: protobuf, grpc or the transport.

A checkpoint is ``(block_number, transaction_id)``: the next block to read, and the last
transaction already processed within it (``None`` when that block has not been started).
Resuming from it re-reads ``block_number`` and skips events up to and including
``transaction_id``. Checkpointing is explicit: the application calls ``checkpoint_*`` after it
has processed an event, as in the official client.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

from ledger_codec import loads_unique

from .models import ChaincodeEvent

__all__ = ["Checkpoint", "Checkpointer", "FileCheckpointer", "InMemoryCheckpointer"]


@runtime_checkable
class Checkpoint(Protocol):
    """A position to resume event listening from."""

    @property
    def block_number(self) -> int | None:
        """The next block to read, or ``None`` to start at the next committed block."""
        ...

    @property
    def transaction_id(self) -> str | None:
        """The last transaction processed in ``block_number``, if any."""
        ...


@runtime_checkable
class Checkpointer(Checkpoint, Protocol):
    """A checkpoint that the application advances as it processes events."""

    def checkpoint_block(self, block_number: int) -> None:
        """Record that block ``block_number`` was fully processed."""
        ...

    def checkpoint_transaction(self, block_number: int, transaction_id: str) -> None:
        """Record that ``transaction_id`` in block ``block_number`` was processed."""
        ...

    def checkpoint_chaincode_event(self, event: ChaincodeEvent) -> None:
        """Record that the transaction that emitted ``event`` was processed."""
        ...


class InMemoryCheckpointer:
    """A checkpointer that lives only as long as the process."""

    def __init__(self) -> None:
        self._block_number: int | None = None
        self._transaction_id: str | None = None

    @property
    def block_number(self) -> int | None:
        """The next block to read."""
        return self._block_number

    @property
    def transaction_id(self) -> str | None:
        """The last transaction processed in :attr:`block_number`."""
        return self._transaction_id

    def checkpoint_block(self, block_number: int) -> None:
        """Block ``block_number`` is done: resume at the next one."""
        self._set(block_number + 1, None)

    def checkpoint_transaction(self, block_number: int, transaction_id: str) -> None:
        """Transaction done: resume in the same block, after this transaction."""
        self._set(block_number, transaction_id)

    def checkpoint_chaincode_event(self, event: ChaincodeEvent) -> None:
        """The event's transaction is done."""
        self.checkpoint_transaction(event.block_number, event.transaction_id)

    def _set(self, block_number: int, transaction_id: str | None) -> None:
        self._block_number = block_number
        self._transaction_id = transaction_id


class FileCheckpointer(InMemoryCheckpointer):
    """A checkpointer persisted as JSON ``{"blockNumber": "n", "transactionId": "..."}``.

    The file layout matches the official client's (block number as a decimal string, so it is
    exact for any uint64). Each update is written to a temporary file in the same directory,
    flushed and renamed over the checkpoint, so a crash leaves either the old or the new state.
    The file is read when the checkpointer is created and written at once (so a bad path fails
    early rather than after the first event).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self._path = Path(path)
        self._load()
        self._save()

    @property
    def path(self) -> Path:
        """Where the checkpoint is stored."""
        return self._path

    def _set(self, block_number: int, transaction_id: str | None) -> None:
        super()._set(block_number, transaction_id)
        self._save()

    def _load(self) -> None:
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        if not text.strip():
            return
        try:
            state = loads_unique(text)
        except ValueError as exc:  # a repeated key too: which block to resume from is a guess
            raise ValueError(f"checkpoint {self._path}: not JSON we accept: {exc}") from None
        if not isinstance(state, dict):
            raise ValueError(f"checkpoint {self._path}: expected a JSON object")
        block = state.get("blockNumber")
        transaction_id = state.get("transactionId")
        self._block_number = int(block) if block is not None else None
        self._transaction_id = str(transaction_id) if transaction_id else None

    def _save(self) -> None:
        state: dict[str, str] = {}
        if self._block_number is not None:
            state["blockNumber"] = str(self._block_number)
        if self._transaction_id is not None:
            state["transactionId"] = self._transaction_id
        directory = self._path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(
            dir=directory, prefix=f".{self._path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, self._path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
