"""What each organisation's operator tells its own chaincode server, from its environment.

:func:`roles_from_environment` returns the org-roles JSON (role -> MSP IDs) that
``governance:Bootstrap`` checks on this peer (:mod:`sovereign_assets.contracts.operator_roles`):
the file named by :data:`ROLES_FILE_ENV` (``sov network`` writes one per org from its
topology), else the object itself in :data:`ROLES_ENV`, else None (the server endorses no
bootstrap). Read when a bootstrap runs, so the server needs no restart to pick it up; never
logged.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ROLES_FILE_ENV = "SOVEREIGN_ORG_ROLES_FILE"
"""Environment variable naming the operator's org-roles JSON file."""

ROLES_ENV = "SOVEREIGN_ORG_ROLES"
"""Environment variable holding the org-roles JSON object itself (used when no file)."""


def roles_from_environment(env: Mapping[str, str] | None = None) -> bytes | None:
    """The operator's org-roles JSON, or None; ``OSError`` when the file named cannot be
    read."""
    env = os.environ if env is None else env
    path = env.get(ROLES_FILE_ENV)
    if path:
        return Path(path).read_bytes()
    inline = env.get(ROLES_ENV)
    return inline.encode("utf-8") if inline else None
