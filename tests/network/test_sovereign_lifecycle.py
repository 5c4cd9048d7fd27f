"""The sovereign asset register on the real consortium, driven by the typed SDK.

The demo's narrated lifecycle (bill and bond issued, distributed, DvP through the
exchange, coupons with tax, redemptions, a refused transfer) runs over Gateway clients
of each org's identities and must reconcile to the paisa.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from sovereign_cli.demo import Report
from sovereign_network.network import Network

pytestmark = pytest.mark.network


def test_the_lifecycle_reconciles_on_the_real_network(demo_lifecycle: Report) -> None:
    assert demo_lifecycle.reconciled, "\n".join(demo_lifecycle.lines)
    assert demo_lifecycle.totals["tax"] > 0


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
