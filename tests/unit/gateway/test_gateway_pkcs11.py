"""The PKCS#11 signer against a real SoftHSM2 token made in a temp directory per test session.

Keys are generated ON the token (python-pkcs11); signatures are checked with ``cryptography``
and, end to end, by the loopback Gateway test double (``peer_harness``), which verifies them
like a peer. Skipped only when python-pkcs11 or SoftHSM2 is not installed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("pkcs11", reason="python-pkcs11 is not installed (pip install '.[hsm]')")
if shutil.which("softhsm2-util") is None:
    pytest.skip(
        "softhsm2-util is not installed (apt-get install softhsm2)", allow_module_level=True
    )

import grpc
import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import hashes as crypto_hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

from fabric_gateway import (
    GatewayError,
    Signer,
    X509Identity,
    connect,
    hashes,
    new_private_key_signer,
)
from fabric_gateway.pkcs11 import (
    HsmError,
    KeyMismatchError,
    KeyNotFoundError,
    LibraryLoadError,
    LoginError,
    PinIncorrectError,
    Pkcs11Signer,
    TokenNotFoundError,
    UnsupportedKeyError,
)

from .credentials import p256, p384
from .peer_harness import GatewayPeerDouble

P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P384_N = int(
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
    16,
)
TOKEN = "sov-test-token"
PIN = "123456"
SO_PIN = "12345678"
LIBRARY_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)


@dataclass(frozen=True)
class SoftHsm:
    """A SoftHSM2 token with keys generated on it; public keys as python-pkcs11 reads them."""

    library: str
    public_keys: dict[str, ec.EllipticCurvePublicKey]
    raw_high_s_count: int
    """How many of 64 raw CKM_ECDSA signatures by the P-256 key had s > n/2."""


def _library_path() -> str | None:
    configured = os.environ.get("SOFTHSM2_LIB")
    candidates = (configured, *LIBRARY_CANDIDATES) if configured else LIBRARY_CANDIDATES
    return next((path for path in candidates if Path(path).is_file()), None)


def _generate_ec(session: pkcs11.Session, curve: str, label: str, key_id: bytes) -> bytes:
    """Generate an EC key pair on the token; return the public key as SubjectPublicKeyInfo."""
    params = session.create_domain_parameters(
        KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters(curve)}, local=True
    )
    public, _ = params.generate_keypair(store=True, label=label, id=key_id)
    return encode_ec_public_key(public)


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsm]:
    library = _library_path()
    if library is None:
        pytest.skip("libsofthsm2.so not found (set SOFTHSM2_LIB)")
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    config = root / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        # SoftHSM reads its configuration when the library is initialised, so set it first.
        patch.setenv("SOFTHSM2_CONF", str(config))
        subprocess.run(
            [
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                TOKEN,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "SOFTHSM2_CONF": str(config)},
        )
        token = pkcs11.lib(library).get_token(token_label=TOKEN)
        public_keys: dict[str, ec.EllipticCurvePublicKey] = {}
        with token.open(rw=True, user_pin=PIN) as session:
            for curve, label, key_id in [
                ("secp256r1", "p256", b"\x01"),
                ("secp384r1", "p384", b"\x02"),
                ("secp521r1", "p521", b"\x03"),
                ("secp256r1", "twin", b"\x04"),
                ("secp256r1", "twin", b"\x05"),
                ("secp256r1", "no-public-object", b"\x06"),
            ]:
                der = _generate_ec(session, curve, label, key_id)
                public = serialization.load_der_public_key(der)
                assert isinstance(public, ec.EllipticCurvePublicKey)
                public_keys[label] = public
            session.get_key(object_class=ObjectClass.PUBLIC_KEY, label="no-public-object").destroy()
            session.generate_keypair(KeyType.RSA, 2048, store=True, label="rsa", id=b"\x07")
            key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label="p256")
            assert isinstance(key, pkcs11.SignMixin)
            raw_s = [
                int.from_bytes(key.sign(bytes([i]) * 32, mechanism=Mechanism.ECDSA)[32:], "big")
                for i in range(64)
            ]
        yield SoftHsm(library, public_keys, sum(s > P256_N // 2 for s in raw_s))
        pkcs11.unload(library)


@pytest.fixture
def p256_signer(softhsm: SoftHsm) -> Iterator[Pkcs11Signer]:
    with Pkcs11Signer(softhsm.library, token_label=TOKEN, pin=PIN, key_label="p256") as signer:
        yield signer


@pytest.fixture
def p384_signer(softhsm: SoftHsm) -> Iterator[Pkcs11Signer]:
    with Pkcs11Signer(softhsm.library, token_label=TOKEN, pin=PIN, key_id=b"\x02") as signer:
        yield signer


def _certificate(public_key: ec.EllipticCurvePublicKey) -> bytes:
    """A certificate for the token's public key, issued by a throwaway CA key."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hsm-user@bank-a")]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-ca")]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(ca_key, crypto_hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.mark.parametrize(
    ("signer_fixture", "order", "digest_hash", "verify_hash"),
    [
        ("p256_signer", P256_N, hashes.sha256, crypto_hashes.SHA256()),
        ("p256_signer", P256_N, hashes.sha384, crypto_hashes.SHA384()),
        ("p384_signer", P384_N, hashes.sha384, crypto_hashes.SHA384()),
        ("p384_signer", P384_N, hashes.sha256, crypto_hashes.SHA256()),
    ],
)
def test_token_signatures_verify_and_are_low_s_der(
    request: pytest.FixtureRequest,
    softhsm: SoftHsm,
    signer_fixture: str,
    order: int,
    digest_hash: hashes.Hash,
    verify_hash: crypto_hashes.HashAlgorithm,
) -> None:
    signer: Pkcs11Signer = request.getfixturevalue(signer_fixture)
    public_key = softhsm.public_keys["p256" if signer.curve == "secp256r1" else "p384"]
    message = b"proposal bytes for PKTB-2026-03"
    # Enough signatures that, without normalisation, about half would be high-S.
    for i in range(100):
        data = message + i.to_bytes(2, "big")
        signature = signer.sign(digest_hash(data))
        public_key.verify(signature, data, ec.ECDSA(verify_hash))
        r, s = utils.decode_dss_signature(signature)
        assert utils.encode_dss_signature(r, s) == signature  # canonical DER SEQUENCE
        assert signature[0] == 0x30
        assert 0 < r < order
        assert 0 < s <= order // 2


def test_the_token_itself_emits_high_s(softhsm: SoftHsm) -> None:
    """So the low-S assertions below exercise the normalisation, not luck."""
    assert softhsm.raw_high_s_count > 0


@pytest.mark.parametrize("label", ["p256", "p384"])
def test_public_key_is_read_from_the_token(softhsm: SoftHsm, label: str) -> None:
    raw = (serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    with Pkcs11Signer(softhsm.library, token_label=TOKEN, pin=PIN, key_label=label) as signer:
        assert signer.public_key().public_bytes(*raw) == softhsm.public_keys[label].public_bytes(
            *raw
        )


def test_signer_matches_its_certificate_and_rejects_others(
    softhsm: SoftHsm, p256_signer: Pkcs11Signer
) -> None:
    own = _certificate(softhsm.public_keys["p256"])
    p256_signer.check_certificate(own)
    p256_signer.check_certificate(x509.load_pem_x509_certificate(own))
    with pytest.raises(KeyMismatchError, match="does not match"):
        p256_signer.check_certificate(_certificate(softhsm.public_keys["twin"]))
    with pytest.raises(KeyMismatchError, match="secp384r1"):
        p256_signer.check_certificate(p384().certificate_pem)
    with pytest.raises(KeyMismatchError, match="does not match"):
        p256_signer.check_certificate(p256().certificate_pem)


def test_certificate_check_needs_no_public_key_object(softhsm: SoftHsm) -> None:
    with Pkcs11Signer(
        softhsm.library, token_label=TOKEN, pin=PIN, key_label="no-public-object"
    ) as signer:
        signer.check_certificate(_certificate(softhsm.public_keys["no-public-object"]))
        with pytest.raises(KeyNotFoundError, match="public key object"):
            signer.public_key()


def test_signer_protocol_repr_and_close(softhsm: SoftHsm) -> None:
    signer = Pkcs11Signer(softhsm.library, token_label=TOKEN, pin=PIN, key_label="p256")
    assert isinstance(signer, Signer)
    assert repr(signer) == "Pkcs11Signer(token='sov-test-token', label='p256', curve=secp256r1)"
    assert PIN not in repr(signer)
    with pytest.raises(ValueError, match="hashed digest"):
        signer.sign(b"not a digest")
    signer.close()
    signer.close()  # idempotent
    with pytest.raises(HsmError, match="closed"):
        signer.sign(hashes.sha256(b"x"))
    # The session is gone: logging in again works (PKCS#11 allows one login per process).
    with Pkcs11Signer(softhsm.library, token_label=TOKEN, pin=PIN, key_id=b"\x01") as again:
        assert again.curve == "secp256r1"
    with pytest.raises(HsmError, match="closed"):
        again.sign(hashes.sha256(b"x"))


def test_concurrent_signing_is_serialised(softhsm: SoftHsm, p256_signer: Pkcs11Signer) -> None:
    public_key = softhsm.public_keys["p256"]
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(25):
                data = f"worker {worker} message {i}".encode()
                signature = p256_signer.sign(hashes.sha256(data))
                public_key.verify(signature, data, ec.ECDSA(crypto_hashes.SHA256()))
        except BaseException as exc:  # collected and re-raised in the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []


def test_errors_are_typed_and_never_show_the_pin(softhsm: SoftHsm, tmp_path: Path) -> None:
    not_a_library = tmp_path / "libnothing.so"
    not_a_library.write_bytes(b"not a shared object")
    cases: list[tuple[type[HsmError], dict[str, object]]] = [
        (LibraryLoadError, {"library_path": str(tmp_path / "missing.so"), "key_label": "p256"}),
        (LibraryLoadError, {"library_path": not_a_library, "key_label": "p256"}),
        (TokenNotFoundError, {"token_label": "no-such-token", "key_label": "p256"}),
        (PinIncorrectError, {"pin": "654321", "key_label": "p256"}),
        (KeyNotFoundError, {"key_label": "no-such-key"}),
        (KeyNotFoundError, {"key_id": b"\x7f"}),
        (KeyNotFoundError, {"key_label": "p256", "key_id": b"\x02"}),
        (KeyNotFoundError, {"key_label": "twin"}),  # two keys share the label
        (KeyNotFoundError, {"key_label": "rsa"}),  # not an EC key
        (UnsupportedKeyError, {"key_label": "p521"}),
    ]
    for error, overrides in cases:
        arguments: dict[str, object] = {
            "library_path": softhsm.library,
            "token_label": TOKEN,
            "pin": PIN,
            **overrides,
        }
        with pytest.raises(error) as raised:
            Pkcs11Signer(**arguments)  # type: ignore[arg-type]
        assert isinstance(raised.value, GatewayError)
        assert PIN not in str(raised.value)
        assert "654321" not in str(raised.value)
    with pytest.raises(ValueError, match="key_label or key_id"):
        Pkcs11Signer(softhsm.library, token_label=TOKEN, pin=PIN)


def test_second_login_to_the_same_token_is_refused(
    softhsm: SoftHsm, p256_signer: Pkcs11Signer
) -> None:
    with pytest.raises(LoginError, match="one signer per token"):
        Pkcs11Signer(softhsm.library, token_label=TOKEN, pin=PIN, key_label="p384")
    # The open signer is unaffected.
    data = b"still signing"
    signature = p256_signer.sign(hashes.sha256(data))
    softhsm.public_keys["p256"].verify(signature, data, ec.ECDSA(crypto_hashes.SHA256()))


@pytest.mark.parametrize("signer_fixture", ["p256_signer", "p384_signer"])
def test_offline_signing_round_trip_with_the_hsm(
    request: pytest.FixtureRequest,
    signer_fixture: str,
    channel: grpc.Channel,
    peer: GatewayPeerDouble,
) -> None:
    """Proposal digest signed on the token; the Gateway test double verifies it like a peer."""
    hsm: Pkcs11Signer = request.getfixturevalue(signer_fixture)
    certificate = _certificate(hsm.public_key())
    hsm.check_certificate(certificate)
    gateway = connect(client=channel, identity=X509Identity("TreasuryMSP", certificate))
    contract = gateway.get_network("sovereign").get_contract("assets")

    unsigned = contract.new_proposal("Transfer", arguments=["PKTB-2026-03", "bank-b", "10"])
    signature = hsm.sign(unsigned.digest())
    proposal = gateway.new_signed_proposal(unsigned.bytes(), signature)
    assert proposal.transaction_id == unsigned.transaction_id
    assert proposal.evaluate() == peer.evaluate_result
    (evaluate,) = peer.requests["Evaluate"]
    assert evaluate.proposed_transaction.signature == signature
    hsm.public_key().verify(
        signature, evaluate.proposed_transaction.proposal_bytes, ec.ECDSA(crypto_hashes.SHA256())
    )

    # A signature by another key is refused by the double, so the check above is not vacuous.
    other_key = new_private_key_signer(p256().private_key)
    wrong = gateway.new_signed_proposal(unsigned.bytes(), other_key.sign(unsigned.digest()))
    with pytest.raises(GatewayError, match="invalid signature"):
        wrong.evaluate()


def test_importing_the_sdk_does_not_import_pkcs11() -> None:
    code = "import sys, fabric_gateway; print('pkcs11' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False"
