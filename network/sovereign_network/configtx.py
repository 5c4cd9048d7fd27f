"""The channel configuration, from the topology, in the project's own template.

The document is written as JSON, which is also YAML, so ``configtxgen`` reads it
without the project depending on a YAML library. There is no system channel: the
genesis block of the application channel is joined to every orderer through the
channel participation API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sovereign_network.crypto import Layout
from sovereign_network.topology import HOST, Org, Topology

PROFILE = "SovereignChannel"

_TIMING = {
    # Development: about 100 ms from submit to block on a 2-core machine.
    "development": {"batch_timeout": "100ms", "tick": "100ms", "max_messages": 100},
    "production": {"batch_timeout": "2s", "tick": "500ms", "max_messages": 500},
}


def _signature(rule: str) -> dict[str, str]:
    return {"Type": "Signature", "Rule": rule}


def _implicit(rule: str) -> dict[str, str]:
    return {"Type": "ImplicitMeta", "Rule": rule}


def _application_org(org: Org, layout: Layout) -> dict[str, Any]:
    m = org.msp_id
    return {
        "Name": m,
        "ID": m,
        "MSPDir": str(layout.org_msp(org.key)),
        "Policies": {
            "Readers": _signature(f"OR('{m}.admin', '{m}.peer', '{m}.client')"),
            "Writers": _signature(f"OR('{m}.admin', '{m}.client')"),
            "Admins": _signature(f"OR('{m}.admin')"),
            "Endorsement": _signature(f"OR('{m}.peer')"),
        },
        # Anchor peers go into the genesis configuration so cross-org gossip
        # works from the first block, without a later config update.
        "AnchorPeers": [{"Host": HOST, "Port": org.gateway_peer.port}],
    }


def document(topology: Topology, layout: Layout, fabric_major: int) -> dict[str, Any]:
    """The configtx document holding one profile for the application channel."""
    oo = topology.orderer_org
    m = oo.msp_id
    timing = _TIMING[topology.timing]
    orderer_org = {
        "Name": m,
        "ID": m,
        "MSPDir": str(layout.org_msp(oo.key)),
        "Policies": {
            "Readers": _signature(f"OR('{m}.member')"),
            "Writers": _signature(f"OR('{m}.member')"),
            "Admins": _signature(f"OR('{m}.admin')"),
        },
        "OrdererEndpoints": [o.address for o in oo.orderers],
    }
    consenters = []
    for o in oo.orderers:
        tls = layout.orderer(oo.key, o.host)
        consenters.append(
            {
                "Host": HOST,
                "Port": o.port,
                "ClientTLSCert": str(tls.tls_cert),
                "ServerTLSCert": str(tls.tls_cert),
            }
        )
    channel_capability = "V3_0" if fabric_major >= 3 else "V2_0"
    profile = {
        "Policies": {
            "Readers": _implicit("ANY Readers"),
            "Writers": _implicit("ANY Writers"),
            "Admins": _implicit("MAJORITY Admins"),
        },
        "Capabilities": {channel_capability: True},
        "Orderer": {
            "OrdererType": "etcdraft",
            "BatchTimeout": timing["batch_timeout"],
            "BatchSize": {
                "MaxMessageCount": timing["max_messages"],
                "AbsoluteMaxBytes": "99 MB",
                "PreferredMaxBytes": "2 MB",
            },
            "EtcdRaft": {
                "Consenters": consenters,
                "Options": {
                    "TickInterval": timing["tick"],
                    "ElectionTick": 10,
                    "HeartbeatTick": 1,
                    "MaxInflightBlocks": 5,
                    "SnapshotIntervalSize": "16 MB",
                },
            },
            "Organizations": [orderer_org],
            "Policies": {
                "Readers": _implicit("ANY Readers"),
                "Writers": _implicit("ANY Writers"),
                "Admins": _implicit("MAJORITY Admins"),
                "BlockValidation": _implicit("ANY Writers"),
            },
            "Capabilities": {"V2_0": True},
        },
        "Application": {
            "Organizations": [_application_org(org, layout) for org in topology.orgs],
            "Policies": {
                "Readers": _implicit("ANY Readers"),
                "Writers": _implicit("ANY Writers"),
                "Admins": _implicit("MAJORITY Admins"),
                "LifecycleEndorsement": _implicit("MAJORITY Endorsement"),
                "Endorsement": _implicit("MAJORITY Endorsement"),
            },
            "Capabilities": {"V2_5": True},
        },
    }
    return {"Profiles": {PROFILE: profile}}


def write(topology: Topology, layout: Layout, directory: Path, fabric_major: int) -> Path:
    """Write ``configtx.yaml`` into ``directory`` (the FABRIC_CFG_PATH for configtxgen)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "configtx.yaml"
    doc = document(topology, layout, fabric_major)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
