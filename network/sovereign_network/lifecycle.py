"""Chaincode-as-a-service packages, built reproducibly.

A package is ``metadata.json`` (type ``ccaas`` and the label) plus ``code.tar.gz``
holding ``connection.json``: where the org's chaincode server listens and the TLS
material the peer uses to reach it. Fabric names an installed package
``label:sha256(package bytes)``, so the archive is built with fixed timestamps,
owners and order: the same inputs always give the same package ID, on every
machine.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from sovereign_network.crypto import NodePaths


@dataclass(frozen=True)
class ChaincodePackage:
    label: str
    path: Path
    package_id: str


def _tar_gz(files: list[tuple[str, bytes]]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _canonical(document: dict[str, object]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def package_bytes(label: str, address: str, server: NodePaths, client: NodePaths | None) -> bytes:
    """The package archive for a chaincode server at ``address`` (mutual TLS when ``client``)."""
    connection: dict[str, object] = {
        "address": address,
        "dial_timeout": "10s",
        "tls_required": True,
        "root_cert": server.tls_ca.read_text(),
    }
    if client is not None:
        connection.update(
            {
                "client_auth_required": True,
                "client_cert": client.tls_cert.read_text(),
                "client_key": client.tls_key.read_text(),
            }
        )
    code = _tar_gz([("connection.json", _canonical(connection))])
    metadata = _canonical({"type": "ccaas", "label": label})
    return _tar_gz([("metadata.json", metadata), ("code.tar.gz", code)])


def package_id(label: str, data: bytes) -> str:
    return f"{label}:{hashlib.sha256(data).hexdigest()}"


def build_package(
    *, label: str, address: str, server: NodePaths, client: NodePaths | None, directory: Path
) -> ChaincodePackage:
    """Write the package into ``directory`` and return its path and package ID."""
    data = package_bytes(label, address, server, client)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{label}.tar.gz"
    path.write_bytes(data)
    path.chmod(0o600)  # it holds the peer's client key for the chaincode server
    return ChaincodePackage(label=label, path=path, package_id=package_id(label, data))
