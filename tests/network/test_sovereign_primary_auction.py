"""A primary bill auction on the real consortium: sealed bids, cut-off, DvP settlement.

The treasury announces a 91-day bill; two primary dealers (central bank client identities)
bid through the typed client, each bid endorsed by the central bank's peer alone. The
other dealer reads back only its own bids and the exchange's operator none; the blocks of
the bids, as the exchange's peer delivers them, carry the bids' hashes and not their
bytes, while the central bank's peer holds them. The central bank closes, the treasury
cuts off (one bid pro rata at the cut-off), and the central bank settles the allotments
against the cash token; the register reconciles: the face issued is held, and the cash
the dealers paid is what the treasury received.

Everything is named afresh for each run, so the test shares the session's ledger with the
demo (which must bootstrap governance first: this file sorts after the lifecycle test).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import cast

import pytest

from fabric_chaincode import create_composite_key
from fabric_gateway import Contract
from sovereign_assets.domain import AccountTier
from sovereign_assets.schema.messages import (
    AccountSpec,
    AuctionOffering,
    AuctionSpec,
    BidSpec,
    CutOffSpec,
    InstrumentKind,
    InstrumentSpec,
    InvestorSpec,
)
from sovereign_assets.schema.privacy import AUCTION_BIDS_COLLECTION
from sovereign_cli.connection import gateway_client
from sovereign_cli.demo import governance, market_today
from sovereign_cli.governance_commands import ledger_business_date
from sovereign_cli.main import Settings
from sovereign_client import GatewayInvoker, SovereignClient
from sovereign_client.errors import AlreadyExistsError, UnauthorizedError
from sovereign_network.network import Network
from tests.consortium import ClientFactory
from tests.network.test_sovereign_private_data import (
    RecordingContract,
    block_as_seen_by,
    hashed_writes,
)

pytestmark = pytest.mark.network

MILLION = 100_000_000  # PKR 1 million in paisa
REGISTRAR_ORG = "CentralBankMSP"


@contextlib.contextmanager
def clients(net: Network) -> Iterator[dict[str, SovereignClient]]:
    with contextlib.ExitStack() as stack:
        found: dict[str, SovereignClient] = {}
        for who in (
            "CentralBank/admin",
            "CentralBank/registrar",
            "Treasury/debtoffice",
            "CentralBank/dealer2",
            "Exchange/operator",
        ):
            settings = Settings(
                home=net.home, topology=None, base_port=None, as_json=False, as_user=who
            )
            found[who] = stack.enter_context(gateway_client(settings))
        yield found


def test_a_sealed_bid_auction_settles_against_cash(
    consortium: Network, client_factory: ClientFactory
) -> None:
    tag = secrets.token_hex(3).upper()
    with clients(consortium) as c:
        admin, registrar = c["CentralBank/admin"], c["CentralBank/registrar"]
        debt_office, beta = c["Treasury/debtoffice"], c["CentralBank/dealer2"]
        exchange = c["Exchange/operator"]
        with contextlib.suppress(AlreadyExistsError):  # the demo may have bootstrapped it
            admin.governance.bootstrap(governance(market_today()))
        config = registrar.governance.get()
        today = ledger_business_date(registrar)
        if today is None:  # the demo did not run: open today's date
            today = market_today()
            registrar.governance.open_business_date(today)
        with contextlib.suppress(AlreadyExistsError):
            registrar.accounts.open(
                AccountSpec(
                    config.treasury_cash_account,
                    AccountTier.TREASURY,
                    "TREASURY",
                    "TreasuryMSP/debtoffice",
                )
            )

        # Dealer ALPHA (dealer1) bids through a recording contract, to find its blocks.
        contract = (
            client_factory("CentralBank", "dealer1")
            .gateway.get_network(consortium.topology.channel)
            .get_contract(consortium.topology.chaincode.name)
        )
        recorder = RecordingContract(contract)
        alpha = SovereignClient(GatewayInvoker(cast(Contract, recorder), msp_id=REGISTRAR_ORG))

        sgl_a, sgl_b, ips = f"SGL-A-{tag}", f"SGL-B-{tag}", f"IPS-A-{tag}"
        for investor_id, kind, dealer in (
            (f"PD-A-{tag}", "PRIMARY_DEALER", alpha),
            (f"PD-B-{tag}", "PRIMARY_DEALER", beta),
            (f"INV-A-{tag}", "INDIVIDUAL", alpha),
        ):
            dealer.investors.register(
                InvestorSpec(investor_id, "VERIFIED", "RESIDENT", kind, "FILER"),
                b'{"name":"Auction Bidder"}',
            )
        for account, owner, user in ((sgl_a, "A", "dealer1"), (sgl_b, "B", "dealer2")):
            registrar.accounts.open(
                AccountSpec(
                    account, AccountTier.DEALER, f"PD-{owner}-{tag}", f"{REGISTRAR_ORG}/{user}"
                )
            )
            registrar.cash.mint(account, 1_000 * MILLION)
        alpha.accounts.open(
            AccountSpec(
                ips, AccountTier.INVESTOR, f"INV-A-{tag}", f"{REGISTRAR_ORG}/dealer1", sgl_a
            )
        )

        bill = f"PKA{tag}MT1"
        debt_office.instruments.create(
            InstrumentSpec(
                instrument_id=bill,
                kind=InstrumentKind.TREASURY_BILL,
                min_denomination=500_000,
                issue_date=today.isoformat(),
                maturity_date=(today + dt.timedelta(days=91)).isoformat(),
                day_count="ACT/365F",
                calendar_id="DEMO-WEEKENDS",
                tenor_days=91,
            )
        )
        registrar.instruments.approve(bill)
        auction = f"AU-{tag}"
        announced = debt_office.auctions.announce(
            AuctionSpec(
                auction,
                [AuctionOffering(bill, 500 * MILLION)],
                auction_date=today.isoformat(),
                close_time="23:59",
                settlement_date=today.isoformat(),
                bid_basis="PRICE",
            )
        )
        assert announced.state == "OPEN"

        # Sealed bids: 300 m better than the cut-off, 400 m at it for the 200 m left.
        marker = "97.6543"
        receipt = alpha.auctions.bid(
            BidSpec(auction, "A1", bill, sgl_a, 300 * MILLION, Decimal(marker))
        )
        bid_tx, bid_block = recorder.blocks["auction:PlaceBid"]
        alpha.auctions.bid(BidSpec(auction, "N1", bill, ips, 20 * MILLION))
        # Two dealers bid at the same moment: their bids write different keys (each
        # dealer account's own book), so neither invalidates the other; both commit.
        with ThreadPoolExecutor(max_workers=2) as pool:
            at_once = [
                pool.submit(
                    alpha.auctions.bid,
                    BidSpec(auction, "A2", bill, sgl_a, 250 * MILLION, Decimal("97.5000")),
                ),
                pool.submit(
                    beta.auctions.bid,
                    BidSpec(auction, "B1", bill, sgl_b, 150 * MILLION, Decimal("97.5000")),
                ),
            ]
            receipts = [f.result(timeout=120) for f in at_once]
        assert [r.bid_id for r in receipts] == ["A2", "B1"]
        beta.auctions.bid(BidSpec(auction, "B2", bill, sgl_b, 100 * MILLION, Decimal("97.4000")))

        assert {b.bid_id for b in alpha.auctions.bids(auction)} == {"A1", "A2", "N1"}
        assert {b.bid_id for b in beta.auctions.bids(auction)} == {"B1", "B2"}
        with pytest.raises(UnauthorizedError):
            exchange.auctions.bids(auction)

        # The bid's bytes: on the central bank's peer; only their hash on the exchange's.
        key = create_composite_key("auctionBid", [auction, sgl_a, "A1"])
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        for org in ("CentralBank", "Exchange"):
            seen = block_as_seen_by(client_factory, consortium, org, bid_block)
            (tx,) = [t for t in seen.block.transactions if t.transaction_id == bid_tx]
            assert tx.valid, tx.validation_code_name
            assert not tx.chaincode_events
            assert all(not rw.writes for rw in tx.read_write_sets)  # nothing public
            hashes = hashed_writes(seen.block.raw, tx.index)
            assert hashes[(AUCTION_BIDS_COLLECTION, key_hash)].hex() == receipt.bid_sha256
            assert {c for c, _ in hashes} == {AUCTION_BIDS_COLLECTION}
            assert marker.encode() not in seen.block.raw
            private = seen.private_writes.get(tx.index, ())
            if org == "CentralBank":  # the bid, and the dealer account's list of its bids
                book = create_composite_key("auctionBook", [auction, sgl_a])
                assert {w.key for w in private} == {key, book}
                (written,) = [w for w in private if w.key == key]
                assert marker.encode() in written.value
            else:
                assert private == (), "the exchange's peer holds a sealed bid"

        registrar.auctions.close(auction)
        assert {b.bid_id for b in registrar.auctions.bids(auction)} == {
            "A1",
            "A2",
            "N1",
            "B1",
            "B2",
        }
        result = debt_office.auctions.cut_off(auction, [CutOffSpec(bill, level=Decimal("97.5000"))])
        (tenor,) = result.results
        assert result.state == "CUT_OFF"
        assert tenor.competitive_accepted == 500 * MILLION
        assert tenor.non_competitive_accepted == 20 * MILLION
        allotted = {a.bid_id: a for a in registrar.auctions.allotments(auction)}
        # 200 m left for 400 m at 97.5000: A2 250 -> 125 -> 150 m, B1 150 -> 75 -> 100 m
        # overshoot 250 m; one lot back from A2 (raised most): 100 + 100.
        assert {k: a.amount // MILLION for k, a in allotted.items()} == {
            "A1": 300, "A2": 100, "B1": 100, "N1": 20,
        }  # fmt: skip

        before = {a: registrar.cash.balance(a).amount for a in (sgl_a, sgl_b)}
        treasury_before = registrar.cash.balance(config.treasury_cash_account).amount
        settled = registrar.auctions.settle_in_full(auction, 2)
        assert settled.settled == 4
        paid = sum(a.cash_amount for a in allotted.values())
        assert settled.cash == paid
        # Reconciliation: face issued is held; the cash the dealers paid is the treasury's.
        instrument = registrar.instruments.get(bill)
        held = {h.account_id: h.amount for h in registrar.holdings.by_instrument(bill)}
        assert instrument.issued == sum(held.values()) == 520 * MILLION
        assert held == {sgl_a: 400 * MILLION, sgl_b: 100 * MILLION, ips: 20 * MILLION}
        spent = sum(before[a] - registrar.cash.balance(a).amount for a in (sgl_a, sgl_b))
        received = registrar.cash.balance(config.treasury_cash_account).amount - treasury_before
        assert spent == received == paid
        assert registrar.auctions.results(auction).state == "SETTLED"
