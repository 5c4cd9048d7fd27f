"""Every identity of the consortium, and identities that must get nowhere.

The consortium's own: each org's admin and each user the topology issues. Rogue ones are
made here: a certificate of an unknown CA (under an unknown MSP ID, or claiming a member's
MSP ID) and an expired certificate of a member org's real CA.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sovereign_network import crypto
from sovereign_network.network import Network

_ATTRIBUTES_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")  # Fabric CA's attribute extension


@dataclass(frozen=True)
class Rogue:
    """An identity the network did not issue (or no longer accepts)."""

    label: str
    msp_id: str
    certificate: bytes
    private_key: bytes


def members(net: Network) -> list[str]:
    """``Org/user`` of every org's admin and every user of the topology."""
    return [
        f"{org.name}/{user}"
        for org in net.topology.orgs
        for user in ("admin", *sorted(net.users(org)))
    ]


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _leaf(
    issuer: x509.Certificate,
    issuer_key: ec.EllipticCurvePrivateKey,
    name: str,
    attrs: dict[str, str],
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "client"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.UnrecognizedExtension(
                _ATTRIBUTES_OID,
                json.dumps({"attrs": {"hf.EnrollmentID": name, **attrs}}).encode(),
            ),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM), _pem_key(key)


def unknown_ca(msp_id: str, role: str) -> Rogue:
    """A certificate from a CA no org of the channel trusts, claiming ``msp_id``."""
    now = dt.datetime.now(dt.UTC)
    ca = crypto.new_authority("ca.stranger.test", "Stranger", now)
    cert, key = _leaf(
        ca.certificate,
        ca.key,
        "stranger",
        {"role": role},
        now - dt.timedelta(minutes=1),
        now + dt.timedelta(days=30),
    )
    return Rogue(f"unknown CA as {msp_id}", msp_id, cert, key)


def expired(net: Network, org_name: str, role: str) -> Rogue:
    """A certificate of ``org_name``'s real CA whose validity ended a minute ago."""
    org = net.topology.org(org_name)
    ca_dir = net.layout.org_dir(org.key) / "ca"
    ca_cert = x509.load_pem_x509_certificate(net.layout.ca_cert(org.key).read_bytes())
    ca_key = serialization.load_pem_private_key((ca_dir / "ca.key").read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    now = dt.datetime.now(dt.UTC)
    start = ca_cert.not_valid_before_utc + dt.timedelta(seconds=1)
    cert, key = _leaf(
        ca_cert, ca_key, "lapsed", {"role": role}, start, now - dt.timedelta(minutes=1)
    )
    return Rogue(f"expired certificate of {org.msp_id}", org.msp_id, cert, key)
