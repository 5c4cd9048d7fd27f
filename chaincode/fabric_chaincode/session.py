"""One peer conversation: drives the pure protocol with threads (no gRPC here).

Owns the locking around :class:`fabric_chaincode.protocol.ShimProtocol`, the per-transaction
waiters for stub answers and the worker pool that runs transactions concurrently (the peer
multiplexes many txids over one stream). Sends through a plain callable, so the gRPC module
(:mod:`fabric_chaincode.server`) and tests plug in their own stream.
Must not import gRPC or protobuf. Logs txids and message types only, never payloads, and
every value from the peer escaped (:func:`fabric_chaincode.logtext.escape`).

One stream cannot starve the others: it runs at most ``max_running`` transactions at a time
on the shared worker pool (the rest wait in the session's own queue, in arrival order), and a
stub request waits at most ``request_timeout`` seconds for the peer's answer before its
transaction fails with :class:`~fabric_chaincode.errors.PeerTimeoutError`, freeing the worker.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor

from fabric_chaincode.chaincode import Chaincode, internal_error, run_guarded, wire_safe
from fabric_chaincode.errors import (
    ConnectionClosedError,
    FabricChaincodeError,
    PeerTimeoutError,
    RuntimeCode,
)
from fabric_chaincode.logtext import escape
from fabric_chaincode.protocol import (
    AnswerReceived,
    BecameReady,
    ConnectionFailed,
    MessageIgnored,
    SendMessage,
    ShimProtocol,
    TransactionStarted,
)
from fabric_chaincode.stub import DEFAULT_MAX_MESSAGE_SIZE, ChaincodeStub
from fabric_chaincode.types import ChaincodeEvent, MessageType, Response, ShimMessage, error

_log = logging.getLogger("fabric_chaincode.session")

_CLOSED = ShimMessage(type=MessageType.UNDEFINED)

MAX_RUNNING = 32
"""Transactions one stream may run at once on the shared pool: half the server's default
pool of 64, so a stalled stream leaves the other half to the other peers."""

MAX_QUEUED = 1024
"""Transactions one stream may have waiting for a worker; more are answered ERROR at once
(the peer retries or reports it), so a flood cannot grow the server's memory without end."""

REQUEST_TIMEOUT = 60.0
"""Seconds a stub request waits for the peer: twice the peer's default execute timeout
(30 s), after which the peer has abandoned the transaction anyway."""


class ChaincodeSession:
    """Runs a chaincode over one stream; thread-safe.

    ``send`` must not block for long (the gRPC module hands it a queue's ``put``); it is always
    called under the session lock so that messages leave in the order the protocol made them.
    ``on_close`` is called once when the protocol demands the stream to end.
    """

    def __init__(
        self,
        chaincode: Chaincode,
        chaincode_name: str,
        send: Callable[[ShimMessage], None],
        executor: Executor,
        *,
        local_mspid: str | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        on_close: Callable[[], None] | None = None,
        max_running: int = MAX_RUNNING,
        request_timeout: float = REQUEST_TIMEOUT,
        max_queued: int = MAX_QUEUED,
    ) -> None:
        if max_running < 1 or request_timeout <= 0 or max_queued < 0:
            raise ValueError("max_running and request_timeout must be positive")
        self._chaincode = chaincode
        self._send = send
        self._executor = executor
        self._local_mspid = local_mspid
        self._max_message_size = max_message_size
        self._on_close = on_close
        self._protocol = ShimProtocol(chaincode_name)
        self._lock = threading.Lock()
        self._waiters: dict[tuple[str, str], queue.SimpleQueue[ShimMessage]] = {}
        self._closed = False
        self._max_running = max_running
        self._max_queued = max_queued
        self._request_timeout = request_timeout
        self._active = 0
        self._queued: deque[TransactionStarted] = deque()
        self.ready = threading.Event()

    def start(self) -> None:
        """Send REGISTER."""
        with self._lock:
            self._send(self._protocol.register())

    def on_message(self, message: ShimMessage) -> None:
        """Feed one message from the peer."""
        with self._lock:
            events = self._protocol.receive(message)
            for event in events:
                if isinstance(event, SendMessage):
                    self._send(event.message)
                elif isinstance(event, AnswerReceived):
                    waiter = self._waiters.get((event.channel_id, event.txid))
                    if waiter is not None:
                        waiter.put(event.message)
                elif isinstance(event, TransactionStarted):
                    self._admit_locked(event)
                elif isinstance(event, BecameReady):
                    self.ready.set()
                elif isinstance(event, MessageIgnored):
                    _log.warning(
                        "ignored %s for transaction %s: %s",
                        message.type.name,
                        escape(message.txid),
                        escape(event.reason),
                    )
                elif isinstance(event, ConnectionFailed):
                    _log.error("protocol violation, closing the stream: %s", escape(event.reason))
                    self._close_locked()

    def _admit_locked(self, started: TransactionStarted) -> None:
        """Run ``started`` now if this stream is under its share of workers, else queue it."""
        if self._active >= self._max_running:
            if len(self._queued) >= self._max_queued:
                _log.error(
                    "transaction %s refused: the stream is at its limit", escape(started.txid)
                )
                self._send(
                    self._protocol.fail(
                        started.channel_id,
                        started.txid,
                        "too many transactions waiting on this stream; retry later",
                    )
                )
                return
            self._queued.append(started)
            return
        self._active += 1
        try:
            self._executor.submit(self._run_then_next, started)
        except RuntimeError:  # the pool is shut down: the server is stopping
            self._active -= 1

    def _run_then_next(self, started: TransactionStarted) -> None:
        try:
            self._run(started)
        except Exception as exc:  # a worker's exception would vanish in its future
            self._complete(started, internal_error(started.txid, exc), None)
        finally:
            with self._lock:
                self._active -= 1
                if self._queued and not self._closed:
                    self._admit_locked(self._queued.popleft())

    @property
    def idle(self) -> bool:
        """No transaction is running on this stream."""
        with self._lock:
            return not self._protocol.running

    def close(self) -> None:
        """The stream ended: wake every waiting transaction with ConnectionClosedError."""
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        if self._closed:
            return
        self._closed = True
        for waiter in self._waiters.values():
            waiter.put(_CLOSED)
        if self._on_close is not None:
            self._on_close()

    # -- PeerTransport
    def call(self, channel_id: str, txid: str, kind: MessageType, payload: bytes) -> ShimMessage:
        """Send one stub request and wait for the peer's answer."""
        key = (channel_id, txid)
        waiter: queue.SimpleQueue[ShimMessage] = queue.SimpleQueue()
        with self._lock:
            if self._closed:
                raise ConnectionClosedError("the stream to the peer is closed")
            message = self._protocol.request(channel_id, txid, kind, payload)
            self._waiters[key] = waiter
            try:
                self._send(message)
            except Exception:
                self._protocol.abandon_request(channel_id, txid)
                del self._waiters[key]
                raise
        try:
            answer = waiter.get(timeout=self._request_timeout)
        except queue.Empty:
            with self._lock:
                self._protocol.abandon_request(channel_id, txid)  # a late answer is ignored
            raise PeerTimeoutError(
                f"the peer did not answer {kind.name} within {self._request_timeout:g} s"
            ) from None
        finally:
            with self._lock:
                self._waiters.pop(key, None)
        if answer is _CLOSED:
            raise ConnectionClosedError("the stream to the peer closed during a stub request")
        return answer

    def _run(self, started: TransactionStarted) -> None:
        stub = ChaincodeStub(
            self,
            channel_id=started.channel_id,
            txid=started.txid,
            chaincode_input=started.chaincode_input,
            proposal=started.proposal,
            facts=started.facts,
            capabilities=self._protocol.capabilities,
            local_mspid=self._local_mspid,
            max_message_size=self._max_message_size,
        )
        response = run_guarded(self._chaincode, stub, is_init=started.is_init)
        try:
            stub.finish_write_batch()
        except FabricChaincodeError as exc:
            response = internal_error(started.txid, exc)
        except Exception as exc:  # never leave a transaction unanswered
            response = internal_error(started.txid, exc)
        response, event = wire_safe(started.txid, response, stub.event)
        fitted = self._fit(started.txid, response, event)
        # A response replaced for size drops the event too: it may be what was too large.
        event = event if fitted is response else None
        self._complete(started, fitted, event)

    def _complete(
        self, started: TransactionStarted, response: Response, event: ChaincodeEvent | None
    ) -> None:
        """Send the transaction's end; if even that message cannot be built, an ERROR
        message with a fixed text: the peer is never left waiting for its timeout."""
        with self._lock:
            if self._closed:
                return
            try:
                message = self._protocol.complete(
                    started.channel_id, started.txid, response, event, is_init=started.is_init
                )
            except Exception as exc:  # never leave a transaction unanswered
                _log.error(
                    "transaction %s: cannot build its completion (%s), answering ERROR",
                    escape(started.txid),
                    type(exc).__name__,
                )
                message = self._protocol.fail(
                    started.channel_id, started.txid, "the chaincode could not encode its response"
                )
            self._send(message)

    def _fit(self, txid: str, response: Response, event: ChaincodeEvent | None) -> Response:
        size = len(response.payload) + len(response.message.encode("utf-8"))
        if event is not None:
            size += len(event.payload) + len(event.name.encode("utf-8"))
        if size <= self._max_message_size - 64 * 1024:
            return response
        _log.error(
            "transaction %s: response of %d bytes exceeds the message limit", escape(txid), size
        )
        return error(
            f"{RuntimeCode.RESPONSE_TOO_LARGE}: "
            "the transaction's response exceeds the message size limit"
        )
