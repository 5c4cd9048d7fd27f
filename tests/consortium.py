"""The real consortium as pytest fixtures, shared by the network and interop tiers.

The session fixture builds (or finds) the Fabric binaries, brings the 3-org,
3-orderer consortium up from an empty directory, deploys the conformance
chaincode as a service, and stops exactly the processes it started when the
session ends, even when tests fail. Without Fabric binaries the whole tier is
skipped with the reason (see the README's known limitation).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import grpc
import pytest

from fabric_gateway import (
    Gateway,
    X509Identity,
    connect,
    load_private_key_pem,
    new_private_key_signer,
)
from sovereign_network import binaries, topology
from sovereign_network.binaries import BinariesUnavailable, FabricInstall
from sovereign_network.network import Network
from sovereign_network.topology import Peer

if TYPE_CHECKING:
    from sovereign_cli.demo import Report
    from sovereign_client import SovereignClient

CONFORMANCE_MODULE = "conformance_chaincode:chaincode"
SESSION_BASE_PORT = int(os.environ.get("SOV_TEST_BASE_PORT", "27100"))
"""Ports of the session's consortium; set SOV_TEST_BASE_PORT to run two sessions side by side."""


@pytest.fixture(scope="session")
def fabric() -> FabricInstall:
    try:
        return binaries.ensure()
    except BinariesUnavailable as exc:
        reason = " ".join(str(exc).split())
        pytest.skip(f"Fabric binaries unavailable, network tier not run: {reason}")


@pytest.fixture(scope="session")
def consortium(
    fabric: FabricInstall, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Network]:
    home = tmp_path_factory.mktemp("consortium")
    net = Network(home, topology.load(base_port=SESSION_BASE_PORT), fabric)
    try:
        net.up()
        net.deploy_chaincode(name="conformance", module=CONFORMANCE_MODULE)
        net.deploy_chaincode()  # the sovereign asset chaincode, as the topology names it
        yield net
    finally:
        net.down()
        assert net.supervisor.running() == [], "processes left behind after teardown"


@pytest.fixture(scope="session")
def demo_lifecycle(consortium: Network) -> Report:
    """The demo's narrated lifecycle (``sov demo``), run once on the session's
    consortium by the first test that needs a populated register; later ones find the
    same ledger (governance bootstrapped, both instruments redeemed, TRD-0001 settled)."""
    from sovereign_cli.connection import gateway_client
    from sovereign_cli.demo import market_today, narrate
    from sovereign_cli.main import Settings

    with contextlib.ExitStack() as stack:
        clients: dict[str, SovereignClient] = {}

        def client_for(who: str) -> SovereignClient:
            if who not in clients:
                settings = Settings(
                    home=consortium.home,
                    topology=None,
                    base_port=None,
                    as_json=False,
                    as_user=who,
                )
                clients[who] = stack.enter_context(gateway_client(settings))
            return clients[who]

        return narrate(client_for, market_today(), lambda _line: None)


class Client:
    """A gateway connection as one user of one org; closes its gRPC channel."""

    def __init__(
        self,
        net: Network,
        org_name: str,
        user: str,
        *,
        certificate: bytes | None = None,
        private_key: bytes | None = None,
        peer: Peer | None = None,
    ) -> None:
        """As ``user``'s certificate and key in the network's home, or the PEM ones given,
        through ``peer`` (the org's Gateway peer if None)."""
        org = net.topology.org(org_name)
        paths = net.layout.user(org.key, user)
        certificate = certificate or paths.cert.read_bytes()
        private_key = private_key or paths.key.read_bytes()
        peer = peer or org.gateway_peer
        root = net.layout.tls_ca_cert(net.topology.org(peer.org).key).read_bytes()
        credentials = grpc.ssl_channel_credentials(root_certificates=root)
        self.channel = grpc.secure_channel(
            peer.address,
            credentials,
            options=[("grpc.ssl_target_name_override", peer.host)],
        )
        identity = X509Identity(org.msp_id, certificate)
        signer = new_private_key_signer(load_private_key_pem(private_key))
        self.gateway: Gateway = connect(client=self.channel, identity=identity, signer=signer)

    def close(self) -> None:
        self.gateway.close()
        self.channel.close()


ClientFactory = Callable[..., Client]


@pytest.fixture
def client_factory(consortium: Network) -> Iterator[ClientFactory]:
    opened: list[Client] = []

    def make(org: str, user: str = "admin", **given: Any) -> Client:
        client = Client(consortium, org, user, **given)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()
