"""The topology file is the single source of truth; bad files get errors naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovereign_network import topology


def test_default_consortium_has_three_orgs_and_three_raft_consenters() -> None:
    topo = topology.load()
    assert [o.msp_id for o in topo.orgs] == ["TreasuryMSP", "CentralBankMSP", "ExchangeMSP"]
    assert len(topo.orderer_org.orderers) == 3
    assert topo.channel == "sovereign"
    assert topo.org("centralbank").msp_id == "CentralBankMSP"
    assert topo.org("ExchangeMSP").name == "Exchange"


def test_ports_are_distinct_and_allocated_from_the_base() -> None:
    topo = topology.load(base_port=30000)
    ports = [port for _, port in topo.ports()]
    assert len(ports) == len(set(ports))
    assert min(ports) == 30000
    assert max(ports) == 30000 + len(ports) - 1
    moved = topo.with_base_port(31000)
    assert min(p for _, p in moved.ports()) == 31000
    assert moved.orgs[0].msp_id == topo.orgs[0].msp_id


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topology.toml"
    path.write_text(text)
    return path


VALID = topology.default_topology_path().read_text()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("count = 3", "count = 0"), "orderers.count"),
        (('msp_id = "ExchangeMSP"', 'msp_id = "TreasuryMSP"'), "MSP IDs"),
        (('channel = "sovereign"', 'channel = "Bad Channel"'), "network.channel"),
        (("base_port = 7100", "base_port = 80"), "network.base_port"),
        (('timing = "development"', 'timing = "fast"'), "network.timing"),
        (('name = "auditor"', 'name = "Auditor!"'), "users[1].name"),
        # A trailing newline is not part of a name ("$" would let it through).
        (('channel = "sovereign"', 'channel = "sovereign\\n"'), "network.channel"),
        (('name = "auditor"', 'name = "auditor\\n"'), "users[1].name"),
        (('msp_id = "ExchangeMSP"', 'msp_id = "ExchangeMSP\\n"'), "msp_id"),
        (
            ('module = "sovereign_assets.chaincode:chaincode"', 'module = "nope"'),
            "chaincode.module",
        ),
        (('register_roles = ["issuer"]', 'register_roles = ["king"]'), "orgs[0].register_roles"),
        (
            ('register_roles = ["issuer"]', 'register_roles = ["issuer", "issuer"]'),
            "orgs[0].register_roles",
        ),
        (('register_roles = ["issuer"]', 'register_roles = "issuer"'), "orgs[0].register_roles"),
    ],
)
def test_invalid_topology_names_the_field(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in VALID
    path = _write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(topology.TopologyError) as caught:
        topology.load(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_not_toml_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(topology.TopologyError, match="not valid TOML"):
        topology.load(_write(tmp_path, "[network\nchannel="))
    with pytest.raises(topology.TopologyError, match="cannot read"):
        topology.load(tmp_path / "absent.toml")


def test_ports_running_past_the_top_are_refused() -> None:
    with pytest.raises(topology.TopologyError, match="ports run past"):
        topology.load(base_port=65530)


def test_every_org_has_a_port_per_chaincode_slot() -> None:
    topo = topology.load(base_port=30000)
    for org in topo.orgs:
        assert len(org.chaincode_ports) == topology.CHAINCODE_SLOTS
        assert org.chaincode_port == org.chaincode_ports[0]
    listed = {port for name, port in topo.ports() if name.startswith("chaincode.")}
    assert listed == {port for org in topo.orgs for port in org.chaincode_ports}


def test_slots_added_later_move_no_port_of_an_existing_network() -> None:
    # The layout the first releases allocated from 7100 (three slots per org): a network
    # brought up then names these ports in its channel config and chaincode packages.
    topo = topology.load()
    assert [(o.port, o.admin_port, o.operations_port) for o in topo.orderer_org.orderers] == [
        (7100, 7101, 7102),
        (7103, 7104, 7105),
        (7106, 7107, 7108),
    ]
    first = 7109
    for org in topo.orgs:
        peer = org.gateway_peer
        assert (peer.port, peer.chaincode_port, peer.operations_port) == (
            first,
            first + 1,
            first + 2,
        )
        assert org.chaincode_ports[:3] == (first + 3, first + 4, first + 5)
        first += 6
    # Further slots come after everything else, one per org in turn.
    extra = [port for org in topo.orgs for port in org.chaincode_ports[3:]]
    assert extra == list(range(first, first + len(extra)))
    first += len(extra)
    # The Fabric CA servers' ports come last of all, the orderer org's first.
    cas = [org.ca_port for org in topo.ca_orgs()]
    assert cas == list(range(first, first + 4))
    assert max(port for _, port in topo.ports()) == first + 3


def test_identities_come_from_a_fabric_ca_unless_the_topology_says_local(tmp_path: Path) -> None:
    packaged = topology.load()
    assert packaged.orderer_org.uses_fabric_ca
    assert all(org.uses_fabric_ca for org in packaged.orgs)
    assert [name for name, _ in packaged.ports()][-4:] == [
        "ca.orderer",
        "ca.treasury",
        "ca.centralbank",
        "ca.exchange",
    ]

    text = topology.default_topology_path().read_text()
    # A file that does not say keeps generated identities; an org may differ from the rest.
    silent = tmp_path / "silent.toml"
    silent.write_text(text.replace('identities = "fabric-ca"', ""))
    assert topology.load(silent).ca_orgs() == []
    mixed = tmp_path / "mixed.toml"
    mixed.write_text(text.replace("peers = 1\n", 'peers = 1\nidentities = "local"\n', 1))
    loaded = topology.load(mixed)
    assert [org.key for org in loaded.ca_orgs()] == ["orderer", "centralbank", "exchange"]
    assert loaded.org("Treasury").ca_port is None
    # Turning a CA on or off moves no node's port.
    assert [p for n, p in loaded.ports() if not n.startswith("ca.")] == [
        p for n, p in packaged.ports() if not n.startswith("ca.")
    ]

    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text.replace('identities = "fabric-ca"', 'identities = "ldap"'))
    with pytest.raises(topology.TopologyError, match=r"network\.identities"):
        topology.load(wrong)


def test_the_register_roles_come_from_the_orgs() -> None:
    # What each org's operator tells its chaincode server a governance bootstrap must name.
    assert topology.load().register_roles() == {
        "issuer": ["TreasuryMSP"],
        "registrar": ["CentralBankMSP"],
        "exchange": ["ExchangeMSP"],
    }
