"""Finding the Fabric binaries: from a release, a folder, the cache, or built once.

Order of preference:

1. ``FABRIC_RELEASE=<path>``: an official Fabric release, as the archive users download
   (``hyperledger-fabric-linux-amd64-<version>.tar.gz``, or ``.tar.xz``) or that archive
   unpacked (``bin/``, ``config/``, ``builders/ccaas/bin/``). An archive is unpacked once
   into the cache, keyed by release and archive digest;
2. ``FABRIC_BIN=<dir>``: a ``bin/`` folder of Fabric's binaries (``<dir>/../config``
   holds their ``core.yaml`` and ``orderer.yaml``, or ``FABRIC_CFG`` names the folder);
3. the per-release cache (``$SOV_CACHE`` or ``~/.cache/sovereign-ledger``): a release
   put there by :func:`install` (``sov fabric install``), or binaries built by
4. ``go install <package>@<commit>``, once, when nothing above provides them.

``FABRIC_VERSION`` selects the pinned release (3.1 by default, or 2.5); a release whose
``peer version`` reports another version is refused. Fabric CA comes the same way from
``FABRIC_CA_RELEASE`` or the cache (:func:`locate_ca`). Whatever cannot be had raises
:class:`BinariesUnavailable`, saying what is missing and what to do.

Cache layout, under ``cache_root()/fabric/``::

    <commit>/installed.json          the release the selected version uses (install, go build)
    <commit>/bin/                    binaries built by ``go install``
    <commit>/release-<digest>/       an unpacked Fabric release (bin/, config/, builders/)
    ca-v<version>/installed.json     the installed Fabric CA release
    ca-v<version>/release-<digest>/  an unpacked Fabric CA release (bin/)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import lzma
import os
import posixpath
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ledger_codec import loads_unique

FABRIC_MODULE = "github.com/hyperledger/fabric"
RELEASES: Mapping[str, str] = {
    "3.1": "86c1172bec37e6590c6b1ae6f847833df48d65fc",  # v3.1.5
    "2.5": "f871cf92a026aba7b12e6f06d71ded3e6e659d71",  # v2.5.16
}
RELEASE_NAMES: Mapping[str, str] = {"3.1": "v3.1.5", "2.5": "v2.5.16"}
DEFAULT_VERSION = "3.1"
TOOLS = ("peer", "orderer", "configtxgen", "osnadmin")
CA_RELEASE_NAME = "v1.5.21"
CA_TOOLS = ("fabric-ca-server", "fabric-ca-client")
_STAMP = "installed.json"
_RELEASE_STAMP = "release.json"
_DIGEST_CHARS = 16
_VERSION_TIMEOUT = 30.0
_STALE_UNPACK_SECONDS = 3600.0


class BinariesUnavailable(RuntimeError):
    """The Fabric binaries cannot be found or built; the message says why and what to do."""


@dataclass(frozen=True)
class FabricInstall:
    """Where the binaries, their sample configuration and the release's builder are."""

    version: str
    """The pinned release line, a key of :data:`RELEASES` (``3.1``)."""
    commit: str
    """The full source commit pinned for that release."""
    bin_dir: Path
    config_dir: Path
    builders_dir: Path | None = None
    """The release's chaincode-as-a-service builder (``builders/ccaas/bin``), if it has one."""
    reported_commit: str | None = None
    """The commit ``peer version`` printed ("Commit SHA"), when the binaries were asked."""
    source: str = "unknown"
    """Where they came from: ``FABRIC_RELEASE``, ``FABRIC_BIN``, ``installed`` or ``built``."""

    def tool(self, name: str) -> Path:
        return self.bin_dir / name

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])

    @property
    def release(self) -> str:
        """The release's name, ``v3.1.5``."""
        return RELEASE_NAMES[self.version]


@dataclass(frozen=True)
class FabricCAInstall:
    """Where ``fabric-ca-server`` and ``fabric-ca-client`` are."""

    version: str
    """What ``fabric-ca-server version`` printed (``1.5.21``)."""
    bin_dir: Path
    source: str = "unknown"
    """``FABRIC_CA_RELEASE`` or ``installed``."""

    def tool(self, name: str) -> Path:
        return self.bin_dir / name


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


def _fabric_cache(env: Mapping[str, str]) -> Path:
    return cache_root(env) / "fabric"


def _ca_cache(env: Mapping[str, str]) -> Path:
    return _fabric_cache(env) / f"ca-{CA_RELEASE_NAME}"


# --- asking the binaries what they are ------------------------------------------------------


def tool_version(tool: Path) -> dict[str, str]:
    """The ``Key: Value`` lines ``<tool> version`` prints (``Version``, ``Commit SHA``, ...)."""
    try:
        result = subprocess.run(
            [str(tool), "version"],
            capture_output=True,
            text=True,
            timeout=_VERSION_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BinariesUnavailable(f"cannot run `{tool} version`: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr.strip() or result.stdout.strip())[-500:]
        raise BinariesUnavailable(
            f"`{tool} version` failed with exit code {result.returncode}: {detail}"
        )
    fields: dict[str, str] = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip():
            fields.setdefault(key.strip(), value.strip())
    if "Version" not in fields:
        raise BinariesUnavailable(f"`{tool} version` printed no Version: {result.stdout!r}")
    return fields


def peer_version(bin_dir: Path) -> tuple[str, str | None]:
    """``(version, commit)`` as ``<bin_dir>/peer version`` prints them (``3.1.5``, ``86c1172``)."""
    fields = tool_version(bin_dir / "peer")
    return fields["Version"].lstrip("v"), fields.get("Commit SHA")


def _release_of(reported: str) -> str | None:
    """The :data:`RELEASES` key whose pinned release ``peer version`` reported, if any."""
    for version, name in RELEASE_NAMES.items():
        if name.lstrip("v") == reported:
            return version
    return None


def _missing(bin_dir: Path, tools: tuple[str, ...]) -> list[str]:
    return [t for t in tools if not os.access(bin_dir / t, os.X_OK)]


# --- unpacking releases into the cache -------------------------------------------------------


@dataclass(frozen=True)
class _Release:
    """An unpacked release folder and what its binaries said they are."""

    root: Path
    kind: str  # "fabric" or "fabric-ca"
    version: str  # as printed, "3.1.5"
    commit: str | None

    def fabric_install(self, source: str) -> FabricInstall:
        key = _release_of(self.version)
        if key is None:  # _identify refuses these; a hand-edited stamp could still say so
            raise BinariesUnavailable(f"{self.root} holds Fabric {self.version}, not pinned here")
        builders = self.root / "builders" / "ccaas" / "bin"
        return FabricInstall(
            version=key,
            commit=RELEASES[key],
            bin_dir=self.root / "bin",
            config_dir=self.root / "config",
            builders_dir=builders if builders.is_dir() else None,
            reported_commit=self.commit,
            source=source,
        )

    def ca_install(self, source: str) -> FabricCAInstall:
        return FabricCAInstall(version=self.version, bin_dir=self.root / "bin", source=source)

    def stamp(self) -> dict[str, Any]:
        return {"kind": self.kind, "version": self.version, "commit": self.commit}

    @classmethod
    def read(cls, root: Path) -> _Release:
        recorded = loads_unique((root / _RELEASE_STAMP).read_text())
        return cls(root, recorded["kind"], recorded["version"], recorded.get("commit"))


def _release_root(folder: Path) -> Path:
    """The folder holding ``bin/``: the folder itself, or its only subfolder."""
    if (folder / "bin").is_dir():
        return folder
    children = [c for c in folder.iterdir() if not c.name.startswith(".")]
    if len(children) == 1 and (children[0] / "bin").is_dir():
        return children[0]
    return folder


def _identify(root: Path, label: str) -> _Release:
    """Ask the release's binaries what it is; refuse what the tooling cannot use."""
    bin_dir = root / "bin"
    if (bin_dir / "peer").exists():
        missing = _missing(bin_dir, TOOLS)
        if missing:
            raise BinariesUnavailable(
                f"{label} is not a complete Fabric release: bin/ lacks executable "
                f"{', '.join(missing)}"
            )
        if not (root / "config" / "core.yaml").is_file():
            raise BinariesUnavailable(
                f"{label} is not a complete Fabric release: no config/core.yaml"
            )
        version, commit = peer_version(bin_dir)
        if _release_of(version) is None:
            known = ", ".join(RELEASE_NAMES.values())
            raise BinariesUnavailable(
                f"{label} is Fabric {version}; the supported releases are {known}"
            )
        return _Release(root, "fabric", version, commit)
    if (bin_dir / "fabric-ca-server").exists():
        missing = _missing(bin_dir, CA_TOOLS)
        if missing:
            raise BinariesUnavailable(
                f"{label} is not a complete Fabric CA release: bin/ lacks executable "
                f"{', '.join(missing)}"
            )
        version = tool_version(bin_dir / "fabric-ca-server")["Version"].lstrip("v")
        if version != CA_RELEASE_NAME.lstrip("v"):
            raise BinariesUnavailable(
                f"{label} is Fabric CA {version}; the supported release is {CA_RELEASE_NAME}"
            )
        return _Release(root, "fabric-ca", version, None)
    raise BinariesUnavailable(
        f"{label} is neither a Fabric release (bin/peer, config/) nor a Fabric CA release "
        "(bin/fabric-ca-server)"
    )


def _file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _tree_digest(root: Path) -> str:
    """A digest of a folder's files (relative paths, modes and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(str(path.stat().st_mode & 0o111).encode() + b"\0")
        digest.update(_file_digest(path).encode())
    return digest.hexdigest()


def _checked_members(archive: tarfile.TarFile, label: str) -> list[tarfile.TarInfo]:
    """Every member, refusing any that would land outside the folder it is unpacked in."""
    members = archive.getmembers()
    for member in members:
        name = member.name
        normal = posixpath.normpath(name)
        escapes = PurePosixPath(name).is_absolute() or normal == ".." or normal.startswith("../")
        if member.issym() or member.islnk():
            base = posixpath.dirname(normal) if member.issym() else ""
            target = posixpath.normpath(posixpath.join(base, member.linkname))
            escapes = escapes or member.linkname.startswith("/") or target.startswith("../")
            escapes = escapes or target == ".."
        if escapes:
            raise BinariesUnavailable(
                f"{label}: member {name!r} would land outside the release folder; "
                "refusing to unpack it"
            )
        if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
            raise BinariesUnavailable(
                f"{label}: member {name!r} is a device or pipe; refusing to unpack it"
            )
    return members


def _extract(archive: Path, into: Path) -> None:
    label = str(archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = _checked_members(tar, label)
            if hasattr(tarfile, "data_filter"):
                tar.extractall(into, members=members, filter="data")
            else:  # Python < 3.11.4: the members were checked above
                tar.extractall(into, members=members)  # noqa: S202
    except BinariesUnavailable:
        raise
    except (tarfile.TarError, EOFError, OSError, lzma.LZMAError, zlib.error) as exc:
        raise BinariesUnavailable(
            f"cannot unpack {label} (a Fabric release .tar.gz or .tar.xz): {exc}"
        ) from exc


def _sweep_stale_unpacks(parent: Path) -> None:
    """Remove unpack folders that a killed process left behind long ago."""
    now = time.time()
    for stale in parent.glob(".unpack-*"):
        with contextlib.suppress(OSError):
            if now - stale.stat().st_mtime > _STALE_UNPACK_SECONDS:
                shutil.rmtree(stale, ignore_errors=True)


def _cached(source: Path, env: Mapping[str, str]) -> _Release:
    """The release at ``source`` (archive or folder), unpacked or copied into the cache once.

    The copy is made in a temporary folder beside its final place and renamed there only
    once complete and identified, so a half-unpacked release is never used; a second call
    with the same archive finds it by digest without unpacking or running anything.
    """
    label = str(source)
    digest = (_tree_digest(source) if source.is_dir() else _file_digest(source))[:_DIGEST_CHARS]
    name = f"release-{digest}"
    parent = _fabric_cache(env)
    for found in sorted(parent.glob(f"*/{name}/{_RELEASE_STAMP}")):
        with contextlib.suppress(OSError, ValueError, KeyError):
            return _Release.read(found.parent)
    parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale_unpacks(parent)
    work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=parent))
    try:
        if source.is_dir():
            shutil.copytree(_release_root(source), work / "release")
        else:
            _extract(source, work)
        release = _identify(_release_root(work), label)
        (release.root / _RELEASE_STAMP).write_text(json.dumps(release.stamp(), sort_keys=True))
        if release.kind == "fabric":
            key = _release_of(release.version)
            assert key is not None  # _identify refused the others
            home = parent / RELEASES[key]
        else:
            home = _ca_cache(env)
        home.mkdir(parents=True, exist_ok=True)
        target = home / name
        try:
            release.root.rename(target)
        except OSError:
            # Another process finished the same release first: use that one.
            if not (target / _RELEASE_STAMP).is_file():
                raise
        return _Release.read(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _release_at(path: Path, env: Mapping[str, str]) -> _Release:
    """An archive (unpacked into the cache) or an unpacked release folder (used in place)."""
    if not path.exists():
        raise BinariesUnavailable(f"{path} does not exist")
    if path.is_dir():
        root = _release_root(path)
        return _identify(root, str(path))
    return _cached(path, env)


# --- Fabric ----------------------------------------------------------------------------------


_KINDS = {"fabric": ("Fabric", "FABRIC_RELEASE"), "fabric-ca": ("Fabric CA", "FABRIC_CA_RELEASE")}
"""A release kind: its name, and the variable that takes such a release."""


def _named_release(
    variable: str, kind: str, tools: tuple[str, ...], env: Mapping[str, str]
) -> _Release:
    """The release ``env[variable]`` names, checked to be a ``kind`` release with ``tools``."""
    path = Path(env[variable]).expanduser()
    try:
        release = _release_at(path, env)
    except BinariesUnavailable as exc:
        raise BinariesUnavailable(f"{variable}: {exc}") from exc
    if release.kind != kind:
        found, other = _KINDS[release.kind]
        raise BinariesUnavailable(
            f"{variable}={path} is a {found} release, not {_KINDS[kind][0]}; set {other} to it"
        )
    # A cached release is checked cheaply: its binaries must still be there.
    missing = _missing(release.root / "bin", tools)
    if missing:
        raise BinariesUnavailable(
            f"{variable}: {release.root}/bin lacks executable {', '.join(missing)}"
        )
    return release


def _from_release_env(version: str, env: Mapping[str, str]) -> FabricInstall:
    release = _named_release("FABRIC_RELEASE", "fabric", TOOLS, env)
    path = env["FABRIC_RELEASE"]
    wanted = RELEASE_NAMES[version].lstrip("v")
    if release.version != wanted:
        raise BinariesUnavailable(
            f"FABRIC_RELEASE={path} is Fabric {release.version} but FABRIC_VERSION selects "
            f"{wanted}; set FABRIC_VERSION={release.version} or point FABRIC_RELEASE at a "
            f"Fabric {wanted} release"
        )
    return release.fabric_install("FABRIC_RELEASE")


def _from_fabric_bin(env: Mapping[str, str], version: str) -> FabricInstall:
    bin_dir = Path(env["FABRIC_BIN"]).expanduser().resolve()
    missing = _missing(bin_dir, TOOLS)
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
    builders = bin_dir.parent / "builders" / "ccaas" / "bin"
    return FabricInstall(
        version,
        RELEASES[version],
        bin_dir,
        config_dir,
        builders_dir=builders if builders.is_dir() else None,
        source="FABRIC_BIN",
    )


def _from_stamp(env: Mapping[str, str], version: str) -> FabricInstall | None:
    commit = RELEASES[version]
    target = _fabric_cache(env) / commit
    stamp = target / _STAMP
    if not stamp.is_file():
        return None
    try:
        recorded = loads_unique(stamp.read_text())
        bin_dir = Path(recorded.get("bin_dir") or target / "bin")
        config_dir = Path(recorded["config_dir"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _missing(bin_dir, TOOLS) or not config_dir.is_dir():
        return None
    builders = recorded.get("builders_dir")
    return FabricInstall(
        version,
        commit,
        bin_dir,
        config_dir,
        builders_dir=Path(builders) if builders else None,
        reported_commit=recorded.get("reported_commit"),
        source="installed" if recorded.get("release") else "built",
    )


def locate(env: Mapping[str, str] | None = None) -> FabricInstall:
    """Find usable binaries without building anything (a release archive is unpacked)."""
    env = os.environ if env is None else env
    version = selected_version(env)
    if env.get("FABRIC_RELEASE"):
        return _from_release_env(version, env)
    if env.get("FABRIC_BIN"):
        return _from_fabric_bin(env, version)
    found = _from_stamp(env, version)
    if found is not None:
        return found
    target = _fabric_cache(env) / RELEASES[version]
    raise BinariesUnavailable(
        f"Fabric {RELEASE_NAMES[version]} is not in the cache {target}; run "
        "`sov fabric install <release archive>` or set FABRIC_RELEASE to the archive"
    )


def ensure(env: Mapping[str, str] | None = None, *, log: bool = True) -> FabricInstall:
    """Return usable binaries, building them with ``go install`` when nothing provides them."""
    env = os.environ if env is None else env
    try:
        return locate(env)
    except BinariesUnavailable:
        if env.get("FABRIC_RELEASE") or env.get("FABRIC_BIN"):
            raise
    version = selected_version(env)
    commit = RELEASES[version]
    go = shutil.which("go", path=env.get("PATH"))
    if go is None:
        raise BinariesUnavailable(
            f"no Fabric {RELEASE_NAMES[version]} found: download the release archive "
            f"(hyperledger-fabric-linux-amd64-{RELEASE_NAMES[version][1:]}.tar.gz) and run "
            "`sov fabric install <archive>` or set FABRIC_RELEASE to it; or set FABRIC_BIN to "
            "its unpacked bin/ folder; or install Go >= 1.23 to build the binaries once with "
            f"`go install {FABRIC_MODULE}/cmd/peer@{commit[:12]}` ..."
        )
    target = _fabric_cache(env) / commit
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
    reported: str | None = None
    with contextlib.suppress(BinariesUnavailable):
        reported = peer_version(target / "bin")[1]
    _write_stamp(
        target,
        {
            "commit": commit,
            "version": version,
            "bin_dir": str(target / "bin"),
            "config_dir": str(config_dir),
            "reported_commit": reported,
        },
    )
    return locate(env)


def _write_stamp(folder: Path, content: Mapping[str, Any]) -> None:
    """Write ``installed.json`` whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{_STAMP}.{os.getpid()}"
    partial.write_text(json.dumps(content, indent=2, sort_keys=True))
    partial.replace(folder / _STAMP)


def install(path: Path, env: Mapping[str, str] | None = None) -> FabricInstall | FabricCAInstall:
    """Install a Fabric or Fabric CA release (archive or unpacked folder) into the cache.

    Which of the two it is, and which version, is read from its binaries. A Fabric release
    becomes the one :func:`locate` finds for its version when neither ``FABRIC_RELEASE``
    nor ``FABRIC_BIN`` is set; a Fabric CA release the one :func:`locate_ca` finds.
    """
    env = os.environ if env is None else env
    path = Path(path).expanduser().resolve()
    if not path.exists():
        raise BinariesUnavailable(f"{path} does not exist")
    release = _cached(path, env)
    if release.kind == "fabric":
        fabric = release.fabric_install("installed")
        _write_stamp(
            _fabric_cache(env) / fabric.commit,
            {
                "commit": fabric.commit,
                "version": fabric.version,
                "bin_dir": str(fabric.bin_dir),
                "config_dir": str(fabric.config_dir),
                "builders_dir": str(fabric.builders_dir) if fabric.builders_dir else None,
                "reported_commit": fabric.reported_commit,
                "release": str(release.root),
                "installed_from": str(path),
            },
        )
        return fabric
    ca = release.ca_install("installed")
    _write_stamp(
        _ca_cache(env),
        {
            "version": ca.version,
            "bin_dir": str(ca.bin_dir),
            "release": str(release.root),
            "installed_from": str(path),
        },
    )
    return ca


# --- Fabric CA -------------------------------------------------------------------------------


def locate_ca(env: Mapping[str, str] | None = None) -> FabricCAInstall:
    """Fabric CA from ``FABRIC_CA_RELEASE`` (archive unpacked once, or folder), or the cache."""
    env = os.environ if env is None else env
    if env.get("FABRIC_CA_RELEASE"):
        release = _named_release("FABRIC_CA_RELEASE", "fabric-ca", CA_TOOLS, env)
        return release.ca_install("FABRIC_CA_RELEASE")
    stamp = _ca_cache(env) / _STAMP
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        recorded = loads_unique(stamp.read_text())
        bin_dir = Path(recorded["bin_dir"])
        if not _missing(bin_dir, CA_TOOLS):
            return FabricCAInstall(str(recorded["version"]), bin_dir, "installed")
    raise BinariesUnavailable(
        f"Fabric CA {CA_RELEASE_NAME} is not installed: run `sov fabric install <archive>` "
        f"with hyperledger-fabric-ca-linux-amd64-{CA_RELEASE_NAME[1:]}.tar.gz, or set "
        "FABRIC_CA_RELEASE to it"
    )


def ensure_ca(env: Mapping[str, str] | None = None) -> FabricCAInstall:
    """Usable Fabric CA binaries; as :func:`locate_ca`, since Fabric CA is never built here."""
    return locate_ca(env)


# --- building with Go ------------------------------------------------------------------------


def _module_dir(go: str, commit: str, env: Mapping[str, str]) -> Path:
    out = _run_go([go, "mod", "download", "-json", f"{FABRIC_MODULE}@{commit}"], env, "go mod")
    info = loads_unique(out)
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
        with contextlib.suppress(ValueError, AttributeError):
            detail = loads_unique(result.stdout).get("Error", detail)
        raise BinariesUnavailable(_explain(f"{what} failed: {detail}"))
    return result.stdout


def _explain(detail: str) -> str:
    hint = ""
    if "403" in detail or "not available" in detail:
        hint = (
            "\nThe Go module proxy refused the Fabric module on this machine. Download the "
            "Fabric release archive elsewhere and run `sov fabric install <archive>` (or set "
            "FABRIC_RELEASE to it)."
        )
    return f"cannot build the Fabric binaries: {detail}{hint}"


# --- python -m sovereign_network.binaries ----------------------------------------------------


def describe(found: FabricInstall | FabricCAInstall) -> list[str]:
    """Lines saying which release is in use and where its folders are."""
    if isinstance(found, FabricCAInstall):
        return [
            f"fabric-ca v{found.version} ({found.source})",
            f"  bin:      {found.bin_dir}",
        ]
    commit = found.reported_commit or found.commit[:7]
    builders = str(found.builders_dir) if found.builders_dir else "none"
    return [
        f"fabric {found.release} (commit {commit}, {found.source})",
        f"  bin:      {found.bin_dir}",
        f"  config:   {found.config_dir}",
        f"  builders: {builders}",
    ]


def main(argv: list[str] | None = None) -> int:
    """``python -m sovereign_network.binaries ensure|locate|install PATH``: say what is used."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "ensure"
    try:
        found: FabricInstall | FabricCAInstall
        if command == "install":
            if len(args) != 2:
                print("usage: python -m sovereign_network.binaries install PATH", file=sys.stderr)
                return 2
            found = install(Path(args[1]))
        elif command in ("ensure", "locate"):
            found = ensure() if command == "ensure" else locate()
        else:
            print(
                f"unknown command {command!r}; use ensure, locate or install PATH", file=sys.stderr
            )
            return 2
    except BinariesUnavailable as exc:
        print(f"fabric binaries: {exc}", file=sys.stderr)
        return 3
    print("\n".join(describe(found)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
