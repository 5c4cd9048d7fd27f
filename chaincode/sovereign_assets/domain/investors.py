"""Investor registry records and the dry-run transfer check.

Owns: :class:`KycStatus`, :class:`Residency`, :class:`InvestorType`,
:class:`Investor`, :class:`InstrumentControls`, :class:`Controls`,
:class:`TransferRefusal`, :func:`holding_entry_refusals` - the one eligibility function
of every way into a holding (issue, transfer, settlement) - and its transfer form
:func:`transfer_refusal`. Each returns the **first** failing reason (its code and the
account it failed on, or None) in the documented order, without changing anything. The
SDK calls the dry run before submitting; the contract calls the same function again
inside the transaction.

Personal data (names, national ids) never appears here: an investor is an id and
the attributes the rules need.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from .errors import ErrorCode
from .holdings import Account, HoldingKey, Ledger
from .money import MAX_AMOUNT
from .tax import TaxStatus


class KycStatus(StrEnum):
    """Know-your-customer state; only VERIFIED may hold or receive."""

    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    EXPIRED = "EXPIRED"
    REJECTED = "REJECTED"


class Residency(StrEnum):
    """Residency for eligibility and non-resident caps."""

    RESIDENT = "RESIDENT"
    NON_RESIDENT = "NON_RESIDENT"
    OVERSEAS_NATIONAL = "OVERSEAS_NATIONAL"


class InvestorType(StrEnum):
    """Kind of investor."""

    INDIVIDUAL = "INDIVIDUAL"
    INSTITUTION = "INSTITUTION"
    BANK = "BANK"
    PRIMARY_DEALER = "PRIMARY_DEALER"
    DFI = "DFI"
    INVESTMENT_BANK = "INVESTMENT_BANK"


@dataclass(frozen=True)
class Investor:
    """A registry entry (also for institutions that hold dealer accounts).

    ``islamic_only``: the investor may hold only Shariah-compliant instruments.
    ``islamic_eligible``: the investor may hold instruments restricted to Islamic-
    eligible holders (an Islamic bank or fund, or an investor who elected so).
    ``kyc_expires_on``: the first business date the verification no longer holds (None:
    no end date); from then on the investor counts as not verified.
    """

    investor_id: str
    kyc: KycStatus
    residency: Residency
    investor_type: InvestorType
    tax_status: TaxStatus
    islamic_only: bool = False
    islamic_eligible: bool = False
    kyc_expires_on: date | None = None


@dataclass(frozen=True)
class InstrumentControls:
    """What the transfer rules need to know about an instrument.

    ``min_denomination``: minor units of face (mg for commodities).
    ``maturity_date``: None for instruments that do not mature.
    ``shariah_compliant``: sukuk, commodity tokens. ``islamic_eligible_only``:
    receivers must be Islamic-eligible.
    ``holding_limit``: per-investor cap (minor units) on what one legal owner holds
    across all its accounts, None for none. ``non_residents_allowed``: False closes the
    instrument to them. ``lockup_until``: no transfers before this date (primary
    allotment lock-up). ``holdings_fixed_from``: the record date of the next coupon not
    yet paid; from that business date until the coupon is paid no holding changes, so
    entitlement is fixed by the holdings at the record date. ``non_resident_limit``: cap
    (minor units) on what all non-resident owners hold together, None for none.
    """

    instrument_id: str
    min_denomination: int
    maturity_date: date | None
    shariah_compliant: bool = False
    islamic_eligible_only: bool = False
    holding_limit: int | None = None
    non_residents_allowed: bool = True
    lockup_until: date | None = None
    holdings_fixed_from: date | None = None
    non_resident_limit: int | None = None


@dataclass(frozen=True)
class Controls:
    """Controller state: ``global_pause`` (kill switch), ``paused_instruments``,
    ``frozen_accounts`` and ``frozen_amounts`` ((account, instrument) -> frozen part
    of a holding, minor units)."""

    global_pause: bool = False
    paused_instruments: frozenset[str] = frozenset()
    frozen_accounts: frozenset[str] = frozenset()
    frozen_amounts: Mapping[HoldingKey, int] = field(default_factory=lambda: MappingProxyType({}))


CHECK_ORDER: tuple[ErrorCode, ...] = (
    ErrorCode.GLOBAL_PAUSE,
    ErrorCode.INSTRUMENT_PAUSED,
    ErrorCode.INSTRUMENT_MATURED,
    ErrorCode.RECORD_DATE_PASSED,
    ErrorCode.INVALID_AMOUNT,
    ErrorCode.NOT_MULTIPLE_OF_DENOMINATION,
    ErrorCode.SAME_ACCOUNT,
    ErrorCode.ACCOUNT_FROZEN,
    ErrorCode.UNKNOWN_INVESTOR,
    ErrorCode.NOT_KYC_VERIFIED,
    ErrorCode.NOT_ELIGIBLE,
    ErrorCode.LOCKED_UP,
    ErrorCode.INSUFFICIENT_HOLDING,
    ErrorCode.OVER_HOLDING_LIMIT,
    ErrorCode.OVER_NON_RESIDENT_LIMIT,
)
"""The order in which :func:`holding_entry_refusals` reports failures (and
the gate the first)."""


def kyc_valid(investor: Investor, as_of: date) -> bool:
    """VERIFIED and, when the verification has an end date, ``as_of`` before it."""
    return investor.kyc is KycStatus.VERIFIED and (
        investor.kyc_expires_on is None or as_of < investor.kyc_expires_on
    )


@dataclass(frozen=True)
class TransferRefusal:
    """Why a holding may not change: ``code`` and the account it failed on.

    ``account_id`` is the sender's or the receiver's account - the one whose owner, state
    or holding broke the rule (a receiver failing KYC is named, not the sender) - or None
    when the rule is about the instrument or the amount.
    """

    code: ErrorCode
    account_id: str | None = None


def holding_entry_refusals(
    *,
    instrument: InstrumentControls,
    receiver: Account,
    amount: int,
    investors: Mapping[str, Investor],
    receiver_investor_holding: int,
    controls: Controls,
    as_of: date,
    sender: Account | None = None,
    sender_available: int = 0,
    non_resident_holding: int = 0,
) -> Iterator[TransferRefusal]:
    """Every reason ``amount`` may not enter ``receiver``'s holding, in
    :data:`CHECK_ORDER`, lazily (none: allowed): the one eligibility function of every
    way into a holding - an issue (``sender`` None), a transfer, a settlement. The gate
    takes the first (``next(..., None)``), the dry run all of them.

    ``receiver_investor_holding``: what the receiver's legal owner already holds of the
    instrument across all its accounts (the holding limit is per investor).
    ``sender_available``: the sender's holding less its frozen part.
    ``non_resident_holding``: what all non-resident owners hold of the instrument
    together (the ledger's exact aggregate), for its non-resident cap.
    Checks the instrument (kill switch, pause, maturity, record date), the amount, both
    parties' accounts and owners (frozen, registered, KYC valid on ``as_of``), the
    receiver's eligibility, the sender's lock-up and balance, the receiver owner's
    resulting holding against the cap (a move between two accounts of one investor
    leaves that total unchanged) and the non-residents' total against theirs (a move
    between two non-residents leaves it unchanged). Where both sides fail one rule, the
    sender is named. A rule that needs what an earlier one found missing (an owner, a
    valid amount) is not checked.
    """
    if controls.global_pause:
        yield TransferRefusal(ErrorCode.GLOBAL_PAUSE)
    if instrument.instrument_id in controls.paused_instruments:
        yield TransferRefusal(ErrorCode.INSTRUMENT_PAUSED)
    if instrument.maturity_date is not None and as_of >= instrument.maturity_date:
        yield TransferRefusal(ErrorCode.INSTRUMENT_MATURED)
    if instrument.holdings_fixed_from is not None and as_of >= instrument.holdings_fixed_from:
        yield TransferRefusal(ErrorCode.RECORD_DATE_PASSED)
    valid_amount = not (
        isinstance(amount, bool) or type(amount) is not int or not 0 < amount <= MAX_AMOUNT
    )
    if not valid_amount:
        yield TransferRefusal(ErrorCode.INVALID_AMOUNT)
    elif amount % instrument.min_denomination:
        yield TransferRefusal(ErrorCode.NOT_MULTIPLE_OF_DENOMINATION)
    parties = (receiver,) if sender is None else (sender, receiver)
    if sender is not None and sender.account_id == receiver.account_id:
        yield TransferRefusal(ErrorCode.SAME_ACCOUNT, sender.account_id)
    for account in parties:
        if account.account_id in controls.frozen_accounts:
            yield TransferRefusal(ErrorCode.ACCOUNT_FROZEN, account.account_id)
    owners = [(account, investors.get(account.owner_id)) for account in parties]
    for account, owner in owners:
        if owner is None:
            yield TransferRefusal(ErrorCode.UNKNOWN_INVESTOR, account.account_id)
    for account, owner in owners:
        if owner is not None and not kyc_valid(owner, as_of):
            yield TransferRefusal(ErrorCode.NOT_KYC_VERIFIED, account.account_id)
    receiver_owner = investors.get(receiver.owner_id)
    if receiver_owner is not None and (
        (receiver_owner.islamic_only and not instrument.shariah_compliant)
        or (instrument.islamic_eligible_only and not receiver_owner.islamic_eligible)
        or (
            not instrument.non_residents_allowed
            and receiver_owner.residency is not Residency.RESIDENT
        )
    ):
        yield TransferRefusal(ErrorCode.NOT_ELIGIBLE, receiver.account_id)
    if sender is not None:
        if instrument.lockup_until is not None and as_of < instrument.lockup_until:
            yield TransferRefusal(ErrorCode.LOCKED_UP)
        if valid_amount and sender_available < amount:
            yield TransferRefusal(ErrorCode.INSUFFICIENT_HOLDING, sender.account_id)
    if not valid_amount or receiver_owner is None:
        return
    same_owner = sender is not None and sender.owner_id == receiver.owner_id
    if (
        instrument.holding_limit is not None
        and not same_owner
        and receiver_investor_holding + amount > instrument.holding_limit
    ):
        yield TransferRefusal(ErrorCode.OVER_HOLDING_LIMIT, receiver.account_id)
    sender_owner = None if sender is None else investors.get(sender.owner_id)
    if (
        instrument.non_resident_limit is not None
        and receiver_owner.residency is not Residency.RESIDENT
        and (sender_owner is None or sender_owner.residency is Residency.RESIDENT)
        and non_resident_holding + amount > instrument.non_resident_limit
    ):
        yield TransferRefusal(ErrorCode.OVER_NON_RESIDENT_LIMIT, receiver.account_id)


def transfer_refusal(
    *,
    instrument: InstrumentControls,
    sender: Account,
    receiver: Account,
    amount: int,
    investors: Mapping[str, Investor],
    ledger: Ledger,
    controls: Controls,
    as_of: date,
    receiver_investor_holding: int | None = None,
) -> TransferRefusal | None:
    """The first of :func:`holding_entry_refusals` for a transfer, the sender's
    available balance (its holding less any frozen part) read from ``ledger``.

    ``receiver_investor_holding``: the receiver's owner's holding across all its
    accounts; defaults to the receiver account's own holding in ``ledger``.
    """
    iid = instrument.instrument_id
    frozen_part = controls.frozen_amounts.get((sender.account_id, iid), 0)
    return next(
        holding_entry_refusals(
            instrument=instrument,
            receiver=receiver,
            amount=amount,
            investors=investors,
            receiver_investor_holding=(
                ledger.holding(receiver.account_id, iid)
                if receiver_investor_holding is None
                else receiver_investor_holding
            ),
            controls=controls,
            as_of=as_of,
            sender=sender,
            sender_available=ledger.holding(sender.account_id, iid) - frozen_part,
        ),
        None,
    )
