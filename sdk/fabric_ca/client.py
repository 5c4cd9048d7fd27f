"""A client for the Fabric CA REST API (v1.5): CA info, enroll, register, reenroll, revoke,
CRLs and identities.

Owns: :class:`FabricCAClient`. Requests go through a :class:`~.transport.Transport`; the answer
is the server's envelope ``{success, result, errors: [{code, message}], messages}``, turned into
the result types of :mod:`.models` or raised as the typed errors of :mod:`.errors`.

Enroll authenticates with the enrollment ID and secret; every other call except CA info is
authorized by a token signed with the caller's enrollment key (:mod:`.auth`). The client keeps no
credentials: each call takes the :class:`~.models.Credentials` it is made as.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from ledger_codec import loads_unique

from .auth import basic_authorization, token_authorization
from .errors import CAResponseError, ServerMessage, error_for
from .keys import KeySigner, SoftwareKey, build_csr
from .models import (
    Attribute,
    AttributeRequest,
    CAInfo,
    Credentials,
    Enrollment,
    IdentityInfo,
    RevocationReason,
    RevocationResult,
    RevokedCertificate,
    normalize_hex,
)
from .transport import HttpTransport, Transport

__all__ = ["FabricCAClient"]

_API = "/api/v1/"


class FabricCAClient:
    """Talks to one CA of a Fabric CA server.

    ``url`` is the server's base URL (``https://ca.example.com:7054``); ``tls_root`` the PEM root
    certificate(s) its TLS certificate chains to (bytes or a file; the system's roots if None);
    ``ca_name`` picks a CA on a server hosting several (the default CA if None); ``hash_name``
    must match the CA's hash (``sha256`` unless its security level is 384).
    """

    def __init__(
        self,
        url: str,
        *,
        tls_root: bytes | str | os.PathLike[str] | None = None,
        ca_name: str | None = None,
        timeout: float = 30.0,
        server_name: str | None = None,
        transport: Transport | None = None,
        hash_name: str = "sha256",
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"The CA URL must be http(s)://host:port, not {url!r}")
        if parts.username or parts.password:
            raise ValueError("Give the enrollment ID and secret to enroll(), not in the URL")
        self._base = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self._prefix = parts.path.rstrip("/") + _API
        self.ca_name = ca_name
        self.hash_name = hash_name
        self._transport: Transport = transport or HttpTransport(
            tls_root=tls_root, timeout=timeout, server_name=server_name
        )

    def __repr__(self) -> str:
        return f"FabricCAClient({self._base!r}, ca_name={self.ca_name!r})"

    # --- public calls ---------------------------------------------------------------------

    def ca_info(self) -> CAInfo:
        """The CA's name, chain and version (no authentication)."""
        return _ca_info(self._call("GET", "cainfo", query=self._ca_query()))

    def enroll(
        self,
        enrollment_id: str,
        secret: str,
        *,
        key: KeySigner | ec.EllipticCurvePrivateKey | None = None,
        subject: x509.Name | None = None,
        hosts: Sequence[str] = (),
        attributes: Sequence[AttributeRequest] | None = None,
        profile: str | None = None,
        label: str | None = None,
    ) -> Enrollment:
        """Have the CA certify ``key`` (a new P-256 key if None) for a registered identity.

        ``attributes`` asks for those attributes in the certificate (None: the identity's
        ``ecert`` attributes); ``profile`` is a CA signing profile (``tls`` for a TLS cert).
        """
        signing_key = _signing_key(key)
        body = self._sign_request(signing_key, enrollment_id, subject, hosts, attributes)
        body.update(_optional(profile=profile, label=label))
        result = self._call(
            "POST",
            "enroll",
            body=body,
            authorization=lambda _m, _u, _b: basic_authorization(enrollment_id, secret),
        )
        return _enrollment(result, signing_key)

    def reenroll(
        self,
        caller: Credentials,
        *,
        key: KeySigner | ec.EllipticCurvePrivateKey | None = None,
        subject: x509.Name | None = None,
        hosts: Sequence[str] = (),
        attributes: Sequence[AttributeRequest] | None = None,
        profile: str | None = None,
    ) -> Enrollment:
        """A new certificate for the caller's identity, before the current one expires.

        The new certificate certifies ``key``: a new P-256 key if None (pass the current key
        to keep it). The subject is the current certificate's unless ``subject`` is given (the
        CA sets the OUs from the identity's type and affiliation either way).
        """
        signing_key = _signing_key(key)
        if subject is None:
            current = x509.load_pem_x509_certificate(caller.certificate).subject
            subject = x509.Name(
                [a for a in current if a.oid != x509.NameOID.ORGANIZATIONAL_UNIT_NAME]
            )
        body = self._sign_request(signing_key, caller.enrollment_id, subject, hosts, attributes)
        body.update(_optional(profile=profile))
        return _enrollment(self._call("POST", "reenroll", body=body, caller=caller), signing_key)

    def register(
        self,
        registrar: Credentials,
        enrollment_id: str,
        *,
        secret: str | None = None,
        identity_type: str = "client",
        affiliation: str = "",
        attributes: Sequence[Attribute] = (),
        max_enrollments: int | None = None,
    ) -> str:
        """Register a new identity as ``registrar``; returns its enrollment secret.

        Without ``secret`` the CA makes one up. ``max_enrollments`` None takes the CA's default;
        -1 is unlimited.
        """
        body: dict[str, Any] = {
            "id": enrollment_id,
            "type": identity_type,
            "affiliation": affiliation,
            "attrs": [a.to_json() for a in attributes],
        }
        body.update(_optional(secret=secret, max_enrollments=max_enrollments))
        result = self._call("POST", "register", body=body, caller=registrar)
        return str(_field(result, "secret"))

    def revoke(
        self,
        revoker: Credentials,
        *,
        enrollment_id: str | None = None,
        serial: str | int | None = None,
        aki: str | bytes | None = None,
        reason: RevocationReason | str = RevocationReason.UNSPECIFIED,
        gencrl: bool = False,
    ) -> RevocationResult:
        """Revoke an identity (all its certificates, and it can no longer enroll) or one
        certificate (``serial`` and ``aki``, hex or as numbers/bytes).

        ``gencrl`` has the CA return its new CRL with the result.
        """
        if (serial is None) != (aki is None):
            raise ValueError("Give both serial and aki to revoke one certificate")
        if enrollment_id is None and serial is None:
            raise ValueError("Give an enrollment_id, or a serial and aki, to revoke")
        body: dict[str, Any] = {"reason": RevocationReason(str(reason).lower()).value}
        if enrollment_id is not None:
            body["id"] = enrollment_id
        if serial is not None and aki is not None:
            body["serial"] = normalize_hex(serial)
            body["aki"] = normalize_hex(aki)
        if gencrl:
            body["gencrl"] = True
        result = self._call("POST", "revoke", body=body, caller=revoker)
        revoked = tuple(
            RevokedCertificate(normalize_hex(str(r["Serial"])), normalize_hex(str(r["AKI"])))
            for r in result.get("RevokedCerts") or ()
        )
        crl = result.get("CRL")
        return RevocationResult(revoked, _crl_pem(crl) if crl else None)

    def generate_crl(
        self,
        caller: Credentials,
        *,
        revoked_after: dt.datetime | None = None,
        revoked_before: dt.datetime | None = None,
        expire_after: dt.datetime | None = None,
        expire_before: dt.datetime | None = None,
    ) -> bytes:
        """The CA's CRL (PEM), of the certificates revoked (and expiring) in the given windows."""
        body: dict[str, Any] = {}
        windows = {
            "revokedafter": revoked_after,
            "revokedbefore": revoked_before,
            "expireafter": expire_after,
            "expirebefore": expire_before,
        }
        for name, moment in windows.items():
            if moment is not None:
                if moment.tzinfo is None:
                    raise ValueError(f"{name} needs a timezone-aware datetime")
                body[name] = moment.isoformat()
        result = self._call("POST", "gencrl", body=body, caller=caller)
        return _crl_pem(_field(result, "CRL"))

    def identities(self, caller: Credentials) -> list[IdentityInfo]:
        """Every identity the caller may see (its affiliation and registrar types)."""
        result = self._call("GET", "identities", query=self._ca_query(), caller=caller)
        ca_name = str(result.get("caname", ""))
        return [IdentityInfo.from_json(i, ca_name) for i in result.get("identities") or ()]

    def identity(self, caller: Credentials, enrollment_id: str) -> IdentityInfo:
        """One identity by enrollment ID."""
        path = "identities/" + quote(enrollment_id, safe="")
        return IdentityInfo.from_json(
            self._call("GET", path, query=self._ca_query(), caller=caller)
        )

    def modify_identity(
        self,
        caller: Credentials,
        enrollment_id: str,
        *,
        identity_type: str | None = None,
        affiliation: str | None = None,
        attributes: Sequence[Attribute] | None = None,
        max_enrollments: int | None = None,
        secret: str | None = None,
    ) -> IdentityInfo:
        """Change what is given; attributes are added or replaced by name (an empty value
        removes one)."""
        body: dict[str, Any] = _optional(
            type=identity_type,
            affiliation=affiliation,
            max_enrollments=max_enrollments,
            secret=secret,
        )
        if attributes is not None:
            body["attrs"] = [a.to_json() for a in attributes]
        if not body:
            raise ValueError("Nothing to modify")
        path = "identities/" + quote(enrollment_id, safe="")
        return IdentityInfo.from_json(self._call("PUT", path, body=body, caller=caller))

    def remove_identity(
        self, caller: Credentials, enrollment_id: str, *, force: bool = False
    ) -> IdentityInfo:
        """Remove an identity and revoke its certificates (the server must allow removal);
        ``force`` lets a caller remove itself."""
        query = self._ca_query()
        if force:
            query["force"] = "true"
        path = "identities/" + quote(enrollment_id, safe="")
        return IdentityInfo.from_json(self._call("DELETE", path, query=query, caller=caller))

    # --- plumbing -------------------------------------------------------------------------

    def _ca_query(self) -> dict[str, str]:
        return {"ca": self.ca_name} if self.ca_name else {}

    def _sign_request(
        self,
        key: KeySigner,
        common_name: str,
        subject: x509.Name | None,
        hosts: Sequence[str],
        attributes: Sequence[AttributeRequest] | None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "certificate_request": build_csr(key, common_name, subject=subject, hosts=hosts).decode(
                "ascii"
            )
        }
        if hosts:
            body["hosts"] = list(hosts)
        if attributes is not None:
            body["attr_reqs"] = [a.to_json() for a in attributes]
        return body

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, str] | None = None,
        caller: Credentials | None = None,
        authorization: Any = None,
    ) -> dict[str, Any]:
        request_uri = self._prefix + path
        if query:
            request_uri += "?" + urlencode(query)
        payload = b""
        if body is not None:
            content = dict(body)
            if self.ca_name:
                content["caname"] = self.ca_name
            payload = json.dumps(content, separators=(",", ":")).encode()
        headers = {"Accept": "application/json"}
        if payload:
            headers["Content-Type"] = "application/json"
        if caller is not None:
            headers["Authorization"] = token_authorization(
                caller.certificate,
                caller.signer,
                method,
                request_uri,
                payload,
                hash_name=self.hash_name,
            )
        elif authorization is not None:
            headers["Authorization"] = authorization(method, request_uri, payload)
        url = self._base + request_uri[len(self._prefix) - len(_API) :]
        status, raw = self._transport.request(method, url, headers, payload)
        return _result(status, raw, f"{method} {request_uri}")


def _optional(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _signing_key(key: KeySigner | ec.EllipticCurvePrivateKey | None) -> KeySigner:
    if key is None:
        return SoftwareKey.generate()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return SoftwareKey(key)
    return key


def _result(status: int, raw: bytes, what: str) -> dict[str, Any]:
    try:
        envelope = loads_unique(raw)
    except ValueError as exc:
        # A repeated key is refused too: with it, which value the CA meant is a guess.
        text = raw[:200].decode(errors="replace").strip()
        raise CAResponseError(
            f"{what}: the CA answered HTTP {status} without JSON we accept ({exc}): {text!r}",
            status=status,
        ) from None
    if not isinstance(envelope, dict):
        raise CAResponseError(f"{what}: the CA's answer is not a JSON object", status=status)
    errors = tuple(
        ServerMessage(int(e.get("code", 0)), str(e.get("message", "")))
        for e in envelope.get("errors") or ()
        if isinstance(e, dict)
    )
    if status >= 400 or not envelope.get("success", False) or errors:
        raise error_for(status, errors)
    result = envelope.get("result")
    if not isinstance(result, dict):
        raise CAResponseError(f"{what}: the CA's answer has no result object", status=status)
    return result


def _field(result: Mapping[str, Any], name: str) -> Any:
    if name not in result:
        raise CAResponseError(f"The CA's answer lacks {name!r}")
    return result[name]


def _b64decode(value: Any, what: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CAResponseError(f"The CA's {what} is not base64") from exc


def _ca_info(result: Mapping[str, Any]) -> CAInfo:
    return CAInfo(
        ca_name=str(result.get("CAName", "")),
        ca_chain=_b64decode(_field(result, "CAChain"), "CA chain"),
        issuer_public_key=_b64decode(result.get("IssuerPublicKey", ""), "issuer public key"),
        issuer_revocation_public_key=_b64decode(
            result.get("IssuerRevocationPublicKey", ""), "issuer revocation public key"
        ),
        version=str(result.get("Version", "")),
    )


def _enrollment(result: Mapping[str, Any], key: KeySigner) -> Enrollment:
    certificate = _b64decode(_field(result, "Cert"), "certificate")
    server_info = _field(result, "ServerInfo")
    if not isinstance(server_info, dict):
        raise CAResponseError("The CA's ServerInfo is not an object")
    return Enrollment(certificate=certificate, key=key, ca_info=_ca_info(server_info))


def _crl_pem(value: Any) -> bytes:
    raw = _b64decode(value, "CRL")
    if raw.lstrip().startswith(b"-----BEGIN"):
        return raw
    try:
        crl = x509.load_der_x509_crl(raw)
    except ValueError as exc:
        raise CAResponseError("The CA's CRL is neither PEM nor DER") from exc
    from cryptography.hazmat.primitives import serialization

    return crl.public_bytes(serialization.Encoding.PEM)
