"""The chaincode-as-a-service gRPC server: the ONE module of this package that talks gRPC.

Owns the ``protos.Chaincode/Connect`` endpoint the peer dials, the server options (100 MiB
messages, keepalive policy, TLS and mutual TLS), the per-stream loop that drives a
:class:`fabric_chaincode.session.ChaincodeSession`, and graceful shutdown on SIGTERM/SIGINT.
The generated gRPC stubs are not imported: the handler is registered generically with the
codec of :mod:`fabric_chaincode._wire`, so messages arrive already as our own types.

Per stream, two threads: a reader that takes each message from gRPC and puts it in the
stream's inbox, and the stream's loop, which is the gRPC response generator itself: it feeds
the inbox to the session (whose transactions run as greenlets on this same thread) and yields
what the session sent, so each outgoing message is written by the thread that made it. The
loop also wakes for the oldest stub request's timeout and for a graceful stop; the inbox is
the only hand-off between threads.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType

import greenlet
import grpc

from fabric_chaincode import _wire
from fabric_chaincode.chaincode import Chaincode
from fabric_chaincode.config import ServerConfig
from fabric_chaincode.errors import ConfigError
from fabric_chaincode.logtext import escape
from fabric_chaincode.session import MAX_QUEUED, MAX_RUNNING, REQUEST_TIMEOUT, ChaincodeSession
from fabric_chaincode.types import ShimMessage

_log = logging.getLogger("fabric_chaincode.server")

SERVICE = "protos.Chaincode"
METHOD = "Connect"

_END: ShimMessage | None = None
_IF_IDLE = object()
"""Inbox item from a graceful stop: end the stream if no transaction runs on it."""
_BATCH = 64
"""Inbox messages the loop takes in at most before writing what they made it send."""


def server_options(max_message_size: int) -> list[tuple[str, int]]:
    """gRPC options: message limits and a keepalive policy the peer's pings satisfy.

    Like the Go shim's server: keepalive pings allowed without active calls, the server pings
    idle connections, and client pings are accepted every 10 s (the Go shim allows one per
    minute; being more permissive never cuts a peer off).
    """
    return [
        ("grpc.max_send_message_length", max_message_size),
        ("grpc.max_receive_message_length", max_message_size),
        ("grpc.keepalive_time_ms", 2 * 60 * 60 * 1000),
        ("grpc.keepalive_timeout_ms", 20_000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.min_recv_ping_interval_without_data_ms", 10_000),
        ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
        ("grpc.http2.max_pings_without_data", 0),
        ("grpc.so_reuseport", 0),
    ]


class ChaincodeServer:
    """Serves one chaincode to any number of peer connections."""

    def __init__(
        self,
        chaincode: Chaincode,
        config: ServerConfig,
        *,
        stream_workers: int = 16,
        stream_transactions: int = MAX_RUNNING,
        request_timeout: float = REQUEST_TIMEOUT,
        stream_queue: int = MAX_QUEUED,
    ) -> None:
        """``stream_workers``: peer streams served at once (each holds one thread of the gRPC
        pool, plus its reader thread); ``stream_transactions``: transactions one peer stream may
        run at once (its others queue, up to ``stream_queue``; beyond, ERROR at once);
        ``request_timeout``: seconds a stub request waits for the peer."""
        self._chaincode = chaincode
        self._config = config
        self._stream_transactions = stream_transactions
        self._request_timeout = request_timeout
        self._stream_queue = stream_queue
        self._server = grpc.server(
            ThreadPoolExecutor(max_workers=stream_workers, thread_name_prefix="chaincode-stream"),
            options=server_options(config.max_message_size),
        )
        handler = grpc.stream_stream_rpc_method_handler(
            self._connect,
            request_deserializer=_wire.decode_message,
            response_serializer=_wire.encode_message,
        )
        self._server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler(SERVICE, {METHOD: handler}),)
        )
        self.port = 0
        self._streams: dict[ChaincodeSession, queue.SimpleQueue[object]] = {}
        self._sessions_lock = threading.Lock()

    def start(self) -> int:
        """Bind and start serving; returns the bound port (useful with port 0)."""
        tls = self._config.tls
        if tls is None:
            port = self._server.add_insecure_port(self._config.address)
        else:
            credentials = grpc.ssl_server_credentials(
                [(tls.key, tls.cert)],
                root_certificates=tls.client_ca,
                require_client_auth=tls.client_ca is not None,
            )
            port = self._server.add_secure_port(self._config.address, credentials)
        if port == 0:
            raise ConfigError(f"CHAINCODE_SERVER_ADDRESS: cannot bind {self._config.address}")
        self._server.start()
        self.port = port
        _log.info(
            "chaincode %s serving on port %d (tls=%s)",
            escape(self._config.chaincode_id),
            port,
            "mutual" if tls and tls.client_ca else ("on" if tls else "off"),
        )
        return port

    def stop(self, grace: float | None = 5.0) -> threading.Event:
        """Stop accepting streams; running transactions get ``grace`` seconds to finish.

        Streams whose transactions are all done are ended as soon as they are idle, so a
        graceful stop does not wait out the whole grace period.
        """
        done = self._server.stop(grace)
        if grace:
            threading.Thread(
                target=self._end_idle_sessions, args=(done, grace), daemon=True
            ).start()
        return done

    def _end_idle_sessions(self, done: threading.Event, grace: float) -> None:
        deadline = time.monotonic() + grace
        while not done.is_set() and time.monotonic() < deadline:
            with self._sessions_lock:
                inboxes = list(self._streams.values())
            for inbox in inboxes:
                inbox.put(_IF_IDLE)  # the stream's loop checks, with nothing in between
            done.wait(0.05)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops."""
        return bool(self._server.wait_for_termination(timeout))

    def _connect(
        self, requests: Iterator[ShimMessage], context: grpc.ServicerContext
    ) -> Iterator[ShimMessage]:
        inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        outbound: deque[ShimMessage] = deque()
        session = ChaincodeSession(
            self._chaincode,
            self._config.chaincode_id,
            outbound.append,
            local_mspid=self._config.local_mspid,
            max_message_size=self._config.max_message_size,
            max_running=self._stream_transactions,
            request_timeout=self._request_timeout,
            max_queued=self._stream_queue,
        )
        context.add_callback(lambda: inbox.put(_END))
        with self._sessions_lock:
            self._streams[session] = inbox
        reader = threading.Thread(
            target=_pump, args=(requests, inbox), name="chaincode-reader", daemon=True
        )
        reader.start()
        try:
            session.start()
            while True:
                while outbound:
                    yield outbound.popleft()
                if session.closed:
                    return
                try:
                    item = inbox.get(timeout=session.timeout())
                except queue.Empty:
                    session.expire()
                    continue
                taken = 1
                while True:
                    if item is _END or (item is _IF_IDLE and session.idle):
                        return
                    if isinstance(item, ShimMessage):
                        session.on_message(item)
                    if session.closed or taken == _BATCH or inbox.empty():
                        break
                    item = inbox.get_nowait()
                    taken += 1
                if session.timeout() == 0.0:
                    session.expire()
        finally:
            with self._sessions_lock:
                self._streams.pop(session, None)
            # Closed from another thread (the generator collected there): its greenlets, bound
            # to this stream's thread, cannot be resumed and are dropped with it.
            with contextlib.suppress(greenlet.error):
                session.close()


def _pump(requests: Iterator[ShimMessage], inbox: queue.SimpleQueue[object]) -> None:
    try:
        for message in requests:
            inbox.put(message)
    except grpc.RpcError:
        pass  # the peer went away; the loop closes the session
    except Exception as exc:  # a reader thread must always end its stream's loop
        _log.error("stream reader failed: %s", type(exc).__name__)
    finally:
        inbox.put(_END)


def serve(chaincode: Chaincode, config: ServerConfig, *, grace: float = 10.0) -> None:
    """Run the server until SIGTERM or SIGINT, then stop gracefully."""
    server = ChaincodeServer(chaincode, config)
    server.start()
    stopping = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        _log.info("received signal %d, stopping", signum)
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stopping.wait(1.0):
        pass
    server.stop(grace).wait()
