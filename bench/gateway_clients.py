"""Client overhead of our sync Gateway SDK against the official Node client, side by side.

Baseline: ``@hyperledger/fabric-gateway`` (Node, pinned in ``tests/interop``); subject: the
synchronous ``fabric_gateway`` client. Both talk plaintext gRPC on 127.0.0.1 to the same
Gateway TEST DOUBLE (``tests/unit/gateway/peer_harness.py``), which runs in its own process so
its CPU is charged to neither client. The double checks every signature as a peer would but
endorses, orders and stores nothing, so the figures are each client's own overhead (building,
signing, serialising, gRPC), never Fabric latency.

For each client: ``N`` evaluate calls and ``N`` submit calls (endorse + submit + commit
status), first one at a time, then with ``C`` calls in flight (Python threads; Node
``Promise.all``). Reported: throughput, p50/p99 latency and client-process CPU per
transaction (all threads; start-up and warm-up excluded).

Settings (environment): ``BENCH_GATEWAY_N`` (calls per phase, default 2000;
about 30 s in all on 2 cores), ``BENCH_GATEWAY_CONCURRENCY`` (default 8; 1 skips the concurrent
phases) and ``BENCH_GATEWAY_WARMUP`` (untimed calls per operation and client, default 200, so
Node's JIT and both connections are warm).

Owns: the benchmark driver and, with ``--serve``, the double's server process.
Must not import: the generated protobuf classes (the double does that itself), or any test
module at import time (the double is loaded by path in the server process only).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fabric_gateway import Contract, X509Identity, connect, new_private_key_signer
from ledger_codec import loads_unique

ROOT = Path(__file__).resolve().parent.parent
INTEROP_DIR = ROOT / "tests" / "interop"
HARNESS = ROOT / "tests" / "unit" / "gateway" / "peer_harness.py"
NODE_DRIVER = Path(__file__).resolve().parent / "node" / "gateway_bench.js"

MSP_ID = "TreasuryMSP"
CHANNEL = "sovereign"
CHAINCODE = "assets"
EVALUATE = ("InstrumentContract:GetInstrument", "PKTB-2026-03")
SUBMIT = ("TradeContract:Transfer", "PKTB-2026-03", "bank-a", "bank-b", "250000")
NODE_TIMEOUT_S = 600

DISCLAIMER = (
    "Server: an in-process gateway.Gateway TEST DOUBLE (tests/unit/gateway/peer_harness.py) in\n"
    "its own process on 127.0.0.1, plaintext gRPC (no TLS). It is NOT a Fabric peer: it checks\n"
    "signatures but endorses, orders and commits nothing. The numbers are the clients' own\n"
    "overhead (building, signing, serialising, gRPC) plus the double's fixed cost, never Fabric\n"
    "latency. CPU ms/tx counts the client process only (all its threads)."
)


@dataclass(frozen=True)
class Settings:
    """Benchmark size: calls per phase, calls in flight, untimed warm-up calls per operation."""

    calls: int
    concurrency: int
    warmup: int

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            calls=max(1, int(os.environ.get("BENCH_GATEWAY_N", "2000"))),
            concurrency=max(1, int(os.environ.get("BENCH_GATEWAY_CONCURRENCY", "8"))),
            warmup=max(0, int(os.environ.get("BENCH_GATEWAY_WARMUP", "200"))),
        )


@dataclass(frozen=True)
class Phase:
    """One measured window: ``len(latencies_ms)`` calls of one operation."""

    wall_seconds: float
    cpu_seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def calls(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.calls / self.wall_seconds

    @property
    def cpu_ms_per_call(self) -> float:
        return 1000 * self.cpu_seconds / self.calls

    def percentile_ms(self, fraction: float) -> float:
        """Nearest-rank percentile, the same rule for both clients."""
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass(frozen=True)
class Credentials:
    """A throwaway P-256 key and self-signed certificate, both clients sign with it."""

    key: ec.EllipticCurvePrivateKey
    certificate_pem: bytes

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def _credentials() -> Credentials:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench@treasury")])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return Credentials(key, certificate.public_bytes(serialization.Encoding.PEM))


# --- the Gateway double's process ------------------------------------------------------------


class _DiscardingRequests(dict[str, list[Any]]):
    """The double records every request for tests; a benchmark must not grow without bound."""

    def setdefault(self, key: str, default: list[Any] | None = None) -> list[Any]:
        return []


def _serve() -> int:
    """Run the double on 127.0.0.1, print its address, and stop when stdin closes."""
    spec = importlib.util.spec_from_file_location("bench_peer_harness", HARNESS)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load the Gateway test double from {HARNESS}")
    harness = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = harness  # dataclasses look their module up while it executes
    spec.loader.exec_module(harness)
    double = harness.GatewayPeerDouble(requests=_DiscardingRequests())
    with harness.serve(double) as running:
        print(running.address, flush=True)
        sys.stdin.read()  # the parent closes our stdin (or dies) when the benchmark is over
    return 0


class _ServerProcess:
    """The double in a child process, so its CPU is charged to neither client."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.gateway_clients", "--serve"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.address = self._process.stdout.readline().strip()
        if not self.address:
            self.close()
            raise RuntimeError("the Gateway test double did not start")

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)


# --- the two clients ---------------------------------------------------------------------------


def _measure(call: Callable[[], bytes], total: int, concurrency: int) -> Phase:
    """``total`` calls with ``concurrency`` threads, each starting its next call when one ends.

    As in the Node driver, the threads draw call numbers from one shared, bounded counter.
    """
    latencies = [0.0] * total
    counter = itertools.count()  # next() on it is atomic under the GIL

    def loop() -> None:
        while (index := next(counter)) < total:
            start = time.perf_counter()
            call()
            latencies[index] = (time.perf_counter() - start) * 1000

    if concurrency == 1:  # on this thread, as an application would call it
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        loop()
        wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
        return Phase(wall, cpu, tuple(latencies))
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for future in [pool.submit(loop) for _ in range(concurrency)]:
            future.result()
        wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    return Phase(wall, cpu, tuple(latencies))


def _run_python(address: str, creds: Credentials, settings: Settings) -> dict[str, Phase]:
    phases: dict[str, Phase] = {}
    with (
        grpc.insecure_channel(address) as channel,
        connect(
            client=channel,
            identity=X509Identity(MSP_ID, creds.certificate_pem),
            signer=new_private_key_signer(creds.key),
        ) as gateway,
    ):
        contract: Contract = gateway.get_network(CHANNEL).get_contract(CHAINCODE)
        calls: dict[str, Callable[[], bytes]] = {
            "evaluate": lambda: contract.evaluate_transaction(*EVALUATE),
            "submit": lambda: contract.submit_transaction(*SUBMIT),
        }
        for operation, call in calls.items():
            for _ in range(settings.warmup):
                call()
            phases[f"{operation}/1"] = _measure(call, settings.calls, 1)
            if settings.concurrency > 1:
                phases[f"{operation}/{settings.concurrency}"] = _measure(
                    call, settings.calls, settings.concurrency
                )
    return phases


def _node_available() -> str | None:
    """Why the Node baseline cannot run, or None; installs the pinned client if missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        return "node is not installed"
    if not (INTEROP_DIR / "node_modules" / "@hyperledger" / "fabric-gateway").exists():
        if npm is None:
            return "npm is not installed and tests/interop/node_modules is missing"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(INTEROP_DIR)],
            check=True,
            timeout=300,
        )
    return None


def _run_node(address: str, creds: Credentials, settings: Settings) -> tuple[str, dict[str, Phase]]:
    request = {
        "address": address,
        "mspId": MSP_ID,
        "certPem": creds.certificate_pem.decode(),
        "keyPem": creds.key_pem.decode(),
        "interopDir": str(INTEROP_DIR),
        "channel": CHANNEL,
        "chaincode": CHAINCODE,
        "warmup": settings.warmup,
        "n": settings.calls,
        "concurrency": settings.concurrency,
        "evaluate": list(EVALUATE),
        "submit": list(SUBMIT),
    }
    completed = subprocess.run(
        ["node", str(NODE_DRIVER)],
        input=json.dumps(request).encode(),
        capture_output=True,
        check=False,
        timeout=NODE_TIMEOUT_S,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the Node client failed: {completed.stderr.decode()[-2000:]}")
    answer = loads_unique(completed.stdout)
    phases = {
        name: Phase(
            float(phase["wallSeconds"]),
            float(phase["cpuSeconds"]),
            tuple(float(x) for x in phase["latenciesMs"]),
        )
        for name, phase in answer["phases"].items()
    }
    return str(answer["client"]), phases


# --- report ------------------------------------------------------------------------------------


def _table(ours: dict[str, Phase], theirs: dict[str, Phase], labels: Sequence[str]) -> list[str]:
    lines = [
        f"{'client':<8}{'operation':<16}{'calls':>7}{'tx/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/tx':>11}"
    ]
    for name in labels:
        operation, in_flight = name.split("/")
        label = f"{operation} x{in_flight}" if in_flight != "1" else f"{operation} seq"
        for client, phase in (("node", theirs[name]), ("python", ours[name])):
            lines.append(
                f"{client:<8}{label:<16}{phase.calls:>7}{phase.throughput:>9.0f}"
                f"{phase.percentile_ms(0.5):>9.2f}{phase.percentile_ms(0.99):>9.2f}"
                f"{phase.cpu_ms_per_call:>11.3f}"
            )
    lines.append("")
    lines.append(f"{'ours/Node':<24}{'tx/s ratio':>12}{'CPU/tx ratio':>14}")
    for name in labels:
        operation, in_flight = name.split("/")
        label = f"{operation} x{in_flight}" if in_flight != "1" else f"{operation} seq"
        mine, base = ours[name], theirs[name]
        lines.append(
            f"{label:<24}{mine.throughput / base.throughput:>12.2f}"
            f"{mine.cpu_ms_per_call / base.cpu_ms_per_call:>14.2f}"
        )
    return lines


def main() -> int:
    """Run both clients against one double and print the table (3 if Node is unavailable)."""
    reason = _node_available()
    if reason is not None:
        print(f"gateway benchmark not run: {reason} (the Node client is the baseline)")
        return 3
    settings = Settings.from_environment()
    creds = _credentials()
    server = _ServerProcess()
    try:
        # Node first, then Python, against the same warm server process.
        node_label, theirs = _run_node(server.address, creds, settings)
        ours = _run_python(server.address, creds, settings)
    finally:
        server.close()
    print(DISCLAIMER)
    print(
        f"Baseline: {node_label}. Ours: fabric_gateway sync (grpcio {grpc.__version__},"
        f" Python {sys.version.split()[0]}). P-256 ECDSA signing on both sides."
    )
    print(
        f"N={settings.calls} calls per phase, {settings.warmup} warm-up calls per operation,"
        f" concurrent phases with {settings.concurrency} in flight; {os.cpu_count()} CPUs."
    )
    print()
    labels = [name for name in theirs if name in ours]
    print("\n".join(_table(ours, theirs, labels)))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        raise SystemExit(_serve())
    raise SystemExit(main())
