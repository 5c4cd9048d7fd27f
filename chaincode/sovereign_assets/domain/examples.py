"""Example configuration data: Pakistan, the reference market.

Owns: plain-data configuration (dicts shaped as they would be stored as JSON) for
the Pakistani market - the withholding-tax table and the pilot's issuance programme.
Nothing in the domain depends on this module; another jurisdiction supplies its own.

No holiday list is shipped: business-day calendars are ledger configuration the
central bank publishes with their source document (``calendar:Publish``), and no
complete official list (State Bank of Pakistan bank holidays, Cabinet Division
notifications) was at hand to cite. The demo's calendar knows weekends only and says so.

Must not import: anything outside the standard library and this package.
"""

from __future__ import annotations

from typing import Final

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
