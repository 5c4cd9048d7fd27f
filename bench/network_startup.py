"""Time from an empty directory to committed chaincode, restart time, and memory.

Baseline: a 2-org, 1-orderer network; subject: the 3-org, 3-orderer consortium.
Both run in the same invocation on the same machine with cached binaries, and the
table reports each one's seconds and the ratio to the baseline.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sovereign_network import binaries, topology
from sovereign_network.binaries import BinariesUnavailable
from sovereign_network.network import Network

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
class Measurement:
    name: str
    up_seconds: float
    deploy_seconds: float
    restart_seconds: float
    rss_mb: dict[str, float]

    @property
    def cold_seconds(self) -> float:
        return self.up_seconds + self.deploy_seconds


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(name: str, topo: topology.Topology, fabric: binaries.FabricInstall) -> Measurement:
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        net = Network(Path(tmp), topo, fabric)
        try:
            start = time.perf_counter()
            net.up()
            up = time.perf_counter() - start
            start = time.perf_counter()
            net.deploy_chaincode(name="conformance", module="conformance_chaincode:chaincode")
            deploy = time.perf_counter() - start
            rss = {}
            for proc in net.supervisor.running():
                record = net.supervisor.record(proc)
                if record:
                    rss[proc] = _rss_mb(record.pid)
            net.down()
            start = time.perf_counter()
            net.up()
            restart = time.perf_counter() - start
        finally:
            net.down()
    return Measurement(name, up, deploy, restart, rss)


def main() -> int:
    try:
        fabric = binaries.ensure()
    except BinariesUnavailable as exc:
        print(f"network benchmark not run: {exc}")
        return 3
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as handle:
        handle.write(BASELINE)
    baseline = measure("2 orgs, 1 orderer", topology.load(Path(handle.name)), fabric)
    subject = measure("3 orgs, 3 orderers", topology.load(base_port=29200), fabric)
    header = f"{'network':<22}{'empty->chaincode s':>20}{'restart s':>12}{'total RSS MB':>14}"
    print(f"{header}{'ratio':>8}")
    for m in (baseline, subject):
        ratio = m.cold_seconds / baseline.cold_seconds
        total = sum(m.rss_mb.values())
        print(
            f"{m.name:<22}{m.cold_seconds:>20.2f}{m.restart_seconds:>12.2f}"
            f"{total:>14.0f}{ratio:>8.2f}"
        )
    for proc, mb in sorted(subject.rss_mb.items()):
        print(f"  {proc:<24}{mb:>8.1f} MB")
    return 0
