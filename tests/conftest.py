"""Fixtures shared across tiers, and the rule that CI never skips the real tiers.

The session's real consortium lives in tests/consortium.py. Where the Fabric
release archives are available (CI sets ``SOV_REQUIRE_NETWORK=1``), a network or
interop test that skips is reported as a failure: a green run must have run them.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from tests.consortium import client_factory, consortium, demo_lifecycle, fabric

__all__ = ["client_factory", "consortium", "demo_lifecycle", "fabric"]

_REAL_TIERS = ("network", "interop")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    required = os.environ.get("SOV_REQUIRE_NETWORK") == "1"
    if required and report.skipped and any(item.get_closest_marker(m) for m in _REAL_TIERS):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped where the real tiers must run (SOV_REQUIRE_NETWORK=1): {reason}"
    return report
