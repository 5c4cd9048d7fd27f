"""Numbers of the domain: currencies, integer minor units, Decimal rates, and rounding.

Owns:
- :class:`Currency` (ISO-like code and minor-unit exponent);
- the fixed :data:`DECIMAL_CONTEXT` every domain computation runs under;
- input guards that reject ``float`` (and ``bool``) wherever a number enters;
- **every rounding rule of the domain** (:data:`ROUNDING_RULES`) and the functions
  that apply them. No other module calls ``Decimal.quantize``.

Representation:
- Amounts (cash, face value, commodity weight) are ``int`` in the smallest unit
  (paisa for PKR, milligrams for bars). An int never needs rounding.
- Rates, yields and prices are ``Decimal``. A rate is a fraction: ``Decimal("0.07")``
  for 7 %. A price is per 100 of face value: ``Decimal("95.6574")``.

Exactness: every amount that settles (coupon, rental, accrued interest, redemption,
consideration, tax) is one exact rational expression (``fractions.Fraction``: face x
rate x days / (frequency x period days) ...) rounded **once** by its rule below, in
integer arithmetic. Nothing on that path is a 34-digit Decimal, so an exact half of a
minor unit is always seen as a half and goes up.

Precision of Decimal work (prices, yields, displays): 34 significant digits (IEEE 754
decimal128), ROUND_HALF_EVEN for the arithmetic itself, traps on invalid operations,
division by zero and overflow, in a context built afresh for each domain call
(:func:`domain_context`): the caller's context never matters. The stated rounding
rules below are the only places a result is cut to its quoted form.

Must not import: anything outside the standard library; no clock, randomness or I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction
from functools import wraps
from typing import ParamSpec, TypeVar

from .errors import DomainError, ErrorCode

_PRECISION = 34
_EMAX = 6144
_EMIN = -6143


def domain_context() -> Context:
    """A new copy of the one arithmetic context of the domain.

    Every setting is spelled out (precision, rounding, exponent range, clamp, flags,
    traps), so nothing is inherited from ``decimal.DefaultContext`` or the caller, and
    each call builds a fresh object: no one can change the context the domain runs in.
    """
    return Context(
        prec=_PRECISION,
        rounding=ROUND_HALF_EVEN,
        Emin=_EMIN,
        Emax=_EMAX,
        capitals=1,
        clamp=0,
        flags=[],
        traps=[InvalidOperation, DivisionByZero, Overflow],
    )


DECIMAL_CONTEXT = domain_context()
"""A copy of the domain's context (34 significant digits), for callers that want to
compute the way the domain does. The domain never reads it: changing it changes nothing."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def in_domain_context(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` under :data:`DECIMAL_CONTEXT`, whatever the caller's context is.

    Why: Decimal contexts are thread-global and mutable; results must not depend on
    what some other code did to the context (determinism across endorsing peers).
    """

    @wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(domain_context()):
            return func(*args, **kwargs)

    return wrapper


# -- exact rationals ------------------------------------------------------------------


def exact(value: Decimal | int | Fraction) -> Fraction:
    """``value`` as an exact rational (a Decimal converts without loss)."""
    if isinstance(value, (bool, float)):
        raise DomainError(ErrorCode.FLOAT_NOT_ALLOWED, "floats are not allowed")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise DomainError(ErrorCode.INVALID_NUMBER, "must be finite")
        return Fraction(value)
    return Fraction(require_int(value, "number"))


def round_half_up(value: Fraction) -> int:
    """The integer nearest to ``value``; an exact half goes away from zero (the
    ``ROUND_HALF_UP`` of :mod:`decimal`). Pure integer arithmetic: no context, no
    intermediate rounding."""
    numerator, denominator = value.numerator, value.denominator  # denominator > 0
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


@in_domain_context
def to_decimal(value: Fraction | Decimal | int) -> Decimal:
    """``value`` as a Decimal of 34 significant digits (exact when it terminates
    within them). For display and for the powers pricing needs; never for an amount
    that settles, which is rounded from the exact rational."""
    q = exact(value)
    return Decimal(q.numerator) / Decimal(q.denominator)


@dataclass(frozen=True)
class Currency:
    """A currency: ``code`` (e.g. "PKR") and ``exponent``, the number of decimal
    places of its minor unit (2 for PKR: 1 rupee = 100 paisa)."""

    code: str
    exponent: int

    def __post_init__(self) -> None:
        if not (len(self.code) == 3 and self.code.isalpha() and self.code.isupper()):
            raise DomainError(ErrorCode.INVALID_TERMS, f"currency code {self.code!r}")
        if type(self.exponent) is not int or not 0 <= self.exponent <= 6:
            raise DomainError(ErrorCode.INVALID_TERMS, "currency exponent must be int 0..6")

    @property
    def minor_per_major(self) -> int:
        """Minor units in one major unit (100 paisa per rupee)."""
        return int(10**self.exponent)

    def to_minor(self, major: int) -> int:
        """Whole major units (rupees) to minor units (paisa)."""
        return require_int(major, "major units") * self.minor_per_major


PKR = Currency("PKR", 2)
"""Pakistani rupee; minor unit paisa."""


# -- input guards -------------------------------------------------------------------

MAX_AMOUNT = 10**18
"""The largest amount of anything the register holds, in minor units (or mg): any one
input, balance, issue, outstanding supply or cash in circulation. 10**18 paisa is
PKR 10 quadrillion; a holder's gross payment (face x at most 100 % plus the face) and
every total of a run stay far inside 34 significant digits and a signed 64-bit integer
times ten, so no computation downstream can overflow or lose a digit."""


def require_int(value: object, field: str) -> int:
    """Return ``value`` if it is a true ``int``; reject float, bool, Decimal, str."""
    if isinstance(value, float):
        raise DomainError(ErrorCode.FLOAT_NOT_ALLOWED, f"{field}: floats are not allowed")
    if type(value) is not int:
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"{field}: must be an int")
    return value


def require_positive_amount(value: object, field: str) -> int:
    """An amount in minor units that must be an int in ``1..MAX_AMOUNT``."""
    amount = require_int(value, field)
    if amount <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"{field}: must be > 0")
    return require_bounded(amount, field)


def require_non_negative_amount(value: object, field: str) -> int:
    """An amount in minor units that must be an int in ``0..MAX_AMOUNT``."""
    amount = require_int(value, field)
    if amount < 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"{field}: must be >= 0")
    return require_bounded(amount, field)


def require_bounded(amount: int, field: str) -> int:
    """``amount`` if it is at most :data:`MAX_AMOUNT`, else ``INVALID_AMOUNT``."""
    if amount > MAX_AMOUNT:
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"{field}: must be <= {MAX_AMOUNT}")
    return amount


def require_decimal(value: object, field: str) -> Decimal:
    """Return ``value`` as a finite ``Decimal``.

    Accepts ``Decimal``, ``int`` and decimal strings ("0.07"); rejects ``float``
    (binary floats cannot represent most decimal rates exactly) and bool.
    """
    if isinstance(value, float):
        raise DomainError(ErrorCode.FLOAT_NOT_ALLOWED, f"{field}: floats are not allowed")
    if isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID_NUMBER, f"{field}: bool is not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise DomainError(ErrorCode.INVALID_NUMBER, f"{field}: not a decimal") from None
    else:
        raise DomainError(ErrorCode.INVALID_NUMBER, f"{field}: not a decimal")
    if not result.is_finite():
        raise DomainError(ErrorCode.INVALID_NUMBER, f"{field}: must be finite")
    return result


MAX_RATE = Decimal(1)
"""Rates (coupons, rentals, benchmark fixings, yields recorded as market data) are
fractions in ``[0, MAX_RATE)``: 0 % up to, not including, 100 % a year."""


def require_rate(value: object, field: str) -> Decimal:
    """A per-annum rate as a fraction in ``[0, 1)`` ("0.0725"), else ``INVALID_NUMBER``."""
    rate = require_decimal(value, field)
    if not Decimal(0) <= rate < MAX_RATE:
        raise DomainError(
            ErrorCode.INVALID_NUMBER, f"{field}: a rate is a fraction in [0, 1), e.g. 0.0725"
        )
    return rate


def require_multiple(amount: int, denomination: int, field: str) -> int:
    """``amount`` must be a positive int multiple of ``denomination`` (both minor units)."""
    require_positive_amount(amount, field)
    if amount % denomination != 0:
        raise DomainError(
            ErrorCode.NOT_MULTIPLE_OF_DENOMINATION,
            f"{field}: {amount} is not a multiple of {denomination}",
        )
    return amount


# -- rounding: the one place --------------------------------------------------------


@dataclass(frozen=True)
class RoundingRule:
    """How one kind of computed number is cut to its quoted or settled form.

    ``quantum`` is the last kept digit (``Decimal("0.0001")`` = 4 decimals);
    ``None`` means whole minor units of the currency involved.
    """

    name: str
    quantum: Decimal | None
    rounding: str
    applies_to: str


PRICE_PER_100 = RoundingRule(
    "price per 100",
    Decimal("0.0001"),
    ROUND_HALF_UP,
    "bill and bond prices (clean and dirty) quoted per 100 of face value: 4 decimals, "
    "half up - reproduces published quotes (98.7031, 95.6574)",
)
YIELD = RoundingRule(
    "yield",
    Decimal("0.000001"),
    ROUND_HALF_UP,
    "yields solved from prices, as a fraction: 6 decimals = 4 decimals of a percent "
    "(0.090000 = 9.0000 %), half up",
)
FIXING_RATE = RoundingRule(
    "fixing rate",
    Decimal("0.000001"),
    ROUND_HALF_UP,
    "benchmark fixings computed here (the PKRV 5-day average fallback): 4 decimals of "
    "a percent, half up; published auction yields are used as given",
)
CASH = RoundingRule(
    "cash amount",
    None,
    ROUND_HALF_UP,
    "every cash amount that settles (coupon and rental per holder, accrued interest on "
    "a face amount, settlement consideration, redemption): whole minor units, half up. "
    "Computed directly from the face amount held, never from a rounded per-100 figure. "
    "A bond's settlement amount is one expression, face x clean price / 100 + face x "
    "accrued per unit, rounded once (accrued is not rounded separately first)",
)
WITHHOLDING_TAX = RoundingRule(
    "withholding tax",
    None,
    ROUND_HALF_UP,
    "tax = gross x rate, whole minor units, half up; the net is gross - tax (never "
    "rounded separately), so tax + net == gross exactly",
)
PRO_RATA_LOT = RoundingRule(
    "pro-rata lot",
    None,
    ROUND_HALF_UP,
    "an auction bid at the cut-off filled pro rata: its exact share (bid x amount left "
    "at the cut-off / bids at the cut-off) to the nearest lot of face (PKR 50 million, "
    "SBP DMMD Circular 02 of 2007), half up, capped at the bid; a residue over the amount "
    "left is taken back one lot at a time (:mod:`.auctions`); a share that cannot be "
    "cut to lots is rounded down to the denomination",
)
DENOMINATION_FLOOR = RoundingRule(
    "denomination floor",
    None,
    ROUND_DOWN,
    "a face amount scaled down (oversubscribed non-competitive bids, the pro-rata "
    "fallback): down to a multiple of the instrument's denomination, so a total never "
    "exceeds what was accepted",
)
ROUNDING_RULES: tuple[RoundingRule, ...] = (
    PRICE_PER_100,
    YIELD,
    FIXING_RATE,
    CASH,
    WITHHOLDING_TAX,
    PRO_RATA_LOT,
    DENOMINATION_FLOOR,
)
"""Every rounding rule of the domain."""


@in_domain_context
def _quantize(value: Decimal, quantum: Decimal, rounding: str) -> Decimal:
    return value.quantize(quantum, rounding=rounding)


@in_domain_context
def _quantize_exact(value: Fraction, quantum: Decimal) -> Decimal:
    """An exact rational to ``quantum`` (half up) in integer arithmetic: no Decimal
    division comes first, so the result is rounded once."""
    steps = round_half_up(value / exact(quantum))
    return Decimal(steps).scaleb(quantum.as_tuple().exponent)  # type: ignore[arg-type]


def round_price(price_per_100: Decimal | Fraction) -> Decimal:
    """Apply :data:`PRICE_PER_100` (to a Decimal, or exactly to a Fraction)."""
    assert PRICE_PER_100.quantum is not None
    if isinstance(price_per_100, Fraction):
        return _quantize_exact(price_per_100, PRICE_PER_100.quantum)
    return _quantize(require_decimal(price_per_100, "price"), PRICE_PER_100.quantum, ROUND_HALF_UP)


def round_yield(rate: Decimal | Fraction) -> Decimal:
    """Apply :data:`YIELD` (to a Decimal, or exactly to a Fraction)."""
    assert YIELD.quantum is not None
    if isinstance(rate, Fraction):
        return _quantize_exact(rate, YIELD.quantum)
    return _quantize(require_decimal(rate, "yield"), YIELD.quantum, ROUND_HALF_UP)


def round_fixing(rate: Decimal) -> Decimal:
    """Apply :data:`FIXING_RATE`."""
    assert FIXING_RATE.quantum is not None
    return _quantize(require_decimal(rate, "fixing"), FIXING_RATE.quantum, ROUND_HALF_UP)


def _exact_amount(value: object, field: str) -> Fraction:
    if isinstance(value, Fraction):
        return value
    return exact(require_decimal(value, field))


def round_cash(amount_minor: Fraction | Decimal | int) -> int:
    """Apply :data:`CASH`: an exact amount in minor units -> int minor units.

    Give the whole exact expression (a ``Fraction``: face x rate x days / (frequency x
    period days) ...); it is rounded here once, half up, in integer arithmetic."""
    return round_half_up(_exact_amount(amount_minor, "cash amount"))


def round_tax(amount_minor: Fraction | Decimal | int) -> int:
    """Apply :data:`WITHHOLDING_TAX`: an exact tax in minor units -> int minor units."""
    return round_half_up(_exact_amount(amount_minor, "tax amount"))


@in_domain_context
def amount_at_price(
    face_minor: int, price_per_100: Decimal, accrued_per_unit: Fraction = Fraction(0)
) -> int:
    """Settlement amount of ``face_minor`` at a quoted clean price per 100, plus the
    accrued interest ``accrued_per_unit`` (exact, per 1 minor unit of face; 0 for bills
    and for a settlement on a coupon date).

    Rule (:data:`CASH`): face x price / 100 + face x accrued, one exact expression,
    rounded once to whole minor units, half up - the dirty amount a buyer pays.
    """
    face = require_positive_amount(face_minor, "face amount")
    if not isinstance(accrued_per_unit, Fraction) or accrued_per_unit < 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "accrued per unit: a Fraction >= 0")
    clean = face * exact(require_decimal(price_per_100, "price")) / 100
    return round_cash(clean + face * accrued_per_unit)


def round_to_lot(face_minor: Fraction, lot: int) -> int:
    """Apply :data:`PRO_RATA_LOT`: an exact face amount to the nearest multiple of
    ``lot`` (minor units), half up."""
    require_positive_amount(lot, "lot")
    return round_half_up(face_minor / lot) * lot


def floor_to_denomination(face_minor: Fraction | int, denomination: int) -> int:
    """Apply :data:`DENOMINATION_FLOOR`: an exact non-negative face amount down to a
    multiple of ``denomination`` (minor units)."""
    require_positive_amount(denomination, "denomination")
    value = Fraction(face_minor)
    if value < 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "face amount must be >= 0")
    return (value.numerator // (value.denominator * denomination)) * denomination


@in_domain_context
def weighted_average(pairs: Iterable[tuple[Decimal, int]]) -> Fraction:
    """The exact weighted average of (value, weight) pairs (weights int > 0); the
    caller rounds it by the rule of what it is (:func:`round_yield`, :func:`round_price`)."""
    total = 0
    weighted = Fraction(0)
    for value, weight in pairs:
        require_positive_amount(weight, "weight")
        weighted += exact(require_decimal(value, "value")) * weight
        total += weight
    if total == 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "weighted average of nothing")
    return weighted / total
