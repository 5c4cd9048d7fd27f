"""The Go reference programs shipped with the Fabric release archives, unpacked into the cache.

``shared/fabric/baseline`` (``$SOV_SHARED_FABRIC`` or ``../shared/fabric`` beside the
repository) holds two xz-packed Go programs: the baseline chaincode on the official Go shim
(``kv-chaincode-go``) and the closed-loop load client on the official Go Gateway client
(``gateway-load-go``). Each is unpacked once into the cache (``SOV_CACHE`` or
``~/.cache/sovereign-ledger``), under a name keyed by the archive's digest, never into the
source tree. Benchmarks and the interop tests use them; the product never does.
"""

from __future__ import annotations

import hashlib
import lzma
import os
from pathlib import Path

from sovereign_network import binaries

REPO = Path(__file__).resolve().parent.parent
GO_CHAINCODE_ARCHIVE = "kv-chaincode-go-linux-amd64.xz"
GO_LOAD_CLIENT_ARCHIVE = "gateway-load-go-linux-amd64.xz"


class BaselineUnavailable(RuntimeError):
    """The archive of a Go reference program is not where it is looked for."""


def shared_fabric() -> Path:
    """Where the project's Fabric release archives are: ``$SOV_SHARED_FABRIC`` or beside us."""
    configured = os.environ.get("SOV_SHARED_FABRIC")
    return Path(configured) if configured else (REPO / ".." / "shared" / "fabric").resolve()


def unpack(archive_name: str, stem: str) -> Path:
    """``baseline/<archive_name>`` unpacked into the cache as an executable ``<stem>-<digest>``."""
    archive = shared_fabric() / "baseline" / archive_name
    if not archive.is_file():
        raise BaselineUnavailable(
            f"{archive} is missing (set SOV_SHARED_FABRIC to the folder holding baseline/)"
        )
    packed = archive.read_bytes()
    digest = hashlib.sha256(packed).hexdigest()[:16]
    target = binaries.cache_root() / "baseline" / f"{stem}-{digest}"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.write_bytes(lzma.decompress(packed))
        partial.chmod(0o755)
        partial.replace(target)  # atomic: a concurrent run sees all of it or nothing
    return target


def go_chaincode() -> Path:
    """The Go baseline chaincode (``put``, ``get``, ``transfer``) as a CCaaS server binary."""
    return unpack(GO_CHAINCODE_ARCHIVE, "kv-chaincode-go")


def go_load_client() -> Path:
    """The closed-loop load client on the official Go Gateway client."""
    return unpack(GO_LOAD_CLIENT_ARCHIVE, "gateway-load-go")
