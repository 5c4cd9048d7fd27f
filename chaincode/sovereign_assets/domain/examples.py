"""Example configuration data: Pakistan, the reference market.

Owns: plain-data configuration (dicts shaped as they would be stored as JSON) for
the Pakistani market - the withholding-tax table, the pilot's issuance programme and
the 2026 settlement calendar.
Nothing in the domain depends on this module; another jurisdiction supplies its own.

The settlement calendar is a data file, ``pk_settlement_calendar_2026.json``: each
holiday with its date, name, kind (``public``: a federal public holiday; ``bank``: the
State Bank closes banks for public dealing) and the URL of the notice it comes from -
the Cabinet Division's schedule for 2026 as reported by Express, the State Bank's
circulars where one confirmed or moved a date. It covers 2026 only; nothing here is a
fact about other years. It is not read by the chaincode: the central bank publishes it
on the ledger (``calendar:Publish``, see :func:`pakistan_calendar_2026`) with the
file's SHA-256 as the source document's hash.

Must not import: anything outside the standard library and this package.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Final

PAKISTAN_CALENDAR_2026_FILE: Final = "pk_settlement_calendar_2026.json"
"""The 2026 settlement calendar's data file, a resource of this package."""

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


def pakistan_calendar_2026_bytes() -> bytes:
    """The 2026 settlement calendar's data file exactly as shipped (what its SHA-256 covers)."""
    return resources.files(__package__).joinpath(PAKISTAN_CALENDAR_2026_FILE).read_bytes()


def pakistan_calendar_2026() -> dict[str, object]:
    """The 2026 settlement calendar as data: ``calendar_id``, ``weekend``,
    ``covers_from``/``covers_to`` (ISO), ``source`` {name, uri}, ``sha256`` (hex SHA-256
    of the data file), and ``holidays``: one entry a date {date, weekday, name, kind
    ("public" or "bank"), source URL, optional note}."""
    raw = pakistan_calendar_2026_bytes()
    data: dict[str, object] = json.loads(raw)
    data["sha256"] = hashlib.sha256(raw).hexdigest()
    return data


def pakistan_calendar_2026_config() -> dict[str, object]:
    """The 2026 settlement calendar in the shape ``calendar_from_config`` takes (every
    holiday, public and bank alike, closes settlement)."""
    data = pakistan_calendar_2026()
    holidays = data["holidays"]
    if not isinstance(holidays, list):
        raise TypeError(f"{PAKISTAN_CALENDAR_2026_FILE}: holidays must be a list")
    return {
        "id": data["calendar_id"],
        "weekend": data["weekend"],
        "holidays": sorted({str(h["date"]) for h in holidays}),
        "covers_from": data["covers_from"],
        "covers_to": data["covers_to"],
    }
