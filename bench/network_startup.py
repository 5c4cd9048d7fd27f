"""Time from an empty directory to committed chaincode, restart time, and memory.

Baseline: a 2-org, 1-orderer network; subject: the 3-org, 3-orderer consortium.
Both run in the same invocation on the same machine with cached binaries, one after
the other, and the table reports each one's seconds and the ratio to the baseline.

* empty home to committed chaincode: ``up`` in an empty directory (crypto material,
  genesis block, every node started and joined, discovery across every org) plus
  ``deploy_chaincode`` of the conformance chaincode (install, approve, commit, its
  servers started, discovery of it on every peer);
* restart: ``down`` then ``up`` on the same home, chaincode servers included;
* memory: RSS (and PSS, which shares common pages out fairly) of every process of the
  network after the deploy: orderers, peers and chaincode servers.

Targets for the consortium: at most 10 s to committed chaincode, under 600 MB RSS.

    python -m bench network [--base-port 29100] [--repeat 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.ports import all_ports, ephemeral_note, wait_bindable
from sovereign_network import binaries, topology
from sovereign_network.binaries import BinariesUnavailable
from sovereign_network.network import Network

COLD_TARGET_SECONDS = 10.0
RSS_TARGET_MB = 600.0
CHAINCODE = "conformance"
CHAINCODE_MODULE = "conformance_chaincode:chaincode"

BASELINE = """
[network]
channel = "bench"
base_port = 29100
[orderers]
org = "Orderer"
msp_id = "OrdererMSP"
domain = "orderer.bench.test"
count = 1
[[orgs]]
name = "Org1"
msp_id = "Org1MSP"
domain = "org1.bench.test"
[[orgs]]
name = "Org2"
msp_id = "Org2MSP"
domain = "org2.bench.test"
[chaincode]
name = "conformance"
module = "conformance_chaincode:chaincode"
"""


@dataclass(frozen=True)
class Memory:
    rss_mb: float
    pss_mb: float


@dataclass(frozen=True)
class Measurement:
    name: str
    up_seconds: float
    deploy_seconds: float
    restart_seconds: float
    memory: dict[str, Memory]
    steps: list[tuple[str, float]]
    """Each step ``up`` and the deploy reported on the cold path, with its seconds."""

    @property
    def cold_seconds(self) -> float:
        return self.up_seconds + self.deploy_seconds

    @property
    def rss_mb(self) -> float:
        return sum(m.rss_mb for m in self.memory.values())

    @property
    def pss_mb(self) -> float:
        return sum(m.pss_mb for m in self.memory.values())

    def by_role(self) -> dict[str, tuple[int, float]]:
        """Processes per role and their RSS in MB: orderer, peer, chaincode server."""
        roles: dict[str, tuple[int, float]] = {}
        for proc, mem in self.memory.items():
            role = (
                "orderer"
                if proc.startswith("orderer")
                else "chaincode server"
                if proc.startswith("chaincode.")
                else "peer"
            )
            count, total = roles.get(role, (0, 0.0))
            roles[role] = (count + 1, total + mem.rss_mb)
        return roles


def _status_kb(path: Path, field: str) -> float:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return 0.0
    for line in lines:
        if line.startswith(f"{field}:"):
            return float(line.split()[1])
    return 0.0


def memory_of(pid: int) -> Memory:
    """RSS from ``/proc/PID/status`` and PSS from ``/proc/PID/smaps_rollup``, in MB."""
    rss = _status_kb(Path(f"/proc/{pid}/status"), "VmRSS")
    pss = _status_kb(Path(f"/proc/{pid}/smaps_rollup"), "Pss")
    return Memory(rss / 1024, pss / 1024)


def measure(name: str, topo: topology.Topology, fabric: binaries.FabricInstall) -> Measurement:
    waited, taken = wait_bindable(all_ports(topo))
    if taken:
        raise RuntimeError(f"{name}: ports {taken} stayed taken for {waited:.0f} s")
    with tempfile.TemporaryDirectory(prefix="bench-network-") as tmp:
        net = Network(Path(tmp), topo, fabric)
        marks: list[tuple[str, float]] = []

        def progress(message: str) -> None:
            marks.append((message, time.perf_counter()))

        try:
            start = time.perf_counter()
            marks.append(("(start)", start))
            net.up(progress)
            up = time.perf_counter() - start
            start = time.perf_counter()
            marks.append(("(up returned)", start))
            net.deploy_chaincode(name=CHAINCODE, module=CHAINCODE_MODULE, progress=progress)
            deploy = time.perf_counter() - start
            marks.append(("(deploy returned)", time.perf_counter()))
            memory = {}
            for proc in net.supervisor.running():
                record = net.supervisor.record(proc)
                if record:
                    memory[proc] = memory_of(record.pid)
            net.down()
            wait_bindable(all_ports(topo))
            start = time.perf_counter()
            net.up()
            restart = time.perf_counter() - start
        finally:
            net.down()
    steps = [(m[0], n[1] - m[1]) for m, n in itertools.pairwise(marks)]
    return Measurement(name, up, deploy, restart, memory, steps)


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "-"


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(baseline: Measurement, subject: Measurement, how: list[str]) -> None:
    print("network start-up, " + "; ".join(how))
    header = (
        f"{'network':<22}{'up s':>7}{'deploy s':>10}{'empty->chaincode s':>20}{'ratio':>7}"
        f"{'restart s':>11}{'ratio':>7}{'RSS MB':>8}{'PSS MB':>8}{'procs':>7}"
    )
    print(header)
    for m in (baseline, subject):
        print(
            f"{m.name:<22}{m.up_seconds:>7.2f}{m.deploy_seconds:>10.2f}{m.cold_seconds:>20.2f}"
            f"{_ratio(m.cold_seconds, baseline.cold_seconds):>7}{m.restart_seconds:>11.2f}"
            f"{_ratio(m.restart_seconds, baseline.restart_seconds):>7}"
            f"{m.rss_mb:>8.0f}{m.pss_mb:>8.0f}{len(m.memory):>7}"
        )
    for m in (baseline, subject):
        print(f"  {m.name}: RSS per process (MB)")
        for proc, mem in sorted(m.memory.items()):
            print(f"    {proc:<34}{mem.rss_mb:>8.1f}   PSS {mem.pss_mb:>7.1f}")
    cold_ok = subject.cold_seconds <= COLD_TARGET_SECONDS
    rss_ok = subject.rss_mb < RSS_TARGET_MB
    print(
        f"targets for {subject.name}: empty->chaincode <= {COLD_TARGET_SECONDS:.0f} s: "
        f"{_met(cold_ok)} ({subject.cold_seconds:.2f} s); total RSS < {RSS_TARGET_MB:.0f} MB: "
        f"{_met(rss_ok)} ({subject.rss_mb:.0f} MB)"
    )
    for m in (baseline, subject):
        print(f"  slowest steps of {m.name} on the cold path (from the step named):")
        for message, seconds in sorted(m.steps, key=lambda step: -step[1])[:5]:
            print(f"    {seconds:6.2f} s  {message}")
    print(f"load average at the end {'/'.join(f'{v:.1f}' for v in os.getloadavg())}")
    print()
    print(
        "| network | empty home to committed chaincode s | vs baseline | restart s | vs baseline "
        "| total RSS MB (PSS) | processes |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for m in (baseline, subject):
        label = f"{m.name} (baseline)" if m is baseline else m.name
        print(
            f"| {label} | {m.cold_seconds:.2f} (up {m.up_seconds:.2f} + deploy "
            f"{m.deploy_seconds:.2f}) | {_ratio(m.cold_seconds, baseline.cold_seconds)} "
            f"| {m.restart_seconds:.2f} | {_ratio(m.restart_seconds, baseline.restart_seconds)} "
            f"| {m.rss_mb:.0f} ({m.pss_mb:.0f}) | {len(m.memory)} |"
        )
    print()
    print("| process (3 orgs, 3 orderers) | count | RSS MB each | RSS MB total |")
    print("|---|---:|---:|---:|")
    for role, (count, total) in sorted(subject.by_role().items()):
        print(f"| {role} | {count} | {total / count:.0f} | {total:.0f} |")


def median(runs: list[Measurement]) -> Measurement:
    """The run whose empty->chaincode time is the median (the upper one of an even count)."""
    return sorted(runs, key=lambda m: m.cold_seconds)[len(runs) // 2]


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench network", description=__doc__)
    parser.add_argument(
        "--base-port",
        type=int,
        default=29100,
        help="the baseline's first port; the consortium's is 100 above it",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each network; the median is reported"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv or [])
    try:
        fabric = binaries.ensure()
    except BinariesUnavailable as exc:
        print(f"network benchmark not run: {exc}")
        return 3
    load = os.getloadavg()
    how = [
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"`python -m bench network{' ' + ' '.join(argv) if argv else ''}`",
        f"Fabric {fabric.release} ({fabric.source})",
        f"Python {platform.python_version()}",
        f"{os.cpu_count()} cores",
        f"load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at start",
        "binaries cached, empty temporary homes, baseline and consortium in turn",
        f"ports {args.base_port}+ and {args.base_port + 100}+",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as handle:
        handle.write(BASELINE)
    try:
        baseline_topology = topology.load(Path(handle.name), base_port=args.base_port)
    finally:
        Path(handle.name).unlink(missing_ok=True)
    subject_topology = topology.load(base_port=args.base_port + 100)
    note = ephemeral_note(all_ports(baseline_topology) + all_ports(subject_topology))
    if note:
        how.append(f"{note} (each network waits until its ports are free)")
    baselines: list[Measurement] = []
    subjects: list[Measurement] = []
    for _ in range(args.repeat):
        baselines.append(measure("2 orgs, 1 orderer", baseline_topology, fabric))
        subjects.append(measure("3 orgs, 3 orderers", subject_topology, fabric))
    if args.repeat > 1:
        how.append(f"the median of {args.repeat} runs each by empty->chaincode time")
        for runs in (baselines, subjects):
            colds = ", ".join(f"{m.cold_seconds:.2f}" for m in runs)
            how.append(f"{runs[0].name}: empty->chaincode s of each run {colds}")
    report(median(baselines), median(subjects), how)
    sys.stdout.flush()
    return 0
