"""A coupon paid to 1,000, 10,000 and 100,000 holders on the real network, in batches.

Subject: ``lifecycle:PayCoupon`` on the sovereign chaincode (our runtime), driven by the
debt office through our typed client, one batch per transaction (majority endorsement, each
committed before the next: a run resumes from the cursor the last committed batch left). The
holders are real: every account is opened and every bond issued through transactions
(``account:OpenMany`` and ``instrument:Issue``, up to 1,000 per transaction), on the same
consortium as the other benchmarks. Baseline: the 1,000-holder run; the cost per holder at
10,000 and 100,000 is reported against it (the goal: flat, and 100,000 holders in at most 10
minutes).

First the batch size is chosen by measurement: the same coupon on a bond held by
``--sizing-holders`` accounts is paid once per candidate size (one bond per size, so every
run starts fresh), and the size with the most holders per second pays the scaled runs.

Reported per run: batches, wall seconds, holders per second, wall ms per holder, CPU-ms per
holder of the chaincode servers (all orgs, from ``/proc``) and of this client process, and
the ratio of wall time per holder to the 1,000-holder run. Setup (opening accounts, issuing)
is timed and reported apart.

    python -m bench coupons-network [--base-port 24500] [--holders 1000,10000,100000]
        [--sizes 100,250,500,1000] [--sizing-holders 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bench.fabric_load import Consortium, ensure_fabric, how_it_ran, load_average
from sovereign_assets.domain import AccountTier
from sovereign_assets.schema.messages import (
    AccountSpec,
    Allotment,
    InstrumentKind,
    InstrumentSpec,
    InvestorSpec,
)
from sovereign_client import SovereignClient

RUPEE = 100
DENOMINATION = 100_000 * RUPEE
PAR = Decimal("100.0000")
"""Issue price per 100: debt is never issued free; the dealer pays for its clients."""
CHUNK = 1_000
"""Accounts opened per transaction: the contracts' bound."""
ISSUE_CHUNK = 500
"""Allotments issued per transaction (each checks the holder's eligibility: a 1,000-allotment
issue can outlast the endorsement deadline on a loaded machine)."""
REGISTRAR = "CentralBank/registrar"
ADMIN = "CentralBank/admin"
DEBT_OFFICE = "Treasury/debtoffice"
DEALER = "CentralBank/dealer1"
OWNERS = (  # the holders' legal owners, in turn: every withholding-tax status
    ("CPN-FILER", "RESIDENT", "FILER"),
    ("CPN-NONFILER", "RESIDENT", "NON_FILER"),
    ("CPN-SCRA", "NON_RESIDENT", "NON_RESIDENT_SCRA"),
    ("CPN-EXEMPT", "RESIDENT", "EXEMPT"),
)


def holder(n: int) -> str:
    return f"CPN-{n:06d}"


@dataclass
class Run:
    label: str
    holders: int
    batch_size: int
    batches: int = 0
    seconds: float = 0.0
    chaincode_cpu_s: float | None = None
    client_cpu_s: float = 0.0
    retries: int = 0
    paid: int = 0
    load: str = ""

    @property
    def per_holder_ms(self) -> float:
        return 1000 * self.seconds / max(self.holders, 1)


def _chunks(total: int, size: int = CHUNK) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def _endorsed(call: Callable[[], object]) -> None:
    """``call`` again when its endorsement ran out of time (nothing was submitted, so
    nothing is applied twice): a loaded machine can take longer than the deadline."""
    from fabric_gateway.errors import EndorseError

    for attempt in range(5):
        try:
            call()
            return
        except EndorseError as exc:
            if "Deadline" not in str(exc) or attempt == 4:
                raise
            print(f"  endorsement ran out of time ({attempt + 1}); again", flush=True)


class Market:
    """The ledger the runs pay on: governance, a dealer, the holders, the bonds."""

    def __init__(self, client_for: Callable[[str], SovereignClient], today: dt.date) -> None:
        from sovereign_cli.demo import controller

        self.client_for = client_for
        self.today = today
        self.opened = 0
        self.controller = controller(DEALER)

    def bootstrap(self) -> None:
        from sovereign_cli.demo import governance, open_market_accounts

        self.client_for(ADMIN).governance.bootstrap(governance(self.today))
        registrar = self.client_for(REGISTRAR)
        registrar.governance.open_business_date(self.today)
        dealer = self.client_for(DEALER)
        for investor_id, who in (("PD-ALPHA", DEALER), ("PD-BETA", "CentralBank/dealer2")):
            self.client_for(who).investors.register(
                InvestorSpec(investor_id, "VERIFIED", "RESIDENT", "PRIMARY_DEALER", "FILER"),
                json.dumps({"name": investor_id}).encode(),
            )
        for owner, residency, tax in OWNERS:
            dealer.investors.register(
                InvestorSpec(owner, "VERIFIED", residency, "INSTITUTION", tax),
                json.dumps({"name": owner}).encode(),
            )
        open_market_accounts(registrar)
        registrar.cash.mint("TREASURY-CASH", 10**16)
        registrar.cash.mint("SGL-ALPHA", 10**15)  # the dealer pays for its clients' allotments

    def open_holders(self, total: int) -> None:
        """Open sub-accounts until ``total`` exist, ``CHUNK`` per transaction."""
        dealer = self.client_for(DEALER)
        for chunk in _chunks(total):
            if chunk.stop <= self.opened:
                continue
            specs = [
                AccountSpec(
                    holder(n),
                    AccountTier.INVESTOR,
                    OWNERS[n % len(OWNERS)][0],
                    self.controller,
                    "SGL-ALPHA",
                )
                for n in chunk
                if n >= self.opened
            ]
            _endorsed(functools.partial(dealer.accounts.open_many, specs))
        self.opened = max(self.opened, total)

    def issue_bond(self, bond: str, holders: int) -> None:
        """A one-year 12% bond issued today, one denomination to each of ``holders``."""
        debt_office, registrar = self.client_for(DEBT_OFFICE), self.client_for(REGISTRAR)
        debt_office.instruments.create(
            InstrumentSpec(
                instrument_id=bond,
                kind=InstrumentKind.FIXED_RATE_BOND,
                min_denomination=DENOMINATION,
                issue_date=self.today.isoformat(),
                maturity_date=self.today.replace(year=self.today.year + 1).isoformat(),
                day_count="ACT/ACT-ICMA",
                frequency=2,
                calendar_id="DEMO-WEEKENDS",
                coupon_rate=Decimal("0.12"),
            )
        )
        registrar.instruments.approve(bond)
        for chunk in _chunks(holders, ISSUE_CHUNK):
            allotments = [Allotment(holder(n), DENOMINATION, PAR) for n in chunk]
            _endorsed(functools.partial(debt_office.instruments.issue, bond, allotments))

    def coupon_date(self, bond: str) -> dt.date:
        for flow in self.client_for(REGISTRAR).instruments.schedule(bond):
            if flow.kind == "COUPON":
                return dt.date.fromisoformat(flow.payment_date)
        raise LookupError(f"{bond} has no coupon")


def pay(
    consortium: Consortium,
    client: SovereignClient,
    run: Run,
    bond: str,
    day: dt.date,
    log: Callable[[str], None],
) -> Run:
    """Pay ``bond``'s coupon in batches of ``run.batch_size`` until done; a failed batch is
    submitted again (the run resumes from the last committed cursor)."""
    run.load = load_average()
    cpu_before = consortium.chaincode_cpu_seconds("sovereign")
    client_before, started = time.process_time(), time.perf_counter()
    done = False
    while not done:
        try:
            batch = client.lifecycle.pay_coupon(bond, day, run.batch_size)
        except Exception as exc:  # a timeout or conflict: resume from the committed cursor
            run.retries += 1
            log(f"  batch {run.batches + 1} failed ({type(exc).__name__}: {exc}); resuming")
            if run.retries > 10:
                raise
            continue
        run.batches += 1
        run.paid += batch.paid
        done = batch.done
        if run.batches % 20 == 0:
            log(
                f"  {run.label}: {run.paid:,} paid in {run.batches} batches, "
                f"{time.perf_counter() - started:.0f} s, load {load_average()}"
            )
    run.seconds = time.perf_counter() - started
    run.client_cpu_s = time.process_time() - client_before
    cpu_after = consortium.chaincode_cpu_seconds("sovereign")
    if cpu_before is not None and cpu_after is not None:
        run.chaincode_cpu_s = cpu_after - cpu_before
    return run


def table(runs: Sequence[Run], base: Run | None, title: str) -> list[str]:
    lines = [
        f"**{title}**",
        "",
        "| run | holders | batch | transactions | retries | seconds | holders/s "
        "| wall ms/holder | vs 1k | chaincode CPU-ms/holder | client CPU-ms/holder | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        cc = "-" if r.chaincode_cpu_s is None else f"{1000 * r.chaincode_cpu_s / r.holders:.2f}"
        ratio = f"{r.per_holder_ms / base.per_holder_ms:.2f}" if base else "-"
        lines.append(
            f"| {r.label} | {r.holders:,} | {r.batch_size} | {r.batches} | {r.retries} "
            f"| {r.seconds:.1f} | {r.holders / r.seconds:,.0f} | {r.per_holder_ms:.2f} "
            f"| {ratio} | {cc} | {1000 * r.client_cpu_s / r.holders:.2f} | {r.load} |"
        )
    return lines


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench coupons-network", description=__doc__)
    parser.add_argument("--base-port", type=int, default=24500)
    parser.add_argument("--holders", default="1000,10000,100000")
    parser.add_argument("--sizes", default="100,250,500,1000", help="batch sizes to measure")
    parser.add_argument("--sizing-holders", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=0, help="skip the sizing: use this size")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv or [])
    scales = [int(h) for h in args.holders.split(",")]
    sizes = [] if args.batch else [int(s) for s in args.sizes.split(",")]
    fabric = ensure_fabric()
    command = "python -m bench coupons-network" + (" " + " ".join(argv) if argv else "")
    how = how_it_ran(
        command,
        fabric,
        [
            "the debt office pays through our typed client on Treasury's Gateway peer, one "
            "batch per transaction, each committed before the next; holders opened and bonds "
            f"issued through transactions, {CHUNK} accounts and {ISSUE_CHUNK} allotments per "
            "transaction",
        ],
    )

    def log(text: str) -> None:
        print(text, flush=True)

    sizing: list[Run] = []
    runs: list[Run] = []
    with Consortium(args.base_port, fabric) as consortium:
        consortium.network.deploy_chaincode()
        with contextlib.ExitStack() as stack:
            clients: dict[str, SovereignClient] = {}

            def client_for(who: str) -> SovereignClient:
                from sovereign_cli.common import Settings
                from sovereign_cli.connection import gateway_client

                if who not in clients:
                    settings = Settings(
                        home=consortium.network.home,
                        topology=None,
                        base_port=None,
                        as_json=False,
                        as_user=who,
                    )
                    clients[who] = stack.enter_context(gateway_client(settings))
                return clients[who]

            from bench.dvp_settlement import business_date

            market = Market(client_for, business_date())
            started = time.perf_counter()
            market.bootstrap()
            market.open_holders(max([*scales, args.sizing_holders if sizes else 0]))
            opened_s = time.perf_counter() - started
            log(f"{market.opened:,} holders opened in {opened_s:.0f} s; load {load_average()}")
            bonds = [(f"PKSIZE{s:05d}0", args.sizing_holders) for s in sizes]
            bonds += [(f"PKRUN{h:06d}0", h) for h in scales]
            issue_started = time.perf_counter()
            for bond, holders in bonds:
                market.issue_bond(bond, holders)
                log(f"{bond} issued to {holders:,} holders; load {load_average()}")
            issued_s = time.perf_counter() - issue_started
            day = market.coupon_date(bonds[0][0])
            client_for(REGISTRAR).governance.open_business_date(day)
            debt_office = client_for(DEBT_OFFICE)
            for size in sizes:
                run = Run(f"sizing, batch {size}", args.sizing_holders, size)
                sizing.append(pay(consortium, debt_office, run, f"PKSIZE{size:05d}0", day, log))
                log(f"{run.label}: {run.holders / run.seconds:.0f} holders/s")
            best = args.batch or max(sizing, key=lambda r: r.holders / r.seconds).batch_size
            for holders in scales:
                run = Run(f"{holders:,} holders", holders, best)
                runs.append(pay(consortium, debt_office, run, f"PKRUN{holders:06d}0", day, log))
                log(f"{run.label}: {run.seconds:.1f} s, {run.holders / run.seconds:.0f} holders/s")
    how.append(
        f"setup: {market.opened:,} accounts opened in {opened_s:.0f} s, "
        f"{sum(h for _, h in bonds):,} allotments issued in {issued_s:.0f} s"
    )
    how.append(f"load average {load_average()} at the end")
    print()
    print("coupons-network benchmark; " + "; ".join(how))
    print()
    if sizing:
        print("\n".join(table(sizing, None, "Batch size (one coupon per size, same holders)")))
        print()
    base = runs[0] if runs else None
    print("\n".join(table(runs, base, f"Coupon runs at scale, batch {best}")))
    if runs:
        largest = runs[-1]
        print()
        print(
            f"{largest.holders:,} holders in {largest.seconds / 60:.1f} min (goal: 10 min); "
            f"wall cost per holder x{largest.per_holder_ms / runs[0].per_holder_ms:.2f} "
            "of the first run"
        )
    return 0
