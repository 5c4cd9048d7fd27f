"""The dry-run transfer check: the first failing reason code, or None.

Scenario: Ayesha (resident individual, filer) sells PKR 1 million of a 3-year PIB to
Omar (overseas Pakistani); an Islamic fund and an unverified client try their luck.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from types import MappingProxyType

import pytest

from sovereign_assets.domain.errors import ErrorCode
from sovereign_assets.domain.holdings import Account, AccountTier, Ledger
from sovereign_assets.domain.investors import (
    CHECK_ORDER,
    Controls,
    InstrumentControls,
    Investor,
    InvestorType,
    KycStatus,
    Residency,
    TransferRefusal,
    transfer_refusal,
)
from sovereign_assets.domain.money import PKR
from sovereign_assets.domain.tax import TaxStatus

PIB = InstrumentControls("PK0000PIB3Y1", PKR.to_minor(100_000), date(2024, 8, 20))
SUKUK = InstrumentControls(
    "PK0000GIS5Y1",
    PKR.to_minor(100_000),
    date(2024, 7, 29),
    shariah_compliant=True,
    islamic_eligible_only=True,
)
ONE_MILLION = PKR.to_minor(1_000_000)
TODAY = date(2021, 9, 15)

INVESTORS = {
    "INV-000417": Investor(
        "INV-000417",
        KycStatus.VERIFIED,
        Residency.RESIDENT,
        InvestorType.INDIVIDUAL,
        TaxStatus.FILER,
    ),
    "INV-000950": Investor(
        "INV-000950",
        KycStatus.VERIFIED,
        Residency.OVERSEAS_NATIONAL,
        InvestorType.INDIVIDUAL,
        TaxStatus.NON_RESIDENT_SCRA,
    ),
    "INV-001203": Investor(
        "INV-001203",
        KycStatus.VERIFIED,
        Residency.RESIDENT,
        InvestorType.INSTITUTION,
        TaxStatus.EXEMPT,
        islamic_only=True,
        islamic_eligible=True,
    ),
    "INV-001500": Investor(
        "INV-001500",
        KycStatus.PENDING,
        Residency.RESIDENT,
        InvestorType.INDIVIDUAL,
        TaxStatus.FILER,
    ),
}


def ips(number: str) -> Account:
    return Account(
        f"HBL-IPS-{number}",
        AccountTier.INVESTOR,
        owner_id=f"INV-{number}",
        custodian_id="HBL",
        parent_account_id="HBL-SGL",
    )


AYESHA, OMAR, FUND, PENDING = ips("000417"), ips("000950"), ips("001203"), ips("001500")
LEDGER = (
    Ledger()
    .issue(AYESHA.account_id, PIB.instrument_id, 5 * ONE_MILLION, PIB.min_denomination)
    .issue(AYESHA.account_id, SUKUK.instrument_id, 5 * ONE_MILLION, SUKUK.min_denomination)
)


def check(
    instrument: InstrumentControls = PIB,
    receiver: Account = OMAR,
    amount: int = ONE_MILLION,
    controls: Controls = Controls(),  # noqa: B008 - frozen value
    as_of: date = TODAY,
) -> ErrorCode | None:
    refusal = transfer_refusal(
        instrument=instrument,
        sender=AYESHA,
        receiver=receiver,
        amount=amount,
        investors=INVESTORS,
        ledger=LEDGER,
        controls=controls,
        as_of=as_of,
    )
    return None if refusal is None else refusal.code


def test_a_clean_transfer_passes() -> None:
    assert check() is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"controls": Controls(global_pause=True)}, ErrorCode.GLOBAL_PAUSE),
        ({"controls": Controls(paused_instruments=frozenset({PIB.instrument_id}))},
         ErrorCode.INSTRUMENT_PAUSED),
        ({"as_of": date(2024, 8, 20)}, ErrorCode.INSTRUMENT_MATURED),
        ({"amount": 0}, ErrorCode.INVALID_AMOUNT),
        ({"amount": PKR.to_minor(150_000)}, ErrorCode.NOT_MULTIPLE_OF_DENOMINATION),
        ({"receiver": AYESHA}, ErrorCode.SAME_ACCOUNT),
        ({"controls": Controls(frozen_accounts=frozenset({OMAR.account_id}))},
         ErrorCode.ACCOUNT_FROZEN),
        ({"receiver": ips("009999")}, ErrorCode.UNKNOWN_INVESTOR),
        ({"receiver": PENDING}, ErrorCode.NOT_KYC_VERIFIED),
        ({"receiver": FUND}, ErrorCode.NOT_ELIGIBLE),  # Islamic-only fund, conventional PIB
        ({"instrument": SUKUK}, ErrorCode.NOT_ELIGIBLE),  # Omar is not Islamic-eligible
        ({"instrument": dataclasses.replace(PIB, non_residents_allowed=False)},
         ErrorCode.NOT_ELIGIBLE),
        ({"instrument": dataclasses.replace(PIB, lockup_until=date(2021, 10, 1))},
         ErrorCode.LOCKED_UP),
        ({"amount": 6 * ONE_MILLION}, ErrorCode.INSUFFICIENT_HOLDING),
        ({"controls": Controls(frozen_amounts=MappingProxyType(
            {(AYESHA.account_id, PIB.instrument_id): 9 * ONE_MILLION // 2}))},
         ErrorCode.INSUFFICIENT_HOLDING),
        ({"instrument": dataclasses.replace(PIB, holding_limit=ONE_MILLION // 2)},
         ErrorCode.OVER_HOLDING_LIMIT),
    ],
)  # fmt: skip
def test_each_rule_reports_its_code(kwargs: dict[str, object], code: ErrorCode) -> None:
    assert check(**kwargs) is code  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("receiver", "sender", "expected"),
    [
        (PENDING, AYESHA, TransferRefusal(ErrorCode.NOT_KYC_VERIFIED, PENDING.account_id)),
        (AYESHA, PENDING, TransferRefusal(ErrorCode.NOT_KYC_VERIFIED, PENDING.account_id)),
        (ips("009999"), AYESHA, TransferRefusal(ErrorCode.UNKNOWN_INVESTOR, "HBL-IPS-009999")),
        (FUND, AYESHA, TransferRefusal(ErrorCode.NOT_ELIGIBLE, FUND.account_id)),
        (OMAR, OMAR, TransferRefusal(ErrorCode.SAME_ACCOUNT, OMAR.account_id)),
    ],
)
def test_a_refusal_names_the_account_that_failed(
    receiver: Account, sender: Account, expected: TransferRefusal
) -> None:
    refusal = transfer_refusal(
        instrument=PIB,
        sender=sender,
        receiver=receiver,
        amount=ONE_MILLION,
        investors=INVESTORS,
        ledger=LEDGER,
        controls=Controls(),
        as_of=TODAY,
    )
    assert refusal == expected


def test_the_islamic_fund_may_take_the_sukuk() -> None:
    assert check(instrument=SUKUK, receiver=FUND) is None


def test_the_first_failure_in_the_documented_order_wins() -> None:
    # paused and unverified and too large: the pause is reported
    controls = Controls(paused_instruments=frozenset({PIB.instrument_id}))
    assert check(receiver=PENDING, amount=99 * ONE_MILLION, controls=controls) is (
        ErrorCode.INSTRUMENT_PAUSED
    )
    assert CHECK_ORDER.index(ErrorCode.INSTRUMENT_PAUSED) < CHECK_ORDER.index(
        ErrorCode.NOT_KYC_VERIFIED
    )
    # unverified and too large: KYC comes first
    assert check(receiver=PENDING, amount=99 * ONE_MILLION) is ErrorCode.NOT_KYC_VERIFIED


def test_a_float_amount_is_invalid_not_a_crash() -> None:
    assert check(amount=1e6) is ErrorCode.INVALID_AMOUNT  # type: ignore[arg-type]
