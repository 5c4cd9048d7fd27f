"""Nodes into the channel: the genesis block, orderers and peers started and joined,
the Raft leader, and gossip's discovery of every org's peers.

Every step looks at what the node itself reports (``osnadmin channel list``,
``peer channel list``) before acting, so a join is retried until the node lists the
channel and is never done twice.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path

from sovereign_network import configtx, fabric_output
from sovereign_network.authorities import wait_enrolled
from sovereign_network.base import NetworkBase
from sovereign_network.commands import CommandResult, NetworkError, Progress, run_command
from sovereign_network.environments import base_env
from sovereign_network.process_specs import orderer_spec, peer_spec
from sovereign_network.supervisor import http_get
from sovereign_network.topology import HOST, Orderer, Org, Peer

JOIN_TIMEOUT = 60.0
"""Seconds within which a channel join is retried until the node lists the channel."""
DISCOVERY_TIMEOUT = 90.0
"""Seconds gossip may take until every org's peers appear in every org's discovery."""


class ChannelMembership(NetworkBase):
    """Starting the nodes, joining them to the channel and waiting until they agree."""

    def _genesis(self) -> None:
        configtx.write(self.topology, self.layout, self.config_dir, self.fabric.major)
        env = {**base_env(), "FABRIC_CFG_PATH": str(self.config_dir)}
        partial = self.genesis_block.with_suffix(".partial")
        run_command(
            [
                str(self.fabric.tool("configtxgen")),
                "-profile",
                configtx.PROFILE,
                "-channelID",
                self.topology.channel,
                "-outputBlock",
                str(partial),
            ],
            env,
            "configtxgen",
        )
        # Renamed only once written whole: a genesis block on disk is a finished one.
        partial.replace(self.genesis_block)

    def _start_orderers(
        self, progress: Progress, enrolled: Mapping[str, Future[None]] | None = None
    ) -> None:
        oo = self.topology.orderer_org
        if enrolled and oo.key in enrolled:
            wait_enrolled([enrolled[oo.key]])
        for o in oo.orderers:
            progress(f"starting {o.name} on {o.address}")
            self.supervisor.start(orderer_spec(self._site, o))
        for o in oo.orderers:
            self._wait_orderer_ready(o)
            self._ensure_orderer_joined(o, progress)
        progress("waiting for a Raft leader")
        self.wait_for_leader()

    def _osnadmin(self, o: Orderer, *args: str, timeout: float = 20) -> CommandResult:
        admin = self.layout.user(self.topology.orderer_org.key, "admin")
        return run_command(
            [
                str(self.fabric.tool("osnadmin")),
                "channel",
                *args,
                "-o",
                f"{HOST}:{o.admin_port}",
                "--ca-file",
                str(self._orderer_tls_ca()),
                "--client-cert",
                str(admin.tls_cert),
                "--client-key",
                str(admin.tls_key),
            ],
            base_env(),
            f"osnadmin channel {args[0]} on {o.name}",
            log=self.supervisor.log_path(o.name),
            timeout=timeout,
        )

    def orderer_has_channel(self, o: Orderer) -> bool:
        """Whether the orderer itself says it holds the channel (``osnadmin channel list``)."""
        listed = self._osnadmin(o, "list", "--channelID", self.topology.channel)
        return fabric_output.osnadmin_has_channel(listed.stdout, self.topology.channel)

    def _ensure_orderer_joined(self, o: Orderer, progress: Progress) -> None:
        channel = self.topology.channel

        def attempt() -> bool:
            if self.orderer_has_channel(o):
                return True
            progress(f"joining {o.name} to channel {channel}")
            self._osnadmin_join(o)
            return self.orderer_has_channel(o)

        _retry(
            attempt,
            what=f"{o.name} joining channel {channel}",
            log=self.supervisor.log_path(o.name),
        )

    def _osnadmin_join(self, o: Orderer) -> None:
        result = self._osnadmin(
            o,
            "join",
            "--channelID",
            self.topology.channel,
            "--config-block",
            str(self.genesis_block),
        )
        # osnadmin exits 0 whatever the orderer answered: the HTTP status is in its output.
        answer = fabric_output.osnadmin_response(result.stdout)
        if not answer.joined:
            raise NetworkError(
                f"osnadmin channel join on {o.name} answered {answer.status}: "
                f"{answer.body[-2000:]}; see also {self.supervisor.log_path(o.name)}"
            )

    def raft_leader(self) -> str | None:
        """The orderer that reports itself Raft leader of the channel, if any."""
        for o in self.topology.orderer_org.orderers:
            if not self.supervisor.is_running(o.name):
                continue
            answer = http_get(f"http://{HOST}:{o.operations_port}/metrics")
            if answer is None or answer[0] != 200:
                continue
            if fabric_output.is_raft_leader(answer[1], self.topology.channel):
                return o.name
        return None

    def wait_for_leader(self, timeout: float = 30) -> str:
        """The Raft leader, once one is elected (NetworkError after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            leader = self.raft_leader()
            if leader:
                return leader
            time.sleep(0.1)
        logs = ", ".join(
            str(self.supervisor.log_path(o.name)) for o in self.topology.orderer_org.orderers
        )
        raise NetworkError(f"no Raft leader elected within {timeout:.0f}s; see {logs}")

    def _start_peers(
        self, progress: Progress, enrolled: Mapping[str, Future[None]] | None = None
    ) -> None:
        for org in self.topology.orgs:
            if enrolled and org.key in enrolled:
                wait_enrolled([enrolled[org.key]])
            for p in org.peers:
                progress(f"starting {p.name} on {p.address}")
                self.supervisor.start(peer_spec(self._site, org, p))
        for org in self.topology.orgs:
            for p in org.peers:
                self._wait_peer_ready(org, p)
                self._ensure_peer_joined(org, p, progress)

    def peer_has_channel(self, org: Org, p: Peer) -> bool:
        """Whether the peer itself lists the channel (``peer channel list``)."""
        listed = self.peer_cli(org, ["channel", "list"], p, timeout=20)
        return self.topology.channel in fabric_output.peer_channels(listed.stdout)

    def _ensure_peer_joined(self, org: Org, p: Peer, progress: Progress) -> None:
        channel = self.topology.channel

        def attempt() -> bool:
            if self.peer_has_channel(org, p):
                return True
            progress(f"joining {p.name} to channel {channel}")
            self.peer_cli(org, ["channel", "join", "-b", str(self.genesis_block)], p, timeout=30)
            return self.peer_has_channel(org, p)

        _retry(
            attempt,
            what=f"{p.name} joining channel {channel}",
            log=self.supervisor.log_path(p.name),
        )

    def discovered(self, org: Org) -> list[fabric_output.DiscoveredPeer]:
        """The channel's peers as ``org``'s Gateway peer's discovery service lists them."""
        admin = self.layout.user(org.key, "admin")
        p = org.gateway_peer
        out = run_command(
            [
                str(self.fabric.tool("discover")),
                "peers",
                "--channel",
                self.topology.channel,
                "--server",
                p.address,
                "--peerTLSCA",
                str(self.layout.tls_ca_cert(org.key)),
                "--userKey",
                str(admin.key),
                "--userCert",
                str(admin.cert),
                "--MSP",
                org.msp_id,
            ],
            base_env(),
            f"discover peers ({org.name})",
            timeout=10,
        )
        return fabric_output.discovered_peers(out.stdout)

    def wait_for_discovery(
        self, chaincode: str | None = None, *, timeout: float = DISCOVERY_TIMEOUT
    ) -> None:
        """Wait until each org's Gateway peer discovers every peer of every org.

        With ``chaincode``, each of those peers must also report it installed. This
        is what lets the Gateway find endorsers in other orgs; gossip forms it some
        time after the joins, so it is waited on, never slept for.
        """
        expected = {p.address for org in self.topology.orgs for p in org.peers}
        deadline = time.monotonic() + timeout
        missing: dict[str, set[str]] = {}
        while True:
            missing = {}
            for org in self.topology.orgs:
                try:
                    seen = self.discovered(org)
                except NetworkError:
                    seen = []
                ready = {
                    peer.endpoint
                    for peer in seen
                    if chaincode is None or chaincode in peer.chaincodes
                }
                if not expected <= ready:
                    missing[org.name] = expected - ready
            if not missing:
                return
            if time.monotonic() > deadline:
                what = f" with {chaincode} installed" if chaincode else ""
                detail = "; ".join(
                    f"{name} does not see {', '.join(sorted(gone))}"
                    for name, gone in sorted(missing.items())
                )
                logs = self.supervisor.log_dir
                raise NetworkError(
                    f"discovery did not list every org's peers{what} within {timeout:.0f}s: "
                    f"{detail}; see {logs}"
                )
            time.sleep(0.25)

    def _wait_for_height(self, height: int, timeout: float = 60) -> None:
        """Wait until every peer's ledger holds ``height`` blocks."""
        deadline = time.monotonic() + timeout
        for org in self.topology.orgs:
            for p in org.peers:
                while True:
                    with contextlib.suppress(NetworkError):
                        out = self.peer_cli(
                            org, ["channel", "getinfo", "-c", self.topology.channel], p, timeout=10
                        )
                        reached = fabric_output.blockchain_height(out.stdout)
                        if reached is not None and reached >= height:
                            break
                    if time.monotonic() > deadline:
                        raise NetworkError(
                            f"{p.name} did not reach block height {height} within "
                            f"{timeout:.0f}s; see {self.supervisor.log_path(p.name)}"
                        )
                    time.sleep(0.1)


def _retry(
    attempt: Callable[[], bool], *, what: str, log: Path, timeout: float = JOIN_TIMEOUT
) -> None:
    """Run ``attempt`` until it returns True; a NetworkError is retried until ``timeout``."""
    deadline = time.monotonic() + timeout
    last = ""
    while True:
        try:
            if attempt():
                return
            last = "the node did not list the channel afterwards"
        except NetworkError as exc:
            last = str(exc)
        if time.monotonic() > deadline:
            raise NetworkError(f"{what} did not succeed within {timeout:.0f}s: {last}; see {log}")
        time.sleep(0.5)
