"""What the CA hands back, and the attributes and reasons requests carry.

Owns: the frozen result types (:class:`CAInfo`, :class:`Enrollment`, :class:`IdentityInfo`,
:class:`RevocationResult`), request parts (:class:`Attribute`, :class:`AttributeRequest`,
:class:`RevocationReason`), :class:`Credentials` and certificate helpers
(:func:`serial_and_aki`, :func:`certificate_attributes`).
Must not import: the transport or the client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cryptography import x509

from ledger_codec import loads_unique

from .keys import KeySigner, Signer, SoftwareKey

__all__ = [
    "ATTRIBUTE_OID",
    "Attribute",
    "AttributeRequest",
    "CAInfo",
    "Credentials",
    "Enrollment",
    "IdentityInfo",
    "RevocationReason",
    "RevocationResult",
    "RevokedCertificate",
    "certificate_attributes",
    "normalize_hex",
    "serial_and_aki",
]

ATTRIBUTE_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")
"""The extension in which Fabric CA puts an enrollment certificate's attributes (JSON)."""


class RevocationReason(StrEnum):
    """RFC 5280 reasons, spelled as Fabric CA accepts them."""

    UNSPECIFIED = "unspecified"
    KEY_COMPROMISE = "keycompromise"
    CA_COMPROMISE = "cacompromise"
    AFFILIATION_CHANGED = "affiliationchanged"
    SUPERSEDED = "superseded"
    CESSATION_OF_OPERATION = "cessationofoperation"
    CERTIFICATE_HOLD = "certificatehold"
    REMOVE_FROM_CRL = "removefromcrl"
    PRIVILEGE_WITHDRAWN = "privilegewithdrawn"
    AA_COMPROMISE = "aacompromise"


@dataclass(frozen=True, slots=True)
class Attribute:
    """An identity's attribute; ``ecert`` puts it into enrollment certificates by default."""

    name: str
    value: str
    ecert: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "ecert": self.ecert}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attribute:
        return cls(str(data["name"]), str(data.get("value", "")), bool(data.get("ecert", False)))

    @classmethod
    def parse(cls, text: str) -> Attribute:
        """``name=value`` or ``name=value:ecert``, as ``fabric-ca-client --id.attrs`` spells it."""
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise ValueError(f"attribute {text!r} is not NAME=VALUE[:ecert]")
        ecert = value.endswith(":ecert")
        return cls(name, value.removesuffix(":ecert"), ecert)


@dataclass(frozen=True, slots=True)
class AttributeRequest:
    """Asks for one attribute in the certificate; an ``optional`` one may be missing."""

    name: str
    optional: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "optional": self.optional}


@dataclass(frozen=True, slots=True)
class CAInfo:
    """The CA's name, its certificate chain (PEM), Idemix issuer keys and version."""

    ca_name: str
    ca_chain: bytes = field(repr=False)
    issuer_public_key: bytes = field(repr=False)
    issuer_revocation_public_key: bytes = field(repr=False)
    version: str

    @property
    def root_certificate(self) -> x509.Certificate:
        """The last certificate of the chain: the root."""
        return x509.load_pem_x509_certificates(self.ca_chain)[-1]


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who authorizes a call: an enrollment certificate (PEM) and the key that signs for it."""

    certificate: bytes = field(repr=False)
    signer: Signer = field(repr=False)

    @property
    def enrollment_id(self) -> str:
        cert = x509.load_pem_x509_certificate(self.certificate)
        names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else ""


@dataclass(frozen=True, slots=True)
class Enrollment:
    """A certificate the CA issued, the key it certifies, and the CA's chain."""

    certificate: bytes = field(repr=False)
    key: KeySigner = field(repr=False)
    ca_info: CAInfo

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.certificate, self.key)

    @property
    def x509(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate)

    def private_key_pem(self) -> bytes:
        """The private key as PKCS#8 PEM; only for a key held in memory."""
        if not isinstance(self.key, SoftwareKey):
            raise TypeError("The enrollment key is not held in memory (an HSM key stays there)")
        return self.key.private_key_pem()


@dataclass(frozen=True, slots=True)
class IdentityInfo:
    """An identity as the CA's registry holds it (the secret is never returned)."""

    id: str
    type: str
    affiliation: str
    attributes: tuple[Attribute, ...]
    max_enrollments: int
    ca_name: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any], ca_name: str = "") -> IdentityInfo:
        return cls(
            id=str(data["id"]),
            type=str(data.get("type", "")),
            affiliation=str(data.get("affiliation", "")),
            attributes=tuple(Attribute.from_json(a) for a in data.get("attrs") or ()),
            max_enrollments=int(data.get("max_enrollments", 0)),
            ca_name=str(data.get("caname", ca_name)),
        )

    def attribute(self, name: str) -> str | None:
        return next((a.value for a in self.attributes if a.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "affiliation": self.affiliation,
            "attrs": [a.to_json() for a in self.attributes],
            "max_enrollments": self.max_enrollments,
            "caname": self.ca_name,
        }


@dataclass(frozen=True, slots=True)
class RevokedCertificate:
    """A certificate the CA marked revoked: serial and authority key id, lowercase hex."""

    serial: str
    aki: str


@dataclass(frozen=True, slots=True)
class RevocationResult:
    """What a revocation revoked and, when asked for, the CA's new CRL (PEM)."""

    revoked: tuple[RevokedCertificate, ...]
    crl: bytes | None = field(default=None, repr=False)


def normalize_hex(value: str | int | bytes) -> str:
    """Lowercase hex without leading zeros, as the CA's database stores serials and AKIs."""
    if isinstance(value, int):
        text = format(value, "x")
    elif isinstance(value, bytes):
        text = value.hex()
    else:
        text = value.strip().lower().replace(":", "")
        int(text, 16)  # raises ValueError for anything that is not hex
    return text.lstrip("0") or "0"


def serial_and_aki(certificate: bytes | x509.Certificate) -> tuple[str, str]:
    """The serial and authority key identifier that name ``certificate`` in a revocation."""
    cert = (
        certificate
        if isinstance(certificate, x509.Certificate)
        else x509.load_pem_x509_certificate(certificate)
    )
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    if aki.key_identifier is None:
        raise ValueError("The certificate has no authority key identifier")
    return normalize_hex(cert.serial_number), normalize_hex(aki.key_identifier)


def certificate_attributes(certificate: bytes | x509.Certificate) -> dict[str, str]:
    """The attributes a Fabric CA put in the certificate (empty when it has none)."""
    cert = (
        certificate
        if isinstance(certificate, x509.Certificate)
        else x509.load_pem_x509_certificate(certificate)
    )
    try:
        extension = cert.extensions.get_extension_for_oid(ATTRIBUTE_OID).value
    except x509.ExtensionNotFound:
        return {}
    if not isinstance(extension, x509.UnrecognizedExtension):
        return {}
    try:
        document = loads_unique(extension.value)
    except ValueError as exc:  # a repeated key too: which value was certified is a guess
        raise ValueError(
            f"the certificate's attribute extension is not JSON we accept: {exc}"
        ) from None
    attrs = document.get("attrs", {}) if isinstance(document, dict) else None
    if not isinstance(attrs, dict):
        raise ValueError("the certificate's attribute extension holds no attrs object")
    return {str(k): str(v) for k, v in attrs.items()}
