"""Bond conventions a debt office needs: exact half-paisa rounding, end-of-month as a
term, explicitly dated (long or short) first and irregular last periods under ICMA,
a fixed Decimal context, and the floating coupon's day count and fixing date.

Every example states its amount in paisa per the face given (PKR 100,000 = 10,000,000
paisa unless said otherwise).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import (
    ROUND_DOWN,
    ROUND_FLOOR,
    Context,
    Decimal,
    Inexact,
    Rounded,
    localcontext,
)
from fractions import Fraction

import pytest

from sovereign_assets.domain import (
    PKR,
    BillAuctionResult,
    CouponDateReached,
    DayCount,
    DebtTerms,
    DomainError,
    ErrorCode,
    FixedRateBond,
    FixingPublished,
    FixingRule,
    FixingSource,
    FloatingRateBond,
    IjaraSukuk,
    RentalKind,
    TaxStatus,
    WeightUnit,
    calendar_from_config,
    compute_payment,
    evolve,
    from_milligrams,
    resolve_fixing,
    to_milligrams,
)
from sovereign_assets.domain.examples import PAKISTAN_WITHHOLDING_CONFIG
from sovereign_assets.domain.instruments import Bar, DocumentRef
from sovereign_assets.domain.money import DECIMAL_CONTEXT, amount_at_price, round_cash
from sovereign_assets.domain.pricing import (
    CouponBond,
    accrued_interest_amount,
    bill_price,
    bill_yield,
    bond_clean_price,
    bond_dirty_price,
    bond_yield,
    bond_yield_exact,
)
from sovereign_assets.domain.schedule import generate_schedule
from sovereign_assets.domain.tax import table_from_config, withhold

PKR_100K = 10_000_000
"""PKR 100,000 in paisa."""
ICMA = DayCount.ACT_ACT_ICMA
# Weekends only, wide coverage: the examples span 2019-2031.
CAL = calendar_from_config(
    {
        "id": "PK-SBP",
        "weekend": ["SAT", "SUN"],
        "holidays": [],
        "covers_from": "2015-01-01",
        "covers_to": "2040-12-31",
    }
)
TABLE = table_from_config(PAKISTAN_WITHHOLDING_CONFIG)


def debt_terms(
    issue: date,
    maturity: date,
    *,
    frequency: int = 2,
    day_count: DayCount = ICMA,
    end_of_month: bool = False,
    first: date | None = None,
    penultimate: date | None = None,
) -> DebtTerms:
    return DebtTerms(
        "PK0000PIB777",
        PKR,
        PKR_100K,
        day_count,
        frequency,
        "PK-SBP",
        issue,
        maturity,
        end_of_month=end_of_month,
        first_coupon_date=first,
        penultimate_coupon_date=penultimate,
    )


def first_amount(instrument: FixedRateBond | IjaraSukuk, face: int = PKR_100K) -> int:
    """What a holder of ``face`` receives for the first period, paisa."""
    period = instrument.terms.periods(CAL)[0]
    amount = instrument.amount_per_unit(period)
    assert amount is not None
    return round_cash(face * amount)


# -- 1. half-paisa ties are rounded up, from one exact expression ----------------------


class TestHalfPaisaTies:
    face = 230_000_000  # PKR 2,300,000
    rate = Decimal("0.1225")

    def test_accrued_five_days_into_a_184_day_period_is_382_813(self) -> None:
        periods = generate_schedule(date(2021, 7, 1), date(2026, 7, 1), 2)
        period = periods[0]
        assert (period.accrual_end - period.accrual_start).days == 184
        # exact: 230,000,000 x 0.1225 x 5 / (2 x 184) = 382,812.5 -> half up
        assert Fraction(self.face) * Fraction(self.rate) * 5 / (2 * 184) == Fraction(765_625, 2)
        accrued = accrued_interest_amount(
            self.face,
            self.rate,
            day_count=ICMA,
            frequency=2,
            period=period,
            settlement=date(2021, 7, 6),
        )
        assert accrued == 382_813

    def test_a_five_day_first_coupon_pays_382_813(self) -> None:
        bond = FixedRateBond(debt_terms(date(2021, 12, 27), date(2025, 1, 1)), self.rate)
        first = bond.terms.periods(CAL)[0]
        assert (first.accrual_start, first.accrual_end) == (date(2021, 12, 27), date(2022, 1, 1))
        assert (first.accrual_end - first.notional_start).days == 184  # short first period
        assert first_amount(bond, self.face) == 382_813
        # and through the lifecycle and payment, as a holder is paid
        (effect,) = evolve(bond, CouponDateReached("2022-01-01"), date(2022, 1, 3), CAL).effects
        payment = compute_payment(effect, "IPS-1", self.face, TaxStatus.EXEMPT, TABLE)
        assert payment.split.gross == 382_813

    @pytest.mark.parametrize("period_days", [181, 182, 184, 90, 91, 92])
    @pytest.mark.parametrize("rate", ["0.1225", "0.07", "0.0975", "0.1313", "0.105"])
    def test_every_tie_of_a_period_goes_up(self, period_days: int, rate: str) -> None:
        """Over every day of the period and every face up to PKR 20 million (in PKR
        100,000 steps): the amount is within half a paisa of the exact value, and every
        exact half goes up. The old route (a 34-digit accrual factor first) is shown to
        get some of these ties wrong, so the test does tell the two apart."""
        frequency = 2 if period_days > 100 else 4
        start = date(2021, 1, 1)
        end = start + timedelta(days=period_days)
        # a schedule with exactly that regular period length: pick dates from the roll
        periods = [
            p
            for p in generate_schedule(date(2010, 1, 1), date(2040, 1, 1), frequency)
            if (p.accrual_end - p.accrual_start).days == period_days
        ]
        if not periods:
            pytest.skip(f"no {period_days}-day period at frequency {frequency}")
        period = periods[0]
        start, end = period.accrual_start, period.accrual_end
        assert (end - start).days == period_days
        exact_rate = Fraction(Decimal(rate))
        ties = old_wrong = 0
        for day in range(1, period_days):
            for units in range(1, 201):
                face = units * PKR_100K
                exact = face * exact_rate * day / (frequency * period_days)
                if exact.denominator != 2:
                    continue
                ties += 1
                got = accrued_interest_amount(
                    face,
                    Decimal(rate),
                    day_count=ICMA,
                    frequency=frequency,
                    period=period,
                    settlement=start + timedelta(days=day),
                )
                assert got == exact + Fraction(1, 2), (day, face)
                with localcontext(Context(prec=34)):
                    factor = Decimal(day) / (Decimal(frequency) * period_days)
                    old = int(
                        (face * (Decimal(rate) * factor)).quantize(Decimal(1), "ROUND_HALF_UP")
                    )
                old_wrong += old != got
        if period_days == 184 and rate == "0.1225":
            assert ties > 0
            assert old_wrong > 0

    def test_tax_and_consideration_are_rounded_once_from_exact_products(self) -> None:
        # 15 % of 3 paisa = 0.45 -> 0; of 5 paisa = 0.75 -> 1; of 10 = 1.5 -> 2 (half up)
        assert [withhold(g, Decimal("0.15")).tax for g in (3, 5, 10)] == [0, 1, 2]
        # 100,000,001 paisa at 99.5 per 100 = 99,500,000.995 -> 99,500,001
        assert amount_at_price(100_000_001, Decimal("99.5")) == 99_500_001
        # 50 paisa at 99.0000 per 100 = 49.5 -> 50
        assert amount_at_price(50, Decimal("99.0000")) == 50


# -- 2. end-of-month is a term, off by default ----------------------------------------


class TestEndOfMonth:
    def test_pib_maturing_28_february_keeps_the_28th(self) -> None:
        bond = FixedRateBond(debt_terms(date(2020, 2, 28), date(2030, 2, 28)), Decimal("0.07"))
        periods = bond.terms.periods(CAL)
        assert len(periods) == 20
        assert all(p.is_regular for p in periods)  # no stub the terms did not ask for
        assert {p.accrual_end.day for p in periods} == {28}
        assert periods[0].accrual_end == date(2020, 8, 28)
        assert first_amount(bond) == 350_000

    def test_asking_for_month_ends_gives_the_one_day_stub(self) -> None:
        bond = FixedRateBond(
            debt_terms(date(2020, 2, 28), date(2030, 2, 28), end_of_month=True), Decimal("0.07")
        )
        periods = bond.terms.periods(CAL)
        assert (periods[0].accrual_start, periods[0].accrual_end) == (
            date(2020, 2, 28),
            date(2020, 2, 29),
        )
        assert periods[0].is_stub
        assert periods[1].accrual_end == date(2020, 8, 31)
        assert first_amount(bond) == 1_923  # 0.035 x 1/182

    def test_sukuk_from_30_june_pays_its_first_rental_on_30_december(self) -> None:
        sukuk = IjaraSukuk(
            debt_terms(date(2019, 6, 30), date(2024, 6, 30), day_count=DayCount.ACT_365_FIXED),
            RentalKind.FIXED,
            "M-2 motorway",
            DocumentRef("Shariah", "https://docs.example/s.pdf", "ab" * 32),
            rental_rate=Decimal("0.10"),
        )
        first = sukuk.terms.periods(CAL)[0]
        assert first.accrual_end == date(2019, 12, 30)
        assert first_amount(sukuk) == 501_370  # 0.10 x 183 / 365
        month_ends = IjaraSukuk(
            debt_terms(
                date(2019, 6, 30),
                date(2024, 6, 30),
                day_count=DayCount.ACT_365_FIXED,
                end_of_month=True,
            ),
            RentalKind.FIXED,
            "M-2 motorway",
            None,
            rental_rate=Decimal("0.10"),
        )
        assert month_ends.terms.periods(CAL)[0].accrual_end == date(2019, 12, 31)
        assert first_amount(month_ends) == 504_110  # 0.10 x 184 / 365

    def test_end_of_month_needs_a_month_end_anchor(self) -> None:
        with pytest.raises(DomainError) as err:
            debt_terms(date(2020, 2, 20), date(2030, 2, 20), end_of_month=True)
        assert err.value.code is ErrorCode.INVALID_SCHEDULE

    def test_discount_instruments_take_no_coupon_terms(self) -> None:
        with pytest.raises(DomainError) as err:
            debt_terms(date(2021, 1, 1), date(2021, 7, 2), frequency=0, end_of_month=True)
        assert err.value.code is ErrorCode.INVALID_SCHEDULE


# -- 3. explicitly dated first and last periods (ICMA) --------------------------------


class TestIrregularPeriods:
    long_first = debt_terms(date(2021, 3, 4), date(2031, 2, 20), first=date(2022, 2, 20))

    def test_long_first_coupon_of_the_reissued_bond_pays_676_796(self) -> None:
        bond = FixedRateBond(self.long_first, Decimal("0.07"))
        periods = bond.terms.periods(CAL)
        first = periods[0]
        assert (first.accrual_start, first.accrual_end) == (date(2021, 3, 4), date(2022, 2, 20))
        assert first.quasi_periods == (
            (date(2021, 2, 20), date(2021, 8, 20)),
            (date(2021, 8, 20), date(2022, 2, 20)),
        )
        assert len(periods) == 19
        assert all(p.is_regular for p in periods[1:])
        # 0.035 x (169/181 + 184/184) x 10,000,000 = 676,795.58 -> 676,796
        assert first_amount(bond) == 676_796
        second = bond.amount_per_unit(periods[1])
        assert second is not None
        assert round_cash(PKR_100K * second) == 350_000

    def test_without_the_term_the_same_dates_make_a_short_stub(self) -> None:
        periods = generate_schedule(date(2021, 3, 4), date(2031, 2, 20), 2)
        assert periods[0].accrual_end == date(2021, 8, 20)
        assert periods[0].quasi_periods == ((date(2021, 2, 20), date(2021, 8, 20)),)
        assert len(periods) == 20

    def test_accrued_in_a_long_first_period_adds_its_quasi_periods(self) -> None:
        period = self.long_first.schedule_terms()
        periods = generate_schedule(
            period.issue_date, period.maturity_date, 2, first_coupon_date=date(2022, 2, 20)
        )
        face = 2_000_000_000 * 100  # PKR 2,000 million
        accrued = accrued_interest_amount(
            face,
            Decimal("0.07"),
            day_count=ICMA,
            frequency=2,
            period=periods[0],
            settlement=date(2021, 9, 1),
        )
        # 0.035 x (169/181 + 12/184) x face, rounded once
        expected = Fraction(face) * Fraction(35, 1000) * (Fraction(169, 181) + Fraction(12, 184))
        assert accrued == int(expected + Fraction(1, 2))
        assert accrued == 6_992_433_341  # PKR 69,924,333.41

    def test_price_and_yield_over_a_long_first_period(self) -> None:
        periods = generate_schedule(
            date(2021, 3, 4), date(2031, 2, 20), 2, first_coupon_date=date(2022, 2, 20)
        )
        bond = CouponBond(Decimal("0.07"), 2, periods)
        settlement = date(2021, 6, 1)
        y = Decimal("0.09")
        # by hand (ICMA): t0 = 80/181 + 1 quasi periods to the long coupon
        v = 1 / (1 + y / 2)
        with localcontext(DECIMAL_CONTEXT):
            t0 = Decimal(80) / 181 + 1
            c1 = Decimal("3.5") * (Decimal(169) / 181 + 1)
            dirty = c1 * v**t0
            for k in range(1, 19):
                dirty += (Decimal("3.5") + (100 if k == 18 else 0)) * v ** (t0 + k)
        assert bond_dirty_price(bond, settlement, y) == dirty.quantize(Decimal("0.0001"))
        clean = bond_clean_price(bond, settlement, y)
        assert bond_yield(bond, settlement, clean) == Decimal("0.090000")

    def test_short_and_long_last_periods(self) -> None:
        short = generate_schedule(
            date(2021, 2, 20), date(2030, 12, 20), 2, penultimate_coupon_date=date(2030, 8, 20)
        )
        last = short[-1]
        assert (last.accrual_start, last.accrual_end) == (date(2030, 8, 20), date(2030, 12, 20))
        assert last.quasi_periods == ((date(2030, 8, 20), date(2031, 2, 20)),)
        bond = FixedRateBond(
            debt_terms(date(2021, 2, 20), date(2030, 12, 20), penultimate=date(2030, 8, 20)),
            Decimal("0.07"),
        )
        amount = bond.amount_per_unit(bond.terms.periods(CAL)[-1])
        assert amount == Fraction(35, 1000) * Fraction(122, 184)
        assert round_cash(PKR_100K * amount) == 232_065  # 350,000 x 122/184
        long = generate_schedule(
            date(2021, 2, 20), date(2031, 5, 20), 2, penultimate_coupon_date=date(2030, 8, 20)
        )
        assert long[-1].quasi_periods == (
            (date(2030, 8, 20), date(2031, 2, 20)),
            (date(2031, 2, 20), date(2031, 8, 20)),
        )
        assert all(p.is_regular for p in long[:-1])

    @pytest.mark.parametrize(
        ("kwargs", "why"),
        [
            ({"first_coupon_date": date(2022, 2, 21)}, "not on the roll"),
            ({"first_coupon_date": date(2021, 3, 1)}, "before issue"),
            ({"first_coupon_date": date(2031, 8, 20)}, "after maturity"),
            ({"penultimate_coupon_date": date(2031, 2, 20)}, "at maturity"),
            (
                {
                    "first_coupon_date": date(2022, 2, 20),
                    "penultimate_coupon_date": date(2021, 8, 20),
                },
                "penultimate before first",
            ),
        ],
    )
    def test_coupon_dates_that_do_not_fit_are_invalid_schedule(
        self, kwargs: dict[str, date], why: str
    ) -> None:
        with pytest.raises(DomainError) as err:
            generate_schedule(date(2021, 3, 4), date(2031, 2, 20), 2, **kwargs)  # type: ignore[arg-type]
        assert err.value.code is ErrorCode.INVALID_SCHEDULE, why


# -- 4. the domain's Decimal context is its own ---------------------------------------


def _results() -> list[str]:
    periods = generate_schedule(date(2013, 8, 20), date(2023, 8, 20), 2)
    pib = CouponBond(Decimal("0.07"), 2, periods)
    settlement = date(2021, 3, 4)
    bar = Bar("SN-1", 1_000_003, 9990, 10000, "VAULT-1")
    long_first = CouponBond(
        Decimal("0.07"),
        2,
        generate_schedule(
            date(2021, 3, 4), date(2031, 2, 20), 2, first_coupon_date=date(2022, 2, 20)
        ),
    )
    quotes = [
        BillAuctionResult(date(2021, 4, 21), 182, Decimal("0.07451")),
    ]
    return [
        repr(value)
        for value in (
            pib.accrued_per_100(settlement),
            pib.coupon_per_100(periods[0]),
            long_first.coupon_per_100(long_first.periods[0]),
            long_first.accrued_per_100(date(2021, 9, 1)),
            bond_clean_price(pib, settlement, Decimal("0.09")),
            bond_yield_exact(pib, settlement, Decimal("95.6574")),
            bond_dirty_price(long_first, date(2021, 6, 1), Decimal("0.0913")),
            bill_price(Decimal("0.109"), 310),
            bill_yield(Decimal("91.5269"), 310),
            bar.fine_weight_mg,
            from_milligrams(1_000_003, WeightUnit.TOLA),
            to_milligrams(Decimal("5"), WeightUnit.TOLA),
            accrued_interest_amount(
                200_000_000_000,
                Decimal("0.07"),
                day_count=ICMA,
                frequency=2,
                period=periods[15],
                settlement=settlement,
            ),
            withhold(1_234_567, Decimal("0.15")),
            amount_at_price(123_456_789, Decimal("98.7031")),
            resolve_fixing(FixingRule(182), date(2021, 4, 22), quotes, [], CAL).rate,
        )
    ]


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    reference = _results()
    hostile = Context(prec=5, rounding=ROUND_DOWN, traps=[Inexact, Rounded])
    with localcontext(hostile):
        assert _results() == reference
    with localcontext(Context(prec=40, rounding=ROUND_FLOOR)):
        assert _results() == reference
    assert "Decimal('0.2320441988950276243093922651933702')" in reference[0]  # 34 digits


def test_changing_the_module_level_context_changes_nothing() -> None:
    reference = _results()
    saved = DECIMAL_CONTEXT.prec, DECIMAL_CONTEXT.rounding
    DECIMAL_CONTEXT.prec, DECIMAL_CONTEXT.rounding = 3, ROUND_DOWN
    try:
        assert _results() == reference
    finally:
        DECIMAL_CONTEXT.prec, DECIMAL_CONTEXT.rounding = saved


# -- 5. floating coupons: day count and fixing date ------------------------------------


class TestFloatingCoupon:
    """Worked example (no published floater coupon to check against).

    Rule: a PIB floater's coupon is set in advance. Its benchmark is fixed as of the
    period's accrual start (the fixing date): the weighted-average yield of the latest
    auction of the benchmark tenor held on or before that day (within the look-back),
    else the 5-working-day PKRV average before it. The coupon accrues on the
    instrument's day count, Act/Act (ICMA) for PIB floaters: a regular period pays
    exactly (benchmark + margin) / frequency, whatever its days.

    Example: a quarterly floater on the 3-month bill, period 30 September to
    30 December 2019 (91 days), margin 0. The 3-month auction of 26 September 2019
    (cut-off 13.7300 %, taken here as the auction's weighted-average yield) is the
    latest on or before the fixing date 30 September: coupon = 0.1373 / 4 =
    343,250 paisa per PKR 100,000 (Act/365 would have paid 342,310).
    """

    floater = FloatingRateBond(
        debt_terms(date(2019, 9, 30), date(2022, 9, 30), frequency=4),
        FixingRule(benchmark_tenor_days=91),
        margin_bps=0,
    )
    auctions = (
        BillAuctionResult(date(2019, 9, 12), 91, Decimal("0.1355")),
        BillAuctionResult(date(2019, 9, 26), 91, Decimal("0.1373")),
        BillAuctionResult(date(2019, 10, 1), 91, Decimal("0.1390")),  # after the fixing date
    )

    def test_fixing_date_is_the_period_start_and_takes_the_latest_auction(self) -> None:
        period = self.floater.terms.periods(CAL)[0]
        assert (period.accrual_start, period.accrual_end) == (date(2019, 9, 30), date(2019, 12, 30))
        fixing = resolve_fixing(
            self.floater.fixing_rule, period.accrual_start, self.auctions, [], CAL
        )
        assert (fixing.rate, fixing.source) == (Decimal("0.1373"), FixingSource.AUCTION)
        assert fixing.evidence_dates == (date(2019, 9, 26),)

    def test_coupon_is_benchmark_over_frequency_under_act_act_icma(self) -> None:
        period = self.floater.terms.periods(CAL)[0]
        fixing = resolve_fixing(
            self.floater.fixing_rule, period.accrual_start, self.auctions, [], CAL
        )
        fixed = evolve(
            self.floater, FixingPublished(period.period_id, fixing), date(2019, 9, 30), CAL
        )
        (effect,) = evolve(
            fixed.instrument, CouponDateReached(period.period_id), date(2019, 12, 30), CAL
        ).effects
        assert effect.amount_per_unit == Fraction(1373, 10_000) / 4
        assert round_cash(PKR_100K * effect.amount_per_unit) == 343_250
        assert round_cash(PKR_100K * Fraction(1373, 10_000) * 91 / 365) == 342_310
