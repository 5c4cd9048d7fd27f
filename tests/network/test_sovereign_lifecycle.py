"""The sovereign asset register on the real consortium, driven by the typed SDK.

The demo's narrated lifecycle (bill and bond issued, distributed, DvP through the
exchange, coupons with tax, redemptions, a refused transfer) runs over Gateway clients
of each org's identities and must reconcile to the paisa.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sys
from pathlib import Path

import pytest

from sovereign_assets.domain.examples import pakistan_calendar_2026_bytes
from sovereign_cli.demo import Report, pakistan_calendar_publication
from sovereign_client import GatewayInvoker, SovereignClient
from sovereign_network.network import Network
from tests.consortium import ClientFactory

pytestmark = pytest.mark.network


def test_the_lifecycle_reconciles_on_the_real_network(demo_lifecycle: Report) -> None:
    assert demo_lifecycle.reconciled, "\n".join(demo_lifecycle.lines)
    assert demo_lifecycle.totals["tax"] > 0


def test_the_demo_published_the_sourced_calendar(
    consortium: Network, client_factory: ClientFactory, demo_lifecycle: Report
) -> None:
    """``PK-SBP`` is on the ledger as the data file gives it, hashed, by the central bank."""
    assert demo_lifecycle.reconciled
    topology = consortium.topology
    gateway = client_factory("CentralBank", "registrar").gateway
    contract = gateway.get_network(topology.channel).get_contract(topology.chaincode.name)
    record = SovereignClient(GatewayInvoker(contract)).calendars.get("PK-SBP")
    given = record.publication
    assert given == pakistan_calendar_publication(dt.date.fromisoformat(given.effective_from))
    assert given.source.sha256 == hashlib.sha256(pakistan_calendar_2026_bytes()).hexdigest()
    assert (given.covers_from, given.covers_to, len(given.holidays)) == (
        "2026-01-01",
        "2026-12-31",
        17,
    )
    assert record.published_by == "CentralBankMSP"


README = Path(__file__).resolve().parents[2] / "README.md"


def _gateway_example() -> str:
    text = README.read_text()
    section = text[text.index("### Gateway client") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's Gateway client section has no python example"
    return match.group(1)


def test_the_readme_gateway_example_runs_as_written(
    consortium: Network, demo_lifecycle: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the lifecycle above: the example finds the network with `sov network status`."""
    monkeypatch.setenv("SOV_HOME", str(consortium.home))
    bin_dir = str(Path(sys.executable).parent)  # where `sov` is installed with this Python
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    namespace: dict[str, object] = {}
    exec(compile(_gateway_example(), str(README), "exec"), namespace)  # noqa: S102
    before, after = namespace["before"], namespace["after"]
    assert isinstance(before, dict)
    assert isinstance(after, dict)
    assert after["amount"] == before["amount"] + 150
