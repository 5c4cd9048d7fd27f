"""``sov lifecycle`` and ``sov investor`` over the in-memory market: batch loops and their
totals, fixings, claims, registration with private personal data, the dry-run check."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from fabric_chaincode import TransactionResult
from sovereign_cli.main import ExitCode

from .scenario import BILL, BOND, BOND_DENOMINATION, MILLION, bond_spec, digest
from .test_contract_cli_harness import (
    DEALER1,
    REGISTRAR,
    TREASURY,
    Sov,
    fresh_market,
)

COUPON_DAY = "2022-02-21"
FLOATER = "PK0000PFL001"


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(fresh_market(distributed=True), tmp_path)


def on(sov: Sov, day: dt.date) -> None:
    assert sov.market is not None
    sov.market.on(day)


# -- coupons and redemptions --------------------------------------------------------------


def test_pay_coupons_loops_batches_and_prints_totals(sov: Sov) -> None:
    on(sov, dt.date(2022, 2, 21))
    paid = sov.json("lifecycle", "pay-coupons", BOND, COUPON_DAY, "--batch-size", "4", as_=TREASURY)
    assert set(paid) == {
        "instrument_id",
        "payment_date",
        "batches",
        "paid",
        "gross",
        "tax",
        "net",
        "done",
    }
    assert (paid["instrument_id"], paid["payment_date"], paid["done"]) == (BOND, COUPON_DAY, True)
    assert (paid["batches"], paid["paid"]) == (2, 6)  # six holders, four per transaction
    assert paid["gross"] == paid["tax"] + paid["net"]
    claims = sov.json("lifecycle", "claims", BOND, COUPON_DAY)
    assert len(claims) == 6
    assert sum(c["gross"] for c in claims) == paid["gross"]
    assert sum(c["net"] for c in claims) == paid["net"]
    assert set(claims[0]) == {
        "instrument_id",
        "period_id",
        "holder_account",
        "face_held",
        "gross",
        "tax",
        "net",
        "rate",
        "paid_on",
    }
    table = sov("lifecycle", "claims", BOND, COUPON_DAY).stdout.splitlines()
    assert table[0].startswith("HOLDER")
    assert "  TAX RATE  " in table[0]
    assert len(table) == 7
    ayesha = next(line for line in table if line.startswith("IPS-AYESHA"))
    assert ayesha.split()[-4:] == ["10,000,000.00", "350,000.00", "52,500.00", "297,500.00"]


def test_pay_coupons_human_output_and_progress_on_stderr(sov: Sov) -> None:
    on(sov, dt.date(2022, 2, 21))
    result = sov("lifecycle", "pay-coupons", BOND, COUPON_DAY, "--batch-size", "500", as_=TREASURY)
    assert result.exit_code == 0, result.output
    assert f"coupon {BOND} {COUPON_DAY}" in result.stderr  # the progress bar's label
    line = result.stdout.strip()
    assert line.startswith(f"paid the {COUPON_DAY} coupon of {BOND} to 6 holder(s) in 1 batch(es)")
    # PKR 500m at 7 % for a half year is PKR 17.5m gross
    assert "gross 17,500,000.00" in line


def test_pay_coupons_errors(sov: Sov) -> None:
    on(sov, dt.date(2022, 2, 21))
    sov.refused("lifecycle", "pay-coupons", BOND, COUPON_DAY, as_=DEALER1, code="UNAUTHORIZED")
    sov.usage("lifecycle", "pay-coupons", BOND, "21-02-2022", as_=TREASURY)
    sov.usage("lifecycle", "pay-coupons", BOND, COUPON_DAY, "--batch-size", "0", as_=TREASURY)


def test_a_failed_batch_reports_what_was_committed(
    sov: Sov, monkeypatch: pytest.MonkeyPatch
) -> None:
    on(sov, dt.date(2022, 2, 21))
    market = sov.market
    assert market is not None
    original = market.call
    batches = 0

    def second_batch_fails(
        creator: bytes, function: str, *args: object, transient: Mapping[str, bytes] | None = None
    ) -> TransactionResult:
        # The second PayCoupon goes out with batch size 0, which the chaincode refuses.
        nonlocal batches
        if function == "lifecycle:PayCoupon":
            batches += 1
            if batches == 2:
                args = (*args[:2], "0")
        return original(creator, function, *args, transient=transient)

    monkeypatch.setattr(market, "call", second_batch_fails)
    result = sov("lifecycle", "pay-coupons", BOND, COUPON_DAY, "--batch-size", "2", as_=TREASURY)
    assert result.exit_code == ExitCode.REFUSED
    assert "1 batch(es) paying 2 holder(s) were committed" in result.stderr
    assert "error: INVALID_AMOUNT: " in result.stderr
    monkeypatch.setattr(market, "call", original)
    resumed = sov.json("lifecycle", "pay-coupons", BOND, COUPON_DAY, as_=TREASURY)
    assert resumed["paid"] == 4  # the two paid before are not paid twice


def test_redeem(sov: Sov) -> None:
    on(sov, dt.date(2022, 8, 18))
    redeemed = sov.json("lifecycle", "redeem", BILL, "--batch-size", "2", as_=TREASURY)
    assert redeemed["retired"] == 300 * MILLION
    assert (redeemed["paid"], redeemed["batches"], redeemed["done"]) == (3, 2, True)
    assert redeemed["gross"] == 300 * MILLION  # a discount bill pays its face
    claims = sov.json("lifecycle", "claims", BILL, "REDEMPTION")
    assert {c["holder_account"] for c in claims} == {"SGL-ALPHA", "SGL-BETA", "IPS-DANA"}
    assert sov.json("instrument", "show", BILL)["redeemed"] == 300 * MILLION


def test_redeem_errors(sov: Sov) -> None:
    on(sov, dt.date(2022, 8, 18))
    sov.refused("lifecycle", "redeem", BILL, as_=DEALER1, code="UNAUTHORIZED")
    sov.usage("lifecycle", "redeem", BILL, "--batch-size", "none", as_=TREASURY)
    on(sov, dt.date(2022, 1, 3))
    early = sov.refused("lifecycle", "redeem", BILL, as_=TREASURY, code="EVENT_NOT_APPLICABLE")
    assert "matures on 2022-08-18" in early.stderr


def test_claims_errors(sov: Sov) -> None:
    bad = sov.usage("lifecycle", "claims", BOND, "soon")
    assert "neither YYYY-MM-DD nor REDEMPTION" in bad.stderr
    sov.refused("lifecycle", "claims", "PK0000NOPE01", COUPON_DAY, code="UNKNOWN_INSTRUMENT")


def test_publish_fixing(sov: Sov, tmp_path: Path) -> None:
    floater = bond_spec() | {
        "instrument_id": FLOATER,
        "kind": "FLOATING_RATE_BOND",
        "benchmark_tenor_days": 182,
        "margin_bps": 70,
        "coupon_rate": None,
    }
    spec = tmp_path / "floater.json"
    spec.write_text(json.dumps(floater))
    sov.json("instrument", "create", "--file", str(spec), as_=TREASURY)
    sov.json("instrument", "approve", FLOATER, as_=REGISTRAR)
    sov.json(
        "instrument",
        "issue",
        FLOATER,
        "--allot",
        f"SGL-BETA={10 * BOND_DENOMINATION}",
        as_=TREASURY,
    )
    on(sov, dt.date(2022, 2, 21))
    sov.refused(
        "lifecycle", "pay-coupons", FLOATER, COUPON_DAY, as_=TREASURY, code="FIXING_UNAVAILABLE"
    )
    args = ("lifecycle", "publish-fixing", FLOATER, "2022-02-19", "0.073", "--source", "AUCTION")
    sov.refused(*args, as_=TREASURY, code="UNAUTHORIZED")
    fixed = sov.json(*args, as_=REGISTRAR)
    assert fixed["fixings"] == {"2022-02-19": "0.073"}
    paid = sov.json("lifecycle", "pay-coupons", FLOATER, COUPON_DAY, as_=TREASURY)
    assert (paid["gross"], paid["tax"]) == (40_000_00, 6_000_00)


def test_publish_fixing_usage_errors(sov: Sov) -> None:
    base = ("lifecycle", "publish-fixing", BOND, "2022-02-19")
    assert "not a decimal number" in sov.usage(*base, "7.3%", "--source", "AUCTION").stderr
    sov.usage(*base, "0.073", "--source", "GUESS")
    sov.usage(*base, "0.073")
    sov.refused(*base, "0.073", "--source", "AUCTION", as_=REGISTRAR, code="EVENT_NOT_APPLICABLE")


# -- investors -----------------------------------------------------------------------------

PII = b'{"name":"Zara Khan","cnic":"42101-7777777-1"}'


def investor_files(tmp_path: Path, **overrides: object) -> tuple[str, str]:
    spec = {
        "investor_id": "INV-ZARA",
        "kyc": "VERIFIED",
        "residency": "RESIDENT",
        "investor_type": "INDIVIDUAL",
        "tax_status": "FILER",
    } | overrides
    (tmp_path / "investor.json").write_text(json.dumps(spec))
    (tmp_path / "pii.json").write_bytes(PII)
    return str(tmp_path / "investor.json"), str(tmp_path / "pii.json")


def test_register_sends_personal_data_as_transient_only(sov: Sov, tmp_path: Path) -> None:
    spec, pii = investor_files(tmp_path)
    result = sov("investor", "register", "--file", spec, "--pii-file", pii, "--json", as_=DEALER1)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["investor_id"] == "INV-ZARA"
    assert record["pii_sha256"] == digest(PII)
    assert record["registered_by"] == "CentralBankMSP"
    for secret in ("Zara", "42101-7777777"):
        assert secret not in result.output
    human = sov("investor", "show", "INV-ZARA")
    assert human.exit_code == 0
    assert "Zara" not in human.output
    assert f"personal data sha256  {digest(PII)}" in human.stdout


def test_register_errors(sov: Sov, tmp_path: Path) -> None:
    spec, pii = investor_files(tmp_path, kyc=None)
    assert (
        "kyc: expected a string"
        in sov.usage("investor", "register", "--file", spec, "--pii-file", pii, as_=DEALER1).stderr
    )
    spec, pii = investor_files(tmp_path, investor_id="INV-AYESHA")
    refused = sov.refused(
        "investor",
        "register",
        "--file",
        spec,
        "--pii-file",
        pii,
        as_=DEALER1,
        code="ALREADY_EXISTS",
    )
    assert "42101-7777777" not in refused.output
    spec, _ = investor_files(tmp_path)
    (tmp_path / "empty.json").write_bytes(b"")
    empty = sov.usage(
        "investor",
        "register",
        "--file",
        spec,
        "--pii-file",
        str(tmp_path / "empty.json"),
        as_=DEALER1,
    )
    assert "is empty" in empty.stderr
    sov.usage("investor", "register", "--file", spec, as_=DEALER1)


def test_show(sov: Sov) -> None:
    shown = sov.json("investor", "show", "INV-CHEN")
    assert (shown["residency"], shown["tax_status"]) == ("NON_RESIDENT", "NON_RESIDENT_SCRA")
    sov.refused("investor", "show", "INV-NOBODY", code="UNKNOWN_INVESTOR")


def test_check_is_a_dry_run_exiting_0_either_way(sov: Sov) -> None:
    allowed = sov.json("investor", "check", BOND, "SGL-ALPHA", "IPS-AYESHA", str(MILLION))
    assert allowed == {"allowed": True, "reason": None}
    refused = sov.json("investor", "check", BOND, "SGL-ALPHA", "IPS-AYESHA", "1")
    assert refused == {"allowed": False, "reason": "NOT_MULTIPLE_OF_DENOMINATION"}
    human = sov("investor", "check", BOND, "SGL-ALPHA", "IPS-AYESHA", "1")
    assert human.exit_code == 0
    assert human.stdout.strip() == "refused: NOT_MULTIPLE_OF_DENOMINATION"
    assert sov("investor", "check", BOND, "SGL-ALPHA", "IPS-AYESHA", str(MILLION)).stdout == (
        "allowed\n"
    )
    sov.usage("investor", "check", BOND, "SGL-ALPHA", "IPS-AYESHA", "lots")


def test_kyc(sov: Sov) -> None:
    changed = sov.json("investor", "kyc", "INV-AYESHA", "expired", as_=DEALER1)
    assert changed["kyc"] == "EXPIRED"
    check = sov.json("investor", "check", BOND, "SGL-ALPHA", "IPS-AYESHA", str(MILLION))
    assert check["allowed"] is False
    sov.refused("investor", "kyc", "INV-AYESHA", "VERIFIED", as_=TREASURY, code="UNAUTHORIZED")
    sov.usage("investor", "kyc", "INV-AYESHA", "MAYBE", as_=DEALER1)


def test_freeze_and_unfreeze(sov: Sov) -> None:
    frozen = sov.json("investor", "freeze", "IPS-BILAL", as_=REGISTRAR)
    assert (frozen["account_id"], frozen["frozen"]) == ("IPS-BILAL", True)
    sov.refused("investor", "freeze", "IPS-BILAL", as_=REGISTRAR, code="INVALID_TRANSITION")
    sov.refused(
        "holding",
        "transfer",
        BOND,
        "IPS-BILAL",
        "SGL-ALPHA",
        str(MILLION),
        as_=DEALER1,
        code="ACCOUNT_FROZEN",
    )
    sov.refused("investor", "unfreeze", "IPS-BILAL", as_=DEALER1, code="UNAUTHORIZED")
    human = sov("investor", "unfreeze", "IPS-BILAL", as_=TREASURY)
    assert human.exit_code == 0, human.output
    assert human.stdout.strip() == "IPS-BILAL: not frozen"
    sov.refused("investor", "unfreeze", "IPS-BILAL", as_=REGISTRAR, code="INVALID_TRANSITION")
    sov.refused("investor", "freeze", "IPS-CHEN", as_=DEALER1, code="UNAUTHORIZED")
