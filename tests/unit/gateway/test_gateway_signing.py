"""Signers verified with ``cryptography``: ECDSA P-256/P-384 low-S DER, Ed25519; PEM helpers."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes as crypto_hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils, x25519

from fabric_gateway import (
    ECDSASigner,
    Ed25519Signer,
    Signer,
    hashes,
    load_certificate_pem,
    load_private_key_pem,
    new_private_key_signer,
    tls_certificate_hash,
)

from .credentials import ed25519_credentials, p256, p384

P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P384_N = int(
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
    16,
)


@pytest.mark.parametrize(
    ("make", "order", "digest_hash", "verify_hash"),
    [
        (p256, P256_N, hashes.sha256, crypto_hashes.SHA256()),
        (p384, P384_N, hashes.sha384, crypto_hashes.SHA384()),
        (p384, P384_N, hashes.sha256, crypto_hashes.SHA256()),
    ],
)
def test_ecdsa_signatures_verify_and_are_low_s(
    make: object, order: int, digest_hash: hashes.Hash, verify_hash: crypto_hashes.HashAlgorithm
) -> None:
    credentials = make()  # type: ignore[operator]
    key = credentials.private_key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    signer = new_private_key_signer(key)
    assert isinstance(signer, ECDSASigner)
    message = b"proposal bytes for PKTB-2026-03"
    # Enough signatures that, without normalisation, about half would be high-S.
    for i in range(40):
        signature = signer.sign(digest_hash(message + bytes([i])))
        key.public_key().verify(signature, message + bytes([i]), ec.ECDSA(verify_hash))
        r, s = utils.decode_dss_signature(signature)  # DER-decodable
        assert 0 < r < order
        assert s <= order // 2


def test_ecdsa_rejects_unhashed_input() -> None:
    key = p256().private_key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    with pytest.raises(ValueError, match="hashed digest"):
        ECDSASigner(key).sign(b"not a digest")


def test_ecdsa_rejects_unsupported_curve() -> None:
    with pytest.raises(ValueError, match="Unsupported curve"):
        ECDSASigner(ec.generate_private_key(ec.SECP521R1()))


def test_ed25519_signs_the_message_itself() -> None:
    credentials = ed25519_credentials()
    key = credentials.private_key
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    signer = new_private_key_signer(key)
    assert isinstance(signer, Ed25519Signer)
    message = b"envelope payload"
    signature = signer.sign(hashes.none(message))
    key.public_key().verify(signature, message)
    assert len(signature) == 64


def test_unsupported_key_type_is_rejected() -> None:
    with pytest.raises(TypeError):
        new_private_key_signer(x25519.X25519PrivateKey.generate())  # type: ignore[arg-type]


def test_hash_options() -> None:
    message = b"abc"
    assert hashes.sha256(message) == hashlib.sha256(message).digest()
    assert hashes.sha384(message) == hashlib.sha384(message).digest()
    assert hashes.sha3_256(message) == hashlib.sha3_256(message).digest()
    assert hashes.sha3_384(message) == hashlib.sha3_384(message).digest()
    assert hashes.none(message) == message


def test_pem_helpers_and_tls_hash() -> None:
    credentials = p256()
    key = load_private_key_pem(credentials.private_key_pem)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.private_numbers() == credentials.private_key.private_numbers()  # type: ignore[union-attr]
    certificate = load_certificate_pem(credentials.certificate_pem)
    der = certificate.public_bytes(serialization.Encoding.DER)
    expected = hashlib.sha256(der).digest()
    assert tls_certificate_hash(credentials.certificate_pem) == expected
    assert tls_certificate_hash(der) == expected
    assert tls_certificate_hash(certificate) == expected


def test_signers_satisfy_the_protocol_and_hide_keys() -> None:
    key = p256().private_key
    signer = new_private_key_signer(key)
    assert isinstance(signer, Signer)
    assert "secp256r1" in repr(signer)
    assert str(key.private_numbers().private_value) not in repr(signer)  # type: ignore[union-attr]

    class HsmLikeSigner:
        def sign(self, digest: bytes) -> bytes:
            return b"hsm:" + digest

    assert isinstance(HsmLikeSigner(), Signer)
