"""The reference market, step by step, shared by the scenario, determinism and
authorization tests.

Amounts are paisa: PKR 1 = 100. A 364-day bill (PKR 5,000 denomination) and a 3-year
7 % PIB (PKR 100,000 denomination, semi-annual, Act/Act ICMA) are issued on
19 August 2021 to two primary dealers, who distribute to their clients.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from fractions import Fraction
from typing import Any

from sovereign_assets.schema.privacy import personal_data_record

from .market import (
    TEST_SALT,
    Market,
    central_bank,
    central_bank_admin,
    dealer_alpha,
    dealer_beta,
    governance_config,
    treasury,
)

RUPEE = 100
MILLION = 1_000_000 * RUPEE
BILL = "PK0000BIL365"
BOND = "PK0000PIB033"
BILL_DENOMINATION = 5_000 * RUPEE
BOND_DENOMINATION = 100_000 * RUPEE
ISSUE_DATE = dt.date(2021, 8, 19)

INVESTORS = {
    # investor id: (registering dealer, residency, type, tax status)
    "PD-ALPHA": ("alpha", "RESIDENT", "PRIMARY_DEALER", "FILER"),
    "PD-BETA": ("beta", "RESIDENT", "PRIMARY_DEALER", "FILER"),
    "INV-AYESHA": ("alpha", "RESIDENT", "INDIVIDUAL", "FILER"),
    "INV-BILAL": ("alpha", "RESIDENT", "INDIVIDUAL", "NON_FILER"),
    "INV-CHEN": ("beta", "NON_RESIDENT", "INDIVIDUAL", "NON_RESIDENT_SCRA"),
    "INV-DANA": ("beta", "RESIDENT", "INSTITUTION", "FILER"),
}
SUB_ACCOUNTS = {
    "IPS-AYESHA": ("SGL-ALPHA", "INV-AYESHA"),
    "IPS-BILAL": ("SGL-ALPHA", "INV-BILAL"),
    "IPS-CHEN": ("SGL-BETA", "INV-CHEN"),
    "IPS-DANA": ("SGL-BETA", "INV-DANA"),
}
DEALERS = {"alpha": dealer_alpha, "beta": dealer_beta}


def pii_of(investor_id: str) -> bytes:
    """Personal data as a bank would send it (transient only)."""
    return f'{{"name":"{investor_id.title()}","cnic":"42101-0000000-1"}}'.encode()


def investor_spec(investor_id: str) -> dict[str, object]:
    _, residency, kind, tax = INVESTORS[investor_id]
    return {
        "investor_id": investor_id,
        "kyc": "VERIFIED",
        "residency": residency,
        "investor_type": kind,
        "tax_status": tax,
    }


def bill_spec() -> dict[str, object]:
    return {
        "instrument_id": BILL,
        "kind": "TREASURY_BILL",
        "min_denomination": BILL_DENOMINATION,
        "issue_date": "2021-08-19",
        "maturity_date": "2022-08-18",
        "day_count": "ACT/365F",
        "frequency": 0,
        "calendar_id": "PK-SBP",
        "tenor_days": 364,
    }


def bond_spec() -> dict[str, object]:
    return {
        "instrument_id": BOND,
        "kind": "FIXED_RATE_BOND",
        "min_denomination": BOND_DENOMINATION,
        "issue_date": "2021-08-19",
        "maturity_date": "2024-08-19",
        "day_count": "ACT/ACT-ICMA",
        "frequency": 2,
        "calendar_id": "PK-SBP",
        "coupon_rate": "0.07",
    }


def account_spec(
    account_id: str, tier: str, owner: str, controller: str, parent: str | None = None
) -> dict[str, object]:
    spec: dict[str, object] = {
        "account_id": account_id,
        "tier": tier,
        "owner_id": owner,
        "controller": controller,
    }
    if parent is not None:
        spec["parent_account_id"] = parent
    return spec


def bootstrap(market: Market, **governance: object) -> None:
    """Governance (``governance_config`` with ``governance`` overrides), investors,
    accounts, cash - the market before any security exists."""
    market.ok(central_bank_admin(), "governance:Bootstrap", governance_config(**governance))
    for investor_id, (dealer, *_) in INVESTORS.items():
        market.register(DEALERS[dealer](), investor_spec(investor_id), pii_of(investor_id))
    registrar = central_bank()
    market.ok(
        registrar,
        "account:Open",
        account_spec("SGL-ALPHA", "DEALER", "PD-ALPHA", "CentralBankMSP/alpha-ops"),
    )
    market.ok(
        registrar,
        "account:Open",
        account_spec("SGL-BETA", "DEALER", "PD-BETA", "CentralBankMSP/beta-ops"),
    )
    market.ok(
        registrar,
        "account:Open",
        account_spec("TREASURY-CASH", "TREASURY", "TREASURY", "TreasuryMSP/debt-office"),
    )
    market.ok(
        registrar,
        "account:Open",
        account_spec("FBR-TAX", "TAX_AUTHORITY", "FBR", "CentralBankMSP/sgl-desk"),
    )
    for account_id, (parent, owner) in SUB_ACCOUNTS.items():
        opener = DEALERS["alpha" if parent == "SGL-ALPHA" else "beta"]
        controller = "CentralBankMSP/" + ("alpha-ops" if parent == "SGL-ALPHA" else "beta-ops")
        market.ok(
            opener(),
            "account:Open",
            account_spec(account_id, "INVESTOR", owner, controller, parent),
        )
    for account_id, amount in (
        ("SGL-ALPHA", 500 * MILLION),
        ("SGL-BETA", 500 * MILLION),
        ("IPS-AYESHA", 10 * MILLION),
        ("TREASURY-CASH", 2_000 * MILLION),
    ):
        market.ok(registrar, "cash:Mint", account_id, str(amount))


BILL_ISSUE_PRICE = "90.3000"
BOND_ISSUE_PRICE = "100.0000"
ISSUED = {
    # instrument: {dealer account: face}
    BILL: {"SGL-ALPHA": 200 * MILLION, "SGL-BETA": 100 * MILLION},
    BOND: {"SGL-ALPHA": 300 * MILLION, "SGL-BETA": 200 * MILLION},
}
ISSUE_PRICES = {BILL: BILL_ISSUE_PRICE, BOND: BOND_ISSUE_PRICE}


def issue_cost(account_id: str) -> int:
    """What ``account_id`` pays for its allotments of :func:`create_and_issue` (paisa;
    whole at these prices, and no accrued interest on the issue date)."""
    total = Fraction(0)
    for instrument_id, allotted in ISSUED.items():
        total += allotted.get(account_id, 0) * Fraction(ISSUE_PRICES[instrument_id]) / 100
    assert total.denominator == 1
    return int(total)


ISSUE_CASH = sum(issue_cost(a) for a in ("SGL-ALPHA", "SGL-BETA"))
"""Cash the treasury receives for the issue (see :func:`create_and_issue`)."""


def create_and_issue(market: Market) -> None:
    """The debt office creates the bill and the bond, the central bank approves, the
    debt office issues them to the two primary dealers, who pay for them
    (:data:`ISSUE_CASH`). So that every later balance in the tests is what
    :func:`bootstrap` set up, the central bank first credits each dealer what its
    allotments cost, and takes the proceeds out of circulation from the treasury's
    account after the issue (as if moved to the government's account elsewhere)."""
    market.on(dt.date(2021, 8, 17))
    market.ok(treasury(), "instrument:Create", bill_spec())
    market.ok(treasury(), "instrument:Create", bond_spec())
    market.ok(central_bank(), "instrument:Approve", BILL)
    market.ok(central_bank(), "instrument:Approve", BOND)
    market.on(ISSUE_DATE)
    for account_id in ("SGL-ALPHA", "SGL-BETA"):
        market.ok(central_bank(), "cash:Mint", account_id, str(issue_cost(account_id)))
    for instrument_id, allotted in ISSUED.items():
        market.ok(
            treasury(),
            "instrument:Issue",
            instrument_id,
            [
                {
                    "account_id": account_id,
                    "amount": amount,
                    "price_per_100": ISSUE_PRICES[instrument_id],
                }
                for account_id, amount in allotted.items()
            ],
        )
    market.ok(central_bank(), "cash:Withdraw", "TREASURY-CASH", str(ISSUE_CASH))


def distribute(market: Market) -> None:
    """Free-of-payment distribution from the dealers to their clients."""
    market.on(dt.date(2021, 8, 20))
    for dealer, sender, receiver, amount in (
        (dealer_alpha, "SGL-ALPHA", "IPS-AYESHA", 10 * MILLION),
        (dealer_alpha, "SGL-ALPHA", "IPS-BILAL", 5 * MILLION),
        (dealer_beta, "SGL-BETA", "IPS-CHEN", 20 * MILLION),
        (dealer_beta, "SGL-BETA", "IPS-DANA", 15 * MILLION),
    ):
        market.ok(dealer(), "holding:Transfer", BOND, sender, receiver, str(amount))
    market.ok(dealer_beta(), "holding:Transfer", BILL, "SGL-BETA", "IPS-DANA", str(10 * MILLION))


def instruction(
    instruction_id: str,
    instrument_id: str,
    seller: str,
    buyer: str,
    quantity: int,
    price_per_100: str,
    settlement_date: str,
) -> dict[str, object]:
    """A ``settlement:Instruct`` body: ``seller`` delivers ``quantity`` (paisa of face) of
    the instrument to ``buyer`` at ``price_per_100`` against cash on ``settlement_date``."""
    return {
        "instruction_id": instruction_id,
        "instrument_id": instrument_id,
        "seller_account": seller,
        "buyer_account": buyer,
        "quantity": quantity,
        "price_per_100": price_per_100,
        "settlement_date": settlement_date,
    }


BILATERAL_TRADE = instruction(
    "TRD-0001", BOND, "SGL-ALPHA", "SGL-BETA", 50 * MILLION, "98.7031", "2021-09-02"
)
"""DvP 1, instructed on 1 September 2021: Alpha sells PKR 50 m of the bond to Beta at
98.7031, T+1; both dealers affirm it."""
EXCHANGE_TRADE = instruction(
    "TRD-0002", BILL, "SGL-BETA", "IPS-AYESHA", 5 * MILLION, "91.5269", "2021-09-03"
)
"""DvP 2: Ayesha buys PKR 5 m of bills from Beta on the exchange, which matches it."""
CANCELLED_TRADE = instruction(
    "TRD-0003", BOND, "IPS-DANA", "IPS-AYESHA", 1 * MILLION, "99.5000", "2021-09-06"
)
"""DvP 3: instructed on the exchange and cancelled by it before settlement."""


def pay_all(market: Market, function: str, *args: object) -> list[dict[str, Any]]:
    """Run the treasury's batched ``function`` (``lifecycle:PayCoupon``,
    ``lifecycle:Redeem``) until a batch says it is done; returns every batch's answer."""
    batches = []
    while True:
        result = market.ok(treasury(), function, *args)
        assert isinstance(result, dict)
        batches.append(result)
        if result["done"]:
            return batches


def digest(pii: bytes) -> str:
    """The public fingerprint of ``pii`` registered through :meth:`Market.register`: the
    hash of the record salted with the tests' fixed salt."""
    return hashlib.sha256(personal_data_record(pii, TEST_SALT)).hexdigest()


CHUNK = 1_000
"""Accounts opened, and allotments issued, per transaction (the contracts' batch bound)."""


def market_with_holders(holders: int, *, treasury_cash: int, dealer_bond: int = 0) -> Market:
    """The bond issued on 19 August 2021 to ``holders`` client sub-accounts of dealer
    ALPHA (one denomination each, plus ``dealer_bond`` to ALPHA itself), with
    ``treasury_cash`` to pay them and dealer BETA's account ready to trade."""
    market = Market()
    market.ok(central_bank_admin(), "governance:Bootstrap", governance_config())
    for investor_id, dealer in (
        ("PD-ALPHA", dealer_alpha),
        ("PD-BETA", dealer_beta),
        ("INV-AYESHA", dealer_alpha),
    ):
        market.register(dealer(), investor_spec(investor_id), pii_of(investor_id))
    registrar = central_bank()
    for spec in (
        account_spec("SGL-ALPHA", "DEALER", "PD-ALPHA", "CentralBankMSP/alpha-ops"),
        account_spec("SGL-BETA", "DEALER", "PD-BETA", "CentralBankMSP/beta-ops"),
        account_spec("TREASURY-CASH", "TREASURY", "TREASURY", "TreasuryMSP/debt-office"),
        account_spec("FBR-TAX", "TAX_AUTHORITY", "FBR", "CentralBankMSP/sgl-desk"),
    ):
        market.ok(registrar, "account:Open", spec)
    accounts = [f"IPS-{n:06d}" for n in range(holders)]
    for start in range(0, holders, CHUNK):  # the bounded batch path, as an operator would
        market.ok(
            dealer_alpha(),
            "account:OpenMany",
            [
                account_spec(
                    account_id, "INVESTOR", "INV-AYESHA", "CentralBankMSP/alpha-ops", "SGL-ALPHA"
                )
                for account_id in accounts[start : start + CHUNK]
            ],
        )
    market.ok(registrar, "cash:Mint", "TREASURY-CASH", str(treasury_cash))
    market.ok(treasury(), "instrument:Create", bond_spec())
    market.ok(registrar, "instrument:Approve", BOND)
    market.on(ISSUE_DATE)
    allotments = [
        {"account_id": a, "amount": BOND_DENOMINATION, "price_per_100": BOND_ISSUE_PRICE}
        for a in accounts
    ]
    if dealer_bond:
        allotments.append(
            {"account_id": "SGL-ALPHA", "amount": dealer_bond, "price_per_100": BOND_ISSUE_PRICE}
        )
    # ALPHA pays at par for its clients' allotments and its own (credited first); the
    # proceeds are then taken out of circulation, so that the treasury holds exactly
    # ``treasury_cash`` for the coupons, as the batching tests need.
    cost = BOND_DENOMINATION * holders + dealer_bond
    market.ok(registrar, "cash:Mint", "SGL-ALPHA", str(cost))
    for start in range(0, len(allotments), CHUNK):
        market.ok(treasury(), "instrument:Issue", BOND, allotments[start : start + CHUNK])
    market.ok(registrar, "cash:Withdraw", "TREASURY-CASH", str(cost))
    return market


def register_document(
    market: Market,
    document_id: str,
    kind: str,
    instrument_id: str | None = None,
    *,
    by: bytes | None = None,
) -> object:
    """Register a document in the registry (the treasury, a controller, by default)."""
    spec: dict[str, object] = {
        "document_id": document_id,
        "kind": kind,
        "name": f"{kind.replace('_', ' ').title()} {document_id}",
        "uri": f"https://docs.example.org/{document_id}.pdf",
        "sha256": hashlib.sha256(document_id.encode()).hexdigest(),
    }
    if instrument_id is not None:
        spec["instrument_id"] = instrument_id
    return market.ok(by or treasury(), "document:Register", spec)


def order(
    reason: str = "REGULATORY_DIRECTION", document_id: str | None = None
) -> dict[str, object]:
    """A controller action's order: its reason code and evidence."""
    return {"reason": reason, "document_id": document_id}
