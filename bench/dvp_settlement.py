"""DvP settlement through our SDK and chaincode against the Go baseline's ``put``, one network.

Subject: delivery versus payment on the sovereign chaincode (our runtime), driven through our
typed client (``sovereign_client`` over ``fabric_gateway``) as the exchange operator: each
settlement is three submitted transactions, ``settlement:Instruct``, ``settlement:Match`` and
``settlement:Settle`` (bond and cash legs in one transaction), each endorsed by a majority of
the orgs and committed before the next. Baseline: the Go baseline chaincode's ``put`` driven by
the official Go Gateway client, on the same consortium, at the same number of calls in flight.
The one-transaction side: ``settlement:Execute``, the exchange's instruct, match and settle in
one transaction (the same rules, one endorsement and commit).

Before the rounds the ledger is set up through the same client: governance, two primary
dealers and two investors, a one-year bond issued to the dealers and cash minted, then for
each worker a seller sub-account holding the bond and a buyer sub-account holding cash, so
that workers never touch the same keys (no MVCC conflicts between them).

Reported: settlements per second against ``put`` per second (the goal is at least 0.5x),
latency of a whole settlement (three commits), failures, CPU per settlement of the load client
and of the chaincode servers (all orgs), beside the same per ``put``.

    python -m bench dvp [--base-port 29500] [--rounds 2] [--concurrency 1,8,32] [--calls N]

With ``--load`` this module is the DvP load client (the twin of the Go client's protocol:
``submit dvp N C PREFIX``, the usual environment, one JSON line out).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from bench.fabric_load import (
    Consortium,
    Result,
    Side,
    how_it_ran,
    load_average,
    load_parser,
    report,
    supply,
)
from sovereign_assets.domain import AccountTier
from sovereign_assets.schema.messages import (
    AccountSpec,
    Allotment,
    InstructionSpec,
    InstrumentKind,
    InstrumentSpec,
    InvestorSpec,
)
from sovereign_client import SovereignClient

RUPEE = 100
MILLION = 1_000_000 * RUPEE
BOND = "PKBENCHPIB01"
DENOMINATION = 100_000 * RUPEE
PRICE = Decimal("99.8750")
TRADES_PER_WORKER = 2_000
"""Each worker's seller holds bond, and its buyer cash, for this many settlements."""

REGISTRAR = "CentralBank/registrar"
ADMIN = "CentralBank/admin"
DEBT_OFFICE = "Treasury/debtoffice"
DEALER_ALPHA = "CentralBank/dealer1"
DEALER_BETA = "CentralBank/dealer2"
EXCHANGE = "Exchange/operator"
GO_PUT = "Go put (Go client)"
DVP = "DvP (our SDK + chaincode)"
EARLIER = "DvP, earlier build"
DVP1 = "DvP in 1 tx (Execute)"


def seller(worker: int) -> str:
    return f"DVP-S-{worker:03d}"


def buyer(worker: int) -> str:
    return f"DVP-B-{worker:03d}"


def setup(client_for: Callable[[str], SovereignClient], today: dt.date, workers: int) -> None:
    """Governance, dealers, a bond, and a seller/buyer pair of funded accounts per worker."""
    # The demo's conventions, calendar and central accounts.
    from sovereign_cli.demo import controller, governance, open_market_accounts

    client_for(ADMIN).governance.bootstrap(governance(today))
    registrar, debt_office = client_for(REGISTRAR), client_for(DEBT_OFFICE)
    registrar.governance.open_business_date(today)
    alpha, beta = client_for(DEALER_ALPHA), client_for(DEALER_BETA)
    for investor_id, dealer, kind in (
        ("PD-ALPHA", alpha, "PRIMARY_DEALER"),
        ("PD-BETA", beta, "PRIMARY_DEALER"),
        ("INV-SELLER", alpha, "INSTITUTION"),
        ("INV-BUYER", beta, "INSTITUTION"),
    ):
        spec = InvestorSpec(investor_id, "VERIFIED", "RESIDENT", kind, "FILER")
        dealer.investors.register(spec, json.dumps({"name": investor_id}).encode())
    open_market_accounts(registrar)
    debt_office.instruments.create(
        InstrumentSpec(
            instrument_id=BOND,
            kind=InstrumentKind.FIXED_RATE_BOND,
            min_denomination=DENOMINATION,
            issue_date=today.isoformat(),
            maturity_date=today.replace(year=today.year + 1).isoformat(),
            day_count="ACT/ACT-ICMA",
            frequency=2,
            calendar_id="DEMO-WEEKENDS",
            coupon_rate=Decimal("0.12"),
        )
    )
    registrar.instruments.approve(BOND)
    per_worker_face = TRADES_PER_WORKER * DENOMINATION
    # Issued today at par, paid for in cash (nothing accrued): credited to the dealer first.
    registrar.cash.mint("SGL-ALPHA", workers * per_worker_face)
    debt_office.instruments.issue(
        BOND, [Allotment("SGL-ALPHA", workers * per_worker_face, Decimal("100.0000"))]
    )
    for worker in range(workers):
        alpha.accounts.open(
            AccountSpec(
                seller(worker),
                AccountTier.INVESTOR,
                "INV-SELLER",
                controller(DEALER_ALPHA),
                "SGL-ALPHA",
            )
        )
        beta.accounts.open(
            AccountSpec(
                buyer(worker),
                AccountTier.INVESTOR,
                "INV-BUYER",
                controller(DEALER_BETA),
                "SGL-BETA",
            )
        )
        alpha.holdings.transfer(BOND, "SGL-ALPHA", seller(worker), per_worker_face)
        registrar.cash.mint(buyer(worker), 2 * per_worker_face)


def business_date(utc_offset_minutes: int = 300) -> dt.date:
    """Today in the market's time zone (the demo governance's offset)."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=utc_offset_minutes)).date()


# --- the load client -------------------------------------------------------------------------


@contextlib.contextmanager
def _exchange_client() -> Iterator[SovereignClient]:
    """The typed client over a plain Gateway connection (no commit fence), from the env."""
    import grpc

    from fabric_gateway import X509Identity, connect, load_private_key_pem, new_private_key_signer
    from sovereign_client import GatewayInvoker

    root = Path(os.environ["TLS_ROOT_CERT"]).read_bytes()
    key = Path(os.environ["KEY"])
    key = next(iter(sorted(key.iterdir()))) if key.is_dir() else key
    identity = X509Identity(os.environ["MSP_ID"], Path(os.environ["CERT"]).read_bytes())
    signer = new_private_key_signer(load_private_key_pem(key.read_bytes()))
    credentials = grpc.ssl_channel_credentials(root)
    with (
        grpc.secure_channel(os.environ["PEER_ENDPOINT"], credentials) as channel,
        connect(client=channel, identity=identity, signer=signer) as gateway,
    ):
        contract = gateway.get_network(os.environ["CHANNEL"]).get_contract(os.environ["CHAINCODE"])
        yield SovereignClient(GatewayInvoker(contract))


def load(argv: list[str]) -> int:
    """``submit dvp N C PREFIX``: N settlements, C workers each on its own account pair
    (``dvp``: instruct, match, settle; ``dvp1``: ``settlement:Execute``, one transaction)."""
    from concurrent.futures import ThreadPoolExecutor

    total, concurrency, prefix = int(argv[2]), int(argv[3]), argv[4]
    one_transaction = argv[1] == "dvp1"
    # Instruction ids are upper-case with at most 8 digits: the run prefix becomes letters.
    run = "".join(chr(65 + b % 26) for b in hashlib.sha256(prefix.encode()).digest()[:10])
    settlement_date = business_date().isoformat()
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    failed = 0
    with _exchange_client() as client:

        def worker(number: int) -> None:
            nonlocal failed
            while (index := next(counter)) < total:
                instruction_id = f"DVP-{run}-W{number}-N{index}"
                started = time.perf_counter()
                spec = InstructionSpec(
                    instruction_id,
                    BOND,
                    seller(number),
                    buyer(number),
                    DENOMINATION,
                    PRICE,
                    settlement_date,
                )
                try:
                    if one_transaction:
                        client.settlements.execute(spec)
                    else:
                        client.settlements.instruct(spec)
                        client.settlements.match(instruction_id)
                        client.settlements.settle(instruction_id)
                except Exception as exc:  # every failure counts, as in the Go client
                    with lock:
                        failed += 1
                        if failed < 3:
                            print(exc, file=sys.stderr)
                    continue
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)

        cpu_start, wall_start = time.process_time(), time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for future in [pool.submit(worker, w) for w in range(concurrency)]:
                future.result()
        wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    ordered = sorted(latencies)

    def quantile(fraction: float) -> float:
        return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)] if ordered else 0.0

    print(
        json.dumps(
            {
                "client": "sovereign_client",
                "ok": len(ordered),
                "failed": failed,
                "tps": round(len(ordered) / wall, 1),
                "p50_ms": quantile(0.5),
                "p99_ms": quantile(0.99),
                "cpu_ms_per_tx": round(cpu * 1000 / max(len(ordered), 1), 2),
            }
        ),
        flush=True,
    )
    return 0


# --- the benchmark ---------------------------------------------------------------------------


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = load_parser(
        "dvp",
        __doc__,
        base_port=29500,
        in_flight="workers (calls in flight)",
        concurrency="1,8,32",
        modes=False,
    )
    parser.add_argument(
        "--calls", type=int, default=0, help="settlements (and puts) per run; 0: by concurrency"
    )
    parser.add_argument(
        "--compare-chaincode",
        metavar="DIR",
        help="also run DvP with the chaincode and typed client of DIR (another checkout's "
        "root, holding chaincode/ and sdk/), deployed as sovereign0, to measure a change "
        "side by side",
    )
    return parser.parse_args(argv)


def _clients(
    consortium: Consortium, chaincode: str, stack: contextlib.ExitStack
) -> Callable[[str], SovereignClient]:
    """Typed clients of ``chaincode`` by ``Org/user``, opened on first use, closed with
    ``stack``."""
    from sovereign_cli.common import Settings
    from sovereign_cli.connection import gateway_client

    clients: dict[str, SovereignClient] = {}

    def client_for(who: str) -> SovereignClient:
        if who not in clients:
            settings = Settings(
                home=consortium.network.home,
                topology=None,
                base_port=None,
                as_json=False,
                as_user=who,
            )
            clients[who] = stack.enter_context(gateway_client(settings, chaincode))
        return clients[who]

    return client_for


def _calls(concurrency: int, fixed: int) -> int:
    return fixed or (20 if concurrency == 1 else max(100, 8 * concurrency))


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv or [])
    found = supply("dvp")
    if found is None:
        return 3
    fabric, go_chaincode, go_client = found.fabric, found.go_chaincode, found.go_client
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    go = Side(GO_PUT, "kvgo", (str(go_client),))
    dvp = Side(
        DVP,
        "sovereign",
        (sys.executable, "-m", "bench.dvp_settlement", "--load"),
        org="Exchange",
        user="operator",
    )
    how = how_it_ran(
        "python -m bench dvp" + (" " + " ".join(argv) if argv else ""),
        fabric,
        [
            "DvP: the exchange operator instructs, matches and settles through our typed "
            "client (3 submits per settlement, each committed before the next), or executes "
            "it in one (settlement:Execute); put: "
            "the official Go Gateway client on the Go baseline chaincode; DvP through "
            "Exchange's Gateway peer as Exchange/operator, put through Treasury's",
            f"{args.rounds} interleaved rounds, calls per run: "
            + ", ".join(f"x{c}: {_calls(c, args.calls)}" for c in concurrencies),
        ],
    )
    dvp1 = Side(DVP1, "sovereign", dvp.client, org="Exchange", user="operator")
    sides = [go, dvp, dvp1]
    function = {GO_PUT: "put", DVP: "dvp", DVP1: "dvp1", EARLIER: "dvp"}
    earlier: Path | None = None
    if args.compare_chaincode:
        earlier = Path(args.compare_chaincode).resolve()
        path = f"PYTHONPATH={earlier / 'chaincode'}:{earlier / 'sdk'}"
        sides.append(
            Side(
                EARLIER,
                "sovereign0",
                ("env", path, sys.executable, "-m", "bench.dvp_settlement", "--load"),
                org="Exchange",
                user="operator",
            )
        )
        how.append(f"{EARLIER}: chaincode and typed client from {earlier}")
    results: list[Result] = []
    with Consortium(args.base_port, fabric) as consortium:
        note = consortium.ephemeral_note()
        if note:
            how.append(note)
        consortium.deploy("kvgo", server=[str(go_chaincode)])
        consortium.network.deploy_chaincode()  # the sovereign chaincode, as the topology names it
        if earlier is not None:
            from sovereign_network import collections

            net = consortium.network
            net.deploy_chaincode(
                name="sovereign0",
                collections_config=collections.write_collections_config(
                    net.topology, net.config_dir / "collections-sovereign0.json"
                ),
                server=[
                    "env",
                    f"PYTHONPATH={earlier / 'chaincode'}",
                    sys.executable,
                    "-m",
                    "fabric_chaincode",
                    "serve",
                    "--chaincode",
                    net.topology.chaincode.module,
                ],
            )
        started = time.perf_counter()
        for chaincode in dict.fromkeys(s.chaincode for s in sides if s is not go):
            with contextlib.ExitStack() as stack:
                setup(_clients(consortium, chaincode, stack), business_date(), max(concurrencies))
        print(
            f"ledger set up for {max(concurrencies)} workers in "
            f"{time.perf_counter() - started:.0f} s; load average {load_average()}",
            flush=True,
        )
        run_id = f"d{int(time.time())}"
        consortium.run(go, "submit", "put", 50, 10, f"{run_id}-warm")
        for number, side in enumerate(sides[1:]):
            consortium.run(side, "submit", function[side.label], 4, 2, f"{run_id}-warm-{number}")
        for round_number in range(1, args.rounds + 1):
            order = sides if round_number % 2 else sides[::-1]
            for concurrency in concurrencies:
                for side in order:
                    calls = _calls(concurrency, args.calls)
                    prefix = f"{run_id}-{round_number}-{concurrency}-{sides.index(side)}"
                    fn = function[side.label]
                    result = consortium.run(
                        side, "submit", fn, calls, concurrency, prefix, round_number=round_number
                    )
                    results.append(result)
                    print(
                        f"round {round_number} x{concurrency:<4} {side.label:<26} "
                        f"{result.tps:>8.1f}/s p50 {result.p50_ms:>7.1f} p99 "
                        f"{result.p99_ms:>7.1f} failed {result.failed:>4} client "
                        f"{result.client_cpu_ms:.2f} chaincode {result.chaincode_cpu_ms or 0:.2f}"
                        f" CPU-ms load {result.load}",
                        flush=True,
                    )
    report(
        "dvp",
        "DvP settlements (3 transactions each) vs the Go baseline's put (1 transaction)",
        results,
        GO_PUT,
        how,
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:
        raise SystemExit(load(sys.argv[2:]))
    raise SystemExit(main(sys.argv[1:]))
