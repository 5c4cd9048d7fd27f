"""The channel configuration and the chaincode-as-a-service package."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from sovereign_network import configtx, crypto, lifecycle, topology


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[topology.Topology, crypto.Layout]:
    topo = topology.load()
    return topo, crypto.generate(topo, tmp_path_factory.mktemp("home"))


def test_profile_has_three_consenters_and_every_org_with_an_anchor_peer(
    generated: tuple[topology.Topology, crypto.Layout],
) -> None:
    topo, layout = generated
    profile = configtx.document(topo, layout, fabric_major=3)["Profiles"][configtx.PROFILE]
    consenters = profile["Orderer"]["EtcdRaft"]["Consenters"]
    assert [c["Port"] for c in consenters] == [o.port for o in topo.orderer_org.orderers]
    for c in consenters:
        assert Path(c["ServerTLSCert"]).is_file()
    orgs = profile["Application"]["Organizations"]
    assert [o["ID"] for o in orgs] == [o.msp_id for o in topo.orgs]
    for doc, org in zip(orgs, topo.orgs, strict=True):
        assert doc["AnchorPeers"] == [{"Host": "127.0.0.1", "Port": org.gateway_peer.port}]
        assert Path(doc["MSPDir"]).is_dir()
    assert profile["Application"]["Policies"]["Endorsement"]["Rule"] == "MAJORITY Endorsement"
    assert profile["Orderer"]["BatchTimeout"] == "100ms"
    assert profile["Capabilities"] == {"V3_0": True}


def test_fabric_2_5_gets_the_v2_channel_capability(
    generated: tuple[topology.Topology, crypto.Layout], tmp_path: Path
) -> None:
    topo, layout = generated
    path = configtx.write(topo, layout, tmp_path, fabric_major=2)
    doc = json.loads(path.read_text())  # JSON is YAML: configtxgen reads it as is
    assert doc["Profiles"][configtx.PROFILE]["Capabilities"] == {"V2_0": True}


def test_package_is_reproducible_and_named_by_its_hash(
    generated: tuple[topology.Topology, crypto.Layout], tmp_path: Path
) -> None:
    topo, layout = generated
    org = topo.orgs[0]
    address = f"127.0.0.1:{org.chaincode_port}"

    def build(directory: Path) -> lifecycle.ChaincodePackage:
        return lifecycle.build_package(
            label="sovereign_1.0",
            address=address,
            server=layout.chaincode_server(org.key),
            client=layout.chaincode_client(org.key),
            directory=directory,
        )

    first = build(tmp_path / "a")
    second = build(tmp_path / "b")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.package_id == second.package_id
    assert first.package_id.startswith("sovereign_1.0:")
    assert len(first.package_id.split(":")[1]) == 64

    with tarfile.open(first.path) as outer:
        assert sorted(outer.getnames()) == ["code.tar.gz", "metadata.json"]
        meta_file = outer.extractfile("metadata.json")
        code_file = outer.extractfile("code.tar.gz")
        assert meta_file is not None
        assert code_file is not None
        assert json.loads(meta_file.read()) == {"label": "sovereign_1.0", "type": "ccaas"}
        with tarfile.open(fileobj=io.BytesIO(code_file.read())) as inner:
            conn_file = inner.extractfile("connection.json")
            assert conn_file is not None
            conn = json.loads(conn_file.read())
    assert conn["address"] == address
    assert conn["tls_required"] is True
    assert conn["client_auth_required"] is True
    assert "BEGIN CERTIFICATE" in conn["root_cert"]
    assert "PRIVATE KEY" in conn["client_key"]
