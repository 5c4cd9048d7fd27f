"""Instruments as data, their cash flows, benchmark fixings and lifecycle events.

Scenario: the treasury has on its register a 6-month bill, a 3-year fixed PIB, a
2-year floating PIB on the 6-month bill, an Ijara sukuk and a gold reserve token.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from tests.holidays import pk_calendar_2026, pk_test_calendar

from sovereign_assets.domain.calendars import BusinessDayConvention
from sovereign_assets.domain.daycount import DayCount
from sovereign_assets.domain.errors import DomainError, ErrorCode
from sovereign_assets.domain.fixings import (
    BillAuctionResult,
    FixingRule,
    FixingSource,
    PkrvQuote,
    resolve_fixing,
)
from sovereign_assets.domain.instruments import (
    Bar,
    CashToken,
    CommodityReserveToken,
    DebtInstrument,
    DebtTerms,
    DocumentRef,
    FixedRateBond,
    FloatingRateBond,
    FlowKind,
    IjaraSukuk,
    RentalKind,
    TreasuryBill,
    WeightUnit,
    cash_flows,
    from_milligrams,
    to_milligrams,
)
from sovereign_assets.domain.lifecycle import (
    CouponDateReached,
    FixingPublished,
    MaturityReached,
    evolve,
)
from sovereign_assets.domain.money import PKR

PK = pk_test_calendar()
PK26 = pk_calendar_2026()
PKR_100K = PKR.to_minor(100_000)
SHARIAH_CERT = DocumentRef(
    "Shariah approval GIS-2021-01", "https://docs.example/shariah/gis-2021-01.pdf", "ab" * 32
)


def terms(
    instrument_id: str,
    issue: date,
    maturity: date,
    *,
    frequency: int,
    day_count: DayCount = DayCount.ACT_ACT_ICMA,
    denomination: int = PKR_100K,
) -> DebtTerms:
    return DebtTerms(
        instrument_id=instrument_id,
        currency=PKR,
        min_denomination=denomination,
        day_count=day_count,
        frequency=frequency,
        calendar_id="PK-SBP",
        issue_date=issue,
        maturity_date=maturity,
    )


SIX_MONTH_BILL = TreasuryBill(
    terms(
        "PK0000MTB182",
        date(2021, 3, 4),
        date(2021, 9, 2),
        frequency=0,
        day_count=DayCount.ACT_365_FIXED,
        denomination=PKR.to_minor(5_000),
    ),
    tenor_days=182,
)
PIB_3Y = FixedRateBond(
    terms("PK0000PIB3Y1", date(2021, 8, 20), date(2024, 8, 20), frequency=2),
    coupon_rate=Decimal("0.09"),
)
FLOATER = FloatingRateBond(
    terms("PK0000FRB2Y1", date(2021, 4, 22), date(2023, 4, 22), frequency=2),
    fixing_rule=FixingRule(benchmark_tenor_days=182),
    margin_bps=10,
)
SUKUK = IjaraSukuk(
    terms(
        "PK0000GIS5Y1",
        date(2021, 7, 29),
        date(2024, 7, 29),
        frequency=2,
        day_count=DayCount.ACT_365_FIXED,
    ),
    rental_kind=RentalKind.FIXED,
    rental_rate=Decimal("0.0875"),
    underlying_asset="Jinnah International Airport, Karachi - runway and terminal",
    shariah_approval=SHARIAH_CERT,
    islamic_eligible_only=True,
)


class TestValidation:
    def test_identifiers_must_be_isin_like(self) -> None:
        with pytest.raises(DomainError) as err:
            terms("PIB-2024", date(2021, 8, 20), date(2024, 8, 20), frequency=2)
        assert err.value.code is ErrorCode.INVALID_TERMS

    def test_a_bill_matures_tenor_days_after_issue(self) -> None:
        with pytest.raises(DomainError) as err:
            TreasuryBill(SIX_MONTH_BILL.terms, tenor_days=84)
        assert err.value.code is ErrorCode.INVALID_TERMS

    def test_a_float_coupon_is_refused(self) -> None:
        with pytest.raises(DomainError) as err:
            FixedRateBond(PIB_3Y.terms, coupon_rate=0.09)  # type: ignore[arg-type]
        assert err.value.code is ErrorCode.FLOAT_NOT_ALLOWED

    def test_a_sukuk_needs_its_asset_and_shariah_approval_before_issue(self) -> None:
        SUKUK.check_issuable()
        unapproved = dataclasses.replace(SUKUK, shariah_approval=None)
        with pytest.raises(DomainError) as err:
            unapproved.check_issuable()
        assert err.value.code is ErrorCode.SHARIAH_APPROVAL_REQUIRED
        no_asset = dataclasses.replace(SUKUK, underlying_asset="  ")
        with pytest.raises(DomainError) as err:
            no_asset.check_issuable()
        assert err.value.code is ErrorCode.UNDERLYING_ASSET_REQUIRED

    def test_document_hashes_are_sha256_hex(self) -> None:
        with pytest.raises(DomainError):
            DocumentRef("prospectus", "https://docs.example/p.pdf", "not-a-hash")


class TestCashFlows:
    def test_bill_repays_face_on_a_business_day(self) -> None:
        (flow,) = cash_flows(SIX_MONTH_BILL, date(2021, 3, 4), PK)
        assert flow.kind is FlowKind.REDEMPTION
        assert flow.payment_date == date(2021, 9, 2)
        assert flow.amount_per_unit == 1

    def test_fixed_pib_pays_half_the_coupon_each_period(self) -> None:
        flows = cash_flows(PIB_3Y, date(2022, 3, 1), PK)
        coupons = [f for f in flows if f.kind is FlowKind.COUPON]
        assert [f.period_id for f in coupons] == [
            "2022-08-20",
            "2023-02-20",
            "2023-08-20",
            "2024-02-20",
            "2024-08-20",
        ]
        assert {f.amount_per_unit for f in coupons} == {Decimal("0.045")}
        # Saturday 20 August 2022 pays on Monday 22
        assert coupons[0].payment_date == date(2022, 8, 22)
        assert flows[-1].kind is FlowKind.REDEMPTION

    def test_sukuk_rental_counts_actual_days_over_365(self) -> None:
        first = cash_flows(SUKUK, date(2021, 7, 29), PK)[0]
        assert first.kind is FlowKind.RENTAL
        assert first.period is not None
        assert (first.period.accrual_end - first.period.accrual_start).days == 184
        assert first.amount_per_unit == Fraction(875, 10_000) * 184 / 365  # exact

    def test_floater_amounts_are_unknown_until_fixed(self) -> None:
        flows = cash_flows(FLOATER, date(2021, 4, 22), PK)
        assert [f.amount_per_unit for f in flows[:-1]] == [None] * 4

    def test_the_instrument_calendar_must_be_the_one_given(self) -> None:
        other = dataclasses.replace(PK, calendar_id="AE-EXAMPLE")
        with pytest.raises(DomainError) as err:
            cash_flows(PIB_3Y, date(2022, 1, 1), other)
        assert err.value.code is ErrorCode.UNKNOWN_CALENDAR


class TestFixings:
    rule = FixingRule(benchmark_tenor_days=182)
    # Friday 28 August 2026, on the sourced 2026 calendar (Tuesday 25 is Eid Milad-un-Nabi)
    fixing_date = date(2026, 8, 28)

    def pkrv_week(self) -> list[PkrvQuote]:
        rates = ["0.0850", "0.0855", "0.0861", "0.0858", "0.0863"]
        days = [date(2026, 8, 21), date(2026, 8, 24), date(2026, 8, 26), date(2026, 8, 27)]
        days = [date(2026, 8, 20), *days]  # 25 Aug is Eid Milad un Nabi
        return [PkrvQuote(d, 182, Decimal(r)) for d, r in zip(days, rates, strict=True)]

    def test_latest_auction_of_the_tenor_sets_the_benchmark(self) -> None:
        auctions = [
            BillAuctionResult(date(2026, 8, 12), 182, Decimal("0.0801")),
            BillAuctionResult(date(2026, 8, 26), 182, Decimal("0.0849")),
            BillAuctionResult(date(2026, 8, 26), 91, Decimal("0.0778")),
            BillAuctionResult(date(2026, 9, 9), 182, Decimal("0.0911")),  # after: ignored
        ]
        fixing = resolve_fixing(self.rule, self.fixing_date, auctions, [], PK26)
        assert fixing.source is FixingSource.AUCTION
        assert fixing.rate == Decimal("0.0849")
        assert fixing.evidence_dates == (date(2026, 8, 26),)

    def test_rejected_auction_falls_back_to_five_days_of_pkrv(self) -> None:
        auctions = [BillAuctionResult(date(2026, 8, 26), 182, None)]
        fixing = resolve_fixing(self.rule, self.fixing_date, auctions, self.pkrv_week(), PK26)
        assert fixing.source is FixingSource.PKRV_AVERAGE
        # (8.50 + 8.55 + 8.61 + 8.58 + 8.63) / 5 = 8.574 %
        assert fixing.rate == Decimal("0.085740")
        assert date(2026, 8, 25) not in fixing.evidence_dates

    def test_no_recent_auction_falls_back_too(self) -> None:
        auctions = [BillAuctionResult(date(2026, 7, 29), 182, Decimal("0.0790"))]
        fixing = resolve_fixing(self.rule, self.fixing_date, auctions, self.pkrv_week(), PK26)
        assert fixing.source is FixingSource.PKRV_AVERAGE

    def test_fixing_records_refuse_floats(self) -> None:
        with pytest.raises(DomainError) as err:
            PkrvQuote(date(2026, 8, 20), 182, 0.085)  # type: ignore[arg-type]
        assert err.value.code is ErrorCode.FLOAT_NOT_ALLOWED
        with pytest.raises(DomainError) as err:
            BillAuctionResult(date(2026, 8, 26), 182, 0.0849)  # type: ignore[arg-type]
        assert err.value.code is ErrorCode.FLOAT_NOT_ALLOWED

    def test_a_missing_pkrv_day_is_never_guessed(self) -> None:
        with pytest.raises(DomainError) as err:
            resolve_fixing(self.rule, self.fixing_date, [], self.pkrv_week()[1:], PK26)
        assert err.value.code is ErrorCode.FIXING_UNAVAILABLE
        assert "2026-08-20" in err.value.message


class TestLifecycle:
    def test_fixed_pib_from_first_coupon_to_maturity(self) -> None:
        bond: DebtInstrument = PIB_3Y
        with pytest.raises(DomainError) as early:
            evolve(bond, CouponDateReached("2022-02-20"), date(2022, 2, 19), PK)
        assert early.value.code is ErrorCode.EVENT_NOT_APPLICABLE

        first = evolve(bond, CouponDateReached("2022-02-20"), date(2022, 2, 21), PK)
        (effect,) = first.effects
        assert effect.kind is FlowKind.COUPON
        assert effect.amount_per_unit == Decimal("0.045")
        assert effect.payment_date == date(2022, 2, 21)  # 20 Feb 2022 is a Sunday
        assert effect.target.version == 0
        assert first.instrument.state.version == 1

        with pytest.raises(DomainError) as again:
            evolve(first.instrument, CouponDateReached("2022-02-20"), date(2022, 2, 21), PK)
        assert again.value.code is ErrorCode.EVENT_NOT_APPLICABLE

        bond = first.instrument
        for period_id in ["2022-08-20", "2023-02-20", "2023-08-20", "2024-02-20"]:
            bond = evolve(bond, CouponDateReached(period_id), date(2024, 3, 1), PK).instrument
        final = evolve(bond, MaturityReached(), date(2024, 8, 20), PK)
        kinds = [(e.kind, e.amount_per_unit, e.taxable) for e in final.effects]
        assert kinds == [
            (FlowKind.COUPON, Fraction(45, 1000), True),
            (FlowKind.REDEMPTION, Fraction(1), False),
        ]
        assert final.instrument.state.matured
        with pytest.raises(DomainError) as matured:
            evolve(final.instrument, MaturityReached(), date(2024, 8, 21), PK)
        assert matured.value.code is ErrorCode.INSTRUMENT_MATURED

    def test_floater_needs_its_fixing_before_paying(self) -> None:
        auctions = [BillAuctionResult(date(2021, 4, 21), 182, Decimal("0.0745"))]
        fixing = resolve_fixing(FLOATER.fixing_rule, date(2021, 4, 22), auctions, [], PK)
        with pytest.raises(DomainError) as err:
            evolve(FLOATER, CouponDateReached("2021-10-22"), date(2021, 10, 22), PK)
        assert err.value.code is ErrorCode.FIXING_UNAVAILABLE

        fixed = evolve(FLOATER, FixingPublished("2021-10-22", fixing), date(2021, 4, 22), PK)
        assert fixed.effects == ()
        with pytest.raises(DomainError):
            evolve(fixed.instrument, FixingPublished("2021-10-22", fixing), date(2021, 4, 23), PK)
        paid = evolve(fixed.instrument, CouponDateReached("2021-10-22"), date(2021, 10, 22), PK)
        (effect,) = paid.effects
        # (7.45 % + 0.10 %) / 2 under Act/Act ICMA
        assert effect.amount_per_unit == Decimal("0.03775")

    def test_fixed_instruments_take_no_fixings(self) -> None:
        fixing = resolve_fixing(
            FixingRule(182),
            date(2021, 8, 20),
            [BillAuctionResult(date(2021, 8, 18), 182, Decimal("0.0730"))],
            [],
            PK,
        )
        with pytest.raises(DomainError) as err:
            evolve(PIB_3Y, FixingPublished("2022-02-20", fixing), date(2021, 8, 20), PK)
        assert err.value.code is ErrorCode.EVENT_NOT_APPLICABLE

    def test_bill_redeems_at_par(self) -> None:
        result = evolve(SIX_MONTH_BILL, MaturityReached(), date(2021, 9, 2), PK)
        (effect,) = result.effects
        assert (effect.kind, effect.amount_per_unit, effect.taxable) == (
            FlowKind.REDEMPTION,
            Fraction(1),
            False,
        )

    def test_zero_coupon_pib_pays_only_face(self) -> None:
        zero = FixedRateBond(
            terms("PK0000PIBZ15", date(2021, 3, 4), date(2036, 3, 4), frequency=2),
            coupon_rate=Decimal(0),
        )
        assert zero.is_zero_coupon
        flows = cash_flows(zero, date(2021, 3, 4), PK)
        # the calendar ends with 2026: later dates roll over weekends only
        assert [f.payment_date_provisional for f in flows[:12]] == [False] * 11 + [True]
        assert flows[-1].payment_date == date(2036, 3, 4)  # a Tuesday
        step = evolve(zero, CouponDateReached("2021-09-04"), date(2021, 9, 6), PK)
        assert step.effects == ()
        assert step.instrument.state.periods_paid == 1
        late = dataclasses.replace(
            step.instrument, state=dataclasses.replace(step.instrument.state, periods_paid=11)
        )
        with pytest.raises(DomainError) as err:
            evolve(late, CouponDateReached("2027-03-04"), date(2027, 3, 4), PK)
        assert err.value.code is ErrorCode.CALENDAR_NOT_COVERED


class TestCommodityReserve:
    bars = (
        Bar("KR-2021-000187", 1_000_000, 9999, 10000, "SBP-KHI-V1"),  # 1 kg, 999.9
        Bar("KR-2021-000188", 1_000_000, 9990, 10000, "SBP-KHI-V1"),  # 1 kg, 999.0
        Bar("PM-TT-4471", 116_638, 999, 1000, "SBP-LHR-V2"),  # a 10-tola bar
    )
    token = CommodityReserveToken("PK0000XAU001", "XAU", 1000, bars)

    def test_units_convert_exactly(self) -> None:
        assert to_milligrams(Decimal(10), WeightUnit.TOLA) == 116_638
        assert to_milligrams(Decimal("1.5"), WeightUnit.GRAM) == 1_500
        assert from_milligrams(116_638, WeightUnit.TOLA) == Decimal(10)
        assert from_milligrams(2_116_638, WeightUnit.GRAM) == Decimal("2116.638")
        with pytest.raises(DomainError) as err:
            to_milligrams(Decimal("0.00001"), WeightUnit.TOLA)
        assert err.value.code is ErrorCode.INVALID_AMOUNT

    def test_fine_weight_follows_fineness(self) -> None:
        assert self.bars[1].fine_weight_mg == Decimal(999_000)
        assert self.token.total_weight_mg == 2_116_638

    def test_redemption_is_in_whole_bars(self) -> None:
        assert self.token.redemption_amount(("PM-TT-4471",), 200_000) == 116_638
        with pytest.raises(DomainError) as err:
            self.token.redemption_amount(("KR-2021-000187",), 999_999)
        assert err.value.code is ErrorCode.INSUFFICIENT_HOLDING
        with pytest.raises(DomainError) as err:
            self.token.redemption_amount(("NOPE",), 5_000_000)
        assert err.value.code is ErrorCode.UNKNOWN_BAR
        with pytest.raises(DomainError) as err:
            self.token.redemption_amount((), 5_000_000)
        assert err.value.code is ErrorCode.NOT_WHOLE_BARS
        after = self.token.without_bars(("PM-TT-4471",))
        assert after.total_weight_mg == 2_000_000


class TestSukukForms:
    variable = IjaraSukuk(
        terms("PK0000GISV01", date(2021, 4, 29), date(2026, 4, 29), frequency=2,
              day_count=DayCount.ACT_365_FIXED),
        rental_kind=RentalKind.VARIABLE,
        fixing_rule=FixingRule(benchmark_tenor_days=182),
        margin_bps=-5,
        underlying_asset="M-2 motorway, Lahore-Islamabad section",
        shariah_approval=SHARIAH_CERT,
    )  # fmt: skip

    def test_variable_rental_is_benchmark_plus_margin_on_actual_days(self) -> None:
        auctions = [BillAuctionResult(date(2021, 4, 21), 182, Decimal("0.0745"))]
        fixing = resolve_fixing(FixingRule(182), date(2021, 4, 29), auctions, [], PK)
        fixed = evolve(self.variable, FixingPublished("2021-10-29", fixing), date(2021, 4, 29), PK)
        paid = evolve(fixed.instrument, CouponDateReached("2021-10-29"), date(2021, 10, 29), PK)
        (effect,) = paid.effects
        assert effect.kind is FlowKind.RENTAL
        # (7.45 % - 0.05 %) x 183 / 365, exact
        assert effect.amount_per_unit == Fraction(740, 10_000) * 183 / 365

    def test_discounted_one_year_sukuk_redeems_at_par(self) -> None:
        discounted = IjaraSukuk(
            terms("PK0000GISD01", date(2021, 12, 9), date(2022, 12, 9), frequency=0,
                  day_count=DayCount.ACT_365_FIXED, denomination=PKR.to_minor(5_000)),
            rental_kind=RentalKind.DISCOUNTED,
            underlying_asset="Karachi-Lahore motorway (M-3 section)",
            shariah_approval=SHARIAH_CERT,
        )  # fmt: skip
        (flow,) = cash_flows(discounted, date(2021, 12, 9), PK)
        assert (flow.kind, flow.amount_per_unit) == (FlowKind.REDEMPTION, Fraction(1))
        with pytest.raises(DomainError) as err:
            dataclasses.replace(discounted, rental_kind=RentalKind.FIXED)
        assert err.value.code is ErrorCode.INVALID_TERMS


def test_commodity_and_cash_tokens_have_no_scheduled_flows() -> None:
    assert cash_flows(TestCommodityReserve.token, date(2021, 3, 4), PK) == ()
    assert cash_flows(CashToken("PK0000CBDC01", PKR, "SBP"), date(2021, 3, 4), PK) == ()


def test_only_the_central_bank_issues_cash() -> None:
    cash = CashToken("PK0000CBDC01", PKR, issuer_id="SBP")
    cash.check_issuer("SBP")
    with pytest.raises(DomainError) as err:
        cash.check_issuer("HBL")
    assert err.value.code is ErrorCode.NOT_CASH_ISSUER


def test_payment_dates_follow_the_instrument_convention() -> None:
    preceding = dataclasses.replace(
        PIB_3Y.terms, payment_convention=BusinessDayConvention.PRECEDING
    )
    bond = dataclasses.replace(PIB_3Y, terms=preceding)
    first = cash_flows(bond, date(2021, 8, 20), PK)[0]
    assert first.payment_date == date(2022, 2, 18)
