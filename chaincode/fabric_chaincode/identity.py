"""Who submitted the transaction: the client identity, as the Go ``cid`` package reads it.

Owns :class:`ClientIdentity`: MSP ID, the X.509 certificate (a ``cryptography`` object), the
Go-compatible ID ``base64("x509::<subject DN>::<issuer DN>")`` with DNs rendered the way Go's
``pkix.Name.ToRDNSequence`` + cid ``getDN`` do, and Fabric CA attributes from the certificate
extension ``1.2.3.4.5.6.7.8.1`` (JSON ``{"attrs": {...}}``).
Imports protobuf only through :mod:`fabric_chaincode._wire`; no gRPC. Never logs.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier

import ledger_codec
from fabric_chaincode import _wire
from fabric_chaincode.errors import IdentityError, ProtocolError
from fabric_chaincode.stub_api import Stub

#: Extension in which Fabric CA stores enrollment attributes.
ATTRIBUTES_OID = ObjectIdentifier("1.2.3.4.5.6.7.8.1")

# Go's pkix.Name.ToRDNSequence emits only these attribute types, in this order, one RDN per
# type (several values of one type joined with "+"); CN and SERIALNUMBER keep one value each.
_GO_RDN_ORDER: tuple[tuple[ObjectIdentifier, str, bool], ...] = (
    (NameOID.COUNTRY_NAME, "C", True),
    (NameOID.STATE_OR_PROVINCE_NAME, "ST", True),
    (NameOID.LOCALITY_NAME, "L", True),
    (NameOID.STREET_ADDRESS, "STREET", True),
    (NameOID.POSTAL_CODE, "POSTALCODE", True),
    (NameOID.ORGANIZATION_NAME, "O", True),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "OU", True),
    (NameOID.COMMON_NAME, "CN", False),
    (NameOID.SERIAL_NUMBER, "SERIALNUMBER", False),
)

_SPECIAL = set(',+"\\<>;')


def _escape(value: str) -> str:
    out = []
    last = len(value) - 1
    for index, char in enumerate(value):
        if (
            (index == 0 and char in (" ", "#"))
            or (index == last and char == " ")
            or char in _SPECIAL
        ):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def go_distinguished_name(name: x509.Name) -> str:
    """A DN string identical to the Go cid package's ``getDN`` for a parsed certificate name.

    Go rebuilds the name from its known fields (dropping other attribute types such as
    emailAddress or DC), orders them C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER,
    then prints the RDNs in reverse order joined by commas.
    """
    rdns: list[str] = []
    for oid, label, multi in _GO_RDN_ORDER:
        values = [
            attr.value for attr in name.get_attributes_for_oid(oid) if isinstance(attr.value, str)
        ]
        if not values:
            continue
        if not multi:
            # Go keeps the last value it saw for CommonName and SerialNumber.
            values = values[-1:]
        rdns.append("+".join(f"{label}={_escape(v)}" for v in values))
    return ",".join(reversed(rdns))


def _read_attributes(certificate: x509.Certificate) -> dict[str, str]:
    try:
        extension = certificate.extensions.get_extension_for_oid(ATTRIBUTES_OID)
    except x509.ExtensionNotFound:
        return {}
    raw = extension.value
    data = raw.value if isinstance(raw, x509.UnrecognizedExtension) else b""
    try:
        # Strict, as every JSON the chaincode reads: a certificate carrying "role" twice
        # must not be read as whichever came last.
        decoded = ledger_codec.loads(data)
    except ledger_codec.CodecError as exc:
        raise IdentityError("the certificate's attribute extension is not JSON") from exc
    attrs = decoded.get("attrs") if isinstance(decoded, dict) else None
    if not isinstance(attrs, dict):
        raise IdentityError("the certificate's attribute extension has no 'attrs' object")
    return {str(k): str(v) for k, v in attrs.items()}


class ClientIdentity:
    """The submitter of a transaction."""

    def __init__(self, msp_id: str, certificate: x509.Certificate) -> None:
        self._msp_id = msp_id
        self._certificate = certificate
        self._attributes = _read_attributes(certificate)

    @classmethod
    def from_creator(cls, creator: bytes) -> ClientIdentity:
        """Parse ``msp.SerializedIdentity`` bytes holding a PEM certificate."""
        if not creator:
            raise IdentityError("the transaction has no creator")
        try:
            msp_id, id_bytes = _wire.decode_serialized_identity(creator)
        except ProtocolError as exc:
            raise IdentityError("the creator is not a serialized identity") from exc
        try:
            certificate = x509.load_pem_x509_certificate(id_bytes)
        except ValueError as exc:
            raise IdentityError("the creator's identity is not an X.509 PEM certificate") from exc
        return cls(msp_id, certificate)

    @classmethod
    def from_stub(cls, stub: Stub) -> ClientIdentity:
        """The identity of the transaction's creator."""
        return cls.from_creator(stub.get_creator())

    @property
    def msp_id(self) -> str:
        """MSP ID of the submitter's organisation."""
        return self._msp_id

    @property
    def certificate(self) -> x509.Certificate:
        """The submitter's X.509 certificate."""
        return self._certificate

    @property
    def attributes(self) -> Mapping[str, str]:
        """Fabric CA attributes of the certificate (empty when it carries none)."""
        return dict(self._attributes)

    @property
    def id(self) -> str:
        """The Go cid ID: base64 of ``x509::<subject DN>::<issuer DN>``."""
        subject = go_distinguished_name(self._certificate.subject)
        issuer = go_distinguished_name(self._certificate.issuer)
        return base64.b64encode(f"x509::{subject}::{issuer}".encode()).decode("ascii")

    def get_id(self) -> str:
        """Same as :attr:`id` (Go name)."""
        return self.id

    def get_mspid(self) -> str:
        """Same as :attr:`msp_id` (Go name)."""
        return self._msp_id

    def get_x509_certificate(self) -> x509.Certificate:
        """Same as :attr:`certificate` (Go name)."""
        return self._certificate

    def get_attribute_value(self, name: str) -> str | None:
        """The attribute's value, or None when the certificate does not carry it."""
        return self._attributes.get(name)

    def assert_attribute_value(self, name: str, value: str) -> None:
        """Raise IdentityError unless the attribute exists and equals ``value``."""
        found = self._attributes.get(name)
        if found is None:
            raise IdentityError(f"attribute {name!r} was not found")
        if found != value:
            raise IdentityError(f"attribute {name!r} does not have the required value")

    @property
    def organizational_units(self) -> tuple[str, ...]:
        """OU values of the subject (Fabric node OUs: client, peer, admin, orderer)."""
        return tuple(
            str(a.value)
            for a in self._certificate.subject.get_attributes_for_oid(
                NameOID.ORGANIZATIONAL_UNIT_NAME
            )
        )

    def has_ou(self, ou: str) -> bool:
        """Whether the subject carries this organizational unit."""
        return ou in self.organizational_units
