"""How requests reach the CA: one HTTPS (or HTTP) exchange per call.

Owns: the :class:`Transport` protocol (tests and other HTTP stacks plug in here) and
:class:`HttpTransport` on the standard library's ``http.client``, verifying the CA's TLS
certificate against the root certificates it is given.
Must not import: the client.
"""

from __future__ import annotations

import http.client
import os
import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from .errors import CAConnectionError

__all__ = ["HttpTransport", "Response", "Transport", "tls_context"]

Response = tuple[int, bytes]
"""HTTP status and body."""


class Transport(Protocol):
    """Sends one request to the CA and returns the status and body, whatever the status."""

    def request(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Response:
        """``url`` is absolute; raise :class:`CAConnectionError` when there is no answer."""
        ...


def tls_context(root_certificates: bytes | str | os.PathLike[str] | None) -> ssl.SSLContext:
    """A client TLS context trusting ``root_certificates`` (PEM bytes or a file), else the
    system's roots."""
    if root_certificates is None:
        return ssl.create_default_context()
    if isinstance(root_certificates, bytes):
        return ssl.create_default_context(cadata=root_certificates.decode("ascii"))
    return ssl.create_default_context(cafile=os.fspath(Path(root_certificates)))


class HttpTransport:
    """Requests over ``http.client``: a new connection per call, so one transport serves threads.

    ``server_name`` checks the CA's TLS certificate for that name instead of the URL's host.
    """

    def __init__(
        self,
        *,
        tls_root: bytes | str | os.PathLike[str] | None = None,
        timeout: float = 30.0,
        server_name: str | None = None,
    ) -> None:
        self._context = tls_context(tls_root)
        self._timeout = timeout
        self._server_name = server_name

    def request(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CAConnectionError(f"Not an http(s) URL: {url}")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = _NamedHTTPSConnection(
                parts.hostname,
                parts.port,
                timeout=self._timeout,
                context=self._context,
                server_name=self._server_name,
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=self._timeout
            )
        try:
            connection.request(method, target, body=body or None, headers=dict(headers))
            response = connection.getresponse()
            return response.status, response.read()
        except ssl.SSLError as exc:
            raise CAConnectionError(f"TLS with the CA at {url} failed: {exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise CAConnectionError(f"No answer from the CA at {url}: {exc}") from exc
        finally:
            connection.close()


class _NamedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection that may verify the server under another name than its host."""

    def __init__(
        self,
        host: str,
        port: int | None,
        *,
        timeout: float,
        context: ssl.SSLContext,
        server_name: str | None,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._sov_context = context
        self._server_name = server_name

    def connect(self) -> None:
        if self._server_name is None:
            super().connect()
            return
        http.client.HTTPConnection.connect(self)
        self.sock = self._sov_context.wrap_socket(self.sock, server_hostname=self._server_name)
