"""The one exception tree of the Gateway client.

Owns: :class:`GatewayError` and its subclasses, :class:`ErrorDetail`, and the parsing of
chaincode error codes (``"INSUFFICIENT_HOLDING: ..."``) out of peer messages.

Must not import: the generated protobuf classes, the transport, or grpc at run time (``code`` is
a :class:`grpc.StatusCode`, set by the transport, so callers can match on it).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import grpc

__all__ = [
    "CommitError",
    "CommitStatusError",
    "EndorseError",
    "ErrorDetail",
    "GatewayError",
    "SignerMissingError",
    "SubmitError",
    "parse_chaincode_error",
]

# A stable chaincode error code is an upper-case identifier followed by ": " and a message, e.g.
# "INSUFFICIENT_HOLDING: holder X has 5 but 10 requested". The peer wraps chaincode messages
# ("chaincode response 500, <message>"), so the code may follow a prefix.
_CHAINCODE_CODE = re.compile(
    r"(?:^|[\s,:])(?P<code>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}): (?P<msg>.*)$", re.S
)
_PEER_PREFIX = re.compile(r"chaincode response \d+, ")


def parse_chaincode_error(
    message: str, codes: Collection[str] | None = None
) -> tuple[str, str] | None:
    """Split a chaincode error message into ``(code, message)``.

    Returns ``None`` when the message carries no stable upper-case code. The peer's wrapping
    ("chaincode response 500, ") and any text before it are ignored. With ``codes``, only one
    of those codes counts (a client that knows its chaincode's catalogue passes it, so that
    upper-case words in other text - ``TLS: ...`` - are never taken for a code).
    """
    prefixed = _PEER_PREFIX.search(message)
    text = message[prefixed.end() :] if prefixed else message
    pattern = _CHAINCODE_CODE if codes is None else _known_codes(frozenset(codes))
    match = pattern.search(text)
    if match is None:
        return None
    return match.group("code"), match.group("msg")


@lru_cache(maxsize=8)
def _known_codes(codes: frozenset[str]) -> re.Pattern[str]:
    # Longest first, so that a code which is a prefix of another never wins over it.
    names = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s,:])(?P<code>{names}): (?P<msg>.*)$", re.S)


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """What one peer or orderer reported when a Gateway call failed.

    Decoded from the ``gateway.ErrorDetail`` entries of the rich gRPC status.
    """

    address: str
    """Network address of the endpoint that reported the error."""
    msp_id: str
    """MSP ID of the endpoint's organisation."""
    message: str
    """The endpoint's error message (for chaincode errors, the chaincode's message)."""


class GatewayError(Exception):
    """Root of every error raised by this package.

    When raised for a failed gRPC call, ``code`` is the gRPC status code and ``details`` the
    per-endpoint errors the Gateway attached; otherwise ``code`` is ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: grpc.StatusCode | None = None,
        details: Sequence[ErrorDetail] = (),
        transaction_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details: tuple[ErrorDetail, ...] = tuple(details)
        self.transaction_id = transaction_id

    def chaincode_error(self, codes: Collection[str] | None = None) -> tuple[str, str] | None:
        """``(code, message)`` of the chaincode error this call reported, if any.

        With ``codes``, only one of those codes counts (see :func:`parse_chaincode_error`).
        """
        # Endpoint details carry the chaincode's own message; the top-level status message is
        # the fallback for calls (such as evaluate) that may not attach details.
        for detail in self.details:
            parsed = parse_chaincode_error(detail.message, codes)
            if parsed is not None:
                return parsed
        return parse_chaincode_error(self.message, codes)

    @property
    def chaincode_code(self) -> str | None:
        """Stable chaincode error code (e.g. ``"INSUFFICIENT_HOLDING"``), if one was reported."""
        parsed = self.chaincode_error()
        return parsed[0] if parsed else None

    @property
    def chaincode_message(self) -> str | None:
        """The chaincode's message after its error code, if a code was reported."""
        parsed = self.chaincode_error()
        return parsed[1] if parsed else None

    def __str__(self) -> str:
        if not self.details:
            return self.message
        lines = [self.message]
        lines.extend(f"  {d.address} ({d.msp_id}): {d.message}" for d in self.details)
        return "\n".join(lines)


class EndorseError(GatewayError):
    """The Gateway failed to obtain endorsement for a proposal."""

    transaction_id: str


class SubmitError(GatewayError):
    """The Gateway failed to submit an endorsed transaction to the ordering service."""

    transaction_id: str


class CommitStatusError(GatewayError):
    """The commit status of a submitted transaction could not be obtained."""

    transaction_id: str


class CommitError(GatewayError):
    """A transaction was committed to the ledger but marked invalid.

    ``validation_code`` is the ``TxValidationCode`` number, ``validation_code_name`` its name.
    """

    def __init__(
        self,
        *,
        transaction_id: str,
        validation_code: int,
        validation_code_name: str,
        block_number: int,
    ) -> None:
        super().__init__(
            f"Transaction {transaction_id} failed to commit with status code "
            f"{validation_code} ({validation_code_name})",
            transaction_id=transaction_id,
        )
        self.validation_code = validation_code
        self.validation_code_name = validation_code_name
        self.block_number = block_number


class SignerMissingError(GatewayError):
    """An unsigned artifact had to be sent but the gateway has no signer.

    Sign it offline (``digest()`` then ``gateway.new_signed_...(bytes, signature)``) or connect
    with a signer.
    """
