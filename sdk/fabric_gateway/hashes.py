"""Message hashes applied before signing: the digest a signer receives.

Owns: the :data:`Hash` type and the SHA-2 / SHA-3 / identity implementations.
Must not import: protobuf, grpc or anything else of this package.

Use :func:`none` with signers that hash the message themselves (e.g. Ed25519, or an HSM that
takes the full message).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

__all__ = ["Hash", "none", "sha3_256", "sha3_384", "sha256", "sha384"]

Hash = Callable[[bytes], bytes]
"""Turns a message into the digest that is passed to the signer."""


def none(message: bytes) -> bytes:
    """Identity hash: the signer receives the whole message."""
    return bytes(message)


def sha256(message: bytes) -> bytes:
    """SHA-256 digest (the default)."""
    return hashlib.sha256(message).digest()


def sha384(message: bytes) -> bytes:
    """SHA-384 digest."""
    return hashlib.sha384(message).digest()


def sha3_256(message: bytes) -> bytes:
    """SHA3-256 digest."""
    return hashlib.sha3_256(message).digest()


def sha3_384(message: bytes) -> bytes:
    """SHA3-384 digest."""
    return hashlib.sha3_384(message).digest()
