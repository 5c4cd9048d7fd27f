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

Every process is configured through ``CORE_*`` / ``ORDERER_*`` environment
variables on top of the sample ``core.yaml``/``orderer.yaml`` of the pinned
Fabric module.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography import x509

from fabric_ca import (
    Credentials,
    FabricCAClient,
    FabricCAError,
    RevocationReason,
    serial_and_aki,
)
from sovereign_network import (
    binaries,
    channel_config,
    collections,
    configtx,
    crypto,
    fabric_output,
    org_ca,
)
from sovereign_network.binaries import BinariesUnavailable, FabricCAInstall, FabricInstall
from sovereign_network.lifecycle import ChaincodePackage, build_package
from sovereign_network.supervisor import (
    ProcessError,
    ProcessSpec,
    Supervisor,
    http_get,
    tls_handshake,
)
from sovereign_network.topology import (
    CHAINCODE_SLOTS,
    HOST,
    Orderer,
    OrdererOrg,
    Org,
    Peer,
    Topology,
    ca_process,
)

Progress = Callable[[str], None]

READY_TIMEOUT = 60.0
"""Seconds a node may take to answer its health endpoint and accept TLS (busy machines)."""
JOIN_TIMEOUT = 60.0
"""Seconds within which a channel join is retried until the node lists the channel."""
DISCOVERY_TIMEOUT = 90.0
"""Seconds gossip may take until every org's peers appear in every org's discovery."""


class NetworkError(RuntimeError):
    """A network operation failed; the message says why and where to look."""


def default_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("SOV_HOME"):
        return Path(env["SOV_HOME"]).expanduser()
    state = Path(env.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "sovereign-ledger" / "network"


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class CrlUpdate:
    """An org's CRL put into the channel configuration."""

    msp_id: str
    block: int | None
    """The configuration block that carries it; None when the channel already held it."""
    revoked: tuple[str, ...]
    """Serial numbers (hex) the CRL lists."""


@dataclass(frozen=True)
class CommandResult:
    stdout: str
    stderr: str


class Network:
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
            loaded: dict[str, Any] = json.loads(self.state_file.read_text())
        except (OSError, json.JSONDecodeError):
            return {}
        return loaded

    # ---------------------------------------------------------- environments
    def _orderer_tls_ca(self) -> Path:
        return self.layout.tls_ca_cert(self.topology.orderer_org.key)

    def orderer_env(self, o: Orderer) -> dict[str, str]:
        oo = self.topology.orderer_org
        node = self.layout.orderer(oo.key, o.host)
        admin = self.layout.user(oo.key, "admin")
        data = self.home / "data" / o.name
        return {
            **_base_env(),
            "FABRIC_CFG_PATH": str(self.fabric.config_dir),
            "FABRIC_LOGGING_SPEC": "INFO",
            "ORDERER_GENERAL_LISTENADDRESS": HOST,
            "ORDERER_GENERAL_LISTENPORT": str(o.port),
            "ORDERER_GENERAL_LOCALMSPID": oo.msp_id,
            "ORDERER_GENERAL_LOCALMSPDIR": str(node.msp),
            "ORDERER_GENERAL_TLS_ENABLED": "true",
            "ORDERER_GENERAL_TLS_PRIVATEKEY": str(node.tls_key),
            "ORDERER_GENERAL_TLS_CERTIFICATE": str(node.tls_cert),
            "ORDERER_GENERAL_TLS_ROOTCAS": f"[{node.tls_ca}]",
            "ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE": str(node.tls_cert),
            "ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY": str(node.tls_key),
            "ORDERER_GENERAL_CLUSTER_ROOTCAS": f"[{node.tls_ca}]",
            "ORDERER_GENERAL_BOOTSTRAPMETHOD": "none",
            "ORDERER_CHANNELPARTICIPATION_ENABLED": "true",
            "ORDERER_ADMIN_LISTENADDRESS": f"{HOST}:{o.admin_port}",
            "ORDERER_ADMIN_TLS_ENABLED": "true",
            "ORDERER_ADMIN_TLS_CERTIFICATE": str(node.tls_cert),
            "ORDERER_ADMIN_TLS_PRIVATEKEY": str(node.tls_key),
            "ORDERER_ADMIN_TLS_ROOTCAS": f"[{node.tls_ca}]",
            "ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED": "true",
            "ORDERER_ADMIN_TLS_CLIENTROOTCAS": f"[{admin.tls_ca}]",
            "ORDERER_OPERATIONS_LISTENADDRESS": f"{HOST}:{o.operations_port}",
            "ORDERER_METRICS_PROVIDER": "prometheus",
            "ORDERER_FILELEDGER_LOCATION": str(data / "ledger"),
            "ORDERER_CONSENSUS_WALDIR": str(data / "etcdraft" / "wal"),
            "ORDERER_CONSENSUS_SNAPDIR": str(data / "etcdraft" / "snapshot"),
        }

    def peer_env(self, org: Org, p: Peer) -> dict[str, str]:
        node = self.layout.peer(org.key, p.host)
        data = self.home / "data" / p.name
        bootstrap = org.peers[0] if p.index else (org.peers[1] if len(org.peers) > 1 else p)
        builder = {"name": "sovereign-ccaas", "path": str(self.home / "builders" / "ccaas")}
        return {
            **_base_env(),
            "FABRIC_CFG_PATH": str(self.fabric.config_dir),
            "FABRIC_LOGGING_SPEC": "INFO",
            "CORE_PEER_ID": p.host,
            "CORE_PEER_ADDRESS": p.address,
            "CORE_PEER_LISTENADDRESS": p.address,
            "CORE_PEER_CHAINCODEADDRESS": f"{HOST}:{p.chaincode_port}",
            "CORE_PEER_CHAINCODELISTENADDRESS": f"{HOST}:{p.chaincode_port}",
            "CORE_PEER_GOSSIP_EXTERNALENDPOINT": p.address,
            "CORE_PEER_GOSSIP_ENDPOINT": p.address,
            "CORE_PEER_GOSSIP_BOOTSTRAP": bootstrap.address,
            # Every peer pulls blocks from the orderers itself: no leader election,
            # whose startup grace period (15s) would delay the first blocks.
            "CORE_PEER_GOSSIP_USELEADERELECTION": "false",
            "CORE_PEER_GOSSIP_ORGLEADER": "true",
            "CORE_PEER_LOCALMSPID": org.msp_id,
            "CORE_PEER_MSPCONFIGPATH": str(node.msp),
            "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_TLS_CERT_FILE": str(node.tls_cert),
            "CORE_PEER_TLS_KEY_FILE": str(node.tls_key),
            "CORE_PEER_TLS_ROOTCERT_FILE": str(node.tls_ca),
            "CORE_PEER_FILESYSTEMPATH": str(data),
            "CORE_LEDGER_SNAPSHOTS_ROOTDIR": str(data / "snapshots"),
            "CORE_PEER_GATEWAY_ENABLED": "true",
            "CORE_OPERATIONS_LISTENADDRESS": f"{HOST}:{p.operations_port}",
            "CORE_METRICS_PROVIDER": "disabled",
            # No Docker. An empty endpoint turns the Docker builder and its health
            # check off only if Fabric's viper honours empty variables; when it does
            # not, /healthz reports the failed "docker" check, which _wait_healthy
            # tolerates.
            "CORE_VM_ENDPOINT": "",
            "CORE_CHAINCODE_EXTERNALBUILDERS": json.dumps([builder]),
            "CORE_CHAINCODE_EXECUTETIMEOUT": "30s",
            **_gossip_timing(self.topology.timing),
        }

    def admin_env(self, org: Org, p: Peer | None = None) -> dict[str, str]:
        """Environment for the ``peer`` CLI acting as the org's admin."""
        p = p or org.gateway_peer
        admin = self.layout.user(org.key, "admin")
        return {
            **_base_env(),
            "FABRIC_CFG_PATH": str(self.fabric.config_dir),
            "FABRIC_LOGGING_SPEC": "WARNING",
            "CORE_PEER_LOCALMSPID": org.msp_id,
            "CORE_PEER_MSPCONFIGPATH": str(admin.msp),
            "CORE_PEER_ADDRESS": p.address,
            "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_TLS_ROOTCERT_FILE": str(self.layout.tls_ca_cert(org.key)),
        }

    # ----------------------------------------------------------------- specs
    def _orderer_spec(self, o: Orderer) -> ProcessSpec:
        return ProcessSpec(
            name=o.name,
            argv=[str(self.fabric.tool("orderer"))],
            env=self.orderer_env(o),
            cwd=self.home,
            ports=(o.port, o.admin_port, o.operations_port),
        )

    def _peer_spec(self, org: Org, p: Peer) -> ProcessSpec:
        return ProcessSpec(
            name=p.name,
            argv=[str(self.fabric.tool("peer")), "node", "start"],
            env=self.peer_env(org, p),
            cwd=self.home,
            ports=(p.port, p.chaincode_port, p.operations_port),
        )

    # -------------------------------------------------------------------- up
    def up(self, progress: Progress = _quiet) -> None:
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
            _enrolled(users)
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

    # ------------------------------------------------------ certificate authorities
    def _start_authorities(self, progress: Progress, *, wait: bool = True) -> None:
        """Start the Fabric CA server of every org that has one (already running: kept)."""
        authorities = self.topology.ca_orgs()
        for org in authorities:
            progress(f"starting {org.name}'s Fabric CA on {org_ca.ca_url(org)}")
            self.supervisor.start(self._authority_spec(org))
        if wait:
            for org in authorities:
                self._wait_authority(org)

    def _authority_spec(self, org: Org | OrdererOrg) -> ProcessSpec:
        return org_ca.server_spec(self.fabric_ca, self.layout, org, _base_env())

    def _wait_authority(self, org: Org | OrdererOrg) -> None:
        assert org.ca_port is not None
        self._wait_tls(
            ca_process(org.key),
            org.ca_port,
            self.layout.tls_ca_cert(org.key),
            org_ca.server_name(org),
        )

    def _enroll_identities(
        self, pool: ThreadPoolExecutor, progress: Progress
    ) -> tuple[dict[str, Future[None]], list[Future[None]]]:
        """Enroll every CA org's identities in ``pool``, the orgs side by side.

        Returns, per org key, when its nodes and admin are enrolled (its nodes cannot start
        before), and each org's whole work, users included.
        """
        authorities = self.topology.ca_orgs()
        progress(f"enrolling the identities of {', '.join(o.name for o in authorities)}")
        nodes_done: dict[str, Future[None]] = {org.key: Future() for org in authorities}

        def enroll(org: Org | OrdererOrg) -> None:
            try:
                registrar = org_ca.enroll_bootstrap(self.layout, org)
                wanted = org_ca.identities(self.layout, org, users=False)
                org_ca.issue(self.layout, org, wanted, registrar)
            except BaseException as exc:
                nodes_done[org.key].set_exception(exc)
                raise
            nodes_done[org.key].set_result(None)
            org_ca.issue(
                self.layout, org, org_ca.identities(self.layout, org, nodes=False), registrar
            )

        return nodes_done, [pool.submit(enroll, org) for org in authorities]

    def ca_client(self, org: Org | OrdererOrg) -> FabricCAClient:
        """A client of the org's Fabric CA (TLS verified against the org's TLS root)."""
        if not org.uses_fabric_ca:
            raise NetworkError(f"{org.name}'s identities are generated locally: it has no CA")
        return org_ca.client(self.layout, org)

    def ca_registrar(self, org: Org | OrdererOrg) -> Credentials:
        """The CA's bootstrap admin, as enrolled when the network was set up."""
        try:
            return org_ca.registrar(self.layout, org)
        except FileNotFoundError as exc:
            raise NetworkError(
                f"{org.name}'s CA registrar is not enrolled in {self.home}; "
                "run `sov network up` first"
            ) from exc

    # -------------------------------------------------------------- revocation
    def channel_revocation_list(self, org_name: str) -> list[bytes]:
        """The CRLs (PEM) the org's MSP holds in the channel's latest configuration."""
        org = self._any_org(org_name)
        with tempfile.TemporaryDirectory(dir=self._work_dir()) as work:
            config = channel_config.block_config(self._fetch_config(org, Path(work)))
        return channel_config.revocation_list(config, _section(org), org.msp_id)

    def update_crl(
        self, org_name: str, crl: bytes | None = None, *, progress: Progress = _quiet
    ) -> CrlUpdate:
        """Put the org's CRL into its MSP in the channel configuration; every peer then
        refuses the certificates it lists.

        ``crl`` is PEM; None takes the org's Fabric CA's current CRL (made by its
        registrar). The update is computed with the release's ``configtxlator`` from the
        latest configuration block, signed by the org's admin (the MSP value's modification
        policy is the org's ``Admins``) and sent with ``peer channel update``; this returns
        once every peer has committed the configuration block. The same CRL already in the
        channel changes nothing (``block`` is None).
        """
        org = self._any_org(org_name)
        if crl is None:
            try:
                crl = self.ca_client(org).generate_crl(self.ca_registrar(org))
            except FabricCAError as exc:
                raise NetworkError(f"{org.name}'s CA made no CRL: {exc}") from exc
        revoked = tuple(format(entry.serial_number, "x") for entry in x509.load_pem_x509_crl(crl))
        channel = self.topology.channel
        with tempfile.TemporaryDirectory(dir=self._work_dir()) as folder:
            work = Path(folder)
            progress(f"fetching the configuration of channel {channel}")
            config = channel_config.block_config(self._fetch_config(org, work))
            section = _section(org)
            if _same_revocations(channel_config.revocation_list(config, section, org.msp_id), crl):
                return CrlUpdate(org.msp_id, None, revoked)
            updated = channel_config.with_revocation_list(config, section, org.msp_id, [crl])
            original = self._encode(config, "common.Config", work / "config.pb")
            modified = self._encode(updated, "common.Config", work / "updated.pb")
            update = work / "update.pb"
            self._configtxlator(
                "compute_update",
                "--channel_id",
                channel,
                "--original",
                str(original),
                "--updated",
                str(modified),
                "--output",
                str(update),
            )
            envelope = self._encode(
                channel_config.update_envelope(
                    channel, self._decode(update, "common.ConfigUpdate")
                ),
                "common.Envelope",
                work / "envelope.pb",
            )
            progress(f"updating {org.msp_id}'s revocation list in channel {channel}")
            self._run(
                [
                    str(self.fabric.tool("peer")),
                    "channel",
                    "update",
                    "-f",
                    str(envelope),
                    "-c",
                    channel,
                    *self._orderer_args(),
                ],
                self._channel_admin_env(org),
                f"peer channel update ({org.name}'s revocation list)",
            )
            block = channel_config.block_number(self._fetch_config(org, work))
        progress(f"waiting for every peer to commit configuration block {block}")
        self._wait_for_height(block + 1)
        return CrlUpdate(org.msp_id, block, revoked)

    def revoke(
        self,
        org_name: str,
        *,
        enrollment_id: str | None = None,
        certificate: bytes | None = None,
        reason: RevocationReason | str = RevocationReason.UNSPECIFIED,
        progress: Progress = _quiet,
    ) -> CrlUpdate:
        """Revoke at the org's CA an identity (every certificate of it; it can no longer
        enroll) or one ``certificate`` (PEM), then put the CA's new CRL into the channel
        (:meth:`update_crl`)."""
        org = self._any_org(org_name)
        serial: str | None = None
        aki: str | None = None
        if certificate is not None:
            serial, aki = serial_and_aki(certificate)
        elif enrollment_id is None:
            raise NetworkError("name an enrollment ID or a certificate to revoke")
        try:
            result = self.ca_client(org).revoke(
                self.ca_registrar(org),
                enrollment_id=None if certificate is not None else enrollment_id,
                serial=serial,
                aki=aki,
                reason=reason,
                gencrl=True,
            )
        except FabricCAError as exc:
            raise NetworkError(f"{org.name}'s CA did not revoke: {exc}") from exc
        return self.update_crl(org_name, result.crl, progress=progress)

    def replace_lost_key(
        self, org_name: str, name: str, *, progress: Progress = _quiet
    ) -> tuple[crypto.NodePaths, CrlUpdate]:
        """A user whose key was lost or leaked gets a new key under the same enrollment ID.

        Its current certificate is revoked at the org's CA (key compromise) and the CRL put
        into the channel (:meth:`revoke`), so every peer refuses the old key from then on;
        then the CA gives the identity a new one-time secret and it is enrolled again with a
        new key, written over the old one in the network's home. The register names an
        account's controller by MSP ID and enrollment ID, so the user keeps its accounts.
        Returns the user's paths and the channel update.
        """
        org = self.topology.org(org_name)
        if not org.uses_fabric_ca:
            raise NetworkError(f"{org.name}'s identities are generated locally: it has no CA")
        if name not in self.users(org):
            raise NetworkError(f"{org.name} has no user named {name!r}")
        paths = self.layout.user(org.key, name)
        update = self.revoke(
            org_name,
            certificate=paths.cert.read_bytes(),
            reason=RevocationReason.KEY_COMPROMISE,
            progress=progress,
        )
        ca, registrar = self.ca_client(org), self.ca_registrar(org)
        secret = secrets.token_urlsafe(18)
        try:
            ca.modify_identity(registrar, name, secret=secret)
            enrollment = ca.enroll(name, secret)
        except FabricCAError as exc:
            raise NetworkError(f"{org.name}'s CA did not enroll {name!r} again: {exc}") from exc
        org_ca.write_enrollment(paths, enrollment, self.layout.tls_ca_cert(org.key).read_bytes())
        return paths, update

    def _any_org(self, org_name: str) -> Org | OrdererOrg:
        """An application org or the orderer org, by name or MSP ID."""
        oo = self.topology.orderer_org
        if org_name.lower() in (oo.key, oo.msp_id.lower()):
            return oo
        try:
            return self.topology.org(org_name)
        except ValueError as exc:
            raise NetworkError(str(exc)) from exc

    def _work_dir(self) -> Path:
        work = self.config_dir / "updates"
        work.mkdir(parents=True, exist_ok=True)
        return work

    def _channel_admin_env(self, org: Org | OrdererOrg) -> dict[str, str]:
        """The ``peer`` CLI as the org's admin, for channel commands sent to the orderers."""
        if isinstance(org, Org):
            return self.admin_env(org)
        admin = self.layout.user(org.key, "admin")
        return {
            **_base_env(),
            "FABRIC_CFG_PATH": str(self.fabric.config_dir),
            "FABRIC_LOGGING_SPEC": "WARNING",
            "CORE_PEER_LOCALMSPID": org.msp_id,
            "CORE_PEER_MSPCONFIGPATH": str(admin.msp),
            "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_TLS_ROOTCERT_FILE": str(self.layout.tls_ca_cert(org.key)),
        }

    def _fetch_config(self, org: Org | OrdererOrg, work: Path) -> dict[str, Any]:
        """The channel's latest configuration block from the orderers, decoded."""
        block = work / "config.block"
        self._run(
            [
                str(self.fabric.tool("peer")),
                "channel",
                "fetch",
                "config",
                str(block),
                "-c",
                self.topology.channel,
                *self._orderer_args(),
            ],
            self._channel_admin_env(org),
            f"peer channel fetch config ({org.name})",
        )
        return self._decode(block, "common.Block")

    def _configtxlator(self, *args: str) -> CommandResult:
        return self._run(
            [str(self.fabric.tool("configtxlator")), *args],
            _base_env(),
            f"configtxlator {args[0]}",
        )

    def _decode(self, path: Path, message: str) -> dict[str, Any]:
        out = self._configtxlator("proto_decode", "--input", str(path), "--type", message)
        decoded: dict[str, Any] = json.loads(out.stdout)
        return decoded

    def _encode(self, document: dict[str, Any], message: str, path: Path) -> Path:
        source = path.with_suffix(".json")
        source.write_text(json.dumps(document))
        self._configtxlator(
            "proto_encode", "--input", str(source), "--type", message, "--output", str(path)
        )
        return path

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

    def _discard(self, *paths: Path) -> None:
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)

    def _genesis(self) -> None:
        configtx.write(self.topology, self.layout, self.config_dir, self.fabric.major)
        env = {**_base_env(), "FABRIC_CFG_PATH": str(self.config_dir)}
        partial = self.genesis_block.with_suffix(".partial")
        self._run(
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

    def _install_builder(self) -> None:
        target = self.home / "builders" / "ccaas" / "bin"
        target.mkdir(parents=True, exist_ok=True)
        source = resources.files("sovereign_network") / "data" / "ccaas_builder"
        for step in ("detect", "build", "release"):
            path = target / step
            path.write_bytes((source / step).read_bytes())
            path.chmod(0o755)

    def _start_orderers(
        self, progress: Progress, enrolled: Mapping[str, Future[None]] | None = None
    ) -> None:
        oo = self.topology.orderer_org
        if enrolled and oo.key in enrolled:
            _enrolled([enrolled[oo.key]])
        for o in oo.orderers:
            progress(f"starting {o.name} on {o.address}")
            self.supervisor.start(self._orderer_spec(o))
        for o in oo.orderers:
            self._wait_orderer_ready(o)
            self._ensure_orderer_joined(o, progress)
        progress("waiting for a Raft leader")
        self.wait_for_leader()

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

    def _osnadmin(self, o: Orderer, *args: str, timeout: float = 20) -> CommandResult:
        admin = self.layout.user(self.topology.orderer_org.key, "admin")
        return self._run(
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
            _base_env(),
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
                _enrolled([enrolled[org.key]])
            for p in org.peers:
                progress(f"starting {p.name} on {p.address}")
                self.supervisor.start(self._peer_spec(org, p))
        for org in self.topology.orgs:
            for p in org.peers:
                self._wait_peer_ready(org, p)
                self._ensure_peer_joined(org, p, progress)

    def discovered(self, org: Org) -> list[fabric_output.DiscoveredPeer]:
        """The channel's peers as ``org``'s Gateway peer's discovery service lists them."""
        admin = self.layout.user(org.key, "admin")
        p = org.gateway_peer
        out = self._run(
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
            _base_env(),
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
                self.supervisor.start(self._orderer_spec(o))
                self._wait_orderer_ready(o)
                return
        for org in self.topology.orgs:
            for p in org.peers:
                if p.name == name:
                    self.supervisor.start(self._peer_spec(org, p))
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

    # ------------------------------------------------------------- chaincode
    def deploy_chaincode(
        self,
        *,
        name: str | None = None,
        module: str | None = None,
        version: str = "1.0",
        collections_config: Path | None = None,
        signature_policy: str | None = None,
        server: Sequence[str] | None = None,
        progress: Progress = _quiet,
    ) -> dict[str, Any]:
        """Install, approve and commit a chaincode-as-a-service; a redeploy is a new sequence.

        Each org's chaincode server runs ``python -m fabric_chaincode serve --chaincode
        MODULE`` unless ``server`` gives another program's argv (a chaincode on another
        shim, such as Go's), which gets the usual CCaaS environment (``CHAINCODE_ID``,
        ``CHAINCODE_SERVER_ADDRESS``, ``CHAINCODE_TLS_*``). Returns what was deployed;
        succeeds only when every org's Gateway peer discovers every peer with it.
        """
        if not self.is_up():
            raise NetworkError("the network is not up; run `sov network up` first")
        spec = self.topology.chaincode
        name = name or spec.name
        module = module or spec.module
        policy = signature_policy or _policy_argument(spec.endorsement_policy, self.topology)
        if collections_config is None and name == spec.name:
            # The register keeps investors' personal data in per-org collections.
            collections_config = collections.write_collections_config(
                self.topology, self.config_dir / f"collections-{name}.json"
            )
        deployed = self.load_state().get("chaincodes", {})
        sequence = int(deployed.get(name, {}).get("sequence", 0)) + 1
        label = f"{name}_{version}"
        packages: dict[str, ChaincodePackage] = {}
        slot = self._chaincode_slot(name)
        for org in self.topology.orgs:
            packages[org.key] = build_package(
                label=label,
                address=f"{HOST}:{org.chaincode_ports[slot]}",
                server=self.layout.chaincode_server(org.key),
                client=self.layout.chaincode_client(org.key),
                directory=self.home / "chaincode" / org.key,
            )
            progress(f"installing {label} on {org.name}'s peers")
            for p in org.peers:
                installed = self.peer_cli(
                    org, ["lifecycle", "chaincode", "queryinstalled", "--output", "json"], p
                )
                if packages[org.key].package_id not in fabric_output.installed_package_ids(
                    installed.stdout
                ):
                    self.peer_cli(
                        org, ["lifecycle", "chaincode", "install", str(packages[org.key].path)], p
                    )
            progress(f"starting {org.name}'s chaincode server")
            self._start_chaincode(
                org, module, packages[org.key].package_id, name, slot, server=server
            )
        common = [
            "--channelID",
            self.topology.channel,
            "--name",
            name,
            "--version",
            version,
            "--sequence",
            str(sequence),
        ]
        if policy:
            common += ["--signature-policy", policy]
        if collections_config:
            common += ["--collections-config", str(collections_config)]
        orderer = self._orderer_args()
        for org in self.topology.orgs:
            progress(f"approving {name} sequence {sequence} for {org.name}")
            self.peer_cli(
                org,
                [
                    "lifecycle",
                    "chaincode",
                    "approveformyorg",
                    *common,
                    "--package-id",
                    packages[org.key].package_id,
                    *orderer,
                ],
            )
        progress(f"committing {name} sequence {sequence}")
        peers: list[str] = []
        for org in self.topology.orgs:
            peers += [
                "--peerAddresses",
                org.gateway_peer.address,
                "--tlsRootCertFiles",
                str(self.layout.tls_ca_cert(org.key)),
            ]
        first = self.topology.orgs[0]
        self.peer_cli(first, ["lifecycle", "chaincode", "commit", *common, *orderer, *peers])
        self._wait_committed(name, sequence)
        progress(f"waiting for every org's peers to discover {name}")
        self.wait_for_discovery(chaincode=name)
        record = {
            "version": version,
            "sequence": sequence,
            "module": module,
            "package_ids": {k: v.package_id for k, v in packages.items()},
        }
        self._save_state(chaincodes={**deployed, name: record})
        return record

    def _orderer_args(self) -> list[str]:
        o = self.topology.orderer_org.orderers[0]
        return ["-o", o.address, "--tls", "--cafile", str(self._orderer_tls_ca())]

    def _wait_committed(self, name: str, sequence: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        for org in self.topology.orgs:
            for p in org.peers:
                while True:
                    try:
                        out = self.peer_cli(
                            org,
                            [
                                "lifecycle",
                                "chaincode",
                                "querycommitted",
                                "--channelID",
                                self.topology.channel,
                                "--name",
                                name,
                                "--output",
                                "json",
                            ],
                            p,
                        )
                        if fabric_output.committed_sequence(out.stdout) == sequence:
                            break
                    except NetworkError:
                        pass
                    if time.monotonic() > deadline:
                        raise NetworkError(f"{p.name} did not see {name} sequence {sequence}")
                    time.sleep(0.1)

    def _chaincode_slot(self, name: str) -> int:
        """The server slot (port per org) of chaincode ``name``; a new name takes a free one."""
        slots: dict[str, int] = self.load_state().get("chaincode_slots", {})
        if name in slots:
            return slots[name]
        free = sorted(set(range(CHAINCODE_SLOTS)) - set(slots.values()))
        if not free:
            raise NetworkError(
                f"every org already runs {CHAINCODE_SLOTS} chaincode servers "
                f"({', '.join(sorted(slots))}); redeploy one of them instead"
            )
        self._save_state(chaincode_slots={**slots, name: free[0]})
        return free[0]

    def _start_chaincode(
        self,
        org: Org,
        module: str,
        package_id: str,
        name: str,
        slot: int,
        *,
        server: Sequence[str] | None = None,
    ) -> None:
        process = chaincode_process(org, name)
        port = org.chaincode_ports[slot]
        self.supervisor.stop(process)
        tls = self.layout.chaincode_server(org.key)
        env = {
            **_base_env(),
            "CHAINCODE_ID": package_id,
            "CHAINCODE_SERVER_ADDRESS": f"{HOST}:{port}",
            "CHAINCODE_TLS_DISABLED": "false",
            "CHAINCODE_TLS_KEY": str(tls.tls_key),
            "CHAINCODE_TLS_CERT": str(tls.tls_cert),
            "CHAINCODE_CLIENT_CA_CERT": str(self.layout.tls_ca_cert(org.key)),
            "CORE_PEER_LOCALMSPID": org.msp_id,
        }
        spec = ProcessSpec(
            name=process,
            argv=list(server)
            if server
            else [sys.executable, "-m", "fabric_chaincode", "serve", "--chaincode", module],
            env=env,
            cwd=self.home,
            ports=(port,),
        )
        self.supervisor.start(spec)
        # Ready when it answers TLS as this org's chaincode server to the peers' client
        # certificate: another program on the port does not pass for it.
        client = self.layout.chaincode_client(org.key)
        self.supervisor.wait_until(
            process,
            lambda: tls_handshake(
                HOST,
                port,
                self.layout.tls_ca_cert(org.key),
                f"chaincode.{org.domain}",
                client=(client.tls_cert, client.tls_key),
            ),
            timeout=READY_TIMEOUT,
            what=f"its chaincode server on port {port}",
        )
        servers = self.load_state().get("chaincode_servers", {})
        servers[process] = {
            "org": org.key,
            "module": module,
            "package_id": package_id,
            "name": name,
            "slot": slot,
            "server": list(server) if server else None,
        }
        self._save_state(chaincode_servers=servers)

    def _restart_chaincode(self, progress: Progress) -> None:
        servers = self.load_state().get("chaincode_servers", {})
        for org in self.topology.orgs:
            for entry in servers.values():
                if entry["org"] == org.key:
                    progress(f"restarting {org.name}'s {entry['name']} chaincode server")
                    self._start_chaincode(
                        org,
                        entry["module"],
                        entry["package_id"],
                        entry["name"],
                        entry["slot"],
                        server=entry.get("server"),
                    )

    # ------------------------------------------------------------ identities
    def users(self, org: Org) -> dict[str, dict[str, str]]:
        """Client users of ``org``: the topology's and those created since, with attributes."""
        created = self.load_state().get("users", {}).get(org.key, {})
        return {**{u.name: dict(u.attrs) for u in org.users}, **created}

    def create_user(self, org: Org, name: str, attrs: Mapping[str, str]) -> crypto.NodePaths:
        """Issue a client certificate from the org's CA, with role attributes.

        An org with a Fabric CA registers the user there and enrolls it (the CA must
        run); otherwise the tooling issues it from the CA key in the network's home.
        """
        if not self.layout.ca_cert(org.key).is_file():
            raise NetworkError(f"no crypto material in {self.home}; run `sov network up` first")
        if name == "admin" or name in self.users(org):
            raise NetworkError(f"{org.name} already has a user named {name!r}")
        if org.uses_fabric_ca:
            identity = org_ca.user_identity(self.layout, org, name, attrs)
            try:
                org_ca.issue(self.layout, org, [identity], self.ca_registrar(org))
            except FabricCAError as exc:
                raise NetworkError(f"{org.name}'s CA did not issue {name!r}: {exc}") from exc
            paths = crypto.issue_user_tls(self.layout, org, name)
        else:
            paths = crypto.issue_user(self.layout, org, name, dict(attrs))
        state = self.load_state()
        users = state.get("users", {})
        users.setdefault(org.key, {})[name] = dict(attrs)
        self._save_state(users=users)
        return paths

    # ---------------------------------------------------------------- status
    def block_height(self) -> int | None:
        org = self.topology.orgs[0]
        try:
            out = self.peer_cli(
                org, ["channel", "getinfo", "-c", self.topology.channel], timeout=10
            )
        except NetworkError:
            return None
        # Only stdout: the CLI's log lines go to stderr and are not JSON.
        return fabric_output.blockchain_height(out.stdout)

    def status(self) -> dict[str, Any]:
        """What a client needs to connect, and what is running."""
        running = set(self.supervisor.running())
        state = self.load_state()
        servers: dict[str, dict[str, Any]] = state.get("chaincode_servers", {})
        orgs = []
        for org in self.topology.orgs:
            users = {
                name: {
                    "certificate": str(self.layout.user(org.key, name).cert),
                    "private_key": str(self.layout.user(org.key, name).key),
                    "attributes": attrs,
                }
                for name, attrs in self.users(org).items()
            }
            admin = self.layout.user(org.key, "admin")
            orgs.append(
                {
                    "name": org.name,
                    "msp_id": org.msp_id,
                    "gateway_peer": org.gateway_peer.address,
                    "gateway_peer_host": org.gateway_peer.host,
                    "tls_root_certificate": str(self.layout.tls_ca_cert(org.key)),
                    "ca": self._authority_status(org, running),
                    "admin": {"certificate": str(admin.cert), "private_key": str(admin.key)},
                    "users": users,
                    "peers": [
                        {"name": p.name, "address": p.address, "running": p.name in running}
                        for p in org.peers
                    ],
                    "chaincode_servers": [
                        {
                            "chaincode": entry["name"],
                            "address": f"{HOST}:{org.chaincode_ports[entry['slot']]}",
                            "running": process in running,
                        }
                        for process, entry in sorted(servers.items())
                        if entry["org"] == org.key
                    ],
                }
            )
        chaincodes = [
            {"name": n, "version": c["version"], "sequence": c["sequence"]}
            for n, c in sorted(state.get("chaincodes", {}).items())
        ]
        return {
            "home": str(self.home),
            "up": bool(running),
            "fabric_version": state.get("fabric_version"),
            "channel": self.topology.channel,
            "block_height": self.block_height() if running and self._fabric else None,
            "orderers": [
                {"name": o.name, "address": o.address, "running": o.name in running}
                for o in self.topology.orderer_org.orderers
            ],
            "orderer_tls_root_certificate": str(self._orderer_tls_ca()),
            "orderer_ca": self._authority_status(self.topology.orderer_org, running),
            "orgs": orgs,
            "chaincodes": chaincodes,
        }

    def _authority_status(self, org: Org | OrdererOrg, running: set[str]) -> dict[str, Any] | None:
        """Where the org's Fabric CA answers and who registers there (None: no CA)."""
        if not org.uses_fabric_ca:
            return None
        return {
            "url": org_ca.ca_url(org),
            "tls_root_certificate": str(self.layout.tls_ca_cert(org.key)),
            "server_name": org_ca.server_name(org),
            "registrar_msp": str(self.layout.ca_registrar(org.key).msp),
            "running": ca_process(org.key) in running,
        }

    # ---------------------------------------------------------------- helpers
    def peer_cli(
        self, org: Org, args: list[str], p: Peer | None = None, *, timeout: float = 120
    ) -> CommandResult:
        """Run the ``peer`` CLI as the org's admin against one of its peers."""
        return self._run(
            [str(self.fabric.tool("peer")), *args],
            self.admin_env(org, p),
            f"peer {' '.join(args[:3])} ({org.name})",
            timeout=timeout,
        )

    @staticmethod
    def _run(
        argv: list[str],
        env: Mapping[str, str],
        what: str,
        *,
        log: Path | None = None,
        timeout: float = 120,
    ) -> CommandResult:
        # Every Fabric command is bounded: a hung peer or orderer never hangs the tooling.
        try:
            result = subprocess.run(
                argv, env=dict(env), capture_output=True, text=True, check=False, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            where = f"; see {log}" if log else ""
            raise NetworkError(f"{what} did not finish within {timeout:.0f}s{where}") from None
        if result.returncode != 0:
            where = f"; see also {log}" if log else ""
            detail = (result.stderr.strip() or result.stdout.strip())[-2000:]
            raise NetworkError(f"{what} failed: {detail}{where}")
        return CommandResult(result.stdout, result.stderr)


def _same_revocations(listed: list[bytes], crl: bytes) -> bool:
    """Whether the channel's one CRL revokes what ``crl`` revokes, by the same issuer.

    A CA signs a new CRL at every request (a new this-update time), so equal bytes are
    not to be expected of two CRLs that say the same.
    """
    if len(listed) != 1:
        return False
    old, new = x509.load_pem_x509_crl(listed[0]), x509.load_pem_x509_crl(crl)
    return old.issuer == new.issuer and {r.serial_number for r in old} == {
        r.serial_number for r in new
    }


def _section(org: Org | OrdererOrg) -> str:
    """Where the org's MSP sits in the channel configuration."""
    return "Orderer" if isinstance(org, OrdererOrg) else "Application"


def _enrolled(futures: list[Future[None]]) -> None:
    """Wait for enrollment work; a Fabric CA's refusal becomes a NetworkError."""
    for future in futures:
        try:
            future.result()
        except FabricCAError as exc:
            raise NetworkError(f"enrolling at a Fabric CA failed: {exc}") from exc


def _gossip_timing(timing: str) -> dict[str, str]:
    """Gossip intervals for the topology's timing.

    A peer probes the other orgs' anchor peers when it joins, usually before they
    have joined, and Fabric's default waits 25 s before the next probe; until then
    the Gateway finds no endorsers in those orgs. Development timing retries every
    second and spreads membership and state (installed chaincodes) faster.
    """
    if timing != "development":
        return {}
    return {
        "CORE_PEER_GOSSIP_RECONNECTINTERVAL": "1s",
        "CORE_PEER_GOSSIP_ALIVETIMEINTERVAL": "1s",
        "CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT": "5s",
        "CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL": "1s",
        "CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL": "1s",
        "CORE_PEER_GOSSIP_PULLINTERVAL": "1s",
        "CORE_PEER_GOSSIP_MEMBERSHIPTRACKERINTERVAL": "1s",
    }


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


def chaincode_process(org: Org, chaincode: str) -> str:
    return f"chaincode.{org.key}.{chaincode}"


def _base_env() -> dict[str, str]:
    # Processes get a minimal environment: nothing of the caller's leaks into them.
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")
    return {k: os.environ[k] for k in keep if k in os.environ}


def _policy_argument(policy: str, topology: Topology) -> str | None:
    """The topology's endorsement policy as ``--signature-policy`` (None: channel default)."""
    upper = policy.strip().upper()
    if upper == "MAJORITY":
        # The channel's /Channel/Application/Endorsement policy is MAJORITY Endorsement.
        return None
    if upper == "ANY":
        members = ", ".join(f"'{o.msp_id}.peer'" for o in topology.orgs)
        return f"OR({members})"
    return policy


__all__ = ["CrlUpdate", "Network", "NetworkError", "ProcessError", "default_home"]
