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
from enum import StrEnum
from types import MappingProxyType

from .errors import DomainError, ErrorCode
from .holdings import Ledger
from .money import require_multiple, require_positive_amount


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
) -> SettlementInstruction:
    """A new instruction in INSTRUCTED, validated."""
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
    """The exchange matched the trade (in place of the two affirmations)."""
    return dataclasses.replace(instruction, state=next_state(instruction.state, _A.MATCH))


def cancel(instruction: SettlementInstruction) -> SettlementInstruction:
    """Cancel before settlement."""
    return dataclasses.replace(instruction, state=next_state(instruction.state, _A.CANCEL))


def settle(
    instruction: SettlementInstruction, ledger: Ledger, denomination: int, as_of: date
) -> tuple[SettlementInstruction, Ledger]:
    """Settle both legs on ``as_of`` (on or after the settlement date)."""
    settled_state = next_state(instruction.state, _A.SETTLE)
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
