"""Malformed and look-alike input on the register (issue inputs, and the rest of each kind):
refused as INVALID_ARGUMENT, nothing half-applied, whoever sends it."""

from __future__ import annotations

import pytest

from .market import (
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    identity,
    pii_transient,
    treasury,
)
from .scenario import (
    BOND,
    MILLION,
    account_spec,
    bootstrap,
    create_and_issue,
    investor_spec,
    pii_of,
)


@pytest.fixture(scope="module")
def issued() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    return market


def rogue() -> bytes:
    """An identity of an MSP the register does not know."""
    return identity("RogueMSP", "mallory", "issuer", admin=True)


def test_a_trailing_newline_does_not_make_a_second_account(issued: Market) -> None:
    controller = "CentralBankMSP/alpha-ops"
    spec = account_spec("IPS-CHEN\n", "INVESTOR", "INV-CHEN", controller, "SGL-ALPHA")
    assert issued.fails(dealer_alpha(), "account:Open", spec) == "INVALID_ARGUMENT"
    for look_alike in ("IPS-CHEN\n", "ips-chen", "IPS-CHEN ", "IPS\u2010CHEN", "IPS-CHEN\x00"):
        assert issued.fails(
            dealer_beta(), "holding:Transfer", BOND, "SGL-BETA", look_alike, str(MILLION)
        ) in ("INVALID_ARGUMENT", "UNKNOWN_ACCOUNT")


def test_a_controller_with_a_line_break_or_escape_is_refused(issued: Market) -> None:
    for controller in ("CentralBankMSP/alpha-ops\n", "CentralBankMSP/alpha\x1b[2J"):
        spec = account_spec("IPS-NEW", "INVESTOR", "INV-CHEN", controller, "SGL-ALPHA")
        assert issued.fails(dealer_alpha(), "account:Open", spec) == "INVALID_ARGUMENT"


def test_a_duplicate_key_in_an_allotment_is_refused(issued: Market) -> None:
    allotments = '[{"account_id":"SGL-ALPHA","amount":10000000,"amount":30000000}]'
    assert issued.fails(treasury(), "instrument:Issue", BOND, allotments) == "INVALID_ARGUMENT"
    spec = '{"account_id":"IPS-X","tier":"INVESTOR","tier":"DEALER","owner_id":"INV-CHEN"}'
    assert issued.fails(dealer_alpha(), "account:Open", spec) == "INVALID_ARGUMENT"


@pytest.mark.parametrize(
    "document",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"org_roles":{"\\ud800":5}}',
        '{"org_roles":{"issuer":["TreasuryMSP"],"issuer":["RogueMSP"]}}',
        '{"utc_offset_minutes":300.0}',
        '{"utc_offset_minutes":NaN}',
    ],
    ids=["deep", "surrogate-key", "duplicate", "float", "nan"],
)
def test_unparseable_governance_is_invalid_argument_for_anyone(
    issued: Market, document: str
) -> None:
    for who in (rogue(), central_bank()):
        result = issued.call(who, "governance:Propose", document)
        assert result.response.message.startswith("INVALID_ARGUMENT: config"), document[:40]
        assert result.response.message.isascii()
        assert not result.committed


def test_a_lone_surrogate_in_an_account_spec_is_invalid_argument(issued: Market) -> None:
    spec = (
        '{"account_id":"IPS-NEW","tier":"INVESTOR","owner_id":"\\ud800",'
        '"controller":"CentralBankMSP/alpha-ops","parent_account_id":"SGL-ALPHA"}'
    )
    assert issued.fails(dealer_alpha(), "account:Open", spec) == "INVALID_ARGUMENT"
    assert issued.fails(rogue(), "account:Open", spec) == "INVALID_ARGUMENT"


@pytest.mark.parametrize(
    "investor_id",
    ["42101-3456789-2", "4210134567892", "X-42101-3456789-2", "INV-0300-1234567", "inv-zara"],
)
def test_ids_shaped_like_personal_data_are_refused(issued: Market, investor_id: str) -> None:
    assert (
        issued.fails(
            dealer_alpha(),
            "investor:RecordPersonalData",
            investor_id,
            transient=pii_transient(pii_of("INV-ZARA")),
        )
        == "INVALID_ARGUMENT"
    )
    spec = investor_spec("INV-AYESHA") | {"investor_id": investor_id}
    assert issued.fails(dealer_alpha(), "investor:Register", spec) == "INVALID_ARGUMENT"
    owner = account_spec("TREASURY-TWO", "TREASURY", investor_id, "TreasuryMSP/debt-office")
    assert issued.fails(central_bank(), "account:Open", owner) == "INVALID_ARGUMENT"


def test_ids_in_the_stated_form_are_accepted(issued: Market) -> None:
    for investor_id in ("INV-ZARA", "TRD-20210304", "HBL-IPS-000417"):
        issued.ok(
            dealer_alpha(),
            "investor:RecordPersonalData",
            investor_id,
            transient=pii_transient(pii_of(investor_id)),
        )
