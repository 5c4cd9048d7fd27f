"""Who sees what: every query, asked by every kind of reader, answers what the one table
(``contracts.visibility.READ_ACCESS``) allows - and a query without a row fails here.

The expected answers are worked out in this test from who controls which account (not
from the chaincode's own helpers): the regulator's answer is the whole one; a reader with
scope OWN gets the rows of its own accounts, or ``UNAUTHORIZED`` for a single record that
is not its own; NONE is refused. Events are checked too: none carries an account or an
investor id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from sovereign_assets.chaincode import chaincode
from sovereign_assets.contracts.visibility import (
    PUBLIC_EVENT_FIELDS,
    READ_ACCESS,
    Reader,
    Scope,
)

from .market import (
    CENTRAL_BANK,
    TREASURY,
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    exchange,
    governance_config,
    identity,
    treasury,
)
from .scenario import (
    BILL,
    BOND,
    MILLION,
    account_spec,
    bond_spec,
    investor_spec,
    order,
    register_document,
)
from .test_contract_auctions import AUCTION, SETTLEMENT_DAY, announced, place_book
from .test_contract_calendars import publication as calendar_publication


def investor_erum() -> bytes:
    """An investor who instructs on its own sub-account (under the alpha bank)."""
    return identity(CENTRAL_BANK, "erum", "investor")


def outsider() -> bytes:
    """A bank user of a channel org with no account and no client."""
    return identity(TREASURY, "teller", "bank")


@dataclass(frozen=True)
class Role:
    name: str
    creator: Callable[[], bytes]
    reader: Reader
    own: frozenset[str]
    """Accounts it controls, directly or as the parent's controller."""
    onboarded: frozenset[str] = frozenset()
    """Investors it registered."""


ROLES = (
    Role("regulator", central_bank, Reader.REGULATOR, frozenset()),
    Role("issuer", treasury, Reader.ISSUER, frozenset({"TREASURY-CASH"})),
    Role("exchange", exchange, Reader.EXCHANGE, frozenset()),
    Role(
        "bank-alpha",
        dealer_alpha,
        Reader.PARTICIPANT,
        frozenset({"SGL-ALPHA", "IPS-AYESHA", "IPS-BILAL", "IPS-ERUM"}),
        frozenset({"PD-ALPHA", "INV-AYESHA", "INV-BILAL", "INV-ERUM"}),
    ),
    Role(
        "bank-beta",
        dealer_beta,
        Reader.PARTICIPANT,
        frozenset({"SGL-BETA", "IPS-CHEN", "IPS-DANA"}),
        frozenset({"PD-BETA", "INV-CHEN", "INV-DANA"}),
    ),
    Role("investor", investor_erum, Reader.PARTICIPANT, frozenset({"IPS-ERUM"})),
    Role("outsider", outsider, Reader.PARTICIPANT, frozenset()),
)

OWNERS = {
    "SGL-ALPHA": "PD-ALPHA",
    "SGL-BETA": "PD-BETA",
    "IPS-AYESHA": "INV-AYESHA",
    "IPS-BILAL": "INV-BILAL",
    "IPS-CHEN": "INV-CHEN",
    "IPS-DANA": "INV-DANA",
    "IPS-ERUM": "INV-ERUM",
}

# How each query's rows (or its one record) name accounts. A single-record query is
# visible when any named account is the reader's own.
Rows = Callable[[object], set[str]]


def _field(*names: str) -> Rows:
    def accounts(row: object) -> set[str]:
        assert isinstance(row, dict)
        return {row[n] for n in names if row.get(n) is not None}

    return accounts


def _investor(row: object) -> set[str]:
    assert isinstance(row, dict)
    return {a for a, owner in OWNERS.items() if owner == row["investor_id"]}


def _public(_row: object) -> set[str]:
    raise AssertionError("a public answer has no owner")


@dataclass(frozen=True)
class Case:
    args: Sequence[tuple[str, ...]]
    rows: Rows
    listing: bool
    """A list answer is filtered row by row; otherwise the one record is all or nothing."""
    key: str | None = None
    """A single record's account argument (by position) when the record names none."""


PARTIES = ("seller_account", "buyer_account")
ACCOUNTS = ("SGL-ALPHA", "IPS-AYESHA", "IPS-CHEN", "IPS-ERUM", "TREASURY-CASH")
PROPOSAL_ARGS: list[tuple[str, ...]] = []
"""``(proposal_id,)`` of the governance change the market fixture leaves pending."""

CASES: dict[str, Case] = {
    "governance:Get": Case([()], _public, False),
    "governance:Proposal": Case(PROPOSAL_ARGS, _public, False),
    "governance:Proposals": Case([()], _public, True),
    "governance:BusinessDate": Case([()], _public, False),
    "instrument:Get": Case([(BOND,), (BILL,)], _public, False),
    "instrument:List": Case([()], _public, True),
    "instrument:Schedule": Case([(BOND,)], _public, True),
    "instrument:Limits": Case([(BOND,), (BILL,)], _public, False),
    "calendar:Get": Case([("PK-SBP",)], _public, False),
    "calendar:History": Case([("PK-SBP",)], _public, True),
    "instrument:Bars": Case([(BOND,)], _field("released_to"), True),
    "auction:Results": Case([(AUCTION,)], _public, False),
    "auction:List": Case([()], _public, True),
    "account:Get": Case([(a,) for a in ACCOUNTS], _field("account_id"), False),
    "account:List": Case([()], _field("account_id"), True),
    "investor:Get": Case(
        [(i,) for i in ("INV-AYESHA", "INV-CHEN", "INV-ERUM", "PD-BETA")], _investor, False
    ),
    "investor:PersonalDataStatus": Case(
        [(i,) for i in ("INV-AYESHA", "INV-CHEN", "INV-ERUM")], _investor, False
    ),
    "cash:Balance": Case([(a,) for a in ACCOUNTS], _field("account_id"), False),
    "holding:ByAccount": Case([(a,) for a in ACCOUNTS], _field("account_id"), True, key="0"),
    "holding:ByInstrument": Case([(BOND,), (BILL,)], _field("account_id"), True),
    "holding:History": Case([(BOND, a) for a in ACCOUNTS], _field("account_id"), True, key="1"),
    "settlement:Get": Case(
        [("TRD-1",), ("TRD-2",)], _field("seller_account", "buyer_account"), False
    ),
    "settlement:List": Case([()], _field("seller_account", "buyer_account"), True),
    "investor:CheckTransfer": Case(
        [
            (BOND, "SGL-ALPHA", "IPS-CHEN", str(MILLION)),
            (BOND, "IPS-ERUM", "IPS-AYESHA", str(MILLION)),
            (BOND, "SGL-BETA", "IPS-ERUM", str(MILLION)),
        ],
        _public,
        False,
        key="1",
    ),
    "lifecycle:Claims": Case([(BOND, "2022-02-21")], _field("holder_account"), True),
    "auction:Allotments": Case([(AUCTION,)], _field("account_id"), True),
    "auction:Bids": Case([(AUCTION,)], _field("account_id"), True),
    "control:Action": Case([("CA-000001",)], _public, False),
    "control:Actions": Case([()], _public, True),
    "control:FrozenParts": Case([(a,) for a in ACCOUNTS], _field("account_id"), True, key="0"),
    "document:Get": Case([("PR-BOND",)], _public, False),
    "document:ForInstrument": Case([(BOND,)], _public, True),
    "document:List": Case([()], _public, True),
    "audit:History": Case(
        [("account", '["IPS-ERUM"]'), ("holding", f'["{BOND}", "IPS-AYESHA"]')], _public, True
    ),
    "audit:WholeRegister": Case([()], _public, False),
}


def evaluate_functions() -> set[str]:
    """Every evaluate transaction of every contract, from the chaincode's metadata."""
    found = set()
    contracts = chaincode.metadata()["contracts"]
    assert isinstance(contracts, dict)
    for namespace, contract in contracts.items():
        for tx in contract["transactions"]:
            if "EVALUATE" in tx["tag"]:
                found.add(f"{namespace}:{tx['name']}")
    return found


def test_every_query_has_one_row_and_a_case() -> None:
    queries = evaluate_functions()
    assert queries, "no evaluate transaction found"
    assert set(READ_ACCESS) == queries, "a query without a row in READ_ACCESS (or a stale row)"
    assert set(CASES) == queries, "a query this test does not walk"
    for function, row in READ_ACCESS.items():
        assert set(row) == set(Reader), f"{function}: a reader without a scope"


@pytest.fixture(scope="module")
def market() -> Market:
    """Every kind of record the queries read: accounts and clients of two banks and an
    investor who controls its own sub-account, holdings, cash, a trade, a settled auction
    with allotments and paid coupon claims."""
    market = announced()
    market.ok(central_bank(), "calendar:Publish", calendar_publication("2021-08-18"))
    market.register(
        dealer_alpha(), investor_spec("INV-AYESHA") | {"investor_id": "INV-ERUM"}, b"{}"
    )
    market.ok(
        dealer_alpha(),
        "account:Open",
        account_spec("IPS-ERUM", "INVESTOR", "INV-ERUM", "CentralBankMSP/erum", "SGL-ALPHA"),
    )
    place_book(market)
    market.ok(central_bank(), "auction:Close", AUCTION)
    market.ok(treasury(), "auction:CutOff", AUCTION, [{"instrument_id": BILL, "level": "97.8000"}])
    market.on(SETTLEMENT_DAY)
    market.ok(central_bank(), "auction:Settle", AUCTION, 20)
    market.ok(treasury(), "instrument:Create", bond_spec())
    market.ok(central_bank(), "instrument:Approve", BOND)
    market.ok(
        treasury(),
        "instrument:Issue",
        BOND,
        [
            {"account_id": "SGL-ALPHA", "amount": 300 * MILLION, "price_per_100": "100.0000"},
            {"account_id": "SGL-BETA", "amount": 200 * MILLION, "price_per_100": "100.0000"},
        ],
    )
    distribute_bond(market)
    register_document(market, "PR-BOND", "PROSPECTUS", BOND)
    market.ok(
        central_bank(),
        "control:FreezeHolding",
        BOND,
        "IPS-AYESHA",
        str(MILLION),
        order("SUSPECTED_FRAUD"),
    )
    for instruction_id, seller, buyer, instructor in (
        ("TRD-1", "SGL-ALPHA", "SGL-BETA", dealer_alpha),
        ("TRD-2", "IPS-ERUM", "IPS-AYESHA", investor_erum),
    ):
        market.ok(
            instructor(),
            "settlement:Instruct",
            {
                "instruction_id": instruction_id,
                "instrument_id": BOND,
                "seller_account": seller,
                "buyer_account": buyer,
                "quantity": MILLION,
                "price_per_100": "100",
                "settlement_date": "2021-08-24",
            },
        )
    market.on(dt.date(2022, 2, 21))
    market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "100")
    # A governance change the treasury proposed and the central bank has not approved.
    proposal = market.ok(treasury(), "governance:Propose", governance_config(utc_offset_minutes=0))
    assert isinstance(proposal, dict)
    PROPOSAL_ARGS[:] = [(str(proposal["proposal_id"]),)]
    return market


def distribute_bond(market: Market) -> None:
    market.on(dt.date(2021, 8, 20))
    for dealer, sender, receiver, amount in (
        (dealer_alpha, "SGL-ALPHA", "IPS-AYESHA", 10 * MILLION),
        (dealer_alpha, "SGL-ALPHA", "IPS-ERUM", 5 * MILLION),
        (dealer_beta, "SGL-BETA", "IPS-CHEN", 20 * MILLION),
    ):
        market.ok(dealer(), "holding:Transfer", BOND, sender, receiver, str(amount))


def answer(market: Market, creator: bytes, function: str, args: tuple[str, ...]) -> object:
    """The query's JSON answer, or its error code."""
    result = market.call(creator, function, *args, commit=False)
    if not result.ok:
        return ("error", result.response.message.split(":", 1)[0])
    return json.loads(result.payload) if result.payload else None


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
@pytest.mark.parametrize("function", sorted(CASES))
def test_each_reader_sees_what_the_table_says(market: Market, function: str, role: Role) -> None:
    case = CASES[function]
    scope = READ_ACCESS[function][role.reader]
    for args in case.args:
        whole = answer(market, central_bank(), function, args)
        got = answer(market, role.creator(), function, args)
        if scope is Scope.NONE:
            assert got == ("error", "UNAUTHORIZED"), (function, args)
            continue
        if scope is Scope.ALL or isinstance(whole, tuple):  # an error is everyone's
            assert got == whole, (function, args)
            continue
        if case.listing and case.key is None:
            assert isinstance(whole, list)
            assert got == [row for row in whole if case.rows(row) & role.own], (function, args)
            continue
        named = {args[int(case.key)]} if case.key is not None else case.rows(whole)
        mine = bool(named & role.own)
        if function in ("investor:Get", "investor:PersonalDataStatus"):
            mine = mine or args[0] in role.onboarded
        assert got == (whole if mine else ("error", "UNAUTHORIZED")), (function, args)


def test_the_walk_covers_answers_with_rows_and_refusals(market: Market) -> None:
    """The market is not empty: the regulator's lists have rows, and some reader is
    refused or filtered on every client-level query."""
    for function in ("account:List", "settlement:List", "lifecycle:Claims", "auction:Allotments"):
        (args,) = CASES[function].args
        whole = answer(market, central_bank(), function, args)
        assert isinstance(whole, list), function
        assert len(whole) >= 2, function
        seen = answer(market, dealer_beta(), function, args)
        assert isinstance(seen, list), function
        assert 0 < len(seen) < len(whole), function


def test_a_bank_cannot_read_another_banks_client(market: Market) -> None:
    for function, args in (
        ("investor:Get", ("INV-CHEN",)),
        ("account:Get", ("IPS-CHEN",)),
        ("holding:ByAccount", ("IPS-CHEN",)),
        ("cash:Balance", ("IPS-CHEN",)),
        ("holding:History", (BOND, "IPS-CHEN")),
    ):
        assert answer(market, dealer_alpha(), function, args) == ("error", "UNAUTHORIZED")
        assert not isinstance(answer(market, dealer_beta(), function, args), tuple)


def test_no_event_names_an_account_or_an_investor(market: Market) -> None:
    names = set(OWNERS) | set(OWNERS.values()) | {"TREASURY-CASH", "FBR-TAX"}
    events = [r.event for r in market.results if r.event is not None and r.committed]
    assert len(events) > 20
    for event in events:
        payload = json.loads(event.payload)
        assert set(payload) <= PUBLIC_EVENT_FIELDS, event.name
        text = event.payload.decode()
        assert not any(f'"{name}"' in text for name in names), (event.name, text)
