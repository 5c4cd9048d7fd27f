"""The personal data collections generated from the topology: the JSON the peer CLI
reads, and the same collection names the chaincode writes to."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from sovereign_assets.schema import privacy
from sovereign_network import collections, topology

# Fabric's rule for collection names (core/common/ccprovider): letters, digits, '_' and
# '-', not starting with '_' (reserved for implicit collections).
_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9-]+[A-Za-z0-9_-]*$")


def test_the_tooling_and_the_chaincode_name_each_collection_alike() -> None:
    for msp_id in ("TreasuryMSP", "CentralBankMSP", "ExchangeMSP", "Org-7.MSP"):
        assert collections.personal_data_collection(msp_id) == (
            privacy.personal_data_collection(msp_id)
        )
    assert collections.PII_COLLECTION_PREFIX == privacy.PII_COLLECTION_PREFIX


def test_one_collection_per_org_its_only_member_and_endorser(tmp_path: Path) -> None:
    topo = topology.load()
    path = collections.write_collections_config(topo, tmp_path / "cfg" / "collections.json")
    assert path == tmp_path / "cfg" / "collections.json"
    written = json.loads(path.read_text())[: len(topo.orgs)]
    assert [c["name"] for c in written] == [f"pii_{org.msp_id}" for org in topo.orgs]
    for org, definition in zip(topo.orgs, written, strict=True):
        assert _COLLECTION_NAME.match(definition["name"])
        assert definition == {
            "name": privacy.personal_data_collection(org.msp_id),
            "policy": f"OR('{org.msp_id}.member')",
            "requiredPeerCount": 0,
            "maxPeerCount": len(org.peers) - 1,
            "blockToLive": 0,
            "memberOnlyRead": True,
            "memberOnlyWrite": True,
            "endorsementPolicy": {"signaturePolicy": f"OR('{org.msp_id}.peer')"},
        }


def test_max_peer_count_covers_the_orgs_other_peers() -> None:
    org = topology.load().orgs[0]
    two_peers = dataclasses.replace(org, peers=(org.peers[0], org.peers[0]))
    definition = collections.personal_data_collection_definition(two_peers)
    assert (definition["requiredPeerCount"], definition["maxPeerCount"]) == (0, 1)


def test_sealed_bids_are_held_by_the_issuer_and_the_auctioneer_only() -> None:
    assert collections.AUCTION_BIDS_COLLECTION == privacy.AUCTION_BIDS_COLLECTION
    assert collections.AUCTION_BIDS_MEMBER_ROLES == privacy.AUCTION_BIDS_MEMBER_ROLES
    topo = topology.load()
    definition = collections.collections_config(topo)[-1]
    assert _COLLECTION_NAME.match(definition["name"])
    assert definition == {
        "name": "auction_bids",
        "policy": "OR('TreasuryMSP.member','CentralBankMSP.member')",
        "requiredPeerCount": 0,
        "maxPeerCount": 1,
        "blockToLive": 0,
        "memberOnlyRead": True,
        "memberOnlyWrite": True,
        "endorsementPolicy": {"signaturePolicy": "OR('TreasuryMSP.peer','CentralBankMSP.peer')"},
    }
