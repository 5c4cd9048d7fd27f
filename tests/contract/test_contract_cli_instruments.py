"""``sov instrument`` and ``sov cash`` over the in-memory market: JSON shapes, tables,
local validation of spec files, refusals as exit 7."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovereign_cli.main import ExitCode

from .scenario import BILL, BOND, MILLION, bond_spec
from .test_contract_cli_harness import DEALER1, EXCHANGE, REGISTRAR, TREASURY, Sov, fresh_market

NEW_BOND = "PK0000PIB099"


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(fresh_market(), tmp_path)


def write(path: Path, document: object) -> str:
    path.write_text(json.dumps(document))
    return str(path)


def new_bond(sov: Sov, tmp_path: Path, instrument_id: str = NEW_BOND) -> dict[str, object]:
    spec = write(tmp_path / "spec.json", bond_spec() | {"instrument_id": instrument_id})
    created: dict[str, object] = sov.json("instrument", "create", "--file", spec, as_=TREASURY)
    return created


def test_create_prints_the_draft_record(sov: Sov, tmp_path: Path) -> None:
    created = new_bond(sov, tmp_path)
    assert created["status"] == "DRAFT"
    assert created["paused"] is False
    spec = created["spec"]
    assert isinstance(spec, dict)
    assert spec["instrument_id"] == NEW_BOND
    assert spec["coupon_rate"] == "0.07"  # decimals stay exact strings
    human = sov(
        "instrument",
        "create",
        "--file",
        write(tmp_path / "other.json", bond_spec() | {"instrument_id": "PK0000PIB098"}),
        as_=TREASURY,
    )
    assert human.exit_code == 0
    assert human.stdout.strip() == "created PK0000PIB098: DRAFT"


def test_create_validates_the_spec_locally_naming_the_field(sov: Sov, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", bond_spec() | {"min_denomination": "100000"})
    result = sov.usage("instrument", "create", "--file", bad, as_=TREASURY)
    assert "min_denomination: expected an integer" in result.stderr
    assert str(tmp_path / "bad.json") in result.stderr
    (tmp_path / "junk.json").write_text("{not json")
    result = sov.usage("instrument", "create", "--file", str(tmp_path / "junk.json"))
    assert "is not JSON" in result.stderr
    missing = sov.usage("instrument", "create", "--file", str(tmp_path / "none.json"))
    assert "does not exist" in missing.stderr


def test_create_refused_by_the_chaincode_exits_7(sov: Sov, tmp_path: Path) -> None:
    spec = write(tmp_path / "dup.json", bond_spec())
    result = sov.refused(
        "instrument", "create", "--file", spec, as_=TREASURY, code="ALREADY_EXISTS"
    )
    assert result.stdout == ""


def test_list_and_show(sov: Sov) -> None:
    listed = sov.json("instrument", "list")
    assert {r["spec"]["instrument_id"] for r in listed} == {BILL, BOND}
    bond = next(r for r in listed if r["spec"]["instrument_id"] == BOND)
    assert (bond["status"], bond["issued"]) == ("ISSUED", 500 * MILLION)
    table = sov("instrument", "list")
    assert table.exit_code == 0
    header, *rows = table.stdout.splitlines()
    assert header.split() == ["INSTRUMENT", "KIND", "STATUS", "MATURITY", "OUTSTANDING"]
    assert any(BOND in row and row.endswith("500,000,000.00") for row in rows)

    shown = sov.json("instrument", "show", BOND)
    assert shown == bond
    lines = sov("instrument", "show", BOND).stdout
    assert "issued        500,000,000.00" in lines
    assert "coupon rate   0.07" in lines


def test_limits(sov: Sov) -> None:
    assert sov.json("instrument", "limits", BOND) == {
        "instrument_id": BOND,
        "holding_limit": None,
        "non_resident_limit": None,
        "non_resident_held": None,
        "programme_id": None,
        "programme_cap": None,
        "programme_issued": None,
    }
    human = sov("instrument", "limits", BOND)
    assert human.exit_code == 0, human.output
    assert "non-resident cap    -" in human.stdout
    sov.refused("instrument", "limits", "PK-NONE", code="UNKNOWN_INSTRUMENT")


def test_calendar_publish_show_history(sov: Sov, tmp_path: Path) -> None:
    import hashlib

    spec = {
        "calendar_id": "PK-SBP",
        "effective_from": "2021-09-01",
        "weekend": ["SAT", "SUN"],
        "holidays": ["2021-09-06"],
        "covers_from": "2021-09-01",
        "covers_to": "2021-12-31",
        "source": {
            "name": "holiday notification (test)",
            "uri": "https://example.test/n.pdf",
            "sha256": hashlib.sha256(b"n").hexdigest(),
        },
    }
    (tmp_path / "calendar.json").write_text(json.dumps(spec))
    sov.refused(
        "calendar",
        "publish",
        "--file",
        str(tmp_path / "calendar.json"),
        code="UNAUTHORIZED",
        as_=TREASURY,
    )
    record = sov.json(
        "calendar", "publish", "--file", str(tmp_path / "calendar.json"), as_=REGISTRAR
    )
    assert record["publication"] == spec
    history = sov.json("calendar", "history", "PK-SBP")
    assert [h["publication"]["effective_from"] for h in history] == ["2021-09-01"]
    human = sov("calendar", "history", "PK-SBP")
    assert "https://example.test/n.pdf" in human.stdout


def test_calendar_publish_the_shipped_pakistan_2026_calendar(sov: Sov) -> None:
    """The sourced 2026 calendar, from the product's data file, hashed as shipped; from
    the ledger's business date unless told otherwise."""
    import hashlib

    from sovereign_assets.domain.examples import pakistan_calendar_2026_bytes

    sov.usage("calendar", "publish", as_=REGISTRAR)
    sov.usage("calendar", "publish", "--effective-from", "2026-01-02", as_=REGISTRAR)
    sov.refused("calendar", "publish", "--pakistan-2026", code="UNAUTHORIZED", as_=TREASURY)
    today = sov.json("governance", "date")["business_date"]
    record = sov.json("calendar", "publish", "--pakistan-2026", as_=REGISTRAR)
    given = record["publication"]
    assert given["effective_from"] == today
    assert (given["calendar_id"], given["covers_from"], given["covers_to"]) == (
        "PK-SBP",
        "2026-01-01",
        "2026-12-31",
    )
    assert len(given["holidays"]) == 17
    assert "2026-03-23" in given["holidays"]
    assert given["source"]["sha256"] == hashlib.sha256(pakistan_calendar_2026_bytes()).hexdigest()
    assert given["source"]["uri"].startswith("https://www.express.pk/")
    later = sov.json(
        "calendar", "publish", "--pakistan-2026", "--effective-from", "2026-01-01", as_=REGISTRAR
    )
    assert later["publication"]["effective_from"] == "2026-01-01"
    history = sov.json("calendar", "history", "PK-SBP")
    assert [h["publication"]["effective_from"] for h in history] == [today, "2026-01-01"]
    # The text view lists the dates, not only their count.
    shown = sov("calendar", "show", "PK-SBP").stdout
    assert "17: 2026-01-01 2026-02-05" in shown
    assert "2026-12-25" in shown


def test_list_and_show_errors(sov: Sov, tmp_path: Path) -> None:
    sov.refused("instrument", "show", "PK0000NOPE01", code="UNKNOWN_INSTRUMENT")
    stopped = Sov(None, tmp_path)("instrument", "list")
    assert stopped.exit_code == ExitCode.NOT_FOUND
    assert "not running" in stopped.stderr


def test_schedule(sov: Sov) -> None:
    flows = sov.json("instrument", "schedule", BOND)
    assert flows[0] == {
        "kind": "COUPON",
        "period_id": flows[0]["period_id"],
        "payment_date": "2022-02-21",
        "amount_per_unit": flows[0]["amount_per_unit"],
        "provisional": False,
    }
    assert set(flows[-1]) == {"kind", "period_id", "payment_date", "amount_per_unit", "provisional"}
    table = sov("instrument", "schedule", BOND).stdout.splitlines()
    assert table[0].split() == ["KIND", "PERIOD", "PAYMENT", "DATE", "PER", "UNIT"]
    assert "2022-02-21" in table[1]
    sov.refused("instrument", "schedule", "PK0000NOPE01", code="UNKNOWN_INSTRUMENT")


def test_approve_issue_then_pause_and_resume_by_the_controllers(sov: Sov, tmp_path: Path) -> None:
    new_bond(sov, tmp_path)
    sov.refused("instrument", "approve", NEW_BOND, as_=TREASURY, code="UNAUTHORIZED")
    approved = sov.json("instrument", "approve", NEW_BOND, as_=REGISTRAR)
    assert approved["status"] == "APPROVED"
    assert approved["approved_on"]

    sov.usage("instrument", "issue", NEW_BOND, "--allot", "SGL-ALPHA", as_=TREASURY)
    sov.usage("instrument", "issue", NEW_BOND, "--allot", "SGL-ALPHA=1.5", as_=TREASURY)
    sov.usage("instrument", "issue", NEW_BOND, as_=TREASURY)
    sov.usage("instrument", "issue", NEW_BOND, "--allot", "SGL-ALPHA=10", "--price", "par",
              as_=TREASURY)  # fmt: skip
    sov.refused(
        "instrument", "issue", NEW_BOND, "--allot", f"SGL-ALPHA={MILLION}", as_=TREASURY,
        code="PRICE_REQUIRED",
    )  # fmt: skip
    sov.refused(
        "instrument",
        "issue",
        NEW_BOND,
        "--allot",
        f"SGL-ALPHA={MILLION}",
        as_=EXCHANGE,
        code="UNAUTHORIZED",
    )
    issued = sov.json(
        "instrument",
        "issue",
        NEW_BOND,
        "--allot",
        f"SGL-ALPHA={10 * MILLION}",
        "--allot",
        f"SGL-BETA={20 * MILLION}",
        "--price",
        "99.5000",
        as_=TREASURY,
    )
    assert (issued["status"], issued["issued"]) == ("ISSUED", 30 * MILLION)

    sov.refused("control", "resume", NEW_BOND, as_=REGISTRAR, code="INVALID_TRANSITION")
    paused = sov.json("control", "pause", NEW_BOND, "--reason", "corporate_action", as_=REGISTRAR)
    assert (paused["kind"], paused["reason"]) == ("PAUSE_INSTRUMENT", "CORPORATE_ACTION")
    assert sov.json("instrument", "show", NEW_BOND, as_=REGISTRAR)["paused"] is True
    human = sov("control", "resume", NEW_BOND, as_=REGISTRAR)
    assert human.exit_code == 0, human.output
    assert "RESUME_INSTRUMENT" in human.stdout
    sov.refused(
        "control", "pause", NEW_BOND, "--reason", "SANCTIONS", as_=DEALER1, code="UNAUTHORIZED"
    )

    # A part of one holding, and the kill switch: the same command shape, other targets.
    part = sov.json(
        "control", "freeze-holding", NEW_BOND, "SGL-ALPHA", str(4 * MILLION),
        "--reason", "sanctions", as_=REGISTRAR,
    )  # fmt: skip
    assert (part["kind"], part["accounts"], part["amount"]) == (
        "FREEZE_HOLDING",
        ["SGL-ALPHA"],
        4 * MILLION,
    )
    lifted = sov.json(
        "control", "unfreeze-holding", NEW_BOND, "SGL-ALPHA", str(MILLION), as_=REGISTRAR
    )
    assert (lifted["kind"], lifted["reason"], lifted["amount"]) == (
        "UNFREEZE_HOLDING",
        "RELEASE",
        MILLION,
    )
    sov.usage("control", "halt", as_=REGISTRAR)  # --reason is required
    halted = sov.json("control", "halt", "--reason", "operational_incident", as_=REGISTRAR)
    assert halted["kind"] == "HALT"
    sov.refused("control", "pause", NEW_BOND, "--reason", "SANCTIONS", as_=REGISTRAR,
                code="GLOBAL_PAUSE")  # fmt: skip
    assert sov.json("control", "release", as_=REGISTRAR)["kind"] == "RELEASE"


def test_issue_prints_the_total_in_rupees(sov: Sov, tmp_path: Path) -> None:
    new_bond(sov, tmp_path)
    sov.json("instrument", "approve", NEW_BOND, as_=REGISTRAR)
    result = sov(
        "instrument", "issue", NEW_BOND, "--allot", "SGL-ALPHA=120000000", "--price", "100",
        as_=TREASURY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"issued 1,200,000.00 of {NEW_BOND} to 1 account(s): ISSUED"


# -- cash ----------------------------------------------------------------------------------


def test_cash_mint_withdraw_balance(sov: Sov) -> None:
    assert sov.json("cash", "balance", "SGL-ALPHA") == {
        "account_id": "SGL-ALPHA",
        "amount": 500 * MILLION,
    }
    minted = sov.json("cash", "mint", "SGL-ALPHA", "125", as_=REGISTRAR)
    assert minted == {"account_id": "SGL-ALPHA", "amount": 500 * MILLION + 125}
    withdrawn = sov.json("cash", "withdraw", "SGL-ALPHA", "25", as_=REGISTRAR)
    assert withdrawn["amount"] == 500 * MILLION + 100
    human = sov("cash", "balance", "SGL-ALPHA")
    assert human.stdout.strip() == "SGL-ALPHA: 500,000,001.00 (50000000100 minor units)"


def test_cash_errors(sov: Sov) -> None:
    sov.refused("cash", "mint", "SGL-ALPHA", "100", as_=DEALER1, code="UNAUTHORIZED")
    sov.usage("cash", "mint", "SGL-ALPHA", "12.50", as_=REGISTRAR)
    sov.usage("cash", "mint", "SGL-ALPHA", "0", as_=REGISTRAR)
    sov.refused("cash", "withdraw", "IPS-BILAL", "100", as_=REGISTRAR, code="INSUFFICIENT_CASH")
    sov.refused("cash", "balance", "NO-SUCH-ACCT", code="UNKNOWN_ACCOUNT")
