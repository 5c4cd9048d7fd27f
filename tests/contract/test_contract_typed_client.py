"""The typed client drives the contracts: dataclasses in, dataclasses out, typed errors.

The invoker here runs each call through the chaincode on the in-memory ledger (a test
double of the Gateway invoker); on the network the same client runs over
``GatewayInvoker``. What is checked is the client's side: argument encoding, result
decoding and the mapping of every refusal to its exception class.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest

from sovereign_assets.schema.codes import ALL_CODES
from sovereign_assets.schema.messages import (
    Allotment,
    BarSpec,
    BarState,
    BillAuctionSpec,
    DocumentRegistration,
    InstructionSpec,
    InstrumentKind,
    InstrumentSpec,
    PkrvQuoteSpec,
)
from sovereign_client import SovereignClient, errors
from sovereign_client.errors import (
    BarAlreadyReleasedError,
    FixingUnavailableError,
    InsufficientHoldingError,
    InvalidArgumentError,
    NotMultipleOfDenominationError,
    NotWholeBarsError,
    SovereignError,
    UnauthorizedError,
    UnknownBarError,
    VaultAttestationRequiredError,
)

from .market import (
    Market,
    central_bank,
    dealer_alpha,
    dealer_beta,
    exchange,
    msp_of,
    treasury,
)
from .scenario import BOND, MILLION, bootstrap, create_and_issue


class MarketInvoker:
    """Runs ``contract:Function`` as one identity on the in-memory market."""

    def __init__(self, market: Market, creator: bytes) -> None:
        self.market = market
        self.creator = creator
        self.own_org_only: list[str] = []  # functions submitted for the caller's org alone

    def submit(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None = None,
        *,
        own_org_only: bool = False,
    ) -> bytes:
        if own_org_only:
            self.own_org_only.append(function)
        return self._run(
            function,
            arguments,
            transient,
            endorsing_orgs=[msp_of(self.creator)] if own_org_only else None,
            commit=True,
        )

    def evaluate(self, function: str, arguments: Sequence[str]) -> bytes:
        # As on Fabric: an evaluation is never committed, whatever it wrote.
        return self._run(function, arguments, None, endorsing_orgs=None, commit=False)

    def _run(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None,
        *,
        endorsing_orgs: Sequence[str] | None,
        commit: bool,
    ) -> bytes:
        result = self.market.call(
            self.creator,
            function,
            *arguments,
            transient=transient,
            endorsing_orgs=endorsing_orgs,
            commit=commit,
        )
        if not result.ok:
            typed = errors.from_message(result.response.message)
            assert typed is not None, result.response.message
            raise typed
        assert not commit or result.committed, f"{function}: {result.validation_code}"
        return result.payload


@pytest.fixture
def market() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    return market


def as_(market: Market, creator: bytes) -> SovereignClient:
    return SovereignClient(MarketInvoker(market, creator))


def test_every_chaincode_code_has_its_own_exception_class() -> None:
    assert errors.codes() == set(ALL_CODES)
    for code in ALL_CODES:
        cls = errors.error_class(code)
        assert cls is not None
        assert issubclass(cls, SovereignError)
        assert cls.error_code == code


def test_queries_decode_into_the_schema_records(market: Market) -> None:
    registrar = as_(market, central_bank())
    bond = registrar.instruments.get(BOND)
    assert bond.spec.instrument_id == BOND
    assert bond.spec.coupon_rate == Decimal("0.07")
    assert bond.spec.kind is InstrumentKind.FIXED_RATE_BOND
    assert bond.issued == 500 * MILLION
    holders = {h.account_id: h.amount for h in registrar.holdings.by_instrument(BOND)}
    assert holders == {"SGL-ALPHA": 300 * MILLION, "SGL-BETA": 200 * MILLION}
    schedule = registrar.instruments.schedule(BOND)
    assert [f.payment_date for f in schedule][:2] == ["2022-02-21", "2022-08-19"]
    assert all(isinstance(f.amount_per_unit, Decimal | None) for f in schedule)
    assert registrar.cash.balance("SGL-ALPHA").amount == 500 * MILLION
    assert {a.account_id for a in registrar.accounts.list()} >= {"SGL-ALPHA", "IPS-AYESHA"}


def test_a_dvp_trade_through_the_typed_client(market: Market) -> None:
    market.on(dt.date(2021, 8, 23))
    alpha, beta = as_(market, dealer_alpha()), as_(market, dealer_beta())
    instruction = InstructionSpec(
        instruction_id="TRD-1",
        instrument_id=BOND,
        seller_account="SGL-ALPHA",
        buyer_account="SGL-BETA",
        quantity=50 * MILLION,
        price_per_100=Decimal("99.5000"),
        settlement_date="2021-08-24",
    )
    assert alpha.settlements.instruct(instruction).state == "AFFIRMED_BY_ONE"
    assert beta.settlements.affirm("TRD-1").instruction_id == "TRD-1"
    market.on(dt.date(2021, 8, 24))
    settled = as_(market, exchange()).settlements.settle("TRD-1")
    assert settled.state == "SETTLED"
    assert settled.cash_amount == 49_750_000 * 100 + 4_755_435  # clean + 5/184 accrued
    registrar = as_(market, central_bank())
    assert registrar.cash.balance("SGL-ALPHA").amount == 500 * MILLION + settled.cash_amount
    check = registrar.investors.check_transfer(BOND, "SGL-BETA", "SGL-ALPHA", 1)
    assert check.allowed is False
    assert check.reason == "NOT_MULTIPLE_OF_DENOMINATION"


def test_only_the_regulator_reads_the_whole_register(market: Market) -> None:
    """What ``sov report reconcile`` asks first: a bank, the exchange or the treasury sees
    only its own rows, so a report over the register refuses them with its own class."""
    assert as_(market, central_bank()).audit.whole_register().reader == "REGULATOR"
    for creator in (dealer_alpha(), dealer_beta(), exchange(), treasury()):
        with pytest.raises(UnauthorizedError) as caught:
            as_(market, creator).audit.whole_register()
        assert caught.value.error_code == "UNAUTHORIZED"


def test_refusals_raise_their_own_classes_and_change_nothing(market: Market) -> None:
    alpha = as_(market, dealer_alpha())
    with pytest.raises(InsufficientHoldingError) as caught:
        alpha.holdings.transfer(BOND, "SGL-ALPHA", "IPS-AYESHA", 900 * MILLION)
    assert caught.value.error_code == "INSUFFICIENT_HOLDING"
    with pytest.raises(NotMultipleOfDenominationError):
        alpha.holdings.transfer(BOND, "SGL-ALPHA", "IPS-AYESHA", 12_345)
    with pytest.raises(UnauthorizedError):
        alpha.cash.mint("SGL-ALPHA", 1)
    with pytest.raises(UnauthorizedError):
        as_(market, exchange()).instruments.issue(BOND, [Allotment("SGL-ALPHA", 100 * MILLION)])
    with pytest.raises(InvalidArgumentError):
        as_(market, treasury()).instruments.create(
            InstrumentSpec(
                instrument_id="bad id!", kind=InstrumentKind.TREASURY_BILL, min_denomination=0
            )
        )
    registrar = as_(market, central_bank())
    assert registrar.holdings.by_account("IPS-AYESHA") == []
    assert registrar.cash.balance("SGL-ALPHA").amount == 500 * MILLION


def test_only_catalogue_codes_are_parsed() -> None:
    # A code the catalogue does not hold is not guessed at: the Gateway error stays as it
    # came, with its text; upper-case words before a colon are no code either.
    assert errors.from_message("chaincode response 500, NEW_RULE_CODE: added later") is None
    assert errors.from_message("TLS: handshake failed, then UNKNOWN_BAR: SBP-9") is not None
    assert errors.from_message("no code in this text") is None
    too_large = errors.from_message("chaincode response 500, RESPONSE_TOO_LARGE: page it")
    assert isinstance(too_large, errors.ResponseTooLargeError)
    assert str(too_large) == "RESPONSE_TOO_LARGE: page it"
    assert too_large.message == "page it"


def test_bars_and_market_data_fixings_through_the_typed_client(market: Market) -> None:
    debt_office, registrar = as_(market, treasury()), as_(market, central_bank())
    gold = InstrumentSpec(
        instrument_id="PK0000XAU001",
        kind=InstrumentKind.COMMODITY_RESERVE,
        min_denomination=1000,
        commodity="XAU",
        bars=[BarSpec(f"SBP-000{n}", 1_000_000, 9999, 10000, "KHI-1") for n in (1, 2)],
    )
    debt_office.instruments.create(gold)
    with pytest.raises(VaultAttestationRequiredError):
        registrar.instruments.approve(gold.instrument_id)
    registrar.documents.register(
        DocumentRegistration(
            "VA-KHI-1",
            "VAULT_ATTESTATION",
            "KHI-1 vault attestation",
            "https://vault.example.org/khi-1.pdf",
            "a" * 64,
            gold.instrument_id,
        )
    )
    registrar.instruments.approve(gold.instrument_id)
    debt_office.instruments.issue(gold.instrument_id, [Allotment("SGL-ALPHA", 2_000_000)])
    alpha = as_(market, dealer_alpha())
    delivered = alpha.lifecycle.redeem_bars(gold.instrument_id, "SGL-ALPHA", ("SBP-0002",))
    assert (delivered.serials, delivered.retired, delivered.holding) == (
        ["SBP-0002"],
        1_000_000,
        1_000_000,
    )
    bars = registrar.instruments.bars(gold.instrument_id)
    assert [(b.serial, b.state, b.released_to) for b in bars] == [
        ("SBP-0001", BarState.ALLOCATED, None),
        ("SBP-0002", BarState.RELEASED, "SGL-ALPHA"),
    ]
    with pytest.raises(BarAlreadyReleasedError):
        alpha.lifecycle.redeem_bars(gold.instrument_id, "SGL-ALPHA", ["SBP-0002"])
    with pytest.raises(UnknownBarError):
        alpha.lifecycle.redeem_bars(gold.instrument_id, "SGL-ALPHA", ["SBP-0009"])
    with pytest.raises(NotWholeBarsError):
        alpha.lifecycle.redeem_bars(gold.instrument_id, "SGL-ALPHA", [])
    with pytest.raises(UnauthorizedError):
        as_(market, dealer_beta()).lifecycle.redeem_bars(
            gold.instrument_id, "SGL-ALPHA", ["SBP-0001"]
        )

    floater = InstrumentSpec(
        instrument_id="PK0000PFL001",
        kind=InstrumentKind.FLOATING_RATE_BOND,
        min_denomination=10_000_000,
        issue_date="2021-08-19",
        maturity_date="2024-08-19",
        day_count="ACT/ACT-ICMA",
        frequency=2,
        calendar_id="PK-SBP",
        benchmark_tenor_days=182,
        margin_bps=70,
    )
    debt_office.instruments.create(floater)
    market.on(dt.date(2021, 8, 20))
    with pytest.raises(FixingUnavailableError):
        registrar.lifecycle.resolve_fixing(floater.instrument_id, dt.date(2022, 2, 19))
    stored = registrar.lifecycle.record_bill_auction(
        BillAuctionSpec(182, "2021-08-11", Decimal("0.0725"))
    )
    assert (stored.weighted_average_yield, stored.all_bids_rejected) == (Decimal("0.0725"), False)
    quote = registrar.lifecycle.record_pkrv(PkrvQuoteSpec(182, "2021-08-17", Decimal("0.0731")))
    assert quote.rate == Decimal("0.0731")
    with pytest.raises(UnauthorizedError):
        debt_office.lifecycle.record_pkrv(PkrvQuoteSpec(182, "2021-08-16", Decimal("0.07")))
    fixed = registrar.lifecycle.resolve_fixing(floater.instrument_id, "2022-02-19")
    assert (fixed.source, fixed.rate, fixed.fixing_date) == (
        "AUCTION",
        Decimal("0.0725"),
        "2021-08-19",
    )
    assert fixed.evidence_dates == ["2021-08-11"]
    assert registrar.instruments.get(floater.instrument_id).fixings == {
        "2022-02-19": Decimal("0.0725")
    }
