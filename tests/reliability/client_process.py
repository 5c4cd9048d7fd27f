"""A client in its own process, to be killed in the middle of a submit.

    python -m tests.reliability.client_process HOME BASE_PORT WHO REQUEST_ID FROM TO AMOUNT

Connects as ``WHO`` (``Org/user``), prints ``ready``, then transfers ``AMOUNT`` of the
tier's bond from ``FROM`` to ``TO`` under the client request ID ``REQUEST_ID`` and prints
``committed``. The test kills it with SIGKILL at a random moment in between.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sovereign_network import topology
from sovereign_network.network import Network

from .ledger import BOND, connected


def main(argv: list[str]) -> int:
    home, base_port, who, request_id, sender, receiver, amount = argv
    net = Network(Path(home), topology.load(base_port=int(base_port)), None)
    with connected(net, who) as conn:
        print("ready", flush=True)
        conn.client.for_request(request_id).holdings.transfer(BOND, sender, receiver, int(amount))
    print("committed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
