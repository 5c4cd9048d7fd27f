"""The one exception hierarchy of the chaincode runtime, and the codes the runtime answers with.

Owns every exception class the runtime raises or interprets, and :class:`RuntimeCode`: the
stable codes the runtime itself puts in front of an error response, declared once here and
mapped from exceptions through one table (:data:`CODE_FOR`). Imports nothing of the package.
A chaincode built on this runtime lists these codes in its own catalogue (for the
sovereign asset chaincode: :class:`sovereign_assets.domain.errors.ErrorCode`, kept equal to
this list by a test).

``ChaincodeError`` is the domain error: contracts raise it with a stable code, and the contract
layer turns it into a status 500 response whose message is ``"<CODE>: <message>"``. Everything
else here describes a failure of the runtime, of the peer conversation or of the configuration.
"""

from __future__ import annotations

import re
from enum import StrEnum

_CODE = re.compile(r"[A-Z][A-Z0-9_]*")


class RuntimeCode(StrEnum):
    """The codes the runtime answers with, whatever the contract. The value equals the name."""

    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    """An argument, a function name or a ledger key could not be parsed or is invalid."""
    UNKNOWN_FUNCTION = "UNKNOWN_FUNCTION"
    """No contract or transaction of that name."""
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    """A value, event or request the transaction sends exceeds the gRPC message limit."""
    IDENTITY = "IDENTITY"
    """The creator identity could not be read, or an attribute assertion failed."""
    INTERNAL = "INTERNAL"
    """The chaincode raised something unexpected; the log names the transaction."""
    RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
    """The transaction's response and event exceed the gRPC message limit."""


class FabricChaincodeError(Exception):
    """Base of every exception raised by this package."""


class ChaincodeError(FabricChaincodeError):
    """A rejected request with a stable, machine-readable code.

    ``ChaincodeError("INSUFFICIENT_HOLDING", "holding too small")`` reaches the client as
    status 500 with message ``"INSUFFICIENT_HOLDING: holding too small"``.
    """

    def __init__(self, code: str, message: str) -> None:
        if not _CODE.fullmatch(code):
            raise ValueError(f"error code must be UPPER_SNAKE_CASE, got {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidArgumentError(ChaincodeError):
    """An argument could not be parsed or validated (code ``INVALID_ARGUMENT``)."""

    def __init__(self, message: str) -> None:
        super().__init__(RuntimeCode.INVALID_ARGUMENT, message)


class UnknownFunctionError(ChaincodeError):
    """No transaction of that name (code ``UNKNOWN_FUNCTION``)."""

    def __init__(self, message: str) -> None:
        super().__init__(RuntimeCode.UNKNOWN_FUNCTION, message)


class StubError(FabricChaincodeError):
    """A stub call was refused before reaching the peer (bad key, empty collection...)."""


class CompositeKeyError(StubError, ValueError):
    """A composite key or one of its attributes is invalid."""


class PeerError(FabricChaincodeError):
    """The peer answered a stub request with ERROR; ``message`` is the peer's text."""

    def __init__(self, request: str, message: str) -> None:
        super().__init__(f"peer refused {request}: {message}")
        self.request = request
        self.message = message


class ProtocolError(FabricChaincodeError):
    """The peer or the shim broke the message protocol (wrong message in a state...)."""


class ConnectionClosedError(FabricChaincodeError):
    """The stream to the peer ended while a stub request waited for its answer."""


class PeerTimeoutError(ConnectionClosedError):
    """The peer did not answer a stub request in time (it gave up on the transaction, or
    stalls the stream); the waiting transaction fails instead of holding its worker."""


class PayloadTooLargeError(StubError):
    """A message would exceed the gRPC message limit."""


class IdentityError(FabricChaincodeError):
    """The creator identity could not be read, or an attribute assertion failed."""


class ConfigError(FabricChaincodeError):
    """A server setting is missing or invalid; the message names the variable."""


CODE_FOR: tuple[tuple[type[FabricChaincodeError], RuntimeCode], ...] = (
    (CompositeKeyError, RuntimeCode.INVALID_ARGUMENT),
    (PayloadTooLargeError, RuntimeCode.PAYLOAD_TOO_LARGE),
    (IdentityError, RuntimeCode.IDENTITY),
    (StubError, RuntimeCode.INVALID_ARGUMENT),
)
"""The one table from a runtime exception a transaction let escape to its code; the first
matching class wins (so order subclasses before their bases)."""


def runtime_code(exc: BaseException) -> RuntimeCode | None:
    """The code :data:`CODE_FOR` gives ``exc``, or None (an unexpected exception)."""
    for kind, code in CODE_FOR:
        if isinstance(exc, kind):
            return code
    return None
