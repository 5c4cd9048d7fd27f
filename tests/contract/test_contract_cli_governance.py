"""``sov governance propose | approve | withdraw | proposals`` over the in-memory market:
a change by the two controllers, each step's --json, and the refusals' exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_contract_cli_harness import REGISTRAR, TREASURY, Sov, fresh_market


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(fresh_market(), tmp_path)


def _paused_config(sov: Sov, tmp_path: Path) -> Path:
    config = sov.json("governance", "show")
    config["global_pause"] = True
    path = tmp_path / "paused.json"
    path.write_text(json.dumps(config))
    return path


def test_a_change_by_both_controllers(sov: Sov, tmp_path: Path) -> None:
    path = _paused_config(sov, tmp_path)
    proposal = sov.json("governance", "propose", "--file", str(path), as_=TREASURY)
    proposal_id = proposal["proposal_id"]
    assert len(proposal_id) == 64
    assert proposal["proposer"] == "TreasuryMSP/debt-office"
    assert sov.json("governance", "show")["global_pause"] is False

    listed = sov.json("governance", "proposals", as_=REGISTRAR)
    assert [p["proposal_id"] for p in listed] == [proposal_id]
    one = sov.json("governance", "proposals", proposal_id, as_=REGISTRAR)
    assert one["config"]["global_pause"] is True
    human = sov("governance", "proposals", proposal_id, as_=REGISTRAR)
    assert proposal_id in human.stdout
    assert "global pause" in human.stdout

    sov.refused(
        "governance", "approve", proposal_id, code="SECOND_CONTROLLER_REQUIRED", as_=TREASURY
    )
    applied = sov.json("governance", "approve", proposal_id, as_=REGISTRAR)
    assert applied["global_pause"] is True
    assert sov.json("governance", "show")["global_pause"] is True
    sov.refused("governance", "approve", proposal_id, code="NOT_FOUND", as_=REGISTRAR)


def test_a_withdrawn_change_is_gone(sov: Sov, tmp_path: Path) -> None:
    path = _paused_config(sov, tmp_path)
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
