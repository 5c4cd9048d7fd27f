"""The transparency register in a real browser, on the real consortium after the demo.

``sov explorer serve`` runs as its own process (as an operator starts it), following the
session's channel; headless Chromium (Debian's ``chromium``, driven by Playwright) reads
its pages. Shown: the outstanding amount of every instrument on the page equals the
ledger's; a settlement submitted while a page is open appears on it without a reload;
the public view carries no account-level data (a signed-in member's does); a restart
resumes from the checkpoint and a new database rebuilds the same projection from block 0.

``SOV_EXPLORER_SCREENSHOTS=1`` also saves the main views into ``docs/explorer/`` (the
README shows them); CI leaves the tree as it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, sync_playwright

from sovereign_assets.schema.messages import (
    Allotment,
    AuctionOffering,
    AuctionSpec,
    BidSpec,
    BillAuctionSpec,
    CutOffSpec,
    InstructionSpec,
    InstrumentKind,
    InstrumentSpec,
    PkrvQuoteSpec,
)
from sovereign_cli.connection import gateway_client
from sovereign_cli.demo import (
    DEALER_ALPHA,
    DEALER_BETA,
    DEBT_OFFICE,
    EXCHANGE,
    INVESTORS,
    REGISTRAR,
    Report,
)
from sovereign_cli.main import Settings
from sovereign_client import SovereignClient
from sovereign_explorer import formatting, open_engine
from sovereign_explorer import schema as t
from sovereign_network.network import Network
from tests.consortium import SESSION_BASE_PORT

pytestmark = pytest.mark.network

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "explorer"
CHROMIUM = os.environ.get("SOV_CHROMIUM", "/usr/bin/chromium")
EXPLORER_PORT = SESSION_BASE_PORT + 900
SOV = str(Path(sys.executable).parent / "sov")
BILL = "PKEXPLMTB091"
AUCTIONED = "PKEXPLMTB182"
AUCTION = "AU-EXPLORER-182"
TRADE = "TRD-EXP-0001"
MILLION = 100_000_000  # paisa
WAIT_SECONDS = 90


@dataclass
class Server:
    """One ``sov explorer serve`` process."""

    process: subprocess.Popen[bytes]
    port: int
    database: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> dict[str, object] | None:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:  # noqa: S310
                answer: dict[str, object] = json.load(response)
                return answer
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def height(self) -> int:
        health = self.health()
        return int(str(health["height"])) if health else -1

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(net: Network, database: Path, port: int, log: Path) -> Server:
    command = [
        SOV,
        "--home",
        str(net.home),
        "--as",
        "CentralBank/admin",
        "explorer",
        "serve",
        "--port",
        str(port),
        "--db",
        f"sqlite:///{database}",
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, port, database)
    until(lambda: server.health() is not None, f"the explorer on port {port} answers", log)
    return server


def until(ready: Callable[[], bool], what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not ready():
        if time.monotonic() > deadline:
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            pytest.fail(f"timed out waiting until {what}\n{detail}")
        time.sleep(0.5)


@dataclass
class Market:
    """Typed clients of the demo's identities on the session's consortium."""

    client: Callable[[str], SovereignClient]
    business_date: dt.date


@pytest.fixture(scope="module")
def market(consortium: Network, demo_lifecycle: Report) -> Iterator[Market]:
    """After the demo (both its instruments redeemed): a new 91-day bill issued to the
    dealers, and auction results and PKRV quotes recorded, so every view has rows."""
    assert demo_lifecycle.reconciled
    with contextlib.ExitStack() as stack:
        clients: dict[str, SovereignClient] = {}

        def client(who: str) -> SovereignClient:
            if who not in clients:
                settings = Settings(
                    home=consortium.home, topology=None, base_port=None, as_json=False, as_user=who
                )
                clients[who] = stack.enter_context(gateway_client(settings))
            return clients[who]

        registrar, debt_office = client(REGISTRAR), client(DEBT_OFFICE)
        today = dt.date.fromisoformat(registrar.governance.business_date().business_date)
        debt_office.instruments.create(
            InstrumentSpec(
                instrument_id=BILL,
                kind=InstrumentKind.TREASURY_BILL,
                min_denomination=5_000 * 100,
                issue_date=today.isoformat(),
                maturity_date=(today + dt.timedelta(days=91)).isoformat(),
                day_count="ACT/365F",
                calendar_id="DEMO-WEEKENDS",
                tenor_days=91,
            )
        )
        registrar.instruments.approve(BILL)
        # Placed at 97.3000 and paid for in cash (credited to the dealers first).
        price = Decimal("97.3000")
        allotted = {"SGL-ALPHA": 250 * MILLION, "SGL-BETA": 150 * MILLION}
        for account, face in allotted.items():
            registrar.cash.mint(account, face * 9_730 // 10_000)
        debt_office.instruments.issue(
            BILL, [Allotment(account, face, price) for account, face in allotted.items()]
        )
        for tenor, days_ago, way in ((91, 14, "0.1085"), (91, 0, "0.1072"), (364, 0, "0.1123")):
            registrar.lifecycle.record_bill_auction(
                BillAuctionSpec(
                    tenor, (today - dt.timedelta(days=days_ago)).isoformat(), Decimal(way)
                )
            )
        registrar.lifecycle.record_bill_auction(
            BillAuctionSpec(182, today.isoformat(), None, all_bids_rejected=True)
        )
        for days_ago, rate in ((2, "0.1079"), (1, "0.1081"), (0, "0.1076")):
            registrar.lifecycle.record_pkrv(
                PkrvQuoteSpec(91, (today - dt.timedelta(days=days_ago)).isoformat(), Decimal(rate))
            )
        primary_auction(client, today)
        yield Market(client, today)


def primary_auction(client: Callable[[str], SovereignClient], today: dt.date) -> None:
    """A 182-day bill sold at a primary auction bid in price: sealed bids of both dealers,
    the central bank closes, the treasury cuts off at 95.0000, the allotments settle."""
    registrar, debt_office = client(REGISTRAR), client(DEBT_OFFICE)
    debt_office.instruments.create(
        InstrumentSpec(
            instrument_id=AUCTIONED,
            kind=InstrumentKind.TREASURY_BILL,
            min_denomination=5_000 * 100,
            issue_date=today.isoformat(),
            maturity_date=(today + dt.timedelta(days=182)).isoformat(),
            day_count="ACT/365F",
            calendar_id="DEMO-WEEKENDS",
            tenor_days=182,
        )
    )
    registrar.instruments.approve(AUCTIONED)
    debt_office.auctions.announce(
        AuctionSpec(
            AUCTION,
            [AuctionOffering(AUCTIONED, 300 * MILLION)],
            auction_date=today.isoformat(),
            close_time="23:59",
            settlement_date=today.isoformat(),
            bid_basis="PRICE",
        )
    )
    for who, bid_id, account, millions, price in (
        (DEALER_ALPHA, "A1", "SGL-ALPHA", 150, "95.2000"),
        (DEALER_ALPHA, "A2", "SGL-ALPHA", 100, "95.0000"),
        (DEALER_BETA, "B1", "SGL-BETA", 150, "95.0000"),
        (DEALER_BETA, "B2", "SGL-BETA", 80, "94.8000"),
    ):
        client(who).auctions.bid(
            BidSpec(AUCTION, bid_id, AUCTIONED, account, millions * MILLION, Decimal(price))
        )
    registrar.auctions.close(AUCTION)
    debt_office.auctions.cut_off(AUCTION, [CutOffSpec(AUCTIONED, level=Decimal("95.0000"))])
    registrar.auctions.settle_in_full(AUCTION, 10)


@pytest.fixture(scope="module")
def server(
    consortium: Network, market: Market, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("explorer")
    server = start_server(consortium, folder / "projection.sqlite3", EXPLORER_PORT, folder / "log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        # Root in a container has no user namespace for Chromium's sandbox.
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _page(browser: Browser, *, phone: bool = False) -> Page:
    if phone:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    else:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(WAIT_SECONDS * 1000)
    return context.new_page()


def _shoot(page: Page, name: str, *, full_page: bool = True) -> None:
    if os.environ.get("SOV_EXPLORER_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _table(page: Page, selector: str, key: str, column: str) -> dict[str, str]:
    rows: list[tuple[str, str]] = page.eval_on_selector_all(
        f"{selector} tbody tr",
        f"""rows => rows.map(r => [r.getAttribute("{key}"),
            r.querySelector('[data-testid="{column}"]').textContent.trim()])""",
    )
    return dict(rows)


def test_the_outstanding_amount_of_each_instrument_equals_the_ledger(
    market: Market, server: Server, browser: Browser
) -> None:
    registrar = market.client(REGISTRAR)
    expected = {
        i.spec.instrument_id: formatting.pkr(i.issued - i.redeemed)
        for i in registrar.instruments.list()
    }
    holders = {
        i: str(sum(1 for h in registrar.holdings.by_instrument(i) if h.amount)) for i in expected
    }
    assert expected[BILL] == "PKR 400,000,000.00"
    assert expected[AUCTIONED] == "PKR 300,000,000.00"
    page = _page(browser)
    shown: dict[str, str] = {}

    def caught_up() -> bool:
        nonlocal shown
        page.goto(server.url + "/")
        shown = _table(page, "#instruments", "data-instrument", "outstanding")
        return shown == expected

    until(caught_up, f"the page shows {expected} (it shows {shown})")
    assert _table(page, "#instruments", "data-instrument", "holders") == holders
    _shoot(page, "overview")
    page.goto(server.url + "/auctions")
    (result,) = registrar.auctions.results(AUCTION).results
    cells = page.locator(f'tr[data-auction="{AUCTION}"] td').all_text_contents()
    assert cells == [
        AUCTIONED,
        formatting.price(result.cutoff),  # bid in price: the cut-off is a price
        formatting.percent(result.weighted_average_yield),
        formatting.price(result.cutoff_price),
        formatting.pkr(result.competitive_offered + result.non_competitive_offered),
        formatting.pkr(result.accepted),
    ]
    assert result.accepted == 300 * MILLION
    # the two recorded 91-day results, and the demo's primary auction of its 91-day bill
    assert page.locator('table[data-tenor="91"] tbody tr').count() == 3
    assert "10.7200%" in page.locator('table[data-tenor="91"]').inner_text()
    assert "all bids rejected" in page.locator('table[data-tenor="182"]').inner_text()
    _shoot(page, "auctions")
    page.goto(server.url + "/ledger")
    assert "VALID" in page.locator("#transactions").inner_text()
    assert "CentralBankMSP" in page.locator("#transactions").inner_text()
    _shoot(page, "ledger", full_page=False)  # the latest blocks and transactions
    page.context.close()


def _sign_in(page: Page, server: Server, consortium: Network, who: str) -> None:
    page.goto(server.url + "/login")
    challenge = page.locator('input[name="challenge"]').get_attribute("value")
    assert challenge
    token = subprocess.run(
        [SOV, "--home", str(consortium.home), "--as", who, "explorer", "login", challenge],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    page.fill("#token", token)
    page.click("form[action='/login'] button")
    page.wait_for_selector('[data-testid="member"]')


def test_a_new_settlement_appears_on_the_open_pages_without_a_reload(
    consortium: Network, market: Market, server: Server, browser: Browser
) -> None:
    member = _page(browser)
    _sign_in(member, server, consortium, DEALER_ALPHA)
    member.goto(server.url + "/settlement")
    public = _page(browser)
    public.goto(server.url + "/settlement")
    for page in (member, public):
        page.wait_for_selector('html[data-live="connected"]')
        # A marker that a reload would wipe.
        page.evaluate("window.notReloaded = true")
    assert member.locator(f'tr[data-instruction="{TRADE}"]').count() == 0
    assert public.locator(f'#settlement-summary tr[data-instrument="{BILL}"]').count() == 0

    alpha, exchange = market.client(DEALER_ALPHA), market.client(EXCHANGE)
    alpha.settlements.instruct(
        InstructionSpec(
            instruction_id=TRADE,
            instrument_id=BILL,
            seller_account="SGL-ALPHA",
            buyer_account="SGL-BETA",
            quantity=40 * MILLION,
            price_per_100=Decimal("97.3412"),
            settlement_date=market.business_date.isoformat(),
        )
    )
    exchange.settlements.match(TRADE)
    settled = exchange.settlements.settle(TRADE)
    assert settled.state == "SETTLED"

    row = member.locator(f'tr[data-instruction="{TRADE}"]')
    row.locator("td", has_text="SETTLED").wait_for()
    assert "yours" in (row.get_attribute("class") or "")  # dealer1 controls SGL-ALPHA
    cells = row.locator("td").all_text_contents()
    assert cells[:4] == [BILL, "SGL-ALPHA", "SGL-BETA", formatting.pkr(40 * MILLION)]
    assert cells[4] == "97.3412"
    assert cells[5] == formatting.pkr(settled.cash_amount)
    assert re.fullmatch(r"\d+\.\d{3} s|\d+ min \d{2} s", cells[8]), cells[8]
    settled_cell = public.locator(f'tr[data-instrument="{BILL}"] [data-testid="settled"]')
    settled_cell.wait_for()
    assert settled_cell.inner_text() == "1"
    for page in (member, public):
        assert page.evaluate("window.notReloaded") is True, "the page was reloaded"
    _shoot(member, "settlement-member")
    _shoot(public, "settlement-public")
    member.context.close()
    public.context.close()


def test_the_public_view_shows_no_account_level_data(
    consortium: Network, market: Market, server: Server, browser: Browser
) -> None:
    registrar = market.client(REGISTRAR)
    accounts = [a.account_id for a in registrar.accounts.list()]
    investors = [investor_id for investor_id, *_ in INVESTORS]
    assert "SGL-ALPHA" in accounts
    instruments = [i.spec.instrument_id for i in registrar.instruments.list()]
    paths = [
        "/",
        "/auctions",
        "/settlement",
        "/ledger",
        *(f"/instruments/{i}" for i in instruments),
    ]
    public = _page(browser)
    for path in paths:
        public.goto(server.url + path)
        text = public.content()
        leaked = [a for a in (*accounts, *investors) if a in text]
        assert not leaked, (path, leaked)
    for chart in ("/charts/outstanding.svg", "/charts/yields.svg"):
        with urllib.request.urlopen(server.url + chart, timeout=10) as response:  # noqa: S310
            svg = response.read().decode()
        assert "<polyline" in svg
        assert not [a for a in accounts if a in svg]
    # The same pages for a member do show accounts: the check above can fail.
    member = _page(browser)
    _sign_in(member, server, consortium, DEALER_ALPHA)
    member.goto(server.url + f"/instruments/{BILL}")
    assert "SGL-ALPHA" in member.locator("#holders").inner_text()
    assert not [i for i in investors if i in member.content()]
    phone = _page(browser, phone=True)
    phone.goto(server.url + "/")
    _shoot(phone, "phone")
    # Readable on a phone: the page itself does not scroll sideways (tables do, inside).
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for page in (public, member, phone):
        page.context.close()


def _dump(database: Path) -> dict[str, list[tuple[object, ...]]]:
    engine = open_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(r)
                    for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
                ]
                for table in t.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_a_restart_resumes_and_a_new_database_rebuilds_the_same_projection(
    consortium: Network, market: Market, server: Server, tmp_path: Path
) -> None:
    # Whatever ran before, the projection catches up with this last change.
    market.client(REGISTRAR).lifecycle.record_pkrv(
        PkrvQuoteSpec(364, market.business_date.isoformat(), Decimal("0.1118"))
    )
    until(lambda: _has_rate(server.database, "PKRV 364d"), "the explorer has the last transaction")
    height = server.height()
    server.stop()
    before = _dump(server.database)
    assert before["blocks"][-1][0] == height - 1
    copy = tmp_path / "restarted.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{server.database}{suffix}")
        if source.exists():
            shutil.copy(source, f"{copy}{suffix}")
    restarted = start_server(consortium, copy, EXPLORER_PORT + 1, tmp_path / "restart.log")
    rebuilt = start_server(
        consortium, tmp_path / "rebuilt.sqlite3", EXPLORER_PORT + 2, tmp_path / "rebuild.log"
    )
    try:
        until(
            lambda: restarted.height() == height and rebuilt.height() == height,
            f"both explorers reach height {height}",
        )
        assert restarted.health() == {
            "height": height,
            "transactions": len(before["transactions"]),
            "following": True,
            "error": None,
        }
    finally:
        restarted.stop()
        rebuilt.stop()
    assert _dump(copy) == before
    assert _dump(tmp_path / "rebuilt.sqlite3") == before


def _has_rate(database: Path, series: str) -> bool:
    engine = open_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            found = conn.execute(sa.select(t.rates).where(t.rates.c.series == series)).first()
        return found is not None
    finally:
        engine.dispose()
