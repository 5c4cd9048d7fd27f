"""Paying lifecycle effects to holders: claims, tax split, bounded resumable batches.

Owns: :class:`ClaimKey`, :class:`HolderPayment`, :class:`PaymentBook`,
:func:`compute_payment`, :func:`pay`, :class:`Batch` and :func:`plan_batch`.

No double payment: every payment is keyed by (instrument, period, holder account).
:func:`pay` refuses a key already in the :class:`PaymentBook` with ``ALREADY_PAID``
and, being pure, changes nothing. On Fabric the book is one state key per claim, so
two transactions paying the same claim conflict at validation (MVCC) as well.

Scale: a coupon date with 100,000 holders is paid in batches. :func:`plan_batch`
takes holders in account-id order after a cursor (the last account id handled), at
most ``batch_size`` of them, skips claims already paid, and returns the next cursor:
re-running a batch after a crash plans only what is still unpaid (idempotent), and
any batch can resume from its cursor.

Amounts (:data:`.money.CASH`): gross = face held x amount per unit (both exact, so
face x rate x days / (frequency x period days) as one rational), rounded once, half
up, to whole minor units per holder; tax per :mod:`.tax`; net = gross - tax.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import DomainError, ErrorCode
from .holdings import Ledger, LedgerDraft
from .lifecycle import Effect
from .money import exact, in_domain_context, require_positive_amount, round_cash
from .tax import TaxSplit, TaxStatus, WithholdingTable, withhold


@dataclass(frozen=True, order=True)
class ClaimKey:
    """One payable claim: ``instrument_id``, ``period_id`` (period end date, ISO, or
    "REDEMPTION"), ``holder_account_id``."""

    instrument_id: str
    period_id: str
    holder_account_id: str


@dataclass(frozen=True)
class HolderPayment:
    """What one holder receives for one claim; amounts in minor units."""

    key: ClaimKey
    face_held: int
    split: TaxSplit


@dataclass(frozen=True)
class PaymentBook:
    """The claims already paid."""

    paid: frozenset[ClaimKey] = frozenset()

    def is_paid(self, key: ClaimKey) -> bool:
        """True once ``key`` was paid."""
        return key in self.paid


@in_domain_context
def compute_payment(
    effect: Effect,
    holder_account_id: str,
    face_held: int,
    tax_status: TaxStatus,
    table: WithholdingTable,
) -> HolderPayment:
    """The payment for one holder of ``face_held`` under ``effect``.

    Tax applies to profit (``effect.taxable``) at the holder's rate in force on the
    payment date; principal is paid gross.
    """
    face = require_positive_amount(face_held, "face held")
    gross = round_cash(face * exact(effect.amount_per_unit))
    rate = table.rate_for(tax_status, effect.payment_date) if effect.taxable else Decimal(0)
    key = ClaimKey(effect.target.instrument_id, effect.period_id, holder_account_id)
    return HolderPayment(key, face, withhold(gross, rate))


def pay(
    book: PaymentBook,
    ledger: Ledger,
    payment: HolderPayment,
    *,
    payer_account_id: str,
    tax_account_id: str,
) -> tuple[PaymentBook, Ledger]:
    """Record ``payment`` and move its cash: net to the holder, tax to the tax
    authority, both from the payer (the treasury's paying account)."""
    return pay_all(
        book, ledger, (payment,), payer_account_id=payer_account_id, tax_account_id=tax_account_id
    )


def pay_all(
    book: PaymentBook,
    ledger: Ledger,
    payments: Sequence[HolderPayment],
    *,
    payer_account_id: str,
    tax_account_id: str,
) -> tuple[PaymentBook, Ledger]:
    """:func:`pay` each of ``payments`` in order: the same checks, first error and result
    as paying them one by one, with one new ledger at the end (linear in the batch)."""
    paid = set(book.paid)
    draft = LedgerDraft(ledger)
    for payment in payments:
        if payment.key in paid:
            raise DomainError(ErrorCode.ALREADY_PAID, f"{payment.key}")
        split = payment.split
        if draft.cash_balance(payer_account_id) < split.gross:
            raise DomainError(ErrorCode.INSUFFICIENT_CASH, payer_account_id)
        draft.move_cash(payer_account_id, payment.key.holder_account_id, split.net)
        draft.move_cash(payer_account_id, tax_account_id, split.tax)
        paid.add(payment.key)
    return PaymentBook(frozenset(paid)), draft.ledger()


@dataclass(frozen=True)
class Batch:
    """Payments planned for one transaction, and where the next batch starts.

    ``next_cursor``: account id of the last holder considered; ``done``: no holder
    after it.
    """

    payments: tuple[HolderPayment, ...]
    next_cursor: str | None
    done: bool


def plan_batch(
    effect: Effect,
    holders: tuple[tuple[str, int], ...],
    book: PaymentBook,
    *,
    cursor: str | None,
    batch_size: int,
    tax_status_of: Callable[[str], TaxStatus],
    table: WithholdingTable,
) -> Batch:
    """Plan the next at most ``batch_size`` holders after ``cursor``.

    ``holders``: (account id, face held) at the record date, e.g.
    :meth:`.holdings.Ledger.holders`; any order, sorted here. ``tax_status_of`` maps
    an account id to its legal owner's tax status.
    """
    if type(batch_size) is not int or batch_size <= 0:
        raise DomainError(ErrorCode.INVALID_BATCH, "batch size must be an int > 0")
    pending = sorted(
        (account, face) for account, face in holders if cursor is None or account > cursor
    )
    chosen = pending[:batch_size]
    payments = tuple(
        compute_payment(effect, account, face, tax_status_of(account), table)
        for account, face in chosen
        if not book.is_paid(ClaimKey(effect.target.instrument_id, effect.period_id, account))
    )
    next_cursor = chosen[-1][0] if chosen else cursor
    return Batch(payments, next_cursor, done=len(pending) <= batch_size)
