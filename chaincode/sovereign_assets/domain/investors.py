"""Investor registry records and the dry-run transfer check.

Owns: :class:`KycStatus`, :class:`Residency`, :class:`InvestorType`,
:class:`Investor`, :class:`InstrumentControls`, :class:`Controls`,
:func:`transfer_refusal`, which returns the **first** failing reason (its code and the
account it failed on, or None) in the documented order without changing anything, and
:func:`check_transfer`, its code alone. The SDK calls it before
submitting; the contract calls it again inside the transaction.

Personal data (names, national ids) never appears here: an investor is an id and
the attributes the rules need.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from .errors import ErrorCode
from .holdings import Account, HoldingKey, Ledger
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
    """

    investor_id: str
    kyc: KycStatus
    residency: Residency
    investor_type: InvestorType
    tax_status: TaxStatus
    islamic_only: bool = False
    islamic_eligible: bool = False


@dataclass(frozen=True)
class InstrumentControls:
    """What the transfer rules need to know about an instrument.

    ``min_denomination``: minor units of face (mg for commodities).
    ``maturity_date``: None for instruments that do not mature.
    ``shariah_compliant``: sukuk, commodity tokens. ``islamic_eligible_only``:
    receivers must be Islamic-eligible.
    ``holding_limit``: per-investor cap on the receiver's account (minor units), None
    for none. ``non_residents_allowed``: False closes the instrument to them.
    ``lockup_until``: no transfers before this date (primary allotment lock-up).
    """

    instrument_id: str
    min_denomination: int
    maturity_date: date | None
    shariah_compliant: bool = False
    islamic_eligible_only: bool = False
    holding_limit: int | None = None
    non_residents_allowed: bool = True
    lockup_until: date | None = None


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
)
"""The order in which :func:`check_transfer` reports failures."""


@dataclass(frozen=True)
class TransferRefusal:
    """Why a transfer fails: ``code`` and the account it failed on.

    ``account_id`` is the sender's or the receiver's account - the one whose owner, state
    or holding broke the rule (a receiver failing KYC is named, not the sender) - or None
    when the rule is about the instrument or the amount.
    """

    code: ErrorCode
    account_id: str | None = None


def check_transfer(
    *,
    instrument: InstrumentControls,
    sender: Account,
    receiver: Account,
    amount: int,
    investors: Mapping[str, Investor],
    ledger: Ledger,
    controls: Controls,
    as_of: date,
) -> ErrorCode | None:
    """The first reason (in :data:`CHECK_ORDER`) the transfer would fail, or None.

    The code of :func:`transfer_refusal` (same arguments).
    """
    refusal = transfer_refusal(
        instrument=instrument,
        sender=sender,
        receiver=receiver,
        amount=amount,
        investors=investors,
        ledger=ledger,
        controls=controls,
        as_of=as_of,
    )
    return None if refusal is None else refusal.code


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
) -> TransferRefusal | None:
    """The first reason (in :data:`CHECK_ORDER`) the transfer would fail and the account
    it failed on, or None.

    Checks both legal owners for KYC; the receiver for eligibility (Islamic
    restrictions, residency); the sender for lock-up and unfrozen balance; the
    receiver's resulting holding against the cap. Where both sides fail one rule, the
    sender is named.
    """
    iid = instrument.instrument_id
    if controls.global_pause:
        return TransferRefusal(ErrorCode.GLOBAL_PAUSE)
    if iid in controls.paused_instruments:
        return TransferRefusal(ErrorCode.INSTRUMENT_PAUSED)
    if instrument.maturity_date is not None and as_of >= instrument.maturity_date:
        return TransferRefusal(ErrorCode.INSTRUMENT_MATURED)
    if isinstance(amount, bool) or type(amount) is not int or amount <= 0:
        return TransferRefusal(ErrorCode.INVALID_AMOUNT)
    if amount % instrument.min_denomination:
        return TransferRefusal(ErrorCode.NOT_MULTIPLE_OF_DENOMINATION)
    if sender.account_id == receiver.account_id:
        return TransferRefusal(ErrorCode.SAME_ACCOUNT, sender.account_id)
    for account in (sender, receiver):
        if account.account_id in controls.frozen_accounts:
            return TransferRefusal(ErrorCode.ACCOUNT_FROZEN, account.account_id)
    owners = [(account, investors.get(account.owner_id)) for account in (sender, receiver)]
    for account, owner in owners:
        if owner is None:
            return TransferRefusal(ErrorCode.UNKNOWN_INVESTOR, account.account_id)
    for account, owner in owners:
        if owner is not None and KycStatus.VERIFIED is not owner.kyc:
            return TransferRefusal(ErrorCode.NOT_KYC_VERIFIED, account.account_id)
    receiver_owner = investors[receiver.owner_id]  # present: checked above
    if (
        (receiver_owner.islamic_only and not instrument.shariah_compliant)
        or (instrument.islamic_eligible_only and not receiver_owner.islamic_eligible)
        or (
            not instrument.non_residents_allowed
            and receiver_owner.residency is not Residency.RESIDENT
        )
    ):
        return TransferRefusal(ErrorCode.NOT_ELIGIBLE, receiver.account_id)
    if instrument.lockup_until is not None and as_of < instrument.lockup_until:
        return TransferRefusal(ErrorCode.LOCKED_UP)
    frozen_part = controls.frozen_amounts.get((sender.account_id, iid), 0)
    if ledger.holding(sender.account_id, iid) - frozen_part < amount:
        return TransferRefusal(ErrorCode.INSUFFICIENT_HOLDING, sender.account_id)
    if (
        instrument.holding_limit is not None
        and ledger.holding(receiver.account_id, iid) + amount > instrument.holding_limit
    ):
        return TransferRefusal(ErrorCode.OVER_HOLDING_LIMIT, receiver.account_id)
    return None
