"""Day counts, calendars, business-day rolls and coupon schedules on real dates."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.holidays import pk_calendar_2026, pk_test_calendar

from sovereign_assets.domain.calendars import (
    BusinessDayConvention,
    HolidayCalendar,
    add_business_days,
    adjust,
    business_days_before,
    calendar_from_config,
)
from sovereign_assets.domain.daycount import DayCount, accrual_factor, day_count_days
from sovereign_assets.domain.errors import DomainError, ErrorCode
from sovereign_assets.domain.examples import pakistan_calendar_2026
from sovereign_assets.domain.schedule import add_months, generate_schedule, period_containing

PK = pk_test_calendar()
PK26 = pk_calendar_2026()


class TestDayCounts:
    def test_actual_days_across_a_leap_february(self) -> None:
        assert day_count_days(DayCount.ACT_365_FIXED, date(2024, 2, 1), date(2024, 3, 1)) == 29
        assert day_count_days(DayCount.ACT_365_FIXED, date(2023, 2, 1), date(2023, 3, 1)) == 28

    def test_act_365_fixed_divides_by_365_even_in_a_leap_year(self) -> None:
        factor = accrual_factor(DayCount.ACT_365_FIXED, date(2024, 1, 1), date(2025, 1, 1))
        assert factor * 365 == 366

    def test_act_360(self) -> None:
        factor = accrual_factor(DayCount.ACT_360, date(2021, 2, 20), date(2021, 8, 20))
        assert factor * 360 == 181

    @pytest.mark.parametrize(
        ("start", "end", "days"),
        [
            (date(2021, 1, 31), date(2021, 2, 28), 28),  # start 31 -> 30
            (date(2021, 1, 30), date(2021, 3, 31), 60),  # end 31 -> 30 since start is 30
            (date(2021, 1, 15), date(2021, 3, 31), 76),  # end 31 stays when start < 30
            (date(2020, 2, 29), date(2020, 8, 31), 182),
            (date(2021, 8, 20), date(2022, 2, 20), 180),
        ],
    )
    def test_thirty_360_bond_basis(self, start: date, end: date, days: int) -> None:
        assert day_count_days(DayCount.THIRTY_360, start, end) == days

    def test_act_act_icma_makes_every_regular_period_half_a_year(self) -> None:
        for start, end in [
            (date(2021, 2, 20), date(2021, 8, 20)),  # 181 days
            (date(2021, 8, 20), date(2022, 2, 20)),  # 184 days
            (date(2023, 8, 20), date(2024, 2, 20)),  # 184 days, leap year ahead
        ]:
            factor = accrual_factor(
                DayCount.ACT_ACT_ICMA, start, end, period_start=start, period_end=end, frequency=2
            )
            assert factor == Decimal("0.5")

    def test_act_act_icma_needs_the_period(self) -> None:
        with pytest.raises(DomainError) as err:
            accrual_factor(DayCount.ACT_ACT_ICMA, date(2021, 2, 20), date(2021, 3, 4))
        assert err.value.code is ErrorCode.INVALID_TERMS

    def test_dates_must_be_in_order(self) -> None:
        with pytest.raises(DomainError) as err:
            day_count_days(DayCount.ACT_360, date(2021, 3, 4), date(2021, 3, 3))
        assert err.value.code is ErrorCode.INVALID_DATE_RANGE


class TestPakistanCalendar:
    """The product's sourced 2026 calendar (tests/holidays.py reads its data file)."""

    def test_weekends_and_gazetted_holidays_are_not_business_days(self) -> None:
        assert PK26.is_business_day(date(2026, 3, 24))  # Tuesday
        assert not PK26.is_business_day(date(2026, 3, 7))  # Saturday
        assert not PK26.is_business_day(date(2026, 3, 23))  # Pakistan Day, a Monday
        # 1st Ramazan's bank holiday: the schedule expected 18 February, the moon made it 19
        assert PK26.is_business_day(date(2026, 2, 18))
        assert not PK26.is_business_day(date(2026, 2, 19))

    def test_following_rolls_over_eid(self) -> None:
        # Eid ul Azha 2026: Wednesday 27 to Friday 29 May; next business day Monday 1 June
        rolled = adjust(date(2026, 5, 27), BusinessDayConvention.FOLLOWING, PK26)
        assert rolled == date(2026, 6, 1)
        assert adjust(date(2026, 5, 27), BusinessDayConvention.PRECEDING, PK26) == date(2026, 5, 26)
        assert adjust(date(2026, 5, 27), BusinessDayConvention.UNADJUSTED, PK26) == date(
            2026, 5, 27
        )

    def test_modified_following_stays_in_the_month(self) -> None:
        # Friday 29 May 2026 (Eid): following is Monday 1 June, so modified -> Tuesday 26 May
        eid = date(2026, 5, 29)
        assert adjust(eid, BusinessDayConvention.FOLLOWING, PK26) == date(2026, 6, 1)
        assert adjust(eid, BusinessDayConvention.MODIFIED_FOLLOWING, PK26) == date(2026, 5, 26)
        # Kashmir Day, Thursday 5 Feb 2026: following stays in February
        assert adjust(date(2026, 2, 5), BusinessDayConvention.MODIFIED_FOLLOWING, PK26) == date(
            2026, 2, 6
        )

    def test_t_plus_one_over_a_long_weekend(self) -> None:
        # Traded Thursday 19 March 2026: Friday 20 is Eid, then the weekend, then Monday 23
        # is Pakistan Day, so T+1 is Tuesday 24
        assert add_business_days(date(2026, 3, 19), 1, PK26) == date(2026, 3, 24)
        assert add_business_days(date(2026, 3, 24), 1, PK26) == date(2026, 3, 25)
        assert add_business_days(date(2026, 3, 24), -2, PK26) == date(2026, 3, 18)
        assert add_business_days(date(2026, 3, 24), 0, PK26) == date(2026, 3, 24)

    def test_five_working_days_before_a_fixing(self) -> None:
        days = business_days_before(date(2026, 3, 26), 5, PK26)
        assert days == (
            date(2026, 3, 17),
            date(2026, 3, 18),
            date(2026, 3, 19),
            date(2026, 3, 24),
            date(2026, 3, 25),
        )

    def test_the_calendar_refuses_years_nobody_entered(self) -> None:
        for outside in (date(2025, 12, 31), date(2027, 1, 4)):
            with pytest.raises(DomainError) as err:
                PK26.is_business_day(outside)
            assert err.value.code is ErrorCode.CALENDAR_NOT_COVERED
        with pytest.raises(DomainError) as err:
            PK.is_business_day(date(2031, 1, 6))
        assert err.value.code is ErrorCode.CALENDAR_NOT_COVERED

    def test_every_holiday_is_sourced(self) -> None:
        data = pakistan_calendar_2026()
        holidays = data["holidays"]
        assert isinstance(holidays, list)
        assert len(holidays) == len(PK26.holidays) == 17
        for holiday in holidays:
            assert holiday["kind"] in {"public", "bank"}
            assert str(holiday["source"]).startswith("https://")
            day = date.fromisoformat(holiday["date"])
            assert day.year == 2026
            assert day.strftime("%a").upper() == holiday["weekday"]
        assert len(str(data["sha256"])) == 64

    def test_another_jurisdiction_is_just_other_data(self) -> None:
        gulf = calendar_from_config(
            {
                "id": "AE-EXAMPLE",
                "weekend": ["SAT", "SUN"],
                "holidays": ["2023-12-02"],
                "covers_from": "2023-01-01",
                "covers_to": "2023-12-31",
            }
        )
        assert isinstance(gulf, HolidayCalendar)
        assert not gulf.is_business_day(date(2023, 12, 2))
        with pytest.raises(DomainError) as err:
            calendar_from_config({"id": "X", "weekend": ["FUNDAY"], "holidays": []})
        assert err.value.code is ErrorCode.INVALID_TERMS


class TestSchedules:
    def test_ten_year_pib_maturing_20_august_2023(self) -> None:
        periods = generate_schedule(date(2013, 8, 20), date(2023, 8, 20), 2)
        assert len(periods) == 20
        assert not any(p.is_stub for p in periods)
        current = period_containing(periods, date(2021, 3, 4))
        assert (current.accrual_start, current.accrual_end) == (
            date(2021, 2, 20),
            date(2021, 8, 20),
        )
        assert (current.accrual_end - current.accrual_start).days == 181
        remaining = [p for p in periods if p.number >= current.number]
        assert len(remaining) == 5  # 5 coupons left

    def test_short_first_stub_when_issued_between_coupon_dates(self) -> None:
        periods = generate_schedule(date(2021, 3, 4), date(2023, 8, 20), 2)
        first = periods[0]
        assert first.is_stub
        assert first.accrual_start == date(2021, 3, 4)
        assert first.notional_start == date(2021, 2, 20)
        assert first.accrual_end == date(2021, 8, 20)
        assert len(periods) == 5

    def test_end_of_month_term_keeps_month_ends_through_a_leap_february(self) -> None:
        periods = generate_schedule(date(2023, 8, 31), date(2025, 2, 28), 4, end_of_month=True)
        ends = [p.accrual_end for p in periods]
        assert ends == [
            date(2023, 11, 30),
            date(2024, 2, 29),
            date(2024, 5, 31),
            date(2024, 8, 31),
            date(2024, 11, 30),
            date(2025, 2, 28),
        ]

    def test_payment_dates_roll_but_accrual_dates_do_not(self) -> None:
        periods = generate_schedule(
            date(2025, 11, 27),
            date(2026, 11, 27),
            2,
            calendar=PK26,
            convention=BusinessDayConvention.FOLLOWING,
        )
        may_2026 = periods[0]
        assert may_2026.accrual_end == date(2026, 5, 27)
        assert may_2026.payment_date == date(2026, 6, 1)  # after Eid ul Azha
        assert periods[1].accrual_start == date(2026, 5, 27)
        nov_2026 = periods[1]
        assert nov_2026.payment_date == date(2026, 11, 27)  # a Friday, no roll

    def test_add_months_clamps_to_month_length(self) -> None:
        assert add_months(date(2021, 8, 31), -6) == date(2021, 2, 28)
        assert add_months(date(2024, 8, 31), -6) == date(2024, 2, 29)
        assert add_months(date(2021, 1, 31), 1, end_of_month=True) == date(2021, 2, 28)

    def test_bad_frequency_and_dates_are_refused(self) -> None:
        with pytest.raises(DomainError) as err:
            generate_schedule(date(2021, 1, 1), date(2022, 1, 1), 3)
        assert err.value.code is ErrorCode.INVALID_FREQUENCY
        with pytest.raises(DomainError) as err:
            generate_schedule(date(2022, 1, 1), date(2021, 1, 1), 2)
        assert err.value.code is ErrorCode.INVALID_SCHEDULE
        with pytest.raises(DomainError) as err:
            generate_schedule(
                date(2021, 1, 1),
                date(2022, 1, 1),
                2,
                convention=BusinessDayConvention.FOLLOWING,
            )
        assert err.value.code is ErrorCode.UNKNOWN_CALENDAR


@settings(max_examples=100, deadline=None)
@given(
    issue=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    years=st.integers(min_value=1, max_value=20),
    months_short=st.integers(min_value=0, max_value=5),
    frequency=st.sampled_from([1, 2, 4, 12]),
)
def test_schedules_tile_the_life_of_the_bond(
    issue: date, years: int, months_short: int, frequency: int
) -> None:
    maturity = add_months(issue, 12 * years - months_short)
    periods = generate_schedule(issue, maturity, frequency)
    assert periods[0].accrual_start == issue
    assert periods[-1].accrual_end == maturity
    for before, after in itertools.pairwise(periods):
        assert before.accrual_end == after.accrual_start
        assert not after.is_stub
    # Act/Act ICMA: each regular period is exactly 1/frequency of a year
    for period in periods[1:]:
        factor = accrual_factor(
            DayCount.ACT_ACT_ICMA,
            period.accrual_start,
            period.accrual_end,
            period_start=period.notional_start,
            period_end=period.accrual_end,
            frequency=frequency,
        )
        assert factor * frequency == 1
    assert periods[0].notional_start <= issue < periods[0].accrual_end
