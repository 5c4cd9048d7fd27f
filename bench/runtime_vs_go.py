"""Our chaincode runtime against the official Go shim, on the real consortium, in one run.

Baseline: the Go baseline chaincode (``kv-chaincode-go``, fabric-chaincode-go v2) deployed as
``kvgo``; subject: the same ``put``/``get`` on our runtime (``conformance_chaincode.kv``)
deployed as ``kvpy``, each org running its own server of each. Both are driven by the same
load client, the official Go Gateway client (``gateway-load-go``), through Treasury's Gateway
peer: ``submit put(key_i, i)`` (endorsed by a majority of the orgs, ordered, committed) and
``evaluate get(key_(i mod 50))`` (one peer), closed loop at 1, 20, 64 and 256 clients.

Rounds are interleaved (every cell runs both sides back to back, the order alternating between
rounds), so a change in the machine's load hits both sides alike; ratios are per round.
Reported per run: throughput, p50/p99 latency, failures, the load client's CPU per
transaction, and the CPU per transaction of the chaincode servers under load (all three orgs'
servers together, from ``/proc``).

    python -m bench runtime [--base-port 29300] [--rounds 2] [--scale 1.0]
        [--concurrency 1,20,64,256] [--modes submit,evaluate]
"""

from __future__ import annotations

import argparse
import sys
import time

from bench import baseline
from bench.fabric_load import (
    CONCURRENCIES,
    Consortium,
    Result,
    Side,
    calls_for,
    ensure_fabric,
    failures,
    how_it_ran,
    load_average,
    median_ratio,
    table,
)
from sovereign_network.binaries import BinariesUnavailable

GO = "Go shim (kvgo)"
OURS = "our runtime (kvpy)"
PY_MODULE = "conformance_chaincode.kv:chaincode"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench runtime", description=__doc__)
    parser.add_argument("--base-port", type=int, default=29300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the calls per run")
    parser.add_argument(
        "--concurrency", default=",".join(str(c) for c in CONCURRENCIES), help="clients per run"
    )
    parser.add_argument("--modes", default="submit,evaluate")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv or [])
    try:
        fabric = ensure_fabric()
        go_chaincode, go_client = baseline.go_chaincode(), baseline.go_load_client()
    except (BinariesUnavailable, baseline.BaselineUnavailable) as exc:
        print(f"runtime benchmark not run: {exc}")
        return 3
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    modes = args.modes.split(",")
    client = (str(go_client),)
    sides = [Side(GO, "kvgo", client), Side(OURS, "kvpy", client)]
    how = how_it_ran(
        "python -m bench runtime" + (" " + " ".join(argv) if argv else ""),
        fabric,
        [
            "load client: the official Go Gateway client v1.12.0 (gateway-load-go)",
            f"{args.rounds} interleaved rounds, calls per run: "
            + ", ".join(
                f"{m} x{c}: {calls_for(m, c, args.scale)}" for m in modes for c in concurrencies
            ),
        ],
    )
    results: list[Result] = []
    run_id = f"r{int(time.time())}"
    with Consortium(args.base_port, fabric) as consortium:
        note = consortium.ephemeral_note()
        if note:
            how.append(note)
        consortium.deploy("kvgo", server=[str(go_chaincode)])
        consortium.deploy("kvpy", module=PY_MODULE)
        for side in sides:  # warm both sides up and write the keys the evaluations read
            consortium.run(side, "submit", "put", 50, 10, f"{run_id}-seed")
            consortium.run(side, "evaluate", "get", 500, 20, f"{run_id}-seed")
        print(f"network up, chaincodes deployed and warm; load average {load_average()}")
        for round_number in range(1, args.rounds + 1):
            order = sides if round_number % 2 else sides[::-1]
            for mode in modes:
                for concurrency in concurrencies:
                    for side in order:
                        calls = calls_for(mode, concurrency, args.scale)
                        prefix = (
                            f"{run_id}-{round_number}-{concurrency}"
                            if mode == "submit"
                            else f"{run_id}-seed"
                        )
                        fn = "put" if mode == "submit" else "get"
                        result = consortium.run(
                            side, mode, fn, calls, concurrency, prefix, round_number=round_number
                        )
                        results.append(result)
                        print(
                            f"round {round_number} {mode:<8} x{concurrency:<4} {side.label:<20} "
                            f"{result.tps:>8.1f} tx/s p50 {result.p50_ms:>7.1f} "
                            f"p99 {result.p99_ms:>7.1f} failed {result.failed:>4} "
                            f"client {result.client_cpu_ms:.2f} "
                            f"chaincode {result.chaincode_cpu_ms or 0:.2f} CPU-ms/tx "
                            f"load {result.load}",
                            flush=True,
                        )
    how.append(f"load average {load_average()} at the end")
    print()
    print("runtime benchmark; " + "; ".join(how))
    print()
    print("\n".join(table(results, GO, "Our chaincode runtime vs the Go shim")))
    print()
    ratios = median_ratio(results, OURS, GO)
    summary = ", ".join(f"{k} {v:.2f}" for k, v in ratios.items())
    print(f"median throughput ratio ours/Go: {summary}")
    problems = list(failures(results))
    if problems:
        print("failures:\n  " + "\n  ".join(problems))
    sys.stdout.flush()
    return 0
