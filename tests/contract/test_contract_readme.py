"""The README's typed-client example runs as written, after the demo's lifecycle.

``contract`` is a stand-in for a Gateway ``Contract`` that runs each call through the
chaincode on the in-memory ledger and fails the way the Gateway does (an endorsement
error carrying the chaincode's message), so the example exercises the real
``GatewayInvoker`` error path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import grpc

from fabric_gateway import EndorseError, ErrorDetail
from sovereign_cli.demo import narrate
from sovereign_client import SovereignClient

from .market import Market, identity
from .test_contract_demo import ROLES
from .test_contract_typed_client import MarketInvoker

README = Path(__file__).resolve().parents[2] / "README.md"


class MarketContract:
    """Quacks like ``fabric_gateway.Contract`` for ``GatewayInvoker``."""

    def __init__(self, market: Market, creator: bytes) -> None:
        self.market = market
        self.creator = creator

    def submit(
        self,
        name: str,
        *,
        arguments: Sequence[str] = (),
        transient_data: Mapping[str, bytes] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        return self._run(name, arguments, transient_data, endorsing_organizations, commit=True)

    def evaluate(self, name: str, *, arguments: Sequence[str] = ()) -> bytes:
        # As on Fabric: an evaluation is never committed, whatever it wrote.
        return self._run(name, arguments, None, None, commit=False)

    def _run(
        self,
        name: str,
        arguments: Sequence[str],
        transient_data: Mapping[str, bytes] | None,
        endorsing_organizations: Sequence[str] | None,
        *,
        commit: bool,
    ) -> bytes:
        result = self.market.call(
            self.creator,
            name,
            *arguments,
            transient=transient_data,
            endorsing_orgs=endorsing_organizations,
            commit=commit,
        )
        if not result.ok:
            detail = ErrorDetail(
                "127.0.0.1:7109",
                "CentralBankMSP",
                f"chaincode response 500, {result.response.message}",
            )
            raise EndorseError(
                "failed to endorse transaction",
                code=grpc.StatusCode.ABORTED,
                details=[detail],
                transaction_id="readme-tx",
            )
        assert not commit or result.committed, f"{name}: {result.validation_code}"
        return result.payload


def _typed_client_example() -> str:
    text = README.read_text()
    section = text[text.index("### Typed client") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_the_readme_typed_client_example_runs_after_the_demo() -> None:
    today = dt.date(2026, 11, 25)
    market = Market(auto_open=False)  # the demo opens its business dates itself
    market.on(today)

    def client_for(who: str) -> SovereignClient:
        org, user = who.split("/")
        creator = identity(f"{org}MSP", user, ROLES.get(user), admin=user == "admin")
        return SovereignClient(MarketInvoker(market, creator))

    assert narrate(client_for, today, lambda _: None).reconciled
    market.on(dt.date(2027, 11, 26))
    contract = MarketContract(market, identity("CentralBankMSP", "dealer1", "primary_dealer"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(_typed_client_example(), str(README), "exec"), {"contract": contract})  # noqa: S102
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("0.12 ")
    assert any(
        line.startswith("False NOT_KYC_VERIFIED") or line.startswith("False ") for line in lines
    )
    assert lines[-1].startswith(("INSTRUMENT_MATURED", "refused:"))
