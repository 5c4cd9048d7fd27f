"""The CLI's config file: named profiles of defaults for the global options.

``$SOV_CONFIG`` or ``~/.config/sovereign-ledger/config.toml``::

    [profiles.treasury]
    home = "~/.local/state/sovereign-ledger/network"
    as = "Treasury/debtoffice"

Command-line options and their environment variables win over a profile.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Profile:
    home: Path | None = None
    topology: Path | None = None
    base_port: int | None = None
    as_user: str | None = None


def config_path() -> Path:
    if os.environ.get("SOV_CONFIG"):
        return Path(os.environ["SOV_CONFIG"]).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "sovereign-ledger" / "config.toml"


def load_profile(name: str | None) -> Profile:
    """The named profile (``default`` when none is named and one exists)."""
    path = config_path()
    if not path.is_file():
        if name:
            raise ValueError(f"profile {name!r} asked for, but there is no config file {path}")
        return Profile()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc
    profiles = document.get("profiles", {})
    key = name or "default"
    if key not in profiles:
        if name:
            known = ", ".join(sorted(profiles)) or "none"
            raise ValueError(f"{path}: no profile {name!r} (known: {known})")
        return Profile()
    table = profiles[key]
    allowed = {"home", "topology", "base_port", "as"}
    unknown = set(table) - allowed
    if unknown:
        raise ValueError(f"{path}: profile {key!r} has unknown keys {', '.join(sorted(unknown))}")
    base_port = table.get("base_port")
    if base_port is not None and not isinstance(base_port, int):
        raise ValueError(f"{path}: profile {key!r}: base_port must be an integer")
    return Profile(
        home=Path(table["home"]).expanduser() if "home" in table else None,
        topology=Path(table["topology"]).expanduser() if "topology" in table else None,
        base_port=base_port,
        as_user=table.get("as"),
    )
