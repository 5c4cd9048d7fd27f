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
from pathlib import Path

from bench.fabric_load import (
    Consortium,
    Side,
    interleaved,
    load_parser,
    report,
    scaled_plan,
    supply,
)

GO = "Go shim (kvgo)"
OURS = "our runtime (kvpy)"
EARLIER = "our runtime, earlier (kvpy0)"
PY_MODULE = "conformance_chaincode.kv:chaincode"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = load_parser(
        "runtime",
        __doc__,
        base_port=29300,
        in_flight="clients per run",
    )
    parser.add_argument(
        "--compare-runtime",
        metavar="DIR",
        help="also run our runtime from DIR (a folder holding another fabric_chaincode, e.g. "
        "an earlier commit's chaincode/), as kvpy0, to measure a change side by side",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv or [])
    found = supply("runtime")
    if found is None:
        return 3
    fabric, go_chaincode, go_client = found.fabric, found.go_chaincode, found.go_client
    client = (str(go_client),)
    sides = [Side(GO, "kvgo", client), Side(OURS, "kvpy", client)]
    if args.compare_runtime:
        sides.append(Side(EARLIER, "kvpy0", client))
    how, concurrencies, modes = scaled_plan(
        "runtime",
        argv or [],
        args,
        fabric,
        ["load client: the official Go Gateway client v1.12.0 (gateway-load-go)"],
    )
    with Consortium(args.base_port, fabric) as consortium:
        note = consortium.ephemeral_note()
        if note:
            how.append(note)
        consortium.deploy("kvgo", server=[str(go_chaincode)])
        consortium.deploy("kvpy", module=PY_MODULE)
        if args.compare_runtime:
            earlier = Path(args.compare_runtime).resolve()
            how.append(f"{EARLIER}: fabric_chaincode from {earlier}")
            consortium.deploy(
                "kvpy0",
                server=[
                    "env",
                    f"PYTHONPATH={earlier}",
                    sys.executable,
                    "-m",
                    "fabric_chaincode",
                    "serve",
                    "--chaincode",
                    PY_MODULE,
                ],
            )
        results = interleaved(
            consortium,
            sides,
            modes=modes,
            concurrencies=concurrencies,
            rounds=args.rounds,
            scale=args.scale,
            run_id=f"r{int(time.time())}",
        )
    report("runtime", "Our chaincode runtime vs the Go shim", results, GO, how)
    return 0
