"""The environment each process of a network is started with.

Every Fabric process is configured through ``CORE_*`` / ``ORDERER_*`` environment
variables on top of the sample ``core.yaml``/``orderer.yaml`` of the pinned Fabric
release; a chaincode server through the chaincode-as-a-service variables
(``CHAINCODE_*``). Of the caller's environment only :func:`base_env` passes through.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sovereign_network import crypto
from sovereign_network.binaries import FabricInstall
from sovereign_network.topology import HOST, Orderer, OrdererOrg, Org, Peer, Topology


@dataclass(frozen=True)
class Site:
    """Where a network's processes find their files: its home, topology, crypto
    material and the Fabric release (binaries and sample configuration)."""

    home: Path
    topology: Topology
    layout: crypto.Layout
    fabric: FabricInstall


ORG_ROLES_FILE_ENV = "SOVEREIGN_ORG_ROLES_FILE"
"""The chaincode server's environment variable naming its operator's org-roles file (read
by ``sovereign_assets.operator_config``; the tooling does not import the chaincode)."""


def org_roles_path(site: Site, org: Org) -> Path:
    """Where ``org``'s operator keeps the org roles it gives its chaincode servers."""
    return site.home / "chaincode" / org.key / "org-roles.json"


def write_org_roles(site: Site, org: Org) -> Path:
    """Write the org-roles file ``org``'s operator gives its chaincode servers: the
    topology's ``register_roles`` as JSON (role -> MSP IDs). The register's chaincode
    endorses only a governance bootstrap naming exactly these; other chaincodes ignore it.
    One file per org, as each operator configures its own server."""
    path = org_roles_path(site, org)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(site.topology.register_roles(), sort_keys=True) + "\n")
    return path


def base_env() -> dict[str, str]:
    """The few variables of the caller's environment every process keeps."""
    # Processes get a minimal environment: nothing of the caller's leaks into them.
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")
    return {k: os.environ[k] for k in keep if k in os.environ}


def orderer_env(site: Site, o: Orderer) -> dict[str, str]:
    """An orderer's: TLS everywhere, channel participation API (no system channel),
    Prometheus metrics (the Raft leader is read from them)."""
    oo = site.topology.orderer_org
    node = site.layout.orderer(oo.key, o.host)
    admin = site.layout.user(oo.key, "admin")
    data = site.home / "data" / o.name
    return {
        **base_env(),
        "FABRIC_CFG_PATH": str(site.fabric.config_dir),
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


def peer_env(site: Site, org: Org, p: Peer) -> dict[str, str]:
    """A peer's: TLS, the Gateway service, no Docker, the chaincode-as-a-service builder."""
    node = site.layout.peer(org.key, p.host)
    data = site.home / "data" / p.name
    bootstrap = org.peers[0] if p.index else (org.peers[1] if len(org.peers) > 1 else p)
    builder = {"name": "sovereign-ccaas", "path": str(site.home / "builders" / "ccaas")}
    return {
        **base_env(),
        "FABRIC_CFG_PATH": str(site.fabric.config_dir),
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
        # not, /healthz reports the failed "docker" check, which the readiness
        # wait tolerates.
        "CORE_VM_ENDPOINT": "",
        "CORE_CHAINCODE_EXTERNALBUILDERS": json.dumps([builder]),
        "CORE_CHAINCODE_EXECUTETIMEOUT": "30s",
        **gossip_timing(site.topology.timing),
    }


def admin_env(site: Site, org: Org | OrdererOrg, p: Peer | None = None) -> dict[str, str]:
    """The ``peer`` CLI acting as the org's admin.

    An application org's admin talks to one of its peers (``p``, else its Gateway peer);
    the orderer org has no peers, so its admin only sends channel commands to the orderers.
    """
    admin = site.layout.user(org.key, "admin")
    env = {
        **base_env(),
        "FABRIC_CFG_PATH": str(site.fabric.config_dir),
        "FABRIC_LOGGING_SPEC": "WARNING",
        "CORE_PEER_LOCALMSPID": org.msp_id,
        "CORE_PEER_MSPCONFIGPATH": str(admin.msp),
        "CORE_PEER_TLS_ENABLED": "true",
        "CORE_PEER_TLS_ROOTCERT_FILE": str(site.layout.tls_ca_cert(org.key)),
    }
    if isinstance(org, Org):
        env["CORE_PEER_ADDRESS"] = (p or org.gateway_peer).address
    return env


def chaincode_server_env(site: Site, org: Org, package_id: str, port: int) -> dict[str, str]:
    """An org's chaincode server's: the CCaaS variables (ID, address, mutual TLS) and
    its operator's org-roles file (:func:`write_org_roles`)."""
    tls = site.layout.chaincode_server(org.key)
    return {
        **base_env(),
        "CHAINCODE_ID": package_id,
        "CHAINCODE_SERVER_ADDRESS": f"{HOST}:{port}",
        "CHAINCODE_TLS_DISABLED": "false",
        "CHAINCODE_TLS_KEY": str(tls.tls_key),
        "CHAINCODE_TLS_CERT": str(tls.tls_cert),
        "CHAINCODE_CLIENT_CA_CERT": str(site.layout.tls_ca_cert(org.key)),
        "CORE_PEER_LOCALMSPID": org.msp_id,
        ORG_ROLES_FILE_ENV: str(org_roles_path(site, org)),
    }


def gossip_timing(timing: str) -> dict[str, str]:
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
