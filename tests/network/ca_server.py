"""A real ``fabric-ca-server`` for tests: TLS on, its home under the test's tmp, supervised.

``running_ca_server`` starts the server of the installed Fabric CA release (see
``sovereign_network.binaries.locate_ca``) through the project's Supervisor, waits until it answers
``cainfo`` over TLS, and stops exactly that process afterwards, even when the test failed.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fabric_ca import FabricCAClient
from sovereign_network.binaries import FabricCAInstall
from sovereign_network.supervisor import ProcessSpec, Supervisor

ADMIN = "admin"
ADMIN_SECRET = "adminpw"
PROCESS = "fabric-ca-server"


@dataclass(frozen=True)
class CAServer:
    """A running server: its URL, the root its TLS certificate chains to, its home."""

    url: str
    tls_root: Path
    home: Path
    install: FabricCAInstall

    def client(self) -> FabricCAClient:
        return FabricCAClient(self.url, tls_root=self.tls_root)

    def fabric_ca_client(
        self, home: Path, *args: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the official ``fabric-ca-client`` against this server, with ``home`` as its home."""
        home.mkdir(parents=True, exist_ok=True)
        return subprocess.run(
            [
                str(self.install.tool("fabric-ca-client")),
                *args,
                "--tls.certfiles",
                str(self.tls_root),
            ],
            env={
                "PATH": os.environ.get("PATH", ""),
                "FABRIC_CA_CLIENT_HOME": str(home),
                **(env or {}),
            },
            cwd=home,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def free_port() -> int:
    """A port the kernel just gave out and took back (the Supervisor checks it again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_ca_server(install: FabricCAInstall, home: Path, port: int) -> Iterator[CAServer]:
    """Start ``fabric-ca-server start -b admin:adminpw`` with TLS on ``127.0.0.1:port``."""
    server_home = home / "server"
    server_home.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(home)
    spec = ProcessSpec(
        name=PROCESS,
        argv=[
            str(install.tool("fabric-ca-server")),
            "start",
            "-b",
            f"{ADMIN}:{ADMIN_SECRET}",
            "--home",
            str(server_home),
            "--address",
            "127.0.0.1",
            "--port",
            str(port),
            "--tls.enabled",
            "--csr.hosts",
            "localhost,127.0.0.1",
            "--cfg.identities.allowremove",
        ],
        # The operations (metrics, health) listener takes a port the kernel picks.
        env={
            "PATH": os.environ.get("PATH", ""),
            "FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS": "127.0.0.1:0",
        },
        cwd=server_home,
        ports=(port,),
    )
    server = CAServer(
        url=f"https://127.0.0.1:{port}",
        tls_root=server_home / "ca-cert.pem",
        home=server_home,
        install=install,
    )
    supervisor.start(spec)
    try:

        def answers() -> bool:
            return server.tls_root.is_file() and bool(server.client().ca_info().version)

        supervisor.wait_until(PROCESS, answers, timeout=60, what="cainfo over TLS")
        yield server
    finally:
        supervisor.stop(PROCESS)
        assert supervisor.running() == [], "fabric-ca-server left running"
