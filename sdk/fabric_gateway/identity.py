"""Who the client is: an MSP ID plus credentials.

Owns: the :class:`Identity` protocol and :class:`X509Identity`.
Must not import: protobuf, grpc, or signing code (who you are and how you sign are separate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["Identity", "X509Identity"]


@runtime_checkable
class Identity(Protocol):
    """A client identity as the network sees it."""

    @property
    def msp_id(self) -> str:
        """ID of the Membership Service Provider that issued the credentials."""
        ...

    @property
    def credentials(self) -> bytes:
        """The identity's credentials; for X.509 identities, the PEM certificate."""
        ...


@dataclass(frozen=True, slots=True)
class X509Identity:
    """An X.509 identity: MSP ID and PEM-encoded certificate bytes.

    Serialized on the wire as ``msp.SerializedIdentity{mspid, id_bytes=certificate}``.
    """

    msp_id: str
    certificate: bytes = field(repr=False)

    @property
    def credentials(self) -> bytes:
        """The PEM certificate, as carried in ``SerializedIdentity.id_bytes``."""
        return self.certificate
