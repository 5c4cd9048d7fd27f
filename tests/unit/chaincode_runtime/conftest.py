"""Fixtures: a chaincode server on a loopback port and the peer test double dialing it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from fabric_chaincode import Chaincode, ServerConfig
from fabric_chaincode.server import ChaincodeServer

from .peer_harness import PeerHarness

StartServer = Callable[..., ChaincodeServer]


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Start ChaincodeServers on 127.0.0.1:<free port>; all are stopped after the test."""
    servers: list[ChaincodeServer] = []

    def start(chaincode: Chaincode, config: ServerConfig | None = None) -> ChaincodeServer:
        server = ChaincodeServer(
            chaincode, config or ServerConfig(chaincode_id="conformance:1", address="127.0.0.1:0")
        )
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop(grace=None).wait(5)


@pytest.fixture
def connect() -> Iterator[Callable[..., PeerHarness]]:
    """Open peer-double streams; all are closed after the test."""
    harnesses: list[PeerHarness] = []

    def open_stream(port: int, **kwargs: object) -> PeerHarness:
        harness = PeerHarness(f"127.0.0.1:{port}", **kwargs)  # type: ignore[arg-type]
        harnesses.append(harness)
        return harness

    yield open_stream
    for harness in harnesses:
        harness.close()
