"""Property-based fuzzing of every submit transaction of the sovereign asset contracts.

Arguments follow each parameter's JSON schema from the chaincode's own metadata, drawn
towards the market's real identifiers, with wrong types, missing and extra fields, odd
numbers, garbage text and wrong argument counts mixed in; callers are the market's cast
and a stranger. Each case runs twice on the in-memory ledger (simulated, then committed)
and must:

- never crash: a refusal carries one of the client's stable error codes, never INTERNAL;
- be deterministic: the same response, write set and event both times;
- conserve: after a committed case, each instrument's holdings sum to issued - redeemed
  and the accounts' cash to the cash minted minus withdrawn.

The CI profile runs a fixed seed; ``SOV_RELIABILITY_PROFILE=long`` runs 100,000 cases.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from fabric_chaincode import Timestamp, run_transaction
from sovereign_assets.chaincode import chaincode
from sovereign_client.errors import codes
from tests.contract.market import (
    NAMESPACE,
    PKT,
    Market,
    central_bank,
    central_bank_admin,
    dealer_alpha,
    dealer_beta,
    exchange,
    identity,
    treasury,
)
from tests.contract.scenario import (
    BILL,
    BOND,
    BOND_DENOMINATION,
    account_spec,
    bond_spec,
    bootstrap,
    create_and_issue,
    distribute,
)

from .ledger import FUZZ_SEED, LONG, SHARDS

CASES = (100_000 if LONG else 1_000) // SHARDS
METADATA: dict[str, Any] = chaincode.metadata()
SCHEMAS: dict[str, Any] = METADATA["components"]["schemas"]
TRANSACTIONS = sorted(
    (f"{contract}:{tx['name']}", [p["schema"] for p in tx["parameters"]])
    for contract, spec in METADATA["contracts"].items()
    for tx in spec["transactions"]
    if tx["tag"][0] == "SUBMIT"
)
KNOWN_CODES = codes() - {"INTERNAL"}
CALLERS: list[Callable[[], bytes]] = [
    treasury,
    central_bank,
    central_bank_admin,
    exchange,
    dealer_alpha,
    dealer_beta,
    lambda: identity("StrangerMSP", "stranger", "registrar"),
]
IDS = [
    BILL,
    BOND,
    "SGL-ALPHA",
    "SGL-BETA",
    "IPS-AYESHA",
    "IPS-BILAL",
    "IPS-CHEN",
    "IPS-DANA",
    "TREASURY-CASH",
    "FBR-TAX",
    "INV-AYESHA",
    "PD-ALPHA",
    "TRD-FUZZ",
    "2021-08-19",
    "2021-09-01",
    "2022-02-19",
    "2022-02-21",
    "CentralBankMSP/alpha-ops",
    "FILER",
    "VERIFIED",
    "DEMO",
]
DECIMALS = st.one_of(
    st.sampled_from(["0", "0.1", "99.8750", "100", "-1", "1e3", "0.000000001", "NaN", ""]),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
)
INTEGERS = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([100_000 * 100, 5_000 * 100, 10**8, 2**63, -(2**63), 10**30]),
    st.integers(),
)
TEXT = st.one_of(st.sampled_from(IDS), st.text(max_size=12))


def value(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped by ``schema``, with wrong ones mixed in."""
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    wrong = st.one_of(st.none(), st.booleans(), INTEGERS, TEXT, st.just([]), st.just({}))
    if "enum" in schema:
        shaped: st.SearchStrategy[Any] = st.sampled_from([*schema["enum"], "BOGUS"])
    elif schema.get("type") == "string":
        shaped = DECIMALS if "pattern" in schema else TEXT
    elif schema.get("type") == "integer":
        shaped = INTEGERS
    elif schema.get("type") == "boolean":
        shaped = st.booleans()
    elif schema.get("type") == "array":
        items = schema.get("items", {"type": "string"})
        shaped = st.lists(value(items, depth + 1), max_size=3) if depth < 3 else st.just([])
    elif schema.get("type") == "object" and "properties" in schema and depth < 3:
        properties = schema["properties"]
        shaped = st.fixed_dictionaries(
            {},
            optional={name: value(sub, depth + 1) for name, sub in properties.items()},
        )
        full = st.fixed_dictionaries({n: value(s, depth + 1) for n, s in properties.items()})
        shaped = st.one_of(full, full, shaped)
    elif schema.get("type") == "object":
        shaped = st.dictionaries(TEXT, DECIMALS, max_size=2)
    else:
        shaped = wrong
    return st.one_of(shaped, shaped, shaped, shaped, shaped, shaped, shaped, wrong)


PLAUSIBLE: dict[str, tuple[int, list[Any]]] = {
    # function: (index of the caller in CALLERS who may send it, well-formed arguments)
    "holding:Transfer": (4, [BOND, "SGL-ALPHA", "IPS-AYESHA", BOND_DENOMINATION]),
    "cash:Mint": (1, ["SGL-ALPHA", 1_000]),
    "cash:Withdraw": (1, ["SGL-BETA", 1_000]),
    "instrument:Issue": (
        0,
        [BOND, [{"account_id": "SGL-ALPHA", "amount": BOND_DENOMINATION, "price_per_100": "99"}]],
    ),
    "instrument:Create": (0, [bond_spec() | {"instrument_id": "PK0000PIB777"}]),
    "control:PauseInstrument": (1, [BILL, {"reason": "CORPORATE_ACTION"}]),
    "control:ResumeInstrument": (1, [BILL, {"reason": "RELEASE"}]),
    "control:FreezeAccount": (1, ["IPS-BILAL", {"reason": "SANCTIONS"}]),
    "control:UnfreezeAccount": (1, ["IPS-BILAL", {"reason": "RELEASE"}]),
    "account:Open": (
        1,
        [account_spec("SGL-FUZZ", "DEALER", "PD-ALPHA", "CentralBankMSP/alpha-ops")],
    ),
    "settlement:Instruct": (
        4,
        [
            {
                "instruction_id": "TRD-FUZZ",
                "instrument_id": BOND,
                "seller_account": "SGL-ALPHA",
                "buyer_account": "SGL-BETA",
                "quantity": BOND_DENOMINATION,
                "price_per_100": "99.5000",
                "settlement_date": "2021-09-01",
            }
        ],
    ),
    "settlement:Affirm": (5, ["TRD-FUZZ"]),
    "settlement:Match": (3, ["TRD-FUZZ"]),
    "settlement:Settle": (3, ["TRD-FUZZ"]),
    "settlement:Cancel": (4, ["TRD-FUZZ"]),
    "lifecycle:PayCoupon": (0, [BOND, "2022-02-21", 2]),
}
"""Requests that may succeed, for the cases that mutate a field or two of a good request
(so that fuzzing reaches the rules past argument parsing and commits now and then)."""


def mutated(argument: Any, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """``argument``, kept or with one of its fields (or itself) replaced."""
    if isinstance(argument, dict) and argument:
        if "$ref" in schema:
            schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
        properties = schema.get("properties", {})
        return st.sampled_from(sorted(argument)).flatmap(
            lambda field: value(properties.get(field, {})).map(lambda new: {**argument, field: new})
        ) | st.just(argument)
    if isinstance(argument, int) and not isinstance(argument, bool):
        return st.sampled_from([argument, -argument, argument * 3, argument + 1, 0]) | INTEGERS
    return st.just(argument) | value(schema)


def encode(argument: Any) -> str:
    return argument if isinstance(argument, str) else json.dumps(argument)


@st.composite
def fuzz_case(
    draw: st.DrawFn, function: str, parameters: list[Any]
) -> tuple[list[str], int, dict[str, bytes] | None]:
    if function in PLAUSIBLE and draw(st.booleans()):
        caller, good = PLAUSIBLE[function]
        args = [
            encode(draw(mutated(a, p) if draw(st.booleans()) else st.just(a)))
            for a, p in zip(good, parameters, strict=True)
        ]
        if draw(st.integers(0, 3)):
            return args, caller, None
    else:
        args = [encode(draw(value(p))) for p in parameters]
    shape = draw(st.integers(0, 19))
    if shape == 0 and args:
        args = args[:-1]  # one argument too few
    elif shape == 1:
        args = [*args, draw(TEXT)]  # one too many
    elif shape == 2 and args:
        args[draw(st.integers(0, len(args) - 1))] = draw(st.text(max_size=40))  # garbage
    caller = draw(st.integers(0, len(CALLERS) - 1))
    transient = draw(
        st.one_of(
            st.none(),
            st.just({"pii": b'{"name":"x"}'}),
            st.binary(max_size=8).map(lambda b: {"pii": b}),
        )
    )
    return args, caller, transient


def conserved(market: Market) -> None:
    """Holdings sum to issued - redeemed; accounts' cash to minted - withdrawn."""
    instruments = market.query("instrument:List")
    assert isinstance(instruments, list)
    for record in instruments:
        rows = market.query("holding:ByInstrument", record["spec"]["instrument_id"])
        assert isinstance(rows, list)
        held = sum(r["amount"] for r in rows)
        assert held == record["issued"] - record["redeemed"], record["spec"]["instrument_id"]
    accounts = market.query("account:List")
    assert isinstance(accounts, list)
    cash = 0
    for account in accounts:
        row = market.query("cash:Balance", account["account_id"])
        assert isinstance(row, dict)
        cash += row["amount"]
    raw = market.ledger.get(NAMESPACE, "\x00cashSupply\x00total\x00")
    supply = json.loads(raw) if raw else {"minted": 0, "burned": 0}
    assert cash == supply["minted"] - supply["burned"]


@pytest.fixture(scope="module")
def market() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    market.on(dt.date(2021, 9, 1))
    conserved(market)
    return market


RAN: collections.Counter[str] = collections.Counter()
OUTCOMES: collections.Counter[str] = collections.Counter()


# Every transaction gets the same share of the cases (drawing the transaction too left
# some with a handful once the contracts grew), so a new transaction is fuzzed as hard.
PER_TRANSACTION = max(8, -(-CASES // len(TRANSACTIONS)))


@pytest.mark.parametrize(("function", "parameters"), TRANSACTIONS, ids=[t[0] for t in TRANSACTIONS])
@seed(FUZZ_SEED)
@settings(
    max_examples=PER_TRANSACTION,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_transaction_crashes_writes_non_deterministically_or_breaks_conservation(
    market: Market, function: str, parameters: list[Any], data: st.DataObject
) -> None:
    args, caller, transient = data.draw(fuzz_case(function, parameters))
    RAN[function] += 1
    creator = CALLERS[caller]()
    txid = f"fuzz-{sum(RAN.values())}"
    moment = dt.datetime.combine(market.today, dt.time(11, 0), tzinfo=PKT)
    timestamp = Timestamp(seconds=int(moment.timestamp()))
    runs = [
        run_transaction(
            chaincode,
            market.ledger,
            function,
            *args,
            namespace=NAMESPACE,
            txid=txid,
            timestamp=timestamp,
            creator=creator,
            transient=transient,
            commit=commit,
        )
        for commit in (False, True)
    ]
    simulated, committed = runs
    assert simulated.response == committed.response, (function, args)
    assert simulated.writes == committed.writes, (function, args)
    assert simulated.event == committed.event, (function, args)
    if not committed.ok:
        code = committed.response.message.split(":", 1)[0]
        assert code in KNOWN_CODES, (function, args, committed.response.message)
        assert committed.writes == {} or not committed.committed
        OUTCOMES["refused"] += 1
        return
    OUTCOMES["committed"] += 1
    if committed.writes:
        conserved(market)


def test_every_submit_transaction_was_fuzzed() -> None:
    """Runs after the fuzzing above (file order): each transaction had its share."""
    total = sum(RAN.values())
    print(
        f"\ncontract fuzzing: {total} cases, outcomes {dict(OUTCOMES)}, per transaction {dict(RAN)}"
    )
    assert total >= CASES
    assert set(RAN) == {name for name, _ in TRANSACTIONS}
    assert min(RAN.values()) >= PER_TRANSACTION
