"""Example configuration data: Pakistan, the reference market.

Owns: plain-data configuration (dicts shaped as they would be stored as JSON) for
the Pakistani market - a holiday calendar and a withholding-tax table - and the
helpers that turn them into domain values. Nothing in the domain depends on this
module; another jurisdiction supplies its own data.

The holiday dates are entered for illustration from public announcements of
2020-2024 (Islamic holidays move with moon sighting and extra closures are declared
at short notice): an operator must load the official State Bank of Pakistan list.

Must not import: anything outside the standard library and this package.
"""

from __future__ import annotations

from typing import Final

from .calendars import HolidayCalendar, calendar_from_config

PAKISTAN_CALENDAR_CONFIG: Final[dict[str, object]] = {
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


def pakistan_calendar() -> HolidayCalendar:
    """The example Pakistani calendar (weekend Saturday and Sunday)."""
    return calendar_from_config(PAKISTAN_CALENDAR_CONFIG)


PAKISTAN_WITHHOLDING_CONFIG: Final[list[dict[str, str]]] = [
    # Rates on profit on debt; the non-filer rate is a configuration choice (sources
    # give 30 % or 35 %). Exempt: non-residents investing through special
    # convertible rupee accounts.
    {"status": "FILER", "rate": "0.15", "effective_from": "2019-07-01"},
    {"status": "NON_FILER", "rate": "0.30", "effective_from": "2019-07-01"},
    {"status": "NON_RESIDENT_SCRA", "rate": "0", "effective_from": "2019-07-01"},
    {"status": "EXEMPT", "rate": "0", "effective_from": "2019-07-01"},
]


PAKISTAN_PILOT_PROGRAMME_CONFIG: Final[dict[str, object]] = {
    # The pilot's programme of USD 2 billion, capped in PKR at a stated rate. The rate is
    # the State Bank of Pakistan's mark-to-market revaluation rate for spot USD/PKR of
    # 24 September 2025 (281.4250), as reported by ARY News,
    # https://arynews.tv/dollar-currency-rates-in-pakistan-today-september-24-2025 - an
    # operator replaces it with the SBP publication for the programme's own fixing date.
    "programme_id": "PK-TOKENIZED-PILOT",
    "reference_currency": "USD",
    "reference_amount": 200_000_000_000,  # USD 2,000,000,000.00 in cents
    "exchange_rate": "281.4250",
    "rate_source": (
        "SBP mark-to-market revaluation rate, spot USD/PKR, 2025-09-24, as reported at"
        " https://arynews.tv/dollar-currency-rates-in-pakistan-today-september-24-2025"
    ),
    "rate_date": "2025-09-24",
    "cap": 56_285_000_000_000,  # paisa: floor(200,000,000,000 x 281.4250), PKR 562.85 bn
}
"""The seed's issuance programme (plain data, the shape of ``IssuanceProgrammeConfig``)."""
