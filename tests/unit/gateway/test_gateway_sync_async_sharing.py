"""The sync and asyncio clients share one implementation of everything that does no I/O.

Each public class of ``client`` and its ``Async`` twin in ``aio`` subclass the same
transport-free base; the twins add only the methods that call their transport. The event
stream tests run against the loopback Gateway TEST DOUBLE (``peer_harness``), not a real peer.
"""

from __future__ import annotations

import asyncio
import inspect

import grpc.aio
import pytest

from fabric_gateway import (
    AsyncBlockEventsRequest,
    AsyncChaincodeEventsRequest,
    AsyncCloseableIterator,
    AsyncCommit,
    AsyncContract,
    AsyncGateway,
    AsyncNetwork,
    AsyncProposal,
    AsyncSubmittedTransaction,
    AsyncTransaction,
    BlockEventsRequest,
    ChaincodeEventsRequest,
    CloseableIterator,
    Commit,
    Contract,
    Gateway,
    Network,
    Proposal,
    SubmittedTransaction,
    Transaction,
    X509Identity,
    connect,
    connect_async,
    new_private_key_signer,
)

from .credentials import Credentials
from .peer_harness import GatewayPeerDouble

# (sync class, asyncio class, public methods that do no I/O, methods that call the transport)
PAIRS: list[tuple[type, type, set[str], set[str]]] = [
    (
        Gateway,
        AsyncGateway,
        {
            "identity",
            "get_network",
            "close",
            *(
                f"new_{signed}{kind}"
                for signed in ("", "signed_")
                for kind in (
                    "proposal",
                    "transaction",
                    "commit",
                    "chaincode_events_request",
                    "block_events_request",
                    "filtered_block_events_request",
                    "block_and_private_data_events_request",
                )
            ),
        },
        set(),
    ),
    (
        Network,
        AsyncNetwork,
        {
            "get_contract",
            "new_chaincode_events_request",
            "get_chaincode_events",
            "new_block_events_request",
            "get_block_events",
            "new_filtered_block_events_request",
            "get_filtered_block_events",
            "new_block_and_private_data_events_request",
            "get_block_and_private_data_events",
        },
        set(),
    ),
    (
        Contract,
        AsyncContract,
        {"new_proposal"},
        {"evaluate_transaction", "submit_transaction", "evaluate", "submit", "submit_async"},
    ),
    (
        Proposal,
        AsyncProposal,
        {"bytes", "digest", "transaction_id", "channel_name"},
        {"evaluate", "endorse"},
    ),
    (Transaction, AsyncTransaction, {"bytes", "digest", "transaction_id", "result"}, {"submit"}),
    (Commit, AsyncCommit, {"bytes", "digest", "transaction_id"}, {"status"}),
    (ChaincodeEventsRequest, AsyncChaincodeEventsRequest, {"bytes", "digest"}, {"get_events"}),
    (BlockEventsRequest, AsyncBlockEventsRequest, {"bytes", "digest"}, {"get_events"}),
    (CloseableIterator, AsyncCloseableIterator, {"close"}, set()),
]


@pytest.mark.parametrize(("sync", "asynchronous", "shared", "calls"), PAIRS)
def test_non_io_members_are_one_shared_implementation(
    sync: type, asynchronous: type, shared: set[str], calls: set[str]
) -> None:
    for name in shared:
        # The very same function/property object, found on a common base class.
        assert inspect.getattr_static(sync, name) is inspect.getattr_static(asynchronous, name)
        assert name not in vars(sync)
        assert name not in vars(asynchronous)


@pytest.mark.parametrize(("sync", "asynchronous", "shared", "calls"), PAIRS)
def test_each_flavour_adds_only_its_transport_calls(
    sync: type, asynchronous: type, shared: set[str], calls: set[str]
) -> None:
    def public_methods(cls: type) -> set[str]:
        return {name for name in vars(cls) if not name.startswith("_")}

    assert public_methods(sync) == calls
    assert public_methods(asynchronous) == calls
    for name in calls:
        assert not inspect.iscoroutinefunction(getattr(sync, name))
        # get_events opens a stream without waiting, in both flavours.
        assert inspect.iscoroutinefunction(getattr(asynchronous, name)) == (name != "get_events")


def test_submitted_transactions_keep_their_commit_lineage() -> None:
    assert issubclass(SubmittedTransaction, Commit)
    assert issubclass(AsyncSubmittedTransaction, AsyncCommit)
    assert vars(SubmittedTransaction).keys() & {"status", "bytes", "digest"} == set()


def test_sync_gateway_builds_sync_artifacts_and_streams(
    gateway: Gateway, peer: GatewayPeerDouble
) -> None:
    network = gateway.get_network("sovereign")
    assert isinstance(network, Network)
    assert isinstance(network.get_contract("assets"), Contract)
    proposal = network.get_contract("assets").new_proposal("Issue")
    assert isinstance(gateway.new_proposal(proposal.bytes()), Proposal)
    assert isinstance(network.new_block_events_request(), BlockEventsRequest)
    for open_stream in (
        lambda: network.get_chaincode_events("assets"),
        network.get_block_events,
        network.get_filtered_block_events,
        network.get_block_and_private_data_events,
    ):
        with open_stream() as stream:
            assert isinstance(stream, CloseableIterator)


def test_async_gateway_builds_async_artifacts_and_streams(
    identity: X509Identity, credentials: Credentials, peer: GatewayPeerDouble
) -> None:
    signer = new_private_key_signer(credentials.private_key)

    async def scenario() -> None:
        async with grpc.aio.insecure_channel(peer.address) as channel:
            gateway = connect_async(client=channel, identity=identity)  # no signer: offline
            network = gateway.get_network("sovereign")
            assert isinstance(network, AsyncNetwork)
            contract = network.get_contract("assets", "bonds")
            assert isinstance(contract, AsyncContract)

            unsigned = contract.new_proposal("Issue", arguments=["T-BILL-2025"])
            signed = gateway.new_signed_proposal(unsigned.bytes(), signer.sign(unsigned.digest()))
            assert isinstance(signed, AsyncProposal)
            assert signed.transaction_id == unsigned.transaction_id
            assert signed.bytes() != unsigned.bytes()  # now carries the offline signature

            blocks = network.new_filtered_block_events_request(start_block=2)
            assert isinstance(blocks, AsyncBlockEventsRequest)
            events = network.new_chaincode_events_request("assets")
            assert isinstance(events, AsyncChaincodeEventsRequest)
            for opened in (
                gateway.new_signed_filtered_block_events_request(
                    blocks.bytes(), signer.sign(blocks.digest())
                ).get_events(),
                gateway.new_signed_chaincode_events_request(
                    events.bytes(), signer.sign(events.digest())
                ).get_events(),
            ):
                async with opened as stream:
                    assert isinstance(stream, AsyncCloseableIterator)

    asyncio.run(asyncio.wait_for(scenario(), timeout=20))


def test_sync_and_async_gateways_build_the_same_request_bytes(
    identity: X509Identity, credentials: Credentials, peer: GatewayPeerDouble
) -> None:
    """Same core, same encoding: requests without a fresh nonce or timestamp match exactly."""

    async def async_request_bytes() -> bytes:
        async with grpc.aio.insecure_channel(peer.address) as channel:
            gateway = connect_async(client=channel, identity=identity)
            network = gateway.get_network("sovereign")
            return network.new_chaincode_events_request("assets", start_block=5).bytes()

    with grpc.insecure_channel(peer.address) as channel:
        network = connect(client=channel, identity=identity).get_network("sovereign")
        sync_bytes = network.new_chaincode_events_request("assets", start_block=5).bytes()
    assert sync_bytes == asyncio.run(async_request_bytes())
