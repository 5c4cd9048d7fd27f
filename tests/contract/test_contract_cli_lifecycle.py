"""``sov lifecycle`` and ``sov investor`` over the in-memory market: batch loops and their
totals, fixings, claims, registration with private personal data, the dry-run check."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from fabric_chaincode import create_composite_key
from fabric_chaincode.testing import TransactionResult
from sovereign_cli.main import ExitCode

from .market import NAMESPACE
from .scenario import BILL, BOND, BOND_DENOMINATION, MILLION, bond_spec
from .test_contract_cli_harness import (
    DEALER1,
    DEALER2,
    REGISTRAR,
    TREASURY,
    Sov,
    fresh_market,
)

COUPON_DAY = "2022-02-21"
PII_COLLECTION = "pii_CentralBankMSP"
FLOATER = "PK0000PFL001"


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(fresh_market(distributed=True), tmp_path)


@pytest.fixture
def sov_on_issue_day(tmp_path: Path) -> Sov:
    """The market on the issue date (19 August 2021), before distribution: a floater
    issued then is paid for at par with nothing accrued, before any fixing exists."""
    return Sov(fresh_market(), tmp_path)


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
        creator: bytes, function: str, *args: object, **kwargs: Any
    ) -> TransactionResult:
        # The second PayCoupon goes out with batch size 0, which the chaincode refuses.
        nonlocal batches
        if function == "lifecycle:PayCoupon":
            batches += 1
            if batches == 2:
                args = (*args[:2], "0")
        return original(creator, function, *args, **kwargs)

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
    on(sov, dt.date(2022, 1, 3))
    early = sov.refused("lifecycle", "redeem", BILL, as_=TREASURY, code="EVENT_NOT_APPLICABLE")
    assert "matures on 2022-08-18" in early.stderr
    on(sov, dt.date(2022, 8, 18))
    sov.refused("lifecycle", "redeem", BILL, as_=DEALER1, code="UNAUTHORIZED")
    sov.usage("lifecycle", "redeem", BILL, "--batch-size", "none", as_=TREASURY)


def test_claims_errors(sov: Sov) -> None:
    bad = sov.usage("lifecycle", "claims", BOND, "soon")
    assert "neither YYYY-MM-DD nor REDEMPTION" in bad.stderr
    sov.refused("lifecycle", "claims", "PK0000NOPE01", COUPON_DAY, code="UNKNOWN_INSTRUMENT")


def issue_floater(sov: Sov, tmp_path: Path) -> None:
    """A 182-day-bill + 70 bps floater, created, approved and issued to dealer BETA."""
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
        "--price",
        "100.0000",
        as_=TREASURY,
    )


def test_publish_fixing(sov_on_issue_day: Sov, tmp_path: Path) -> None:
    sov = sov_on_issue_day
    issue_floater(sov, tmp_path)
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
    # The client drew a secret salt: the fingerprint is the hash of the salted record
    # the dealer's collection holds, never of the data alone.
    assert sov.market is not None
    stored = sov.market.ledger.get(
        NAMESPACE, create_composite_key("pii", ["INV-ZARA"]), PII_COLLECTION
    )
    assert stored is not None
    assert record["pii_sha256"] == hashlib.sha256(stored).hexdigest()
    assert record["pii_sha256"] != hashlib.sha256(PII).hexdigest()
    assert record["registered_by"] == "CentralBankMSP"
    for secret in ("Zara", "42101-7777777"):
        assert secret not in result.output
    human = sov("investor", "show", "INV-ZARA")
    assert human.exit_code == 0
    assert "Zara" not in human.output
    assert f"personal data sha256  {record['pii_sha256']}" in human.stdout


def test_purge_personal_data_keeps_the_hash(sov: Sov, tmp_path: Path) -> None:
    spec, pii = investor_files(tmp_path)
    record = sov.json("investor", "register", "--file", spec, "--pii-file", pii, as_=DEALER1)
    held = sov.json("investor", "pii-status", "INV-ZARA", as_=DEALER1)
    assert (held["held"], held["held_sha256"]) == (True, record["pii_sha256"])
    sov.usage("investor", "purge", "INV-ZARA", "--reason", "WHIM", as_=DEALER1)
    receipt = sov.json(
        "investor", "purge", "INV-ZARA", "--reason", "data_subject_request", as_=DEALER1
    )
    assert receipt == {
        "investor_id": "INV-ZARA",
        "collection": PII_COLLECTION,
        "reason": "DATA_SUBJECT_REQUEST",
        "pii_sha256": record["pii_sha256"],
    }
    human = sov("investor", "pii-status", "INV-ZARA", as_=DEALER1)
    assert human.exit_code == 0, human.output
    assert "held           no" in human.stdout
    assert f"ledger sha256  {record['pii_sha256']}" in human.stdout
    sov.refused(
        "investor",
        "purge",
        "INV-ZARA",
        "--reason",
        "LEGAL_ORDER",
        as_=DEALER1,
        code="PERSONAL_DATA_MISSING",
    )


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
    assert allowed == {"allowed": True, "reason": None, "reasons": []}
    refused = sov.json("investor", "check", BOND, "SGL-ALPHA", "IPS-AYESHA", "1")
    assert refused == {
        "allowed": False,
        "reason": "NOT_MULTIPLE_OF_DENOMINATION",
        "reasons": ["NOT_MULTIPLE_OF_DENOMINATION"],
    }
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
    frozen = sov.json("control", "freeze", "IPS-BILAL", "--reason", "SANCTIONS", as_=REGISTRAR)
    assert (frozen["kind"], frozen["accounts"]) == ("FREEZE_ACCOUNT", ["IPS-BILAL"])
    assert sov.json("account", "show", "IPS-BILAL", as_=REGISTRAR)["frozen"] is True
    sov.refused(
        "control", "freeze", "IPS-BILAL", "--reason", "SANCTIONS",
        as_=REGISTRAR, code="INVALID_TRANSITION",
    )  # fmt: skip
    sov.refused(
        "holding", "transfer", BOND, "IPS-BILAL", "SGL-ALPHA", str(MILLION),
        as_=DEALER1, code="ACCOUNT_FROZEN",
    )  # fmt: skip
    sov.refused("control", "unfreeze", "IPS-BILAL", as_=DEALER1, code="UNAUTHORIZED")
    human = sov("control", "unfreeze", "IPS-BILAL", as_=TREASURY)
    assert human.exit_code == 0, human.output
    assert "UNFREEZE_ACCOUNT" in human.stdout
    sov.refused("control", "unfreeze", "IPS-BILAL", as_=REGISTRAR, code="INVALID_TRANSITION")
    # A court-order freeze names its court order.
    sov.refused(
        "control", "freeze", "IPS-CHEN", "--reason", "COURT_ORDER",
        as_=REGISTRAR, code="COURT_ORDER_REQUIRED",
    )  # fmt: skip
    sov.refused(
        "control", "freeze", "IPS-CHEN", "--reason", "SANCTIONS", as_=DEALER1, code="UNAUTHORIZED"
    )


# -- commodity bars ------------------------------------------------------------------------

GOLD = "PK0000XAU001"


def issue_gold(sov: Sov, tmp_path: Path) -> None:
    gold = {
        "instrument_id": GOLD,
        "kind": "COMMODITY_RESERVE",
        "min_denomination": 1000,
        "commodity": "XAU",
        "bars": [
            {
                "serial": serial,
                "weight_mg": 1_000_000,
                "fineness": 9999,
                "fineness_scale": 10000,
                "vault_id": "KHI-1",
            }
            for serial in ("SBP-0001", "SBP-0002", "SBP-0003")
        ],
    }
    spec = tmp_path / "gold.json"
    spec.write_text(json.dumps(gold))
    sov.json("instrument", "create", "--file", str(spec), as_=TREASURY)
    sov.refused("instrument", "approve", GOLD, as_=REGISTRAR, code="VAULT_ATTESTATION_REQUIRED")
    attestation = tmp_path / "attestation.pdf"
    attestation.write_bytes(b"KHI-1 vault attestation: SBP-0001..0003")
    registered = sov.json(
        "document", "register", "VA-KHI-1", "--kind", "vault_attestation",
        "--name", "KHI-1 vault attestation", "--uri", "https://vault.example.org/khi-1.pdf",
        "--file", str(attestation), "--instrument", GOLD, as_=TREASURY,
    )  # fmt: skip
    assert registered["attached_to"] == [f"instrument:{GOLD}"]
    sov.json("instrument", "approve", GOLD, as_=REGISTRAR)
    sov.json("instrument", "issue", GOLD, "--allot", "SGL-ALPHA=2500000", as_=TREASURY)


def test_redeem_bars_and_list_them(sov: Sov, tmp_path: Path) -> None:
    issue_gold(sov, tmp_path)
    done = sov.json(
        "lifecycle", "redeem-bars", GOLD, "SGL-ALPHA", "SBP-0003", "SBP-0001", as_=DEALER1
    )
    assert done == {
        "instrument_id": GOLD,
        "account_id": "SGL-ALPHA",
        "serials": ["SBP-0001", "SBP-0003"],
        "retired": 2_000_000,
        "holding": 500_000,
        "redeemed": 2_000_000,
    }
    listed = sov.json("instrument", "bars", GOLD)
    assert [(b["serial"], b["state"], b["released_to"]) for b in listed] == [
        ("SBP-0001", "RELEASED", "SGL-ALPHA"),
        ("SBP-0002", "ALLOCATED", None),
        ("SBP-0003", "RELEASED", "SGL-ALPHA"),
    ]
    human = sov("instrument", "bars", GOLD)
    assert human.exit_code == 0, human.output
    lines = human.stdout.splitlines()
    assert lines[0].split() == [
        "SERIAL",
        "VAULT",
        "FINENESS",
        "STATE",
        "RELEASED",
        "TO",
        "ON",
        "WEIGHT",
        "MG",
    ]
    assert lines[1].split() == [
        "SBP-0001",
        "KHI-1",
        "9999/10000",
        "RELEASED",
        "SGL-ALPHA",
        "2021-08-20",  # the distributed market's business date
        "1,000,000",
    ]
    assert lines[2].split() == [
        "SBP-0002",
        "KHI-1",
        "9999/10000",
        "ALLOCATED",
        "-",
        "-",
        "1,000,000",
    ]
    shown = sov("lifecycle", "redeem-bars", GOLD, "SGL-ALPHA", "SBP-0002", as_=DEALER1)
    assert shown.exit_code == ExitCode.REFUSED  # 500,000 mg do not make a 1 kg bar
    assert "error: INSUFFICIENT_HOLDING: " in shown.stderr


def test_redeem_bars_errors(sov: Sov, tmp_path: Path) -> None:
    issue_gold(sov, tmp_path)
    redeem = ("lifecycle", "redeem-bars", GOLD, "SGL-ALPHA")
    sov.refused(*redeem, "SBP-0001", as_=DEALER2, code="UNAUTHORIZED")
    sov.refused(*redeem, "SBP-0001", as_=REGISTRAR, code="UNAUTHORIZED")
    sov.refused(*redeem, "SBP-9999", as_=DEALER1, code="UNKNOWN_BAR")
    sov.refused(*redeem, "SBP-0001", "SBP-0001", as_=DEALER1, code="NOT_WHOLE_BARS")
    sov.usage(*redeem, as_=DEALER1)  # no SERIAL
    human = sov(*redeem, "SBP-0001", as_=DEALER1)
    assert human.exit_code == 0, human.output
    assert human.stdout.strip() == (
        f"released SBP-0001 of {GOLD} to SGL-ALPHA: 1,000,000 mg retired, 1,500,000 mg still held"
    )
    sov.refused(*redeem, "SBP-0001", as_=DEALER1, code="BAR_ALREADY_RELEASED")


# -- fixings from recorded market data --------------------------------------------------------


def test_record_market_data_and_resolve_fixings(sov_on_issue_day: Sov, tmp_path: Path) -> None:
    sov = sov_on_issue_day
    issue_floater(sov, tmp_path)
    # P1 (2021-08-19 .. 2022-02-19) is fixed as of 19 August 2021 from the 11 August auction.
    recorded = sov.json("lifecycle", "record-auction", "182", "2021-08-11", "0.0725", as_=REGISTRAR)
    assert recorded["weighted_average_yield"] == "0.0725"
    human = sov(
        "lifecycle", "record-auction", "91", "2021-08-11", "--all-bids-rejected", as_=REGISTRAR
    )
    assert human.exit_code == 0, human.output
    assert human.stdout.strip() == "recorded the 91-day auction of 2021-08-11: all bids rejected"
    sov.refused(
        "lifecycle",
        "record-auction",
        "182",
        "2021-08-12",
        "0.07",
        as_=TREASURY,
        code="UNAUTHORIZED",
    )
    sov.usage("lifecycle", "record-auction", "182", "2021-08-12", as_=REGISTRAR)
    sov.usage(
        "lifecycle",
        "record-auction",
        "182",
        "2021-08-12",
        "0.07",
        "--all-bids-rejected",
        as_=REGISTRAR,
    )
    sov.usage("lifecycle", "record-auction", "182", "12/08/2021", "0.07", as_=REGISTRAR)
    on(sov, dt.date(2021, 8, 20))
    fixed = sov.json("lifecycle", "resolve-fixing", FLOATER, "2022-02-19", as_=REGISTRAR)
    assert (fixed["source"], fixed["rate"], fixed["fixing_date"]) == (
        "AUCTION",
        "0.0725",
        "2021-08-19",
    )
    sov.refused(
        "lifecycle", "resolve-fixing", FLOATER, "2022-08-19", as_=TREASURY, code="UNAUTHORIZED"
    )
    # P2 (2022-02-19 .. 2022-08-19) is fixed as of Saturday 19 February 2022 from PKRV:
    # no auction in the 14 days before, so the 14-18 February quotes are averaged.
    on(sov, dt.date(2022, 2, 18))
    for day, quote in (("14", "0.1001"), ("15", "0.1002"), ("16", "0.1003"), ("17", "0.1004")):
        stored = sov.json("lifecycle", "record-pkrv", "182", f"2022-02-{day}", quote, as_=REGISTRAR)
        assert stored["rate"] == quote
    sov.refused(
        "lifecycle", "record-pkrv", "182", "2022-02-18", "0.1", as_=DEALER1, code="UNAUTHORIZED"
    )
    sov.usage("lifecycle", "record-pkrv", "182", "2022-02-18", "ten percent", as_=REGISTRAR)
    on(sov, dt.date(2022, 2, 21))
    missing = sov.refused(
        "lifecycle",
        "resolve-fixing",
        FLOATER,
        "2022-08-19",
        as_=REGISTRAR,
        code="FIXING_UNAVAILABLE",
    )
    assert "2022-02-18" in missing.stderr
    human = sov("lifecycle", "record-pkrv", "182", "2022-02-18", "0.1006", as_=REGISTRAR)
    assert human.stdout.strip() == "recorded PKRV 182 days on 2022-02-18: 0.1006"
    result = sov("lifecycle", "resolve-fixing", FLOATER, "2022-08-19", as_=REGISTRAR)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"fixed {FLOATER} period 2022-08-19 at 0.100320 (PKRV_AVERAGE, as of 2022-02-19; "
        "evidence 2022-02-14, 2022-02-15, 2022-02-16, 2022-02-17, 2022-02-18)"
    )
    # The P1 coupon at 7.25 % + 0.70 % on PKR 1,000,000: PKR 39,750 gross.
    paid = sov.json("lifecycle", "pay-coupons", FLOATER, COUPON_DAY, as_=TREASURY)
    assert (paid["gross"], paid["tax"]) == (39_750_00, 5_962_50)
