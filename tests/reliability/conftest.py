"""The reliability tier's register, opened once per session on the real consortium."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovereign_network.network import Network

from .ledger import LONG, Market, deploy, open_market

_HERE = Path(__file__).parent
LONG_TIMEOUT = 4 * 3600
"""Seconds a test of the long profile may take (the project's default is 600)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not LONG:
        return
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.timeout(LONG_TIMEOUT))


@pytest.fixture(scope="session")
def market(consortium: Network) -> Market:
    deploy(consortium)
    return open_market(consortium)
