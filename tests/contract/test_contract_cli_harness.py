"""The CLI's ledger commands over the in-memory market: the harness, and its own checks.

:class:`Sov` runs ``sov`` in-process with click's ``CliRunner`` and a
``Settings.client_factory`` that builds a :class:`~sovereign_client.SovereignClient` over
the in-memory :class:`~.market.Market` (a test double of the Gateway: the chaincode runs
for real on an in-memory ledger with real certificates). ``--as ORG/USER`` picks the
market identity the way it picks a network user. Nothing here talks to a peer.

The other ``test_contract_cli_*`` files import :class:`Sov` and :func:`fresh_market`;
this one checks the harness itself and the shared rendering helpers.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sovereign_assets.domain import ErrorCode
from sovereign_assets.schema.messages import InstrumentKind, InstrumentSpec
from sovereign_cli.common import OUTCOME_EXIT, ExitCode, Settings, fail
from sovereign_cli.main import cli
from sovereign_cli.render import SpecError, parse_into, rupees
from sovereign_client import SovereignClient

from .market import Market, central_bank, central_bank_admin, dealer_alpha, dealer_beta, exchange
from .market import treasury as treasury_identity
from .scenario import bootstrap, create_and_issue, distribute
from .test_contract_typed_client import MarketInvoker

IDENTITIES: dict[str, Callable[[], bytes]] = {
    # --as as on the packaged topology -> the market's cast
    "Treasury/debtoffice": treasury_identity,
    "CentralBank/registrar": central_bank,
    "CentralBank/admin": central_bank_admin,
    "CentralBank/dealer1": dealer_alpha,
    "CentralBank/dealer2": dealer_beta,
    "Exchange/operator": exchange,
}
TREASURY = "Treasury/debtoffice"
REGISTRAR = "CentralBank/registrar"
DEALER1 = "CentralBank/dealer1"
DEALER2 = "CentralBank/dealer2"
EXCHANGE = "Exchange/operator"


def market_factory(market: Market) -> Callable[[Settings], SovereignClient]:
    """A client factory signing as the ``--as`` identity on ``market`` (default: the
    central bank's registrar, as the real CLI defaults to an org's admin)."""

    def build(settings: Settings) -> SovereignClient:
        name = settings.as_user or REGISTRAR
        if name not in IDENTITIES:
            fail(f"the test market has no user {name!r}", ExitCode.NOT_FOUND)
        return SovereignClient(MarketInvoker(market, IDENTITIES[name]()))

    return build


@cache
def _template(distributed: bool) -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    if distributed:
        distribute(market)
    return market


def fresh_market(*, distributed: bool = False) -> Market:
    """The reference market after issue (and distribution), a private copy per test."""
    return copy.deepcopy(_template(distributed))


class Sov:
    """``sov`` as a test runs it: ``sov(args..., as_=USER)`` returns click's Result."""

    def __init__(self, market: Market | None, home: Path) -> None:
        self.market = market
        self.home = home
        self.runner = CliRunner()

    def __call__(
        self, *args: str, as_: str | None = None, env: dict[str, str | None] | None = None
    ) -> Result:
        settings = Settings(
            home=self.home,
            topology=None,
            base_port=None,
            as_json=False,
            client_factory=None if self.market is None else market_factory(self.market),
        )
        argv = ["--home", str(self.home)]
        if as_ is not None:
            argv += ["--as", as_]
        environment: dict[str, str | None] = {
            "SOV_CONFIG": str(self.home / "no-config.toml"),
            "SOV_AS": None,
            "SOV_PROFILE": None,
            "SOV_TOPOLOGY": None,
            "SOV_BASE_PORT": None,
        }
        environment.update(env or {})
        return self.runner.invoke(cli, [*argv, *args], obj=settings, env=environment)

    def json(self, *args: str, as_: str | None = None) -> Any:
        """Run with ``--json`` after the verb; must succeed; the parsed stdout."""
        result = self(*args, "--json", as_=as_)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def refused(self, *args: str, code: str, as_: str | None = None) -> Result:
        """Run; the chaincode must refuse with ``code`` (``error: CODE: ...``), exiting with
        the code's outcome (7 refused, 6 not found)."""
        result = self(*args, as_=as_)
        assert result.exit_code == OUTCOME_EXIT[ErrorCode[code].outcome.value], result.output
        assert f"error: {code}: " in result.stderr, result.stderr
        return result

    def usage(self, *args: str, as_: str | None = None) -> Result:
        """Run; must be a usage error (exit 2), before anything reaches the ledger."""
        before = len(self.market.results) if self.market else 0
        result = self(*args, as_=as_)
        assert result.exit_code == ExitCode.USAGE, result.output
        if self.market is not None:
            assert len(self.market.results) == before
        return result


@pytest.fixture
def sov(tmp_path: Path) -> Sov:
    return Sov(fresh_market(), tmp_path)


# -- the harness -------------------------------------------------------------------------


def test_help_lists_the_ledger_groups(sov: Sov) -> None:
    result = sov("--help")
    assert result.exit_code == 0
    for group in ("instrument", "cash", "holding", "settlement", "lifecycle", "investor", "events"):
        assert group in result.output


def test_as_selects_who_signs(sov: Sov) -> None:
    sov.refused("cash", "mint", "SGL-ALPHA", "100", as_=DEALER1, code="UNAUTHORIZED")
    assert sov.json("cash", "mint", "SGL-ALPHA", "100", as_=REGISTRAR)["amount"] > 0
    unknown = sov("cash", "balance", "SGL-ALPHA", as_="Nobody/here")
    assert unknown.exit_code == ExitCode.NOT_FOUND
    assert "no user 'Nobody/here'" in unknown.stderr


def test_without_a_client_factory_a_stopped_network_is_not_found(tmp_path: Path) -> None:
    result = Sov(None, tmp_path)("cash", "balance", "SGL-ALPHA")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "is not running" in result.stderr


# -- shared rendering ----------------------------------------------------------------------


def test_rupees_are_exact_integer_arithmetic() -> None:
    assert rupees(0) == "0.00"
    assert rupees(5) == "0.05"
    assert rupees(125_000_000) == "1,250,000.00"
    assert rupees(-1_999) == "-19.99"
    assert rupees(10**20 + 1) == "1,000,000,000,000,000,000.01"  # beyond float precision
    assert rupees(12_663_000, exponent=0) == "12,663,000"
    with pytest.raises(TypeError):
        rupees(1.5)  # type: ignore[arg-type]


def test_specs_are_checked_field_by_field() -> None:
    spec = parse_into(
        InstrumentSpec,
        {
            "instrument_id": "PK1",
            "kind": "FIXED_RATE_BOND",
            "min_denomination": 100,
            "coupon_rate": "0.07",
            "bars": [],
        },
    )
    assert spec.kind is InstrumentKind.FIXED_RATE_BOND
    assert spec.coupon_rate == Decimal("0.07")
    base: dict[str, object] = {"instrument_id": "X", "kind": "COMMODITY_RESERVE"}
    cases: list[tuple[dict[str, object], str]] = [
        ({"instrument_id": "X", "kind": "TREASURY_BILL"}, "min_denomination: missing"),
        (base | {"min_denomination": 1, "colour": "red"}, "colour: unknown field"),
        (base | {"min_denomination": "1"}, "min_denomination: expected an integer"),
        (base | {"min_denomination": True}, "min_denomination: expected an integer"),
        (base | {"min_denomination": 1, "kind": "BOND"}, "kind: expected one of ['TREASURY_BILL'"),
        (base | {"min_denomination": 1, "coupon_rate": Decimal("0.07")}, "coupon_rate: expected"),
        (base | {"min_denomination": 1, "coupon_rate": "7%"}, "coupon_rate: expected a decimal"),
        (
            base | {"min_denomination": 1, "bars": [{"serial": "B1", "weight_mg": "heavy"}]},
            "bars[0].weight_mg: expected an integer",
        ),
        (base | {"min_denomination": 1, "bars": [{"serial": "B1"}]}, "bars[0].weight_mg: missing"),
    ]
    for document, message in cases:
        with pytest.raises(SpecError) as caught:
            parse_into(InstrumentSpec, document)
        assert str(caught.value).startswith(message), str(caught.value)
    with pytest.raises(SpecError, match="document: expected a JSON object"):
        parse_into(InstrumentSpec, [])
