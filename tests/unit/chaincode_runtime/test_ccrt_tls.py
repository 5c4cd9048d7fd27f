"""TLS and mutual TLS on the CCaaS server, with certificates generated in the test."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from cryptography.x509.oid import NameOID

from conformance_chaincode import chaincode as conformance
from fabric_chaincode import ServerConfig, TlsConfig
from fabric_chaincode.server import ChaincodeServer

from .certs import Issued, issue, make_ca, name
from .peer_harness import PeerHarness, completed_response

StartServer = Callable[..., ChaincodeServer]
Connect = Callable[..., PeerHarness]


@pytest.fixture(scope="module")
def pki() -> dict[str, Issued]:
    ca = make_ca()
    server = issue(
        ca,
        name((NameOID.COMMON_NAME, "cc.treasury.example.com")),
        dns_names=("cc.treasury.example.com", "localhost"),
        server=True,
    )
    peer = issue(ca, name((NameOID.COMMON_NAME, "peer0.treasury.example.com")), client=True)
    rogue_ca = make_ca(name((NameOID.COMMON_NAME, "rogue")))
    rogue = issue(rogue_ca, name((NameOID.COMMON_NAME, "rogue-peer")), client=True)
    return {"ca": ca, "server": server, "peer": peer, "rogue": rogue}


def _round_trip(harness: PeerHarness) -> None:
    harness.handshake("conformance:1")
    harness.start("tls-tx", ["emit_event", "E", "p"])
    assert completed_response(harness.recv_for("tls-tx")).status == 200


def test_tls_server(pki: dict[str, Issued], start_server: StartServer, connect: Connect) -> None:
    tls = TlsConfig(key=pki["server"].key_pem, cert=pki["server"].cert_pem)
    server = start_server(conformance, ServerConfig("conformance:1", "127.0.0.1:0", tls=tls))
    credentials = grpc.ssl_channel_credentials(root_certificates=pki["ca"].cert_pem)
    _round_trip(connect(server.port, credentials=credentials, server_name="localhost"))


def test_mutual_tls_accepts_a_client_of_the_trusted_ca(
    pki: dict[str, Issued], start_server: StartServer, connect: Connect
) -> None:
    tls = TlsConfig(
        key=pki["server"].key_pem, cert=pki["server"].cert_pem, client_ca=pki["ca"].cert_pem
    )
    server = start_server(conformance, ServerConfig("conformance:1", "127.0.0.1:0", tls=tls))
    credentials = grpc.ssl_channel_credentials(
        root_certificates=pki["ca"].cert_pem,
        private_key=pki["peer"].key_pem,
        certificate_chain=pki["peer"].cert_pem,
    )
    _round_trip(connect(server.port, credentials=credentials, server_name="localhost"))


@pytest.mark.parametrize("client", [None, "rogue"])
def test_mutual_tls_rejects_missing_or_untrusted_client_cert(
    pki: dict[str, Issued],
    start_server: StartServer,
    connect: Connect,
    client: str | None,
) -> None:
    tls = TlsConfig(
        key=pki["server"].key_pem, cert=pki["server"].cert_pem, client_ca=pki["ca"].cert_pem
    )
    server = start_server(conformance, ServerConfig("conformance:1", "127.0.0.1:0", tls=tls))
    kwargs = {}
    if client:
        kwargs = {"private_key": pki[client].key_pem, "certificate_chain": pki[client].cert_pem}
    credentials = grpc.ssl_channel_credentials(root_certificates=pki["ca"].cert_pem, **kwargs)
    harness = connect(server.port, credentials=credentials, server_name="localhost")
    with pytest.raises(AssertionError):
        harness.recv(timeout=3)
    assert harness.stream_error is not None
    assert harness.stream_error.code() == grpc.StatusCode.UNAVAILABLE


def test_plaintext_client_cannot_talk_to_tls_server(
    pki: dict[str, Issued], start_server: StartServer, connect: Connect
) -> None:
    tls = TlsConfig(key=pki["server"].key_pem, cert=pki["server"].cert_pem)
    server = start_server(conformance, ServerConfig("conformance:1", "127.0.0.1:0", tls=tls))
    harness = connect(server.port)
    with pytest.raises(AssertionError):
        harness.recv(timeout=3)
