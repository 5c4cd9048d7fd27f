"""Numbers as the market quotes them.

Amounts are integer minor units (paisa) shown as ``PKR 1,234,567.89``; clean prices per
100 of face with 4 decimals (``99.8750``); yields and rates, stored as fractions, as
percentages with 4 decimals (``12.0000%``). Each is one exact Decimal expression rounded
once (half up, as quotes are published); nothing passes through float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FOUR_PLACES = Decimal("0.0001")
CURRENCY = "PKR"
MINOR_UNITS = 100


def amount(minor: int) -> str:
    """``123456789`` -> ``1,234,567.89`` (the currency's 2 decimals, exact)."""
    sign = "-" if minor < 0 else ""
    major, cents = divmod(abs(minor), MINOR_UNITS)
    return f"{sign}{major:,}.{cents:02d}"


def pkr(minor: int) -> str:
    """``123456789`` -> ``PKR 1,234,567.89``."""
    return f"{CURRENCY} {amount(minor)}"


def price(value: str | Decimal | None) -> str:
    """A price per 100 with 4 decimals: ``"99.875"`` -> ``99.8750``; ``None`` -> ``-``."""
    if value is None:
        return "-"
    return str(Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP))


def percent(fraction: str | Decimal | None) -> str:
    """A yield or rate given as a fraction, in percent with 4 decimals:
    ``"0.12"`` -> ``12.0000%``; ``None`` -> ``-``."""
    if fraction is None:
        return "-"
    return f"{(Decimal(fraction) * 100).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)}%"


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` in percent, 2 decimals (``-`` when ``whole`` is 0)."""
    if whole == 0:
        return "-"
    ratio = Decimal(part) * 100 / Decimal(whole)
    return f"{ratio.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def duration(microseconds: int | None) -> str:
    """An elapsed time: ``2.350 s``, ``4 min 05 s``, ``3 h 02 min``; ``-`` if unknown."""
    if microseconds is None:
        return "-"
    if microseconds < 60_000_000:
        seconds = (Decimal(microseconds) / 1_000_000).quantize(Decimal("0.001"))
        return f"{seconds} s"
    total = microseconds // 1_000_000
    if total < 3600:
        return f"{total // 60} min {total % 60:02d} s"
    return f"{total // 3600} h {total % 3600 // 60:02d} min"
