"""Withholding tax on profit paid to holders.

Owns: :class:`TaxStatus`, :class:`WithholdingRate`, :class:`WithholdingTable`
(rates by status with effective dates, built from configuration by
:func:`table_from_config`), :class:`TaxSplit` and :func:`withhold`.

Rounding (:data:`.money.WITHHOLDING_TAX`): tax = gross x rate rounded half up to whole
minor units; net = gross - tax. The net is never rounded on its own, so
tax + net == gross exactly, for every holder.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .errors import DomainError, ErrorCode
from .money import (
    exact,
    in_domain_context,
    require_decimal,
    require_non_negative_amount,
    round_tax,
)


class TaxStatus(StrEnum):
    """A holder's withholding-tax status."""

    FILER = "FILER"
    """On the active taxpayer list."""
    NON_FILER = "NON_FILER"
    NON_RESIDENT_SCRA = "NON_RESIDENT_SCRA"
    """Non-resident investing through a special convertible rupee account."""
    EXEMPT = "EXEMPT"
    """Exempt by law (e.g. certain funds), on evidence kept off-ledger."""


@dataclass(frozen=True)
class WithholdingRate:
    """``rate`` (fraction, ``Decimal("0.15")`` = 15 %) for ``status`` from
    ``effective_from`` (inclusive) until a later row for the same status."""

    status: TaxStatus
    rate: Decimal
    effective_from: date

    def __post_init__(self) -> None:
        rate = require_decimal(self.rate, "tax rate")
        if not Decimal(0) <= rate <= Decimal(1):
            raise DomainError(ErrorCode.INVALID_TERMS, "a tax rate lies in [0, 1]")


@dataclass(frozen=True)
class WithholdingTable:
    """All rates, any order."""

    rates: tuple[WithholdingRate, ...]

    def __post_init__(self) -> None:
        keys = [(r.status, r.effective_from) for r in self.rates]
        if len(set(keys)) != len(keys):
            raise DomainError(ErrorCode.INVALID_TERMS, "two rates for one status and date")

    def rate_for(self, status: TaxStatus, on: date) -> Decimal:
        """The rate in force for ``status`` on ``on`` (the payment date)."""
        in_force = [r for r in self.rates if r.status is status and r.effective_from <= on]
        if not in_force:
            raise DomainError(ErrorCode.NO_TAX_RATE, f"{status} on {on.isoformat()}")
        return max(in_force, key=lambda r: r.effective_from).rate


def table_from_config(rows: Iterable[Mapping[str, str]]) -> WithholdingTable:
    """Build a table from rows ``{"status", "rate", "effective_from"}`` of strings."""
    try:
        rates = tuple(
            WithholdingRate(
                TaxStatus(row["status"]),
                require_decimal(row["rate"], "tax rate"),
                date.fromisoformat(row["effective_from"]),
            )
            for row in rows
        )
    except (KeyError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID_TERMS, f"tax table config: {exc}") from None
    return WithholdingTable(rates)


@dataclass(frozen=True)
class TaxSplit:
    """A gross payment split into tax (to the tax authority) and net (to the holder),
    all in minor units; ``tax + net == gross``."""

    gross: int
    tax: int
    net: int
    rate: Decimal


@in_domain_context
def withhold(gross: int, rate: Decimal) -> TaxSplit:
    """Split ``gross`` at ``rate`` (see the module docstring for the rounding)."""
    amount = require_non_negative_amount(gross, "gross")
    tax_rate = require_decimal(rate, "tax rate")
    tax = round_tax(amount * exact(tax_rate))
    return TaxSplit(amount, tax, amount - tax, tax_rate)
