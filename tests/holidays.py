"""The tests' Pakistani calendars, read from the product's sourced data file.

:func:`pk_calendar_2026` is the product's 2026 settlement calendar
(``sovereign_assets/domain/pk_settlement_calendar_2026.json``: every holiday with its
source notice), covering 2026 only. Tests of holiday rules use it on 2026 dates.

Many tests work on the reference dates of DOMAIN.md (an auction of March 2021, bonds of
2021-2024). No sourced holiday list is shipped for those years, so
``TEST_PK_CALENDAR_CONFIG`` extends the same calendar back to 2020 with weekends only:
it claims no holiday before 2026, and no golden figure depends on one (accrual dates are
unadjusted; DOMAIN.md's settlement of 4 March 2021 is a Thursday).
"""

from __future__ import annotations

from sovereign_assets.domain.calendars import HolidayCalendar, calendar_from_config
from sovereign_assets.domain.examples import pakistan_calendar_2026_config

PK_2026_CONFIG: dict[str, object] = pakistan_calendar_2026_config()
"""The product's sourced 2026 calendar (id ``PK-SBP``), as ``calendar_from_config`` data."""

TEST_PK_CALENDAR_CONFIG: dict[str, object] = {
    **PK_2026_CONFIG,
    # Weekends only before 2026: the tests' reference dates are 2020-2025, and no
    # sourced holiday list for those years is shipped.
    "covers_from": "2020-01-01",
}


def pk_calendar_2026() -> HolidayCalendar:
    """The product's sourced 2026 calendar (weekend Saturday and Sunday)."""
    return calendar_from_config(PK_2026_CONFIG)


def pk_test_calendar() -> HolidayCalendar:
    """The sourced 2026 calendar, weekends only from 2020 to 2025 (see the module)."""
    return calendar_from_config(TEST_PK_CALENDAR_CONFIG)
