"""Our Gateway SDK against the official Go and Node clients, on the real consortium, in one run.

Every side drives the same chaincode, the Go baseline on the official Go shim (``kvgo``), through
Treasury's Gateway peer, with the same closed loop: ``submit put(key_i, i)`` and ``evaluate
get(key_(i mod 50))`` at 1, 20, 64 and 256 calls in flight. Sides:

* the official Go Gateway client v1.12.0 (``gateway-load-go``, the baseline: the fastest
  official client);
* our SDK, synchronous (``bench/load_py.py``: one thread per call in flight);
* our SDK on asyncio (``bench/load_py.py --asyncio``: one task per call in flight);
* the official Node client (``bench/node/load_node.js`` on the pinned install in
  ``tests/interop``), when Node and that install are present.

Each client is its own process, so its CPU per transaction is its own (from the measured
window, after connecting). Rounds are interleaved, the side order alternating.

    python -m bench sdk [--base-port 29400] [--rounds 2] [--scale 1.0]
        [--concurrency 1,20,64,256] [--modes submit,evaluate] [--sides go,sync,asyncio,node]
        [--compare-sdk DIR --sides go,sync,sync0,asyncio,asyncio0]
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from bench.fabric_load import (
    Consortium,
    Side,
    interleaved,
    load_parser,
    python_client,
    report,
    scaled_plan,
    supply,
)

ROOT = Path(__file__).resolve().parent.parent
NODE_CLIENT = Path(__file__).resolve().parent / "node" / "load_node.js"
NODE_PACKAGE = ROOT / "tests" / "interop" / "node_modules" / "@hyperledger" / "fabric-gateway"
GO = "Go client"


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = load_parser(
        "sdk",
        __doc__,
        base_port=29400,
        in_flight="calls in flight",
    )
    parser.add_argument("--sides", default="go,sync,asyncio,node")
    parser.add_argument(
        "--compare-sdk",
        metavar="DIR",
        help="sides sync0 and asyncio0 run our SDK from DIR (a folder holding another "
        "fabric_gateway, e.g. an earlier commit's sdk/), to measure a change side by side",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv or [])
    found = supply("sdk")
    if found is None:
        return 3
    fabric, go_chaincode, go_client = found.fabric, found.go_chaincode, found.go_client
    wanted = args.sides.split(",")
    notes: list[str] = []
    node = shutil.which("node")
    available = {
        "go": Side(GO, "kvgo", (str(go_client),)),
        "sync": Side("our SDK, sync", "kvgo", python_client()),
        "asyncio": Side("our SDK, asyncio", "kvgo", python_client(), ("--asyncio",)),
    }
    if args.compare_sdk:
        earlier = ("env", f"PYTHONPATH={Path(args.compare_sdk).resolve()}", *python_client())
        available["sync0"] = Side("our SDK, sync, earlier", "kvgo", earlier)
        available["asyncio0"] = Side("our SDK, asyncio, earlier", "kvgo", earlier, ("--asyncio",))
        notes.append(f"earlier SDK (sync0, asyncio0): fabric_gateway from {args.compare_sdk}")
    if node and NODE_PACKAGE.is_dir():
        available["node"] = Side("Node client", "kvgo", (node, str(NODE_CLIENT)))
    elif "node" in wanted:
        notes.append("Node client not run: node or tests/interop/node_modules is missing")
    sides = [available[name] for name in wanted if name in available]
    if not sides or sides[0].label != GO:
        print("sdk benchmark: the Go client (go) must be the first side, the baseline")
        return 2
    how, concurrencies, modes = scaled_plan(
        "sdk",
        argv or [],
        args,
        fabric,
        ["chaincode: the Go baseline (kvgo) on the official Go shim, for every side", *notes],
    )
    with Consortium(args.base_port, fabric) as consortium:
        note = consortium.ephemeral_note()
        if note:
            how.append(note)
        consortium.deploy("kvgo", server=[str(go_chaincode)])
        results = interleaved(
            consortium,
            sides,
            modes=modes,
            concurrencies=concurrencies,
            rounds=args.rounds,
            scale=args.scale,
            run_id=f"s{int(time.time())}",
        )
    report("sdk", "Our Gateway SDK vs the official Go and Node clients", results, GO, how)
    return 0
