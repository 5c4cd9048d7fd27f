"""Who sees what: the public, or a member signed in with its Fabric identity.

Owns :class:`Member`, :class:`LoginVerifier` (challenges and signed logins) and
:func:`login_token` (what ``sov explorer login`` prints).

The rule is the chaincode's (``sovereign_assets.contracts.visibility.READ_ACCESS``):
the **public** view shows aggregates only (per instrument, per tenor, per day, never an
account); a **member** - an identity issued by a channel MSP's CA - also sees the
account-level rows its own queries would answer: the regulator (a ``registrar`` of the
MSP governance names registrar) every holding, trade and cash balance; the exchange's
operators every trade; anyone else the rows of the accounts it controls, directly or as
the controller of the bank account a client sub-account hangs under. Investor records
and personal data are never projected, so no view can show them.

Signed login: the page shows a challenge (a random nonce, signed by the explorer and
valid for :data:`CHALLENGE_SECONDS`); the member signs it with its enrollment key
(``sov --as ORG/USER explorer login CHALLENGE``, or any Fabric signer over
``SHA-256(LOGIN_CONTEXT + challenge)``) and pastes the token. The explorer checks the
certificate was issued by that MSP's CA and is valid now, and the signature; each
challenge is accepted once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.x509.oid import NameOID
from itsdangerous import BadSignature, URLSafeTimedSerializer

import ledger_codec
from fabric_gateway import Signer

CHALLENGE_SECONDS = 300
LOGIN_CONTEXT = b"sovereign-explorer-login\n"
_ATTRIBUTES_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")  # Fabric CA's attribute extension


@dataclass(frozen=True)
class Member:
    """A signed-in identity: ``msp_id``, ``enrollment_id`` (the certificate's common
    name) and its certificate ``role`` attribute, if any."""

    msp_id: str
    enrollment_id: str
    role: str | None = None

    @property
    def controller_id(self) -> str:
        """``MSP/enrollment``, as account records name their controller."""
        return f"{self.msp_id}/{self.enrollment_id}"

    def as_session(self) -> dict[str, str | None]:
        return {"msp_id": self.msp_id, "enrollment_id": self.enrollment_id, "role": self.role}

    @classmethod
    def from_session(cls, data: object) -> Member | None:
        if not isinstance(data, dict):
            return None
        msp, enrollment, role = data.get("msp_id"), data.get("enrollment_id"), data.get("role")
        if not isinstance(msp, str) or not isinstance(enrollment, str):
            return None
        return cls(msp, enrollment, role if isinstance(role, str) else None)


class LoginError(ValueError):
    """A login the explorer refuses; the message says why (no secret in it)."""


def login_digest(challenge: str) -> bytes:
    """What a member signs: SHA-256 of the login context and the challenge."""
    return hashlib.sha256(LOGIN_CONTEXT + challenge.encode("ascii")).digest()


def login_token(challenge: str, certificate_pem: bytes, signer: Signer) -> str:
    """A login token for ``challenge``: the certificate and the signature, base64url JSON."""
    body = {
        "certificate": certificate_pem.decode("ascii"),
        "signature": base64.b64encode(signer.sign(login_digest(challenge))).decode("ascii"),
    }
    return base64.urlsafe_b64encode(json.dumps(body).encode("utf-8")).decode("ascii")


class LoginVerifier:
    """Issues challenges and verifies signed logins against the channel MSPs' CAs.

    ``msp_roots``: MSP ID -> its CA certificates (PEM), e.g. each org's
    ``msp/cacerts``. ``secret``: the key challenges are signed with (random by default,
    so challenges do not survive a restart).
    """

    def __init__(self, msp_roots: Mapping[str, Sequence[bytes]], secret: bytes | None = None):
        self._roots = {
            msp: [x509.load_pem_x509_certificate(pem) for pem in pems]
            for msp, pems in msp_roots.items()
        }
        self._serializer = URLSafeTimedSerializer(secret or secrets.token_bytes(32), "login")
        self._used: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def msp_ids(self) -> list[str]:
        return sorted(self._roots)

    def challenge(self) -> str:
        """A fresh challenge (valid for :data:`CHALLENGE_SECONDS`)."""
        return str(self._serializer.dumps(secrets.token_urlsafe(16)))

    def verify(self, challenge: str, token: str) -> Member:
        """The member ``token`` proves to be; raises :class:`LoginError`."""
        try:
            self._serializer.loads(challenge, max_age=CHALLENGE_SECONDS)
        except BadSignature as exc:
            raise LoginError("the challenge is not this explorer's or has expired") from exc
        try:
            body: Any = ledger_codec.loads(base64.urlsafe_b64decode(token.strip().encode("ascii")))
            certificate = x509.load_pem_x509_certificate(body["certificate"].encode("ascii"))
            signature = base64.b64decode(body["signature"])
        except (ValueError, KeyError, TypeError) as exc:
            raise LoginError("the token is not a login token") from exc
        msp_id = self._issuer_msp(certificate)
        now = datetime.now(UTC)
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise LoginError("the certificate is not valid now")
        public_key = certificate.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise LoginError("only ECDSA identities can sign in")
        try:
            public_key.verify(
                signature, login_digest(challenge), ec.ECDSA(utils.Prehashed(hashes.SHA256()))
            )
        except InvalidSignature as exc:
            raise LoginError("the signature does not match the certificate") from exc
        self._spend(challenge)
        attributes = _attributes(certificate)
        # The enrollment id as the chaincode reads it (hf.EnrollmentID, else the common
        # name), so "yours" means what account controllers name.
        enrollment = attributes.get("hf.EnrollmentID") or _common_name(certificate)
        return Member(msp_id, enrollment, attributes.get("role"))

    def _issuer_msp(self, certificate: x509.Certificate) -> str:
        for msp_id, roots in self._roots.items():
            for root in roots:
                try:
                    certificate.verify_directly_issued_by(root)
                except (ValueError, TypeError, InvalidSignature):
                    continue
                return msp_id
        raise LoginError("the certificate was not issued by a channel organisation's CA")

    def _spend(self, challenge: str) -> None:
        now = time.monotonic()
        with self._lock:
            for old, at in list(self._used.items()):
                if now - at > CHALLENGE_SECONDS:
                    del self._used[old]
            if challenge in self._used:
                raise LoginError("this challenge was used already")
            self._used[challenge] = now


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[-1].value) if names else ""


def _attributes(certificate: x509.Certificate) -> dict[str, str]:
    """The Fabric CA attributes of a certificate (``{"attrs": {...}}``), if any."""
    try:
        extension = certificate.extensions.get_extension_for_oid(_ATTRIBUTES_OID)
    except x509.ExtensionNotFound:
        return {}
    value = extension.value
    if not isinstance(value, x509.UnrecognizedExtension):
        return {}
    try:
        # Strict, as the chaincode reads it: "role" given twice is no role at all.
        document = ledger_codec.loads(value.value)
    except ValueError:
        return {}
    attrs = document.get("attrs", {}) if isinstance(document, dict) else None
    if not isinstance(attrs, dict):
        return {}
    return {str(k): v for k, v in attrs.items() if isinstance(v, str)}
