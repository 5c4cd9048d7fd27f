"""How the client signs: signers over private keys, and PEM/TLS helpers.

Owns: the :class:`Signer` protocol, ECDSA (P-256, P-384; low-S, DER) and Ed25519 signers,
loading PEM certificates and private keys, and the TLS client certificate hash.
Must not import: protobuf, grpc or the rest of this package. Keys are never logged or put in
``repr``.

A hardware-backed signer is any object with ``sign(digest) -> signature``;
:mod:`fabric_gateway.pkcs11` provides one for PKCS#11 tokens (the ``hsm`` extra).
"""

from __future__ import annotations

import hashlib
from typing import Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

__all__ = [
    "ECDSASigner",
    "Ed25519Signer",
    "Signer",
    "load_certificate_pem",
    "load_private_key_pem",
    "new_private_key_signer",
    "tls_certificate_hash",
]

_SUPPORTED_CURVES: dict[str, int] = {"secp256r1": 256, "secp384r1": 384}
# Curve orders, for low-S normalisation (Fabric rejects ECDSA signatures with s > n/2).
_CURVE_ORDERS: dict[str, int] = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
        "581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
}
_PREHASH_BY_LENGTH: dict[int, hashes.HashAlgorithm] = {
    32: hashes.SHA256(),
    48: hashes.SHA384(),
    64: hashes.SHA512(),
}
_ECDSA_BY_LENGTH: dict[int, ec.ECDSA] = {
    length: ec.ECDSA(utils.Prehashed(prehash)) for length, prehash in _PREHASH_BY_LENGTH.items()
}
"""The signature algorithm for each digest length, built once (they hold no state)."""


@runtime_checkable
class Signer(Protocol):
    """Signs a digest. Implement this to plug in an HSM (e.g. over PKCS#11)."""

    def sign(self, digest: bytes) -> bytes:
        """Return the signature over ``digest`` (the output of the gateway's hash)."""
        ...


class ECDSASigner:
    """ECDSA signer for P-256 and P-384 keys.

    Signs the digest as given (it is already hashed), normalises to low S and returns DER.
    """

    __slots__ = ("_key", "_order")

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        curve = private_key.curve.name
        if curve not in _SUPPORTED_CURVES:
            raise ValueError(f"Unsupported curve: {curve}")
        self._key = private_key
        self._order = _CURVE_ORDERS[curve]

    def __repr__(self) -> str:
        return f"ECDSASigner(curve={self._key.curve.name})"

    def sign(self, digest: bytes) -> bytes:
        """Sign a 32-, 48- or 64-byte digest; the signature is DER with low S."""
        algorithm = _ECDSA_BY_LENGTH.get(len(digest))
        if algorithm is None:
            raise ValueError(f"ECDSA signer needs a hashed digest, got {len(digest)} bytes")
        der = self._key.sign(digest, algorithm)
        r, s = utils.decode_dss_signature(der)
        if s <= self._order >> 1:
            return der  # already low S: OpenSSL's DER is the canonical encoding
        return utils.encode_dss_signature(r, self._order - s)


class Ed25519Signer:
    """Ed25519 signer. Ed25519 hashes internally: use it with the ``hashes.none`` hash."""

    __slots__ = ("_key",)

    def __init__(self, private_key: ed25519.Ed25519PrivateKey) -> None:
        self._key = private_key

    def __repr__(self) -> str:
        return "Ed25519Signer()"

    def sign(self, digest: bytes) -> bytes:
        """Sign the message (with the ``none`` hash, the digest is the whole message)."""
        return self._key.sign(digest)


def new_private_key_signer(
    private_key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey,
) -> Signer:
    """Create the signer that fits a private key (ECDSA P-256/P-384 or Ed25519)."""
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return ECDSASigner(private_key)
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return Ed25519Signer(private_key)
    raise TypeError(f"Unsupported private key type: {type(private_key).__name__}")


def load_private_key_pem(
    pem: bytes, password: bytes | None = None
) -> ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey:
    """Load a PEM private key (PKCS#8 or SEC1) of a supported type."""
    key = serialization.load_pem_private_key(pem, password=password)
    if isinstance(key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        return key
    raise TypeError(f"Unsupported private key type: {type(key).__name__}")


def load_certificate_pem(pem: bytes) -> x509.Certificate:
    """Load a PEM X.509 certificate."""
    return x509.load_pem_x509_certificate(pem)


def tls_certificate_hash(certificate: bytes | x509.Certificate) -> bytes:
    """SHA-256 of the DER certificate, for ``ChannelHeader.tls_cert_hash`` under mutual TLS.

    Accepts a certificate object, PEM bytes or DER bytes.
    """
    if isinstance(certificate, x509.Certificate):
        der = certificate.public_bytes(serialization.Encoding.DER)
    elif certificate.lstrip().startswith(b"-----BEGIN"):
        der = load_certificate_pem(certificate).public_bytes(serialization.Encoding.DER)
    else:
        der = bytes(certificate)
    return hashlib.sha256(der).digest()
