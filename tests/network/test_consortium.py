"""The consortium on real Fabric: endorsement, restart, Raft majority, teardown."""

from __future__ import annotations

import pytest

from sovereign_client import CommitFence
from sovereign_network.network import Network, NetworkError
from sovereign_network.topology import load
from tests.consortium import ClientFactory

pytestmark = pytest.mark.network


def test_a_transaction_endorsed_by_two_orgs_commits(
    consortium: Network, client_factory: ClientFactory
) -> None:
    treasury = client_factory("Treasury")
    contract = treasury.gateway.get_network(consortium.topology.channel).get_contract("conformance")
    submitted = contract.submit_async(
        "put_state",
        arguments=["greeting", "salaam"],
        endorsing_organizations=["TreasuryMSP", "CentralBankMSP"],
    )
    status = submitted.status().raise_for_status()
    assert submitted.result == b""
    exchange = client_factory("Exchange")
    exchange_network = exchange.gateway.get_network(consortium.topology.channel)
    # The Exchange's peer commits the block a moment after the Treasury's.
    CommitFence([exchange_network]).reached(status.block_number)
    reader = exchange_network.get_contract("conformance")
    assert reader.evaluate_transaction("get_state", "greeting") == b"salaam"


def test_the_network_restarts_on_its_data(
    consortium: Network, client_factory: ClientFactory
) -> None:
    first = client_factory("CentralBank")
    contract = first.gateway.get_network(consortium.topology.channel).get_contract("conformance")
    contract.submit_transaction("put_state", "restart-key", "kept")
    first.close()
    height = consortium.block_height()
    consortium.down()
    assert consortium.supervisor.running() == []
    consortium.up()
    assert consortium.block_height() == height
    again = client_factory("Treasury")
    reader = again.gateway.get_network(consortium.topology.channel).get_contract("conformance")
    assert reader.evaluate_transaction("get_state", "restart-key") == b"kept"


def test_one_orderer_down_still_commits_then_it_comes_back(
    consortium: Network, client_factory: ClientFactory
) -> None:
    leader = consortium.raft_leader()
    assert leader is not None
    assert consortium.stop_process(leader)
    try:
        # The two survivors elect a new leader within a few Raft ticks.
        assert consortium.wait_for_leader(timeout=15) != leader
        client = client_factory("Exchange")
        contract = client.gateway.get_network(consortium.topology.channel).get_contract(
            "conformance"
        )
        contract.submit_transaction("put_state", "raft-key", "two-of-three")
        assert contract.evaluate_transaction("get_state", "raft-key") == b"two-of-three"
    finally:
        consortium.start_process(leader)
    assert consortium.supervisor.is_running(leader)


def test_up_on_a_running_network_is_refused(consortium: Network) -> None:
    with pytest.raises(NetworkError, match="already up"):
        consortium.up()


def test_a_port_in_use_is_named_and_nothing_is_left_running(
    consortium: Network, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A second network whose first orderer port is the running consortium's.
    clash = Network(
        tmp_path_factory.mktemp("clash"),
        load(base_port=consortium.topology.base_port),
        consortium.fabric,
    )
    with pytest.raises(Exception, match="already in use"):
        clash.up()
    assert clash.supervisor.running() == []


def test_a_peer_that_fails_to_start_is_named_with_its_log(
    consortium: Network, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from sovereign_network import crypto
    from sovereign_network.supervisor import ProcessError

    home = tmp_path_factory.mktemp("broken")
    topo = load(base_port=consortium.topology.base_port + 200)
    broken = Network(home, topo, consortium.fabric)
    layout = crypto.generate(topo, home)
    # up() keeps generated material; break one peer's MSP before it starts.
    org = topo.orgs[1]
    for key in (layout.peer(org.key, org.peers[0].host).msp / "keystore").iterdir():
        key.unlink()
    with pytest.raises(ProcessError) as caught:
        broken.up()
    assert org.peers[0].name in str(caught.value)
    assert str(broken.supervisor.log_path(org.peers[0].name)) in str(caught.value)
    assert broken.supervisor.running() == []
