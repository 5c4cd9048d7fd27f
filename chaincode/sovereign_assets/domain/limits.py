"""Issuance limits of a pilot: the programme cap on total issued face.

Owns :class:`IssuanceProgramme` (a cap in the cash currency, stated with the reference
amount, exchange rate and rate source it was derived from) and
:func:`require_within_programme`. The per-investor and non-resident caps of an instrument are
transfer rules (:mod:`.investors`); this module holds the one that spans instruments.

The cap is configuration, not a conversion done on the ledger: the rate is the one the
programme's documents fix, and the ledger only checks that the stated cap is that rate
applied to the reference amount, rounded once, down (a cap is never rounded up).

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .errors import DomainError, ErrorCode
from .money import MAX_AMOUNT


@dataclass(frozen=True)
class IssuanceProgramme:
    """An issuance programme and its cap.

    ``programme_id``: e.g. "PK-DIGITAL-SUKUK-PILOT". ``cap``: total face that may be
    issued under it, minor units of the cash currency (paisa). ``reference_currency`` /
    ``reference_amount`` (minor units, cents): the size the programme is announced in.
    ``exchange_rate``: cash-currency units per reference unit (both with two decimals of
    minor units). ``rate_source`` / ``rate_date``: where and for which date the rate was
    published. Raises ``INVALID_TERMS`` when the cap is not
    ``floor(reference_amount x exchange_rate)``.
    """

    programme_id: str
    cap: int
    reference_currency: str
    reference_amount: int
    exchange_rate: Decimal
    rate_source: str
    rate_date: date

    def __post_init__(self) -> None:
        for name, value in (("cap", self.cap), ("reference_amount", self.reference_amount)):
            if type(value) is not int or not 0 < value <= MAX_AMOUNT:
                raise DomainError(ErrorCode.INVALID_TERMS, f"programme {name} out of range")
        if not isinstance(self.exchange_rate, Decimal) or not self.exchange_rate > 0:
            raise DomainError(ErrorCode.INVALID_TERMS, "programme exchange_rate must be > 0")
        if not self.programme_id or not self.rate_source.strip() or not self.reference_currency:
            raise DomainError(
                ErrorCode.INVALID_TERMS, "programme id, reference currency and rate source"
            )
        if self.cap != converted_cap(self.reference_amount, self.exchange_rate):
            raise DomainError(
                ErrorCode.INVALID_TERMS,
                "programme cap must be reference_amount x exchange_rate, rounded down",
            )


def converted_cap(reference_amount: int, exchange_rate: Decimal) -> int:
    """``reference_amount`` (minor units) at ``exchange_rate``, in minor units of the
    cash currency: one exact product, rounded once, down."""
    return math.floor(Fraction(reference_amount) * Fraction(exchange_rate))


def require_within_programme(programme: IssuanceProgramme | None, issued: int, adding: int) -> None:
    """Raise ``OVER_PROGRAMME_LIMIT`` when issuing ``adding`` more face (minor units) on
    top of ``issued`` under ``programme`` would pass its cap (no programme: no cap)."""
    if programme is not None and adding > 0 and issued + adding > programme.cap:
        raise DomainError(
            ErrorCode.OVER_PROGRAMME_LIMIT,
            f"{programme.programme_id}: {issued} issued, {adding} more, cap {programme.cap}",
        )
