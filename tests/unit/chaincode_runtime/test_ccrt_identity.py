"""Client identity against generated certificates carrying the Fabric CA attribute extension."""

from __future__ import annotations

import base64

import pytest
from cryptography.x509.oid import NameOID

from fabric_chaincode import ClientIdentity, IdentityError
from fabric_chaincode.identity import go_distinguished_name
from fabric_chaincode.testing import creator_bytes

from .certs import client_user, issue, make_ca, name


@pytest.fixture(scope="module")
def ca():  # type: ignore[no-untyped-def]
    return make_ca()


def test_id_matches_the_go_cid_form(ca) -> None:  # type: ignore[no-untyped-def]
    user = client_user(ca, attributes={"role": "primary_dealer"})
    identity = ClientIdentity.from_creator(creator_bytes("TreasuryMSP", user.certificate))
    decoded = base64.b64decode(identity.id).decode()
    assert decoded == (
        "x509::CN=dealer1,OU=client+OU=treasury,ST=Sindh,C=PK"
        "::CN=ca.treasury.example.com,O=treasury.example.com,L=Karachi,ST=Sindh,C=PK"
    )
    assert identity.get_id() == identity.id
    assert identity.msp_id == identity.get_mspid() == "TreasuryMSP"
    assert identity.certificate.subject == user.certificate.subject


def test_attributes_are_read_from_the_extension(ca) -> None:  # type: ignore[no-untyped-def]
    user = client_user(ca, attributes={"role": "primary_dealer", "hf.EnrollmentID": "dealer1"})
    identity = ClientIdentity.from_creator(creator_bytes("TreasuryMSP", user.cert_pem))
    # The defect: attributes were always empty.
    assert identity.attributes == {"role": "primary_dealer", "hf.EnrollmentID": "dealer1"}
    assert identity.get_attribute_value("role") == "primary_dealer"
    assert identity.get_attribute_value("missing") is None
    identity.assert_attribute_value("role", "primary_dealer")
    with pytest.raises(IdentityError, match="does not have the required value"):
        identity.assert_attribute_value("role", "regulator")
    with pytest.raises(IdentityError, match="not found"):
        identity.assert_attribute_value("missing", "x")


def test_certificate_without_extension_has_no_attributes(ca) -> None:  # type: ignore[no-untyped-def]
    identity = ClientIdentity.from_creator(
        creator_bytes("TreasuryMSP", client_user(ca).certificate)
    )
    assert identity.attributes == {}


@pytest.mark.parametrize(
    "extension",
    [
        b"not json",
        b'{"attrs":{"role":"investor","role":"issuer"}}',  # which role? refused, not the last
        b'{"attrs":{"role":"issuer"},"attrs":{}}',
        b'{"attrs":{"role":"\\ud800"}}',
        b'{"attrs":{"level":1.5}}',
    ],
)
def test_malformed_extension_is_an_identity_error(ca, extension: bytes) -> None:  # type: ignore[no-untyped-def]
    user = client_user(ca, raw_attribute_extension=extension)
    with pytest.raises(IdentityError):
        ClientIdentity.from_creator(creator_bytes("TreasuryMSP", user.certificate))


def test_organizational_units(ca) -> None:  # type: ignore[no-untyped-def]
    identity = ClientIdentity.from_creator(
        creator_bytes("TreasuryMSP", client_user(ca).certificate)
    )
    assert identity.organizational_units == ("client", "treasury")
    assert identity.has_ou("client")
    assert not identity.has_ou("admin")


def test_bad_creators() -> None:
    with pytest.raises(IdentityError):
        ClientIdentity.from_creator(b"")
    with pytest.raises(IdentityError):
        ClientIdentity.from_creator(b"\xff\xff")
    with pytest.raises(IdentityError):
        ClientIdentity.from_creator(creator_bytes("X", b"-----BEGIN CERTIFICATE-----\nnope\n"))


def test_go_dn_drops_unknown_types_and_escapes(ca) -> None:  # type: ignore[no-untyped-def]
    subject = name(
        (NameOID.EMAIL_ADDRESS, "ops@example.com"),
        (NameOID.ORGANIZATION_NAME, "Bank, Ltd"),
        (NameOID.COMMON_NAME, "#ops+desk "),
        (NameOID.SERIAL_NUMBER, "42"),
    )
    # Go keeps only its known fields, in its own order, printed in reverse.
    assert go_distinguished_name(subject) == "SERIALNUMBER=42,CN=\\#ops\\+desk\\ ,O=Bank\\, Ltd"
    leaf = issue(ca, subject)
    identity = ClientIdentity.from_creator(creator_bytes("M", leaf.certificate))
    assert base64.b64decode(identity.id).decode().startswith("x509::SERIALNUMBER=42,")
