"""The reliability tier's register, opened once per session on the real consortium."""

from __future__ import annotations

import pytest

from sovereign_network.network import Network

from .ledger import Market, deploy, open_market


@pytest.fixture(scope="session")
def market(consortium: Network) -> Market:
    deploy(consortium)
    return open_market(consortium)
