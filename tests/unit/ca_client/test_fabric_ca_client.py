"""The Fabric CA client without a server: what goes on the wire, and how answers are read.

A recording transport stands in for HTTP. The token's signature is checked as Fabric CA 1.5
checks it; certificate requests are parsed back; refusals map to typed errors by the server's code.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.x509.oid import NameOID

from fabric_ca import (
    ATTRIBUTE_OID,
    AlreadyRevokedError,
    Attribute,
    AttributeRequest,
    AuthenticationError,
    AuthorizationError,
    BadRequestError,
    CAResponseError,
    CAServerError,
    Credentials,
    FabricCAClient,
    KeySigner,
    NotFoundError,
    RevocationReason,
    SoftwareKey,
    build_csr,
    certificate_attributes,
    read_credentials,
    serial_and_aki,
    subject_key_identifier,
    write_msp,
)
from fabric_ca.errors import FabricCAError
from fabric_ca.models import CAInfo, Enrollment, normalize_hex

if TYPE_CHECKING:
    from fabric_gateway.pkcs11 import Pkcs11Signer

    def _an_hsm_key_enrolls(signer: Pkcs11Signer) -> KeySigner:
        return signer  # mypy checks that the PKCS#11 signer is an enrollment key


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@dataclass
class Sent:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


@dataclass
class RecordingTransport:
    """Answers every request with the next canned (status, body)."""

    answers: list[tuple[int, bytes]]
    sent: list[Sent] = field(default_factory=list)

    def request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes]:
        self.sent.append(Sent(method, url, dict(headers), body))
        return self.answers.pop(0)


def _ok(result: object) -> tuple[int, bytes]:
    return 200, json.dumps(
        {"success": True, "result": result, "errors": [], "messages": []}
    ).encode()


def _refused(status: int, code: int, message: str) -> tuple[int, bytes]:
    body = {"success": False, "result": "", "errors": [{"code": code, "message": message}]}
    return status, json.dumps(body).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass(frozen=True)
class MiniCA:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, public_key: ec.EllipticCurvePublicKey, name: str) -> bytes:
        now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(0x00AB12)
            .not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM)

    def server_info(self) -> dict[str, str]:
        return {"CAName": "ca1", "CAChain": _b64(self.pem), "Version": "1.5.21"}


@pytest.fixture(scope="module")
def mini_ca() -> MiniCA:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mini-ca")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return MiniCA(key, cert)


@pytest.fixture
def caller(mini_ca: MiniCA) -> Credentials:
    key = SoftwareKey.generate()
    return Credentials(mini_ca.issue(key.public_key(), "registrar"), key)


def _client(
    *answers: tuple[int, bytes], ca_name: str | None = None
) -> tuple[FabricCAClient, RecordingTransport]:
    transport = RecordingTransport(list(answers))
    return FabricCAClient(
        "https://ca.example.com:7054/", transport=transport, ca_name=ca_name
    ), transport


def _check_token(sent: Sent, caller: Credentials, request_uri: str) -> None:
    """Verify the token as Fabric CA 1.5 does (util.VerifyToken)."""
    b64_cert, b64_sig = sent.headers["Authorization"].split(".")
    assert base64.b64decode(b64_cert) == caller.certificate
    payload = ".".join(
        (sent.method, _b64(request_uri.encode()), _b64(sent.body), b64_cert)
    ).encode()
    signature = base64.b64decode(b64_sig)
    public = x509.load_pem_x509_certificate(caller.certificate).public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
    _, s = utils.decode_dss_signature(signature)
    assert s <= P256_ORDER // 2  # the CA's verifier refuses high S


def test_a_get_is_signed_over_the_path_and_query_as_sent(caller: Credentials) -> None:
    client, transport = _client(
        _ok(
            {"id": "a b@c", "type": "client", "affiliation": "", "attrs": [], "max_enrollments": -1}
        ),
        ca_name="ca1",
    )
    info = client.identity(caller, "a b@c")
    assert info.id == "a b@c"
    (sent,) = transport.sent
    assert sent.url == "https://ca.example.com:7054/api/v1/identities/a%20b%40c?ca=ca1"
    assert sent.body == b""
    _check_token(sent, caller, "/api/v1/identities/a%20b%40c?ca=ca1")


def test_a_post_is_signed_over_its_body_and_names_the_ca(caller: Credentials) -> None:
    client, transport = _client(_ok({"secret": "made-up"}), ca_name="ca1")
    secret = client.register(
        caller,
        "investor7",
        affiliation="org1",
        attributes=[Attribute("role", "investor", ecert=True)],
        max_enrollments=3,
    )
    assert secret == "made-up"
    (sent,) = transport.sent
    assert sent.json == {
        "id": "investor7",
        "type": "client",
        "affiliation": "org1",
        "attrs": [{"name": "role", "value": "investor", "ecert": True}],
        "max_enrollments": 3,
        "caname": "ca1",
    }
    _check_token(sent, caller, "/api/v1/register")


def test_a_base_path_in_the_url_is_part_of_what_is_signed(caller: Credentials) -> None:
    transport = RecordingTransport([_ok({"CRL": _b64(b"-----BEGIN X509 CRL-----\n")})])
    client = FabricCAClient("https://proxy.example.com/ca/org1", transport=transport)
    client.generate_crl(caller, revoked_after=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    (sent,) = transport.sent
    assert sent.url == "https://proxy.example.com/ca/org1/api/v1/gencrl"
    assert sent.json == {"revokedafter": "2026-01-01T00:00:00+00:00"}
    _check_token(sent, caller, "/ca/org1/api/v1/gencrl")
    with pytest.raises(ValueError, match="timezone"):
        client.generate_crl(caller, expire_before=dt.datetime(2026, 1, 1))


def test_enroll_sends_the_secret_and_a_request_for_the_callers_key(mini_ca: MiniCA) -> None:
    key = SoftwareKey.generate()
    issued = mini_ca.issue(key.public_key(), "dealer1")
    client, transport = _client(_ok({"Cert": _b64(issued), "ServerInfo": mini_ca.server_info()}))
    enrollment = client.enroll(
        "dealer1",
        "pw",
        key=key,
        hosts=["dealer1.example.com", "10.0.0.7"],
        attributes=[AttributeRequest("role")],
    )
    assert enrollment.certificate == issued
    assert enrollment.key is key
    assert enrollment.ca_info.ca_chain == mini_ca.pem
    assert enrollment.ca_info.root_certificate == mini_ca.certificate
    (sent,) = transport.sent
    assert sent.headers["Authorization"] == "Basic " + _b64(b"dealer1:pw")
    body = sent.json
    assert body["attr_reqs"] == [{"name": "role", "optional": False}]
    assert body["hosts"] == ["dealer1.example.com", "10.0.0.7"]
    csr = x509.load_pem_x509_csr(body["certificate_request"].encode())
    assert csr.is_signature_valid
    assert csr.public_key() == key.public_key()
    assert csr.subject.rfc4514_string() == "CN=dealer1"


class _TokenKey:
    """An enrollment key the client cannot read, like a key on a PKCS#11 token."""

    def __init__(self, curve: ec.EllipticCurve) -> None:
        self._key = ec.generate_private_key(curve)

    def sign(self, digest: bytes) -> bytes:
        prehash = hashes.SHA384() if len(digest) == 48 else hashes.SHA256()
        return self._key.sign(digest, ec.ECDSA(utils.Prehashed(prehash)))

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._key.public_key()


@pytest.mark.parametrize(
    ("curve", "algorithm"), [(ec.SECP256R1(), hashes.SHA256), (ec.SECP384R1(), hashes.SHA384)]
)
def test_a_request_for_a_key_the_client_cannot_read_is_assembled_and_verifies(
    curve: ec.EllipticCurve, algorithm: type[hashes.HashAlgorithm]
) -> None:
    key = _TokenKey(curve)
    assert isinstance(key, KeySigner)
    csr = x509.load_pem_x509_csr(build_csr(key, "teller", hosts=["teller.example.com", "::1"]))
    assert csr.is_signature_valid
    assert csr.public_key() == key.public_key()
    assert isinstance(csr.signature_hash_algorithm, algorithm)
    assert csr.subject.rfc4514_string() == "CN=teller"
    names = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["teller.example.com"]
    assert [str(a) for a in names.get_values_for_type(x509.IPAddress)] == ["::1"]

    software = x509.load_pem_x509_csr(
        build_csr(SoftwareKey(ec.generate_private_key(curve)), "teller")
    )
    assert isinstance(software.signature_hash_algorithm, algorithm)


def test_a_signer_that_signs_for_another_key_is_refused() -> None:
    class Liar(_TokenKey):
        def public_key(self) -> ec.EllipticCurvePublicKey:
            return ec.generate_private_key(ec.SECP256R1()).public_key()

    with pytest.raises(ValueError, match="does not verify"):
        build_csr(Liar(ec.SECP256R1()), "x")


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, 20, AuthenticationError),
        (401, 28, AuthenticationError),
        (403, 71, AuthorizationError),
        (401, 43, AuthorizationError),
        (404, 63, NotFoundError),
        (400, 19, NotFoundError),
        (404, 66, AlreadyRevokedError),
        (400, 31, BadRequestError),
        (500, 41, CAServerError),
        (403, 999, AuthorizationError),
    ],
)
def test_refusals_are_typed_by_the_servers_code(
    caller: Credentials, status: int, code: int, error: type[CAServerError]
) -> None:
    client, _ = _client(_refused(status, code, "why"))
    with pytest.raises(error) as raised:
        client.identities(caller)
    assert type(raised.value) is error
    assert (raised.value.status, raised.value.code, raised.value.server_message) == (
        status,
        code,
        "why",
    )
    assert isinstance(raised.value, FabricCAError)
    assert f"code {code}: why" in str(raised.value)


@pytest.mark.parametrize(
    "answer",
    [
        (404, b"404 page not found\n"),
        (200, b"[]"),
        (200, json.dumps({"success": True, "result": ""}).encode()),
    ],
)
def test_answers_that_are_not_the_envelope_are_response_errors(
    caller: Credentials, answer: tuple[int, bytes]
) -> None:
    client, _ = _client(answer)
    with pytest.raises(CAResponseError):
        client.identities(caller)


def test_a_failure_without_detail_is_still_a_server_error(caller: Credentials) -> None:
    client, _ = _client((200, json.dumps({"success": False, "result": None}).encode()))
    with pytest.raises(CAServerError, match="no error detail"):
        client.identities(caller)


def test_revoke_names_an_identity_or_one_certificate(caller: Credentials, mini_ca: MiniCA) -> None:
    revoked = {
        "RevokedCerts": [{"Serial": "00AB12", "AKI": "0F0E"}],
        "CRL": _b64(b"-----BEGIN X509 CRL-----\n"),
    }
    client, transport = _client(_ok(revoked), _ok({"RevokedCerts": []}))
    cert = mini_ca.issue(SoftwareKey.generate().public_key(), "victim")
    serial, aki = serial_and_aki(cert)
    assert serial == "ab12"
    result = client.revoke(caller, serial=serial, aki=aki, reason="KeyCompromise", gencrl=True)
    assert [(r.serial, r.aki) for r in result.revoked] == [("ab12", "f0e")]
    assert result.crl == b"-----BEGIN X509 CRL-----\n"
    assert transport.sent[0].json == {
        "serial": "ab12",
        "aki": aki,
        "reason": "keycompromise",
        "gencrl": True,
    }

    client.revoke(caller, enrollment_id="victim", reason=RevocationReason.SUPERSEDED)
    assert transport.sent[1].json == {"id": "victim", "reason": "superseded"}

    with pytest.raises(ValueError, match="both serial and aki"):
        client.revoke(caller, serial="ab")
    with pytest.raises(ValueError, match="enrollment_id"):
        client.revoke(caller)
    with pytest.raises(ValueError, match="bored"):
        client.revoke(caller, enrollment_id="x", reason="bored")


def test_hex_is_normalised_as_the_ca_stores_it() -> None:
    assert normalize_hex("00AB:CD") == "abcd"
    assert normalize_hex(0xABCD) == "abcd"
    assert normalize_hex(b"\x00\x0f") == "f"
    assert normalize_hex("0") == "0"
    with pytest.raises(ValueError, match="base 16"):
        normalize_hex("xyz")


def test_attributes_parse_as_fabric_ca_client_spells_them() -> None:
    assert Attribute.parse("role=investor:ecert") == Attribute("role", "investor", ecert=True)
    assert Attribute.parse("desk=a=b") == Attribute("desk", "a=b")
    with pytest.raises(ValueError, match="NAME=VALUE"):
        Attribute.parse("novalue")


def test_urls_with_credentials_or_another_scheme_are_refused() -> None:
    with pytest.raises(ValueError, match="enroll"):
        FabricCAClient("https://admin:pw@ca:7054")
    with pytest.raises(ValueError, match="http"):
        FabricCAClient("ftp://ca:7054")


def test_an_msp_folder_round_trips_and_a_new_key_replaces_the_old(
    mini_ca: MiniCA, tmp_path: Path
) -> None:
    info = CAInfo("ca1", mini_ca.pem, b"", b"", "1.5.21")
    first_key = SoftwareKey.generate()
    first = Enrollment(mini_ca.issue(first_key.public_key(), "u"), first_key, info)
    paths = write_msp(tmp_path, first)
    key_file = paths.keystore / f"{subject_key_identifier(first_key.public_key())}_sk"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (paths.cacerts / "ca-cert.pem").read_bytes() == mini_ca.pem
    loaded = read_credentials(tmp_path)
    assert loaded.certificate == first.certificate
    assert loaded.enrollment_id == "u"

    second_key = SoftwareKey.generate()
    write_msp(tmp_path, Enrollment(mini_ca.issue(second_key.public_key(), "u"), second_key, info))
    assert [p.name for p in paths.keystore.iterdir()] == [
        f"{subject_key_identifier(second_key.public_key())}_sk"
    ]
    reread = read_credentials(tmp_path).signer
    assert isinstance(reread, SoftwareKey)
    assert reread.public_key() == second_key.public_key()
    digest = hashlib.sha256(b"m").digest()
    second_key.public_key().verify(
        reread.sign(digest), digest, ec.ECDSA(utils.Prehashed(hashes.SHA256()))
    )


def test_a_ca_answer_or_certificate_that_repeats_a_key_is_refused(caller: Credentials) -> None:
    # With a repeated key, which value the CA meant would be a guess (json.loads keeps the
    # last one): "success" false then true must not pass for a success.
    doubled = b'{"success":false,"success":true,"result":{},"errors":[],"messages":[]}'
    client, _ = _client((200, doubled))
    with pytest.raises(CAResponseError, match="repeats a key"):
        client.identities(caller)

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "user")])
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    attrs = b'{"attrs":{"role":"investor","role":"registrar"}}'
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=1))
        .add_extension(x509.UnrecognizedExtension(ATTRIBUTE_OID, attrs), critical=False)
        .sign(key, hashes.SHA256())
    )
    with pytest.raises(ValueError, match="repeats a key"):
        certificate_attributes(cert)
