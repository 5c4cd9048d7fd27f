"""Investor registry records and the dry-run transfer check.

Owns: :class:`KycStatus`, :class:`Residency`, :class:`InvestorType`,
:class:`Investor`, :class:`InstrumentControls`, :class:`Controls` and
:func:`check_transfer`, which returns the **first** failing reason code (or None)
in the documented order, without changing anything. The SDK calls it before
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

    Checks both legal owners for KYC; the receiver for eligibility (Islamic
    restrictions, residency); the sender for lock-up and unfrozen balance; the
    receiver's resulting holding against the cap.
    """
    iid = instrument.instrument_id
    if controls.global_pause:
        return ErrorCode.GLOBAL_PAUSE
    if iid in controls.paused_instruments:
        return ErrorCode.INSTRUMENT_PAUSED
    if instrument.maturity_date is not None and as_of >= instrument.maturity_date:
        return ErrorCode.INSTRUMENT_MATURED
    if isinstance(amount, bool) or type(amount) is not int or amount <= 0:
        return ErrorCode.INVALID_AMOUNT
    if amount % instrument.min_denomination:
        return ErrorCode.NOT_MULTIPLE_OF_DENOMINATION
    if sender.account_id == receiver.account_id:
        return ErrorCode.SAME_ACCOUNT
    if {sender.account_id, receiver.account_id} & controls.frozen_accounts:
        return ErrorCode.ACCOUNT_FROZEN
    sender_owner = investors.get(sender.owner_id)
    receiver_owner = investors.get(receiver.owner_id)
    if sender_owner is None or receiver_owner is None:
        return ErrorCode.UNKNOWN_INVESTOR
    if KycStatus.VERIFIED is not sender_owner.kyc or KycStatus.VERIFIED is not receiver_owner.kyc:
        return ErrorCode.NOT_KYC_VERIFIED
    if (
        (receiver_owner.islamic_only and not instrument.shariah_compliant)
        or (instrument.islamic_eligible_only and not receiver_owner.islamic_eligible)
        or (
            not instrument.non_residents_allowed
            and receiver_owner.residency is not Residency.RESIDENT
        )
    ):
        return ErrorCode.NOT_ELIGIBLE
    if instrument.lockup_until is not None and as_of < instrument.lockup_until:
        return ErrorCode.LOCKED_UP
    frozen_part = controls.frozen_amounts.get((sender.account_id, iid), 0)
    if ledger.holding(sender.account_id, iid) - frozen_part < amount:
        return ErrorCode.INSUFFICIENT_HOLDING
    if (
        instrument.holding_limit is not None
        and ledger.holding(receiver.account_id, iid) + amount > instrument.holding_limit
    ):
        return ErrorCode.OVER_HOLDING_LIMIT
    return None
