"""`sov identity`: users issued from an org's CA carry their role attributes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509

from sovereign_cli.main import ExitCode, cli
from sovereign_network import crypto, topology


@pytest.fixture
def home(tmp_path: Path) -> Path:
    topo = topology.load()
    crypto.generate(topo, tmp_path)
    (tmp_path / "network.json").write_text(json.dumps({"base_port": topo.base_port}))
    return tmp_path


def test_create_issues_a_certificate_with_the_role(home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "--home",
            str(home),
            "--json",
            "identity",
            "create",
            "Exchange",
            "investor7",
            "--role",
            "investor",
            "--attr",
            "bank=ubl",
        ],
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert created["org"] == "ExchangeMSP"
    cert = x509.load_pem_x509_certificate(Path(created["certificate"]).read_bytes())
    ext = cert.extensions.get_extension_for_oid(crypto.ATTRIBUTE_OID).value
    assert isinstance(ext, x509.UnrecognizedExtension)
    attrs = json.loads(ext.value)["attrs"]
    assert attrs["role"] == "investor"
    assert attrs["bank"] == "ubl"
    assert attrs["hf.EnrollmentID"] == "investor7"

    listed = runner.invoke(cli, ["--home", str(home), "identity", "list", "--json"])
    rows = json.loads(listed.output)
    assert {
        "org": "ExchangeMSP",
        "name": "investor7",
        "attributes": {"bank": "ubl", "role": "investor"},
    } in rows
    assert any(r["name"] == "debtoffice" and r["org"] == "TreasuryMSP" for r in rows)


def test_a_user_that_exists_is_refused(home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(home), "identity", "create", "Treasury", "debtoffice"]
    )
    assert result.exit_code == ExitCode.NETWORK
    assert "already has a user named 'debtoffice'" in result.output


def test_a_malformed_attribute_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(home), "identity", "create", "Treasury", "x1", "--attr", "novalue"]
    )
    assert result.exit_code == ExitCode.USAGE
    assert "NAME=VALUE" in result.output


def test_an_unknown_org_names_the_known_ones(home: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(home), "identity", "create", "Mint", "x1"])
    assert result.exit_code == ExitCode.TOPOLOGY
    assert "Treasury, CentralBank, Exchange" in result.output
