"""Floating-rate fixings from ledger-held market data: the central bank records bill
auction results and PKRV quotes; ``lifecycle:ResolveFixing`` fixes a period from them
with the domain's rule (latest auction of the benchmark tenor, else the 5-working-day
PKRV average) and the coupon is paid at benchmark + margin.

The floater: PKR 1,000,000 of a 2-year semi-annual PIB floater (6-month bill benchmark,
182 days, margin 70 bps) issued 25 September 2025. Its coupon is set in advance: a
period is fixed as of its first day (P1 on 2025-09-25, P2 on 2026-03-25). Its dates from
2027 on lie beyond the sourced calendar (2026 only) and are provisional; the test never
reaches them.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import pytest

from sovereign_assets.domain.money import round_fixing, round_tax

from .market import (
    CENTRAL_BANK,
    TREASURY,
    Market,
    central_bank,
    dealer_alpha,
    exchange,
    identity,
    treasury,
)
from .scenario import BOND, BOND_DENOMINATION, bond_spec, bootstrap, create_and_issue

FLOATER = "PK0000PFL002"
P1 = "2026-03-25"  # accrual 2025-09-25 .. 2026-03-25, fixed as of 2025-09-25
P2 = "2026-09-25"  # accrual 2026-03-25 .. 2026-09-25, fixed as of 2026-03-25
FACE = 10 * BOND_DENOMINATION  # PKR 1,000,000 in paisa

# PKRV of the 182-day tenor around the P2 fixing date (Wednesday 25 March 2026), on the
# sourced 2026 calendar. The five working days before it are 16, 17, 18, 19 and 24 March:
# Eid-ul-Fitr (Friday 20 March), the weekend of 21-22 March and Pakistan Day (Monday 23
# March) are skipped; Friday 13 March is a sixth day.
PKRV = {
    "2026-03-13": "0.2000000",
    "2026-03-16": "0.1234567",
    "2026-03-17": "0.1234568",
    "2026-03-18": "0.1234569",
    "2026-03-19": "0.1234570",
    "2026-03-20": "0.5000000",  # quotes on the holidays must not be averaged
    "2026-03-23": "0.5000000",
    "2026-03-24": "0.1234551",
}
WINDOW = ["2026-03-16", "2026-03-17", "2026-03-18", "2026-03-19", "2026-03-24"]


def floater_spec() -> dict[str, object]:
    return bond_spec() | {
        "instrument_id": FLOATER,
        "kind": "FLOATING_RATE_BOND",
        "issue_date": "2025-09-25",
        "maturity_date": "2027-09-25",
        "benchmark_tenor_days": 182,
        "margin_bps": 70,
        "coupon_rate": None,
    }


def auction(day: str, tenor: int = 182, rate: str | None = None) -> dict[str, object]:
    if rate is None:
        return {"tenor_days": tenor, "auction_date": day, "all_bids_rejected": True}
    return {"tenor_days": tenor, "auction_date": day, "weighted_average_yield": rate}


def pkrv(day: str, rate: str, tenor: int = 182) -> dict[str, object]:
    return {"tenor_days": tenor, "quote_date": day, "rate": rate}


@pytest.fixture(scope="module")
def template() -> Market:
    """The floater issued, the P1 auctions recorded; P2's market data not yet."""
    market = Market()
    bootstrap(market)
    create_and_issue(market)  # the fixed-rate bond BOND too, for contrast
    market.on(dt.date(2025, 9, 22))
    market.ok(treasury(), "instrument:Create", floater_spec())
    market.ok(central_bank(), "instrument:Approve", FLOATER)
    allotment = {"account_id": "SGL-BETA", "amount": FACE, "price_per_100": "100.0000"}
    market.ok(treasury(), "instrument:Issue", FLOATER, [allotment])
    market.on(dt.date(2025, 9, 23))
    record = "lifecycle:RecordBillAuction"
    market.ok(central_bank(), record, auction("2025-09-15", rate="0.0740"))
    market.ok(central_bank(), record, auction("2025-09-22", rate="0.0755"))  # the latest
    market.ok(central_bank(), record, auction("2025-09-23", tenor=91, rate="0.0700"))
    return market


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def fixings(market: Market) -> object:
    found = market.query("instrument:Get", FLOATER)
    assert isinstance(found, dict)
    return found["fixings"]


def record_p2_market_data(market: Market, *, skip: str | None = None) -> None:
    market.on(dt.date(2026, 3, 24))
    record = "lifecycle:RecordBillAuction"
    market.ok(central_bank(), record, auction("2026-03-09", rate="0.1100"))  # 16 days: too old
    market.ok(central_bank(), record, auction("2026-03-18"))  # all bids rejected
    market.ok(central_bank(), record, auction("2026-03-24", tenor=91, rate="0.1150"))
    for day, rate in PKRV.items():
        if day != skip:
            market.ok(central_bank(), "lifecycle:RecordPkrv", pkrv(day, rate))
    market.ok(central_bank(), "lifecycle:RecordPkrv", pkrv("2026-03-19", "0.1300", tenor=91))


def test_a_period_fixed_from_the_latest_auction(market: Market) -> None:
    market.on(dt.date(2025, 9, 24))
    assert (
        market.fails(central_bank(), "lifecycle:ResolveFixing", FLOATER, P1)
        == "EVENT_NOT_APPLICABLE"  # the fixing date (25 September) is not reached
    )
    market.on(dt.date(2025, 9, 26))
    resolved = market.ok(central_bank(), "lifecycle:ResolveFixing", FLOATER, P1)
    assert resolved == {
        "instrument_id": FLOATER,
        "period_id": P1,
        "fixing_date": "2025-09-25",
        "rate": "0.0755",
        "source": "AUCTION",
        "evidence_dates": ["2025-09-22"],
        "lifecycle_version": 1,
    }
    event = market.results[-1].event
    assert event is not None
    assert event.name == "FixingPublished"
    assert json.loads(event.payload) == {
        "instrument_id": FLOATER,
        "period_id": P1,
        "rate": "0.0755",
        "source": "AUCTION",
        "fixing_date": "2025-09-25",
        "evidence_dates": ["2025-09-22"],
    }
    assert fixings(market) == {P1: "0.0755"}
    assert (
        market.fails(central_bank(), "lifecycle:ResolveFixing", FLOATER, P1)
        == "EVENT_NOT_APPLICABLE"  # a period is fixed once
    )


def test_no_auction_in_the_window_falls_back_to_five_working_days_of_pkrv(
    market: Market,
) -> None:
    record_p2_market_data(market)
    market.on(dt.date(2026, 3, 25))
    resolved = market.ok(central_bank(), "lifecycle:ResolveFixing", FLOATER, P2)
    assert isinstance(resolved, dict)
    average = sum((Decimal(PKRV[d]) for d in WINDOW), Decimal(0)) / 5
    assert average == Decimal("0.1234565")  # exactly half way: the rounding rule decides
    assert round_fixing(average) == Decimal("0.123457")  # half up, 6 places
    assert (resolved["source"], resolved["rate"]) == ("PKRV_AVERAGE", "0.123457")
    assert resolved["evidence_dates"] == WINDOW
    assert resolved["fixing_date"] == "2026-03-25"
    assert fixings(market) == {P2: "0.123457"}


def test_a_missing_pkrv_day_is_fixing_unavailable_and_changes_nothing(market: Market) -> None:
    record_p2_market_data(market, skip="2026-03-19")
    market.on(dt.date(2026, 3, 25))
    failed = market.call(central_bank(), "lifecycle:ResolveFixing", FLOATER, P2)
    assert failed.response.message.startswith("FIXING_UNAVAILABLE: ")
    assert "2026-03-19" in failed.response.message
    assert market.fails(central_bank(), "lifecycle:ResolveFixing", FLOATER, P2) == (
        "FIXING_UNAVAILABLE"
    )
    assert fixings(market) == {}
    # Once the quote is recorded (after the fact is fine), the fixing resolves.
    market.ok(central_bank(), "lifecycle:RecordPkrv", pkrv("2026-03-19", PKRV["2026-03-19"]))
    resolved = market.ok(central_bank(), "lifecycle:ResolveFixing", FLOATER, P2)
    assert isinstance(resolved, dict)
    assert resolved["rate"] == "0.123457"


def test_coupons_are_paid_at_benchmark_plus_margin(market: Market) -> None:
    market.on(dt.date(2025, 9, 26))
    market.ok(central_bank(), "lifecycle:ResolveFixing", FLOATER, P1)
    record_p2_market_data(market)
    market.on(dt.date(2026, 3, 25))
    market.ok(central_bank(), "lifecycle:ResolveFixing", FLOATER, P2)
    paid = market.ok(treasury(), "lifecycle:PayCoupon", FLOATER, P1, "10")
    assert isinstance(paid, dict)
    # (7.55 % + 0.70 %) / 2 on PKR 1,000,000 = PKR 41,250; the dealer is a filer (15 %).
    assert (paid["gross"], paid["tax"], paid["net"]) == (4_125_000, 618_750, 3_506_250)
    market.on(dt.date(2026, 9, 25))  # a Friday, a business day: paid on the day
    paid = market.ok(treasury(), "lifecycle:PayCoupon", FLOATER, P2, "10")
    assert isinstance(paid, dict)
    gross = (Decimal("0.123457") + Decimal("0.0070")) / 2 * FACE
    assert gross == Decimal("6522850")
    tax = round_tax(gross * Decimal("0.15"))
    assert tax == 978_428  # 978,427.5 paisa rounds half up
    assert (paid["gross"], paid["tax"], paid["net"]) == (6_522_850, tax, 6_522_850 - tax)


def test_publish_fixing_stays_for_a_manual_fixing(market: Market) -> None:
    market.on(dt.date(2025, 9, 26))
    market.ok(central_bank(), "lifecycle:PublishFixing", FLOATER, P1, "0.0760", "AUCTION")
    assert fixings(market) == {P1: "0.0760"}
    assert (
        market.fails(central_bank(), "lifecycle:ResolveFixing", FLOATER, P1)
        == "EVENT_NOT_APPLICABLE"
    )


def test_resolve_fixing_refusals(market: Market) -> None:
    market.on(dt.date(2026, 3, 25))
    resolve = "lifecycle:ResolveFixing"
    assert market.fails(central_bank(), resolve, BOND, "2022-02-19") == "EVENT_NOT_APPLICABLE"
    assert market.fails(central_bank(), resolve, FLOATER, "2026-03-24") == "EVENT_NOT_APPLICABLE"
    assert market.fails(central_bank(), resolve, "PK0000NOPE01", P1) == "UNKNOWN_INSTRUMENT"


def test_recorded_market_data_is_checked(market: Market) -> None:
    market.on(dt.date(2026, 3, 24))
    rec_auction, rec_pkrv = "lifecycle:RecordBillAuction", "lifecycle:RecordPkrv"
    stored = market.ok(central_bank(), rec_auction, auction("2026-03-24", rate="0.1201"))
    assert stored == {
        "tenor_days": 182,
        "auction_date": "2026-03-24",
        "weighted_average_yield": "0.1201",
        "all_bids_rejected": False,
        "recorded_on": "2026-03-24",
    }
    event = market.results[-1].event
    assert event is not None
    assert event.name == "BillAuctionRecorded"
    cb = central_bank()
    assert market.fails(cb, rec_auction, auction("2026-03-24", rate="0.1300")) == "ALREADY_EXISTS"
    assert market.fails(cb, rec_auction, auction("2026-03-25", rate="0.12")) == "INVALID_ARGUMENT"
    both = auction("2026-03-22", rate="0.12") | {"all_bids_rejected": True}
    assert market.fails(cb, rec_auction, both) == "INVALID_ARGUMENT"
    neither = {"tenor_days": 182, "auction_date": "2026-03-22"}
    assert market.fails(cb, rec_auction, neither) == "INVALID_ARGUMENT"
    assert market.fails(cb, rec_auction, auction("2026-03-22", tenor=0, rate="0.1")) == (
        "INVALID_ARGUMENT"
    )
    stored = market.ok(cb, rec_pkrv, pkrv("2026-03-24", "0.1199"))
    assert isinstance(stored, dict)
    assert (stored["rate"], stored["recorded_on"]) == ("0.1199", "2026-03-24")
    assert market.fails(cb, rec_pkrv, pkrv("2026-03-24", "0.1100")) == "ALREADY_EXISTS"
    assert market.fails(cb, rec_pkrv, pkrv("2026-03-23", "1.5")) == "INVALID_ARGUMENT"
    assert market.fails(cb, rec_pkrv, pkrv("2026-03-23", "-0.01")) == "INVALID_ARGUMENT"
    assert market.fails(cb, rec_pkrv, pkrv("2026-3-23", "0.1")) == "INVALID_ARGUMENT"
    as_float = {"tenor_days": 182, "quote_date": "2026-03-23", "rate": 0.12}
    assert market.fails(cb, rec_pkrv, as_float) == "INVALID_ARGUMENT"


# -- authorization -----------------------------------------------------------------------


def treasury_pretend_registrar() -> bytes:
    """Right certificate role, wrong organisation."""
    return identity(TREASURY, "pretender", "registrar")


def central_bank_dealer_desk() -> bytes:
    """Right organisation, wrong certificate role."""
    return identity(CENTRAL_BANK, "desk", "primary_dealer")


WRONG = (treasury, dealer_alpha, exchange, treasury_pretend_registrar, central_bank_dealer_desk)


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("lifecycle:RecordBillAuction", (auction("2026-03-24", rate="0.12"),)),
        ("lifecycle:RecordPkrv", (pkrv("2026-03-24", "0.12"),)),
        ("lifecycle:ResolveFixing", (FLOATER, P1)),
    ],
)
@pytest.mark.parametrize("caller", WRONG, ids=[w.__name__ for w in WRONG])
def test_only_the_registrar_records_and_resolves(
    market: Market, function: str, args: tuple[object, ...], caller: Callable[[], bytes]
) -> None:
    market.on(dt.date(2026, 3, 25))
    assert market.fails(caller(), function, *args) == "UNAUTHORIZED"
    market.ok(central_bank(), function, *args)  # the same request from the right caller
