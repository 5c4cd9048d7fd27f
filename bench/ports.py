"""Ports of a benchmark's network: free to listen on, and outside the ephemeral range.

A listener cannot bind a port that a recent client connection still holds as its
local port (TIME_WAIT lasts 60 s on Linux), and the kernel hands out such local ports
from ``ip_local_port_range``. A network whose ports lie in that range can therefore
find one taken when it starts; the benchmarks wait for their ports and say so.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from pathlib import Path

from sovereign_network.topology import HOST, Topology

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def bindable(port: int, host: str = HOST) -> bool:
    """Whether a listener could bind ``port`` now (with SO_REUSEADDR, as Fabric's do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def all_ports(topo: Topology) -> list[int]:
    return [port for _, port in topo.ports()]


def wait_bindable(ports: Sequence[int], timeout: float = 90.0) -> tuple[float, list[int]]:
    """Wait until every port is bindable; the seconds waited and the ports still taken."""
    start = time.monotonic()
    taken = [p for p in ports if not bindable(p)]
    while taken and time.monotonic() - start < timeout:
        time.sleep(0.5)
        taken = [p for p in taken if not bindable(p)]
    return time.monotonic() - start, taken


def ephemeral_note(ports: Sequence[int]) -> str | None:
    """A warning when some of ``ports`` lie in the kernel's ephemeral port range."""
    try:
        low, high = (int(v) for v in EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        return None
    inside = [p for p in ports if low <= p <= high]
    if not inside:
        return None
    return (
        f"ports {min(inside)}-{max(inside)} lie in the kernel's ephemeral range {low}-{high}: "
        "a client connection may hold one of them when a node starts"
    )
