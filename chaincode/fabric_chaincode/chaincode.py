"""The low-level chaincode interface: ``init`` and ``invoke`` over a stub, returning a Response.

Owns :class:`Chaincode` (what the server runs) and the one place that turns an unexpected
exception into the generic status 500 response plus ONE log line without values.
Imports only value types and the stub protocol.
"""

from __future__ import annotations

import logging
import traceback
from typing import Protocol, runtime_checkable

from fabric_chaincode.errors import RuntimeCode
from fabric_chaincode.logtext import escape
from fabric_chaincode.stub_api import Stub
from fabric_chaincode.types import ChaincodeEvent, Response, error

_log = logging.getLogger("fabric_chaincode")


@runtime_checkable
class Chaincode(Protocol):
    """A chaincode in the Go shim's sense: ``Init`` and ``Invoke``."""

    def init(self, stub: Stub) -> Response:
        """Run an INIT (only with ``--init-required``)."""

    def invoke(self, stub: Stub) -> Response:
        """Run a transaction."""


def internal_error(txid: str, exc: BaseException) -> Response:
    """The response for an exception the chaincode did not expect; logs one line.

    The line names the transaction, the exception type and where it was raised, never the
    exception's message (which may quote keys or values).
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    _log.error(
        "transaction %s failed: unexpected %s at %s", escape(txid), type(exc).__name__, where
    )
    return error(
        f"{RuntimeCode.INTERNAL}: internal error, see chaincode log for transaction {escape(txid)}"
    )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def wire_safe(
    txid: str, response: Response, event: ChaincodeEvent | None
) -> tuple[Response, ChaincodeEvent | None]:
    """The response and event as the peer can receive them (protobuf strings are UTF-8).

    A message that cannot be encoded (a lone surrogate) is replaced by a plain
    ``INTERNAL`` error response, and an event whose name cannot be encoded is dropped with
    its response turned into that error: the peer always gets an answer. Logs one line.
    """
    if _encodable(response.message) and (event is None or _encodable(event.name)):
        return response, event
    _log.error("transaction %s: its response could not be encoded for the peer", escape(txid))
    return (
        error(
            f"{RuntimeCode.INTERNAL}: the response could not be encoded, "
            f"see chaincode log for {escape(txid)}"
        ),
        None,
    )


def run_guarded(chaincode: Chaincode, stub: Stub, *, is_init: bool) -> Response:
    """Run init or invoke; never raises (an exception becomes the generic 500)."""
    try:
        response = chaincode.init(stub) if is_init else chaincode.invoke(stub)
    except Exception as exc:  # the boundary: nothing may escape to the stream
        return internal_error(stub.get_txid(), exc)
    if not isinstance(response, Response):
        return internal_error(stub.get_txid(), TypeError("chaincode returned no Response"))
    return response
