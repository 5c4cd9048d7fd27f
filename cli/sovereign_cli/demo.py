"""``make demo``: the consortium up, the chaincode deployed, and a narrated lifecycle.

A treasury bill is auctioned by the central bank for the debt office (sealed competitive
and non-competitive bids from two primary dealers, one pro-rated at the cut-off, settled
against the cash token) and a fixed-rate bond placed with the dealers for cash; both are
distributed to the dealers' clients,
traded delivery-versus-payment through the exchange, pay their coupons with
withholding tax, and redeem; an ineligible transfer is refused with its reason, and a
court order (registered in the document registry) freezes part of a client's bond and
then moves it by a forced transfer, both controller actions the treasury's and the
central bank's peers endorse. The
report ends with the register reconciled to the paisa. The network is left running.

The business date is ledger state the central bank opens: the demo opens the day it
runs and issues the instruments on it (a 91-day bill and a one-year semi-annual bond);
to reach their coupon and maturity dates the central bank opens later business dates,
as a pilot network may.

:func:`narrate` is the lifecycle itself; it only needs a typed client per identity, so
the same script runs on the real network (:func:`main`) and in the contract tests.
:func:`main` (``python -m sovereign_cli.demo``, what ``make demo`` runs) builds the network
in ``--home`` (or ``SOV_HOME``, else the default home) with ports from ``--base-port`` (or
``SOV_BASE_PORT``). It never deletes a network it did not just create: a home that already
holds one is refused, naming ``--fresh`` (delete it and start over) and ``sov network down
--purge``, since the narrated lifecycle bootstraps governance and creates its instruments
afresh. The same lifecycle with ``sov`` commands only is what ``sov examples`` ships the
inputs for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sovereign_assets.domain import AccountTier
from sovereign_assets.domain.examples import (
    PAKISTAN_CALENDAR_2026_FILE,
    PAKISTAN_PILOT_PROGRAMME_CONFIG,
    pakistan_calendar_2026,
)
from sovereign_assets.schema.messages import (
    AccountSpec,
    Allotment,
    AuctionOffering,
    AuctionSpec,
    BidSpec,
    CalendarConfig,
    CalendarPublication,
    ControlOrder,
    CutOffSpec,
    DocumentRegistration,
    DocumentSpec,
    ForcedTransferSpec,
    GovernanceConfig,
    InstructionSpec,
    InstrumentKind,
    InstrumentSpec,
    InvestorSpec,
    IssuanceProgrammeConfig,
    TaxRateRow,
)
from sovereign_client import RefusedError, SovereignClient

RUPEE = 100  # paisa
MILLION = 1_000_000 * RUPEE

# Who does what, as "ORG/user" of the packaged topology.
DEBT_OFFICE = "Treasury/debtoffice"
REGISTRAR = "CentralBank/registrar"
CENTRAL_BANK_ADMIN = "CentralBank/admin"
DEALER_ALPHA = "CentralBank/dealer1"
DEALER_BETA = "CentralBank/dealer2"
EXCHANGE = "Exchange/operator"

BILL = "PKDEMOMTB091"
BOND = "PKDEMOPIB012"


def rupees(paisa: int) -> str:
    """An amount in paisa as rupees with two decimals and thousands separators."""
    sign = "-" if paisa < 0 else ""
    whole, cents = divmod(abs(paisa), RUPEE)
    return f"{sign}{whole:,}.{cents:02d}"


@dataclass
class Report:
    """What the demo did, and the reconciliation it ends with."""

    lines: list[str] = field(default_factory=list)
    reconciled: bool = False
    totals: dict[str, int] = field(default_factory=dict)


UTC_OFFSET_MINUTES = 300  # Pakistan Standard Time


def market_today() -> dt.date:
    """Today in the market's time zone: the business date the ledger gives transactions."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=UTC_OFFSET_MINUTES)).date()


def governance(today: dt.date) -> GovernanceConfig:
    """Pakistani conventions. The demo's instruments run a year from the day it runs, past
    the sourced holiday list (2026 only), so their calendar ``DEMO-WEEKENDS`` knows
    weekends only; the sourced calendar is published beside it
    (:func:`pakistan_calendar_publication`)."""
    start, end = today - dt.timedelta(days=800), today + dt.timedelta(days=800)
    return GovernanceConfig(
        org_roles={
            "issuer": ["TreasuryMSP"],
            "registrar": ["CentralBankMSP"],
            "exchange": ["ExchangeMSP"],
        },
        treasury_cash_account="TREASURY-CASH",
        tax_authority_cash_account="FBR-TAX",
        utc_offset_minutes=UTC_OFFSET_MINUTES,
        calendars=[
            CalendarConfig(
                id="DEMO-WEEKENDS",
                weekend=["SAT", "SUN"],
                holidays=[],
                covers_from=start.isoformat(),
                covers_to=end.isoformat(),
            )
        ],
        withholding_tax=[
            TaxRateRow("FILER", Decimal("0.15"), "2019-07-01"),
            TaxRateRow("NON_FILER", Decimal("0.30"), "2019-07-01"),
            TaxRateRow("NON_RESIDENT_SCRA", Decimal("0"), "2019-07-01"),
            TaxRateRow("EXEMPT", Decimal("0"), "2019-07-01"),
        ],
        issuance_programme=pilot_programme(),
    )


def pakistan_calendar_publication(effective_from: dt.date) -> CalendarPublication:
    """Pakistan's 2026 settlement calendar ``PK-SBP`` (public holidays and bank holidays,
    2026-01-01..2026-12-31) as a ``calendar:Publish`` version from ``effective_from``.

    Its source document is the calendar's data file as shipped
    (``sovereign_assets/domain/pk_settlement_calendar_2026.json``, each holiday with the
    notice it comes from): the SHA-256 is of that file's bytes, the URI the Cabinet
    Division's 2026 schedule it transcribes (as reported by Express); the notices' own
    bytes are not hashed."""
    data = pakistan_calendar_2026()
    holidays, source, weekend = data["holidays"], data["source"], data["weekend"]
    if not (isinstance(holidays, list) and isinstance(source, dict) and isinstance(weekend, list)):
        raise TypeError(f"{PAKISTAN_CALENDAR_2026_FILE}: holidays and source are malformed")
    return CalendarPublication(
        calendar_id=str(data["calendar_id"]),
        effective_from=effective_from.isoformat(),
        weekend=[str(day) for day in weekend],
        holidays=sorted({str(h["date"]) for h in holidays}),
        covers_from=str(data["covers_from"]),
        covers_to=str(data["covers_to"]),
        source=DocumentSpec(
            f"{PAKISTAN_CALENDAR_2026_FILE}: {source['name']}",
            str(source["uri"]),
            str(data["sha256"]),
        ),
    )


def pilot_programme() -> IssuanceProgrammeConfig:
    """The pilot's USD 2 billion programme, capped in PKR at the rate and source the
    seed states (:data:`sovereign_assets.domain.examples.PAKISTAN_PILOT_PROGRAMME_CONFIG`)."""
    seed = PAKISTAN_PILOT_PROGRAMME_CONFIG
    return IssuanceProgrammeConfig(
        programme_id=str(seed["programme_id"]),
        cap=int(str(seed["cap"])),
        reference_currency=str(seed["reference_currency"]),
        reference_amount=int(str(seed["reference_amount"])),
        exchange_rate=Decimal(str(seed["exchange_rate"])),
        rate_source=str(seed["rate_source"]),
        rate_date=str(seed["rate_date"]),
    )


INVESTORS = (
    # investor id, registered by, residency, type, tax status
    ("PD-ALPHA", DEALER_ALPHA, "RESIDENT", "PRIMARY_DEALER", "FILER"),
    ("PD-BETA", DEALER_BETA, "RESIDENT", "PRIMARY_DEALER", "FILER"),
    ("INV-AYESHA", DEALER_ALPHA, "RESIDENT", "INDIVIDUAL", "FILER"),
    ("INV-BILAL", DEALER_ALPHA, "RESIDENT", "INDIVIDUAL", "NON_FILER"),
    ("INV-CHEN", DEALER_BETA, "NON_RESIDENT", "INDIVIDUAL", "NON_RESIDENT_SCRA"),
    ("INV-DANA", DEALER_BETA, "RESIDENT", "INSTITUTION", "FILER"),
)
SUB_ACCOUNTS = (
    # account, parent dealer account, legal owner, opened by
    ("IPS-AYESHA", "SGL-ALPHA", "INV-AYESHA", DEALER_ALPHA),
    ("IPS-BILAL", "SGL-ALPHA", "INV-BILAL", DEALER_ALPHA),
    ("IPS-CHEN", "SGL-BETA", "INV-CHEN", DEALER_BETA),
    ("IPS-DANA", "SGL-BETA", "INV-DANA", DEALER_BETA),
)


def controller(who: str) -> str:
    """The account controller (``MSP/user``) of an ``Org/user`` identity."""
    org, user = who.split("/")
    return f"{org}MSP/{user}"


def open_market_accounts(registrar: SovereignClient) -> None:
    """The central bank opens the dealers' SGL accounts, the treasury's cash account and the
    tax authority's (the dealers PD-ALPHA and PD-BETA must be registered)."""
    for account, owner, who in (
        ("SGL-ALPHA", "PD-ALPHA", DEALER_ALPHA),
        ("SGL-BETA", "PD-BETA", DEALER_BETA),
    ):
        registrar.accounts.open(AccountSpec(account, AccountTier.DEALER, owner, controller(who)))
    registrar.accounts.open(
        AccountSpec("TREASURY-CASH", AccountTier.TREASURY, "TREASURY", controller(DEBT_OFFICE))
    )
    registrar.accounts.open(
        AccountSpec("FBR-TAX", AccountTier.TAX_AUTHORITY, "FBR", controller(REGISTRAR))
    )


def narrate(
    client_for: Callable[[str], SovereignClient],
    today: dt.date,
    say: Callable[[str], None],
) -> Report:
    """Run the lifecycle; ``client_for("Org/user")`` signs as that identity."""
    report = Report()

    def tell(text: str) -> None:
        report.lines.append(text)
        say(text)

    registrar = client_for(REGISTRAR)
    debt_office = client_for(DEBT_OFFICE)
    alpha, beta = client_for(DEALER_ALPHA), client_for(DEALER_BETA)
    exchange = client_for(EXCHANGE)

    tell("1. The central bank bootstraps governance: roles, cash accounts, tax table,")
    tell(f"   and opens the business date {today.isoformat()}.")
    client_for(CENTRAL_BANK_ADMIN).governance.bootstrap(governance(today))
    registrar.governance.open_business_date(today)
    calendar = registrar.calendars.publish(pakistan_calendar_publication(today))
    given = calendar.publication
    tell(
        f"   It publishes Pakistan's settlement calendar {given.calendar_id}: "
        f"{len(given.holidays)} public and bank holidays of {given.covers_from[:4]}, each with"
    )
    tell(f"   its source notice (data file sha256 {given.source.sha256[:16]}...); the demo's")
    tell("   instruments run past that year, so they use a weekends-only calendar.")

    tell("2. Dealers register their clients (personal data stays in private collections).")
    for investor_id, registrar_of, residency, kind, tax in INVESTORS:
        spec = InvestorSpec(investor_id, "VERIFIED", residency, kind, tax)
        pii = json.dumps({"name": investor_id.title(), "cnic": "42101-0000000-1"}).encode()
        client_for(registrar_of).investors.register(spec, pii)
    # A client whose KYC has lapsed, to show a refusal later.
    alpha.investors.register(
        InvestorSpec("INV-EMAD", "EXPIRED", "RESIDENT", "INDIVIDUAL", "FILER"), b'{"name":"Emad"}'
    )

    tell("3. Accounts: dealer SGL accounts at the central bank, client IPS sub-accounts.")
    open_market_accounts(registrar)
    for account, parent, owner, opener in (
        *SUB_ACCOUNTS,
        ("IPS-EMAD", "SGL-ALPHA", "INV-EMAD", DEALER_ALPHA),
    ):
        client_for(opener).accounts.open(
            AccountSpec(account, AccountTier.INVESTOR, owner, controller(opener), parent)
        )

    tell("4. The central bank mints wholesale cash tokens (1 token = 1 paisa).")
    minted = 0
    for account, amount in (
        ("SGL-ALPHA", 900 * MILLION),
        ("SGL-BETA", 900 * MILLION),
        ("TREASURY-CASH", 2_000 * MILLION),
    ):
        registrar.cash.mint(account, amount)
        minted += amount
        tell(f"   {account:<14} PKR {rupees(amount):>20}")

    bill_maturity = today + dt.timedelta(days=91)
    bond_maturity = _one_year_after(today)
    tell("5. The debt office creates a 91-day bill and a 1-year 12% bond; the central bank")
    tell("   approves both.")
    debt_office.instruments.create(
        InstrumentSpec(
            instrument_id=BILL,
            kind=InstrumentKind.TREASURY_BILL,
            min_denomination=5_000 * RUPEE,
            issue_date=today.isoformat(),
            maturity_date=bill_maturity.isoformat(),
            day_count="ACT/365F",
            calendar_id="DEMO-WEEKENDS",
            tenor_days=91,
        )
    )
    debt_office.instruments.create(
        InstrumentSpec(
            instrument_id=BOND,
            kind=InstrumentKind.FIXED_RATE_BOND,
            min_denomination=100_000 * RUPEE,
            issue_date=today.isoformat(),
            maturity_date=bond_maturity.isoformat(),
            day_count="ACT/ACT-ICMA",
            frequency=2,
            calendar_id="DEMO-WEEKENDS",
            coupon_rate=Decimal("0.12"),
        )
    )
    registrar.instruments.approve(BILL)
    registrar.instruments.approve(BOND)

    tell("6. The central bank auctions the bill for the treasury: PKR 500m, sealed bids in")
    tell("   price, settling today against the cash token.")
    auction_id = "MTB-DEMO"
    debt_office.auctions.announce(
        AuctionSpec(
            auction_id,
            [AuctionOffering(BILL, 500 * MILLION)],
            auction_date=today.isoformat(),
            close_time="23:59",
            settlement_date=today.isoformat(),
            bid_basis="PRICE",
        )
    )
    for dealer, bid_id, account, amount, price in (
        (alpha, "A1", "SGL-ALPHA", 300 * MILLION, "97.9000"),
        (alpha, "A2", "SGL-ALPHA", 150 * MILLION, "97.8000"),
        (alpha, "N1", "IPS-AYESHA", 20 * MILLION, None),
        (beta, "B1", "SGL-BETA", 150 * MILLION, "97.8000"),
        (beta, "B2", "SGL-BETA", 100 * MILLION, "97.7000"),
    ):
        level = None if price is None else Decimal(price)
        dealer.auctions.bid(BidSpec(auction_id, bid_id, BILL, account, amount, level))
        kind = f"at {price}" if price else "non-competitive"
        tell(f"   {account:<11} bids PKR {rupees(amount):>16} {kind} (sealed: only its hash)")
    own = [b.bid_id for b in beta.auctions.bids(auction_id)]
    tell(f"   BETA reads back its own bids only: {', '.join(own)}")
    registrar.auctions.close(auction_id)
    result = debt_office.auctions.cut_off(auction_id, [CutOffSpec(BILL, level=Decimal("97.8000"))])
    (tenor,) = result.results
    tell(
        f"   cut-off 97.8000: accepted PKR {rupees(tenor.competitive_accepted)} competitive + "
        f"PKR {rupees(tenor.non_competitive_accepted)} non-competitive at the weighted-average "
        f"yield {tenor.weighted_average_yield}"
    )
    tell(
        "   better bids in full; bids at the cut-off share what is left pro rata, in PKR 50m lots:"
    )
    for allotment in registrar.auctions.allotments(auction_id):
        tell(
            f"   {allotment.bid_id} {allotment.account_id:<11} PKR {rupees(allotment.amount):>16}"
            f" at {allotment.price_per_100}: pays PKR {rupees(allotment.cash_amount)}"
        )
    settled_auction = registrar.auctions.settle_in_full(auction_id, 2)
    tell(
        f"   settled DvP: PKR {rupees(settled_auction.face)} of bills for PKR "
        f"{rupees(settled_auction.cash)} to the treasury"
    )

    tell("7. The bond is placed with the primary dealers at par, paid in cash as it is issued")
    tell("   (key-level policy: treasury AND central bank).")
    debt_office.instruments.issue(
        BOND,
        [
            Allotment("SGL-ALPHA", 400 * MILLION, Decimal("100.0000")),
            Allotment("SGL-BETA", 300 * MILLION, Decimal("100.0000")),
        ],
    )

    tell("8. Dealers distribute to their clients, free of payment.")
    for dealer, sender, receiver, instrument, amount in (
        (alpha, "SGL-ALPHA", "IPS-AYESHA", BOND, 50 * MILLION),
        (alpha, "SGL-ALPHA", "IPS-BILAL", BOND, 20 * MILLION),
        (beta, "SGL-BETA", "IPS-CHEN", BOND, 80 * MILLION),
        (beta, "SGL-BETA", "IPS-DANA", BILL, 25 * MILLION),
    ):
        dealer.holdings.transfer(instrument, sender, receiver, amount)
        tell(f"   {instrument} {sender} -> {receiver}: PKR {rupees(amount)}")

    tell("9. A DvP trade through the exchange: ALPHA sells PKR 100m of the bond to BETA.")
    trade = alpha.settlements.instruct(
        InstructionSpec(
            instruction_id="TRD-0001",
            instrument_id=BOND,
            seller_account="SGL-ALPHA",
            buyer_account="SGL-BETA",
            quantity=100 * MILLION,
            price_per_100=Decimal("99.8750"),
            settlement_date=today.isoformat(),
        )
    )
    exchange.settlements.match(trade.instruction_id)
    settled = exchange.settlements.settle(trade.instruction_id)
    tell(
        f"   settled {settled.state}: bond and PKR {rupees(settled.cash_amount)} moved "
        "in one transaction"
    )

    tell("10. An ineligible transfer is refused with its reason.")
    check = registrar.investors.check_transfer(BOND, "SGL-ALPHA", "IPS-EMAD", 10 * MILLION)
    tell(f"   dry run: allowed={check.allowed} reason={check.reason}")
    try:
        alpha.holdings.transfer(BOND, "SGL-ALPHA", "IPS-EMAD", 10 * MILLION)
        tell("   the transfer went through (unexpected)")
    except RefusedError as refused:
        tell(f"   submitted anyway: refused with {refused.error_code}")

    tell("11. Controls: a court freezes part of a client's bond; then orders it moved.")
    tell("    Every controller action needs the treasury's AND the central bank's peers.")
    court_order = "CO-DEMO-0001"
    registrar.documents.register(
        DocumentRegistration(
            court_order,
            "COURT_ORDER",
            "Islamabad High Court, attachment order in suit 0001 of the demo",
            "https://courts.example.org/demo/0001.pdf",
            hashlib.sha256(b"demo court order 0001").hexdigest(),
        )
    )
    by_court = ControlOrder("COURT_ORDER", court_order)
    frozen = registrar.controls.freeze_holding(BOND, "IPS-BILAL", 10 * MILLION, by_court)
    tell(
        f"   {frozen.action_id}: PKR {rupees(10 * MILLION)} of IPS-BILAL's {BOND} frozen "
        f"({frozen.reason}, {court_order})"
    )
    check = registrar.investors.check_transfer(BOND, "IPS-BILAL", "IPS-AYESHA", 20 * MILLION)
    tell(f"   moving all PKR {rupees(20 * MILLION)}, dry run: reason={check.reason}")
    moved = debt_office.controls.forced_transfer(
        ForcedTransferSpec(BOND, "IPS-BILAL", "IPS-AYESHA", 10 * MILLION, by_court)
    )
    tell(
        f"   {moved.action_id}: the court's PKR {rupees(10 * MILLION)} moved IPS-BILAL -> "
        "IPS-AYESHA (forced transfer; the frozen part goes first)"
    )

    def advance_to(day: dt.date) -> None:
        # A pilot network opens a later business date instead of waiting for the calendar.
        registrar.governance.open_business_date(day)
        tell(f"   (the central bank opens the business date {day.isoformat()})")

    tax_paid = 0

    def redeem(instrument: str) -> None:
        nonlocal tax_paid
        done = debt_office.lifecycle.redeem_in_full(instrument, 2)
        tax_paid += done.tax
        tell(
            f"   {instrument}: {done.paid} holders, PKR {rupees(done.gross)} gross, "
            f"PKR {rupees(done.tax)} tax, face retired PKR {rupees(done.retired)}"
        )

    tell("12. The bill matures: redeemed at par, its tokens retired.")
    advance_to(_payment_date(registrar, BILL, "REDEMPTION"))
    redeem(BILL)

    tell("13. The bond's first coupon, with withholding tax (15% filer, 30% non-filer,")
    tell("    0% non-resident SCRA), paid in batches of two holders.")
    coupon_date = _payment_date(registrar, BOND, "COUPON")
    advance_to(coupon_date)
    paid = debt_office.lifecycle.pay_coupon_in_full(BOND, coupon_date, 2)
    tax_paid += paid.tax
    tell(
        f"   coupon {coupon_date.isoformat()}: {paid.paid} holders, gross PKR "
        f"{rupees(paid.gross)}, tax PKR {rupees(paid.tax)}, net PKR {rupees(paid.net)}"
    )

    tell("14. The bond matures: the second coupon and the face, tokens retired.")
    advance_to(_payment_date(registrar, BOND, "REDEMPTION"))
    redeem(BOND)

    report.totals = _reconcile(registrar, minted, tax_paid, tell)
    report.reconciled = report.totals["mismatches"] == 0
    return report


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _payment_date(client: SovereignClient, instrument: str, kind: str) -> dt.date:
    """The first scheduled payment of ``kind`` (business-day adjusted) of ``instrument``."""
    for flow in client.instruments.schedule(instrument):
        if flow.kind == kind:
            return dt.date.fromisoformat(flow.payment_date)
    raise LookupError(f"{instrument} has no {kind} in its schedule")


def _reconcile(
    registrar: SovereignClient, minted: int, tax_paid: int, tell: Callable[[str], None]
) -> dict[str, int]:
    tell("15. The register, reconciled to the paisa:")
    mismatches = 0
    for instrument in registrar.instruments.list():
        held = sum(
            h.amount for h in registrar.holdings.by_instrument(instrument.spec.instrument_id)
        )
        outstanding = instrument.issued - instrument.redeemed
        ok = held == outstanding
        mismatches += not ok
        tell(
            f"   {instrument.spec.instrument_id:<18} issued {rupees(instrument.issued):>18} "
            f"redeemed {rupees(instrument.redeemed):>18} held {rupees(held):>16} "
            f"{'OK' if ok else 'MISMATCH'}"
        )
    balances = {
        a.account_id: registrar.cash.balance(a.account_id).amount for a in registrar.accounts.list()
    }
    in_accounts = sum(balances.values())
    ok = in_accounts == minted
    mismatches += not ok
    verdict = "OK" if ok else "MISMATCH"
    tell(f"   cash minted PKR {rupees(minted)} = in accounts PKR {rupees(in_accounts)} {verdict}")
    for auction in registrar.auctions.list():
        allotments = registrar.auctions.allotments(auction.auction_id)
        settled = [a for a in allotments if a.settled_on is not None]
        paid = sum(a.cash_amount for a in settled)
        face = sum(a.amount for a in settled)
        ok = paid == auction.cash_settled and face == auction.face_settled
        refused = [a for a in allotments if a.refusal is not None]
        ok = ok and len(settled) == auction.settled and len(refused) == auction.refused
        ok = ok and auction.settled + auction.refused == auction.allotments
        mismatches += not ok
        tell(
            f"   auction {auction.auction_id}: {len(settled)} allotments, face PKR "
            f"{rupees(face)}, cash paid for them PKR {rupees(paid)} = settled to the treasury "
            f"PKR {rupees(auction.cash_settled)} {'OK' if ok else 'MISMATCH'}"
        )
    tax_ok = balances.get("FBR-TAX", 0) == tax_paid
    mismatches += not tax_ok
    verdict = "OK" if tax_ok else "MISMATCH"
    tell(f"   tax authority PKR {rupees(balances.get('FBR-TAX', 0))} = tax withheld {verdict}")
    return {"minted": minted, "in_accounts": in_accounts, "tax": tax_paid, "mismatches": mismatches}


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sovereign_cli.demo",
        description="Bring the consortium up in a new home, deploy the chaincode and narrate "
        "a sovereign instrument lifecycle; the network is left running.",
    )
    parser.add_argument(
        "--home",
        type=Path,
        help="The network's working directory (default: $SOV_HOME, else "
        "~/.local/state/sovereign-ledger/network). It must hold no network unless --fresh.",
    )
    parser.add_argument(
        "--base-port",
        type=int,
        help="Allocate the network's ports from here (default: $SOV_BASE_PORT, else the "
        "topology's).",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="Stop and delete a network already in the home (its ledger is lost) first.",
    )
    args = parser.parse_args(argv)
    if args.base_port is None and os.environ.get("SOV_BASE_PORT"):
        try:
            args.base_port = int(os.environ["SOV_BASE_PORT"])
        except ValueError:
            parser.error(f"SOV_BASE_PORT={os.environ['SOV_BASE_PORT']!r} is not a port number")
    return args


def closing_hint(home: Path, default: Path, totals: Mapping[str, int] | None = None) -> list[str]:
    """How to look at the network the demo leaves running: commands that run as written
    (global options before the command group). With the report's ``totals`` (minor units
    ``minted`` and ``tax``), the reconciliation checks cash and tax too."""
    sov = "sov" if home == default else f"sov --home {shlex.quote(str(home))}"
    registrar = f"{sov} --as {REGISTRAR}"
    expected = ""
    if totals is not None:
        expected = f" --expect-cash {totals['minted']} --expect-tax {totals['tax']}"
    return [
        f"The network is still running in {home}. Inspect it with:",
        f"  {sov} network status",
        f"  {registrar} instrument list",
        f"  {registrar} cash balance SGL-ALPHA",
        f"  {registrar} report reconcile{expected}",
        f"Stop it with: {sov} network down   (add --purge to delete its data)",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Bring the consortium up in a home holding no network, deploy, narrate; leave the
    network running. A network already in the home is never removed unless ``--fresh``."""
    import contextlib
    import time

    import click

    from sovereign_cli.common import Settings
    from sovereign_cli.connection import gateway_client
    from sovereign_network import binaries, topology
    from sovereign_network.binaries import BinariesUnavailable
    from sovereign_network.network import Network, NetworkError, default_home
    from sovereign_network.topology import TopologyError

    args = _arguments(argv)
    started = time.monotonic()
    # Where a later `sov` looks without --home or SOV_HOME: the hints name --home otherwise.
    default = default_home({k: v for k, v in os.environ.items() if k != "SOV_HOME"})
    default = default.expanduser().resolve()
    home = (args.home or default_home()).expanduser().resolve()
    try:
        topo = topology.load(base_port=args.base_port)
    except TopologyError as exc:
        print(f"demo not run: {exc}", file=sys.stderr)
        return 5
    existing = Network(home, topo, None)
    if existing.exists():
        if not args.fresh:
            state = "running" if existing.is_up() else "stopped"
            sov = "sov" if home == default else f"sov --home {shlex.quote(str(home))}"
            print(
                f"demo not run: a network already exists in {home} ({state}), and the demo "
                "starts from a new one.\n"
                "  Rerun with --fresh to delete it (its ledger is lost) and start over,\n"
                f"  or remove it yourself: {sov} network down --purge\n"
                "  or run the demo in another home: --home DIR (or SOV_HOME=DIR).",
                file=sys.stderr,
            )
            return 2
        print(f"removing the network in {home} (--fresh)", file=sys.stderr)
        existing.down(purge=True)
    try:
        fabric = binaries.ensure()
    except BinariesUnavailable as exc:
        print(f"demo not run: {exc}", file=sys.stderr)
        return 3
    net = Network(home, topo, fabric)
    try:
        net.up(lambda step: print(f"  - {step}", file=sys.stderr))
        net.deploy_chaincode(progress=lambda step: print(f"  - {step}", file=sys.stderr))
    except NetworkError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 4

    with contextlib.ExitStack() as stack:
        clients: dict[str, SovereignClient] = {}

        def client_for(who: str) -> SovereignClient:
            if who not in clients:
                settings = Settings(
                    home=home, topology=None, base_port=None, as_json=False, as_user=who
                )
                clients[who] = stack.enter_context(gateway_client(settings))
            return clients[who]

        report = narrate(client_for, market_today(), click.echo)
    elapsed = time.monotonic() - started
    state = "reconciled" if report.reconciled else "NOT reconciled"
    click.echo(f"\nregister {state}; demo took {elapsed:.1f}s")
    for line in closing_hint(home, default, report.totals):
        click.echo(line)
    return 0 if report.reconciled else 1


if __name__ == "__main__":
    raise SystemExit(main())
