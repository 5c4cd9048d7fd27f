"""``python -m bench [name ...]``: run benchmarks and print their tables."""

from __future__ import annotations

import sys

from bench import coupon_batches, gateway_clients, network_startup

BENCHES = {
    "network": network_startup.main,
    "coupons": coupon_batches.main,
    "gateway": gateway_clients.main,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHES)}")
        return 2
    status = 0
    for name in names:
        status = max(status, BENCHES[name]())
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
