"""Calendars as ledger configuration: the central bank publishes a calendar version with
an effective date and its source document, and from that business date every date rule
(here: the coupon schedule) reads it. Refusals leave the ledger byte for byte as it was."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json

import pytest

from sovereign_assets.schema.messages import CalendarPublication, DocumentSpec
from sovereign_client import SovereignClient
from sovereign_client.errors import CalendarEffectiveInPastError
from tests.holidays import TEST_PK_CALENDAR_CONFIG

from .market import Market, central_bank, dealer_alpha, treasury
from .scenario import BOND, bootstrap, create_and_issue
from .test_contract_typed_client import MarketInvoker

NOTICE = b"Cabinet Division notification (test copy)"
SOURCE = {
    "name": "Public holiday notification (test document)",
    "uri": "https://example.test/holidays-2022.pdf",
    "sha256": hashlib.sha256(NOTICE).hexdigest(),
}


def publication(effective_from: str, *extra: str, **overrides: object) -> dict[str, object]:
    """The tests' PK-SBP calendar with ``extra`` holidays, effective ``effective_from``."""
    holidays = list(TEST_PK_CALENDAR_CONFIG["holidays"])  # type: ignore[call-overload]
    return {
        "calendar_id": "PK-SBP",
        "effective_from": effective_from,
        "weekend": ["SAT", "SUN"],
        "holidays": sorted({*holidays, *extra}),
        "covers_from": TEST_PK_CALENDAR_CONFIG["covers_from"],
        "covers_to": TEST_PK_CALENDAR_CONFIG["covers_to"],
        "source": SOURCE,
    } | overrides


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    market.on(dt.date(2021, 8, 23))
    return market


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def coupon_dates(market: Market) -> list[str]:
    flows = market.query("instrument:Schedule", BOND)
    assert isinstance(flows, list)
    return [f["payment_date"] for f in flows if f["kind"] == "COUPON"][:2]


def test_a_published_holiday_moves_the_schedule_from_its_effective_date(market: Market) -> None:
    # The bond's first coupon falls on Saturday 19 February 2022: paid Monday the 21st.
    assert coupon_dates(market) == ["2022-02-21", "2022-08-19"]
    # Effective later: nothing changes until that business date.
    record = market.ok(central_bank(), "calendar:Publish", publication("2021-08-25", "2022-02-21"))
    assert isinstance(record, dict)
    assert record["published_by"] == "CentralBankMSP"
    assert record["published_on"] == "2021-08-23"
    assert coupon_dates(market) == ["2022-02-21", "2022-08-19"]
    market.on(dt.date(2021, 8, 25))
    assert coupon_dates(market) == ["2022-02-22", "2022-08-19"]
    current = market.query("calendar:Get", "PK-SBP")
    assert isinstance(current, dict)
    assert current["publication"]["effective_from"] == "2021-08-25"
    assert current["publication"]["source"] == SOURCE
    (event,) = [r.event for r in market.results if r.event and r.event.name == "CalendarPublished"]
    assert json.loads(event.payload) == {
        "calendar_id": "PK-SBP",
        "effective_from": "2021-08-25",
        "source": SOURCE["uri"],
    }
    # A second version supersedes it; both stay in the history.
    market.ok(central_bank(), "calendar:Publish", publication("2021-08-26"))
    market.on(dt.date(2021, 8, 26))
    assert coupon_dates(market) == ["2022-02-21", "2022-08-19"]
    history = market.query("calendar:History", "PK-SBP")
    assert isinstance(history, list)
    assert [h["publication"]["effective_from"] for h in history] == ["2021-08-25", "2021-08-26"]


def test_publishing_is_the_central_banks_and_checked(market: Market) -> None:
    for creator, spec, code in (
        (treasury(), publication("2021-08-23"), "UNAUTHORIZED"),
        (dealer_alpha(), publication("2021-08-23"), "UNAUTHORIZED"),
        (central_bank(), publication("2021-08-20"), "CALENDAR_EFFECTIVE_IN_PAST"),
        (
            central_bank(),
            publication("2021-08-23", source=SOURCE | {"sha256": "not-a-hash"}),
            "INVALID_TERMS",
        ),
        (central_bank(), publication("2021-08-23", "2030-01-01"), "INVALID_TERMS"),  # uncovered
        (central_bank(), publication("2021-08-23", weekend=["SUNDAY"]), "INVALID_TERMS"),
        (central_bank(), publication("not-a-date"), "INVALID_ARGUMENT"),
    ):
        assert market.fails(creator, "calendar:Publish", spec) == code, spec
    market.ok(central_bank(), "calendar:Publish", publication("2021-08-23"))
    assert (
        market.fails(central_bank(), "calendar:Publish", publication("2021-08-23"))
        == "ALREADY_EXISTS"
    )
    assert market.fails(dealer_alpha(), "calendar:Get", "PK-OTHER") == "UNKNOWN_CALENDAR"


def test_the_typed_client_publishes_and_reads(market: Market) -> None:
    client = SovereignClient(MarketInvoker(market, central_bank()))
    given = publication("2021-08-24", "2022-02-21")
    spec = CalendarPublication(
        **{k: v for k, v in given.items() if k != "source"},  # type: ignore[arg-type]
        source=DocumentSpec(**SOURCE),
    )
    record = client.calendars.publish(spec)
    assert record.publication == spec
    with pytest.raises(CalendarEffectiveInPastError):
        client.calendars.publish(
            CalendarPublication(**(spec.__dict__ | {"effective_from": "2021-08-01"}))
        )
    market.on(dt.date(2021, 8, 24))
    assert client.calendars.get("PK-SBP") == record
    assert client.calendars.history("PK-SBP") == [record]


IN_FORCE_KEY = "\x00calendarsInForce\x00current\x00"


def in_force(market: Market) -> list[str]:
    raw = market.ledger.get("sovereign", IN_FORCE_KEY)
    assert raw is not None
    versions = json.loads(raw)["versions"]
    return [
        f"{v['publication']['calendar_id']}@{v['publication']['effective_from']}" for v in versions
    ]


def test_date_rules_read_the_versions_in_force_from_one_key(market: Market) -> None:
    """Every transaction that reads market data loads one key, not every version: the
    versions still in force. A publication drops the versions a later one has replaced on
    the business date (business dates never go back); the history keeps them all."""
    market.ok(central_bank(), "calendar:Publish", publication("2021-08-25", "2022-02-21"))
    assert in_force(market) == ["PK-SBP@2021-08-25"]
    market.on(dt.date(2021, 8, 25))
    market.ok(central_bank(), "calendar:Publish", publication("2021-08-26"))
    market.ok(
        central_bank(), "calendar:Publish", publication("2021-08-30", "2022-02-21", "2022-02-22")
    )
    # on 2021-08-25 the first is in effect, the others are still to come
    assert in_force(market) == ["PK-SBP@2021-08-25", "PK-SBP@2021-08-26", "PK-SBP@2021-08-30"]
    market.on(dt.date(2021, 8, 27))
    other = publication("2021-08-27", calendar_id="PK-OTHER")
    market.ok(central_bank(), "calendar:Publish", other)
    assert in_force(market) == ["PK-OTHER@2021-08-27", "PK-SBP@2021-08-26", "PK-SBP@2021-08-30"]
    history = market.query("calendar:History", "PK-SBP")
    assert isinstance(history, list)
    assert len(history) == 3
    # A transaction that reads market data reads that key (and the version in effect rules).
    assert coupon_dates(market) == ["2022-02-21", "2022-08-19"]
    market.ok(dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "SGL-BETA", "100000000")
    assert ("", IN_FORCE_KEY) in market.results[-1].reads
    market.on(dt.date(2021, 8, 30))
    assert coupon_dates(market) == ["2022-02-23", "2022-08-19"]
