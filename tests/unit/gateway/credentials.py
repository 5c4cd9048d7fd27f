"""Throwaway test credentials: keys and self-signed X.509 certificates made per test session.

Test-only; nothing here is used by the SDK.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


@dataclass(frozen=True)
class Credentials:
    """A private key and its self-signed certificate (PEM)."""

    private_key: PrivateKey
    certificate_pem: bytes

    @property
    def private_key_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def make_credentials(key: PrivateKey, common_name: str = "investor1@bank-a") -> Credentials:
    """Self-sign a certificate for ``key``."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "client"),
        ]
    )
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, algorithm)
    )
    return Credentials(key, certificate.public_bytes(serialization.Encoding.PEM))


def p256() -> Credentials:
    return make_credentials(ec.generate_private_key(ec.SECP256R1()))


def p384() -> Credentials:
    return make_credentials(ec.generate_private_key(ec.SECP384R1()))


def ed25519_credentials() -> Credentials:
    return make_credentials(ed25519.Ed25519PrivateKey.generate())
