"""A hardware-backed (PKCS#11) ECDSA signer: the private key never leaves the HSM.

Owns: :class:`Pkcs11Signer` (P-256 and P-384 keys, mechanism ``CKM_ECDSA``; the token's raw
``r || s`` output is turned into the same low-S DER signature as :class:`~.signing.ECDSASigner`)
and the :class:`HsmError` tree. Optional: it needs ``python-pkcs11`` (the ``hsm`` extra) and is
imported only as ``fabric_gateway.pkcs11`` -- ``import fabric_gateway`` never imports it.
Must not import: protobuf, grpc or the client modules. The PIN is handed to the token's login
and is never logged, stored or put in ``repr`` or error messages.

Threads: libraries are initialised without locking callbacks (``C_Initialize(NULL)``), which
allows a library to assume calls are not made from several threads at once, and one session
cannot run two sign operations at once either. So every call into a library goes through one
lock per library, held around each sign call.

Login state in PKCS#11 belongs to the process, not the session: a second logged-in signer on a
token already logged in by this process is refused (:class:`LoginError`), and closing a signer
logs its token out. Open one signer per token per process.
"""

from __future__ import annotations

import os
import secrets
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Self

import pkcs11
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, utils
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11 import exceptions as p11
from pkcs11.util.ec import encode_named_curve_parameters

from .errors import GatewayError
from .signing import _CURVE_ORDERS, _PREHASH_BY_LENGTH, _SUPPORTED_CURVES, load_certificate_pem

if TYPE_CHECKING:
    from pkcs11._pkcs11 import lib as _library_type

__all__ = [
    "HsmError",
    "KeyMismatchError",
    "KeyNotFoundError",
    "LibraryLoadError",
    "LoginError",
    "PinIncorrectError",
    "Pkcs11Signer",
    "TokenNotFoundError",
    "UnsupportedKeyError",
]

_CURVES: dict[str, ec.EllipticCurve] = {"secp256r1": ec.SECP256R1(), "secp384r1": ec.SECP384R1()}


class HsmError(GatewayError):
    """A PKCS#11 library, token or key could not be used. Messages never carry the PIN."""


class LibraryLoadError(HsmError):
    """The PKCS#11 library could not be loaded or initialised (wrong path, not PKCS#11)."""


class TokenNotFoundError(HsmError):
    """No token, or more than one, has the given label."""


class LoginError(HsmError):
    """Logging in to the token failed (PIN locked or expired, already logged in, ...)."""


class PinIncorrectError(LoginError):
    """The token rejected the PIN."""


class KeyNotFoundError(HsmError):
    """No EC private key, or more than one, matches the given label / id."""


class UnsupportedKeyError(HsmError):
    """The key is not an ECDSA key on P-256 or P-384."""


class KeyMismatchError(HsmError):
    """The token's key does not belong to the given certificate."""


_LOCKS_GUARD = threading.Lock()
_LIBRARY_LOCKS: dict[str, threading.Lock] = {}


def _library_lock(path: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LIBRARY_LOCKS.setdefault(path, threading.Lock())


class Pkcs11Signer:
    """Signs digests with an EC private key held on a PKCS#11 token (``CKM_ECDSA``).

    Opens the library at ``library_path``, the token labelled ``token_label``, logs in with
    ``pin`` and finds the EC private key by ``key_label`` and/or ``key_id``. Satisfies the
    :class:`~fabric_gateway.Signer` protocol; use it as ``connect(..., signer=...)`` or for
    offline signing. Close it (or use it as a context manager) to log out and close the session.
    Call :meth:`check_certificate` at start-up to catch a key that does not match the identity.
    """

    __slots__ = ("_closed", "_curve_name", "_description", "_key", "_lock", "_session")

    def __init__(
        self,
        library_path: str | os.PathLike[str],
        *,
        token_label: str,
        pin: str,
        key_label: str | None = None,
        key_id: bytes | None = None,
    ) -> None:
        if key_label is None and key_id is None:
            raise ValueError("Give key_label or key_id (or both) to find the private key")
        # python-pkcs11 keeps one library object per path string, so load by the caller's path;
        # the lock is per file, so two spellings of one path still share it.
        path = os.fspath(library_path)
        self._lock = _library_lock(os.path.realpath(path))
        self._closed = False
        self._description = f"token={token_label!r}, {_key_query(key_label, key_id)}"
        with self._lock:
            library = _load_library(path)
            token = _find_token(library, token_label)
            self._session = _login(token, pin)
            try:
                self._key, self._curve_name = _find_private_key(self._session, key_label, key_id)
            except BaseException as exc:
                self._session.close()
                if isinstance(exc, p11.PKCS11Error):
                    raise HsmError(f"Reading the key failed ({type(exc).__name__})") from exc
                raise

    def __repr__(self) -> str:
        return f"Pkcs11Signer({self._description}, curve={self._curve_name})"

    @property
    def curve(self) -> str:
        """The key's curve name (``"secp256r1"`` or ``"secp384r1"``)."""
        return self._curve_name

    def sign(self, digest: bytes) -> bytes:
        """Sign a 32-, 48- or 64-byte digest on the token; the signature is DER with low S."""
        if len(digest) not in _PREHASH_BY_LENGTH:
            raise ValueError(f"ECDSA signer needs a hashed digest, got {len(digest)} bytes")
        with self._lock:
            if self._closed:
                raise HsmError("The PKCS#11 signer is closed")
            try:
                raw = self._key.sign(digest, mechanism=Mechanism.ECDSA)
            except p11.PKCS11Error as exc:
                raise HsmError(f"PKCS#11 signing failed ({type(exc).__name__})") from exc
        size = _coordinate_size(self._curve_name)
        if len(raw) != 2 * size:
            raise HsmError(f"Token returned a {len(raw)}-byte ECDSA signature for {self.curve}")
        r = int.from_bytes(raw[:size], "big")
        s = int.from_bytes(raw[size:], "big")
        # Fabric rejects high-S signatures; (r, n - s) is the equivalent low-S signature.
        order = _CURVE_ORDERS[self._curve_name]
        if s > order // 2:
            s = order - s
        return utils.encode_dss_signature(r, s)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        """Read the key pair's public key from the token's public key object (same id/label).

        Raises :class:`KeyNotFoundError` when the token holds no matching public key object;
        :meth:`check_certificate` does not need one.
        """
        with self._lock:
            if self._closed:
                raise HsmError("The PKCS#11 signer is closed")
            try:
                key_id = bytes(self._key[Attribute.ID] or b"")
                label = str(self._key[Attribute.LABEL] or "")
                matches = _find_objects(
                    self._session, ObjectClass.PUBLIC_KEY, None if key_id else label, key_id or None
                )
                if len(matches) != 1:
                    raise KeyNotFoundError(
                        "No single EC public key object matches the private key "
                        f"({self._description})"
                    )
                encoded = bytes(matches[0][Attribute.EC_POINT])
            except p11.PKCS11Error as exc:
                raise HsmError(f"Reading the public key failed ({type(exc).__name__})") from exc
        point = _unwrap_ec_point(encoded, _coordinate_size(self._curve_name))
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[self._curve_name], point)
        except ValueError as exc:
            raise HsmError(f"Token returned an invalid EC point ({self._description})") from exc

    def check_certificate(self, certificate: x509.Certificate | bytes) -> None:
        """Check that this key belongs to ``certificate`` (object or PEM); raise if not.

        Signs a random digest on the token and verifies it with the certificate's public key,
        which proves the match whether or not the token holds a public key object.
        Raises :class:`KeyMismatchError`.
        """
        if not isinstance(certificate, x509.Certificate):
            certificate = load_certificate_pem(certificate)
        public_key = certificate.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise KeyMismatchError("The certificate's key is not an EC key")
        if public_key.curve.name != self._curve_name:
            raise KeyMismatchError(
                f"The certificate's key is on {public_key.curve.name}, "
                f"the token's key on {self._curve_name}"
            )
        digest = secrets.token_bytes(32)
        signature = self.sign(digest)
        try:
            public_key.verify(signature, digest, ec.ECDSA(utils.Prehashed(_PREHASH_BY_LENGTH[32])))
        except InvalidSignature:
            raise KeyMismatchError(
                f"The token's private key does not match the certificate ({self._description})"
            ) from None

    def close(self) -> None:
        """Log out and close the session. Idempotent; signing afterwards raises HsmError."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._session.close()
            except p11.PKCS11Error as exc:
                raise HsmError(
                    f"Closing the PKCS#11 session failed ({type(exc).__name__})"
                ) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _load_library(path: str) -> _library_type:
    try:
        return pkcs11.lib(path)
    except p11.PKCS11Error as exc:
        raise LibraryLoadError(f"Cannot load the PKCS#11 library {path}: {exc}") from exc


def _find_token(library: _library_type, label: str) -> pkcs11.Token:
    try:
        return library.get_token(token_label=label)
    except p11.NoSuchToken as exc:
        raise TokenNotFoundError(f"No PKCS#11 token labelled {label!r}") from exc
    except p11.MultipleTokensReturned as exc:
        raise TokenNotFoundError(f"More than one PKCS#11 token labelled {label!r}") from exc


def _login(token: pkcs11.Token, pin: str) -> pkcs11.Session:
    try:
        return token.open(user_pin=pin)
    except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange) as exc:
        raise PinIncorrectError(f"The token {token.label!r} rejected the PIN") from exc
    except p11.UserAlreadyLoggedIn as exc:
        raise LoginError(
            f"This process is already logged in to token {token.label!r}; open one signer per token"
        ) from exc
    except p11.PKCS11Error as exc:
        raise LoginError(f"Login to token {token.label!r} failed ({type(exc).__name__})") from exc


def _find_private_key(
    session: pkcs11.Session, label: str | None, key_id: bytes | None
) -> tuple[pkcs11.SignMixin, str]:
    wanted = _key_query(label, key_id)
    matches = _find_objects(session, ObjectClass.PRIVATE_KEY, label, key_id)
    if not matches:
        raise KeyNotFoundError(f"No EC private key with {wanted} on the token")
    if len(matches) > 1:
        raise KeyNotFoundError(f"More than one EC private key with {wanted}")
    (key,) = matches
    params = bytes(key[Attribute.EC_PARAMS])
    curve_name = next(
        (name for name in _SUPPORTED_CURVES if encode_named_curve_parameters(name) == params),
        None,
    )
    if curve_name is None:
        raise UnsupportedKeyError(f"The key with {wanted} is not on P-256 or P-384")
    if not isinstance(key, pkcs11.SignMixin):
        raise UnsupportedKeyError(f"The key with {wanted} is not allowed to sign (CKA_SIGN)")
    return key, curve_name


def _find_objects(
    session: pkcs11.Session, object_class: ObjectClass, label: str | None, key_id: bytes | None
) -> list[pkcs11.Object]:
    attributes: dict[Attribute, object] = {
        Attribute.CLASS: object_class,
        Attribute.KEY_TYPE: KeyType.EC,
    }
    if label is not None:
        attributes[Attribute.LABEL] = label
    if key_id is not None:
        attributes[Attribute.ID] = key_id
    # Exhaust the search: an abandoned search iterator would finish its find operation later,
    # possibly after the session is closed.
    return list(session.get_objects(attributes))


def _key_query(label: str | None, key_id: bytes | None) -> str:
    parts = [] if label is None else [f"label={label!r}"]
    if key_id is not None:
        parts.append(f"id={key_id.hex()}")
    return " ".join(parts)


def _coordinate_size(curve_name: str) -> int:
    return (_SUPPORTED_CURVES[curve_name] + 7) // 8


def _unwrap_ec_point(value: bytes, size: int) -> bytes:
    # CKA_EC_POINT is a DER OCTET STRING around the uncompressed point (04 || x || y); some
    # tokens return the bare point. For P-256/P-384 the DER length fits in one byte.
    point_length = 1 + 2 * size
    if len(value) == point_length and value[0] == 0x04:
        return value
    if len(value) == point_length + 2 and value[0] == 0x04 and value[1] == point_length:
        return value[2:]
    raise HsmError("Token returned an EC point in an unexpected encoding")
