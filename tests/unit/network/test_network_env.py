"""Process environments and CLI handling of the network, checked against Fabric's formats.

The Fabric binaries are not available here. Where a test needs a ``peer`` or
``osnadmin`` command, it uses a small stand-in shell script that prints exactly
what the real command prints (format taken from Fabric's source); it is a test
double, not a Fabric binary.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from sovereign_network import topology
from sovereign_network.binaries import FabricInstall
from sovereign_network.network import Network, NetworkError


def _network(tmp_path: Path, major: str = "3.1") -> Network:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fabric = FabricInstall(version=major, commit="0" * 40, bin_dir=bin_dir, config_dir=tmp_path)
    return Network(tmp_path / "home", topology.load(), fabric)


def _stand_in(net: Network, tool: str, script: str) -> None:
    path = net.fabric.tool(tool)
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


def test_peer_env_uses_static_org_leaders_and_a_yaml_builder_list(tmp_path: Path) -> None:
    net = _network(tmp_path)
    org = net.topology.orgs[0]
    env = net.peer_env(org, org.peers[0])
    # core.yaml: useLeaderElection and orgLeader are mutually exclusive.
    assert env["CORE_PEER_GOSSIP_USELEADERELECTION"] == "false"
    assert env["CORE_PEER_GOSSIP_ORGLEADER"] == "true"
    # A single-peer org bootstraps gossip from itself, as Fabric's test network does.
    assert env["CORE_PEER_GOSSIP_BOOTSTRAP"] == org.peers[0].address
    # CORE_CHAINCODE_EXTERNALBUILDERS is parsed as YAML; JSON is valid YAML.
    builders = json.loads(env["CORE_CHAINCODE_EXTERNALBUILDERS"])
    assert builders == [{"name": "sovereign-ccaas", "path": str(net.home / "builders" / "ccaas")}]
    assert env["CORE_VM_ENDPOINT"] == ""
    assert env["CORE_PEER_FILESYSTEMPATH"].startswith(str(net.home / "data"))


def test_orderer_env_lists_use_brackets_and_admin_needs_client_certs(tmp_path: Path) -> None:
    net = _network(tmp_path, "2.5")
    env = net.orderer_env(net.topology.orderer_org.orderers[0])
    for key in (
        "ORDERER_GENERAL_TLS_ROOTCAS",
        "ORDERER_GENERAL_CLUSTER_ROOTCAS",
        "ORDERER_ADMIN_TLS_ROOTCAS",
        "ORDERER_ADMIN_TLS_CLIENTROOTCAS",
    ):
        assert env[key].startswith("["), key
        assert env[key].endswith("]"), key
    assert env["ORDERER_GENERAL_BOOTSTRAPMETHOD"] == "none"
    assert env["ORDERER_CHANNELPARTICIPATION_ENABLED"] == "true"
    assert env["ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED"] == "true"
    # The Raft leader is read from Prometheus metrics.
    assert env["ORDERER_METRICS_PROVIDER"] == "prometheus"


def test_a_refused_osnadmin_join_is_an_error_though_osnadmin_exits_0(tmp_path: Path) -> None:
    net = _network(tmp_path)
    _stand_in(
        net,
        "osnadmin",
        'printf \'Status: 400\\n{\\n\\t"error": "cannot join: failed to verify block"\\n}\\n\'\n',
    )
    with pytest.raises(NetworkError, match=r"(?s)answered 400.*failed to verify block"):
        net._osnadmin_join(net.topology.orderer_org.orderers[0])


@pytest.mark.parametrize(
    "answer",
    [
        'Status: 201\\n{\\n\\t"name": "sovereign"\\n}\\n',
        'Status: 405\\n{\\n\\t"error": "cannot join: channel already exists"\\n}\\n',
    ],
)
def test_an_accepted_or_repeated_osnadmin_join_passes(tmp_path: Path, answer: str) -> None:
    net = _network(tmp_path)
    _stand_in(net, "osnadmin", f"printf '{answer}'\n")
    net._osnadmin_join(net.topology.orderer_org.orderers[0])


def test_block_height_reads_stdout_only(tmp_path: Path) -> None:
    net = _network(tmp_path)
    _stand_in(
        net,
        "peer",
        'echo \'Blockchain info: {"height":5,"currentBlockHash":"q83v"}\'\n'
        "echo '2026-01-01 [grpc] WARN something {unrelated}' >&2\n",
    )
    assert net.block_height() == 5


def test_installed_builder_scripts_follow_the_external_builder_contract(tmp_path: Path) -> None:
    net = _network(tmp_path)
    net._install_builder()
    bin_dir = net.home / "builders" / "ccaas" / "bin"
    source, metadata, output, release = (tmp_path / d for d in ("src", "md", "bld", "rel"))
    for d in (source, metadata, output, release):
        d.mkdir()
    connection = {"address": "127.0.0.1:7110", "dial_timeout": "10s", "tls_required": False}
    (source / "connection.json").write_text(json.dumps(connection))
    indexes = source / "META-INF" / "statedb" / "couchdb"
    (indexes / "indexes").mkdir(parents=True)
    (indexes / "indexes" / "byOwner.json").write_text("{}")
    (indexes / "collections" / "private" / "indexes").mkdir(parents=True)
    (indexes / "collections" / "private" / "indexes" / "byKey.json").write_text("{}")

    def run(step: str, *args: Path) -> int:
        return subprocess.run([str(bin_dir / step), *map(str, args)], check=False).returncode

    # detect: the peer's metadata.json, in any case, claims only ccaas packages.
    (metadata / "metadata.json").write_text('{"type":"CCAAS","label":"sovereign_1.0"}')
    assert run("detect", source, metadata) == 0
    (metadata / "metadata.json").write_text('{"type":"golang","label":"x"}')
    assert run("detect", source, metadata) != 0
    # build SOURCE METADATA OUTPUT; release OUTPUT RELEASE.
    assert run("build", source, metadata, output) == 0
    assert run("release", output, release) == 0
    released = json.loads((release / "chaincode" / "server" / "connection.json").read_text())
    assert released == connection
    assert (release / "statedb" / "couchdb" / "indexes" / "byOwner.json").is_file()
    collection = release / "statedb" / "couchdb" / "collections" / "private" / "indexes"
    assert (collection / "byKey.json").is_file()
