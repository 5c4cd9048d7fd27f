"""Coupon payments per holder: withholding tax, claims that cannot be paid twice,
bounded resumable batches.

Scenario: the 9 % 3-year PIB pays its first coupon on Monday 21 February 2022 (20 Feb
is a Sunday). The treasury's paying account funds it; tax goes to the FBR account.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovereign_assets.domain.errors import DomainError, ErrorCode
from sovereign_assets.domain.examples import PAKISTAN_WITHHOLDING_CONFIG
from sovereign_assets.domain.holdings import Ledger
from sovereign_assets.domain.instruments import FlowKind, InstrumentKey
from sovereign_assets.domain.lifecycle import Effect
from sovereign_assets.domain.money import PKR
from sovereign_assets.domain.payments import (
    ClaimKey,
    PaymentBook,
    compute_payment,
    pay,
    plan_batch,
)
from sovereign_assets.domain.tax import (
    TaxStatus,
    WithholdingRate,
    WithholdingTable,
    table_from_config,
    withhold,
)

PIB = "PK0000PIB3Y1"
DENOM = PKR.to_minor(100_000)
TABLE = table_from_config(PAKISTAN_WITHHOLDING_CONFIG)
COUPON = Effect(
    target=InstrumentKey(PIB, 0),
    kind=FlowKind.COUPON,
    period_id="2022-02-20",
    payment_date=date(2022, 2, 21),
    amount_per_unit=Fraction(45, 1000),
    taxable=True,
)
TREASURY, FBR = "MOF-PAYING", "FBR-WHT"


class TestWithholdingTable:
    def test_rates_by_status(self) -> None:
        on = date(2022, 2, 21)
        assert TABLE.rate_for(TaxStatus.FILER, on) == Decimal("0.15")
        assert TABLE.rate_for(TaxStatus.NON_FILER, on) == Decimal("0.30")
        assert TABLE.rate_for(TaxStatus.NON_RESIDENT_SCRA, on) == 0

    def test_the_rate_in_force_on_the_payment_date_applies(self) -> None:
        table = WithholdingTable(
            (
                *TABLE.rates,
                WithholdingRate(TaxStatus.NON_FILER, Decimal("0.35"), date(2022, 7, 1)),
            )
        )
        assert table.rate_for(TaxStatus.NON_FILER, date(2022, 6, 30)) == Decimal("0.30")
        assert table.rate_for(TaxStatus.NON_FILER, date(2022, 7, 1)) == Decimal("0.35")
        with pytest.raises(DomainError) as err:
            table.rate_for(TaxStatus.FILER, date(2019, 6, 30))
        assert err.value.code is ErrorCode.NO_TAX_RATE

    def test_tax_is_rounded_half_up_and_the_net_takes_the_rest(self) -> None:
        split = withhold(333, Decimal("0.15"))  # 49.95 paisa of tax
        assert (split.tax, split.net) == (50, 283)
        assert withhold(0, Decimal("0.15")).net == 0


class TestPayingACoupon:
    def test_a_filer_with_one_million_rupees_of_face(self) -> None:
        payment = compute_payment(
            COUPON, "HBL-IPS-000417", PKR.to_minor(1_000_000), TaxStatus.FILER, TABLE
        )
        # 1,000,000 x 4.5 % = PKR 45,000 gross; 15 % = PKR 6,750 tax
        assert payment.split.gross == PKR.to_minor(45_000)
        assert payment.split.tax == PKR.to_minor(6_750)
        assert payment.split.net == PKR.to_minor(38_250)
        assert payment.key == ClaimKey(PIB, "2022-02-20", "HBL-IPS-000417")

    def test_redemption_is_paid_gross(self) -> None:
        redemption = Effect(
            COUPON.target,
            FlowKind.REDEMPTION,
            "REDEMPTION",
            date(2024, 8, 20),
            Fraction(1),
            taxable=False,
        )
        payment = compute_payment(redemption, "A", DENOM, TaxStatus.NON_FILER, TABLE)
        assert (payment.split.gross, payment.split.tax) == (DENOM, 0)

    def test_paying_moves_net_to_holder_and_tax_to_the_tax_authority(self) -> None:
        ledger = Ledger().mint_cash(TREASURY, PKR.to_minor(1_000_000))
        payment = compute_payment(
            COUPON, "HBL-IPS-000417", PKR.to_minor(1_000_000), TaxStatus.FILER, TABLE
        )
        book, after = pay(
            PaymentBook(), ledger, payment, payer_account_id=TREASURY, tax_account_id=FBR
        )
        assert after.cash_balance("HBL-IPS-000417") == PKR.to_minor(38_250)
        assert after.cash_balance(FBR) == PKR.to_minor(6_750)
        assert book.is_paid(payment.key)
        after.check_conservation()

        with pytest.raises(DomainError) as err:
            pay(book, after, payment, payer_account_id=TREASURY, tax_account_id=FBR)
        assert err.value.code is ErrorCode.ALREADY_PAID

    def test_an_unfunded_paying_account_pays_nothing(self) -> None:
        payment = compute_payment(COUPON, "A", DENOM, TaxStatus.FILER, TABLE)
        with pytest.raises(DomainError) as err:
            pay(PaymentBook(), Ledger(), payment, payer_account_id=TREASURY, tax_account_id=FBR)
        assert err.value.code is ErrorCode.INSUFFICIENT_CASH


def test_paying_2_500_holders_in_batches_of_1_000_resumes_after_a_crash() -> None:
    holders = tuple((f"IPS-{n:06d}", DENOM * (1 + n % 7)) for n in range(2_500))
    statuses = [TaxStatus.FILER, TaxStatus.NON_FILER, TaxStatus.NON_RESIDENT_SCRA]

    def status_of(account: str) -> TaxStatus:
        return statuses[int(account[-6:]) % 3]

    ledger = Ledger().mint_cash(TREASURY, PKR.to_minor(100_000_000))
    book, cursor, batches = PaymentBook(), None, 0
    crashed_once = False
    while True:
        batch = plan_batch(COUPON, holders, book, cursor=cursor, batch_size=1_000,
                           tax_status_of=status_of, table=TABLE)  # fmt: skip
        batches += 1
        for number, payment in enumerate(batch.payments):
            if batches == 2 and number == 400 and not crashed_once:
                crashed_once = True  # the transaction died mid-way; re-plan from the same cursor
                break
            book, ledger = pay(book, ledger, payment, payer_account_id=TREASURY, tax_account_id=FBR)
        else:
            cursor = batch.next_cursor
            if batch.done:
                break
    assert batches == 4  # 3 batches + the one replayed after the crash
    assert len(book.paid) == 2_500
    gross = sum(face * 45 // 1000 for _, face in holders)  # exact: faces are whole lakhs
    assert PKR.to_minor(100_000_000) - ledger.cash_balance(TREASURY) == gross
    ledger.check_conservation()


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(DomainError) as err:
        plan_batch(COUPON, (), PaymentBook(), cursor=None, batch_size=0,
                   tax_status_of=lambda _: TaxStatus.FILER, table=TABLE)  # fmt: skip
    assert err.value.code is ErrorCode.INVALID_BATCH


# -- properties ----------------------------------------------------------------------

statuses = st.sampled_from(list(TaxStatus))
faces = st.integers(min_value=1, max_value=10_000).map(lambda n: n * DENOM)
coupon_rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.25"), places=6)


@settings(max_examples=200, deadline=None)
@given(gross=st.integers(min_value=0, max_value=10**15),
       rate=st.decimals(min_value=0, max_value=1, places=4))  # fmt: skip
def test_tax_plus_net_is_always_the_gross(gross: int, rate: Decimal) -> None:
    split = withhold(gross, rate)
    assert split.tax + split.net == split.gross == gross
    assert 0 <= split.tax <= gross


@settings(max_examples=100, deadline=None)
@given(face=faces, status=statuses, rate=coupon_rates)
def test_paying_a_period_twice_always_fails_and_changes_nothing(
    face: int, status: TaxStatus, rate: Decimal
) -> None:
    effect = Effect(COUPON.target, FlowKind.COUPON, "2022-02-20",
                    date(2022, 2, 21), Fraction(rate) / 2, taxable=True)  # fmt: skip
    ledger = Ledger().mint_cash(TREASURY, 10**15)
    payment = compute_payment(effect, "IPS-1", face, status, TABLE)
    book, after = pay(PaymentBook(), ledger, payment, payer_account_id=TREASURY, tax_account_id=FBR)
    again = compute_payment(effect, "IPS-1", face, status, TABLE)
    with pytest.raises(DomainError) as err:
        pay(book, after, again, payer_account_id=TREASURY, tax_account_id=FBR)
    assert err.value.code is ErrorCode.ALREADY_PAID
    assert book == PaymentBook(frozenset({payment.key}))
    # a planner re-run skips the holder
    replan = plan_batch(effect, (("IPS-1", face),), book, cursor=None, batch_size=10,
                        tax_status_of=lambda _: status, table=TABLE)  # fmt: skip
    assert replan.payments == ()


@settings(max_examples=50, deadline=None)
@given(holdings=st.dictionaries(st.from_regex(r"IPS-[0-9]{4}", fullmatch=True), faces,
                                max_size=30),
       size=st.integers(1, 8))  # fmt: skip
def test_same_inputs_same_plan_whatever_the_input_order(
    holdings: dict[str, int], size: int
) -> None:
    forward = tuple(holdings.items())
    backward = tuple(reversed(forward))

    def run(holders: tuple[tuple[str, int], ...]) -> list[object]:
        plans: list[object] = []
        cursor: str | None = None
        while True:
            batch = plan_batch(COUPON, holders, PaymentBook(), cursor=cursor, batch_size=size,
                               tax_status_of=lambda _: TaxStatus.FILER, table=TABLE)  # fmt: skip
            plans.append(repr(batch))
            cursor = batch.next_cursor
            if batch.done:
                return plans

    assert run(forward) == run(backward)
