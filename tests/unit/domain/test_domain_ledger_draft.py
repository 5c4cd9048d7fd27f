"""``LedgerDraft`` and ``pay_all``: many steps applied to one ledger give exactly what the
ledger's own methods give one by one - the same result, the same first error."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovereign_assets.domain.errors import DomainError
from sovereign_assets.domain.holdings import Ledger, LedgerDraft
from sovereign_assets.domain.payments import ClaimKey, HolderPayment, PaymentBook, pay, pay_all
from sovereign_assets.domain.tax import TaxSplit

ACCOUNTS = ("A", "B", "C", "T")
BOND = "PK0000PIB3Y1"

steps = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.sampled_from(ACCOUNTS), st.integers(-1, 4)),
        st.tuples(st.just("redeem"), st.sampled_from(ACCOUNTS), st.integers(-1, 4)),
        st.tuples(
            st.just("move_cash"),
            st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS)),
            st.integers(-1, 60),
        ),
    ),
    max_size=25,
)


def _start() -> Ledger:
    return Ledger(
        holdings=MappingProxyType({("A", BOND): 20}),
        cash=MappingProxyType({"T": 100, "A": 5}),
        issued=MappingProxyType({BOND: 20}),
    )


def _one_by_one(ledger: Ledger, plan: list[tuple[str, object, int]]) -> Ledger | str:
    try:
        for op, who, amount in plan:
            if op == "issue":
                assert isinstance(who, str)
                ledger = ledger.issue(who, BOND, amount * 10, 10)
            elif op == "redeem":
                assert isinstance(who, str)
                ledger = ledger.redeem(who, BOND, amount * 10)
            else:
                assert isinstance(who, tuple)
                ledger = ledger.move_cash(who[0], who[1], amount)
    except DomainError as error:
        return f"{error.code}: {error.message}"
    return ledger


def _drafted(ledger: Ledger, plan: list[tuple[str, object, int]]) -> Ledger | str:
    draft = LedgerDraft(ledger)
    try:
        for op, who, amount in plan:
            if op == "issue":
                assert isinstance(who, str)
                draft.issue(who, BOND, amount * 10, 10)
            elif op == "redeem":
                assert isinstance(who, str)
                draft.redeem(who, BOND, amount * 10)
            else:
                assert isinstance(who, tuple)
                draft.move_cash(who[0], who[1], amount)
    except DomainError as error:
        return f"{error.code}: {error.message}"
    return draft.ledger()


@settings(max_examples=300, deadline=None)
@given(steps)
def test_a_draft_equals_the_steps_one_by_one(plan: list[tuple[str, object, int]]) -> None:
    start = _start()
    expected, got = _one_by_one(start, plan), _drafted(start, plan)
    assert got == expected
    if isinstance(got, Ledger) and isinstance(expected, Ledger):
        assert got.canonical() == expected.canonical()
    assert start == _start()  # the ledger a draft starts from is untouched


def _payment(holder: str, gross: int, tax: int, period: str = "C1") -> HolderPayment:
    split = TaxSplit(gross=gross, tax=tax, net=gross - tax, rate=Decimal(0))
    return HolderPayment(ClaimKey(BOND, period, holder), 10, split)


payments = st.lists(
    st.tuples(st.sampled_from(("A", "B", "C", "T")), st.integers(0, 40), st.integers(0, 10)),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(payments)
def test_pay_all_equals_paying_one_by_one(rows: list[tuple[str, int, int]]) -> None:
    batch = [_payment(holder, gross, min(tax, gross)) for holder, gross, tax in rows]
    start = _start()
    book, ledger = PaymentBook(), start
    expected: tuple[PaymentBook, Ledger] | str
    try:
        for payment in batch:
            book, ledger = pay(book, ledger, payment, payer_account_id="T", tax_account_id="F")
        expected = (book, ledger)
    except DomainError as error:
        expected = f"{error.code}: {error.message}"
    got: tuple[PaymentBook, Ledger] | str
    try:
        got = pay_all(PaymentBook(), start, batch, payer_account_id="T", tax_account_id="F")
    except DomainError as error:
        got = f"{error.code}: {error.message}"
    assert got == expected


def test_an_empty_draft_gives_the_same_ledger() -> None:
    assert LedgerDraft(_start()).ledger() == _start()


def test_a_failing_step_leaves_the_start_untouched() -> None:
    start = _start()
    draft = LedgerDraft(start).move_cash("T", "B", 30)
    with pytest.raises(DomainError):
        draft.move_cash("B", "C", 31)
    assert start == _start()
