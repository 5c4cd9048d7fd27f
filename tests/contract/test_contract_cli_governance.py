"""``sov governance propose | approve | withdraw | proposals`` over the in-memory market:
a change by the two controllers, each step's --json, and the refusals' exit codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sovereign_cli import demo
from sovereign_cli.governance_commands import config_fields

from .test_contract_cli_harness import REGISTRAR, TREASURY, Sov, fresh_market


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(fresh_market(), tmp_path)


def _changed_config(sov: Sov, tmp_path: Path) -> Path:
    config = sov.json("governance", "show")
    config["utc_offset_minutes"] = 330
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(config))
    return path


def test_a_change_by_both_controllers(sov: Sov, tmp_path: Path) -> None:
    path = _changed_config(sov, tmp_path)
    proposal = sov.json("governance", "propose", "--file", str(path), as_=TREASURY)
    proposal_id = proposal["proposal_id"]
    assert len(proposal_id) == 64
    assert proposal["proposer"] == "TreasuryMSP/debt-office"
    assert sov.json("governance", "show")["utc_offset_minutes"] == 300

    listed = sov.json("governance", "proposals", as_=REGISTRAR)
    assert [p["proposal_id"] for p in listed] == [proposal_id]
    one = sov.json("governance", "proposals", proposal_id, as_=REGISTRAR)
    assert one["config"]["utc_offset_minutes"] == 330
    human = sov("governance", "proposals", proposal_id, as_=REGISTRAR)
    assert proposal_id in human.stdout
    assert "global pause" in human.stdout

    sov.refused(
        "governance", "approve", proposal_id, code="SECOND_CONTROLLER_REQUIRED", as_=TREASURY
    )
    applied = sov.json("governance", "approve", proposal_id, as_=REGISTRAR)
    assert applied["utc_offset_minutes"] == 330
    assert sov.json("governance", "show")["utc_offset_minutes"] == 330
    sov.refused("governance", "approve", proposal_id, code="NOT_FOUND", as_=REGISTRAR)


def test_a_withdrawn_change_is_gone(sov: Sov, tmp_path: Path) -> None:
    path = _changed_config(sov, tmp_path)
    proposal_id = sov.json("governance", "propose", "--file", str(path), as_=REGISTRAR)[
        "proposal_id"
    ]
    withdrawn = sov.json("governance", "withdraw", proposal_id, as_=TREASURY)
    assert withdrawn == {"proposal_id": proposal_id, "withdrawn": True}
    assert sov.json("governance", "proposals", as_=TREASURY) == []
    result = sov("governance", "proposals", as_=TREASURY)
    assert "no pending governance changes" in result.stdout
    sov.refused("governance", "approve", proposal_id, code="NOT_FOUND", as_=TREASURY)
    assert sov("governance", "update").exit_code == 2  # the one-controller command is gone


def test_the_text_view_shows_the_issuance_programme_and_its_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = demo.governance(dt.date(2026, 11, 29))
    programme = config.issuance_programme
    assert programme is not None
    config_fields(config)
    line = next(s for s in capsys.readouterr().out.splitlines() if s.startswith("programme "))
    assert programme.programme_id in line
    assert programme.rate_source in line
    assert "562,850,000,000.00 PKR" in line
