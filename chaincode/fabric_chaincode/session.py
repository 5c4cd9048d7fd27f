"""One peer conversation: drives the pure protocol on one thread, a greenlet per transaction.

Owns the per-transaction greenlets, their waits for stub answers and their timeouts, and the
per-stream admission limits. Sends through a plain callable, so the gRPC module
(:mod:`fabric_chaincode.server`) and tests plug in their own stream.
Must not import gRPC or protobuf. Logs txids and message types only, never payloads, and
every value from the peer escaped (:func:`fabric_chaincode.logtext.escape`).

Design: the session belongs to ONE thread, the stream's loop, which feeds it every message
from the peer (:meth:`ChaincodeSession.on_message`) and the passing of time
(:meth:`ChaincodeSession.expire`). A TRANSACTION starts a greenlet on that thread; when the
chaincode makes a stub request, the greenlet hands the request to ``send`` and switches back
to the loop; the peer's answer switches into it again. So transactions of one stream
interleave (the peer multiplexes txids on one stream) with no thread hand-off and no lock:
every hand-off between threads costs a wake-up and a GIL handover, which is what a
transaction's CPU went to before. Only :attr:`ChaincodeSession.idle` may be read from another
thread. A chaincode that computes for long holds its stream's loop meanwhile (other streams
run on their own threads); a chaincode must use its stub only from the transaction's own
greenlet (not from threads it starts).

One stream cannot grow without end: it runs at most ``max_running`` transactions at a time
(the rest wait in the session's own queue, in arrival order; beyond ``max_queued`` they are
answered ERROR at once), and a stub request waits at most ``request_timeout`` seconds for the
peer's answer before its transaction fails with :class:`~fabric_chaincode.errors.PeerTimeoutError`.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

import greenlet

from fabric_chaincode.chaincode import Chaincode, internal_error, run_guarded, wire_safe
from fabric_chaincode.errors import (
    ConnectionClosedError,
    FabricChaincodeError,
    PeerTimeoutError,
    RuntimeCode,
    StubError,
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
    TxKey,
)
from fabric_chaincode.stub import DEFAULT_MAX_MESSAGE_SIZE, ChaincodeStub
from fabric_chaincode.types import ChaincodeEvent, MessageType, Response, ShimMessage, error

_log = logging.getLogger("fabric_chaincode.session")

_CLOSED = ShimMessage(type=MessageType.UNDEFINED)
_TIMED_OUT = ShimMessage(type=MessageType.UNDEFINED, payload=b"timeout")

MAX_RUNNING = 32
"""Transactions one stream may have started and not finished; the rest wait in arrival order."""

MAX_QUEUED = 1024
"""Transactions one stream may have waiting; more are answered ERROR at once (the peer
retries or reports it), so a flood cannot grow the server's memory without end."""

REQUEST_TIMEOUT = 60.0
"""Seconds a stub request waits for the peer: twice the peer's default execute timeout
(30 s), after which the peer has abandoned the transaction anyway."""


class _Waiter:
    """A transaction's greenlet suspended in a stub request, and when that request expires."""

    __slots__ = ("deadline", "task")

    def __init__(self, task: greenlet.greenlet, deadline: float) -> None:
        self.task = task
        self.deadline = deadline


class ChaincodeSession:
    """Runs a chaincode over one stream, on the one thread that calls its methods.

    ``send`` must not block for long (the gRPC module hands it a deque's ``append`` and writes
    what it holds after each call); messages are handed to it in the order the protocol made
    them. ``on_close`` is called once when the session closes (the stream must then end).
    ``clock``: monotonic seconds, for the request timeouts.
    """

    def __init__(
        self,
        chaincode: Chaincode,
        chaincode_name: str,
        send: Callable[[ShimMessage], None],
        *,
        local_mspid: str | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        on_close: Callable[[], None] | None = None,
        max_running: int = MAX_RUNNING,
        request_timeout: float = REQUEST_TIMEOUT,
        max_queued: int = MAX_QUEUED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_running < 1 or request_timeout <= 0 or max_queued < 0:
            raise ValueError("max_running and request_timeout must be positive")
        self._chaincode = chaincode
        self._send = send
        self._local_mspid = local_mspid
        self._max_message_size = max_message_size
        self._on_close = on_close
        self._protocol = ShimProtocol(chaincode_name)
        # Insertion order is deadline order: every request waits the same request_timeout.
        self._waiting: dict[TxKey, _Waiter] = {}
        self._tasks: dict[TxKey, greenlet.greenlet] = {}
        self._closed = False
        self._max_running = max_running
        self._max_queued = max_queued
        self._request_timeout = request_timeout
        self._clock = clock
        self._queued: deque[TransactionStarted] = deque()
        self.ready = False

    def start(self) -> None:
        """Send REGISTER."""
        self._send(self._protocol.register())

    def on_message(self, message: ShimMessage) -> None:
        """Feed one message from the peer; runs the transactions it starts or wakes."""
        for event in self._protocol.receive(message):
            if isinstance(event, AnswerReceived):
                waiter = self._waiting.pop((event.channel_id, event.txid), None)
                if waiter is not None:
                    waiter.task.switch(event.message)
            elif isinstance(event, SendMessage):
                self._send(event.message)
            elif isinstance(event, TransactionStarted):
                self._admit(event)
            elif isinstance(event, BecameReady):
                self.ready = True
            elif isinstance(event, MessageIgnored):
                _log.warning(
                    "ignored %s for transaction %s: %s",
                    message.type.name,
                    escape(message.txid),
                    escape(event.reason),
                )
            elif isinstance(event, ConnectionFailed):
                _log.error("protocol violation, closing the stream: %s", escape(event.reason))
                self.close()
        self._admit_queued()

    def timeout(self) -> float | None:
        """Seconds until the oldest stub request expires (0 if it has); None if none waits."""
        for waiter in self._waiting.values():
            return max(0.0, waiter.deadline - self._clock())
        return None

    def expire(self) -> None:
        """Fail every stub request that waited ``request_timeout``: PeerTimeoutError in its
        transaction; a late answer is then ignored."""
        now = self._clock()
        while self._waiting:
            key, waiter = next(iter(self._waiting.items()))
            if waiter.deadline > now:
                break
            del self._waiting[key]
            self._protocol.abandon_request(*key)
            waiter.task.switch(_TIMED_OUT)
        self._admit_queued()

    def _admit(self, started: TransactionStarted) -> None:
        """Run ``started`` now if this stream is under ``max_running``, else queue it."""
        if self._closed:
            return
        if len(self._tasks) >= self._max_running:
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
        task = greenlet.greenlet(self._run_task)
        self._tasks[(started.channel_id, started.txid)] = task
        task.switch(started)

    def _admit_queued(self) -> None:
        while self._queued and len(self._tasks) < self._max_running and not self._closed:
            self._admit(self._queued.popleft())

    def _run_task(self, started: TransactionStarted) -> None:
        try:
            self._run(started)
        except Exception as exc:  # never leave a transaction unanswered
            self._complete(started, internal_error(started.txid, exc), None)
        finally:
            self._tasks.pop((started.channel_id, started.txid), None)

    @property
    def idle(self) -> bool:
        """No transaction is running or waiting on this stream (readable from any thread)."""
        return not self._protocol.running

    @property
    def closed(self) -> bool:
        """The session closed: the stream must end once what was sent is written."""
        return self._closed

    def close(self) -> None:
        """The stream ended: every transaction waiting on the peer gets ConnectionClosedError
        (and finishes, answering nobody); queued transactions are dropped."""
        if self._closed:
            return
        self._closed = True
        self._queued.clear()
        while self._waiting:
            _key, waiter = self._waiting.popitem()
            waiter.task.switch(_CLOSED)
        if self._on_close is not None:
            self._on_close()

    # -- PeerTransport
    def call(self, channel_id: str, txid: str, kind: MessageType, payload: bytes) -> ShimMessage:
        """Send one stub request and wait for the peer's answer (switching to the loop)."""
        if self._closed:
            raise ConnectionClosedError("the stream to the peer is closed")
        key = (channel_id, txid)
        task = greenlet.getcurrent()
        if self._tasks.get(key) is not task:
            raise StubError("the stub is usable only from its transaction's own greenlet")
        message = self._protocol.request(channel_id, txid, kind, payload)
        try:
            self._send(message)
        except Exception:
            self._protocol.abandon_request(channel_id, txid)
            raise
        self._waiting[key] = _Waiter(task, self._clock() + self._request_timeout)
        parent = task.parent
        assert parent is not None  # a transaction's greenlet always has the loop as parent
        answer: ShimMessage = parent.switch()
        if answer is _TIMED_OUT:
            raise PeerTimeoutError(
                f"the peer did not answer {kind.name} within {self._request_timeout:g} s"
            )
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
