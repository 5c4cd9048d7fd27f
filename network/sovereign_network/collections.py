"""The sovereign chaincode's private data collections, generated from the topology.

One collection per application organisation, ``pii_<MSP ID>``, for the personal data of
the investors that organisation registers: the organisation is its only member (its
peers alone store the data; every peer of the channel stores the hashes) and, through
the collection's own endorsement policy, its only endorser - so a transaction that
writes only to it needs no other organisation's peer, and the transient personal data
never leaves the organisation. ``requiredPeerCount`` 0 and ``maxPeerCount`` the org's
other peers: endorsement disseminates to them when it can and waits for none.
``blockToLive`` 0 keeps the data until it is purged explicitly.

One collection for sealed auction bids, ``auction_bids``: its members and endorsers are
the auctioneer and the issuer - the orgs with a user whose ``role`` attribute is
``registrar`` or ``issuer`` (the central bank and the treasury in the default topology) -
so another org's peer (the exchange's) holds only the hashes of the bids, never the bids.

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


AUCTION_BIDS_COLLECTION = "auction_bids"
AUCTION_BIDS_MEMBER_ROLES = ("issuer", "registrar")


def auction_bids_members(topology: Topology) -> list[Org]:
    """The orgs holding sealed bids: the issuer and the registrar (auctioneer)."""
    return [
        org
        for org in topology.orgs
        if any(user.attrs.get("role") in AUCTION_BIDS_MEMBER_ROLES for user in org.users)
    ]


def auction_bids_collection_definition(topology: Topology) -> dict[str, Any]:
    """The sealed-bid collection, as the collections-config JSON spells it."""
    members = auction_bids_members(topology) or list(topology.orgs)
    peers = sum(len(org.peers) for org in members)
    return {
        "name": AUCTION_BIDS_COLLECTION,
        "policy": "OR(" + ",".join(f"'{org.msp_id}.member'" for org in members) + ")",
        "requiredPeerCount": 0,
        "maxPeerCount": max(peers - 1, 0),
        "blockToLive": 0,
        "memberOnlyRead": True,
        "memberOnlyWrite": True,
        "endorsementPolicy": {
            "signaturePolicy": "OR(" + ",".join(f"'{org.msp_id}.peer'" for org in members) + ")"
        },
    }


def collections_config(topology: Topology) -> list[dict[str, Any]]:
    """Every application org's personal data collection, in topology order, then the
    sealed-bid collection."""
    return [
        *(personal_data_collection_definition(org) for org in topology.orgs),
        auction_bids_collection_definition(topology),
    ]


def write_collections_config(topology: Topology, path: Path) -> Path:
    """Write the collections-config JSON for ``topology`` to ``path``; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collections_config(topology), indent=2) + "\n")
    return path
