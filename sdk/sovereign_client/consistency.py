"""Read-your-writes across peers: wait until every peer has a committed block.

A submit returns once the Gateway peer it went through has committed the block that
holds the transaction. The other organisations' peers commit the same block a few
milliseconds later. A client that acts again at once may then be served by one of
those peers with state from before its own write: the next proposal is endorsed on
stale state and refused (an error from yesterday's business date, say), or it fails
validation with ``MVCC_READ_CONFLICT``.

:class:`CommitFence` closes that window. It holds one Gateway ``Network`` per peer
that may endorse or answer the client's next call (normally every org's Gateway
peer: any channel member may read blocks from any peer of the channel). After a
commit in block ``n`` it waits until each of them delivers block ``n``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Protocol

from fabric_gateway import FilteredBlock, GatewayError
from sovereign_client.errors import SovereignError


class _BlockStream(Protocol):
    def __iter__(self) -> Iterator[FilteredBlock]: ...

    def close(self) -> None: ...


class _BlockSource(Protocol):
    """The part of ``fabric_gateway.Network`` the fence uses."""

    def get_filtered_block_events(
        self, *, start_block: int | None = None, timeout: float | None = None
    ) -> _BlockStream: ...


class FenceTimeoutError(SovereignError, TimeoutError):
    """A peer did not deliver the block within the fence's timeout (it may be down)."""


class CommitFence:
    """Waits until every peer in ``networks`` has committed a given block.

    ``networks``: ``fabric_gateway.Network`` objects, one per peer (each from a
    Gateway connected to that peer). ``timeout``: seconds to wait for each peer.
    """

    def __init__(self, networks: Sequence[_BlockSource], *, timeout: float = 30.0) -> None:
        self._networks = list(networks)
        self._timeout = timeout
        self.height = 0
        """One past the newest block every peer in the fence is known to hold."""

    def reached(self, block_number: int) -> None:
        """Return once every peer has delivered ``block_number``.

        Raises :class:`FenceTimeoutError` naming the block when a peer has not
        within the timeout.
        """
        if block_number < self.height:
            return
        for network in self._networks:
            self._wait(network, block_number)
        self.height = block_number + 1

    def _wait(self, network: _BlockSource, block_number: int) -> None:
        deadline = time.monotonic() + self._timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FenceTimeoutError(
                    f"a peer did not deliver block {block_number} within {self._timeout:.0f}s"
                )
            events = network.get_filtered_block_events(start_block=block_number, timeout=remaining)
            try:
                # Deliver answers at once when the peer has the block, else when it
                # commits it: the first event is the block itself.
                for block in events:
                    if block.number >= block_number:
                        return
            except GatewayError:
                # A stream cut short (peer restarting): ask again until the deadline.
                time.sleep(0.05)
            finally:
                events.close()
