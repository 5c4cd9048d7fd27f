"""Python client for the Hyperledger Fabric CA REST API (Fabric CA 1.5).

``FabricCAClient(url, tls_root=...)`` -> ``enroll(id, secret)`` -> an :class:`Enrollment`
whose ``credentials`` authorize ``register``, ``reenroll``, ``revoke``, ``generate_crl`` and
the identity calls. The enrollment key is the caller's: a new in-memory P-256 key by default,
any ``cryptography`` EC key, or an HSM key through :class:`fabric_gateway.pkcs11.Pkcs11Signer`.
Errors derive from :class:`FabricCAError`; the server's refusals carry its error code.
"""

from .auth import basic_authorization, token_authorization
from .client import FabricCAClient
from .errors import (
    AlreadyRevokedError,
    AuthenticationError,
    AuthorizationError,
    BadRequestError,
    CAConnectionError,
    CAResponseError,
    CAServerError,
    FabricCAError,
    NotFoundError,
    ServerMessage,
)
from .keys import KeySigner, Signer, SoftwareKey, build_csr
from .models import (
    ATTRIBUTE_OID,
    Attribute,
    AttributeRequest,
    CAInfo,
    Credentials,
    Enrollment,
    IdentityInfo,
    RevocationReason,
    RevocationResult,
    RevokedCertificate,
    certificate_attributes,
    serial_and_aki,
)
from .msp import MspPaths, read_credentials, subject_key_identifier, write_msp
from .transport import HttpTransport, Transport

__all__ = [
    "ATTRIBUTE_OID",
    "AlreadyRevokedError",
    "Attribute",
    "AttributeRequest",
    "AuthenticationError",
    "AuthorizationError",
    "BadRequestError",
    "CAConnectionError",
    "CAInfo",
    "CAResponseError",
    "CAServerError",
    "Credentials",
    "Enrollment",
    "FabricCAClient",
    "FabricCAError",
    "HttpTransport",
    "IdentityInfo",
    "KeySigner",
    "MspPaths",
    "NotFoundError",
    "RevocationReason",
    "RevocationResult",
    "RevokedCertificate",
    "ServerMessage",
    "Signer",
    "SoftwareKey",
    "Transport",
    "basic_authorization",
    "build_csr",
    "certificate_attributes",
    "read_credentials",
    "serial_and_aki",
    "subject_key_identifier",
    "token_authorization",
    "write_msp",
]
