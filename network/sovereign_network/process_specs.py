"""What the supervisor starts for each node: program, environment, working folder, ports.

A Fabric CA server's spec is :func:`sovereign_network.org_ca.server_spec`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sovereign_network.environments import Site, chaincode_server_env, orderer_env, peer_env
from sovereign_network.supervisor import ProcessSpec
from sovereign_network.topology import Orderer, Org, Peer


def orderer_spec(site: Site, o: Orderer) -> ProcessSpec:
    """An orderer node; its ports: cluster/broadcast, channel participation, operations."""
    return ProcessSpec(
        name=o.name,
        argv=[str(site.fabric.tool("orderer"))],
        env=orderer_env(site, o),
        cwd=site.home,
        ports=(o.port, o.admin_port, o.operations_port),
    )


def peer_spec(site: Site, org: Org, p: Peer) -> ProcessSpec:
    """A peer node; its ports: peer/Gateway, chaincode, operations."""
    return ProcessSpec(
        name=p.name,
        argv=[str(site.fabric.tool("peer")), "node", "start"],
        env=peer_env(site, org, p),
        cwd=site.home,
        ports=(p.port, p.chaincode_port, p.operations_port),
    )


def chaincode_process(org: Org, chaincode: str) -> str:
    """The supervisor's name of ``org``'s server of ``chaincode``."""
    return f"chaincode.{org.key}.{chaincode}"


def chaincode_server_spec(
    site: Site,
    org: Org,
    *,
    chaincode: str,
    module: str,
    package_id: str,
    port: int,
    server: Sequence[str] | None = None,
) -> ProcessSpec:
    """``org``'s chaincode-as-a-service server of ``chaincode`` on ``port``.

    It runs ``python -m fabric_chaincode serve --chaincode MODULE`` unless ``server``
    gives another program's argv (a chaincode on another shim, such as Go's).
    """
    return ProcessSpec(
        name=chaincode_process(org, chaincode),
        argv=list(server)
        if server
        else [sys.executable, "-m", "fabric_chaincode", "serve", "--chaincode", module],
        env=chaincode_server_env(site, org, package_id, port),
        cwd=site.home,
        ports=(port,),
    )
