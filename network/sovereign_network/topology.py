"""The consortium's topology: the single source of truth for everything generated.

This module owns parsing and validating the topology file (TOML) and allocating
ports. It does no I/O beyond reading the file it is given and imports nothing of
the rest of the project.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,31}")
_MSP_ID = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")
_USER = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_CHANNEL = re.compile(r"[a-z][a-z0-9.-]{0,48}")
_DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
_TIMINGS = ("development", "production")
_MIN_PORT = 1024
_MAX_PORT = 65535
CHAINCODE_SLOTS = 4
"""Chaincode servers each org can run at once (one port each, one per chaincode)."""
_SLOTS_WITH_ORG = 3
"""Slots whose ports are allocated with their org's peers, as the first releases did.

Slots beyond these take ports after every other port of the network, so that raising
CHAINCODE_SLOTS never moves a port of a network brought up before: its channel configuration
(anchor peers) and its installed chaincode packages (server addresses) name those ports.
"""


class TopologyError(ValueError):
    """The topology file is invalid; the message names the file and the field."""


@dataclass(frozen=True)
class User:
    """A client identity issued by an org's CA, with Fabric CA style attributes."""

    name: str
    attrs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Peer:
    """One peer process; every port is on 127.0.0.1."""

    org: str
    index: int
    host: str
    port: int
    chaincode_port: int
    operations_port: int

    @property
    def name(self) -> str:
        """The peer's short name, e.g. ``peer0.treasury``."""
        return self.host.split(".sovereign", 1)[0]

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"


@dataclass(frozen=True)
class Orderer:
    """One Raft consenter process."""

    index: int
    host: str
    port: int
    admin_port: int
    operations_port: int

    @property
    def name(self) -> str:
        return f"orderer{self.index}"

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"


@dataclass(frozen=True)
class Org:
    """An application organisation: one MSP, its peers, its users and its chaincode server."""

    name: str
    msp_id: str
    domain: str
    peers: tuple[Peer, ...]
    users: tuple[User, ...]
    chaincode_ports: tuple[int, ...]

    @property
    def chaincode_port(self) -> int:
        """The port of the org's first chaincode server."""
        return self.chaincode_ports[0]

    @property
    def key(self) -> str:
        """Lower-case name used for directories and process names."""
        return self.name.lower()

    @property
    def gateway_peer(self) -> Peer:
        return self.peers[0]


@dataclass(frozen=True)
class OrdererOrg:
    name: str
    msp_id: str
    domain: str
    orderers: tuple[Orderer, ...]

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class ChaincodeSpec:
    """The chaincode the tooling deploys by default."""

    name: str
    endorsement_policy: str
    module: str


@dataclass(frozen=True)
class Topology:
    """The whole consortium."""

    channel: str
    base_port: int
    timing: str
    orderer_org: OrdererOrg
    orgs: tuple[Org, ...]
    chaincode: ChaincodeSpec
    source: str
    document: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def org(self, name_or_msp: str) -> Org:
        """Find an org by name (case-insensitive) or MSP ID."""
        for org in self.orgs:
            if name_or_msp.lower() in (org.key, org.msp_id.lower()):
                return org
        known = ", ".join(o.name for o in self.orgs)
        raise TopologyError(f"no org named {name_or_msp!r} (known: {known})")

    def ports(self) -> list[tuple[str, int]]:
        """Every port the network listens on, with the process that owns it."""
        result: list[tuple[str, int]] = []
        for o in self.orderer_org.orderers:
            result += [(o.name, o.port), (o.name, o.admin_port), (o.name, o.operations_port)]
        for org in self.orgs:
            for p in org.peers:
                result += [(p.name, p.port), (p.name, p.chaincode_port)]
                result.append((p.name, p.operations_port))
            result += [(f"chaincode.{org.key}", port) for port in org.chaincode_ports]
        return result

    def with_base_port(self, base_port: int) -> Topology:
        """The same consortium with its ports allocated from another base."""
        return _build(self.document, self.source, base_port_override=base_port)


def default_topology_path() -> Path:
    """The topology shipped with the package."""
    return Path(str(resources.files("sovereign_network") / "data" / "topology.toml"))


def load(path: Path | None = None, *, base_port: int | None = None) -> Topology:
    """Read and validate a topology file (the packaged default when ``path`` is None)."""
    path = path or default_topology_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TopologyError(f"{path}: cannot read topology file: {exc.strerror}") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TopologyError(f"{path}: not valid TOML: {exc}") from exc
    return _build(raw, str(path), base_port_override=base_port)


def _build(raw: Mapping[str, Any], source: str, *, base_port_override: int | None) -> Topology:
    def fail(where: str, why: str) -> TopologyError:
        return TopologyError(f"{source}: {where}: {why}")

    def table(doc: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = doc.get(key)
        if not isinstance(value, Mapping):
            raise fail(where, f"missing table [{key}]")
        return value

    def text(doc: Mapping[str, Any], key: str, where: str, pattern: re.Pattern[str]) -> str:
        value = doc.get(key)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise fail(f"{where}.{key}", f"invalid value {value!r}")
        return value

    def integer(doc: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
        value = doc.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(f"{where}.{key}", f"must be an integer from {low} to {high}, got {value!r}")
        return value

    network = table(raw, "network", "network")
    channel = text(network, "channel", "network", _CHANNEL)
    base_port = (
        base_port_override
        if base_port_override is not None
        else integer(network, "base_port", "network", _MIN_PORT, _MAX_PORT)
    )
    timing = network.get("timing", "development")
    if timing not in _TIMINGS:
        raise fail("network.timing", f"must be one of {', '.join(_TIMINGS)}, got {timing!r}")

    next_port = base_port

    def allocate() -> int:
        nonlocal next_port
        port = next_port
        next_port += 1
        if port > _MAX_PORT:
            raise fail("network.base_port", f"ports run past {_MAX_PORT}; choose a lower base")
        return port

    orderers_doc = table(raw, "orderers", "orderers")
    o_domain = text(orderers_doc, "domain", "orderers", _DOMAIN)
    count = integer(orderers_doc, "count", "orderers", 1, 7)
    orderers = tuple(
        Orderer(
            index=i,
            host=f"orderer{i}.{o_domain}",
            port=allocate(),
            admin_port=allocate(),
            operations_port=allocate(),
        )
        for i in range(count)
    )
    orderer_org = OrdererOrg(
        name=text(orderers_doc, "org", "orderers", _NAME),
        msp_id=text(orderers_doc, "msp_id", "orderers", _MSP_ID),
        domain=o_domain,
        orderers=orderers,
    )

    orgs_doc = raw.get("orgs")
    if not isinstance(orgs_doc, list) or not orgs_doc:
        raise fail("orgs", "at least one [[orgs]] entry is needed")
    orgs: list[Org] = []
    for n, doc in enumerate(orgs_doc):
        where = f"orgs[{n}]"
        if not isinstance(doc, Mapping):
            raise fail(where, "must be a table")
        name = text(doc, "name", where, _NAME)
        domain = text(doc, "domain", where, _DOMAIN)
        peer_count = integer(doc, "peers", where, 1, 8) if "peers" in doc else 1
        peers = tuple(
            Peer(
                org=name,
                index=i,
                host=f"peer{i}.{domain}",
                port=allocate(),
                chaincode_port=allocate(),
                operations_port=allocate(),
            )
            for i in range(peer_count)
        )
        users = tuple(
            _user(u, f"{where}.users[{k}]", fail) for k, u in enumerate(doc.get("users", []))
        )
        orgs.append(
            Org(
                name=name,
                msp_id=text(doc, "msp_id", where, _MSP_ID),
                domain=domain,
                peers=peers,
                users=users,
                chaincode_ports=tuple(allocate() for _ in range(_SLOTS_WITH_ORG)),
            )
        )
    orgs = [
        replace(
            org,
            chaincode_ports=org.chaincode_ports
            + tuple(allocate() for _ in range(CHAINCODE_SLOTS - _SLOTS_WITH_ORG)),
        )
        for org in orgs
    ]
    _unique([o.name.lower() for o in orgs] + [orderer_org.key], "org names", fail)
    _unique([o.msp_id for o in orgs] + [orderer_org.msp_id], "MSP IDs", fail)
    _unique([o.domain for o in orgs] + [o_domain], "domains", fail)
    for org in orgs:
        _unique([u.name for u in org.users] + ["admin"], f"user names of {org.name}", fail)

    cc = table(raw, "chaincode", "chaincode")
    cc_name = text(cc, "name", "chaincode", re.compile(r"[a-z][a-z0-9_-]{0,63}"))
    policy = cc.get("endorsement_policy", "MAJORITY")
    if not isinstance(policy, str) or not policy:
        raise fail("chaincode.endorsement_policy", "must be MAJORITY, ANY or a signature policy")
    module = cc.get("module", "")
    if not isinstance(module, str) or not re.fullmatch(r"[\w.]+:\w+", module):
        raise fail("chaincode.module", f"must be 'package.module:attribute', got {module!r}")

    return Topology(
        channel=channel,
        base_port=base_port,
        timing=timing,
        orderer_org=orderer_org,
        orgs=tuple(orgs),
        chaincode=ChaincodeSpec(name=cc_name, endorsement_policy=policy, module=module),
        source=source,
        document=raw,
    )


def _user(doc: Any, where: str, fail: Any) -> User:
    if not isinstance(doc, Mapping):
        raise fail(where, "must be a table with name and attrs")
    name = doc.get("name")
    if not isinstance(name, str) or not _USER.fullmatch(name):
        raise fail(f"{where}.name", f"invalid user name {name!r}")
    attrs = doc.get("attrs", {})
    if not isinstance(attrs, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()
    ):
        raise fail(f"{where}.attrs", "must map attribute names to strings")
    return User(name=name, attrs=dict(attrs))


def _unique(values: list[str], what: str, fail: Any) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise fail(what, f"{value!r} appears twice")
        seen.add(value)
