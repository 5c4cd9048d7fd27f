"""The coupon-date terms reach the chaincode from the typed client and the CLI's JSON
spec, and an older spec without them still parses with the defaults."""

from __future__ import annotations

import json

from sovereign_assets.schema.messages import InstrumentKind, InstrumentSpec
from sovereign_cli.render import parse_into
from sovereign_client._codec import encode_argument

OLD = {
    "instrument_id": "PK0000PIB310",
    "kind": "FIXED_RATE_BOND",
    "min_denomination": 10_000_000,
    "issue_date": "2021-03-04",
    "maturity_date": "2031-02-20",
    "day_count": "ACT/ACT-ICMA",
    "frequency": 2,
    "calendar_id": "PK-SBP",
    "coupon_rate": "0.07",
}


def test_cli_spec_with_and_without_the_terms() -> None:
    old = parse_into(InstrumentSpec, OLD)
    assert (old.end_of_month, old.first_coupon_date, old.penultimate_coupon_date) == (
        False,
        None,
        None,
    )
    new = parse_into(
        InstrumentSpec, OLD | {"first_coupon_date": "2022-02-20", "end_of_month": False}
    )
    assert new.first_coupon_date == "2022-02-20"


def test_typed_client_sends_the_terms() -> None:
    spec = InstrumentSpec(
        "PK0000PIB310",
        InstrumentKind.FIXED_RATE_BOND,
        10_000_000,
        issue_date="2021-03-04",
        maturity_date="2031-02-20",
        first_coupon_date="2022-02-20",
        penultimate_coupon_date="2030-08-20",
        end_of_month=False,
    )
    sent = json.loads(encode_argument(spec))
    assert sent["first_coupon_date"] == "2022-02-20"
    assert sent["penultimate_coupon_date"] == "2030-08-20"
    assert sent["end_of_month"] is False
