"""Every privileged transaction x every identity that must not send it, on the real network.

The identities are the consortium's own (each org's admin and users) and a certificate
of an unknown MSP. Each request is refused (``UNAUTHORIZED`` from the chaincode, or the
Gateway refusing the unknown creator), no block is added and the register reads the
same. The same request, simulated for an identity that may send it, passes: the
refusals are about who, not what.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest

from fabric_gateway import GatewayError
from sovereign_assets.domain import AccountTier
from sovereign_assets.schema.messages import (
    AccountSpec,
    Allotment,
    AuctionOffering,
    AuctionSpec,
    ControlOrder,
    GovernanceConfig,
    InstructionSpec,
    InstrumentKind,
    InstrumentSpec,
)
from sovereign_cli.demo import DEALER_ALPHA, DEBT_OFFICE, REGISTRAR
from sovereign_client._codec import encode_argument
from sovereign_client.errors import UnauthorizedError
from sovereign_network.network import Network

from .identities import members, unknown_ca
from .ledger import BOND, UNIT, Connection, Market, connected, height, register_state

pytestmark = pytest.mark.network

APPROVE_ME = "PK00RELA0001"
TRADE = "TRD-REL-AUTH"
ISSUER = {"Treasury/admin", "Treasury/debtoffice"}
REGISTRARS = {"CentralBank/admin", "CentralBank/registrar"}
CONTROLLERS = ISSUER | REGISTRARS
CHECK = ControlOrder("REGULATORY_DIRECTION")
EXCHANGE = {"Exchange/admin", "Exchange/operator"}


@dataclass(frozen=True)
class Case:
    function: str
    args: tuple[object, ...]
    allowed: frozenset[str]
    """Who may send it (by duty, account control or the party to a trade)."""
    probe: str | None
    """One allowed identity, for whom the same request simulates successfully (None: the
    request needs an earlier step first, as settling needs a matched trade)."""


def cases(market: Market, governance: GovernanceConfig) -> list[Case]:
    day = market.business_date.isoformat()
    new_bond = InstrumentSpec(
        instrument_id="PK00RELX0001",
        kind=InstrumentKind.FIXED_RATE_BOND,
        min_denomination=UNIT,
        issue_date=day,
        maturity_date=(market.business_date + dt.timedelta(days=365)).isoformat(),
        day_count="ACT/ACT-ICMA",
        frequency=2,
        calendar_id="DEMO-WEEKENDS",
        coupon_rate=Decimal("0.10"),
    )
    dealer = AccountSpec("SGL-GAMMA", AccountTier.DEALER, "PD-ALPHA", "CentralBankMSP/dealer1")

    def case(function: str, args: tuple[object, ...], allowed: set[str], probe: str | None) -> Case:
        return Case(function, args, frozenset(allowed), probe)

    coupon_bond = market.coupon_bonds[-1]
    auction = AuctionSpec(
        "AUC-REL-AUTH",
        [AuctionOffering(BOND, 10 * UNIT)],
        auction_date=day,
        close_time="23:59",
        settlement_date=day,
        bid_basis="PRICE",
    )
    return [
        # A change (the same configuration is no proposal): only a controller proposes it.
        case(
            "governance:Propose",
            (replace(governance, utc_offset_minutes=governance.utc_offset_minutes + 60),),
            CONTROLLERS,
            REGISTRAR,
        ),
        case("account:Open", (dealer,), REGISTRARS, REGISTRAR),
        case("instrument:Create", (new_bond,), ISSUER, DEBT_OFFICE),
        case("instrument:Approve", (APPROVE_ME,), REGISTRARS, REGISTRAR),
        case(
            "instrument:Issue",
            (BOND, [Allotment("SGL-ALPHA", UNIT, Decimal("99"))]),
            ISSUER,
            DEBT_OFFICE,
        ),
        case("control:PauseInstrument", (BOND, CHECK), CONTROLLERS, REGISTRAR),
        case("cash:Mint", ("SGL-ALPHA", UNIT), REGISTRARS, REGISTRAR),
        case("cash:Withdraw", ("SGL-ALPHA", UNIT), REGISTRARS, REGISTRAR),
        case("control:FreezeAccount", ("SGL-ALPHA", CHECK), CONTROLLERS, REGISTRAR),
        case("control:Halt", (CHECK,), CONTROLLERS, REGISTRAR),
        case("audit:History", ("account", ["SGL-ALPHA"]), REGISTRARS, REGISTRAR),
        case(
            "investor:SetKyc",
            ("PD-ALPHA", "VERIFIED"),
            {"CentralBank/admin", "CentralBank/dealer1", "CentralBank/dealer2"},
            DEALER_ALPHA,
        ),
        case(
            "holding:Transfer", (BOND, "SGL-ALPHA", "SGL-BETA", UNIT), {DEALER_ALPHA}, DEALER_ALPHA
        ),
        case("settlement:Match", (TRADE,), EXCHANGE, "Exchange/operator"),
        case(
            "settlement:Settle",
            (TRADE,),
            EXCHANGE | {DEALER_ALPHA, "CentralBank/dealer2"},
            None,
        ),
        case(
            "settlement:Cancel",
            (TRADE,),
            EXCHANGE | {DEALER_ALPHA, "CentralBank/dealer2"},
            DEALER_ALPHA,
        ),
        # The load may have paid this coupon already: no probe (authorization comes first).
        case("lifecycle:PayCoupon", (coupon_bond, day, 1), ISSUER, None),
        case("lifecycle:Redeem", (BOND, 1), ISSUER, None),  # the bond has not matured
        # Auctions: who may announce, close, cut off and settle (authorization comes first,
        # so an auction that does not exist is refused on who as well).
        case("auction:Announce", (auction,), ISSUER, DEBT_OFFICE),
        case("auction:Close", ("AUC-REL-NONE",), REGISTRARS, None),
        case("auction:CutOff", ("AUC-REL-NONE", []), ISSUER, None),
        case("auction:Settle", ("AUC-REL-NONE", 1), REGISTRARS, None),
    ]


@pytest.fixture(scope="module")
def prepared(consortium: Network, market: Market) -> Market:
    """An instrument waiting for approval and an instructed trade, to be refused on."""
    with connected(consortium, DEBT_OFFICE) as office, connected(consortium, DEALER_ALPHA) as alpha:
        spec = replace(
            office.client.instruments.get(BOND).spec, instrument_id=APPROVE_ME, frequency=2
        )
        office.client.instruments.create(spec)
        alpha.client.settlements.instruct(
            InstructionSpec(
                instruction_id=TRADE,
                instrument_id=BOND,
                seller_account="SGL-ALPHA",
                buyer_account="SGL-BETA",
                quantity=UNIT,
                price_per_100=Decimal("100"),
                settlement_date=market.business_date.isoformat(),
            )
        )
    return market


def test_every_privileged_transaction_refuses_every_identity_that_must_not_send_it(
    consortium: Network, prepared: Market
) -> None:
    org = consortium.topology.orgs[0]
    instruments = [BOND, APPROVE_ME, *prepared.coupon_bonds]
    with connected(consortium, REGISTRAR, retry=None) as registrar:
        governance = registrar.client.governance.get()
        before = register_state(registrar.client, instruments)
    blocks_before = height(consortium, org)
    stranger = unknown_ca("StrangerMSP", "registrar")
    tried: collections.Counter[str] = collections.Counter()
    refused: collections.Counter[str] = collections.Counter()
    accepted: list[str] = []
    with contextlib.ExitStack() as stack:
        # One connection per identity for the whole matrix; None is the unknown MSP.
        conns: dict[str | None, Connection] = {
            m: stack.enter_context(connected(consortium, m, retry=None))
            for m in members(consortium)
        }
        conns[None] = Connection(
            consortium, stranger.msp_id, stranger.certificate, stranger.private_key, org, retry=None
        )
        stack.callback(conns[None].close)
        for case in cases(prepared, governance):
            args = [encode_argument(a) for a in case.args]
            if case.probe is not None:  # the allowed identity's simulation passes
                conns[case.probe].contract.evaluate(case.function, arguments=args)
            senders = [m for m in members(consortium) if m not in case.allowed]
            for sender in [*senders, None]:
                tried[case.function] += 1
                try:
                    conns[sender].invoker.submit(case.function, args)
                    accepted.append(f"{case.function} by {sender or stranger.label}")
                except UnauthorizedError:
                    refused[case.function] += 1
                except GatewayError as exc:
                    # Only the unknown MSP may be refused before the chaincode runs.
                    if sender is not None:
                        accepted.append(f"{case.function} by {sender} failed otherwise: {exc}")
                    else:
                        refused[case.function] += 1
    assert accepted == []
    assert refused == tried
    assert height(consortium, org) == blocks_before
    with connected(consortium, REGISTRAR, retry=None) as registrar:
        assert register_state(registrar.client, instruments) == before
    print(f"\nunauthorized matrix: {sum(tried.values())} requests, all refused: {dict(tried)}")
