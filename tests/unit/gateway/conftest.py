"""Fixtures for the Gateway client unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from fabric_gateway import Gateway, X509Identity, connect, new_private_key_signer

from .credentials import Credentials, p256
from .peer_harness import GatewayPeerDouble, serve

MSP_ID = "TreasuryMSP"


@pytest.fixture(scope="session")
def credentials() -> Credentials:
    return p256()


@pytest.fixture
def identity(credentials: Credentials) -> X509Identity:
    return X509Identity(MSP_ID, credentials.certificate_pem)


@pytest.fixture
def peer() -> Iterator[GatewayPeerDouble]:
    """A fresh in-process Gateway/Deliver test double on a loopback port."""
    double = GatewayPeerDouble()
    with serve(double) as running:
        yield running


@pytest.fixture
def channel(peer: GatewayPeerDouble) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(peer.address) as ch:
        yield ch


@pytest.fixture
def gateway(
    channel: grpc.Channel, identity: X509Identity, credentials: Credentials
) -> Iterator[Gateway]:
    with connect(
        client=channel, identity=identity, signer=new_private_key_signer(credentials.private_key)
    ) as gw:
        yield gw
