"""A holiday calendar for the tests only: not a source, never shipped.

The dates were entered from memory of public announcements of 2020-2024 (Islamic holidays
move with moon sighting; extra closures are declared at short notice), so they give the
tests realistic holidays to roll dates around, nothing more. The product ships no holiday
list: the central bank publishes each calendar on the ledger with its source document
(``calendar:Publish``).
"""

from __future__ import annotations

from sovereign_assets.domain.calendars import HolidayCalendar, calendar_from_config

TEST_PK_CALENDAR_CONFIG: dict[str, object] = {
    "id": "PK-SBP",
    "weekend": ["SAT", "SUN"],
    "covers_from": "2020-01-01",
    "covers_to": "2024-12-31",
    "holidays": [
        # 2020
        "2020-02-05",  # Kashmir Solidarity Day
        "2020-03-23",  # Pakistan Day
        "2020-05-01",  # Labour Day
        "2020-05-25",  # Eid ul Fitr
        "2020-05-26",
        "2020-05-27",
        "2020-07-01",  # bank holiday
        "2020-07-31",  # Eid ul Adha
        "2020-08-14",  # Independence Day
        "2020-08-28",  # Ashura
        "2020-10-30",  # Eid Milad un Nabi
        "2020-11-09",  # Iqbal Day
        "2020-12-25",  # Quaid-e-Azam Day
        # 2021
        "2021-02-05",  # Kashmir Solidarity Day
        "2021-03-23",  # Pakistan Day
        "2021-05-01",  # Labour Day
        "2021-05-13",  # Eid ul Fitr
        "2021-05-14",
        "2021-05-15",
        "2021-07-01",  # bank holiday
        "2021-07-20",  # Eid ul Adha
        "2021-07-21",
        "2021-07-22",
        "2021-08-14",  # Independence Day
        "2021-08-18",  # Ashura
        "2021-08-19",
        "2021-10-19",  # Eid Milad un Nabi
        "2021-11-09",  # Iqbal Day
        "2021-12-25",  # Quaid-e-Azam Day
        # 2022
        "2022-02-05",
        "2022-03-23",
        "2022-05-01",
        "2022-05-02",  # Eid ul Fitr
        "2022-05-03",
        "2022-05-04",
        "2022-05-05",
        "2022-07-01",
        "2022-07-10",  # Eid ul Adha
        "2022-07-11",
        "2022-07-12",
        "2022-08-08",  # Ashura
        "2022-08-09",
        "2022-08-14",
        "2022-10-09",
        "2022-11-09",
        "2022-12-25",
        # 2023
        "2023-02-05",
        "2023-03-23",
        "2023-04-21",  # Eid ul Fitr
        "2023-04-24",
        "2023-04-25",
        "2023-05-01",
        "2023-06-29",  # Eid ul Adha
        "2023-06-30",
        "2023-07-01",
        "2023-07-27",  # Ashura
        "2023-07-28",
        "2023-08-14",
        "2023-09-29",
        "2023-11-09",
        "2023-12-25",
        # 2024
        "2024-02-05",
        "2024-03-23",
        "2024-04-10",  # Eid ul Fitr
        "2024-04-11",
        "2024-04-12",
        "2024-05-01",
        "2024-05-28",  # Youm-e-Takbeer
        "2024-06-17",  # Eid ul Adha
        "2024-06-18",
        "2024-06-19",
        "2024-07-01",
        "2024-07-16",  # Ashura
        "2024-07-17",
        "2024-08-14",
        "2024-09-17",
        "2024-11-09",
        "2024-12-25",
    ],
}


def pk_test_calendar() -> HolidayCalendar:
    """The tests' Pakistani calendar (weekend Saturday and Sunday)."""
    return calendar_from_config(TEST_PK_CALENDAR_CONFIG)
