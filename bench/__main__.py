"""``python -m bench [name ...] [--option ...]``: run benchmarks and print their tables.

Options after the names go to the one benchmark named (``network`` and ``updown`` take
them). ``updown``, a stress run of several minutes, runs only when named.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench import (
    coupon_batches,
    coupons_network,
    dvp_settlement,
    gateway_clients,
    network_startup,
    runtime_vs_go,
    sdk_vs_go,
    up_under_load,
)

BENCHES: dict[str, Callable[..., int]] = {
    "network": network_startup.main,
    "coupons": coupon_batches.main,
    "coupons-network": coupons_network.main,
    "gateway": gateway_clients.main,
    "updown": up_under_load.main,
    "runtime": runtime_vs_go.main,
    "sdk": sdk_vs_go.main,
    "dvp": dvp_settlement.main,
}
TAKE_OPTIONS = {"network", "updown", "runtime", "sdk", "dvp", "coupons-network"}
ON_REQUEST = {"updown", "runtime", "sdk", "dvp", "coupons-network"}


def main(argv: list[str]) -> int:
    split = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    names = argv[:split] or [n for n in BENCHES if n not in ON_REQUEST]
    options = argv[split:]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHES)}")
        return 2
    if options and (len(names) != 1 or names[0] not in TAKE_OPTIONS):
        print(f"options go to one benchmark named alone, one of: {', '.join(sorted(TAKE_OPTIONS))}")
        return 2
    status = 0
    for name in names:
        status = max(status, BENCHES[name](options) if options else BENCHES[name]())
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
