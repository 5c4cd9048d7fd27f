"""The enrollment key and the certificate signing request sent to the CA.

Owns: :class:`KeySigner` (what an enrollment key must do: sign a digest and give its public key),
:class:`SoftwareKey` (a P-256/P-384 key in memory), :func:`build_csr`.
Must not import: the transport or the client.

The private key never goes to the CA: the CA receives the request, signed with the key. A key held
in an HSM works as it is: :class:`fabric_gateway.pkcs11.Pkcs11Signer` has ``sign(digest)`` and
``public_key()``, so it satisfies :class:`KeySigner`; the request is then assembled here and
signed on the token.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fabric_gateway.signing import ECDSASigner

from . import _der

__all__ = ["KeySigner", "Signer", "SoftwareKey", "build_csr", "digest_for"]

_SIGNATURE_OIDS = {"sha256": "1.2.840.10045.4.3.2", "sha384": "1.2.840.10045.4.3.3"}
_EXTENSION_REQUEST_OID = "1.2.840.113549.1.9.14"
_HASHES: dict[str, hashes.SHA256 | hashes.SHA384] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
}


@runtime_checkable
class Signer(Protocol):
    """Signs a digest (ECDSA, DER, low S): enough to authorize calls with a certificate."""

    def sign(self, digest: bytes) -> bytes:
        """The signature over ``digest``."""
        ...


@runtime_checkable
class KeySigner(Signer, Protocol):
    """An enrollment key: signs digests and tells its public key (for the CSR)."""

    def public_key(self) -> ec.EllipticCurvePublicKey:
        """The public half of the key."""
        ...


class SoftwareKey:
    """An ECDSA P-256 or P-384 private key held in memory by the caller."""

    __slots__ = ("_key", "_signer")

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        self._signer = ECDSASigner(private_key)  # refuses unsupported curves
        self._key = private_key

    @classmethod
    def generate(cls, curve: ec.EllipticCurve | None = None) -> SoftwareKey:
        """A new key on ``curve`` (P-256 by default, as Fabric CA issues)."""
        return cls(ec.generate_private_key(curve or ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: bytes, password: bytes | None = None) -> SoftwareKey:
        """Load a PEM (PKCS#8 or SEC1) EC private key."""
        key = serialization.load_pem_private_key(pem, password=password)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise TypeError(f"Enrollment keys are EC keys, not {type(key).__name__}")
        return cls(key)

    def __repr__(self) -> str:
        return f"SoftwareKey(curve={self._key.curve.name})"

    @property
    def private_key(self) -> ec.EllipticCurvePrivateKey:
        return self._key

    def private_key_pem(self) -> bytes:
        """The key as unencrypted PKCS#8 PEM (what an MSP keystore holds)."""
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def sign(self, digest: bytes) -> bytes:
        return self._signer.sign(digest)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._key.public_key()


def digest_for(public_key: ec.EllipticCurvePublicKey) -> str:
    """The hash that goes with a key: SHA-384 for P-384, else SHA-256."""
    return "sha384" if public_key.curve.name == "secp384r1" else "sha256"


def _hash(name: str, data: bytes) -> bytes:
    return hashlib.new(name, data).digest()


def _subject(common_name: str, subject: x509.Name | None) -> x509.Name:
    if subject is not None:
        return subject
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _alternative_names(hosts: Sequence[str]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def build_csr(
    key: KeySigner,
    common_name: str,
    *,
    subject: x509.Name | None = None,
    hosts: Sequence[str] = (),
) -> bytes:
    """A PEM certificate signing request for ``key``.

    The subject is ``CN=common_name`` unless ``subject`` is given (Fabric CA sets the CN to the
    enrollment ID and the OUs from the identity's type and affiliation whatever is asked);
    ``hosts`` become subject alternative names (DNS names or IP addresses).
    """
    name = _subject(common_name, subject)
    if isinstance(key, SoftwareKey):
        builder = x509.CertificateSigningRequestBuilder().subject_name(name)
        if hosts:
            builder = builder.add_extension(_alternative_names(hosts), critical=False)
        algorithm = _HASHES[digest_for(key.public_key())]
        csr = builder.sign(key.private_key, algorithm)
        return csr.public_bytes(serialization.Encoding.PEM)
    return _assemble_csr(key, name, hosts)


def _assemble_csr(key: KeySigner, name: x509.Name, hosts: Sequence[str]) -> bytes:
    public_key = key.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise TypeError("Enrollment keys are EC keys")
    hash_name = digest_for(public_key)
    attributes = b""
    if hosts:
        extension = _alternative_names(hosts)
        encoded = _der.sequence(
            _der.oid(extension.oid.dotted_string), _der.octet_string(extension.public_bytes())
        )
        request = _der.sequence(
            _der.oid(_EXTENSION_REQUEST_OID), _der.set_of(_der.sequence(encoded))
        )
        attributes = request
    info = _der.sequence(
        _der.integer(0),
        name.public_bytes(),
        public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        _der.context(0, attributes),
    )
    signature = key.sign(_hash(hash_name, info))
    der = _der.sequence(
        info,
        _der.sequence(_der.oid(_SIGNATURE_OIDS[hash_name])),
        _der.bit_string(signature),
    )
    csr = x509.load_der_x509_csr(der)
    if not csr.is_signature_valid:
        raise ValueError("The signer's signature does not verify with its public key")
    return csr.public_bytes(serialization.Encoding.PEM)
