"""Test certificates made with ``cryptography``: a CA, client certs with Fabric CA attributes,
and TLS server/client pairs for loopback gRPC. Test material only; nothing here is secret.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ATTRIBUTES_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")
_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def name(*pairs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    """A name with one RDN per pair, in the given order."""
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


def make_ca(subject: x509.Name | None = None) -> Issued:
    """A self-signed CA like a Fabric CA's root."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = subject or name(
        (NameOID.COUNTRY_NAME, "PK"),
        (NameOID.STATE_OR_PROVINCE_NAME, "Sindh"),
        (NameOID.LOCALITY_NAME, "Karachi"),
        (NameOID.ORGANIZATION_NAME, "treasury.example.com"),
        (NameOID.COMMON_NAME, "ca.treasury.example.com"),
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_NOW - dt.timedelta(days=1))
        .not_valid_after(_NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


def issue(
    ca: Issued,
    subject: x509.Name,
    *,
    attributes: dict[str, str] | None = None,
    raw_attribute_extension: bytes | None = None,
    dns_names: tuple[str, ...] = (),
    server: bool = False,
    client: bool = False,
) -> Issued:
    """A leaf certificate signed by ``ca``, optionally with the Fabric CA attribute extension."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_NOW - dt.timedelta(days=1))
        .not_valid_after(_NOW + dt.timedelta(days=3650))
    )
    if attributes is not None:
        raw_attribute_extension = json.dumps({"attrs": attributes}).encode()
    if raw_attribute_extension is not None:
        builder = builder.add_extension(
            x509.UnrecognizedExtension(ATTRIBUTES_OID, raw_attribute_extension), critical=False
        )
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False
        )
    usages = []
    if server:
        usages.append(ExtendedKeyUsageOID.SERVER_AUTH)
    if client:
        usages.append(ExtendedKeyUsageOID.CLIENT_AUTH)
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)


def client_user(ca: Issued, common_name: str = "dealer1", **kwargs: object) -> Issued:
    """A Fabric CA style client certificate (OU=client plus an affiliation OU)."""
    subject = name(
        (NameOID.COUNTRY_NAME, "PK"),
        (NameOID.STATE_OR_PROVINCE_NAME, "Sindh"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "client"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "treasury"),
        (NameOID.COMMON_NAME, common_name),
    )
    return issue(ca, subject, **kwargs)  # type: ignore[arg-type]
