"""The recorded market, made once for the explorer's unit tests."""

from __future__ import annotations

import pytest

from .recorded import Recorded, recorded_market


@pytest.fixture(scope="session")
def recorded() -> Recorded:
    return recorded_market()
