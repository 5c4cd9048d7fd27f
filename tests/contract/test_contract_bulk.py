"""Bounded batch paths for many holders: ``account:OpenMany`` and ``instrument:Issue`` in
chunks, and the reads a payment batch makes (a few multi-key requests, not one per holder)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence

import pytest

from fabric_chaincode.testing import InMemoryStub

from .market import Market, central_bank, dealer_alpha, dealer_beta, exchange, treasury
from .scenario import BOND, BOND_DENOMINATION, account_spec, market_with_holders


def _sub_account(account_id: str, parent: str = "SGL-ALPHA") -> dict[str, object]:
    return account_spec(account_id, "INVESTOR", "INV-AYESHA", "CentralBankMSP/alpha-ops", parent)


@pytest.fixture(scope="module")
def small_market() -> Market:
    return market_with_holders(3, treasury_cash=10**12)


@pytest.fixture
def market(small_market: Market) -> Market:
    return copy.deepcopy(small_market)


def test_open_many_opens_every_account_in_one_transaction(market: Market) -> None:
    specs = [_sub_account(f"BULK-{n:04d}") for n in range(250)]
    records = market.ok(dealer_alpha(), "account:OpenMany", specs)
    event = market.results[-1].event
    assert event is not None
    assert event.name == "AccountsOpened"
    assert isinstance(records, list)
    assert [r["account_id"] for r in records] == [s["account_id"] for s in specs]
    assert all(r["parent_account_id"] == "SGL-ALPHA" for r in records)
    listed = market.query("account:Get", "BULK-0249")
    assert isinstance(listed, dict)
    assert listed["owner_id"] == "INV-AYESHA"


@pytest.mark.parametrize(
    ("specs", "code"),
    [
        ([], "INVALID_ARGUMENT"),
        ([_sub_account(f"BULK-{n:04d}") for n in range(1_001)], "INVALID_ARGUMENT"),
        ([_sub_account("BULK-0001"), _sub_account("BULK-0001")], "ALREADY_EXISTS"),
        ([_sub_account("BULK-0001"), _sub_account("IPS-000002")], "ALREADY_EXISTS"),
        ([_sub_account("BULK-0001"), _sub_account("BULK-0002", "NO-SUCH")], "UNKNOWN_ACCOUNT"),
        ([_sub_account("BULK-0001"), _sub_account("bad/id")], "INVALID_ARGUMENT"),
    ],
    ids=["empty", "over-1000", "twice-in-batch", "exists", "unknown-parent", "bad-id"],
)
def test_open_many_is_all_or_nothing(
    market: Market, specs: Sequence[dict[str, object]], code: str
) -> None:
    # ``fails`` also checks that the ledger is unchanged: the good first spec is not kept.
    assert market.fails(dealer_alpha(), "account:OpenMany", list(specs)) == code


def test_open_many_checks_control_of_every_parent(market: Market) -> None:
    # BETA's controller may not open sub-accounts under ALPHA's dealer account.
    specs = [_sub_account("BULK-0001")]
    assert market.fails(dealer_beta(), "account:OpenMany", specs) == "UNAUTHORIZED"


def test_issue_takes_at_most_a_thousand_allotments_per_call(market: Market) -> None:
    specs = [_sub_account(f"BULK-{n:04d}") for n in range(1_000)]
    market.ok(dealer_alpha(), "account:OpenMany", specs)
    market.ok(dealer_alpha(), "account:OpenMany", [_sub_account("BULK-1000")])
    # Debt is never issued free: each allotment carries its price, ALPHA pays for its clients.
    market.ok(central_bank(), "cash:Mint", "SGL-ALPHA", str(1_001 * BOND_DENOMINATION))
    allotments = [
        {"account_id": f"BULK-{n:04d}", "amount": BOND_DENOMINATION, "price_per_100": "100.0000"}
        for n in range(1_001)
    ]
    assert market.fails(treasury(), "instrument:Issue", BOND, allotments) == "INVALID_ARGUMENT"
    market.ok(treasury(), "instrument:Issue", BOND, allotments[:1_000])
    market.ok(treasury(), "instrument:Issue", BOND, allotments[1_000:])
    holdings = market.query("holding:ByInstrument", BOND)
    assert isinstance(holdings, list)
    assert len(holdings) == 3 + 1_001


class _Reads:
    """Counts the single-key reads and the multi-key requests of the in-memory stub."""

    def __init__(self) -> None:
        self.single = 0
        self.multiple: list[int] = []


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> _Reads:
    counted = _Reads()
    get_state = InMemoryStub.get_state

    def counting_get_state(self: InMemoryStub, key: str) -> bytes | None:
        counted.single += 1
        return get_state(self, key)

    def counting_get_multiple(self: InMemoryStub, keys: Sequence[str]) -> list[bytes | None]:
        counted.multiple.append(len(keys))
        return [get_state(self, k) for k in keys]

    monkeypatch.setattr(InMemoryStub, "get_state", counting_get_state)
    monkeypatch.setattr(InMemoryStub, "get_multiple_states", counting_get_multiple)
    return counted


@pytest.fixture(scope="module")
def holders_market() -> Market:
    market = market_with_holders(200, treasury_cash=10**12)
    market.on(dt.date(2022, 2, 21))
    market.open_today()
    return market


def _pay_one_batch(market: Market, size: int, reads: _Reads) -> tuple[int, list[int]]:
    reads.single, reads.multiple = 0, []
    result = market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", str(size))
    assert isinstance(result, dict)
    assert result["paid"] == size
    return reads.single, reads.multiple


def test_a_payment_batch_reads_per_holder_keys_in_a_few_requests(
    holders_market: Market, reads: _Reads
) -> None:
    single_10, multiple_10 = _pay_one_batch(copy.deepcopy(holders_market), 10, reads)
    single_100, multiple_100 = _pay_one_batch(copy.deepcopy(holders_market), 100, reads)
    # The single-key reads do not grow with the batch: every per-holder key (account,
    # owner, claim, holding, cash) comes in one of a fixed number of multi-key requests.
    assert single_10 == single_100
    assert len(multiple_10) == len(multiple_100)
    assert sum(multiple_100) > sum(multiple_10) >= 10


def test_each_key_is_read_once_per_transaction(holders_market: Market) -> None:
    market = copy.deepcopy(holders_market)
    keys: list[str] = []
    get_state = InMemoryStub.get_state

    def recording(self: InMemoryStub, key: str) -> bytes | None:
        keys.append(key)
        return get_state(self, key)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(InMemoryStub, "get_state", recording)
        market.ok(treasury(), "lifecycle:PayCoupon", BOND, "2022-02-21", "50")
    assert keys, "the batch reads the ledger"
    assert len(keys) == len(set(keys))


# -- DvP in one transaction: settlement:Execute -----------------------------------------


@pytest.fixture(scope="module")
def trading_market() -> Market:
    market = market_with_holders(2, treasury_cash=10**12, dealer_bond=100 * BOND_DENOMINATION)
    market.ok(central_bank(), "cash:Mint", "SGL-BETA", str(10**13))
    market.on(dt.date(2021, 8, 23))
    market.open_today()
    return market


def _trade(instruction_id: str, price: str = "99.5000") -> dict[str, object]:
    return {
        "instruction_id": instruction_id,
        "instrument_id": BOND,
        "seller_account": "SGL-ALPHA",
        "buyer_account": "SGL-BETA",
        "quantity": 2 * BOND_DENOMINATION,
        "price_per_100": price,
        "settlement_date": "2021-08-23",
    }


def _balances(market: Market) -> tuple[object, ...]:
    return (
        market.query("cash:Balance", "SGL-ALPHA"),
        market.query("cash:Balance", "SGL-BETA"),
        market.query("holding:ByAccount", "SGL-ALPHA"),
        market.query("holding:ByAccount", "SGL-BETA"),
    )


def test_execute_equals_instruct_match_settle(trading_market: Market) -> None:
    in_three, in_one = copy.deepcopy(trading_market), copy.deepcopy(trading_market)
    in_three.ok(exchange(), "settlement:Instruct", _trade("TRD-1"))
    in_three.ok(exchange(), "settlement:Match", "TRD-1")
    three = in_three.ok(exchange(), "settlement:Settle", "TRD-1")
    one = in_one.ok(exchange(), "settlement:Execute", _trade("TRD-1"))
    assert isinstance(one, dict)
    assert isinstance(three, dict)
    assert one == three
    assert one["state"] == "SETTLED"
    event = in_one.results[-1].event
    assert event is not None
    assert event.name == "SettlementSettled"
    assert _balances(in_one) == _balances(in_three)
    assert _balances(in_one) != _balances(trading_market)
    # The instruction exists once: the same id cannot be executed or instructed again.
    assert in_one.fails(exchange(), "settlement:Execute", _trade("TRD-1")) == "ALREADY_EXISTS"


@pytest.mark.parametrize(
    ("creator", "trade", "code"),
    [
        (dealer_alpha, _trade("TRD-2"), "UNAUTHORIZED"),  # a party: only the exchange
        (exchange, _trade("TRD-2", "0.0001"), "OUTSIDE_PRICE_BAND"),  # needs both parties
        (exchange, {**_trade("TRD-2"), "quantity": 10**6 * BOND_DENOMINATION}, None),
        (exchange, {**_trade("TRD-2"), "seller_account": "NO-SUCH"}, "UNKNOWN_ACCOUNT"),
    ],
    ids=["party", "out-of-band", "too-much", "unknown-account"],
)
def test_execute_refuses_all_or_nothing(
    trading_market: Market, creator: Callable[[], bytes], trade: dict[str, object], code: str | None
) -> None:
    market = copy.deepcopy(trading_market)
    # ``fails`` checks that nothing was written: no instruction, no leg moved.
    refused = market.fails(creator(), "settlement:Execute", trade)
    if code is not None:
        assert refused == code
    else:
        assert refused in {"INSUFFICIENT_HOLDING", "INVALID_AMOUNT"}


def test_execute_reads_its_keys_in_three_requests(trading_market: Market, reads: _Reads) -> None:
    market = copy.deepcopy(trading_market)
    reads.single, reads.multiple = 0, []
    market.ok(exchange(), "settlement:Execute", _trade("TRD-1"))
    # The guards (barred identity, governance); the instrument, both accounts, the
    # instruction, the business date and the calendars; then both owners, holdings and
    # cash balances and the seller's frozen part - no key read on its own.
    assert reads.single == 0
    assert reads.multiple == [2, 6, 7]


def test_settle_reads_its_keys_in_a_few_requests(trading_market: Market, reads: _Reads) -> None:
    market = copy.deepcopy(trading_market)
    market.ok(exchange(), "settlement:Instruct", _trade("TRD-1"))
    market.ok(exchange(), "settlement:Match", "TRD-1")
    reads.single, reads.multiple = 0, []
    market.ok(exchange(), "settlement:Settle", "TRD-1")
    # The instruction alone first (it names the rest), then the same two requests.
    assert reads.single == 1
    assert reads.multiple == [2, 5, 7]
