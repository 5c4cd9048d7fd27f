"""What can go wrong talking to a Fabric CA: one root, typed by the server's error codes.

Owns: :class:`FabricCAError` (the root), :class:`CAConnectionError` (no answer, TLS refused),
:class:`CAResponseError` (an answer that is not the CA's JSON envelope) and
:class:`CAServerError` with one subclass per family of the server's error codes
(``errors: [{code, message}]`` in the response; codes as Fabric CA 1.5 numbers them).
Must not import: the transport or the client.

The server answers every failed authentication with code 20 and every failed authorization with
code 71, whatever the reason it logged; its log says which check failed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AlreadyRevokedError",
    "AuthenticationError",
    "AuthorizationError",
    "BadRequestError",
    "CAConnectionError",
    "CAResponseError",
    "CAServerError",
    "FabricCAError",
    "NotFoundError",
    "ServerMessage",
    "error_for",
]


class FabricCAError(Exception):
    """Root of every error this package raises."""


class CAConnectionError(FabricCAError):
    """The CA could not be reached, or its TLS certificate did not verify."""


class CAResponseError(FabricCAError):
    """The CA answered with something that is not its JSON envelope (or lacks a field)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class ServerMessage:
    """One ``{code, message}`` entry of the server's ``errors`` list."""

    code: int
    message: str


class CAServerError(FabricCAError):
    """The CA refused the request; ``code`` is the server's first error code."""

    def __init__(self, status: int, errors: tuple[ServerMessage, ...]) -> None:
        self.status = status
        self.errors = errors
        first = errors[0] if errors else ServerMessage(0, "no error detail")
        self.code = first.code
        self.server_message = first.message
        detail = "; ".join(f"code {e.code}: {e.message}" for e in errors) or first.message
        super().__init__(f"Fabric CA refused the request (HTTP {status}): {detail}")


class AuthenticationError(CAServerError):
    """The credentials (secret, token, certificate) were not accepted (codes 2, 6, 20-30)."""


class AuthorizationError(CAServerError):
    """The caller may not do this: not a registrar/revoker, wrong affiliation or type."""


class NotFoundError(CAServerError):
    """The identity, certificate or CA named in the request does not exist."""


class AlreadyRevokedError(CAServerError):
    """The certificate to revoke is already revoked (code 66)."""


class BadRequestError(CAServerError):
    """The request was malformed: bad body, bad CSR, missing or invalid arguments."""


_AUTHENTICATION = frozenset({2, 6, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 33, 70})
_AUTHORIZATION = frozenset({7, 9, 17, 35, 42, 43, 44, 46, 53, 54, 55, 59, 71})
_NOT_FOUND = frozenset({8, 10, 11, 19, 63})
_BAD_REQUEST = frozenset({1, 3, 4, 5, 15, 31, 36, 37, 57, 68})


def error_for(status: int, errors: tuple[ServerMessage, ...]) -> CAServerError:
    """The typed error for a refusal: chosen by the first error code, else by HTTP status."""
    code = errors[0].code if errors else None
    cls: type[CAServerError]
    if code in _AUTHENTICATION:
        cls = AuthenticationError
    elif code in _AUTHORIZATION:
        cls = AuthorizationError
    elif code in _NOT_FOUND:
        cls = NotFoundError
    elif code == 66:
        cls = AlreadyRevokedError
    elif code in _BAD_REQUEST:
        cls = BadRequestError
    elif status == 401:
        cls = AuthenticationError
    elif status == 403:
        cls = AuthorizationError
    elif status == 404:
        cls = NotFoundError
    elif status == 400:
        cls = BadRequestError
    else:
        cls = CAServerError
    return cls(status, errors)
