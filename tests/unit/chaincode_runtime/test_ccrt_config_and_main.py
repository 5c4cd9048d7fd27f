"""Server configuration from the environment, and the ``python -m fabric_chaincode`` entry point."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.x509.oid import NameOID

from fabric_chaincode import ConfigError, ContractChaincode, ServerConfig
from fabric_chaincode.__main__ import load_chaincode

from .certs import issue, make_ca, name
from .peer_harness import PeerHarness, completed_response

BASE = {"CHAINCODE_ID": "conformance:1", "CHAINCODE_SERVER_ADDRESS": "0.0.0.0:9999"}


def test_minimal_config_is_plaintext() -> None:
    config = ServerConfig.from_env({**BASE, "CORE_PEER_LOCALMSPID": "TreasuryMSP"})
    assert (config.chaincode_id, config.address, config.tls) == (
        "conformance:1",
        "0.0.0.0:9999",
        None,
    )
    assert config.local_mspid == "TreasuryMSP"
    assert config.max_message_size == 100 * 1024 * 1024


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"CHAINCODE_SERVER_ADDRESS": "0.0.0.0:1"}, "CHAINCODE_ID"),
        ({"CHAINCODE_ID": "x"}, "CHAINCODE_SERVER_ADDRESS"),
        ({**BASE, "CHAINCODE_SERVER_ADDRESS": "9999"}, "CHAINCODE_SERVER_ADDRESS"),
        ({**BASE, "CHAINCODE_SERVER_ADDRESS": "host:port"}, "CHAINCODE_SERVER_ADDRESS"),
        ({**BASE, "CHAINCODE_TLS_DISABLED": "maybe"}, "CHAINCODE_TLS_DISABLED"),
        ({**BASE, "CHAINCODE_TLS_DISABLED": "false"}, "CHAINCODE_TLS_KEY"),
        ({**BASE, "CHAINCODE_TLS_CERT": "/nonexistent/cert.pem"}, "CHAINCODE_TLS_KEY"),
        ({**BASE, "CHAINCODE_CLIENT_CA_CERT": "/x.pem"}, "CHAINCODE_CLIENT_CA_CERT"),
    ],
)
def test_bad_config_names_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        ServerConfig.from_env(env)


def test_tls_files_are_read_and_checked(tmp_path: Path) -> None:
    ca = make_ca()
    leaf = issue(ca, name((NameOID.COMMON_NAME, "cc")), server=True)
    key, cert, client_ca, junk = (tmp_path / n for n in ("key.pem", "cert.pem", "ca.pem", "junk"))
    key.write_bytes(leaf.key_pem)
    cert.write_bytes(leaf.cert_pem)
    client_ca.write_bytes(ca.cert_pem)
    junk.write_bytes(b"not pem")
    env = {**BASE, "CHAINCODE_TLS_KEY": str(key), "CHAINCODE_TLS_CERT": str(cert)}
    config = ServerConfig.from_env(env)
    assert config.tls is not None
    assert config.tls.client_ca is None
    assert "PRIVATE" not in repr(config)
    mutual = ServerConfig.from_env({**env, "CHAINCODE_CLIENT_CA_CERT": str(client_ca)})
    assert mutual.tls is not None
    assert mutual.tls.client_ca == ca.cert_pem
    with pytest.raises(ConfigError, match=r"CHAINCODE_TLS_CERT.*not a PEM"):
        ServerConfig.from_env({**env, "CHAINCODE_TLS_CERT": str(junk)})
    with pytest.raises(ConfigError, match=r"CHAINCODE_TLS_KEY.*cannot read"):
        ServerConfig.from_env({**env, "CHAINCODE_TLS_KEY": str(tmp_path / "missing")})
    disabled = ServerConfig.from_env({**env, "CHAINCODE_TLS_DISABLED": "true"})
    assert disabled.tls is None


def test_load_chaincode_references() -> None:
    loaded = load_chaincode("conformance_chaincode:chaincode")
    assert isinstance(loaded, ContractChaincode)
    assert isinstance(load_chaincode("conformance_chaincode.contract:chaincode"), ContractChaincode)
    for bad in (
        "conformance_chaincode",
        "no_such_module_xyz:x",
        "conformance_chaincode:missing",
        "json:dumps",
    ):
        with pytest.raises(ConfigError, match="--chaincode"):
            load_chaincode(bad)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINCODE_")}
    env.update(extra)
    return env


def test_module_entry_point_serves_and_stops_on_sigterm() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fabric_chaincode",
            "serve",
            "--chaincode",
            "conformance_chaincode:chaincode",
        ],
        env=_env(
            CHAINCODE_ID="conformance:1",
            CHAINCODE_SERVER_ADDRESS=f"127.0.0.1:{port}",
            CORE_PEER_LOCALMSPID="TreasuryMSP",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        harness = None
        deadline = time.monotonic() + 15
        while True:
            harness = PeerHarness(f"127.0.0.1:{port}")
            try:
                harness.handshake("conformance:1")
                break
            except AssertionError:
                harness.close()
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        harness.start("main-1", ["peer_mspid"])
        assert completed_response(harness.recv_for("main-1")).payload == b"TreasuryMSP"
        harness.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert "serving on port" in stderr


def test_module_entry_point_fails_fast_on_bad_config() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fabric_chaincode",
            "serve",
            "--chaincode",
            "conformance_chaincode:chaincode",
        ],
        env=_env(CHAINCODE_SERVER_ADDRESS="127.0.0.1:1"),
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "CHAINCODE_ID is not set" in result.stderr.decode()
