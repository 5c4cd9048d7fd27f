"""Who holds which org role, as this peer's operator configured its chaincode server.

On an empty ledger the first ``governance:Bootstrap`` decides who is issuer, registrar and
exchange. So that no single organisation can crown itself, every endorsing peer's
chaincode server is told by its own operator which MSPs hold which role, and refuses a
bootstrap naming anything else (``BOOTSTRAP_ROLES_MISMATCH``); a bootstrap therefore
commits only with the endorsements the chaincode's endorsement policy asks for (a majority
of the organisations), each of whose honest peers checks it. A server with no roles
configured refuses every bootstrap.

The configuration is one JSON object, role -> list of MSP IDs (the same shape as
governance's ``org_roles``), parsed strictly (a repeated key is refused, like every JSON
the register reads). Where it comes from is the chaincode's assembly's business
(:mod:`sovereign_assets.operator_config` reads the server's environment); the contract
gets a :data:`RolesSource` and calls it when a bootstrap runs (once per ledger). It is
deliberately per-peer state: that is what lets honest peers refuse a dishonest proposer's
bootstrap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ledger_codec import CodecError, loads
from sovereign_assets.domain import ErrorCode

from .rules import RuleError

RolesSource = Callable[[], str | bytes | None]
"""Returns the operator's org-roles JSON, None when none is configured; may raise
``OSError`` or ``ValueError`` when it cannot be read."""


def _normalised(roles: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    # A role listed with no MSP is the same as a role not listed; order does not matter.
    return {role: tuple(sorted(set(msps))) for role, msps in roles.items() if msps}


def parse_roles(text: str | bytes) -> dict[str, tuple[str, ...]]:
    """The role -> MSP IDs object ``text`` holds; ``ValueError`` when it is not one."""
    try:
        document = loads(text)
    except CodecError as exc:
        raise ValueError(f"not strict JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object of role -> list of MSP IDs")
    roles: dict[str, list[str]] = {}
    for role, msps in document.items():
        if not isinstance(msps, list) or not all(isinstance(m, str) and m for m in msps):
            raise ValueError(f"{role}: expected a list of MSP IDs")
        roles[role] = msps
    return _normalised(roles)


def require_configured_roles(
    org_roles: Mapping[str, Sequence[str]], source: RolesSource | None
) -> None:
    """Raise ``BOOTSTRAP_ROLES_MISMATCH`` unless ``org_roles`` are exactly the roles this
    server's operator configured (``source``; None: none configured)."""
    try:
        raw = None if source is None else source()
        configured = None if raw is None else parse_roles(raw)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise RuleError(
            ErrorCode.BOOTSTRAP_ROLES_MISMATCH, f"this peer's org-roles configuration: {reason}"
        ) from None
    if configured is None:
        raise RuleError(
            ErrorCode.BOOTSTRAP_ROLES_MISMATCH, "this peer's operator configured no org roles"
        )
    if _normalised(org_roles) != configured:
        raise RuleError(
            ErrorCode.BOOTSTRAP_ROLES_MISMATCH,
            "org_roles differ from those this peer's operator configured",
        )
