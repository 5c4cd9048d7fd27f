"""``sov events watch`` rendering and checkpoints, over a fake Gateway network; and
``sov chaincode list`` / ``upgrade`` over a network home with no running peers.

The fake network below is a test double of ``fabric_gateway.Network``: it only serves
``get_chaincode_events`` from a list of :class:`~fabric_gateway.ChaincodeEvent`, honouring
the checkpoint the way the Gateway's resume does (re-read the block, skip through the
checkpointed transaction). No gRPC is involved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from fabric_gateway import ChaincodeEvent, Checkpoint
from sovereign_cli import connection
from sovereign_cli.main import ExitCode, Settings

from .test_contract_cli_harness import Sov

EVENTS = [
    ChaincodeEvent(5, "tx-a1", "sovereign", "InstrumentCreated", b'{"instrument_id":"PK1"}'),
    ChaincodeEvent(
        6,
        "tx-b1",
        "sovereign",
        "FixingPublished",
        b'{"instrument_id":"PK1","period_id":"2022-02-19","rate":"0.073"}',
    ),
    ChaincodeEvent(6, "tx-b2", "sovereign", "Transferred", b'{"amount":100}'),
    ChaincodeEvent(7, "tx-c1", "sovereign", "Empty", b""),
]


class FakeStream:
    def __init__(self, events: list[ChaincodeEvent]) -> None:
        self.events = events
        self.closed = False

    def __enter__(self) -> FakeStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.closed = True

    def __iter__(self) -> Iterator[ChaincodeEvent]:
        return iter(self.events)


class FakeNetwork:
    """Serves :data:`EVENTS` from a start block or a checkpoint."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.streams: list[FakeStream] = []

    def get_chaincode_events(
        self,
        chaincode_name: str,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> FakeStream:
        self.requests.append({"chaincode": chaincode_name, "start_block": start_block})
        events = list(EVENTS)
        if checkpoint is not None and checkpoint.block_number is not None:
            events = [e for e in events if e.block_number >= checkpoint.block_number]
            if checkpoint.transaction_id is not None:
                ids = [e.transaction_id for e in events]
                events = events[ids.index(checkpoint.transaction_id) + 1 :]
        elif start_block is not None:
            events = [e for e in events if e.block_number >= start_block]
        stream = FakeStream(events)
        self.streams.append(stream)
        return stream


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeNetwork:
    network = FakeNetwork()

    @contextmanager
    def gateway_network(settings: Settings) -> Iterator[connection.LedgerChannel]:
        del settings
        yield connection.LedgerChannel(network, "sovereign")  # type: ignore[arg-type]

    monkeypatch.setattr(connection, "gateway_network", gateway_network)
    return network


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(None, tmp_path)


def test_watch_json_lines(sov: Sov, fake: FakeNetwork) -> None:
    result = sov("events", "watch", "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {
        "name": "InstrumentCreated",
        "transaction_id": "tx-a1",
        "block_number": 5,
        "payload": {"instrument_id": "PK1"},
    }
    assert lines[1]["payload"]["rate"] == "0.073"  # exact, never a float
    assert [line["name"] for line in lines] == [
        "InstrumentCreated",
        "FixingPublished",
        "Transferred",
        "Empty",
    ]
    assert lines[3]["payload"] == {}
    assert fake.requests == [{"chaincode": "sovereign", "start_block": None}]
    assert fake.streams[0].closed


def test_watch_human_lines_and_limit(sov: Sov, fake: FakeNetwork) -> None:
    result = sov("events", "watch", "--start-block", "6", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "       6  tx-b1             FixingPublished           "
        '{"instrument_id":"PK1","period_id":"2022-02-19","rate":"0.073"}'
    ]
    assert "1 event(s)" in result.stderr
    assert fake.requests[0]["start_block"] == 6
    assert fake.streams[0].closed


def test_watch_resumes_from_the_checkpoint_file(
    sov: Sov, fake: FakeNetwork, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "events.checkpoint"
    first = sov("events", "watch", "--checkpoint", str(checkpoint), "--limit", "2", "--json")
    assert [json.loads(x)["transaction_id"] for x in first.stdout.splitlines()] == [
        "tx-a1",
        "tx-b1",
    ]
    assert json.loads(checkpoint.read_text()) == {"blockNumber": "6", "transactionId": "tx-b1"}
    second = sov("events", "watch", "--checkpoint", str(checkpoint), "--json")
    assert [json.loads(x)["transaction_id"] for x in second.stdout.splitlines()] == [
        "tx-b2",
        "tx-c1",
    ]
    assert json.loads(checkpoint.read_text())["transactionId"] == "tx-c1"


def test_ctrl_c_stops_quietly_keeping_the_place(
    sov: Sov, fake: FakeNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: FakeStream) -> Iterator[ChaincodeEvent]:
        yield from self.events[:2]
        raise KeyboardInterrupt

    monkeypatch.setattr(FakeStream, "__iter__", interrupted)
    checkpoint = tmp_path / "events.checkpoint"
    result = sov("events", "watch", "--checkpoint", str(checkpoint))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    assert "2 event(s)" in result.stderr
    # both events shown were followed by a request for the next, so both are recorded
    assert json.loads(checkpoint.read_text())["transactionId"] == "tx-b1"


def test_watch_errors(sov: Sov, fake: FakeNetwork, tmp_path: Path) -> None:
    bad = tmp_path / "bad.checkpoint"
    bad.write_text("{not json")
    result = sov("events", "watch", "--checkpoint", str(bad))
    assert result.exit_code == ExitCode.USAGE
    assert "cannot use checkpoint file" in result.stderr
    assert sov("events", "watch", "--limit", "0").exit_code == ExitCode.USAGE
    assert sov("events", "watch", "--checkpoint", str(tmp_path)).exit_code == ExitCode.USAGE
    assert fake.requests == []


def test_watch_needs_a_running_network(sov: Sov) -> None:
    result = sov("events", "watch")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "is not running" in result.stderr


# -- chaincode list / upgrade --------------------------------------------------------------


def network_home(tmp_path: Path, chaincodes: dict[str, Any]) -> Path:
    home = tmp_path / "net"
    home.mkdir()
    (home / "network.json").write_text(json.dumps({"base_port": 40000, "chaincodes": chaincodes}))
    return home


def fake_fabric(tmp_path: Path) -> dict[str, str | None]:
    """Executables named like Fabric's (they fail if run), so the binaries are found."""
    bin_dir = tmp_path / "fabric" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("peer", "orderer", "configtxgen", "osnadmin"):
        path = bin_dir / tool
        path.write_text("#!/bin/sh\nexit 1\n")
        path.chmod(0o755)
    config = tmp_path / "fabric" / "config"
    config.mkdir()
    (config / "core.yaml").write_text("peer: {}\n")
    return {"FABRIC_BIN": str(bin_dir), "FABRIC_RELEASE": None}


def test_chaincode_list(tmp_path: Path) -> None:
    home = network_home(tmp_path, {"sovereign": {"version": "1.1", "sequence": 2}})
    sov = Sov(None, home)
    assert sov.json("chaincode", "list") == [{"name": "sovereign", "version": "1.1", "sequence": 2}]
    human = sov("chaincode", "list").stdout.splitlines()
    assert human[1].split() == ["sovereign", "1.1", "2"]
    missing = Sov(None, tmp_path / "none")("chaincode", "list")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert "no network in" in missing.stderr


def test_chaincode_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sovereign_network.network import Network

    home = network_home(tmp_path, {"sovereign": {"version": "1.0", "sequence": 1}})
    calls: list[dict[str, Any]] = []

    def deploy(self: Network, **kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs)
        return {"version": kwargs["version"], "sequence": 2}

    monkeypatch.setattr(Network, "deploy_chaincode", deploy)
    sov = Sov(None, home)
    result = sov("chaincode", "upgrade", "--version", "1.1", "--json", env=fake_fabric(tmp_path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"version": "1.1", "sequence": 2}
    assert calls[0]["version"] == "1.1"
    assert calls[0]["name"] is None


def test_chaincode_upgrade_errors(tmp_path: Path) -> None:
    home = network_home(tmp_path, {"sovereign": {"version": "1.0", "sequence": 1}})
    sov = Sov(None, home)
    same = sov("chaincode", "upgrade", "--version", "1.0")
    assert same.exit_code == ExitCode.USAGE
    assert "already at version 1.0" in same.stderr
    other = sov("chaincode", "upgrade", "--name", "other", "--version", "2.0")
    assert other.exit_code == ExitCode.NOT_FOUND
    assert "chaincode other is not deployed" in other.stderr
    assert sov("chaincode", "upgrade").exit_code == ExitCode.USAGE
    empty = tmp_path / "bin"
    empty.mkdir()
    no_fabric = sov(
        "chaincode",
        "upgrade",
        "--version",
        "1.1",
        env={"FABRIC_BIN": str(empty), "FABRIC_RELEASE": None},
    )
    assert no_fabric.exit_code == ExitCode.FABRIC_MISSING
