"""Reading what Fabric's programs answer: health, metrics and CLI output.

Each function takes text a Fabric binary printed or served and returns our own
values; none runs anything. The formats were checked against Fabric's source
(``core/operations`` health handler, ``orderer/consensus/etcdraft/metrics.go``,
``cmd/osnadmin/main.go``, ``internal/peer/channel/getinfo.go`` and
``internal/peer/lifecycle/chaincode``). This module imports nothing of the
rest of the project.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ledger_codec import loads_unique

DOCKER_CHECK = "docker"
"""The peer's health checker for its Docker daemon (registered whenever ``vm.endpoint`` is set)."""

_STATUS = re.compile(r"^Status:\s*(\d{3})\s*$", re.MULTILINE)
_METRIC = re.compile(r"^(?P<name>[A-Za-z_:][\w:]*)(?:\{(?P<labels>[^}]*)\})?\s+(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def healthy(status: int, body: str, tolerated: Collection[str] = ()) -> bool:
    """Whether a ``/healthz`` answer means the node is up.

    Fabric answers 200 with ``{"status":"OK",...}``, or 503 with
    ``failed_checks: [{"component": ..., "reason": ...}]``. A 503 whose failed
    checks are all ``tolerated`` components counts as up: a peer with no Docker
    daemon fails its ``docker`` check yet serves external-builder chaincode.
    """
    try:
        doc = loads_unique(body)
    except ValueError:
        return False
    if not isinstance(doc, dict):
        return False
    if status == 200:
        return doc.get("status") == "OK"
    if status != 503:
        return False
    failed = doc.get("failed_checks")
    if not isinstance(failed, list) or not failed:
        return False
    return all(isinstance(c, dict) and c.get("component") in tolerated for c in failed)


def is_raft_leader(metrics: str, channel: str) -> bool:
    """Whether Prometheus text reports ``consensus_etcdraft_is_leader{channel=...}`` as 1."""
    for line in metrics.splitlines():
        match = _METRIC.match(line)
        if not match or match["name"] != "consensus_etcdraft_is_leader":
            continue
        labels = dict(_LABEL.findall(match["labels"] or ""))
        if labels.get("channel") != channel:
            continue
        try:
            return float(match["value"]) == 1.0
        except ValueError:
            return False
    return False


@dataclass(frozen=True)
class AdminResponse:
    """What ``osnadmin`` printed: the HTTP status of the admin call and its JSON body."""

    status: int | None
    body: str

    @property
    def joined(self) -> bool:
        """The join was accepted (201), or the orderer already had the channel (405)."""
        if self.status == 201:
            return True
        return self.status == 405 and "already exists" in self.body


def osnadmin_response(stdout: str) -> AdminResponse:
    """Parse ``osnadmin`` output.

    ``osnadmin`` exits 0 whatever HTTP status the orderer answered and prints
    ``Status: <code>`` followed by the body, so the status must be read here.
    """
    match = _STATUS.search(stdout)
    if match is None:
        return AdminResponse(None, stdout.strip())
    return AdminResponse(int(match.group(1)), stdout[match.end() :].strip())


def osnadmin_has_channel(stdout: str, channel: str) -> bool:
    """Whether ``osnadmin channel list --channelID C`` shows the orderer holding ``channel``.

    The orderer answers 200 with ``{"name": ..., "status": ..., ...}`` for a channel
    it has joined (whatever its consensus relation) and 404 otherwise.
    """
    answer = osnadmin_response(stdout)
    if answer.status != 200:
        return False
    try:
        doc = loads_unique(answer.body)
    except ValueError:
        return False
    return isinstance(doc, dict) and doc.get("name") == channel


def peer_channels(stdout: str) -> set[str]:
    """Channel names printed by ``peer channel list`` after its heading line."""
    lines = [line.strip() for line in stdout.splitlines()]
    for index, line in enumerate(lines):
        if line.startswith("Channels peers has joined"):
            return {name for name in lines[index + 1 :] if name}
    return set()


@dataclass(frozen=True)
class DiscoveredPeer:
    """One peer as the discovery service describes it to a client."""

    msp_id: str
    endpoint: str
    chaincodes: frozenset[str]


def discovered_peers(stdout: str) -> list[DiscoveredPeer]:
    """Parse ``discover peers --channel C`` (a JSON list of peers with their chaincodes)."""
    try:
        doc = loads_unique(stdout)
    except ValueError:
        return []
    if not isinstance(doc, list):
        return []
    found = []
    for entry in doc:
        if not isinstance(entry, dict):
            continue
        chaincodes = entry.get("Chaincodes") or []
        found.append(
            DiscoveredPeer(
                msp_id=str(entry.get("MSPID", "")),
                endpoint=str(entry.get("Endpoint", "")),
                chaincodes=frozenset(str(c) for c in chaincodes if isinstance(c, str)),
            )
        )
    return found


def blockchain_height(stdout: str) -> int | None:
    """The height printed by ``peer channel getinfo`` (``Blockchain info: {...}``)."""
    start = stdout.find("{")
    if start < 0:
        return None
    try:
        doc, _ = json.JSONDecoder().raw_decode(stdout[start:])
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    # Go's encoding/json omits a zero height and prints uint64 as a number;
    # a protojson encoder would print it as a string.
    return _integer(doc.get("height", 0))


def committed_sequence(stdout: str) -> int | None:
    """The sequence in ``peer lifecycle chaincode querycommitted --name N --output json``."""
    try:
        doc = loads_unique(stdout)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    return _integer(doc.get("sequence"))


def installed_package_ids(stdout: str) -> set[str]:
    """Package IDs in ``peer lifecycle chaincode queryinstalled --output json``."""
    try:
        doc = loads_unique(stdout)
    except ValueError:
        return set()
    if not isinstance(doc, dict):
        return set()
    found = doc.get("installed_chaincodes") or []
    if not isinstance(found, list):
        return set()
    return {str(c["package_id"]) for c in found if isinstance(c, dict) and "package_id" in c}


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
