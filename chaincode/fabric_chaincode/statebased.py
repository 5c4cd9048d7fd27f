"""Key-level (state-based) endorsement policies, like Go's ``statebased.KeyEndorsementPolicy``.

Owns :class:`KeyEndorsementPolicy`: a set of organisations, each with a role, encoded as a
``SignaturePolicyEnvelope`` that requires a signature from ALL of them (N out of N, principals
sorted by MSP ID so every endorser produces identical bytes).
Protobuf only through :mod:`fabric_chaincode._wire`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from fabric_chaincode import _wire
from fabric_chaincode.errors import ProtocolError, StubError


class Role(enum.IntEnum):
    """``MSPRole.MSPRoleType`` values a key-level policy may require."""

    MEMBER = 0
    ADMIN = 1
    CLIENT = 2
    PEER = 3


class KeyEndorsementPolicy:
    """An "all of these organisations" endorsement policy for one key."""

    def __init__(self, policy: bytes | None = None) -> None:
        self._orgs: dict[str, Role] = {}
        if policy:
            try:
                principals = _wire.decode_signature_policy(policy)
            except ProtocolError as exc:
                raise StubError("not a SignaturePolicyEnvelope") from exc
            for msp_id, role in principals:
                try:
                    self._orgs[msp_id] = Role(role)
                except ValueError as exc:
                    raise StubError(f"unsupported role {role} in policy") from exc

    def add_orgs(self, role: Role | str, *msp_ids: str) -> None:
        """Require a signature of ``role`` from each MSP ID (replaces an existing role)."""
        resolved = role if isinstance(role, Role) else _role_from_name(role)
        for msp_id in msp_ids:
            if not msp_id:
                raise StubError("MSP ID must not be empty")
            self._orgs[msp_id] = resolved

    def del_orgs(self, *msp_ids: str) -> None:
        """Stop requiring these organisations."""
        for msp_id in msp_ids:
            self._orgs.pop(msp_id, None)

    def list_orgs(self) -> list[str]:
        """MSP IDs required, sorted."""
        return sorted(self._orgs)

    def role_of(self, msp_id: str) -> Role | None:
        """The role required of an organisation, or None."""
        return self._orgs.get(msp_id)

    def policy(self) -> bytes:
        """The serialized ``SignaturePolicyEnvelope``."""
        return _wire.encode_signature_policy(
            [(msp_id, int(self._orgs[msp_id])) for msp_id in self.list_orgs()]
        )

    def __bytes__(self) -> bytes:
        return self.policy()

    @classmethod
    def of(cls, msp_ids: Iterable[str], role: Role = Role.PEER) -> KeyEndorsementPolicy:
        """A policy requiring ``role`` from each of ``msp_ids``."""
        policy = cls()
        policy.add_orgs(role, *msp_ids)
        return policy


def _role_from_name(name: str) -> Role:
    try:
        return Role[name.upper()]
    except KeyError as exc:
        raise StubError(f"unknown role {name!r}; use member, peer, admin or client") from exc
