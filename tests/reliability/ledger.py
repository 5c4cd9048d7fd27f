"""The reliability tier's own register on the real consortium, and how it is checked.

The tier deploys the sovereign asset chaincode a second time, under the name
``reliability``, so its state starts empty whatever the network tier did before, then
opens a small market: two dealers with cash and a bond to trade, coupon bonds whose
first coupon is due on the business date the central bank opens. Clients are the SDK's typed client
over one org's Gateway peer, with the SDK's retry policy.

Checks read the ledger through every org's peer: the chain of blocks (each block's
hashes and every transaction's validation code) and the register's state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import grpc

from fabric_gateway import (
    Block,
    GatewayError,
    X509Identity,
    connect,
    load_private_key_pem,
    new_private_key_signer,
)
from sovereign_assets.schema.messages import (
    Allotment,
    InstrumentKind,
    InstrumentSpec,
    InvestorSpec,
)
from sovereign_cli.demo import (
    DEALER_ALPHA,
    DEALER_BETA,
    DEBT_OFFICE,
    REGISTRAR,
    governance,
    market_today,
    open_market_accounts,
)
from sovereign_client import GatewayInvoker, RetryPolicy, SovereignClient
from sovereign_client.errors import raise_for
from sovereign_network import collections as collection_config
from sovereign_network import fabric_output
from sovereign_network.network import Network, NetworkError
from sovereign_network.topology import Org

CHAINCODE = "reliability"
CENTRAL_BANK_ADMIN = "CentralBank/admin"
EXCHANGE = "Exchange/operator"
RUPEE = 100
MILLION = 1_000_000 * RUPEE
UNIT = 100_000 * RUPEE
"""The bond's minimum denomination: every traded quantity is a multiple of it."""
BOND = "PK00RELB0000"
DEALERS = ("SGL-ALPHA", "SGL-BETA")
MINT = {
    "SGL-ALPHA": 10_000 * MILLION,
    "SGL-BETA": 10_000 * MILLION,
    "TREASURY-CASH": 90_000 * MILLION,
}
ISSUED = {"SGL-ALPHA": 5_000 * MILLION, "SGL-BETA": 5_000 * MILLION}
PAR = Decimal("100.0000")
"""The price every primary allotment of the test market is paid at."""
COUPON_ISSUED = 500 * MILLION
"""Face of each coupon bond, half to each dealer."""

PROFILE = os.environ.get("SOV_RELIABILITY_PROFILE", "bounded")
"""``bounded`` (CI: a few minutes) or ``long`` (at least 50 faults, 100,000 fuzz cases)."""
LONG = PROFILE == "long"
SHARD, SHARDS = (int(n) for n in os.environ.get("SOV_FUZZ_SHARD", "0/1").split("/"))
"""``SOV_FUZZ_SHARD=i/n``: this process fuzzes the i-th of n equal parts of a profile's cases,
with its own seed, so that n processes share the long profile's 100,000 cases."""
FUZZ_SEED = 15 + SHARD

RETRIES: Counter[str] = Counter()
"""Retries the SDK made, by step, in this process (the retry policy's ``on_retry``)."""


def _count_retry(step: str, transaction_id: str, error: Exception) -> None:
    RETRIES[step] += 1


POLICY = RetryPolicy(
    endorse_delays=(0.2, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0, 5.0),
    commit_rounds=6,
    commit_timeout=8.0,
    round_delay=1.0,
    on_retry=_count_retry,
)
PERSONAL_DATA_MARKERS = ("Reliability-Person-7Q3", "42101-7777777-3")
"""Strings of the registered personal data: they must never reach a log or the CLI."""


def personal_data(investor_id: str) -> bytes:
    name, cnic = PERSONAL_DATA_MARKERS
    return json.dumps({"name": f"{name} {investor_id}", "cnic": cnic}).encode()


class Connection:
    """One identity's gRPC channel to one org's Gateway peer, and its typed client."""

    def __init__(
        self,
        net: Network,
        msp_id: str,
        certificate: bytes,
        private_key: bytes,
        via: Org,
        *,
        retry: RetryPolicy | None = POLICY,
    ) -> None:
        root = net.layout.tls_ca_cert(via.key).read_bytes()
        self.channel = grpc.secure_channel(
            via.gateway_peer.address,
            grpc.ssl_channel_credentials(root_certificates=root),
            options=[("grpc.ssl_target_name_override", via.gateway_peer.host)],
        )
        self.identity = X509Identity(msp_id, certificate)
        self.signer = new_private_key_signer(load_private_key_pem(private_key))
        self.gateway = connect(client=self.channel, identity=self.identity, signer=self.signer)
        self.network = self.gateway.get_network(net.topology.channel)
        self.contract = self.network.get_contract(CHAINCODE)
        self.invoker = GatewayInvoker(self.contract, retry=retry)
        self.client = SovereignClient(self.invoker)

    @classmethod
    def of(
        cls, net: Network, who: str, via: Org | None = None, *, retry: RetryPolicy | None = POLICY
    ) -> Connection:
        """``who`` (``Org/user``) as the network's home holds it, through ``via``'s peer."""
        org_name, user = who.split("/")
        org = net.topology.org(org_name)
        paths = net.layout.user(org.key, user)
        cert, key = paths.cert.read_bytes(), paths.key.read_bytes()
        return cls(net, org.msp_id, cert, key, via or org, retry=retry)

    def close(self) -> None:
        self.gateway.close()
        self.channel.close()


@contextlib.contextmanager
def connected(
    net: Network, who: str, via: Org | None = None, *, retry: RetryPolicy | None = POLICY
) -> Iterator[Connection]:
    conn = Connection.of(net, who, via, retry=retry)
    try:
        yield conn
    finally:
        conn.close()


@dataclass
class Market:
    """What the tier's register holds after :func:`open_market`."""

    net: Network
    business_date: dt.date
    coupon_bonds: list[str] = field(default_factory=list)
    minted: int = 0


def coupon_bond_ids() -> list[str]:
    return [f"PK00RELC{n:04d}" for n in range(1, (13 if LONG else 4) + 1)]


def deploy(net: Network) -> None:
    """The sovereign chaincode again, as ``reliability``, with its personal data collections."""
    if CHAINCODE in net.load_state().get("chaincodes", {}):
        return
    config = collection_config.write_collections_config(
        net.topology, net.config_dir / f"collections-{CHAINCODE}.json"
    )
    net.deploy_chaincode(
        name=CHAINCODE, module=net.topology.chaincode.module, collections_config=config
    )


def open_market(net: Network) -> Market:
    today = market_today()
    with contextlib.ExitStack() as stack:

        def client(who: str) -> SovereignClient:
            return stack.enter_context(connected(net, who)).client

        registrar = client(REGISTRAR)
        client(CENTRAL_BANK_ADMIN).governance.bootstrap(governance(today))
        registrar.governance.open_business_date(today)
        for investor_id, who in (("PD-ALPHA", DEALER_ALPHA), ("PD-BETA", DEALER_BETA)):
            spec = InvestorSpec(investor_id, "VERIFIED", "RESIDENT", "PRIMARY_DEALER", "FILER")
            client(who).investors.register(spec, personal_data(investor_id))
        open_market_accounts(registrar)
        minted = 0
        for account, amount in MINT.items():
            registrar.cash.mint(account, amount)
            minted += amount
        debt_office = client(DEBT_OFFICE)
        maturity = today + dt.timedelta(days=720)
        debt_office.instruments.create(_bond(BOND, today, maturity, frequency=1))
        coupon_bonds = coupon_bond_ids()
        for bond in coupon_bonds:
            debt_office.instruments.create(_bond(bond, today, maturity, frequency=2))
        for bond in (BOND, *coupon_bonds):
            registrar.instruments.approve(bond)
        # The dealers pay for the issue at par (nothing accrued on the issue date): the
        # central bank credits them that first, so their cash for trading is MINT's.
        half = COUPON_ISSUED // 2
        for account in DEALERS:
            cost = ISSUED[account] + half * len(coupon_bonds)
            registrar.cash.mint(account, cost)
            minted += cost
        debt_office.instruments.issue(BOND, [Allotment(a, n, PAR) for a, n in ISSUED.items()])
        for bond in coupon_bonds:
            debt_office.instruments.issue(bond, [Allotment(a, half, PAR) for a in DEALERS])
        coupon_date = next(
            dt.date.fromisoformat(f.payment_date)
            for f in registrar.instruments.schedule(coupon_bonds[0])
            if f.kind == "COUPON"
        )
        registrar.governance.open_business_date(coupon_date)
    return Market(net, coupon_date, coupon_bonds, minted)


def _bond(
    instrument_id: str, issue: dt.date, maturity: dt.date, *, frequency: int
) -> InstrumentSpec:
    return InstrumentSpec(
        instrument_id=instrument_id,
        kind=InstrumentKind.FIXED_RATE_BOND,
        min_denomination=UNIT,
        issue_date=issue.isoformat(),
        maturity_date=maturity.isoformat(),
        day_count="ACT/ACT-ICMA",
        frequency=frequency,
        calendar_id="DEMO-WEEKENDS",
        coupon_rate=Decimal("0.10"),
    )


# ------------------------------------------------------------------------- checks
def height(net: Network, org: Org) -> int | None:
    """The block height of ``org``'s Gateway peer (None while it does not answer)."""
    try:
        out = net.peer_cli(
            org, ["channel", "getinfo", "-c", net.topology.channel], org.gateway_peer, timeout=15
        )
    except NetworkError:  # a peer that is down or busy has no height yet
        return None
    return fabric_output.blockchain_height(out.stdout)


def wait_same_height(net: Network, timeout: float = 120.0) -> int:
    """Wait until every org's peer reports the same height; that height."""
    deadline = time.monotonic() + timeout
    heights: list[int | None] = []
    while time.monotonic() < deadline:
        heights = [height(net, org) for org in net.topology.orgs]
        if None not in heights and len(set(heights)) == 1:
            first = heights[0]
            assert first is not None
            return first
        time.sleep(1.0)
    raise AssertionError(f"peers did not converge within {timeout:.0f}s: heights {heights}")


def chain(net: Network, org: Org, blocks: int) -> list[Block]:
    """Blocks 0..blocks-1 as ``org``'s peer delivers them."""
    with connected(net, REGISTRAR, via=org) as conn:
        out: list[Block] = []
        with conn.network.get_block_events(start_block=0) as stream:
            for block in stream:
                out.append(block)
                if block.number >= blocks - 1:
                    break
        return out


def register_state(client: SovereignClient, instruments: list[str]) -> dict[str, object]:
    """The register as one peer answers: holdings, instruments, cash, instructions."""
    state: dict[str, object] = {}
    for instrument in instruments:
        record = client.instruments.get(instrument)
        state[f"instrument:{instrument}"] = (
            record.issued,
            record.redeemed,
            record.status,
            record.periods_paid,
            record.open_run,
        )
        state[f"holdings:{instrument}"] = sorted(
            (h.account_id, h.amount) for h in client.holdings.by_instrument(instrument)
        )
    for account in client.accounts.list():
        state[f"cash:{account.account_id}"] = client.cash.balance(account.account_id).amount
    state["instructions"] = sorted((i.instruction_id, i.state) for i in client.settlements.list())
    return state


def state_through(net: Network, org: Org, instruments: list[str]) -> dict[str, object]:
    """The register read through ``org``'s peer (the regulator's view, evaluated there)."""
    with connected(net, REGISTRAR, via=org) as conn:
        return register_state(SovereignClient(PinnedReader(conn, org.msp_id)), instruments)


class PinnedReader:
    """An invoker for queries only, each evaluated by one org's peers."""

    def __init__(self, conn: Connection, msp_id: str) -> None:
        self._contract = conn.contract
        self._msp_id = msp_id

    def submit(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None = None,
        *,
        own_org_only: bool = False,
    ) -> bytes:
        raise AssertionError(f"{function}: a pinned reader does not submit")

    def evaluate(self, function: str, arguments: Sequence[str]) -> bytes:
        proposal = self._contract.new_proposal(
            function, arguments=list(arguments), endorsing_organizations=[self._msp_id]
        )
        try:
            return proposal.evaluate()
        except GatewayError as exc:
            raise_for(exc)


def home_logs(net: Network) -> list[Path]:
    return sorted((net.home / "logs").glob("*.log"))
