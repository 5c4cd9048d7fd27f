"""Crypto material for the consortium, generated from the topology.

For every org: a signing CA and a TLS CA (ECDSA P-256), and MSP folders with
NodeOUs enabled for its admin, peers or orderers, and client users. Client users
carry Fabric CA style attributes (extension 1.2.3.4.5.6.7.8.1) so contracts can
read their roles. The layout is the one Fabric's MSP loader expects:

    <org>/msp/{cacerts,tlscacerts,config.yaml}
    <org>/{peers,orderers,users}/<name>/msp/{cacerts,tlscacerts,signcerts,keystore,config.yaml}
    <org>/{peers,orderers,users}/<name>/tls/{ca.crt,server.crt,server.key}

For an org whose identities come from its Fabric CA (see :mod:`sovereign_network.org_ca`),
:func:`generate` writes the org's CA key and certificate (the CA server signs with them), its
TLS material and the CA server's TLS certificate, and leaves the signing identities' MSP
folders to the enrollment, which writes them with :func:`write_enrolled`.

Private keys are written with mode 0600 and never printed. Generated material
belongs to a network's home directory, never to the source tree.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from sovereign_network.topology import Org, Topology

ATTRIBUTE_OID = ObjectIdentifier("1.2.3.4.5.6.7.8.1")
"""Fabric CA's certificate extension holding ``{"attrs": {...}}``."""

_VALIDITY = dt.timedelta(days=3650)
_CA_CERT = "ca.pem"
_TLS_CA_CERT = "tlsca.pem"

_NODE_OU_CONFIG = f"""NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/{_CA_CERT}
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/{_CA_CERT}
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/{_CA_CERT}
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/{_CA_CERT}
    OrganizationalUnitIdentifier: orderer
"""


@dataclass(frozen=True)
class Authority:
    """A certificate authority held in memory while material is generated."""

    name: x509.Name
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class NodePaths:
    """Where one identity's material lives."""

    root: Path

    @property
    def msp(self) -> Path:
        return self.root / "msp"

    @property
    def cert(self) -> Path:
        return self.msp / "signcerts" / "cert.pem"

    @property
    def key(self) -> Path:
        return self.msp / "keystore" / "key.pem"

    @property
    def tls_ca(self) -> Path:
        return self.root / "tls" / "ca.crt"

    @property
    def tls_cert(self) -> Path:
        return self.root / "tls" / "server.crt"

    @property
    def tls_key(self) -> Path:
        return self.root / "tls" / "server.key"


class Layout:
    """Paths of every piece of crypto material below ``<home>/crypto``."""

    def __init__(self, home: Path) -> None:
        self.root = home / "crypto"

    @property
    def complete(self) -> bool:
        """Whether every org's material was written here (generated, and enrolled)."""
        return (self.root / "COMPLETE").is_file()

    def mark_complete(self) -> None:
        (self.root / "COMPLETE").write_text("generated\n")

    def org_dir(self, org_key: str) -> Path:
        return self.root / org_key

    def org_msp(self, org_key: str) -> Path:
        return self.org_dir(org_key) / "msp"

    def tls_ca_cert(self, org_key: str) -> Path:
        return self.org_msp(org_key) / "tlscacerts" / _TLS_CA_CERT

    def ca_cert(self, org_key: str) -> Path:
        return self.org_msp(org_key) / "cacerts" / _CA_CERT

    def ca_signing_key(self, org_key: str) -> Path:
        """The org's CA private key (the tooling or the org's Fabric CA server signs with it)."""
        return self.org_dir(org_key) / "ca" / "ca.key"

    def ca_signing_cert(self, org_key: str) -> Path:
        return self.org_dir(org_key) / "ca" / _CA_CERT

    def ca_server(self, org_key: str) -> NodePaths:
        """The org's Fabric CA server: its home (database, config) and TLS material."""
        return NodePaths(self.org_dir(org_key) / "ca-server")

    def ca_registrar(self, org_key: str) -> NodePaths:
        """The MSP of the CA server's bootstrap admin, which registers and revokes."""
        return NodePaths(self.org_dir(org_key) / "ca-admin")

    def peer(self, org_key: str, host: str) -> NodePaths:
        return NodePaths(self.org_dir(org_key) / "peers" / host)

    def orderer(self, org_key: str, host: str) -> NodePaths:
        return NodePaths(self.org_dir(org_key) / "orderers" / host)

    def user(self, org_key: str, name: str) -> NodePaths:
        return NodePaths(self.org_dir(org_key) / "users" / name)

    def chaincode_server(self, org_key: str) -> NodePaths:
        """TLS material of the org's chaincode server (the peer dials it)."""
        return NodePaths(self.org_dir(org_key) / "chaincode")

    def chaincode_client(self, org_key: str) -> NodePaths:
        """TLS client material the org's peers present to its chaincode server."""
        return NodePaths(self.org_dir(org_key) / "chaincode-client")


def generate(topology: Topology, home: Path, *, enrolled: Collection[str] = ()) -> Layout:
    """Generate the crypto material for ``topology`` below ``home``; returns the layout.

    ``enrolled`` names the orgs (by key) whose signing identities a Fabric CA issues: for
    them only the CA's key, the TLS material and the CA server's TLS certificate are
    written, and the layout is not marked complete (the enrollment marks it).
    """
    layout = Layout(home)
    now = dt.datetime.now(dt.UTC)

    oo = topology.orderer_org
    ca, tls_ca = _org_authorities(oo.name, oo.domain, now)
    _write_org_msp(layout, oo.key, ca, tls_ca)
    signing = oo.key not in enrolled
    for orderer in oo.orderers:
        paths = layout.orderer(oo.key, orderer.host)
        if signing:
            _write_identity(paths, ca, tls_ca, orderer.host, "orderer", now, attrs=None)
        _write_tls(paths, tls_ca, orderer.host, now)
    _write_admin(layout, oo.key, oo.domain, ca, tls_ca, now, signing=signing)
    if not signing:
        _write_tls(layout.ca_server(oo.key), tls_ca, f"ca.{oo.domain}", now)

    for org in topology.orgs:
        _generate_org(layout, org, now, signing=org.key not in enrolled)
    if not enrolled:
        layout.mark_complete()
    return layout


def _generate_org(layout: Layout, org: Org, now: dt.datetime, *, signing: bool) -> None:
    ca, tls_ca = _org_authorities(org.name, org.domain, now)
    _write_org_msp(layout, org.key, ca, tls_ca)
    for peer in org.peers:
        paths = layout.peer(org.key, peer.host)
        if signing:
            _write_identity(paths, ca, tls_ca, peer.host, "peer", now, attrs=None)
        _write_tls(paths, tls_ca, peer.host, now)
    _write_admin(layout, org.key, org.domain, ca, tls_ca, now, signing=signing)
    for user in org.users:
        paths = layout.user(org.key, user.name)
        if signing:
            attrs = {"hf.EnrollmentID": user.name, "hf.Type": "client", **user.attrs}
            _write_identity(paths, ca, tls_ca, f"{user.name}@{org.domain}", "client", now, attrs)
        _write_tls(paths, tls_ca, f"{user.name}@{org.domain}", now)
    _write_tls(layout.chaincode_server(org.key), tls_ca, f"chaincode.{org.domain}", now)
    _write_tls(layout.chaincode_client(org.key), tls_ca, f"peers@{org.domain}", now)
    if not signing:
        _write_tls(layout.ca_server(org.key), tls_ca, f"ca.{org.domain}", now)


def _write_admin(
    layout: Layout,
    org_key: str,
    domain: str,
    ca: Authority,
    tls_ca: Authority,
    now: dt.datetime,
    *,
    signing: bool,
) -> None:
    paths = layout.user(org_key, "admin")
    if signing:
        _write_identity(paths, ca, tls_ca, f"admin@{domain}", "admin", now, attrs=None)
    _write_tls(paths, tls_ca, f"admin@{domain}", now)


def write_enrolled(
    paths: NodePaths,
    ca_certificate: bytes,
    tls_ca_certificate: bytes,
    certificate: bytes,
    key: bytes,
) -> None:
    """An MSP folder for a certificate a Fabric CA issued, in this module's layout.

    ``key`` is the PEM private key; the folder's ``config.yaml`` turns NodeOUs on, as for
    generated identities, so the CA's OU (the identity's type) is its role in the MSP.
    """
    _write(paths.msp / "cacerts" / _CA_CERT, ca_certificate)
    _write(paths.msp / "tlscacerts" / _TLS_CA_CERT, tls_ca_certificate)
    _write(paths.msp / "config.yaml", _NODE_OU_CONFIG.encode())
    _write(paths.cert, certificate)
    write_secret(paths.key, key)


def _org_authorities(org_name: str, domain: str, now: dt.datetime) -> tuple[Authority, Authority]:
    return (
        new_authority(f"ca.{domain}", org_name, now),
        new_authority(f"tlsca.{domain}", org_name, now),
    )


def _key_usage(*, key_encipherment: bool = False, certificate_sign: bool = False) -> x509.KeyUsage:
    """Digital signature always; key encipherment for TLS and CAs; signing for CAs."""
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=certificate_sign,
        crl_sign=certificate_sign,
        encipher_only=False,
        decipher_only=False,
    )


def new_authority(common_name: str, organization: str, now: dt.datetime) -> Authority:
    """A self-signed ECDSA P-256 CA certificate with the extensions Fabric's MSP checks."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PK"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            _key_usage(key_encipherment=True, certificate_sign=True),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(name=name, key=key, certificate=certificate)


def issue(
    authority: Authority,
    common_name: str,
    *,
    now: dt.datetime,
    organizational_unit: str | None = None,
    tls: bool = False,
    tls_hosts: tuple[str, ...] = (),
    attrs: dict[str, str] | None = None,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """Issue a leaf certificate: an enrollment certificate, or a TLS one when ``tls``."""
    key = ec.generate_private_key(ec.SECP256R1())
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "PK"),
    ]
    if organizational_unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, organizational_unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(parts))
        .issuer_name(authority.name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
            critical=False,
        )
    )
    if tls:
        builder = builder.add_extension(
            _key_usage(key_encipherment=True),
            critical=True,
        ).add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        names: list[x509.GeneralName] = []
        for host in tls_hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    else:
        builder = builder.add_extension(
            _key_usage(),
            critical=True,
        )
    if attrs:
        value = json.dumps({"attrs": attrs}, sort_keys=True, separators=(",", ":")).encode()
        builder = builder.add_extension(
            x509.UnrecognizedExtension(ATTRIBUTE_OID, value), critical=False
        )
    return key, builder.sign(authority.key, hashes.SHA256())


def _write_org_msp(layout: Layout, org_key: str, ca: Authority, tls_ca: Authority) -> None:
    msp = layout.org_msp(org_key)
    _write(msp / "cacerts" / _CA_CERT, ca.pem)
    _write(msp / "tlscacerts" / _TLS_CA_CERT, tls_ca.pem)
    _write(msp / "config.yaml", _NODE_OU_CONFIG.encode())
    # The org's CA keys stay on disk so `sov identity` can issue users later.
    ca_dir = layout.org_dir(org_key) / "ca"
    _write_key(ca_dir / "ca.key", ca.key)
    _write(ca_dir / _CA_CERT, ca.pem)
    _write_key(ca_dir / "tlsca.key", tls_ca.key)
    _write(ca_dir / _TLS_CA_CERT, tls_ca.pem)


def _write_identity(
    paths: NodePaths,
    ca: Authority,
    tls_ca: Authority,
    common_name: str,
    ou: str,
    now: dt.datetime,
    attrs: dict[str, str] | None,
) -> None:
    key, cert = issue(ca, common_name, now=now, organizational_unit=ou, attrs=attrs)
    _write(paths.msp / "cacerts" / _CA_CERT, ca.pem)
    _write(paths.msp / "tlscacerts" / _TLS_CA_CERT, tls_ca.pem)
    _write(paths.msp / "config.yaml", _NODE_OU_CONFIG.encode())
    _write(paths.cert, cert.public_bytes(serialization.Encoding.PEM))
    _write_key(paths.key, key)


def _write_tls(paths: NodePaths, tls_ca: Authority, host: str, now: dt.datetime) -> None:
    # Servers answer on 127.0.0.1 under their own name; a client's TLS certificate
    # (used for mutual TLS) names no host.
    hosts = () if "@" in host else (host, "localhost", "127.0.0.1")
    key, cert = issue(tls_ca, host, now=now, tls=True, tls_hosts=hosts)
    _write(paths.tls_ca, tls_ca.pem)
    _write(paths.tls_cert, cert.public_bytes(serialization.Encoding.PEM))
    _write_key(paths.tls_key, key)


def issue_user(layout: Layout, org: Org, name: str, attrs: dict[str, str]) -> NodePaths:
    """Issue a new client user from the org's CA kept in the network's home."""
    ca_dir = layout.org_dir(org.key) / "ca"
    ca = _load_authority(ca_dir / "ca.key", ca_dir / _CA_CERT)
    tls_ca = _load_authority(ca_dir / "tlsca.key", ca_dir / _TLS_CA_CERT)
    paths = layout.user(org.key, name)
    now = dt.datetime.now(dt.UTC)
    full = {"hf.EnrollmentID": name, "hf.Type": "client", **attrs}
    _write_identity(paths, ca, tls_ca, f"{name}@{org.domain}", "client", now, full)
    _write_tls(paths, tls_ca, f"{name}@{org.domain}", now)
    return paths


def issue_user_tls(layout: Layout, org: Org, name: str) -> NodePaths:
    """A TLS client certificate for a user whose signing identity the org's Fabric CA issues."""
    ca_dir = layout.org_dir(org.key) / "ca"
    tls_ca = _load_authority(ca_dir / "tlsca.key", ca_dir / _TLS_CA_CERT)
    paths = layout.user(org.key, name)
    _write_tls(paths, tls_ca, f"{name}@{org.domain}", dt.datetime.now(dt.UTC))
    return paths


def _load_authority(key_path: Path, cert_path: Path) -> Authority:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{key_path}: not an ECDSA key")
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return Authority(name=certificate.subject, key=key, certificate=certificate)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_secret(path, data)


def write_secret(path: Path, data: bytes) -> None:
    """Write ``data`` readable by the owner only (from its creation on)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
