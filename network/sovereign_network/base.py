"""What every part of a :class:`~sovereign_network.network.Network` stands on.

Its home, topology and binaries, the state file (``network.json``), the environments
and process specs of its nodes, the ``peer`` CLI as an org's admin, and the waits that
tell a started node is ready. The other parts (channel join, chaincode lifecycle,
identities, revocation, status) each add one concern on top of this class.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ledger_codec import loads_unique
from sovereign_network import binaries, crypto, fabric_output
from sovereign_network.binaries import BinariesUnavailable, FabricCAInstall, FabricInstall
from sovereign_network.commands import CommandResult, NetworkError, run_command
from sovereign_network.environments import Site, admin_env, orderer_env, peer_env
from sovereign_network.supervisor import Supervisor, http_get, tls_handshake
from sovereign_network.topology import HOST, Orderer, Org, Peer, Topology

READY_TIMEOUT = 60.0
"""Seconds a node may take to answer its health endpoint and accept TLS (busy machines)."""


class NetworkBase:
    """A consortium described by ``topology`` living in ``home``."""

    def __init__(
        self,
        home: Path,
        topology: Topology,
        fabric: FabricInstall | None,
        fabric_ca: FabricCAInstall | None = None,
    ) -> None:
        self.home = home
        self.topology = topology
        self._fabric = fabric
        self._fabric_ca = fabric_ca
        self.layout = crypto.Layout(home)
        self.supervisor = Supervisor(home)
        self.config_dir = home / "config"
        self.genesis_block = self.config_dir / f"{topology.channel}.block"

    @property
    def fabric(self) -> FabricInstall:
        """The binaries; only operations that run Fabric need them."""
        if self._fabric is None:
            raise NetworkError("this operation needs the Fabric binaries; run `make fabric`")
        return self._fabric

    @property
    def fabric_ca(self) -> FabricCAInstall:
        """The Fabric CA binaries (found when first needed: only orgs with a CA need them)."""
        if self._fabric_ca is None:
            try:
                self._fabric_ca = binaries.locate_ca()
            except BinariesUnavailable as exc:
                orgs = ", ".join(org.name for org in self.topology.ca_orgs())
                raise NetworkError(
                    f"{orgs} take their identities from a Fabric CA: {exc}; or set "
                    'identities = "local" in the topology'
                ) from exc
        return self._fabric_ca

    @property
    def _site(self) -> Site:
        return Site(self.home, self.topology, self.layout, self.fabric)

    # ------------------------------------------------------------------ state
    @property
    def state_file(self) -> Path:
        return self.home / "network.json"

    def exists(self) -> bool:
        return self.state_file.is_file()

    def is_up(self) -> bool:
        return bool(self.supervisor.running())

    def _save_state(self, **extra: Any) -> None:
        state = self.load_state()
        state.update(
            {
                "topology": self.topology.source,
                "base_port": self.topology.base_port,
                "channel": self.topology.channel,
            }
        )
        if self._fabric is not None:
            state["fabric_version"] = self._fabric.version
        state.update(extra)
        self.state_file.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")

    def load_state(self) -> dict[str, Any]:
        try:
            text = self.state_file.read_text()
        except OSError:
            return {}
        if not text.strip():
            return {}
        try:
            loaded: dict[str, Any] = loads_unique(text)
        except ValueError as exc:  # a repeated key too: which value is meant is a guess
            raise NetworkError(f"{self.state_file} is not JSON we accept: {exc}") from None
        return loaded

    # ---------------------------------------------------------- environments
    def _orderer_tls_ca(self) -> Path:
        return self.layout.tls_ca_cert(self.topology.orderer_org.key)

    def orderer_env(self, o: Orderer) -> dict[str, str]:
        """The orderer's environment (:func:`sovereign_network.environments.orderer_env`)."""
        return orderer_env(self._site, o)

    def peer_env(self, org: Org, p: Peer) -> dict[str, str]:
        """The peer's environment (:func:`sovereign_network.environments.peer_env`)."""
        return peer_env(self._site, org, p)

    def admin_env(self, org: Org, p: Peer | None = None) -> dict[str, str]:
        """Environment for the ``peer`` CLI acting as the org's admin."""
        return admin_env(self._site, org, p)

    def peer_cli(
        self, org: Org, args: list[str], p: Peer | None = None, *, timeout: float = 120
    ) -> CommandResult:
        """Run the ``peer`` CLI as the org's admin against one of its peers."""
        return run_command(
            [str(self.fabric.tool("peer")), *args],
            self.admin_env(org, p),
            f"peer {' '.join(args[:3])} ({org.name})",
            timeout=timeout,
        )

    def _orderer_args(self) -> list[str]:
        o = self.topology.orderer_org.orderers[0]
        return ["-o", o.address, "--tls", "--cafile", str(self._orderer_tls_ca())]

    # ------------------------------------------------------------- readiness
    def _wait_healthy(self, name: str, operations_port: int) -> None:
        url = f"http://{HOST}:{operations_port}/healthz"

        def ready() -> bool:
            answer = http_get(url)
            if answer is None:
                return False
            # A peer without a Docker daemon fails only its "docker" check.
            return fabric_output.healthy(*answer, tolerated=(fabric_output.DOCKER_CHECK,))

        self.supervisor.wait_until(name, ready, timeout=READY_TIMEOUT, what="its health endpoint")

    def _wait_tls(self, name: str, port: int, ca_file: Path, server_name: str) -> None:
        self.supervisor.wait_until(
            name,
            lambda: tls_handshake(HOST, port, ca_file, server_name),
            timeout=READY_TIMEOUT,
            what=f"a TLS handshake on port {port}",
        )

    def _wait_orderer_ready(self, o: Orderer) -> None:
        """Healthy, and both its cluster port and its channel participation API accept TLS."""
        self._wait_healthy(o.name, o.operations_port)
        ca = self._orderer_tls_ca()
        self._wait_tls(o.name, o.port, ca, o.host)
        self._wait_tls(o.name, o.admin_port, ca, o.host)

    def _wait_peer_ready(self, org: Org, p: Peer) -> None:
        self._wait_healthy(p.name, p.operations_port)
        self._wait_tls(p.name, p.port, self.layout.tls_ca_cert(org.key), p.host)

    def _discard(self, *paths: Path) -> None:
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
