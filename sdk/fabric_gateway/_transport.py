"""The only module of ``fabric_gateway`` that talks gRPC.

Owns: the Gateway and Deliver method paths, sync (``grpc``) and asyncio (``grpc.aio``) transports
that move serialized request/response bytes, the response streams (context managers that cancel
their call on close), and the ONE translation of gRPC errors into ``GatewayError`` subclasses.
What a unary call sends and which error it raises arrives ready-made as a ``_core.UnaryCall``,
and stream state and closing are shared, so the two transports differ only in how they call.

Must not import: generated protobuf classes (only ``_protos`` helpers that take bytes) or the
public client classes. The application owns the channel; nothing here closes it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import grpc
import grpc.aio

from . import _protos
from ._core import UnaryCall
from ._shared import AsyncClosingContext, ClosingContext
from .errors import GatewayError

GATEWAY_SERVICE = "/gateway.Gateway/"
CHAINCODE_EVENTS = GATEWAY_SERVICE + "ChaincodeEvents"
DELIVER: dict[_protos.DeliverKind, str] = {
    "block": "/protos.Deliver/Deliver",
    "filtered_block": "/protos.Deliver/DeliverFiltered",
    "block_and_private_data": "/protos.Deliver/DeliverWithPrivateData",
}
_STATUS_DETAILS_KEY = "grpc-status-details-bin"
# grpc.aio.EOF marks the end of a stream read; grpc-stubs does not declare it.
_EOF: Any = grpc.aio.EOF  # type: ignore[attr-defined]

ErrorType = type[GatewayError]


def translate_rpc_error(
    error: grpc.RpcError, error_type: ErrorType = GatewayError, transaction_id: str | None = None
) -> GatewayError:
    """Turn a failed gRPC call into a ``GatewayError`` (the only place this happens).

    Works for both ``grpc`` and ``grpc.aio`` errors: code, message and the ``gateway.ErrorDetail``
    entries of the rich status trailer.
    """
    call: Any = error
    code: grpc.StatusCode | None = call.code() if hasattr(call, "code") else None
    message = (call.details() if hasattr(call, "details") else None) or str(error)
    details: tuple[Any, ...] = ()
    trailers = call.trailing_metadata() if hasattr(call, "trailing_metadata") else None
    for key, value in trailers or ():
        if key == _STATUS_DETAILS_KEY and isinstance(value, bytes):
            details += _protos.decode_error_details(value)
    return error_type(message, code=code, details=details, transaction_id=transaction_id)


def _unary_failure(call: UnaryCall, error: grpc.RpcError) -> GatewayError:
    return translate_rpc_error(error, call.error_type, call.transaction_id)


class SyncTransport:
    """Blocking transport over an application-owned ``grpc.Channel``."""

    def __init__(self, channel: grpc.Channel) -> None:
        self._channel = channel
        self._unary: dict[str, grpc.UnaryUnaryMultiCallable[bytes, bytes]] = {}

    def unary(self, call: UnaryCall) -> bytes:
        """Send one unary Gateway call; failures raise ``call.error_type``."""
        method = self._unary.get(call.method)
        if method is None:  # one callable per method, made on first use (a race makes two)
            method = self._unary[call.method] = self._channel.unary_unary(
                GATEWAY_SERVICE + call.method, request_serializer=None, response_deserializer=None
            )
        try:
            return bytes(method(call.request, timeout=call.timeout))
        except grpc.RpcError as error:
            raise _unary_failure(call, error) from error

    def chaincode_events(self, request: bytes, timeout: float | None) -> SyncResponseStream:
        """``Gateway.ChaincodeEvents`` server stream."""
        call = self._channel.unary_stream(
            CHAINCODE_EVENTS, request_serializer=None, response_deserializer=None
        )(request, timeout=timeout)
        return SyncResponseStream(call)

    def deliver(
        self, kind: _protos.DeliverKind, envelope: bytes, timeout: float | None
    ) -> SyncResponseStream:
        """One of the ``Deliver`` bidi streams, sending the single seek envelope."""
        closed = threading.Event()

        def requests() -> Iterator[bytes]:
            yield envelope
            # Keep the sending side open, as the official clients do: a half-close could end
            # the peer's delivery loop. Released when the stream is closed.
            closed.wait()

        call = self._channel.stream_stream(
            DELIVER[kind], request_serializer=None, response_deserializer=None
        )(requests(), timeout=timeout)
        return SyncResponseStream(call, on_close=closed.set)


class _ResponseStream:
    """State of one streaming call, sync or asyncio: closing cancels it and ends iteration."""

    def __init__(self, call: Any) -> None:
        self._call = call
        self._closed = False

    def close(self) -> None:
        """Cancel the call; iteration then ends quietly."""
        self._closed = True
        self._call.cancel()


class SyncResponseStream(_ResponseStream, ClosingContext):
    """Iterator of serialized responses of one streaming call; closing cancels the call."""

    def __init__(self, call: Any, on_close: Any = None) -> None:
        super().__init__(call)
        self._on_close = on_close

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._closed:
            raise StopIteration
        try:
            return bytes(next(self._call))
        except StopIteration:
            self._release()
            raise
        except grpc.RpcError as error:
            self._release()
            if self._closed:
                raise StopIteration from None
            raise translate_rpc_error(error) from error

    def close(self) -> None:
        """Cancel the call; iteration then ends quietly."""
        super().close()
        self._release()

    def _release(self) -> None:
        if self._on_close is not None:
            self._on_close()


class AsyncTransport:
    """asyncio transport over an application-owned ``grpc.aio.Channel``."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._channel = channel
        self._unary: dict[str, grpc.aio.UnaryUnaryMultiCallable[bytes, bytes]] = {}

    async def unary(self, call: UnaryCall) -> bytes:
        """Send one unary Gateway call; failures raise ``call.error_type``."""
        method = self._unary.get(call.method)
        if method is None:  # one callable per method, made on first use
            method = self._unary[call.method] = self._channel.unary_unary(
                GATEWAY_SERVICE + call.method, request_serializer=None, response_deserializer=None
            )
        try:
            return bytes(await method(call.request, timeout=call.timeout))
        except grpc.RpcError as error:
            raise _unary_failure(call, error) from error

    def chaincode_events(self, request: bytes, timeout: float | None) -> AsyncResponseStream:
        """``Gateway.ChaincodeEvents`` server stream."""
        call = self._channel.unary_stream(
            CHAINCODE_EVENTS, request_serializer=None, response_deserializer=None
        )(request, timeout=timeout)
        return AsyncResponseStream(call)

    def deliver(
        self, kind: _protos.DeliverKind, envelope: bytes, timeout: float | None
    ) -> AsyncResponseStream:
        """One of the ``Deliver`` bidi streams; the envelope is written on first read."""
        method = self._channel.stream_stream(
            DELIVER[kind], request_serializer=None, response_deserializer=None
        )
        # Without a request iterator grpc.aio lets us write() on the call (grpc-stubs disagrees).
        call = method(timeout=timeout)  # type: ignore[call-arg]
        return AsyncResponseStream(call, first_write=envelope)


class AsyncResponseStream(_ResponseStream, AsyncClosingContext):
    """Async iterator of serialized responses of one streaming call; closing cancels it."""

    def __init__(self, call: Any, first_write: bytes | None = None) -> None:
        super().__init__(call)
        self._first_write = first_write

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        if self._closed:
            raise StopAsyncIteration
        try:
            if self._first_write is not None:
                envelope, self._first_write = self._first_write, None
                # No done_writing(): the sending side stays open, as in the official clients.
                await self._call.write(envelope)
            response = await self._call.read()
        except grpc.RpcError as error:
            if self._closed:
                raise StopAsyncIteration from None
            raise translate_rpc_error(error) from error
        except asyncio.CancelledError:
            if self._closed:
                raise StopAsyncIteration from None
            raise
        if response is _EOF:
            raise StopAsyncIteration
        return bytes(response)
