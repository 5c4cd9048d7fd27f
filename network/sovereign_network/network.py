"""One consortium on this machine: bring it up, deploy chaincode, report, tear down.

A network lives in its home directory (``--home``, ``SOV_HOME``, or
``~/.local/state/sovereign-ledger/network``):

    crypto/    keys and certificates, generated or enrolled at each org's Fabric CA, and
               those CA servers' homes and databases (never in the source tree)
    config/    configtx.yaml and the channel's genesis block
    data/      each process's ledger
    logs/      one log file per process
    run/       run records of the processes the supervisor started
    chaincode/ chaincode-as-a-service packages, one per org
    builders/  the external builder the peers use for chaincode-as-a-service
    network.json  what was brought up: topology source, base port, Fabric version

:class:`Network` is put together from one module a concern, each a class it inherits:
:mod:`~sovereign_network.base` (home, state, node environments and readiness; the
environments themselves in :mod:`~sovereign_network.environments` and what the
supervisor starts in :mod:`~sovereign_network.process_specs`),
:mod:`~sovereign_network.channel_join` (nodes started and joined, Raft leader,
discovery), :mod:`~sovereign_network.chaincode_lifecycle` (install, approve, commit,
chaincode servers), :mod:`~sovereign_network.authorities` (Fabric CAs and users),
:mod:`~sovereign_network.revocation` (CRLs into the channel) and
:mod:`~sovereign_network.status`. This module brings them up and down in order.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sovereign_network import crypto
from sovereign_network.authorities import wait_enrolled
from sovereign_network.chaincode_lifecycle import ChaincodeLifecycle
from sovereign_network.commands import CommandResult, NetworkError, Progress, quiet
from sovereign_network.process_specs import chaincode_process, orderer_spec, peer_spec
from sovereign_network.revocation import CrlUpdate, Revocation
from sovereign_network.status import NetworkStatus
from sovereign_network.supervisor import ProcessError
from sovereign_network.topology import OrdererOrg, Org, ca_process


def default_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("SOV_HOME"):
        return Path(env["SOV_HOME"]).expanduser()
    state = Path(env.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "sovereign-ledger" / "network"


class Network(ChaincodeLifecycle, Revocation, NetworkStatus):
    """A consortium described by ``topology`` living in ``home``."""

    # -------------------------------------------------------------------- up
    def up(self, progress: Progress = quiet) -> None:
        """Bring the network up from nothing, or finish whatever an earlier ``up`` left.

        Every step looks at what is really there before acting, so ``up`` can be run
        again on any partial state: crypto material without a genesis block, a genesis
        block some orderers or peers joined and others did not, a stopped network.
        Success means every node runs, every node holds the channel, the orderers have
        a Raft leader and each org's Gateway peer discovers every org's peers. On
        failure the processes started are stopped and the data is kept for the next try.
        """
        nodes = [o.name for o in self.topology.orderer_org.orderers] + [
            p.name for org in self.topology.orgs for p in org.peers
        ]
        authorities = self.topology.ca_orgs()
        running = set(self.supervisor.running())
        if running and all(name in running for name in nodes):
            raise NetworkError(
                f"the network in {self.home} is already up "
                f"({', '.join(sorted(running))}); run `sov network down` first"
            )
        self.home.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=max(1, len(authorities))) as pool:
            try:
                self._up(pool, nodes, authorities, progress)
            except BaseException:
                # Never leave half a network running; what was written stays for the next up.
                self.supervisor.stop_all()
                raise

    def _up(
        self,
        pool: ThreadPoolExecutor,
        nodes: list[str],
        authorities: list[Org | OrdererOrg],
        progress: Progress,
    ) -> None:
        # Each CA org's nodes and admin, enrolled side by side with the rest of the start:
        # its nodes wait for their own org only. Its users are enrolled while the nodes
        # come up, since nothing of starting the network needs them.
        enrolled: dict[str, Future[None]] = {}
        users: list[Future[None]] = []
        if not self.layout.complete:
            # Material from an attempt that never finished is not trusted: a new
            # CA means a new genesis block and new ledgers (and new CA databases).
            progress("generating crypto material")
            # A process of that attempt (a CA, or a node when the process running `up` was
            # killed before enrolling finished) would run on the deleted material.
            self.supervisor.stop_all()
            self._discard(self.layout.root, self.genesis_block, self.home / "data")
            crypto.generate(self.topology, self.home, enrolled={o.key for o in authorities})
            if authorities:
                self._start_authorities(progress)
                enrolled, users = self._enroll_identities(pool, progress)
            else:
                self.layout.mark_complete()
        else:
            # Their readiness is awaited once the nodes are up: nothing before needs them.
            self._start_authorities(progress, wait=False)
        if not self.genesis_block.is_file():
            progress("generating the channel genesis block")
            # Ledgers joined to another genesis block cannot join this one.
            self._discard(self.home / "data")
            self._genesis()
        self._install_builder()
        self._save_state()
        self._start_orderers(progress, enrolled)
        self._start_peers(progress, enrolled)
        self._restart_chaincode(progress)
        progress("waiting for every org's peers to discover each other")
        self.wait_for_discovery()
        if users:
            wait_enrolled(users)
            self.layout.mark_complete()
        for org in authorities:
            self._wait_authority(org)
        self._require_running([*nodes, *(ca_process(org.key) for org in authorities)])

    def _require_running(self, nodes: list[str]) -> None:
        """Every node still runs and the orderers still have a leader, or NetworkError."""
        servers = list(self.load_state().get("chaincode_servers", {}))
        dead = [name for name in [*nodes, *servers] if not self.supervisor.is_running(name)]
        if dead:
            logs = ", ".join(str(self.supervisor.log_path(name)) for name in dead)
            raise NetworkError(f"{', '.join(dead)} stopped while the network came up; see {logs}")
        self.wait_for_leader()

    # ------------------------------------------------------------------ down
    def down(self, *, purge: bool = False) -> list[str]:
        """Stop every process this network started; with ``purge`` delete its home."""
        stopped = self.supervisor.stop_all()
        if purge:
            shutil.rmtree(self.home, ignore_errors=True)
        return stopped

    def stop_process(self, name: str) -> bool:
        return self.supervisor.stop(name)

    def start_process(self, name: str) -> None:
        """Start one stopped process of the network again (an orderer, a peer, a CA or a
        chaincode server, as ``status`` and the supervisor's run records name them)."""
        for org in self.topology.ca_orgs():
            if ca_process(org.key) == name:
                self.supervisor.start(self._authority_spec(org))
                self._wait_authority(org)
                return
        for o in self.topology.orderer_org.orderers:
            if o.name == name:
                self.supervisor.start(orderer_spec(self._site, o))
                self._wait_orderer_ready(o)
                return
        for org in self.topology.orgs:
            for p in org.peers:
                if p.name == name:
                    self.supervisor.start(peer_spec(self._site, org, p))
                    self._wait_peer_ready(org, p)
                    return
        entry = self.load_state().get("chaincode_servers", {}).get(name)
        if entry is not None:
            org = next(o for o in self.topology.orgs if o.key == entry["org"])
            self._start_chaincode(
                org,
                entry["module"],
                entry["package_id"],
                entry["name"],
                entry["slot"],
                server=entry.get("server"),
            )
            return
        raise NetworkError(f"no orderer, peer, CA or chaincode server named {name!r}")


__all__ = [
    "CommandResult",
    "CrlUpdate",
    "Network",
    "NetworkError",
    "ProcessError",
    "Progress",
    "chaincode_process",
    "default_home",
]
