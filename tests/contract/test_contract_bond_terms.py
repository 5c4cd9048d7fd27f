"""Coupon-date terms on the wire: end_of_month, first_coupon_date and
penultimate_coupon_date are optional, validated with stable codes, kept in the record,
and flow to the schedule and to exact half-paisa payments; records without them (as
stored before the terms existed) read and pay as before."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from .market import NAMESPACE, Market, central_bank, treasury
from .scenario import BOND, BOND_DENOMINATION, bond_spec, bootstrap, create_and_issue

LONG_FIRST = "PK0000PIB310"
TIE = "PK0000PIB245"


def _market(day: dt.date | None = None) -> Market:
    market = Market()
    if day is not None:  # business dates only move forward: start the market on it
        market.on(day)
    bootstrap(market)
    return market


def _spec(**overrides: object) -> dict[str, object]:
    spec = bond_spec() | {"instrument_id": LONG_FIRST}
    spec.update(overrides)
    return spec


def test_a_long_first_coupon_is_created_kept_and_scheduled() -> None:
    market = _market(dt.date(2021, 3, 1))
    spec = _spec(
        issue_date="2021-03-04",
        maturity_date="2031-02-20",
        first_coupon_date="2022-02-20",
    )
    record = market.ok(treasury(), "instrument:Create", spec)
    assert isinstance(record, dict)
    stored = record["spec"]
    assert (stored["first_coupon_date"], stored["end_of_month"]) == ("2022-02-20", False)
    assert stored["penultimate_coupon_date"] is None
    flows = market.query("instrument:Schedule", LONG_FIRST)
    assert isinstance(flows, list)
    assert flows[0]["period_id"] == "2022-02-20"
    # 0.035 x 350/181 per unit: 676,796 paisa per PKR 100,000
    first = Decimal(flows[0]["amount_per_unit"])
    assert (first * BOND_DENOMINATION).quantize(Decimal(1), "ROUND_HALF_UP") == 676_796
    assert Decimal(flows[1]["amount_per_unit"]) == Decimal("0.035")
    assert len(flows) == 19 + 1  # 19 coupons and the redemption


def test_bad_coupon_terms_are_refused_with_stable_codes() -> None:
    market = _market(dt.date(2021, 3, 1))
    bad: list[tuple[dict[str, object], str]] = [
        (_spec(first_coupon_date="2022-02-21"), "INVALID_SCHEDULE"),  # off the roll
        (_spec(first_coupon_date="2021-08-01"), "INVALID_SCHEDULE"),  # before issue
        (_spec(penultimate_coupon_date="2030-08-19"), "INVALID_SCHEDULE"),  # after maturity
        (_spec(end_of_month=True), "INVALID_SCHEDULE"),  # 19 August is no month end
        (_spec(first_coupon_date="2022-13-01"), "INVALID_ARGUMENT"),
        (_spec(end_of_month="yes"), "INVALID_ARGUMENT"),
        (
            {
                "instrument_id": "PK0000MTB999",
                "kind": "TREASURY_BILL",
                "min_denomination": 500_000,
                "issue_date": "2021-08-19",
                "maturity_date": "2022-08-18",
                "day_count": "ACT/365F",
                "calendar_id": "PK-SBP",
                "tenor_days": 364,
                "first_coupon_date": "2022-02-18",
            },
            "INVALID_SCHEDULE",
        ),
    ]
    for spec, code in bad:
        assert market.fails(treasury(), "instrument:Create", spec) == code, spec


def test_month_ends_only_when_asked() -> None:
    market = _market(dt.date(2021, 3, 1))
    base = {"issue_date": "2021-08-31", "maturity_date": "2024-02-29"}
    market.ok(treasury(), "instrument:Create", _spec(**base))
    market.ok(
        treasury(),
        "instrument:Create",
        _spec(instrument_id="PK0000PIB311", end_of_month=True, **base),
    )
    kept = market.query("instrument:Schedule", LONG_FIRST)
    month_ends = market.query("instrument:Schedule", "PK0000PIB311")
    assert isinstance(kept, list)
    assert isinstance(month_ends, list)
    # off: the 29th of the maturity (clamped in February) - off: 29 Aug, on: 31 Aug
    assert [f["period_id"] for f in kept[:2]] == ["2022-02-28", "2022-08-29"]
    assert [f["period_id"] for f in month_ends[:2]] == ["2022-02-28", "2022-08-31"]


def test_a_record_stored_without_the_terms_reads_and_schedules_as_before() -> None:
    market = _market()
    create_and_issue(market)
    before = market.query("instrument:Schedule", BOND)
    ledger: Any = market.ledger
    (key,) = [
        k
        for k, v in ledger.scan(NAMESPACE, "", "", "")
        if b'"docType":"instrument"' in v and BOND.encode() in v
    ]
    document = json.loads(ledger.get(NAMESPACE, key))
    for name in ("end_of_month", "first_coupon_date", "penultimate_coupon_date"):
        del document["spec"][name]
    old = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    ledger._state[(NAMESPACE, "", key)] = old
    assert market.query("instrument:Schedule", BOND) == before
    got = market.query("instrument:Get", BOND)
    assert isinstance(got, dict)
    assert got["spec"]["end_of_month"] is False


def test_a_half_paisa_coupon_is_paid_up_to_the_holder() -> None:
    """PKR 2,300,000 of a 12.25 % bond whose first period is 5 days of a 184-day
    period: 382,812.5 paisa exactly, paid as 382,813 - not the 382,812 a 34-digit
    accrual factor gives."""
    market = _market()
    market.on(dt.date(2021, 12, 20))
    spec = _spec(
        instrument_id=TIE,
        issue_date="2021-12-27",
        maturity_date="2024-07-01",
        coupon_rate="0.1225",
    )
    market.ok(treasury(), "instrument:Create", spec)
    market.ok(central_bank(), "instrument:Approve", TIE)
    market.on(dt.date(2021, 12, 27))
    market.ok(
        treasury(),
        "instrument:Issue",
        TIE,
        [{"account_id": "SGL-ALPHA", "amount": 230_000_000, "price_per_100": "100.0000"}],
    )
    market.on(dt.date(2022, 1, 3))  # 1 January 2022 is a Saturday
    result = market.ok(treasury(), "lifecycle:PayCoupon", TIE, "2022-01-03", "10")
    assert isinstance(result, dict)
    assert result["done"]
    claims = market.query("lifecycle:Claims", TIE, "2022-01-01")
    assert isinstance(claims, list)
    (claim,) = claims
    assert claim["holder_account"] == "SGL-ALPHA"
    assert claim["gross"] == 382_813
    assert claim["tax"] + claim["net"] == 382_813
