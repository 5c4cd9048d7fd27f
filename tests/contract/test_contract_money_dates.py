"""Money, dates and compliance: the business date as ledger state, entitlement at the
record date, one eligibility gate for every way into a holding, per-investor holding
limits, bounded inputs and recoverable payment runs, price bands.

Each input a review tried against the register is a test here, beside the other members
of its kind. The market is the contract tier's (bond ``PK0000PIB033``, dealers ALPHA and
BETA, made-up investors).
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from fabric_chaincode import Timestamp, run_transaction
from fabric_chaincode.serialization import loads
from sovereign_assets.chaincode import chaincode

from .market import (
    CENTRAL_BANK,
    NAMESPACE,
    PKT,
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    exchange,
    governance_config,
    pii_transient,
    snapshot,
    treasury,
)
from .market import (
    central_bank_admin as central_bank_admin_identity,
)
from .scenario import (
    BOND,
    BOND_DENOMINATION,
    MILLION,
    account_spec,
    bond_spec,
    bootstrap,
    create_and_issue,
    distribute,
    investor_spec,
    order,
    pii_of,
)

COUPON_PERIOD = "2022-02-19"  # the bond's first coupon period ends on this Saturday
COUPON_PAYMENT = "2022-02-21"


@pytest.fixture(scope="module")
def template() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    return market


@pytest.fixture
def market(template: Market) -> Market:
    return copy.deepcopy(template)


def _at(market: Market, creator: bytes, moment: dt.date, function: str, *args: str) -> str:
    """Run ``function`` with a proposal timestamp the client picked (10:00 PKT on
    ``moment``), whatever the business date; its response message ('' when it passed)."""
    market.open_today()
    stamp = dt.datetime.combine(moment, dt.time(10, 0), tzinfo=PKT)
    result = run_transaction(
        chaincode,
        market.ledger,
        function,
        *args,
        namespace=NAMESPACE,
        timestamp=Timestamp(seconds=int(stamp.timestamp())),
        creator=creator,
    )
    return "" if result.ok else result.response.message


def _new_instrument(market: Market, instrument_id: str, **terms: object) -> None:
    spec = bond_spec() | {"instrument_id": instrument_id, **terms}
    market.ok(treasury(), "instrument:Create", spec)
    market.ok(central_bank(), "instrument:Approve", instrument_id)


def _register(market: Market, investor_id: str, dealer: bytes, **fields: object) -> None:
    spec = {
        "investor_id": investor_id,
        "kyc": "VERIFIED",
        "residency": "RESIDENT",
        "investor_type": "INDIVIDUAL",
        "tax_status": "FILER",
        **fields,
    }
    market.register(dealer, spec, pii_of(investor_id))


def _sub_account(market: Market, account_id: str, owner: str, *, beta: bool = False) -> None:
    dealer, parent, ops = (
        (dealer_beta, "SGL-BETA", "beta-ops") if beta else (dealer_alpha, "SGL-ALPHA", "alpha-ops")
    )
    market.ok(
        dealer(),
        "account:Open",
        account_spec(account_id, "INVESTOR", owner, f"CentralBankMSP/{ops}", parent),
    )


def _holding(market: Market, instrument_id: str, account_id: str) -> int:
    rows = market.query("holding:ByAccount", account_id)
    assert isinstance(rows, list)
    return sum(r["amount"] for r in rows if r["instrument_id"] == instrument_id)


# -- 1. the business date is ledger state ------------------------------------------------


def test_a_lock_up_holds_whatever_timestamp_the_client_puts_in_its_proposal(
    market: Market,
) -> None:
    # A zero-coupon bond: no coupon record date stops its holdings meanwhile.
    _new_instrument(market, "PK0000PIB777", lockup_until="2023-01-01", coupon_rate="0")
    market.ok(
        treasury(),
        "instrument:Issue",
        "PK0000PIB777",
        [
            {
                "account_id": "SGL-ALPHA",
                "amount": 10 * BOND_DENOMINATION,
                "price_per_100": "100.0000",
            }
        ],
    )
    market.on(dt.date(2022, 12, 30))
    message = _at(
        market,
        dealer_alpha(),
        dt.date(2023, 1, 2),
        "holding:Transfer",
        "PK0000PIB777",
        "SGL-ALPHA",
        "IPS-AYESHA",
        str(BOND_DENOMINATION),
    )
    assert message.startswith("LOCKED_UP")
    market.on(dt.date(2023, 1, 2))  # the central bank opens the date: now it may move
    market.ok(
        dealer_alpha(),
        "holding:Transfer",
        "PK0000PIB777",
        "SGL-ALPHA",
        "IPS-AYESHA",
        str(BOND_DENOMINATION),
    )


def test_a_dvp_does_not_settle_early_on_a_later_proposal_timestamp(market: Market) -> None:
    market.on(dt.date(2021, 12, 29))
    market.ok(
        exchange(),
        "settlement:Instruct",
        {
            "instruction_id": "T-EARLY",
            "instrument_id": BOND,
            "seller_account": "SGL-ALPHA",
            "buyer_account": "SGL-BETA",
            "quantity": BOND_DENOMINATION,
            "price_per_100": "99.5000",
            "settlement_date": "2021-12-31",
        },
    )
    market.ok(exchange(), "settlement:Match", "T-EARLY")
    early = _at(market, exchange(), dt.date(2022, 1, 3), "settlement:Settle", "T-EARLY")
    assert early.startswith("SETTLEMENT_DATE_NOT_REACHED")
    market.on(dt.date(2021, 12, 31))
    assert market.ok(exchange(), "settlement:Settle", "T-EARLY")["state"] == "SETTLED"  # type: ignore[index]


def test_only_the_central_bank_moves_the_business_date_and_only_forward(market: Market) -> None:
    market.open_today()
    today = market.today.isoformat()
    assert market.query("governance:BusinessDate") == {"business_date": today, "open": True}
    for who in (treasury, dealer_alpha, exchange):
        assert market.fails(who(), "governance:OpenBusinessDate", "2030-01-01") == "UNAUTHORIZED"
    for day in (today, "2021-01-01"):
        code = market.fails(central_bank(), "governance:OpenBusinessDate", day)
        assert code == "BUSINESS_DATE_NOT_LATER"
    for day in ("9999-12-31", "2200-01-01", "1899-12-31"):
        code = market.fails(central_bank(), "governance:OpenBusinessDate", day)
        assert code == "INVALID_DATE_RANGE"
    for day in ("2030-1-1", "+2030-01-01", "20300101", ""):
        code = market.fails(central_bank(), "governance:OpenBusinessDate", day)
        assert code == "INVALID_ARGUMENT"
    # The date key needs both controller organisations, as governance does.
    key = "\x00businessDay\x00current\x00"
    assert market.ledger.metadata(NAMESPACE, key, "")


def test_a_closed_business_day_stops_everything_that_reads_the_date(market: Market) -> None:
    market.open_today()
    closed = market.ok(central_bank(), "governance:CloseBusinessDate")
    assert closed == {"business_date": market.today.isoformat(), "open": False}
    market.auto_open = False
    assert market.fails(central_bank(), "governance:CloseBusinessDate") == "BUSINESS_DAY_CLOSED"
    for creator, function, args in (
        (dealer_alpha(), "holding:Transfer", (BOND, "SGL-ALPHA", "IPS-AYESHA", "10000000")),
        (treasury(), "instrument:Issue", (BOND, [{"account_id": "SGL-ALPHA", "amount": 10**7}])),
        (treasury(), "lifecycle:PayCoupon", (BOND, COUPON_PAYMENT, "5")),
    ):
        assert market.fails(creator, function, *args) == "BUSINESS_DAY_CLOSED"
    check = market.query("investor:CheckTransfer", BOND, "SGL-ALPHA", "IPS-AYESHA", "10000000")
    assert check == {
        "allowed": False,
        "reason": "BUSINESS_DAY_CLOSED",
        "reasons": ["BUSINESS_DAY_CLOSED"],
    }
    assert market.query("instrument:Schedule", BOND)  # queries read the last date
    market.ok(central_bank(), "governance:OpenBusinessDate", "2021-09-01")
    market.ok(dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", "10000000")


def test_kyc_expiry_reads_the_business_date(market: Market) -> None:
    _register(market, "INV-KAMRAN", dealer_alpha(), kyc_expires_on="2021-10-01")
    _sub_account(market, "IPS-KAMRAN", "INV-KAMRAN")
    market.ok(dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-KAMRAN", "10000000")
    market.on(dt.date(2021, 10, 1))
    code = market.fails(
        dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-KAMRAN", "10000000"
    )
    assert code == "NOT_KYC_VERIFIED"
    code = market.fails(
        dealer_alpha(), "holding:Transfer", BOND, "IPS-KAMRAN", "SGL-ALPHA", "10000000"
    )
    assert code == "NOT_KYC_VERIFIED"  # a lapsed owner can neither receive nor send
    bad = {**investor_spec("INV-AYESHA"), "investor_id": "INV-X", "kyc_expires_on": "soon"}
    market.ok(
        dealer_alpha(),
        "investor:RecordPersonalData",
        "INV-X",
        transient=pii_transient(pii_of("INV-X")),
        endorsing_orgs=[CENTRAL_BANK],
    )
    assert market.fails(dealer_alpha(), "investor:Register", bad) == "INVALID_ARGUMENT"


def test_governance_has_no_business_date_shift_any_more(market: Market) -> None:
    for shift in (3_000_000, 1):
        config = governance_config(business_date_shift_days=shift)
        assert market.fails(treasury(), "governance:Propose", config) == "INVALID_ARGUMENT"


# -- 2. entitlement is fixed by the holdings at the record date -----------------------------


def _open_coupon_run(market: Market) -> None:
    market.on(dt.date(2022, 2, 21))
    first = market.ok(treasury(), "lifecycle:PayCoupon", BOND, COUPON_PAYMENT, "1")
    assert first == {"paid": 1, "gross": first["gross"], "tax": first["tax"],  # type: ignore[index]
                     "net": first["net"], "done": False}  # type: ignore[index]  # fmt: skip


def test_issuance_while_a_coupon_run_is_open_is_refused_and_not_paid(market: Market) -> None:
    _register(market, "INV-ZZZLATE", dealer_alpha())
    _sub_account(market, "IPS-ZZZLATE", "INV-ZZZLATE")
    _open_coupon_run(market)
    allotment = [{"account_id": "IPS-ZZZLATE", "amount": 500_000_000}]
    assert market.fails(treasury(), "instrument:Issue", BOND, allotment) == "INSTRUMENT_PAUSED"
    while not market.ok(treasury(), "lifecycle:PayCoupon", BOND, COUPON_PAYMENT, "1")["done"]:  # type: ignore[index]
        pass
    claims = market.query("lifecycle:Claims", BOND, COUPON_PAYMENT)
    assert isinstance(claims, list)
    assert "IPS-ZZZLATE" not in {c["holder_account"] for c in claims}
    assert {c["holder_account"] for c in claims} == {
        "SGL-ALPHA", "SGL-BETA", "IPS-AYESHA", "IPS-BILAL", "IPS-CHEN", "IPS-DANA",
    }  # fmt: skip


def test_no_holding_changes_between_the_record_date_and_the_payment(market: Market) -> None:
    """From the period's end (the record date) until its coupon is paid, every path into
    or out of a holding waits: issue, transfer, DvP - and the dry run says so."""
    _register(market, "INV-ZZZLATE", dealer_alpha())
    _sub_account(market, "IPS-ZZZLATE", "INV-ZZZLATE")
    market.on(dt.date(2022, 2, 18))  # the day before the record date: still open
    market.ok(dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", "10000000")
    market.on(dt.date(2022, 2, 19))
    allotment = [{"account_id": "IPS-ZZZLATE", "amount": 500_000_000, "price_per_100": "99.0000"}]
    assert market.fails(treasury(), "instrument:Issue", BOND, allotment) == "RECORD_DATE_PASSED"
    code = market.fails(
        dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-ZZZLATE", "10000000"
    )
    assert code == "RECORD_DATE_PASSED"
    check = market.query("investor:CheckTransfer", BOND, "SGL-ALPHA", "IPS-ZZZLATE", "10000000")
    assert check == {
        "allowed": False,
        "reason": "RECORD_DATE_PASSED",
        "reasons": ["RECORD_DATE_PASSED"],
    }
    market.ok(
        exchange(),
        "settlement:Instruct",
        {
            "instruction_id": "T-REC",
            "instrument_id": BOND,
            "seller_account": "SGL-ALPHA",
            "buyer_account": "SGL-BETA",
            "quantity": BOND_DENOMINATION,
            "price_per_100": "99.5000",
            "settlement_date": "2022-02-19",
        },
    )
    market.ok(exchange(), "settlement:Match", "T-REC")
    assert market.fails(exchange(), "settlement:Settle", "T-REC") == "RECORD_DATE_PASSED"
    # Once the coupon is paid in full, holdings move again and the newcomer may enter.
    market.on(dt.date(2022, 2, 21))
    assert market.ok(treasury(), "lifecycle:PayCoupon", BOND, COUPON_PAYMENT, "50")["done"]  # type: ignore[index]
    market.ok(treasury(), "instrument:Issue", BOND, allotment)
    assert market.ok(exchange(), "settlement:Settle", "T-REC")["state"] == "SETTLED"  # type: ignore[index]


# -- 3. every way into a holding runs the same eligibility check ---------------------------


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kyc": "EXPIRED"}, "NOT_KYC_VERIFIED"),
        ({"kyc": "PENDING"}, "NOT_KYC_VERIFIED"),
        ({"kyc_expires_on": "2021-08-19"}, "NOT_KYC_VERIFIED"),
        ({"islamic_only": True}, "NOT_ELIGIBLE"),
    ],
)
def test_issuance_refuses_an_ineligible_holder_like_a_transfer(
    market: Market, fields: dict[str, object], code: str
) -> None:
    _register(market, "INV-NEW", dealer_alpha(), **fields)
    _sub_account(market, "IPS-NEW", "INV-NEW")
    allotment = [{"account_id": "IPS-NEW", "amount": BOND_DENOMINATION}]
    assert market.fails(treasury(), "instrument:Issue", BOND, allotment) == code
    moved = market.fails(
        dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-NEW", str(BOND_DENOMINATION)
    )
    assert moved == code


def test_issuance_respects_the_holding_limit_and_freezes(market: Market) -> None:
    _new_instrument(market, "PK0000PIB888", holding_limit=1_000_000_000)
    too_much = [{"account_id": "IPS-AYESHA", "amount": 5_000_000_000, "price_per_100": "99.0000"}]
    assert market.fails(treasury(), "instrument:Issue", "PK0000PIB888", too_much) == (
        "OVER_HOLDING_LIMIT"
    )
    split = [
        {"account_id": "IPS-AYESHA", "amount": 600_000_000, "price_per_100": "99.0000"},
        {"account_id": "IPS-AYESHA", "amount": 600_000_000, "price_per_100": "99.0000"},
    ]
    assert market.fails(treasury(), "instrument:Issue", "PK0000PIB888", split) == (
        "OVER_HOLDING_LIMIT"
    )
    market.ok(treasury(), "control:FreezeAccount", "IPS-BILAL", order())
    frozen = [{"account_id": "IPS-BILAL", "amount": BOND_DENOMINATION, "price_per_100": "99.0000"}]
    assert market.fails(treasury(), "instrument:Issue", "PK0000PIB888", frozen) == "ACCOUNT_FROZEN"
    market.ok(treasury(), "control:Halt", order("OPERATIONAL_INCIDENT"))
    fine = [{"account_id": "IPS-AYESHA", "amount": BOND_DENOMINATION, "price_per_100": "99.0000"}]
    assert market.fails(treasury(), "instrument:Issue", "PK0000PIB888", fine) == "GLOBAL_PAUSE"


# -- 4. holding limits count per investor ---------------------------------------------------


def test_a_holding_limit_counts_every_sub_account_of_the_investor(market: Market) -> None:
    _new_instrument(market, "PK0000PIB999", holding_limit=1_000_000_000)
    market.ok(
        treasury(),
        "instrument:Issue",
        "PK0000PIB999",
        [
            {"account_id": "SGL-ALPHA", "amount": 1_000_000_000, "price_per_100": "40.0000"},
            {"account_id": "SGL-BETA", "amount": 1_000_000_000, "price_per_100": "40.0000"},
        ],
    )
    _register(market, "INV-MULTI", dealer_alpha())
    _sub_account(market, "IPS-MULTI-A", "INV-MULTI")
    _sub_account(market, "IPS-MULTI-B", "INV-MULTI", beta=True)
    market.ok(
        dealer_alpha(), "holding:Transfer", "PK0000PIB999", "SGL-ALPHA", "IPS-MULTI-A",
        "1000000000",
    )  # fmt: skip
    check = market.query(
        "investor:CheckTransfer", "PK0000PIB999", "SGL-BETA", "IPS-MULTI-B", "10000000"
    )
    assert check == {
        "allowed": False,
        "reason": "OVER_HOLDING_LIMIT",
        "reasons": ["OVER_HOLDING_LIMIT"],
    }
    code = market.fails(
        dealer_beta(), "holding:Transfer", "PK0000PIB999", "SGL-BETA", "IPS-MULTI-B", "10000000"
    )
    assert code == "OVER_HOLDING_LIMIT"
    issue = [{"account_id": "IPS-MULTI-B", "amount": 10_000_000, "price_per_100": "99.0000"}]
    assert market.fails(treasury(), "instrument:Issue", "PK0000PIB999", issue) == (
        "OVER_HOLDING_LIMIT"
    )
    # Moving between the investor's own accounts leaves its total unchanged: allowed.
    market.ok(
        dealer_alpha(), "holding:Transfer", "PK0000PIB999", "IPS-MULTI-A", "IPS-MULTI-B",
        "500000000",
    )  # fmt: skip
    assert _holding(market, "PK0000PIB999", "IPS-MULTI-B") == 500_000_000


# -- 5. bounds at the boundary; no run stuck for ever --------------------------------------


def test_an_absurd_issue_is_refused_at_the_boundary(market: Market) -> None:
    for amount in (10**40, 10**18 + BOND_DENOMINATION):
        allotment = [{"account_id": "SGL-ALPHA", "amount": amount}]
        assert market.fails(treasury(), "instrument:Issue", BOND, allotment) == "INVALID_AMOUNT"
    assert market.fails(central_bank(), "cash:Mint", "SGL-ALPHA", str(10**40)) == "INVALID_AMOUNT"
    code = market.fails(
        dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", str(10**40)
    )
    assert code == "INVALID_AMOUNT"
    for batch in ("0", str(10**9)):
        assert market.fails(treasury(), "lifecycle:Redeem", BOND, batch) == "INVALID_AMOUNT"


def test_the_largest_accepted_issue_still_pays_its_coupon(template: Market) -> None:
    market = Market()
    bootstrap(market)
    market.ok(treasury(), "instrument:Create", bond_spec())
    market.ok(central_bank(), "instrument:Approve", BOND)
    market.on(dt.date(2021, 8, 19))
    big = 10**18 // BOND_DENOMINATION * BOND_DENOMINATION
    market.ok(central_bank(), "cash:Mint", "SGL-ALPHA", str(big // 10**6))
    allotment = {"account_id": "SGL-ALPHA", "amount": big, "price_per_100": "0.0001"}
    market.ok(treasury(), "instrument:Issue", BOND, [allotment])
    market.ok(central_bank(), "cash:Mint", "TREASURY-CASH", str(10**17))
    market.on(dt.date(2022, 2, 21))
    paid = market.ok(treasury(), "lifecycle:PayCoupon", BOND, COUPON_PAYMENT, "5")
    assert paid["done"]  # type: ignore[index]
    assert paid["gross"] == big * 7 // 200  # type: ignore[index]


@pytest.mark.parametrize("rate", ["-5", "1", "12.5", "-0.0001"])
def test_a_fixing_outside_0_to_100_percent_is_refused(market: Market, rate: str) -> None:
    floater = bond_spec() | {
        "instrument_id": "PK0000FRB001",
        "kind": "FLOATING_RATE_BOND",
        "benchmark_tenor_days": 182,
        "margin_bps": 70,
        "coupon_rate": None,
    }
    market.ok(treasury(), "instrument:Create", floater)
    code = market.fails(
        central_bank(), "lifecycle:PublishFixing", "PK0000FRB001", COUPON_PERIOD, rate, "AUCTION"
    )
    assert code == "INVALID_NUMBER"


@pytest.mark.parametrize(
    "terms",
    [
        {"coupon_rate": "-0.07"},
        {"coupon_rate": "1.5"},
        {"kind": "FLOATING_RATE_BOND", "benchmark_tenor_days": 182, "margin_bps": 10**6},
        {"kind": "FLOATING_RATE_BOND", "benchmark_tenor_days": 10**9, "coupon_rate": None},
        {"maturity_date": "9999-12-31"},
        {"min_denomination": 10**40},
        {"holding_limit": -1},
        {"price_band_floor": "0", "price_band_cap": "150"},
        {"price_band_floor": "120", "price_band_cap": "80"},
    ],
)
def test_instrument_terms_are_bounded_at_creation(market: Market, terms: dict[str, object]) -> None:
    spec = bond_spec() | {"instrument_id": "PK0000PIB555", **terms}
    code = market.fails(treasury(), "instrument:Create", spec)
    assert code in {
        "INVALID_TERMS",
        "INVALID_AMOUNT",
        "INVALID_ARGUMENT",
        "INVALID_DATE_RANGE",
        "PRICE_OUT_OF_RANGE",
    }


def test_a_negative_floating_coupon_pays_nothing_instead_of_failing(market: Market) -> None:
    floater = bond_spec() | {
        "instrument_id": "PK0000FRB002",
        "kind": "FLOATING_RATE_BOND",
        "benchmark_tenor_days": 182,
        "margin_bps": -500,
        "coupon_rate": None,
    }
    market.ok(treasury(), "instrument:Create", floater)
    market.ok(central_bank(), "instrument:Approve", "PK0000FRB002")
    # Fixed first: issued after its first day, the floater is paid for with the interest
    # accrued since (nothing here: 2 % - 5 % floors at zero).
    market.ok(
        central_bank(), "lifecycle:PublishFixing", "PK0000FRB002", COUPON_PERIOD, "0.02", "AUCTION"
    )
    market.ok(
        treasury(),
        "instrument:Issue",
        "PK0000FRB002",
        [{"account_id": "SGL-ALPHA", "amount": BOND_DENOMINATION, "price_per_100": "100.0000"}],
    )
    market.on(dt.date(2022, 2, 21))
    paid = market.ok(treasury(), "lifecycle:PayCoupon", "PK0000FRB002", COUPON_PAYMENT, "5")
    assert paid == {"paid": 0, "gross": 0, "tax": 0, "net": 0, "done": True}


def test_a_run_short_of_cash_is_resumed_or_aborted_and_run_again(market: Market) -> None:
    _open_coupon_run(market)
    treasury_cash = market.query("cash:Balance", "TREASURY-CASH")["amount"]  # type: ignore[index]
    market.ok(central_bank(), "cash:Withdraw", "TREASURY-CASH", str(treasury_cash))
    assert market.fails(treasury(), "lifecycle:PayCoupon", BOND, COUPON_PAYMENT, "1") == (
        "INSUFFICIENT_CASH"
    )
    # The controllers abort; holdings stay fixed (the record date has passed) ...
    for who in (dealer_alpha, exchange):
        assert market.fails(who(), "lifecycle:AbortRun", BOND) == "UNAUTHORIZED"
    aborted = market.ok(central_bank(), "lifecycle:AbortRun", BOND)
    assert aborted["open_run"] is None  # type: ignore[index]
    assert aborted["periods_paid"] == 0  # type: ignore[index]
    assert market.fails(central_bank(), "lifecycle:AbortRun", BOND) == "INVALID_TRANSITION"
    code = market.fails(
        dealer_alpha(), "holding:Transfer", BOND, "SGL-ALPHA", "IPS-AYESHA", "10000000"
    )
    assert code == "RECORD_DATE_PASSED"
    # ... and, with cash back, the run starts again and pays only who was not paid.
    market.ok(central_bank(), "cash:Mint", "TREASURY-CASH", str(treasury_cash))
    while not market.ok(treasury(), "lifecycle:PayCoupon", BOND, COUPON_PAYMENT, "2")["done"]:  # type: ignore[index]
        pass
    claims = market.query("lifecycle:Claims", BOND, COUPON_PAYMENT)
    assert isinstance(claims, list)
    holders = [c["holder_account"] for c in claims]
    assert len(holders) == len(set(holders)) == 6
    assert market.fails(treasury(), "lifecycle:PayCoupon", BOND, COUPON_PAYMENT, "2") == (
        "ALREADY_PAID"
    )


# -- 8. price bands ---------------------------------------------------------------------------


def _instruct(market: Market, instruction_id: str, price: str, creator: bytes) -> None:
    market.ok(
        creator,
        "settlement:Instruct",
        {
            "instruction_id": instruction_id,
            "instrument_id": BOND,
            "seller_account": "SGL-ALPHA",
            "buyer_account": "SGL-BETA",
            "quantity": 100 * BOND_DENOMINATION,
            "price_per_100": price,
            "settlement_date": market.today.isoformat(),
        },
    )


def test_the_exchange_alone_cannot_settle_an_absurd_price(market: Market) -> None:
    _instruct(market, "T-ABSURD", "0.0001", exchange())
    record = market.query("settlement:Get", "T-ABSURD")
    assert record["out_of_band"] is True  # type: ignore[index]
    assert market.fails(exchange(), "settlement:Match", "T-ABSURD") == "OUTSIDE_PRICE_BAND"
    assert market.fails(exchange(), "settlement:Settle", "T-ABSURD") == "INVALID_TRANSITION"
    # Both counterparties affirm: then it settles, at their price.
    market.ok(dealer_alpha(), "settlement:Affirm", "T-ABSURD")
    assert market.fails(exchange(), "settlement:Match", "T-ABSURD") == "OUTSIDE_PRICE_BAND"
    market.ok(dealer_beta(), "settlement:Affirm", "T-ABSURD")
    settled = market.ok(exchange(), "settlement:Settle", "T-ABSURD")
    # 100 bonds of PKR 100,000 at 0.0001 per 100 (PKR 10) plus the accrued interest.
    assert settled["state"] == "SETTLED"  # type: ignore[index]
    assert settled["cash_amount"] == record["cash_amount"] < 100 * BOND_DENOMINATION // 10  # type: ignore[index]


def test_one_side_cannot_match_an_out_of_band_trade_with_the_exchange(market: Market) -> None:
    _instruct(market, "T-HIGH", "180.0000", dealer_alpha())  # ALPHA affirms its own side
    assert market.fails(exchange(), "settlement:Match", "T-HIGH") == "OUTSIDE_PRICE_BAND"
    _instruct(market, "T-FAIR", "99.8750", exchange())
    assert market.ok(exchange(), "settlement:Match", "T-FAIR")["state"] == "MATCHED"  # type: ignore[index]


def test_a_band_is_configuration_of_the_instrument(market: Market) -> None:
    _new_instrument(market, "PK0000PIB444", price_band_floor="20", price_band_cap="40")
    record = market.query("instrument:Get", "PK0000PIB444")
    spec = record["spec"]  # type: ignore[index]
    assert (spec["price_band_floor"], spec["price_band_cap"]) == ("20", "40")


@pytest.mark.parametrize("price", ["0", "-1", "10000.0001", "99.87501", "1E+2", "NaN"])
def test_a_price_is_bounded_at_the_boundary(market: Market, price: str) -> None:
    before = snapshot(market.ledger)
    market.open_today()
    result = market.call(
        exchange(),
        "settlement:Instruct",
        {
            "instruction_id": "T-BAD",
            "instrument_id": BOND,
            "seller_account": "SGL-ALPHA",
            "buyer_account": "SGL-BETA",
            "quantity": BOND_DENOMINATION,
            "price_per_100": price,
            "settlement_date": market.today.isoformat(),
        },
    )
    assert not result.ok
    code = result.response.message.split(":", 1)[0]
    assert code in {"PRICE_OUT_OF_RANGE", "INVALID_ARGUMENT", "INVALID_NUMBER"}
    assert set(snapshot(market.ledger)) - set(before) <= {
        ("", "\x00businessDay\x00current\x00"),
        ("#meta:VALIDATION_PARAMETER", "\x00businessDay\x00current\x00"),
    }


def test_events_and_records_of_the_business_date_are_canonical(market: Market) -> None:
    market.on(dt.date(2021, 9, 3))
    market.open_today()
    raw = market.ledger.get(NAMESPACE, "\x00businessDay\x00current\x00")
    assert raw is not None
    assert loads(raw) == {
        "docType": "businessDay",
        "version": 1,
        "business_date": "2021-09-03",
        "open": True,
    }
    opened = market.ok(central_bank(), "governance:OpenBusinessDate", "2021-09-06")
    assert opened == {"business_date": "2021-09-06", "open": True}
    event = market.results[-1].event
    assert event is not None
    assert json.loads(event.payload) == {"business_date": "2021-09-06", "open": True}
    assert MILLION  # amounts in the market are paisa


# -- 6. governance names real cash accounts of the right tier and owner -----------------------


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"treasury_cash_account": "IPS-AYESHA"}, "INVALID_ACCOUNT"),  # an investor's
        ({"treasury_cash_account": "SGL-ALPHA"}, "INVALID_ACCOUNT"),  # a dealer's
        ({"treasury_cash_account": "FBR-TAX", "tax_authority_cash_account": "X-TAX"}, None),
        ({"tax_authority_cash_account": "NO-SUCH-ACCOUNT"}, "UNKNOWN_ACCOUNT"),
        ({"tax_authority_cash_account": "IPS-BILAL"}, "INVALID_ACCOUNT"),
    ],
)
def test_governance_refuses_a_cash_account_that_is_not_what_it_names(
    market: Market, overrides: dict[str, str], code: str | None
) -> None:
    result = market.fails(treasury(), "governance:Propose", governance_config(**overrides))
    assert result in ({code} if code else {"INVALID_ACCOUNT", "UNKNOWN_ACCOUNT"})


def test_the_treasury_account_must_belong_to_the_issuer(market: Market) -> None:
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("TREASURY-2", "TREASURY", "TREASURY", "CentralBankMSP/sgl-desk"),
    )
    config = governance_config(treasury_cash_account="TREASURY-2")
    assert market.fails(treasury(), "governance:Propose", config) == "INVALID_ACCOUNT"
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("TREASURY-3", "TREASURY", "TREASURY", "TreasuryMSP/debt-office"),
    )
    market.change_governance(governance_config(treasury_cash_account="TREASURY-3"))


def test_no_account_can_be_opened_under_a_governance_name_with_another_tier() -> None:
    market = Market()
    market.ok(
        central_bank_admin_identity(),
        "governance:Bootstrap",
        governance_config(treasury_cash_account="TREASURY-CASH"),
    )
    _register(market, "PD-ALPHA", dealer_alpha())
    market.ok(
        central_bank(),
        "account:Open",
        account_spec("SGL-ALPHA", "DEALER", "PD-ALPHA", "CentralBankMSP/alpha-ops"),
    )
    spec = account_spec(
        "TREASURY-CASH", "INVESTOR", "PD-ALPHA", "CentralBankMSP/alpha-ops", "SGL-ALPHA"
    )
    assert market.fails(dealer_alpha(), "account:Open", spec) == "INVALID_ACCOUNT"
