"""A new operator's whole lifecycle with ``sov`` alone, from the shipped example files.

From a ledger where governance is not bootstrapped to the register reconciled: the same
steps the demo narrates through the typed client (:func:`sovereign_cli.demo.narrate`),
here as ``sov`` commands over the in-memory market, reading the files ``sov examples
copy`` writes. The identities are those of the packaged topology (``CentralBank/dealer1``
enrolls as ``dealer1``), as the example accounts name them as controllers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sovereign_assets.schema.messages import (
    AccountSpec,
    Allotment,
    GovernanceConfig,
    InstrumentSpec,
    InvestorSpec,
)
from sovereign_cli import demo, governance_commands
from sovereign_cli.common import ExitCode
from sovereign_cli.examples_commands import CATALOGUE, shipped
from sovereign_cli.render import parse_into
from sovereign_client import SovereignClient

from . import test_contract_cli_harness as harness
from .market import Market, identity
from .test_contract_cli_harness import Sov
from .test_contract_typed_client import MarketInvoker

ADMIN = "CentralBank/admin"
REGISTRAR = "CentralBank/registrar"
TREASURY = "Treasury/debtoffice"
DEALER1 = "CentralBank/dealer1"
DEALER2 = "CentralBank/dealer2"
EXCHANGE = "Exchange/operator"
BILL, BOND = demo.BILL, demo.BOND
MILLION = demo.MILLION

ROLES = {
    "admin": None,
    "registrar": "registrar",
    "debtoffice": "issuer",
    "dealer1": "primary_dealer",
    "dealer2": "primary_dealer",
    "operator": "exchange_operator",
}
REGISTERED_BY = {
    "PD-ALPHA": DEALER1,
    "PD-BETA": DEALER2,
    "INV-AYESHA": DEALER1,
    "INV-BILAL": DEALER1,
    "INV-EMAD": DEALER1,
    "INV-CHEN": DEALER2,
    "INV-DANA": DEALER2,
}


def topology_identity(who: str) -> bytes:
    """``ORG/user`` of the packaged topology as a certificate of the test market."""
    org, user = who.split("/")
    return identity(f"{org}MSP", user, ROLES[user], admin=user == "admin")


@pytest.fixture
def topology_users(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--as`` names the packaged topology's users (enrollment ids as on the network)."""
    for who in (ADMIN, REGISTRAR, TREASURY, DEALER1, DEALER2, EXCHANGE):
        monkeypatch.setitem(harness.IDENTITIES, who, functools.partial(topology_identity, who))


def on(sov: Sov, day: dt.date, monkeypatch: pytest.MonkeyPatch) -> None:
    """The market and the CLI's clock (what ``open-date`` opens by default) agree on ``day``."""
    assert sov.market is not None
    sov.market.on(day)
    monkeypatch.setattr(governance_commands, "market_today", lambda offset: day)


def ok(sov: Sov, line: str) -> Any:
    """Run a ``sov`` command line as written (``--as`` before the group), with ``--json``;
    it must succeed; its parsed output."""
    words = shlex.split(line)
    assert words[0] == "sov"
    result = sov(*words[1:], "--json")
    assert result.exit_code == 0, f"{line}\n{result.output}"
    return json.loads(result.stdout)


def run_lifecycle(sov: Sov, files: Path, today: dt.date) -> dict[str, Any]:
    """The demo's lifecycle, as an operator types it in ``files`` (the example copy)."""
    minted = 0
    tax = 0

    def at(name: str) -> str:
        return shlex.quote(str(files / name))

    # 1. governance, from the TOML example
    ok(sov, f"sov --as {ADMIN} governance bootstrap --file {at('governance.toml')}")
    opened = ok(sov, f"sov --as {REGISTRAR} governance open-date")
    assert opened == {"business_date": today.isoformat(), "open": True}
    # 2. investors, each by the dealer whose client it is; personal data as transient
    for investor, dealer in REGISTERED_BY.items():
        record = ok(
            sov,
            f"sov --as {dealer} investor register --file {at(f'investors/{investor}.json')} "
            f"--pii-file {at(f'investors/{investor}.pii.json')}",
        )
        assert record["investor_id"] == investor
    # 3. accounts: the registrar's, then each dealer's clients' sub-accounts
    for signer, name in (
        (REGISTRAR, "accounts-registrar.json"),
        (DEALER1, "accounts-dealer1.json"),
        (DEALER2, "accounts-dealer2.json"),
    ):
        opened = ok(sov, f"sov --as {signer} account open --file {at(name)}")
        assert opened, name
    # 4. cash
    for account, amount in (
        ("SGL-ALPHA", 900 * MILLION),
        ("SGL-BETA", 900 * MILLION),
        ("TREASURY-CASH", 2_000 * MILLION),
    ):
        ok(sov, f"sov --as {REGISTRAR} cash mint {account} {amount}")
        minted += amount
    # 5. instruments: created, approved
    for name in ("instrument-bill.json", "instrument-bond.json"):
        ok(sov, f"sov --as {TREASURY} instrument create --file {at(name)}")
    for instrument in (BILL, BOND):
        assert ok(sov, f"sov --as {REGISTRAR} instrument approve {instrument}")["status"] == (
            "APPROVED"
        )
    # 6. allotment to the primary dealers
    ok(
        sov,
        f"sov --as {TREASURY} instrument issue {BILL} --allotments {at('allotments-bill.json')}",
    )
    ok(
        sov,
        f"sov --as {TREASURY} instrument issue {BOND} --allotments {at('allotments-bond.json')}",
    )
    # 7. distribution to the dealers' clients, free of payment
    for dealer, sender, receiver, instrument, amount in (
        (DEALER1, "SGL-ALPHA", "IPS-AYESHA", BOND, 50 * MILLION),
        (DEALER1, "SGL-ALPHA", "IPS-BILAL", BOND, 20 * MILLION),
        (DEALER2, "SGL-BETA", "IPS-CHEN", BOND, 80 * MILLION),
        (DEALER2, "SGL-BETA", "IPS-DANA", BILL, 25 * MILLION),
    ):
        ok(sov, f"sov --as {dealer} holding transfer {instrument} {sender} {receiver} {amount}")
    # 8. DvP through the exchange
    ok(
        sov,
        f"sov --as {DEALER1} settlement instruct --id TRD-0001 --instrument {BOND} "
        f"--seller SGL-ALPHA --buyer SGL-BETA --quantity {100 * MILLION} --price 99.8750 "
        f"--settle-on {today.isoformat()}",
    )
    ok(sov, f"sov --as {EXCHANGE} settlement match TRD-0001")
    assert ok(sov, f"sov --as {EXCHANGE} settlement settle TRD-0001")["state"] == "SETTLED"
    # 9. an ineligible transfer: the dry run says why, the transfer is refused
    check = ok(sov, f"sov --as {REGISTRAR} investor check {BOND} SGL-ALPHA IPS-EMAD {10 * MILLION}")
    assert check == {
        "allowed": False,
        "reason": "NOT_KYC_VERIFIED",
        "reasons": ["NOT_KYC_VERIFIED"],
    }
    refused = sov.refused(
        "holding", "transfer", BOND, "SGL-ALPHA", "IPS-EMAD", str(10 * MILLION),
        as_=DEALER1, code="NOT_KYC_VERIFIED",
    )  # fmt: skip
    # the receiver failed KYC, and the refusal names the receiver, not the sender
    assert f"NOT_KYC_VERIFIED: {BOND}: receiver IPS-EMAD" in refused.stderr
    # 10. a court order: registered, part of a client's bond frozen, then moved by force
    sha = "5" * 64
    ok(
        sov,
        f"sov --as {REGISTRAR} document register CO-DEMO-0001 --kind COURT_ORDER "
        f"--name 'Attachment order, suit 0001' --uri https://courts.example.org/0001.pdf "
        f"--sha256 {sha}",
    )
    frozen = ok(
        sov,
        f"sov --as {REGISTRAR} control freeze-holding {BOND} IPS-BILAL {10 * MILLION} "
        "--reason COURT_ORDER --document CO-DEMO-0001",
    )
    assert (frozen["kind"], frozen["reason"]) == ("FREEZE_HOLDING", "COURT_ORDER")
    sov.refused(
        "holding", "transfer", BOND, "IPS-BILAL", "IPS-AYESHA", str(20 * MILLION),
        as_=DEALER1, code="INSUFFICIENT_HOLDING",
    )  # fmt: skip
    forced = ok(
        sov,
        f"sov --as {TREASURY} control forced-transfer {BOND} IPS-BILAL IPS-AYESHA "
        f"{10 * MILLION} --court-order CO-DEMO-0001",
    )
    assert forced["document_id"] == "CO-DEMO-0001"
    assert ok(sov, f"sov --as {REGISTRAR} control frozen IPS-BILAL") == []
    # 11. the bill matures: the central bank opens its date, the debt office redeems
    moved = ok(sov, f"sov --as {REGISTRAR} governance open-date --next-payment {BILL}")
    redeemed = ok(sov, f"sov --as {TREASURY} lifecycle redeem {BILL} --batch-size 2")
    maturity = dt.date.fromisoformat(moved["business_date"])
    assert today + dt.timedelta(days=91) <= maturity <= today + dt.timedelta(days=93)
    assert redeemed["done"]
    assert redeemed["retired"] == 500 * MILLION
    tax += redeemed["tax"]
    # 12. the bond's first coupon
    moved = ok(
        sov, f"sov --as {REGISTRAR} governance open-date --next-payment {BOND} --kind COUPON"
    )
    coupon_day = moved["business_date"]
    # Without a date: the coupon due on today's business date, as the README runs it.
    paid = ok(sov, f"sov --as {TREASURY} lifecycle pay-coupons {BOND} --batch-size 2")
    assert paid["payment_date"] == coupon_day
    assert paid["done"]
    assert paid["tax"] > 0
    tax += paid["tax"]
    # 13. the bond matures: the second coupon and the face
    ok(
        sov,
        f"sov --as {REGISTRAR} governance open-date --next-payment {BOND} --kind REDEMPTION",
    )
    redeemed = ok(sov, f"sov --as {TREASURY} lifecycle redeem {BOND} --batch-size 2")
    assert redeemed["done"]
    assert redeemed["retired"] == 700 * MILLION
    tax += redeemed["tax"]
    # 13. the register, reconciled to the paisa
    report = ok(
        sov,
        f"sov --as {REGISTRAR} report reconcile --expect-cash {minted} --expect-tax {tax}",
    )
    assert report["reconciled"], report
    return {"minted": minted, "tax": tax, "coupon_day": coupon_day, "report": report}


def demo_totals(today: dt.date) -> dict[str, int]:
    """What the narrated demo reconciles to on ``today``, through the typed client."""
    market = Market(auto_open=False)  # the demo opens its business dates itself
    market.on(today)

    def client_for(who: str) -> SovereignClient:
        return SovereignClient(MarketInvoker(market, topology_identity(who)))

    report = demo.narrate(client_for, today, lambda _: None)
    assert report.reconciled
    return report.totals


@pytest.mark.usefixtures("topology_users")
@pytest.mark.parametrize("today", [dt.date(2026, 11, 25), dt.date(2027, 3, 10)])
def test_an_operator_runs_the_demo_lifecycle_with_sov_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, today: dt.date
) -> None:
    sov = Sov(Market(auto_open=False), tmp_path)
    on(sov, today, monkeypatch)
    files = tmp_path / "examples"
    copied = ok(sov, f"sov examples copy {files} --issue-date {today.isoformat()}")
    assert copied["issue_date"] == today.isoformat()

    # A fresh network refuses every write until governance is bootstrapped.
    refused = sov.refused("cash", "mint", "SGL-ALPHA", "100", as_=REGISTRAR, code="NOT_FOUND")
    assert "governance is not bootstrapped; bootstrap it once: sov --as" in refused.stderr

    done = run_lifecycle(sov, files, today)
    expected = demo_totals(today)
    assert (done["minted"], done["tax"]) == (expected["minted"], expected["tax"])
    instruments = {i["instrument_id"]: i for i in done["report"]["instruments"]}
    assert set(instruments) == {BILL, BOND}
    assert all(i["outstanding"] == i["held"] == 0 for i in instruments.values())
    assert done["report"]["cash"]["in_accounts"] == done["minted"]

    # The ledger shows its business date; it never moves back.
    shown = ok(sov, f"sov --as {REGISTRAR} governance date")
    assert shown["open"]
    assert shown["business_date"] > today.isoformat()
    back = sov("governance", "open-date", today.isoformat(), as_=REGISTRAR)
    assert back.exit_code == ExitCode.REFUSED
    assert "BUSINESS_DATE_NOT_LATER" in back.stderr
    closed = ok(sov, f"sov --as {REGISTRAR} governance close-date")
    assert closed == {"business_date": shown["business_date"], "open": False}
    assert ok(sov, f"sov --as {REGISTRAR} governance date") == closed

    # The demo's closing hint runs as written (global options before the group).
    for line in demo.closing_hint(sov.home, tmp_path / "elsewhere"):
        command = line.strip()
        if command.startswith("sov ") and "network" not in command:
            result = sov(*shlex.split(command)[1:])
            assert result.exit_code == 0, f"{command}\n{result.output}"


@pytest.mark.usefixtures("topology_users")
def test_reconcile_names_a_mismatch_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.date(2026, 11, 25)
    sov = Sov(Market(auto_open=False), tmp_path)
    on(sov, today, monkeypatch)
    ok(sov, f"sov examples copy {tmp_path} --issue-date {today.isoformat()}")
    done = run_lifecycle(sov, tmp_path, today)
    result = sov(
        "report", "reconcile", "--expect-cash", str(done["minted"]), "--expect-tax", "1",
        as_=REGISTRAR,
    )  # fmt: skip
    assert result.exit_code == ExitCode.FAILURE
    assert "= expected 0.01 MISMATCH" in result.stdout
    assert "1 MISMATCH(ES)" in result.stdout
    table = sov("report", "reconcile", as_=REGISTRAR).stdout.splitlines()
    assert table[0].split() == ["INSTRUMENT", "CHECK", "ISSUED", "REDEEMED", "OUTSTANDING", "HELD"]
    assert table[-1] == (
        "holdings reconciled; cash and tax not checked (give --expect-cash and --expect-tax)"
    )
    full = sov(
        "report", "reconcile", "--expect-cash", str(done["minted"]), "--expect-tax",
        str(done["tax"]), as_=REGISTRAR,
    )  # fmt: skip
    assert full.stdout.splitlines()[-1] == "register reconciled"


@pytest.mark.usefixtures("topology_users")
def test_reconcile_refuses_a_signer_that_sees_only_its_own_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bank, the exchange or the treasury would reconcile a filtered view (other banks'
    clients at 0.00): the ledger refuses them (UNAUTHORIZED, exit 7) before any row is read."""
    today = dt.date(2026, 11, 25)
    sov = Sov(Market(auto_open=False), tmp_path)
    on(sov, today, monkeypatch)
    ok(sov, f"sov examples copy {tmp_path} --issue-date {today.isoformat()}")
    run_lifecycle(sov, tmp_path, today)
    for signer in (DEALER1, DEALER2, EXCHANGE, TREASURY):
        refused = sov.refused("report", "reconcile", as_=signer, code="UNAUTHORIZED")
        assert refused.exit_code == ExitCode.REFUSED
        assert refused.stdout == "", signer
        assert "reconciled" not in refused.output
    assert sov("report", "reconcile", as_=REGISTRAR).exit_code == 0


# -- the example files ---------------------------------------------------------------------


def test_every_shipped_example_fits_the_schema_as_shipped() -> None:
    files = shipped()
    kinds: dict[str, type[Any]] = {
        "accounts-": AccountSpec,
        "allotments-": Allotment,
        "instrument-": InstrumentSpec,
        "investors/": InvestorSpec,
    }
    for name, entry in files.items():
        text = entry.read_text(encoding="utf-8")
        if name == "governance.toml":
            config = parse_into(GovernanceConfig, tomllib.loads(text))
            assert config.org_roles["registrar"] == ["CentralBankMSP"]
            continue
        data = json.loads(text)
        if name.endswith(".pii.json"):
            assert data["fictional"] is True  # made-up personal data, and it says so
            continue
        cls = next(c for prefix, c in kinds.items() if name.startswith(prefix))
        for item in data if isinstance(data, list) else [data]:
            assert dataclasses.is_dataclass(parse_into(cls, item))
    # Every file but the personal data is catalogued with the command that reads it.
    assert set(CATALOGUE) == {n for n in files if ".pii." not in n}


def test_examples_show_prints_a_file_and_copy_never_overwrites_unasked(tmp_path: Path) -> None:
    sov = Sov(None, tmp_path)
    shown = sov("examples", "show", "instrument-bond.json")
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["kind"] == "FIXED_RATE_BOND"
    assert sov("examples", "show", "nothing.json").exit_code == ExitCode.NOT_FOUND
    target = tmp_path / "copy"
    assert sov("examples", "copy", str(target), "--issue-date", "2028-02-29").exit_code == 0
    bill = json.loads((target / "instrument-bill.json").read_text())
    bond = json.loads((target / "instrument-bond.json").read_text())
    assert (bill["issue_date"], bill["maturity_date"]) == ("2028-02-29", "2028-05-30")  # 91 days
    assert (bond["issue_date"], bond["maturity_date"]) == ("2028-02-29", "2029-02-28")  # a year
    again = sov("examples", "copy", str(target))
    assert again.exit_code == ExitCode.USAGE
    assert "--force" in again.stderr
    assert sov("examples", "copy", str(target), "--force").exit_code == 0


def test_the_help_points_at_the_examples(tmp_path: Path) -> None:
    sov = Sov(None, tmp_path)
    for command, example in (
        (["governance", "bootstrap"], "governance.toml"),
        (["account", "open"], "accounts-registrar.json"),
        (["investor", "register"], "investors/INV-AYESHA.json"),
        (["instrument", "create"], "instrument-bill.json"),
        (["instrument", "issue"], "allotments-bond.json"),
    ):
        text = " ".join(sov(*command, "--help").stdout.split())
        assert f"sov examples show {example}" in text, command
        assert example in shipped()
