"""Delivery-versus-payment settlement instructions: one state table, pure transitions.

Owns: :class:`InstructionState`, :class:`InstructionAction`, the transition table
:data:`TRANSITIONS`, :class:`SettlementInstruction` and the functions that move an
instruction through it (:func:`instruct`, :func:`affirm`, :func:`match`,
:func:`cancel`, :func:`settle`).

Life of an instruction::

    INSTRUCTED --affirm--> AFFIRMED_BY_ONE --affirm (other side)--> MATCHED
    INSTRUCTED / AFFIRMED_BY_ONE --match (by the exchange)--> MATCHED
    MATCHED --settle (on or after the settlement date)--> SETTLED
    any state but SETTLED --cancel--> CANCELLED

Price bands: every instrument has a band of prices per 100 (:class:`PriceBand`, its
configuration). A trade priced outside it is ``out_of_band``: the exchange's ``match``
cannot stand in for the counterparties, and it settles only once both sides affirmed it
(``OUTSIDE_PRICE_BAND`` otherwise).

Settling moves the security leg and the cash leg together on an immutable
:class:`.holdings.Ledger`: either both legs are in the returned ledger or the call
raised and nothing moved.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from .errors import DomainError, ErrorCode
from .holdings import Ledger
from .money import PRICE_PER_100, require_decimal, require_multiple, require_positive_amount

MAX_PRICE_PER_100 = Decimal(10_000)
"""The highest price per 100 the register accepts (100 times face); with a face of at
most :data:`.money.MAX_AMOUNT` the consideration stays within 34 significant digits."""


def require_price(price_per_100: object, field: str = "price_per_100") -> Decimal:
    """A quoted price per 100: a decimal in (0, :data:`MAX_PRICE_PER_100`] with at most
    4 decimals (:data:`.money.PRICE_PER_100`), else ``PRICE_OUT_OF_RANGE``."""
    price = require_decimal(price_per_100, field)
    assert PRICE_PER_100.quantum is not None
    if not Decimal(0) < price <= MAX_PRICE_PER_100 or price != price.quantize(
        PRICE_PER_100.quantum
    ):
        raise DomainError(
            ErrorCode.PRICE_OUT_OF_RANGE,
            f"{field}: a price per 100 in (0, {MAX_PRICE_PER_100}] with at most 4 decimals",
        )
    return price


@dataclass(frozen=True)
class PriceBand:
    """The prices per 100 at which an instrument trades without the counterparties'
    own affirmation: ``floor`` <= price <= ``cap`` (both quoted prices)."""

    floor: Decimal
    cap: Decimal

    def __post_init__(self) -> None:
        require_price(self.floor, "price_band_floor")
        require_price(self.cap, "price_band_cap")
        if self.floor > self.cap:
            raise DomainError(ErrorCode.PRICE_OUT_OF_RANGE, "price band floor above its cap")

    def contains(self, price_per_100: Decimal) -> bool:
        """Whether ``price_per_100`` lies inside the band."""
        return self.floor <= price_per_100 <= self.cap


class InstructionState(StrEnum):
    """States of a settlement instruction."""

    INSTRUCTED = "INSTRUCTED"
    AFFIRMED_BY_ONE = "AFFIRMED_BY_ONE"
    MATCHED = "MATCHED"
    SETTLED = "SETTLED"
    CANCELLED = "CANCELLED"


class InstructionAction(StrEnum):
    """What can happen to an instruction."""

    AFFIRM_FIRST = "AFFIRM_FIRST"
    AFFIRM_SECOND = "AFFIRM_SECOND"
    MATCH = "MATCH"
    SETTLE = "SETTLE"
    CANCEL = "CANCEL"


_S = InstructionState
_A = InstructionAction
TRANSITIONS: Mapping[tuple[InstructionState, InstructionAction], InstructionState] = (
    MappingProxyType(
        {
            (_S.INSTRUCTED, _A.AFFIRM_FIRST): _S.AFFIRMED_BY_ONE,
            (_S.AFFIRMED_BY_ONE, _A.AFFIRM_SECOND): _S.MATCHED,
            (_S.INSTRUCTED, _A.MATCH): _S.MATCHED,
            (_S.AFFIRMED_BY_ONE, _A.MATCH): _S.MATCHED,
            (_S.MATCHED, _A.SETTLE): _S.SETTLED,
            (_S.INSTRUCTED, _A.CANCEL): _S.CANCELLED,
            (_S.AFFIRMED_BY_ONE, _A.CANCEL): _S.CANCELLED,
            (_S.MATCHED, _A.CANCEL): _S.CANCELLED,
        }
    )
)
"""The only allowed transitions: (state, action) -> next state."""


def next_state(state: InstructionState, action: InstructionAction) -> InstructionState:
    """Look ``(state, action)`` up in :data:`TRANSITIONS` or raise ``INVALID_TRANSITION``."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"{action} in {state}") from None


@dataclass(frozen=True)
class SettlementInstruction:
    """A DvP trade to settle.

    ``instruction_id``: unique key. ``instrument_id``: the security.
    ``seller_account_id`` / ``buyer_account_id``: accounts delivering the security and
    paying the cash; they are also the two sides that affirm.
    ``face_amount``: security leg, minor units of face (or mg).
    ``cash_amount``: cash leg, minor units of the cash token (consideration incl.
    accrued interest, see :func:`.money.amount_at_price`).
    ``trade_date`` / ``settlement_date``: T and T+n (n is the market's parameter).
    ``state`` / ``affirmed_by``: progress (account ids that affirmed).
    ``out_of_band``: priced outside the instrument's band, so both sides must affirm.
    """

    instruction_id: str
    instrument_id: str
    seller_account_id: str
    buyer_account_id: str
    face_amount: int
    cash_amount: int
    trade_date: date
    settlement_date: date
    state: InstructionState = InstructionState.INSTRUCTED
    affirmed_by: frozenset[str] = frozenset()
    out_of_band: bool = False

    @property
    def affirmed_by_both(self) -> bool:
        """Both the seller's and the buyer's side affirmed."""
        return {self.seller_account_id, self.buyer_account_id} <= self.affirmed_by


def instruct(
    instruction_id: str,
    instrument_id: str,
    *,
    seller_account_id: str,
    buyer_account_id: str,
    face_amount: int,
    denomination: int,
    cash_amount: int,
    trade_date: date,
    settlement_date: date,
    as_of: date,
    out_of_band: bool = False,
) -> SettlementInstruction:
    """A new instruction in INSTRUCTED, validated; ``out_of_band`` when its price lies
    outside the instrument's :class:`PriceBand`."""
    require_multiple(face_amount, denomination, "face amount")
    require_positive_amount(cash_amount, "cash amount")
    if seller_account_id == buyer_account_id:
        raise DomainError(ErrorCode.SAME_ACCOUNT, seller_account_id)
    if settlement_date < as_of or settlement_date < trade_date:
        raise DomainError(ErrorCode.SETTLEMENT_DATE_IN_PAST, settlement_date.isoformat())
    return SettlementInstruction(
        instruction_id,
        instrument_id,
        seller_account_id,
        buyer_account_id,
        face_amount,
        cash_amount,
        trade_date,
        settlement_date,
        out_of_band=out_of_band,
    )


def affirm(instruction: SettlementInstruction, account_id: str) -> SettlementInstruction:
    """The side owning ``account_id`` affirms; the second affirmation matches."""
    if account_id not in (instruction.seller_account_id, instruction.buyer_account_id):
        raise DomainError(ErrorCode.NOT_A_PARTY, account_id)
    if account_id in instruction.affirmed_by:
        raise DomainError(ErrorCode.ALREADY_AFFIRMED, account_id)
    action = _A.AFFIRM_SECOND if instruction.affirmed_by else _A.AFFIRM_FIRST
    return dataclasses.replace(
        instruction,
        state=next_state(instruction.state, action),
        affirmed_by=instruction.affirmed_by | {account_id},
    )


def match(instruction: SettlementInstruction) -> SettlementInstruction:
    """The exchange matched the trade (in place of the two affirmations); refused with
    ``OUTSIDE_PRICE_BAND`` for a trade priced outside the band."""
    state = next_state(instruction.state, _A.MATCH)
    if instruction.out_of_band:
        raise DomainError(
            ErrorCode.OUTSIDE_PRICE_BAND,
            f"{instruction.instruction_id}: priced outside the band; both sides must affirm",
        )
    return dataclasses.replace(instruction, state=state)


def cancel(instruction: SettlementInstruction) -> SettlementInstruction:
    """Cancel before settlement."""
    return dataclasses.replace(instruction, state=next_state(instruction.state, _A.CANCEL))


def settle(
    instruction: SettlementInstruction, ledger: Ledger, denomination: int, as_of: date
) -> tuple[SettlementInstruction, Ledger]:
    """Settle both legs on ``as_of`` (on or after the settlement date)."""
    settled_state = next_state(instruction.state, _A.SETTLE)
    if instruction.out_of_band and not instruction.affirmed_by_both:
        raise DomainError(
            ErrorCode.OUTSIDE_PRICE_BAND,
            f"{instruction.instruction_id}: priced outside the band; both sides must affirm",
        )
    if as_of < instruction.settlement_date:
        raise DomainError(
            ErrorCode.SETTLEMENT_DATE_NOT_REACHED, instruction.settlement_date.isoformat()
        )
    after_delivery = ledger.move_security(
        instruction.seller_account_id,
        instruction.buyer_account_id,
        instruction.instrument_id,
        instruction.face_amount,
        denomination,
    )
    after_payment = after_delivery.move_cash(
        instruction.buyer_account_id, instruction.seller_account_id, instruction.cash_amount
    )
    return dataclasses.replace(instruction, state=settled_state), after_payment
