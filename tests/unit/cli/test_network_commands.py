"""`sov network` and `sov chaincode` at the command boundary: messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sovereign_cli.main import ExitCode, cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_lists_the_noun_groups(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "network" in result.output
    assert "chaincode" in result.output


def test_status_of_a_missing_network_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--home", str(tmp_path / "none"), "network", "status"])
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "no network in" in result.output


def test_down_on_a_network_that_is_not_there(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--home", str(tmp_path), "network", "down"])
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "nothing to stop" in result.output


def test_missing_binaries_are_a_distinct_exit_code(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = runner.invoke(
        cli,
        ["--home", str(tmp_path / "net"), "network", "up"],
        env={"FABRIC_BIN": str(empty), "FABRIC_RELEASE": None},
    )
    assert result.exit_code == ExitCode.FABRIC_MISSING
    assert "lacks executable peer" in result.output
    assert not (tmp_path / "net" / "run").exists()


def test_an_invalid_topology_is_a_distinct_exit_code(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "topology.toml"
    bad.write_text("[network]\nchannel = 'UPPER'\n")
    result = runner.invoke(
        cli, ["--home", str(tmp_path / "net"), "--topology", str(bad), "network", "up"]
    )
    assert result.exit_code == ExitCode.TOPOLOGY
    assert "network.channel" in result.output


def test_unknown_fabric_version_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["--home", str(tmp_path), "network", "up"], env={"FABRIC_VERSION": "1.4"}
    )
    assert result.exit_code == ExitCode.FABRIC_MISSING
    assert "v3.1.5" in result.output


def test_logs_lists_and_shows_process_logs(runner: CliRunner, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "peer0.treasury.log").write_text("line one\nline two\n")
    listed = runner.invoke(cli, ["--home", str(tmp_path), "network", "logs"])
    assert listed.exit_code == 0
    assert "peer0.treasury" in listed.output
    shown = runner.invoke(cli, ["--home", str(tmp_path), "network", "logs", "peer0.treasury"])
    assert shown.output.strip().splitlines() == ["line one", "line two"]
    missing = runner.invoke(cli, ["--home", str(tmp_path), "network", "logs", "orderer9"])
    assert missing.exit_code == ExitCode.NOT_FOUND


def test_status_json_of_a_stopped_network_lists_every_org(
    runner: CliRunner, tmp_path: Path
) -> None:
    fake_bin = tmp_path / "fabric" / "bin"
    fake_bin.mkdir(parents=True)
    for tool in ("peer", "orderer", "configtxgen", "osnadmin"):
        path = fake_bin / tool
        path.write_text("#!/bin/sh\nexit 1\n")
        path.chmod(0o755)
    config = tmp_path / "fabric" / "config"
    config.mkdir()
    (config / "core.yaml").write_text("peer: {}\n")
    home = tmp_path / "net"
    home.mkdir()
    (home / "network.json").write_text(json.dumps({"base_port": 40000}))
    result = runner.invoke(
        cli,
        ["--home", str(home), "network", "status", "--json"],
        env={"FABRIC_BIN": str(fake_bin), "FABRIC_RELEASE": None},
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["up"] is False
    assert [o["msp_id"] for o in report["orgs"]] == ["TreasuryMSP", "CentralBankMSP", "ExchangeMSP"]
    treasury = report["orgs"][0]
    assert treasury["gateway_peer"] == "127.0.0.1:40009"
    assert treasury["users"]["debtoffice"]["certificate"].endswith("signcerts/cert.pem")
    assert treasury["admin"]["private_key"].endswith("keystore/key.pem")
    assert [o["address"] for o in report["orderers"]] == [
        "127.0.0.1:40000",
        "127.0.0.1:40003",
        "127.0.0.1:40006",
    ]


def test_a_state_file_with_a_repeated_key_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    home = tmp_path / "net"
    home.mkdir()
    (home / "network.json").write_text('{"base_port": 40000, "base_port": 41000}')
    result = runner.invoke(cli, ["--home", str(home), "network", "status"])
    assert result.exit_code == ExitCode.USAGE
    assert "network.json is not JSON we accept" in result.output
    assert "repeats a key" in result.output
