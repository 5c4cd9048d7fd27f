"""Closed-loop load with our Gateway SDK: the twin of the Go load client, same arguments and output.

    python -m bench.load_py MODE FN N C [KEYPREFIX] [--asyncio]

Environment as the Go client's: ``PEER_ENDPOINT``, ``TLS_ROOT_CERT``, ``MSP_ID``, ``CERT``,
``KEY`` (file or folder), ``CHANNEL``, ``CHAINCODE``. ``submit`` calls ``FN(prefix_i, i)``,
``evaluate`` calls ``FN(prefix_(i mod 50))``; ``C`` calls in flight (threads, or asyncio tasks
with ``--asyncio``), drawing call numbers from one shared counter. Prints one JSON line: ok,
failed, tps, p50_ms, p99_ms, cpu_ms_per_tx (this process, all threads, the measured window).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc

from fabric_gateway import (
    CallTimeouts,
    X509Identity,
    connect,
    connect_async,
    load_private_key_pem,
    new_private_key_signer,
)

TIMEOUTS = CallTimeouts(evaluate=15.0, endorse=30.0, submit=15.0, commit_status=60.0)


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.failed = 0
        self._lock = threading.Lock()
        self.cpu_start = self.wall_start = 0.0
        self.cpu_seconds = self.wall_seconds = 0.0

    def start(self) -> None:
        """Open the measured window (after connecting, as the Go client does)."""
        self.cpu_start, self.wall_start = time.process_time(), time.perf_counter()

    def stop(self) -> None:
        self.cpu_seconds = time.process_time() - self.cpu_start
        self.wall_seconds = time.perf_counter() - self.wall_start

    def record(self, started: float, error: BaseException | None) -> None:
        with self._lock:
            if error is None:
                self.latencies.append((time.perf_counter() - started) * 1000)
                return
            self.failed += 1
            if self.failed < 3:
                print(error, file=sys.stderr)


def _key_path() -> Path:
    path = Path(os.environ["KEY"])
    return next(iter(sorted(path.iterdir()))) if path.is_dir() else path


def _channel_args() -> tuple[bytes, str, list[tuple[str, Any]]]:
    root = Path(os.environ["TLS_ROOT_CERT"]).read_bytes()
    endpoint = os.environ["PEER_ENDPOINT"]
    return root, endpoint, []


def _arguments(mode: str, prefix: str, index: int) -> tuple[str, ...]:
    if mode == "submit":
        return (f"{prefix}_{index}", str(index))
    return (f"{prefix}_{index % 50}",)


def _run_sync(mode: str, fn: str, total: int, concurrency: int, prefix: str) -> _Tally:
    root, endpoint, options = _channel_args()
    identity = X509Identity(os.environ["MSP_ID"], Path(os.environ["CERT"]).read_bytes())
    signer = new_private_key_signer(load_private_key_pem(_key_path().read_bytes()))
    tally = _Tally()
    counter = itertools.count()  # next() on it is atomic under the GIL
    with (
        grpc.secure_channel(endpoint, grpc.ssl_channel_credentials(root), options) as channel,
        connect(client=channel, identity=identity, signer=signer, timeouts=TIMEOUTS) as gateway,
    ):
        contract = gateway.get_network(os.environ["CHANNEL"]).get_contract(os.environ["CHAINCODE"])
        call: Callable[..., bytes] = (
            contract.submit_transaction if mode == "submit" else contract.evaluate_transaction
        )

        def loop() -> None:
            while (index := next(counter)) < total:
                started = time.perf_counter()
                try:
                    call(fn, *_arguments(mode, prefix, index))
                except Exception as exc:  # every failure counts, as in the Go client
                    tally.record(started, exc)
                else:
                    tally.record(started, None)

        tally.start()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for future in [pool.submit(loop) for _ in range(concurrency)]:
                future.result()
        tally.stop()
    return tally


async def _run_async(mode: str, fn: str, total: int, concurrency: int, prefix: str) -> _Tally:
    root, endpoint, options = _channel_args()
    identity = X509Identity(os.environ["MSP_ID"], Path(os.environ["CERT"]).read_bytes())
    signer = new_private_key_signer(load_private_key_pem(_key_path().read_bytes()))
    tally = _Tally()
    counter = itertools.count()
    credentials = grpc.ssl_channel_credentials(root)
    async with grpc.aio.secure_channel(endpoint, credentials, options) as channel:
        gateway = connect_async(client=channel, identity=identity, signer=signer, timeouts=TIMEOUTS)
        contract = gateway.get_network(os.environ["CHANNEL"]).get_contract(os.environ["CHAINCODE"])
        call: Callable[..., Awaitable[bytes]] = (
            contract.submit_transaction if mode == "submit" else contract.evaluate_transaction
        )

        async def loop() -> None:
            while (index := next(counter)) < total:
                started = time.perf_counter()
                try:
                    await call(fn, *_arguments(mode, prefix, index))
                except Exception as exc:
                    tally.record(started, exc)
                else:
                    tally.record(started, None)

        tally.start()
        await asyncio.gather(*(loop() for _ in range(concurrency)))
        tally.stop()
    return tally


def _quantile(ordered: list[float], fraction: float) -> float:
    """The Go client's rule: element ``int(p * len)``, clamped."""
    if not ordered:
        return 0.0
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]


def main(argv: list[str]) -> int:
    use_asyncio = "--asyncio" in argv
    positional = [a for a in argv if a != "--asyncio"]
    mode, fn, total, concurrency = (
        positional[0],
        positional[1],
        int(positional[2]),
        int(positional[3]),
    )
    prefix = positional[4] if len(positional) > 4 else f"p{int(time.time() * 1000)}"
    if use_asyncio:
        tally = asyncio.run(_run_async(mode, fn, total, concurrency, prefix))
    else:
        tally = _run_sync(mode, fn, total, concurrency, prefix)
    wall, cpu = tally.wall_seconds, tally.cpu_seconds
    ordered = sorted(tally.latencies)
    ok = len(ordered)
    client = "fabric_gateway-" + ("asyncio" if use_asyncio else "sync")
    print(
        json.dumps(
            {
                "client": client,
                "mode": mode,
                "fn": fn,
                "n": total,
                "concurrency": concurrency,
                "ok": ok,
                "failed": tally.failed,
                "tps": round(ok / wall, 1),
                "p50_ms": _quantile(ordered, 0.5),
                "p99_ms": _quantile(ordered, 0.99),
                "cpu_ms_per_tx": round(cpu * 1000 / max(ok, 1), 2),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
