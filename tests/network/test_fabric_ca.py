"""The Fabric CA client against a real ``fabric-ca-server`` 1.5 with TLS on.

CA info; enrolling the bootstrap admin; registering a user with an ``ecert`` attribute and finding
it in the issued certificate; reenroll; revoking one certificate with a reason and seeing its
serial in the CRL; revoking an identity; identities list/get/modify/remove; the server's refusals
as typed errors; an enrollment key that is not in memory (as with an HSM); and interop both ways
with the official ``fabric-ca-client``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from fabric_ca import (
    ATTRIBUTE_OID,
    AlreadyRevokedError,
    Attribute,
    AttributeRequest,
    AuthenticationError,
    AuthorizationError,
    Credentials,
    Enrollment,
    FabricCAClient,
    NotFoundError,
    RevocationReason,
    SoftwareKey,
    certificate_attributes,
    read_credentials,
    serial_and_aki,
    subject_key_identifier,
    write_msp,
)
from sovereign_network import binaries
from sovereign_network.binaries import BinariesUnavailable, FabricCAInstall

from .ca_server import ADMIN, ADMIN_SECRET, CAServer, free_port, running_ca_server

pytestmark = pytest.mark.network

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@pytest.fixture(scope="module")
def ca_install() -> FabricCAInstall:
    try:
        return binaries.locate_ca()
    except BinariesUnavailable as exc:
        reason = " ".join(str(exc).split())
        pytest.skip(f"Fabric CA binaries unavailable, Fabric CA tests not run: {reason}")


@pytest.fixture(scope="module")
def ca_port() -> int:
    """SOV_TEST_CA_PORT, or a port the kernel hands out."""
    configured = os.environ.get("SOV_TEST_CA_PORT")
    return int(configured) if configured else free_port()


@pytest.fixture(scope="module")
def ca_server(
    ca_install: FabricCAInstall, ca_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CAServer]:
    with running_ca_server(ca_install, tmp_path_factory.mktemp("fabric-ca"), ca_port) as server:
        yield server


@pytest.fixture(scope="module")
def client(ca_server: CAServer) -> FabricCAClient:
    return ca_server.client()


@pytest.fixture(scope="module")
def admin(client: FabricCAClient) -> Credentials:
    return client.enroll(ADMIN, ADMIN_SECRET).credentials


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _issued_by(certificate: bytes, root: x509.Certificate) -> bool:
    cert = x509.load_pem_x509_certificate(certificate)
    try:
        cert.verify_directly_issued_by(root)
    except (ValueError, TypeError):
        return False
    return True


def _register_and_enroll(
    client: FabricCAClient, admin: Credentials, prefix: str, **register: object
) -> tuple[str, str, Enrollment]:
    name = _new_id(prefix)
    secret = client.register(admin, name, **register)  # type: ignore[arg-type]
    return name, secret, client.enroll(name, secret)


def test_cainfo_names_the_release_and_chains_to_the_server_root(
    client: FabricCAClient, ca_server: CAServer
) -> None:
    info = client.ca_info()
    assert info.version == "1.5.21"
    assert info.root_certificate == x509.load_pem_x509_certificate(ca_server.tls_root.read_bytes())
    assert info.issuer_public_key  # the Idemix issuer key is published too


def test_the_bootstrap_admin_enrolls_with_a_key_the_caller_keeps(
    client: FabricCAClient,
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    enrollment = client.enroll(ADMIN, ADMIN_SECRET, key=key)
    cert = enrollment.x509
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == ADMIN
    assert cert.public_key() == key.public_key()
    assert _issued_by(enrollment.certificate, enrollment.ca_info.root_certificate)
    assert serialization.load_pem_private_key(enrollment.private_key_pem(), None).public_key() == (
        key.public_key()
    )


def test_a_registered_user_gets_its_ecert_attribute_in_the_certificate(
    client: FabricCAClient, admin: Credentials
) -> None:
    name = _new_id("investor")
    secret = client.register(
        admin,
        name,
        affiliation="org1.department1",
        attributes=[Attribute("role", "investor", ecert=True), Attribute("desk", "fx")],
        max_enrollments=5,
    )
    assert secret  # the CA made one up
    enrollment = client.enroll(name, secret)

    extension = enrollment.x509.extensions.get_extension_for_oid(ATTRIBUTE_OID).value
    assert isinstance(extension, x509.UnrecognizedExtension)
    attrs = json.loads(extension.value)["attrs"]
    assert attrs["role"] == "investor"
    assert attrs["hf.EnrollmentID"] == name
    assert "desk" not in attrs  # not an ecert attribute, and not asked for
    assert certificate_attributes(enrollment.certificate) == attrs

    asked = client.enroll(name, secret, attributes=[AttributeRequest("desk")])
    assert certificate_attributes(asked.certificate) == {"desk": "fx"}


def test_reenroll_issues_a_new_certificate_for_a_new_or_the_same_key(
    client: FabricCAClient, admin: Credentials
) -> None:
    name, _, first = _register_and_enroll(client, admin, "reenroll")
    renewed = client.reenroll(first.credentials)
    assert renewed.x509.subject == first.x509.subject
    assert renewed.x509.serial_number != first.x509.serial_number
    assert renewed.x509.public_key() != first.x509.public_key()

    kept = client.reenroll(renewed.credentials, key=renewed.key)
    assert kept.x509.public_key() == renewed.x509.public_key()
    assert client.reenroll(kept.credentials).x509.subject.rfc4514_string().startswith(f"CN={name}")


def test_revoking_a_certificate_puts_its_serial_in_the_crl(
    client: FabricCAClient, admin: Credentials
) -> None:
    _, _, enrollment = _register_and_enroll(client, admin, "revoked")
    serial, aki = serial_and_aki(enrollment.certificate)

    result = client.revoke(
        admin, serial=serial, aki=aki, reason=RevocationReason.KEY_COMPROMISE, gencrl=True
    )
    assert [(r.serial, r.aki) for r in result.revoked] == [(serial, aki)]
    assert result.crl is not None
    crl = x509.load_pem_x509_crl(result.crl)
    assert crl.get_revoked_certificate_by_serial_number(enrollment.x509.serial_number)
    assert crl.is_signature_valid(enrollment.ca_info.root_certificate.public_key())  # type: ignore[arg-type]

    generated = x509.load_pem_x509_crl(client.generate_crl(admin))
    assert generated.get_revoked_certificate_by_serial_number(enrollment.x509.serial_number)

    with pytest.raises(AuthenticationError):  # a revoked certificate authorizes nothing
        client.reenroll(enrollment.credentials)
    with pytest.raises(AlreadyRevokedError) as again:
        client.revoke(admin, serial=serial, aki=aki)
    assert again.value.code == 66


def test_revoking_an_identity_revokes_its_certificates_and_stops_enrollment(
    client: FabricCAClient, admin: Credentials
) -> None:
    name, secret, first = _register_and_enroll(client, admin, "leaver", max_enrollments=-1)
    second = client.enroll(name, secret)
    result = client.revoke(admin, enrollment_id=name, reason="privilegewithdrawn")
    assert {r.serial for r in result.revoked} == {
        serial_and_aki(first.certificate)[0],
        serial_and_aki(second.certificate)[0],
    }
    with pytest.raises(AuthenticationError):
        client.enroll(name, secret)


def test_identities_list_get_modify_and_remove(client: FabricCAClient, admin: Credentials) -> None:
    name = _new_id("teller")
    client.register(
        admin, name, secret="s3cret", attributes=[Attribute("role", "bank", ecert=True)]
    )
    listed = {i.id: i for i in client.identities(admin)}
    assert ADMIN in listed
    assert listed[name].attribute("role") == "bank"

    got = client.identity(admin, name)
    assert (got.type, got.affiliation, got.attribute("role")) == ("client", "", "bank")

    modified = client.modify_identity(
        admin,
        name,
        affiliation="org2",
        attributes=[Attribute("role", "primary_dealer", ecert=True)],
        max_enrollments=2,
    )
    assert (modified.affiliation, modified.max_enrollments) == ("org2", 2)
    assert client.identity(admin, name).attribute("role") == "primary_dealer"
    enrollment = client.enroll(name, "s3cret")
    assert certificate_attributes(enrollment.certificate)["role"] == "primary_dealer"

    removed = client.remove_identity(admin, name)
    assert removed.id == name
    with pytest.raises(NotFoundError) as missing:
        client.identity(admin, name)
    assert missing.value.code == 63


def test_refusals_are_typed_by_the_servers_code(client: FabricCAClient, admin: Credentials) -> None:
    name, secret, user = _register_and_enroll(client, admin, "plain")
    with pytest.raises(AuthenticationError) as wrong:
        client.enroll(name, secret + "x")
    assert (wrong.value.status, wrong.value.code) == (401, 20)
    assert wrong.value.server_message == "Authentication failure"

    with pytest.raises(AuthorizationError) as not_registrar:
        client.register(user.credentials, _new_id("nobody"))
    assert not_registrar.value.code in (42, 43, 71)

    forged = Credentials(user.certificate, SoftwareKey.generate())  # not the certificate's key
    with pytest.raises(AuthenticationError):
        client.identity(forged, name)


class _ExternalKey:
    """A key the client cannot see: only sign(digest) and public_key(), as a PKCS#11 token.

    Its signatures are as the key gives them (high S half of the time), as a token's are
    before Pkcs11Signer normalises them; Fabric CA's verifier requires low S, so normalise.
    """

    def __init__(self) -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.signed = 0

    def sign(self, digest: bytes) -> bytes:
        self.signed += 1
        der = self._key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        r, s = utils.decode_dss_signature(der)
        return utils.encode_dss_signature(r, min(s, P256_ORDER - s))

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._key.public_key()


def test_an_external_key_enrolls_and_authorizes_calls(
    client: FabricCAClient, admin: Credentials
) -> None:
    name = _new_id("hsm")
    secret = client.register(admin, name)
    key = _ExternalKey()
    enrollment = client.enroll(name, secret, key=key, hosts=["teller.example.com"])
    assert enrollment.x509.public_key() == key.public_key()
    assert key.signed == 1  # the certificate request
    with pytest.raises(TypeError):
        enrollment.private_key_pem()
    renewed = client.reenroll(enrollment.credentials, key=key)
    assert renewed.x509.public_key() == key.public_key()
    assert key.signed == 3  # and the token, and the second request


def test_a_certificate_we_enrolled_works_with_the_official_client(
    client: FabricCAClient, admin: Credentials, ca_server: CAServer, tmp_path: Path
) -> None:
    enrollment = client.enroll(ADMIN, ADMIN_SECRET)
    paths = write_msp(tmp_path / "msp", enrollment)
    assert [p.name for p in paths.keystore.iterdir()] == [
        f"{subject_key_identifier(enrollment.key.public_key())}_sk"
    ]
    name = _new_id("seen")
    client.register(admin, name)

    run = ca_server.fabric_ca_client(
        tmp_path, "identity", "list", "-u", ca_server.url, "--mspdir", str(tmp_path / "msp")
    )
    assert run.returncode == 0, run.stderr
    assert f"Name: {name}" in run.stdout
    assert f"Name: {ADMIN}" in run.stdout


def test_a_certificate_the_official_client_enrolled_works_with_ours(
    client: FabricCAClient, admin: Credentials, ca_server: CAServer, tmp_path: Path
) -> None:
    name = _new_id("official")
    secret = client.register(admin, name, attributes=[Attribute("role", "issuer", ecert=True)])
    host = ca_server.url.removeprefix("https://")
    run = ca_server.fabric_ca_client(
        tmp_path, "enroll", "-u", f"https://{name}:{secret}@{host}", "--mspdir", "msp"
    )
    assert run.returncode == 0, run.stderr
    official = read_credentials(tmp_path / "msp")

    renewed = client.reenroll(official)
    assert certificate_attributes(renewed.certificate)["role"] == "issuer"
    assert renewed.x509.subject == x509.load_pem_x509_certificate(official.certificate).subject
    write_msp(tmp_path / "msp", renewed)  # and the official client takes the renewed one
    run = ca_server.fabric_ca_client(
        tmp_path, "reenroll", "-u", ca_server.url, "--mspdir", str(tmp_path / "msp")
    )
    assert run.returncode == 0, run.stderr


# --- sov identity against the same server --------------------------------------------------


def _sov(ca_server: CAServer, *args: str) -> Result:
    from sovereign_cli.main import cli

    env = {"SOV_CA_URL": ca_server.url, "SOV_CA_TLS_ROOT": str(ca_server.tls_root)}
    return CliRunner().invoke(cli, list(args), env=env)


def test_sov_identity_register_enroll_list_reenroll_revoke_crl(
    ca_server: CAServer, tmp_path: Path
) -> None:
    admin_msp, dealer_msp = str(tmp_path / "admin"), str(tmp_path / "dealer")
    enrolled = _sov(
        ca_server,
        "--json",
        "identity",
        "enroll",
        ADMIN,
        "--secret",
        ADMIN_SECRET,
        "--msp",
        admin_msp,
    )
    assert enrolled.exit_code == 0, enrolled.output
    assert json.loads(enrolled.output)["subject"].startswith(f"CN={ADMIN}")

    name = _new_id("dealer")
    registered = _sov(
        ca_server,
        "--json",
        "identity",
        "register",
        name,
        "--msp",
        admin_msp,
        "--role",
        "primary_dealer",
        "--attr",
        "desk=rates",
        "--affiliation",
        "org1",
    )
    assert registered.exit_code == 0, registered.output
    secret = json.loads(registered.output)["secret"]

    mine = _sov(
        ca_server, "--json", "identity", "enroll", name, "--secret", secret, "--msp", dealer_msp
    )
    assert mine.exit_code == 0, mine.output
    first = json.loads(mine.output)
    assert first["attributes"]["role"] == "primary_dealer"
    assert "desk" not in first["attributes"]

    listed = _sov(ca_server, "--json", "identity", "list", "--msp", admin_msp)
    assert listed.exit_code == 0, listed.output
    rows = {row["id"]: row for row in json.loads(listed.output)}
    assert rows[name]["affiliation"] == "org1"
    assert {"name": "desk", "value": "rates", "ecert": False} in rows[name]["attrs"]
    human = _sov(ca_server, "identity", "list", "--msp", admin_msp)
    assert "role=primary_dealer:ecert" in human.output

    renewed = _sov(ca_server, "--json", "identity", "reenroll", "--msp", dealer_msp)
    assert renewed.exit_code == 0, renewed.output
    second = json.loads(renewed.output)
    assert second["serial"] != first["serial"]
    kept = _sov(ca_server, "--json", "identity", "reenroll", "--msp", dealer_msp, "--keep-key")
    assert kept.exit_code == 0, kept.output
    assert len(list((tmp_path / "dealer" / "keystore").iterdir())) == 1

    crl_file = tmp_path / "after-revoke.pem"
    revoked = _sov(
        ca_server,
        "--json",
        "identity",
        "revoke",
        "--msp",
        admin_msp,
        "--certificate",
        str(tmp_path / "dealer" / "signcerts" / "cert.pem"),
        "--reason",
        "superseded",
        "--crl-out",
        str(crl_file),
    )
    assert revoked.exit_code == 0, revoked.output
    serial = json.loads(kept.output)["serial"]
    assert [r["serial"] for r in json.loads(revoked.output)["revoked"]] == [serial]
    assert x509.load_pem_x509_crl(crl_file.read_bytes()).get_revoked_certificate_by_serial_number(
        int(serial, 16)
    )

    crl = _sov(ca_server, "--json", "identity", "crl", "--msp", admin_msp)
    assert crl.exit_code == 0, crl.output
    assert serial in json.loads(crl.output)["revoked"]

    # The revoked certificate authorizes nothing: refused, exit code 7.
    refused = _sov(ca_server, "identity", "reenroll", "--msp", dealer_msp)
    assert refused.exit_code == 7, refused.output
    assert "code 20" in refused.output


def test_sov_identity_refusals_and_usage_errors(ca_server: CAServer, tmp_path: Path) -> None:
    wrong = _sov(
        ca_server, "identity", "enroll", ADMIN, "--secret", "nope", "--msp", str(tmp_path / "x")
    )
    assert wrong.exit_code == 7
    assert "code 20: Authentication failure" in wrong.output
    assert not (tmp_path / "x").exists()

    no_msp = _sov(ca_server, "identity", "register", "someone", "--msp", str(tmp_path / "none"))
    assert no_msp.exit_code == 2
    assert "enroll first" in no_msp.output

    admin_msp = str(tmp_path / "admin")
    assert (
        _sov(
            ca_server, "identity", "enroll", ADMIN, "--secret", ADMIN_SECRET, "--msp", admin_msp
        ).exit_code
        == 0
    )
    bad_reason = _sov(
        ca_server, "identity", "revoke", "someone", "--msp", admin_msp, "--reason", "bored"
    )
    assert bad_reason.exit_code == 2
    assert "keycompromise" in bad_reason.output
    unknown = _sov(ca_server, "identity", "revoke", _new_id("ghost"), "--msp", admin_msp)
    assert unknown.exit_code == 6, unknown.output

    elsewhere = CAServer(
        f"https://127.0.0.1:{free_port()}", ca_server.tls_root, tmp_path, ca_server.install
    )
    unreachable = _sov(elsewhere, "identity", "enroll", ADMIN, "--secret", "x", "--msp", admin_msp)
    assert unreachable.exit_code == 4


# --- an enrollment key on a PKCS#11 token --------------------------------------------------

SOFTHSM_LIBRARIES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)

# Runs in its own process: a PKCS#11 library is initialised once per process with the token
# directory of its first user, so the token here must not meet the unit tier's token.
HSM_ENROLLMENT = """
import json, sys
import pkcs11
from pkcs11 import Attribute, KeyType
from pkcs11.util.ec import encode_named_curve_parameters
from fabric_ca import FabricCAClient
from fabric_gateway.pkcs11 import Pkcs11Signer

url, root, name, secret, library = sys.argv[1:6]
token = pkcs11.lib(library).get_token(token_label="ca-test")
with token.open(rw=True, user_pin="1234") as session:
    params = session.create_domain_parameters(
        KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
    )
    params.generate_keypair(store=True, label="enrollment", id=b"\\x01")
client = FabricCAClient(url, tls_root=root)
with Pkcs11Signer(library, token_label="ca-test", pin="1234", key_label="enrollment") as signer:
    first = client.enroll(name, secret, key=signer)
    signer.check_certificate(first.certificate)
    second = client.reenroll(first.credentials, key=signer)
    signer.check_certificate(second.certificate)
    print(json.dumps({"first": first.certificate.decode(), "second": second.certificate.decode()}))
"""


def test_an_hsm_key_enrolls_and_reenrolls_without_leaving_the_token(
    client: FabricCAClient, admin: Credentials, ca_server: CAServer, tmp_path: Path
) -> None:
    library = os.environ.get("SOFTHSM2_LIB") or next(
        (path for path in SOFTHSM_LIBRARIES if Path(path).is_file()), None
    )
    if shutil.which("softhsm2-util") is None or library is None:
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2)")
    if importlib.util.find_spec("pkcs11") is None:
        pytest.skip("python-pkcs11 is not installed (pip install '.[hsm]')")
    (tmp_path / "tokens").mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(config)}
    token_args = ["--init-token", "--free", "--label", "ca-test", "--pin", "1234"]
    subprocess.run(
        ["softhsm2-util", *token_args, "--so-pin", "12345678"],
        env=env,
        check=True,
        capture_output=True,
    )
    name = _new_id("hsm")
    secret = client.register(admin, name, attributes=[Attribute("role", "bank", ecert=True)])

    run = subprocess.run(
        [
            sys.executable,
            "-c",
            HSM_ENROLLMENT,
            ca_server.url,
            str(ca_server.tls_root),
            name,
            secret,
            library,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    issued = json.loads(run.stdout)
    first = x509.load_pem_x509_certificate(issued["first"].encode())
    second = x509.load_pem_x509_certificate(issued["second"].encode())
    assert certificate_attributes(first)["role"] == "bank"
    assert first.public_key() == second.public_key()
    assert first.serial_number != second.serial_number
