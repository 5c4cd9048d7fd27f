"""The sovereign chaincode's private data collections, generated from the topology.

One collection per application organisation, ``pii_<MSP ID>``, for the personal data of
the investors that organisation registers: the organisation is its only member (its
peers alone store the data; every peer of the channel stores the hashes) and, through
the collection's own endorsement policy, its only endorser - so a transaction that
writes only to it needs no other organisation's peer, and the transient personal data
never leaves the organisation. ``requiredPeerCount`` 0 and ``maxPeerCount`` the org's
other peers: endorsement disseminates to them when it can and waits for none.
``blockToLive`` 0 keeps the data until it is purged explicitly.

The name rule is the chaincode's (``sovereign_assets.schema.privacy``); this tooling
imports nothing from the chaincode, and a test keeps the two rules equal.
:func:`write_collections_config` writes what ``peer lifecycle chaincode approveformyorg
--collections-config`` and ``commit`` expect.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sovereign_network.topology import Org, Topology

PII_COLLECTION_PREFIX = "pii_"


def personal_data_collection(msp_id: str) -> str:
    """The name of ``msp_id``'s personal data collection (the chaincode's rule)."""
    return f"{PII_COLLECTION_PREFIX}{msp_id}"


def personal_data_collection_definition(org: Org) -> dict[str, Any]:
    """One org's collection, as the collections-config JSON spells it."""
    return {
        "name": personal_data_collection(org.msp_id),
        "policy": f"OR('{org.msp_id}.member')",
        "requiredPeerCount": 0,
        "maxPeerCount": max(len(org.peers) - 1, 0),
        "blockToLive": 0,
        "memberOnlyRead": True,
        "memberOnlyWrite": True,
        "endorsementPolicy": {"signaturePolicy": f"OR('{org.msp_id}.peer')"},
    }


def collections_config(topology: Topology) -> list[dict[str, Any]]:
    """Every application org's personal data collection, in topology order."""
    return [personal_data_collection_definition(org) for org in topology.orgs]


def write_collections_config(topology: Topology, path: Path) -> Path:
    """Write the collections-config JSON for ``topology`` to ``path``; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collections_config(topology), indent=2) + "\n")
    return path
