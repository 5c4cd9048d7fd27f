"""Following the channel: block events from the checkpoint, each applied to the projection.

Owns :class:`Follower`, a background thread over the SDK's block event stream
(``Network.get_block_events`` with the projection's :class:`~.projection.SqlCheckpointer`,
so the stream resumes at the first block not yet applied), and
:func:`ledger_schedule`, the schedule source backed by the typed client.

Errors while the peer is unreachable are retried with a growing pause (up to
``MAX_BACKOFF`` seconds); the stream reopens from the checkpoint, so nothing is lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from fabric_gateway import Block, CloseableIterator, Network
from sovereign_client import GatewayInvoker, SovereignClient, SovereignError

from .projection import Flow, Projection, ScheduleSource

log = logging.getLogger(__name__)

MAX_BACKOFF = 5.0
"""Longest pause, in seconds, before the block stream is opened again after an error."""


def ledger_schedule(network: Network, chaincode: str) -> ScheduleSource:
    """``instrument:Schedule`` through the typed client; an instrument the ledger
    refuses to schedule (a commodity token, say) has no flows."""
    client = SovereignClient(GatewayInvoker(network.get_contract(chaincode)))

    def schedule(instrument_id: str) -> Sequence[Flow]:
        try:
            flows = client.instruments.schedule(instrument_id)
        except SovereignError:
            return []
        return [Flow(f.kind, f.period_id, f.payment_date) for f in flows]

    return schedule


class Follower:
    """Applies each committed block to ``projection``, then calls ``on_block(number)``.

    :meth:`start` runs it in a daemon thread; :meth:`stop` closes the stream and waits.
    """

    def __init__(
        self,
        network: Network,
        projection: Projection,
        on_block: Callable[[int], None] | None = None,
    ) -> None:
        self._network = network
        self._projection = projection
        self._on_block = on_block
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._stream: CloseableIterator[Block] | None = None
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None
        """The last error the stream raised (cleared when a block is applied)."""

    def start(self) -> None:
        """Follow in a background thread."""
        self._thread = threading.Thread(target=self._run, name="explorer-follower", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Close the stream and wait for the thread to end."""
        self._stop.set()
        with self._lock:
            if self._stream is not None:
                self._stream.close()
        if self._thread is not None:
            self._thread.join(timeout)

    def _open(self) -> CloseableIterator[Block]:
        stream = self._network.get_block_events(
            start_block=0, checkpoint=self._projection.checkpointer
        )
        with self._lock:
            self._stream = stream
        return stream

    def _apply(self, block: Block) -> None:
        applied = self._projection.apply(block)
        self.error = None
        if applied.new and self._on_block is not None:
            self._on_block(applied.number)

    def _run(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            try:
                with self._open() as stream:
                    if self._stop.is_set():
                        return
                    for block in stream:
                        self._apply(block)
                        backoff = 0.2
            except Exception as exc:  # the stream ends on any error; reopen from the checkpoint
                if self._stop.is_set():
                    return
                self.error = exc
                log.warning(
                    "block stream failed (%s); resuming in %.1fs", type(exc).__name__, backoff
                )
            self._stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
