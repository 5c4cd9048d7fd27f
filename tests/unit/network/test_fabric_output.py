"""Parsing what Fabric's binaries print or serve, with texts in Fabric's own formats."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sovereign_network import fabric_output
from sovereign_network.supervisor import http_get

DOCKER_DOWN = json.dumps(
    {
        "status": "Service Unavailable",
        "time": "2026-01-01T00:00:00Z",
        "failed_checks": [
            {
                "component": "docker",
                "reason": "failed to ping to Docker daemon: dial unix /var/run/docker.sock",
            }
        ],
    }
)


def test_health_ok_and_a_missing_docker_daemon_count_as_up() -> None:
    ok = '{"status":"OK","time":"2026-01-01T00:00:00Z"}'
    assert fabric_output.healthy(200, ok)
    assert fabric_output.healthy(503, DOCKER_DOWN, tolerated=("docker",))
    assert not fabric_output.healthy(503, DOCKER_DOWN)


def test_health_fails_on_any_other_failed_check_or_garbage() -> None:
    other = json.dumps(
        {
            "status": "Service Unavailable",
            "failed_checks": [
                {"component": "docker", "reason": "x"},
                {"component": "couchdb", "reason": "y"},
            ],
        }
    )
    assert not fabric_output.healthy(503, other, tolerated=("docker",))
    assert not fabric_output.healthy(503, '{"status":"Service Unavailable"}', ("docker",))
    assert not fabric_output.healthy(200, "not json")
    assert not fabric_output.healthy(404, '{"status":"OK"}')


class _Healthz(BaseHTTPRequestHandler):
    """Test double of an operations endpoint: answers 503 like a peer with no Docker."""

    def do_GET(self) -> None:
        body = DOCKER_DOWN.encode()
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture
def healthz_503() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/healthz"
    finally:
        server.shutdown()
        server.server_close()


def test_http_get_returns_the_body_of_an_error_status(healthz_503: str) -> None:
    answer = http_get(healthz_503)
    assert answer is not None
    assert answer[0] == 503
    assert fabric_output.healthy(*answer, tolerated=(fabric_output.DOCKER_CHECK,))


def test_http_get_of_a_closed_port_is_none() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert http_get(f"http://127.0.0.1:{port}/healthz", timeout=0.5) is None


METRICS = """# HELP consensus_etcdraft_is_leader The leadership status of the current node.
# TYPE consensus_etcdraft_is_leader gauge
consensus_etcdraft_is_leader{channel="other"} 1
consensus_etcdraft_is_leader{channel="sovereign"} %s
consensus_etcdraft_cluster_size{channel="sovereign"} 3
"""


def test_raft_leader_is_read_for_the_right_channel_only() -> None:
    assert fabric_output.is_raft_leader(METRICS % "1", "sovereign")
    assert not fabric_output.is_raft_leader(METRICS % "0", "sovereign")
    assert fabric_output.is_raft_leader(METRICS % "0", "other")
    assert not fabric_output.is_raft_leader(METRICS % "1", "sovereig")
    assert not fabric_output.is_raft_leader("", "sovereign")


def test_osnadmin_status_is_read_from_its_output() -> None:
    created = fabric_output.osnadmin_response(
        'Status: 201\n{\n\t"name": "sovereign",\n\t"status": "active"\n}\n'
    )
    assert created.status == 201
    assert created.joined
    again = fabric_output.osnadmin_response(
        'Status: 405\n{\n\t"error": "cannot join: channel already exists"\n}\n'
    )
    assert again.joined
    refused = fabric_output.osnadmin_response(
        'Status: 400\n{\n\t"error": "cannot join: failed to verify block"\n}\n'
    )
    assert refused.status == 400
    assert not refused.joined
    assert "failed to verify block" in refused.body
    assert not fabric_output.osnadmin_response("Error: connection refused\n").joined


def test_getinfo_height_ignores_what_follows_the_json() -> None:
    out = (
        'Blockchain info: {"height":7,"currentBlockHash":"q83v","previousBlockHash":"3q2+"}\n'
        "2026-01-01 00:00:00.000 UTC [main] WARN trailing log line {not json}\n"
    )
    assert fabric_output.blockchain_height(out) == 7
    assert fabric_output.blockchain_height('Blockchain info: {"height":"12"}') == 12
    assert fabric_output.blockchain_height("Blockchain info: {}") == 0
    assert fabric_output.blockchain_height("no json here") is None


def test_querycommitted_and_queryinstalled_json() -> None:
    committed = json.dumps(
        {"sequence": 2, "version": "1.0", "approvals": {"TreasuryMSP": True}}, indent="\t"
    )
    assert fabric_output.committed_sequence(committed) == 2
    assert fabric_output.committed_sequence('{"sequence": "3"}') == 3
    assert fabric_output.committed_sequence("Error: not found") is None
    installed = json.dumps(
        {
            "installed_chaincodes": [
                {"package_id": "sovereign_1.0:abc", "label": "sovereign_1.0"},
                {"package_id": "sovereign_1.0:abcdef", "label": "sovereign_1.0"},
            ]
        }
    )
    ids = fabric_output.installed_package_ids(installed)
    assert ids == {"sovereign_1.0:abc", "sovereign_1.0:abcdef"}
    assert "sovereign_1.0:ab" not in ids
    assert fabric_output.installed_package_ids("{}") == set()
