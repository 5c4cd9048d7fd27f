"""Faults under load: kill -9 peers, orderers (the Raft leader too), chaincode servers and a
client in the middle of a submit while DvP settlements, transfers and coupon batches run
through the SDK; then every outcome the client saw must match the ledger.

Each request has a client request ID, so its transaction ID is known before it is sent.
Afterwards: a request the client saw committed is valid on the chain exactly once; one it
saw fail is never valid; one left in doubt was resolved by a commit status query (and,
when the query found nothing, driven again under the same request ID: the same
transaction, never a second one). Bond holdings follow exactly from the committed
requests, cash is conserved and every coupon is paid once; every peer holds the same
chain (block hashes, validation codes) and answers the same state.

``SOV_RELIABILITY_PROFILE=long`` injects at least 50 faults (10 of each kind); the bounded
profile (CI) two of each. The report is printed (run with ``-s`` to see it).
"""

from __future__ import annotations

import collections
import itertools
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import cast

import pytest

from fabric_gateway import Block, CommitError, GatewayError
from sovereign_assets.schema.messages import InstructionSpec
from sovereign_cli.demo import DEALER_ALPHA, DEALER_BETA, DEBT_OFFICE, REGISTRAR
from sovereign_client import RefusedError, SovereignClient, TransactionInDoubtError
from sovereign_network.network import Network, chaincode_process

from .ledger import (
    BOND,
    CHAINCODE,
    COUPON_ISSUED,
    EXCHANGE,
    ISSUED,
    LONG,
    MINT,
    RETRIES,
    UNIT,
    Connection,
    Market,
    chain,
    connected,
    state_through,
    wait_same_height,
)

pytestmark = pytest.mark.network

KINDS = ("peer", "orderer", "raft-leader", "chaincode-server", "client")
ROUNDS = 10 if LONG else 2
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Request:
    request_id: str
    kind: str
    transaction_id: str
    effect: tuple[str, str, int] | None = None
    """(from, to, face) the request moves when it commits."""
    outcome: str = "pending"
    """committed, refused (endorsement refused or failed: never ordered), invalid (ordered,
    committed invalid), in-doubt:committed, in-doubt:absent."""
    redriven: bool = False
    result: object = None
    reason: str = ""
    """Why it failed: the chaincode's code, the validation code or the gRPC status."""


@dataclass
class Journal:
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: itertools.count[int] = field(default_factory=itertools.count)
    errors: list[str] = field(default_factory=list)

    def new_id(self, kind: str) -> str:
        with self.lock:
            return f"REL-{kind}-{next(self.counter):05d}"

    def add(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)


def run_request(
    conn: Connection,
    journal: Journal,
    kind: str,
    call: Callable[[SovereignClient], object],
    effect: tuple[str, str, int] | None = None,
) -> Request:
    """One client request through the SDK, its outcome as the client saw it."""
    request_id = journal.new_id(kind)
    request = Request(request_id, kind, conn.invoker.transaction_id_for(request_id), effect)
    journal.add(request)
    try:
        request.result = call(conn.client.for_request(request_id))
        request.outcome = "committed"
    except RefusedError as refused:
        request.outcome, request.reason = "refused", str(refused.error_code)
    except CommitError as invalid:
        request.outcome, request.reason = "invalid", invalid.validation_code_name
    except TransactionInDoubtError:
        resolve(conn, request, call)
    except GatewayError as failed:
        # Endorsement retries spent (a node down too long): nothing was ordered.
        request.outcome = "refused"
        request.reason = failed.code.name if failed.code else type(failed).__name__
    return request


def resolve(conn: Connection, request: Request, call: Callable[[SovereignClient], object]) -> None:
    """An in-doubt request: ask its commit status; if nothing committed, drive the same
    request again (the same transaction ID: it cannot apply twice)."""
    status = conn.invoker.status_of(request.transaction_id, timeout=30.0)
    if status is not None:
        request.outcome = "in-doubt:committed" if status.successful else "in-doubt:absent"
        return
    request.redriven = True
    try:
        request.result = call(conn.client.for_request(request.request_id))
        request.outcome = "in-doubt:committed"
    except (GatewayError, TransactionInDoubtError):
        final = conn.invoker.status_of(request.transaction_id, timeout=30.0)
        request.outcome = (
            "in-doubt:committed" if final is not None and final.successful else "in-doubt:absent"
        )


def transfer(sender: str, receiver: str, amount: int) -> Callable[[SovereignClient], object]:
    def call(client: SovereignClient) -> object:
        return client.holdings.transfer(BOND, sender, receiver, amount)

    return call


def coupon_batch(bond: str, day: str) -> Callable[[SovereignClient], object]:
    def call(client: SovereignClient) -> object:
        return client.lifecycle.pay_coupon(bond, day, 1)

    return call


class Load:
    """Two workers: trades (transfers both ways, DvP) and coupon batches."""

    def __init__(self, net: Network, market: Market, journal: Journal) -> None:
        self.net = net
        self.market = market
        self.journal = journal
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._guard(self._trades), name="trades"),
            threading.Thread(target=self._guard(self._coupons), name="coupons"),
        ]

    def _guard(self, work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except Exception as exc:
                self.journal.errors.append(f"{threading.current_thread().name}: {exc!r}")

        return run

    def _trades(self) -> None:
        with (
            connected(self.net, DEALER_ALPHA) as alpha,
            connected(self.net, DEALER_BETA) as beta,
            connected(self.net, EXCHANGE) as exchange,
        ):
            for n in itertools.count():
                if self.stop.is_set():
                    return
                amount = UNIT * (1 + n % 3)
                if n % 4 in (0, 1):
                    run_request(
                        alpha,
                        self.journal,
                        "transfer",
                        transfer("SGL-ALPHA", "SGL-BETA", amount),
                        ("SGL-ALPHA", "SGL-BETA", amount),
                    )
                elif n % 4 == 2:
                    run_request(
                        beta,
                        self.journal,
                        "transfer",
                        transfer("SGL-BETA", "SGL-ALPHA", amount),
                        ("SGL-BETA", "SGL-ALPHA", amount),
                    )
                else:
                    self._dvp(alpha, exchange, n, amount)

    def _dvp(self, alpha: Connection, exchange: Connection, n: int, quantity: int) -> None:
        trade = f"TRD-REL-{n:05d}"
        spec = InstructionSpec(
            instruction_id=trade,
            instrument_id=BOND,
            seller_account="SGL-ALPHA",
            buyer_account="SGL-BETA",
            quantity=quantity,
            price_per_100=Decimal("99.8750"),
            settlement_date=self.market.business_date.isoformat(),
        )

        def instruct(c: SovereignClient) -> object:
            return c.settlements.instruct(spec)

        def match(c: SovereignClient) -> object:
            return c.settlements.match(trade)

        def settle(c: SovereignClient) -> object:
            return c.settlements.settle(trade)

        steps = [
            (alpha, "instruct", instruct, False),
            (exchange, "match", match, False),
            (exchange, "settle", settle, True),
        ]
        for conn, kind, call, moves in steps:
            effect = ("SGL-ALPHA", "SGL-BETA", quantity) if moves else None
            for _ in range(4):  # a refusal (a peer behind on the last step) is tried anew
                request = run_request(conn, self.journal, kind, call, effect)
                if request.outcome in ("committed", "in-doubt:committed"):
                    break
                time.sleep(0.5)
            else:
                return

    def _coupons(self) -> None:
        with (
            connected(self.net, DEBT_OFFICE) as office,
            connected(self.net, DEALER_BETA) as beta,
        ):
            day = self.market.business_date.isoformat()
            for bond in self.market.coupon_bonds:
                for _ in range(12):
                    if self.stop.is_set():
                        return
                    request = run_request(
                        office,
                        self.journal,
                        "coupon",
                        coupon_batch(bond, day),
                    )
                    if request.outcome == "committed" and getattr(request.result, "done", False):
                        break
                    if request.outcome != "committed":
                        time.sleep(0.5)
            while not self.stop.is_set():
                run_request(
                    beta,
                    self.journal,
                    "transfer",
                    transfer("SGL-BETA", "SGL-ALPHA", UNIT),
                    ("SGL-BETA", "SGL-ALPHA", UNIT),
                )


class Faults:
    """kill -9 one node at a time and start it again; counts what was injected."""

    def __init__(self, net: Network, journal: Journal, rng: random.Random) -> None:
        self.net = net
        self.journal = journal
        self.rng = rng
        self.injected: collections.Counter[str] = collections.Counter()
        self.recovery: dict[str, list[float]] = collections.defaultdict(list)
        self._turn = itertools.count()

    def inject(self, kind: str) -> None:
        turn = next(self._turn)
        org = self.net.topology.orgs[turn % len(self.net.topology.orgs)]
        if kind == "client":
            self._kill_client()
        else:
            if kind == "peer":
                name = org.gateway_peer.name
            elif kind == "chaincode-server":
                name = chaincode_process(org, CHAINCODE)
            else:
                leader = self.net.wait_for_leader(timeout=60)
                followers = [
                    o.name for o in self.net.topology.orderer_org.orderers if o.name != leader
                ]
                name = leader if kind == "raft-leader" else self.rng.choice(followers)
            assert self.net.supervisor.kill(name), f"{name} was not running"
            time.sleep(self.rng.uniform(0.5, 3.0))  # down while the load goes on
            started = time.monotonic()
            self.net.start_process(name)
            if kind in ("orderer", "raft-leader"):
                self.net.wait_for_leader(timeout=60)
            self.recovery[kind].append(time.monotonic() - started)
        self.injected[kind] += 1

    def _kill_client(self) -> None:
        """A subprocess client killed at a random moment of its submit, then resolved."""
        request_id = self.journal.new_id("client")
        amount = UNIT
        argv = [
            sys.executable,
            "-m",
            "tests.reliability.client_process",
            str(self.net.home),
            str(self.net.topology.base_port),
            DEALER_ALPHA,
            request_id,
            "SGL-ALPHA",
            "SGL-BETA",
            str(amount),
        ]
        # Its errors go to a log of the network's home: the log scan reads them too.
        log = self.net.home / "logs" / f"client.{request_id}.log"
        with log.open("w") as errors:
            child = subprocess.Popen(
                argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True
            )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(self.rng.uniform(0.0, 0.6))  # proposal, endorsement, ordering or commit
        child.kill()
        child.wait()
        child.stdout.close()
        with connected(self.net, DEALER_ALPHA) as conn:
            request = Request(
                request_id,
                "client-killed",
                conn.invoker.transaction_id_for(request_id),
                ("SGL-ALPHA", "SGL-BETA", amount),
            )
            self.journal.add(request)
            resolve(
                conn,
                request,
                transfer("SGL-ALPHA", "SGL-BETA", amount),
            )


def test_every_outcome_the_client_saw_matches_the_ledger_after_faults(
    consortium: Network, market: Market
) -> None:
    rng = random.Random(15)  # noqa: S311 - a reproducible fault schedule, not a secret
    journal = Journal()
    load = Load(consortium, market, journal)
    faults = Faults(consortium, journal, rng)
    started = time.monotonic()
    for thread in load.threads:
        thread.start()
    try:
        time.sleep(3)
        for kind in KINDS * ROUNDS:
            faults.inject(kind)
            time.sleep(rng.uniform(1.0, 3.0))
    finally:
        load.stop.set()
        for thread in load.threads:
            thread.join(timeout=300)
    elapsed = time.monotonic() - started
    assert not journal.errors, journal.errors
    assert sum(faults.injected.values()) == len(KINDS) * ROUNDS

    height = wait_same_height(consortium)
    chains = {org.name: chain(consortium, org, height) for org in consortium.topology.orgs}
    report = check_ledger(consortium, market, journal, chains)
    report["faults"] = dict(faults.injected)
    report["recovery_seconds_max"] = {k: round(max(v), 1) for k, v in faults.recovery.items()}
    report["elapsed_seconds"] = round(elapsed)
    report["blocks"] = height
    print("\nreliability report:", report)


def check_ledger(
    net: Network, market: Market, journal: Journal, chains: dict[str, list[Block]]
) -> dict[str, object]:
    # 1. Every peer holds the same chain: hashes and every validation code.
    fingerprints = {
        org: [
            (
                b.number,
                b.data_hash,
                b.previous_hash,
                [(t.transaction_id, t.validation_code) for t in b.transactions],
            )
            for b in blocks
        ]
        for org, blocks in chains.items()
    }
    first = next(iter(fingerprints.values()))
    for org, fingerprint in fingerprints.items():
        assert fingerprint == first, f"{org}'s chain differs"

    # 2. Each request's transaction: valid exactly once if seen committed, never otherwise.
    valid: collections.Counter[str] = collections.Counter()
    for block in next(iter(chains.values())):
        for tx in block.transactions:
            if tx.valid:
                valid[tx.transaction_id] += 1
    outcomes: collections.Counter[str] = collections.Counter()
    for request in journal.requests:
        outcomes[request.outcome] += 1
        count = valid[request.transaction_id]
        if request.outcome in ("committed", "in-doubt:committed"):
            assert count == 1, f"{request} is valid {count} times on the chain"
        else:
            assert request.outcome != "pending", request
            assert count == 0, f"{request} is on the chain though the client saw it fail"
    assert len({r.transaction_id for r in journal.requests}) == len(journal.requests)

    # 3. The bond's holdings follow exactly from the committed requests.
    expected = dict(ISSUED)
    for request in journal.requests:
        if request.effect and request.outcome in ("committed", "in-doubt:committed"):
            sender, receiver, amount = request.effect
            expected[sender] -= amount
            expected[receiver] += amount
    instruments = [BOND, *market.coupon_bonds]
    states = {org.name: state_through(net, org, instruments) for org in net.topology.orgs}
    some = next(iter(states.values()))
    for org, state in states.items():
        assert state == some, f"{org}'s peer answers a different state"
    holdings = dict(cast(list[tuple[str, int]], some[f"holdings:{BOND}"]))
    assert holdings == {k: v for k, v in expected.items() if v}

    # 4. Conservation: face held = issued - redeemed; cash = minted; coupons paid once.
    cash = {k.split(":", 1)[1]: cast(int, v) for k, v in some.items() if k.startswith("cash:")}
    assert sum(cash.values()) == market.minted
    for instrument in instruments:
        terms = cast(tuple[int, ...], some[f"instrument:{instrument}"])
        issued, redeemed = terms[0], terms[1]
        held = sum(a for _, a in cast(list[tuple[str, int]], some[f"holdings:{instrument}"]))
        assert held == issued - redeemed, instrument
    with connected(net, REGISTRAR) as conn:
        claims = [
            claim
            for bond in market.coupon_bonds
            for claim in conn.client.lifecycle.claims(bond, market.business_date)
        ]
        settled = [i for i in conn.client.settlements.list() if i.state == "SETTLED"]
    holders = collections.Counter((c.instrument_id, c.holder_account) for c in claims)
    assert all(n == 1 for n in holders.values()), holders
    expected_cash = dict(MINT)
    expected_cash["FBR-TAX"] = 0
    # The dealers paid for their allotments at par with cash minted for it (so their own
    # balances start at MINT's); the treasury kept the proceeds.
    expected_cash["TREASURY-CASH"] += sum(ISSUED.values()) + COUPON_ISSUED * len(
        market.coupon_bonds
    )
    for claim in claims:
        expected_cash["TREASURY-CASH"] -= claim.gross
        expected_cash["FBR-TAX"] += claim.tax
        expected_cash[claim.holder_account] += claim.net
    for instruction in settled:
        expected_cash[instruction.seller_account] += instruction.cash_amount
        expected_cash[instruction.buyer_account] -= instruction.cash_amount
    assert {k: v for k, v in cash.items() if v} == {k: v for k, v in expected_cash.items() if v}
    settles = [
        r for r in journal.requests if r.kind == "settle" and r.outcome.endswith("committed")
    ]
    assert len(settles) == len(settled)

    return {
        "requests": len(journal.requests),
        "outcomes": dict(outcomes),
        "failure_reasons": dict(
            collections.Counter(f"{r.kind}:{r.reason}" for r in journal.requests if r.reason)
        ),
        "redriven_after_doubt": sum(r.redriven for r in journal.requests),
        "sdk_retries_by_step": dict(RETRIES),
        "by_kind": dict(collections.Counter(r.kind for r in journal.requests)),
        "settled_dvp": len(settled),
        "coupon_claims_paid": len(claims),
        "peers_compared": sorted(states),
        "conservation": "ok",
    }
