"""MSP folders as Fabric and ``fabric-ca-client`` lay them out, from and to enrollments.

Owns: :func:`write_msp` (an enrollment's certificate, key and CA chain into ``signcerts/``,
``keystore/``, ``cacerts/``, ``intermediatecerts/``) and :func:`read_credentials` (the
certificate and its key back, from a folder either wrote).
Must not import: the transport or the client.

Key files are named ``<SKI>_sk`` where the SKI is the SHA-256 of the uncompressed public point,
as Fabric's software keystore names them, and are written readable by the owner only.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .keys import SoftwareKey
from .models import Credentials, Enrollment

__all__ = ["MspPaths", "read_credentials", "subject_key_identifier", "write_msp"]


class MspPaths:
    """Where the parts of one MSP folder live."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.signcerts = root / "signcerts"
        self.keystore = root / "keystore"
        self.cacerts = root / "cacerts"
        self.intermediatecerts = root / "intermediatecerts"
        self.certificate = self.signcerts / "cert.pem"


def subject_key_identifier(public_key: ec.EllipticCurvePublicKey) -> str:
    """Fabric's name for a key: hex SHA-256 of the uncompressed public point."""
    point = public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return hashlib.sha256(point).hexdigest()


def write_msp(folder: str | os.PathLike[str], enrollment: Enrollment) -> MspPaths:
    """Write ``enrollment`` as an MSP folder; a key held in memory goes to ``keystore/``.

    Rewriting a folder (after a reenroll) replaces its certificate and, when the key changed,
    removes the old key file.
    """
    paths = MspPaths(Path(folder))
    for directory in (paths.signcerts, paths.keystore, paths.cacerts):
        directory.mkdir(parents=True, exist_ok=True)
    paths.keystore.chmod(0o700)
    paths.certificate.write_bytes(enrollment.certificate)
    if isinstance(enrollment.key, SoftwareKey):
        name = f"{subject_key_identifier(enrollment.key.public_key())}_sk"
        for old in paths.keystore.glob("*_sk"):
            if old.name != name:
                old.unlink()
        key_file = paths.keystore / name
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(enrollment.key.private_key_pem())
    chain = x509.load_pem_x509_certificates(enrollment.ca_info.ca_chain)
    root, intermediates = chain[-1], chain[:-1]
    (paths.cacerts / "ca-cert.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    if intermediates:
        paths.intermediatecerts.mkdir(exist_ok=True)
        (paths.intermediatecerts / "intermediate-certs.pem").write_bytes(
            b"".join(c.public_bytes(serialization.Encoding.PEM) for c in intermediates)
        )
    return paths


def read_credentials(folder: str | os.PathLike[str]) -> Credentials:
    """The certificate in ``signcerts/`` and the key in ``keystore/`` that belongs to it."""
    paths = MspPaths(Path(folder))
    certificates = sorted(paths.signcerts.glob("*.pem"))
    if not certificates:
        raise FileNotFoundError(f"No certificate in {paths.signcerts}")
    certificate = certificates[0].read_bytes()
    public = x509.load_pem_x509_certificate(certificate).public_key()
    for candidate in sorted(paths.keystore.glob("*")):
        try:
            key = SoftwareKey.from_pem(candidate.read_bytes())
        except (ValueError, TypeError):
            continue
        if key.public_key() == public:
            return Credentials(certificate, key)
    raise FileNotFoundError(f"No key in {paths.keystore} belongs to {certificates[0]}")
