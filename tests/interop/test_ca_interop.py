"""Certificates of the consortium's Fabric CAs across our clients and the official ones.

On the session consortium (each org's identities come from its own ``fabric-ca-server``):

- an identity our ``fabric_ca`` client enrolled (the registrar the network enrolled at ``up``,
  its MSP folder written as ``fabric-ca-client`` writes one) authorizes the official
  ``fabric-ca-client identity list``; a user our client registered and enrolled submits through
  the official Node Gateway client (``network_client.js``), and the chaincode reads its role;
- a user the official ``fabric-ca-client`` registered and enrolled submits through our
  ``fabric_gateway`` SDK, with the role the official client asked for.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from tests.consortium import ClientFactory
from tests.interop.test_network_interop import Op, _node_request, _run_node

from fabric_ca import Attribute, certificate_attributes, read_credentials, write_msp
from sovereign_network import org_ca
from sovereign_network.network import Network
from sovereign_network.topology import Org

pytestmark = pytest.mark.interop

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def node() -> Path:
    found, npm = shutil.which("node"), shutil.which("npm")
    if found is None or npm is None:
        pytest.skip("node and npm are needed to run the official Fabric Gateway client")
    if not (HERE / "node_modules" / "@hyperledger" / "fabric-gateway").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300)
    return Path(found)


def _fabric_ca_client(
    net: Network, org: Org, home: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """The release's ``fabric-ca-client`` against the org's CA, trusting the org's TLS root."""
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [
            str(net.fabric_ca.tool("fabric-ca-client")),
            *args,
            "--tls.certfiles",
            str(net.layout.tls_ca_cert(org.key)),
        ],
        env={"PATH": os.environ.get("PATH", ""), "FABRIC_CA_CLIENT_HOME": str(home)},
        cwd=home,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_identities_our_client_enrolled_work_with_fabric_ca_client_and_the_node_gateway(
    consortium: Network, node: Path, tmp_path: Path
) -> None:
    net = consortium
    exchange = net.topology.org("Exchange")
    ca = net.ca_client(exchange)
    registrar = net.ca_registrar(exchange)
    url = org_ca.ca_url(exchange)

    # The registrar our client enrolled at `up`: the official client lists identities with it.
    listed = _fabric_ca_client(
        net,
        exchange,
        tmp_path / "official",
        "identity",
        "list",
        "-u",
        url,
        "--mspdir",
        str(net.layout.ca_registrar(exchange.key).msp),
    )
    assert listed.returncode == 0, listed.stderr
    for user in exchange.users:
        assert f"Name: {user.name}," in listed.stdout
    assert f"Name: {exchange.gateway_peer.host}," in listed.stdout

    # A user our client registers and enrolls submits through the official Node client.
    name = f"nodeuser-{uuid.uuid4().hex[:8]}"
    secret = ca.register(registrar, name, attributes=[Attribute("role", "investor", ecert=True)])
    paths = write_msp(tmp_path / "ours" / "msp", ca.enroll(name, secret))
    (key_file,) = paths.keystore.iterdir()
    request = _node_request(net, "Exchange", "admin", "conformance")
    request.update(certPath=str(paths.certificate), keyPath=str(key_file))
    request["operations"] = [
        Op("submit", "put_state", (f"node-{name}", "from-node")).to_json(),
        Op("evaluate", "get_state", (f"node-{name}",)).to_json(),
        Op("evaluate", "whoami").to_json(),
    ]
    submitted, read, whoami = _run_node(node, request)
    assert submitted["ok"], submitted
    assert submitted["status"]["successful"], submitted
    assert read["ok"], read
    assert base64.b64decode(read["result"]) == b"from-node"
    who = json.loads(base64.b64decode(whoami["result"]))
    assert who["msp_id"] == "ExchangeMSP"
    assert who["attributes"]["role"] == "investor"
    assert who["attributes"]["hf.EnrollmentID"] == name


def test_a_user_the_official_client_enrolled_submits_through_our_sdk(
    consortium: Network, client_factory: ClientFactory, tmp_path: Path
) -> None:
    net = consortium
    treasury = net.topology.org("Treasury")
    url = org_ca.ca_url(treasury)
    name = f"official-{uuid.uuid4().hex[:8]}"
    # The official client registers with the registrar's folder, and enrolls the new user.
    registered = _fabric_ca_client(
        net,
        treasury,
        tmp_path / "registrar",
        "register",
        "-u",
        url,
        "--mspdir",
        str(net.layout.ca_registrar(treasury.key).msp),
        "--id.name",
        name,
        "--id.secret",
        "official-secret-1",
        "--id.type",
        "client",
        "--id.attrs",
        "role=auditor:ecert",
    )
    assert registered.returncode == 0, registered.stderr
    enrolled = _fabric_ca_client(
        net,
        treasury,
        tmp_path / "user",
        "enroll",
        "-u",
        url.replace("https://", f"https://{name}:official-secret-1@"),
        "--mspdir",
        "msp",
    )
    assert enrolled.returncode == 0, enrolled.stderr
    official = read_credentials(tmp_path / "user" / "msp")
    assert certificate_attributes(official.certificate)["role"] == "auditor"

    key_pem = next((tmp_path / "user" / "msp" / "keystore").iterdir()).read_bytes()
    client = client_factory("Treasury", certificate=official.certificate, private_key=key_pem)
    contract = client.gateway.get_network(net.topology.channel).get_contract("conformance")
    contract.submit_transaction("put_state", f"official-{name}", "from-our-sdk")
    assert contract.evaluate_transaction("get_state", f"official-{name}") == b"from-our-sdk"
    who = json.loads(contract.evaluate_transaction("whoami"))
    assert who["attributes"]["role"] == "auditor"
    assert who["attributes"]["hf.EnrollmentID"] == name
