"""Closed-loop load on the real consortium: the network, the load clients, the CPU, the tables.

One consortium (the project's topology: 3 orgs, 3 Raft orderers, development timing, MAJORITY
endorsement, mutual TLS between each peer and its chaincode servers) runs in a temporary home
while a benchmark deploys its chaincodes and drives them with load client processes. Every
load client is a separate process speaking the Go load client's protocol (``MODE FN N C
[KEYPREFIX]``, the ``PEER_ENDPOINT``/``TLS_ROOT_CERT``/``MSP_ID``/``CERT``/``KEY``/``CHANNEL``/
``CHAINCODE`` environment, one JSON line out), so each side's client CPU is its own process's.
The chaincode servers' CPU is read from ``/proc/<pid>/stat`` (utime + stime, all threads) of
every org's server of the chaincode under load, before and after each run; the PIDs come from
the network's run records.

Runs are bounded in count (``N`` per run) and in time (a deadline per client process: a run
that overruns is killed, by its own PID, and reported as failed).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.ports import all_ports, ephemeral_note, wait_bindable
from ledger_codec import loads_unique
from sovereign_network import binaries, topology
from sovereign_network.binaries import FabricInstall
from sovereign_network.network import Network, chaincode_process

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CONCURRENCIES = (1, 20, 64, 256)


def calls_for(mode: str, concurrency: int, scale: float) -> int:
    """Calls per run: enough for a steady window, few enough for a shared 2-core machine."""
    if mode == "submit":
        base = 30 if concurrency == 1 else max(400, 4 * concurrency)
    else:
        base = 300 if concurrency == 1 else max(2000, 8 * concurrency)
    return max(concurrency, int(base * scale))


def load_average() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a load client program driving one chaincode."""

    label: str
    chaincode: str
    client: tuple[str, ...]
    """The client's argv before ``MODE FN N C KEYPREFIX``."""
    client_options: tuple[str, ...] = ()
    """Arguments after the positional ones (``--asyncio`` for our SDK)."""
    org: str | None = None
    """The org whose Gateway peer the client uses (the consortium's default org if None)."""
    user: str = "admin"


@dataclass
class Result:
    side: str
    mode: str
    concurrency: int
    round: int
    calls: int
    ok: int = 0
    failed: int = 0
    tps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    client_cpu_ms: float = 0.0
    chaincode_cpu_ms: float | None = None
    load: str = ""
    error: str = ""
    extra: dict[str, float] = field(default_factory=dict)


class Consortium:
    """The project's consortium, up in a temporary home for the length of a ``with`` block."""

    def __init__(self, base_port: int, fabric: FabricInstall, org: str = "Treasury") -> None:
        self.topology = topology.load(base_port=base_port)
        self.fabric = fabric
        self.org = self.topology.org(org)
        self._stack = contextlib.ExitStack()
        self.net: Network | None = None

    def __enter__(self) -> Consortium:
        ports = all_ports(self.topology)
        waited, taken = wait_bindable(ports)
        if taken:
            raise RuntimeError(f"ports {taken} stayed taken for {waited:.0f} s")
        home = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        self.net = Network(home, self.topology, self.fabric)
        self._stack.callback(self.net.down)
        self.net.up()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @property
    def network(self) -> Network:
        assert self.net is not None, "the consortium is not up"
        return self.net

    def ephemeral_note(self) -> str | None:
        return ephemeral_note(all_ports(self.topology))

    def deploy(
        self, name: str, *, module: str | None = None, server: Sequence[str] | None = None
    ) -> None:
        self.network.deploy_chaincode(name=name, module=module, server=server)

    def client_env(
        self, chaincode: str, org_name: str | None = None, user: str = "admin"
    ) -> dict[str, str]:
        """The load clients' environment: the org's Gateway peer, as ``user`` of the org."""
        net = self.network
        org = self.topology.org(org_name) if org_name else self.org
        paths = net.layout.user(org.key, user)
        return {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            "PEER_ENDPOINT": org.gateway_peer.address,
            "TLS_ROOT_CERT": str(net.layout.tls_ca_cert(org.key)),
            "MSP_ID": org.msp_id,
            "CERT": str(paths.cert),
            "KEY": str(paths.key),
            "CHANNEL": self.topology.channel,
            "CHAINCODE": chaincode,
        }

    def chaincode_cpu_seconds(self, chaincode: str) -> float | None:
        """utime + stime of every org's server of ``chaincode`` (None if one is not running)."""
        total = 0
        for org in self.topology.orgs:
            record = self.network.supervisor.record(chaincode_process(org, chaincode))
            if record is None:
                return None
            try:
                stat = Path(f"/proc/{record.pid}/stat").read_text()
            except OSError:
                return None
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        return total / CLOCK_TICKS

    def run(
        self,
        side: Side,
        mode: str,
        fn: str,
        calls: int,
        concurrency: int,
        prefix: str,
        *,
        round_number: int = 0,
        deadline_s: float = 300.0,
        env_chaincode: str | None = None,
    ) -> Result:
        """One closed-loop run of ``side``'s client; chaincode CPU measured around it."""
        result = Result(side.label, mode, concurrency, round_number, calls, load=load_average())
        env = self.client_env(env_chaincode or side.chaincode, side.org, side.user)
        if "PYTHONPATH" in os.environ:
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        argv = [*side.client, mode, fn, str(calls), str(concurrency), prefix, *side.client_options]
        before = self.chaincode_cpu_seconds(side.chaincode)
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            out, err = process.communicate(timeout=deadline_s)
        except subprocess.TimeoutExpired:
            process.kill()  # our own child, by its PID
            process.communicate()
            result.failed = calls
            result.error = f"overran {deadline_s:.0f} s"
            return result
        after = self.chaincode_cpu_seconds(side.chaincode)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if process.returncode != 0 or not lines:
            result.failed = calls
            result.error = (err.strip().splitlines() or [f"exit {process.returncode}"])[-1]
            return result
        answer = loads_unique(lines[-1])
        result.ok = int(answer["ok"])
        result.failed = int(answer["failed"])
        result.tps = float(answer["tps"])
        result.p50_ms = float(answer["p50_ms"])
        result.p99_ms = float(answer["p99_ms"])
        result.client_cpu_ms = float(answer["cpu_ms_per_tx"])
        if result.failed:
            result.error = (err.strip().splitlines() or [""])[0][:200]
        if before is not None and after is not None and result.ok:
            result.chaincode_cpu_ms = 1000 * (after - before) / result.ok
        return result


def interleaved(
    consortium: Consortium,
    sides: Sequence[Side],
    *,
    modes: Sequence[str],
    concurrencies: Sequence[int],
    rounds: int,
    scale: float,
    run_id: str,
    functions: tuple[str, str] = ("put", "get"),
) -> list[Result]:
    """Every (mode, clients) cell for every side, back to back, the side order alternating.

    Before the rounds each side writes the 50 keys the evaluations read and warms up (its
    client's connection, its chaincode's servers), untimed.
    """
    put, get = functions
    for side in sides:
        consortium.run(side, "submit", put, 50, 10, f"{run_id}-seed")
        consortium.run(side, "evaluate", get, 500, 20, f"{run_id}-seed")
    print(f"warm; load average {load_average()}", flush=True)
    results: list[Result] = []
    for round_number in range(1, rounds + 1):
        order = list(sides) if round_number % 2 else list(sides)[::-1]
        for mode in modes:
            for concurrency in concurrencies:
                for side in order:
                    calls = calls_for(mode, concurrency, scale)
                    prefix = (
                        f"{run_id}-{round_number}-{concurrency}-{sides.index(side)}"
                        if mode == "submit"
                        else f"{run_id}-seed"
                    )
                    fn = put if mode == "submit" else get
                    result = consortium.run(
                        side, mode, fn, calls, concurrency, prefix, round_number=round_number
                    )
                    results.append(result)
                    print(
                        f"round {round_number} {mode:<8} x{concurrency:<4} {side.label:<24} "
                        f"{result.tps:>8.1f} tx/s p50 {result.p50_ms:>7.1f} "
                        f"p99 {result.p99_ms:>7.1f} failed {result.failed:>4} "
                        f"client {result.client_cpu_ms:.2f} "
                        f"chaincode {result.chaincode_cpu_ms or 0:.2f} CPU-ms/tx "
                        f"load {result.load}",
                        flush=True,
                    )
    return results


def how_it_ran(command: str, fabric: FabricInstall, extra: Sequence[str] = ()) -> list[str]:
    return [
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"`{command}`",
        f"Fabric {fabric.release}",
        f"Python {platform.python_version()}",
        f"{os.cpu_count()} cores ({platform.machine()}), shared",
        "topology: 3 orgs x 1 peer, 3 Raft orderers, 100 ms batches, MAJORITY endorsement, "
        "mutual TLS peer<->chaincode, clients on Treasury's Gateway peer over TLS",
        f"load average {load_average()} at start",
        *extra,
    ]


def ensure_fabric() -> FabricInstall:
    return binaries.ensure()


@dataclass(frozen=True)
class Supply:
    """What a benchmark against the Go baseline needs: Fabric, the Go chaincode and client."""

    fabric: FabricInstall
    go_chaincode: Path
    go_client: Path


def supply(benchmark: str) -> Supply | None:
    """Fabric and the Go baseline, or None after saying why ``benchmark`` did not run."""
    from bench import baseline

    try:
        return Supply(ensure_fabric(), baseline.go_chaincode(), baseline.go_load_client())
    except (binaries.BinariesUnavailable, baseline.BaselineUnavailable) as exc:
        print(f"{benchmark} benchmark not run: {exc}")
        return None


def scaled_plan(
    benchmark: str,
    argv: Sequence[str],
    args: argparse.Namespace,
    fabric: FabricInstall,
    lines: Sequence[str],
) -> tuple[list[str], list[int], list[str]]:
    """How a ``load_parser`` benchmark with modes runs: the report's header lines (``lines``
    first, then the calls per run), the concurrencies and the modes."""
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    modes = args.modes.split(",")
    calls = ", ".join(
        f"{m} x{c}: {calls_for(m, c, args.scale)}" for m in modes for c in concurrencies
    )
    command = " ".join(["python -m bench", benchmark, *argv])
    how = how_it_ran(
        command, fabric, [*lines, f"{args.rounds} interleaved rounds, calls per run: {calls}"]
    )
    return how, concurrencies, modes


def load_parser(
    benchmark: str,
    description: str | None,
    *,
    base_port: int,
    in_flight: str,
    concurrency: str | None = None,
    modes: bool = True,
) -> argparse.ArgumentParser:
    """The options every load benchmark takes (with ``modes``: submit and evaluate, scaled);
    each adds its own."""
    parser = argparse.ArgumentParser(prog=f"python -m bench {benchmark}", description=description)
    parser.add_argument("--base-port", type=int, default=base_port)
    parser.add_argument("--rounds", type=int, default=2)
    default = concurrency or ",".join(str(c) for c in CONCURRENCIES)
    parser.add_argument("--concurrency", default=default, help=in_flight)
    if modes:
        parser.add_argument("--scale", type=float, default=1.0, help="multiplies the calls per run")
        parser.add_argument("--modes", default="submit,evaluate")
    return parser


# --- tables ------------------------------------------------------------------------------------


def _fmt(values: Sequence[float], digits: int = 0) -> str:
    """One value, or ``min-max`` over the rounds."""
    if not values:
        return "-"
    low, high = min(values), max(values)
    if f"{low:.{digits}f}" == f"{high:.{digits}f}":
        return f"{low:,.{digits}f}"
    return f"{low:,.{digits}f}-{high:,.{digits}f}"


def _ratios(subject: Sequence[Result], base: Sequence[Result]) -> list[float]:
    """Per-round ratios of throughput (rounds are interleaved, so paired by round)."""
    by_round = {r.round: r for r in base}
    return [
        s.tps / by_round[s.round].tps
        for s in subject
        if s.round in by_round and by_round[s.round].tps > 0
    ]


def _cpu_ratios(subject: Sequence[Result], base: Sequence[Result], attr: str) -> list[float]:
    by_round = {r.round: r for r in base}
    ratios = []
    for s in subject:
        b = by_round.get(s.round)
        mine, theirs = getattr(s, attr), getattr(b, attr) if b else None
        if mine and theirs:
            ratios.append(mine / theirs)
    return ratios


def table(results: Sequence[Result], baseline: str, title: str) -> list[str]:
    """A markdown table: one row per (mode, concurrency, side), ranges over the rounds."""
    lines = [
        f"**{title}** (ranges are min-max over the rounds; ratios are per round against "
        f"{baseline})",
        "",
        "| mode | clients | side | tx/s | ratio | p50 ms | p99 ms | failed | client CPU ms/tx "
        "| client CPU ratio | chaincode CPU ms/tx | chaincode CPU ratio | load avg (1 min) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    keys = sorted({(r.mode, r.concurrency) for r in results}, key=lambda k: (k[0] != "submit", k))
    sides = list(dict.fromkeys(r.side for r in results))
    for mode, concurrency in keys:
        cell = [r for r in results if r.mode == mode and r.concurrency == concurrency]
        base = [r for r in cell if r.side == baseline]
        for side in sides:
            mine = [r for r in cell if r.side == side]
            if not mine:
                continue
            is_base = side == baseline
            cc = [r.chaincode_cpu_ms for r in mine if r.chaincode_cpu_ms is not None]
            loads = [float(r.load.split("/")[0]) for r in mine if r.load]
            lines.append(
                f"| {mode} | {concurrency} | {side} | {_fmt([r.tps for r in mine])} "
                f"| {'1' if is_base else _fmt(_ratios(mine, base), 2)} "
                f"| {_fmt([r.p50_ms for r in mine], 1)} | {_fmt([r.p99_ms for r in mine], 1)} "
                f"| {sum(r.failed for r in mine)} "
                f"| {_fmt([r.client_cpu_ms for r in mine if r.ok], 2)} "
                f"| {'1' if is_base else _fmt(_cpu_ratios(mine, base, 'client_cpu_ms'), 2)} "
                f"| {_fmt(cc, 2)} "
                f"| {'1' if is_base else _fmt(_cpu_ratios(mine, base, 'chaincode_cpu_ms'), 2)} "
                f"| {_fmt(loads, 1)} |"
            )
    return lines


def median_ratio(results: Sequence[Result], subject: str, baseline: str) -> dict[str, float]:
    """The median per-round throughput ratio of ``subject`` to ``baseline``, per mode/clients."""
    out: dict[str, float] = {}
    for mode, concurrency in sorted({(r.mode, r.concurrency) for r in results}):
        cell = [r for r in results if r.mode == mode and r.concurrency == concurrency]
        ratios = _ratios(
            [r for r in cell if r.side == subject], [r for r in cell if r.side == baseline]
        )
        if ratios:
            out[f"{mode}@{concurrency}"] = statistics.median(ratios)
    return out


def failures(results: Sequence[Result]) -> Iterator[str]:
    for r in results:
        if r.failed or r.error:
            yield (
                f"{r.side} {r.mode} x{r.concurrency} round {r.round}: {r.failed} failed"
                f"{': ' + r.error if r.error else ''}"
            )


def report(name: str, title: str, results: Sequence[Result], baseline: str, how: list[str]) -> None:
    """Print how it ran, the markdown table, the median ratios and every failure."""
    how = [*how, f"load average {load_average()} at the end"]
    print()
    print(f"{name} benchmark; " + "; ".join(how))
    print()
    print("\n".join(table(results, baseline, title)))
    print()
    for side in dict.fromkeys(r.side for r in results):
        if side != baseline:
            ratios = median_ratio(results, side, baseline)
            summary = ", ".join(f"{k} {v:.2f}" for k, v in ratios.items())
            print(f"median throughput ratio {side} / {baseline}: {summary}")
    problems = list(failures(results))
    print("failures:\n  " + "\n  ".join(problems) if problems else "failures: none")
    sys.stdout.flush()


def python_client() -> tuple[str, ...]:
    return (sys.executable, "-m", "bench.load_py")
