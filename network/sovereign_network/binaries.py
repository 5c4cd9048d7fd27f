"""Finding, or building once, the Fabric binaries at a pinned commit.

Order of preference:

1. ``FABRIC_BIN=<dir>``: binaries the user downloaded from Fabric's releases
   (``<dir>/../config`` holds their ``core.yaml`` and ``orderer.yaml``);
2. a per-commit cache (``$SOV_CACHE`` or ``~/.cache/sovereign-ledger``) filled by
   ``go install <package>@<commit>`` and skipped when already there.

``FABRIC_VERSION`` selects the pinned release (3.1 by default, or 2.5).
When neither Go nor ``FABRIC_BIN`` can provide the binaries, a
:class:`BinariesUnavailable` error says what to install, or what the module
proxy answered.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

FABRIC_MODULE = "github.com/hyperledger/fabric"
RELEASES: Mapping[str, str] = {
    "3.1": "86c1172bec37e6590c6b1ae6f847833df48d65fc",  # v3.1.5
    "2.5": "f871cf92a026aba7b12e6f06d71ded3e6e659d71",  # v2.5.16
}
RELEASE_NAMES: Mapping[str, str] = {"3.1": "v3.1.5", "2.5": "v2.5.16"}
DEFAULT_VERSION = "3.1"
TOOLS = ("peer", "orderer", "configtxgen", "osnadmin")
_STAMP = "installed.json"


class BinariesUnavailable(RuntimeError):
    """The Fabric binaries cannot be found or built; the message says why and what to do."""


@dataclass(frozen=True)
class FabricInstall:
    """Where the binaries and their sample configuration are."""

    version: str
    commit: str
    bin_dir: Path
    config_dir: Path

    def tool(self, name: str) -> Path:
        return self.bin_dir / name

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])


def selected_version(env: Mapping[str, str] | None = None) -> str:
    """The release chosen by ``FABRIC_VERSION`` (``3.1``, ``v3.1.5``, ``2.5``, ...)."""
    env = os.environ if env is None else env
    raw = env.get("FABRIC_VERSION", DEFAULT_VERSION).strip().lstrip("v")
    for version in RELEASES:
        if raw == version or raw.startswith(version + "."):
            return version
    known = ", ".join(RELEASE_NAMES.values())
    raise BinariesUnavailable(f"FABRIC_VERSION={raw!r} is not supported; choose one of {known}")


def cache_root(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("SOV_CACHE"):
        return Path(env["SOV_CACHE"])
    base = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "sovereign-ledger"


def locate(env: Mapping[str, str] | None = None) -> FabricInstall:
    """Find usable binaries without building anything."""
    env = os.environ if env is None else env
    version = selected_version(env)
    commit = RELEASES[version]
    if env.get("FABRIC_BIN"):
        bin_dir = Path(env["FABRIC_BIN"]).expanduser().resolve()
        missing = [t for t in TOOLS if not os.access(bin_dir / t, os.X_OK)]
        if missing:
            raise BinariesUnavailable(
                f"FABRIC_BIN={bin_dir} lacks executable {', '.join(missing)}; point it at the "
                "bin/ folder of an unpacked Fabric release"
            )
        config_dir = Path(env.get("FABRIC_CFG", bin_dir.parent / "config"))
        if not (config_dir / "core.yaml").is_file():
            raise BinariesUnavailable(
                f"no core.yaml in {config_dir}; set FABRIC_CFG to the release's config/ folder"
            )
        return FabricInstall(version, commit, bin_dir, config_dir)
    target = cache_root(env) / "fabric" / commit
    stamp = target / _STAMP
    if stamp.is_file():
        recorded = json.loads(stamp.read_text())
        config_dir = Path(recorded["config_dir"])
        if all(os.access(target / "bin" / t, os.X_OK) for t in TOOLS) and config_dir.is_dir():
            return FabricInstall(version, commit, target / "bin", config_dir)
    raise BinariesUnavailable(f"Fabric {RELEASE_NAMES[version]} is not in the cache {target}")


def ensure(env: Mapping[str, str] | None = None, *, log: bool = True) -> FabricInstall:
    """Return usable binaries, building them with ``go install`` when not cached."""
    env = os.environ if env is None else env
    try:
        return locate(env)
    except BinariesUnavailable:
        if env.get("FABRIC_BIN"):
            raise
    version = selected_version(env)
    commit = RELEASES[version]
    go = shutil.which("go", path=env.get("PATH"))
    if go is None:
        raise BinariesUnavailable(
            "neither Go nor FABRIC_BIN is available: install Go >= 1.23 (the Fabric binaries "
            f"are built once with `go install {FABRIC_MODULE}/cmd/peer@{commit[:12]}` ...), or "
            "download a Fabric release and set FABRIC_BIN to its bin/ folder"
        )
    target = cache_root(env) / "fabric" / commit
    go_env = {k: v for k, v in env.items() if k != "GOFLAGS"}
    # -mod=vendor would break installing a module by version.
    go_env["GOFLAGS"] = "-buildvcs=false"
    go_env["GOBIN"] = str(target / "bin")
    if log:
        print(
            f"building Fabric {RELEASE_NAMES[version]} ({commit[:12]}) into {target}; "
            "a cold build takes several minutes",
            file=sys.stderr,
            flush=True,
        )
    config_dir = _module_dir(go, commit, go_env) / "sampleconfig"
    packages = [f"{FABRIC_MODULE}/cmd/{tool}@{commit}" for tool in TOOLS]
    for package in packages:
        _run_go([go, "install", package], go_env, "go install")
    target.mkdir(parents=True, exist_ok=True)
    (target / _STAMP).write_text(
        json.dumps({"commit": commit, "version": version, "config_dir": str(config_dir)})
    )
    return locate(env)


def _module_dir(go: str, commit: str, env: Mapping[str, str]) -> Path:
    out = _run_go([go, "mod", "download", "-json", f"{FABRIC_MODULE}@{commit}"], env, "go mod")
    info = json.loads(out)
    if info.get("Error") or not info.get("Dir"):
        raise BinariesUnavailable(_explain(info.get("Error", "no module directory returned")))
    return Path(info["Dir"])


def _run_go(argv: list[str], env: Mapping[str, str], what: str) -> str:
    result = subprocess.run(
        argv, env=dict(env), capture_output=True, text=True, cwd=Path.home(), check=False
    )
    if result.returncode != 0:
        # `go mod download -json` reports through stdout with a non-zero exit.
        detail = result.stderr.strip() or result.stdout.strip()
        with contextlib.suppress(json.JSONDecodeError, AttributeError):
            detail = json.loads(result.stdout).get("Error", detail)
        raise BinariesUnavailable(_explain(f"{what} failed: {detail}"))
    return result.stdout


def _explain(detail: str) -> str:
    hint = ""
    if "403" in detail or "not available" in detail:
        hint = (
            "\nThe Go module proxy refused the Fabric module on this machine. Download a Fabric "
            "release elsewhere and set FABRIC_BIN to its bin/ folder."
        )
    return f"cannot build the Fabric binaries: {detail}{hint}"


def main(argv: list[str] | None = None) -> int:
    """``python -m sovereign_network.binaries ensure|locate``: print where the binaries are."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "ensure"
    try:
        install = ensure() if command == "ensure" else locate()
    except BinariesUnavailable as exc:
        print(f"fabric binaries: {exc}", file=sys.stderr)
        return 3
    print(f"fabric {RELEASE_NAMES[install.version]} binaries: {install.bin_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
