"""The two ways a call to Fabric CA is authorized: a secret, or a token signed with a key.

Owns: :func:`basic_authorization` (enrollment ID and secret, for enroll) and
:func:`token_authorization` (every other authenticated call).
Must not import: the transport or the client.

The token, as Fabric CA 1.5 verifies it, is ``base64(cert) "." base64(signature)`` where the
signature is over the hash of ``method "." base64(request_uri) "." base64(body) "." base64(cert)``;
``cert`` is the caller's PEM enrollment certificate, ``request_uri`` the path and query string
exactly as sent, and the hash the CA's (SHA-256 unless the CA is set to 384-bit security).
"""

from __future__ import annotations

import base64
import hashlib

from .keys import Signer

__all__ = ["basic_authorization", "token_authorization", "token_payload"]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def basic_authorization(enrollment_id: str, secret: str) -> str:
    """The ``Authorization`` header for an enrollment: HTTP basic with the ID and secret."""
    return "Basic " + _b64(f"{enrollment_id}:{secret}".encode())


def token_payload(certificate: bytes, method: str, request_uri: str, body: bytes) -> bytes:
    """The bytes the token's signature covers."""
    parts = (method.upper(), _b64(request_uri.encode()), _b64(body), _b64(certificate))
    return ".".join(parts).encode("ascii")


def token_authorization(
    certificate: bytes,
    signer: Signer,
    method: str,
    request_uri: str,
    body: bytes,
    *,
    hash_name: str = "sha256",
) -> str:
    """The ``Authorization`` header for a call made as the holder of ``certificate``."""
    digest = hashlib.new(hash_name, token_payload(certificate, method, request_uri, body)).digest()
    return _b64(certificate) + "." + _b64(signer.sign(digest))
