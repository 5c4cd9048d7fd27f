"""The low-level chaincode interface: ``init`` and ``invoke`` over a stub, returning a Response.

Owns :class:`Chaincode` (what the server runs) and the one place that turns an unexpected
exception into the generic status 500 response plus ONE log line without values.
Imports only value types and the stub protocol.
"""

from __future__ import annotations

import logging
import traceback
from typing import Protocol, runtime_checkable

from fabric_chaincode.stub_api import Stub
from fabric_chaincode.types import Response, error

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
    _log.error("transaction %s failed: unexpected %s at %s", txid, type(exc).__name__, where)
    return error(f"INTERNAL: internal error, see chaincode log for transaction {txid}")


def run_guarded(chaincode: Chaincode, stub: Stub, *, is_init: bool) -> Response:
    """Run init or invoke; never raises (an exception becomes the generic 500)."""
    try:
        response = chaincode.init(stub) if is_init else chaincode.invoke(stub)
    except Exception as exc:  # the boundary: nothing may escape to the stream
        return internal_error(stub.get_txid(), exc)
    if not isinstance(response, Response):
        return internal_error(stub.get_txid(), TypeError("chaincode returned no Response"))
    return response
