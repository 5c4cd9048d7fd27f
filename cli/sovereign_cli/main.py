"""The ``sov`` command: noun groups with verb commands for network admins.

Imports are lazy so that a read-only command answers quickly: the heavy modules
(gRPC, protobuf, cryptography) load only in the commands that use them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from sovereign_client import SovereignClient
    from sovereign_network.network import Network

F = TypeVar("F", bound=Callable[..., Any])


class ExitCode:
    """Distinct exit codes, one per kind of failure (documented in the README)."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    FABRIC_MISSING = 3
    NETWORK = 4
    TOPOLOGY = 5
    NOT_FOUND = 6
    REFUSED = 7


@dataclass
class Settings:
    """Options shared by every command, kept on ``ctx.obj``."""

    home: Path
    topology: Path | None
    base_port: int | None
    as_json: bool
    as_user: str | None = None
    profile: str | None = None
    client_factory: Callable[[Settings], SovereignClient] | None = None
    """Replaces the Gateway connection (tests supply an in-memory ledger here)."""


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def errors_to_exit_codes() -> Iterator[None]:
    """Map the library's exceptions to exit codes at the command boundary.

    The exception types are imported only when something failed, so commands that
    never touch gRPC do not pay for importing it.
    """
    try:
        yield
    except Exception as exc:
        code = _exit_code_for(exc)
        if code is None:
            raise
        fail(str(exc), code)


def _exit_code_for(exc: Exception) -> int | None:
    from sovereign_network.binaries import BinariesUnavailable
    from sovereign_network.network import NetworkError
    from sovereign_network.supervisor import ProcessError
    from sovereign_network.topology import TopologyError

    if isinstance(exc, BinariesUnavailable):
        return ExitCode.FABRIC_MISSING
    if isinstance(exc, TopologyError):
        return ExitCode.TOPOLOGY
    if isinstance(exc, NetworkError | ProcessError):
        return ExitCode.NETWORK
    # Only a command that loaded the SDK can raise its errors.
    if "sovereign_client" in sys.modules:
        from sovereign_client import SovereignError

        if isinstance(exc, SovereignError):
            return ExitCode.REFUSED
    if "fabric_gateway" in sys.modules:
        from fabric_gateway import GatewayError

        if isinstance(exc, GatewayError):
            return ExitCode.NETWORK
    return None


def open_network(settings: Settings, *, build: bool = False, need_fabric: bool = True) -> Network:
    """The network in ``settings.home``: its recorded topology, or the one given.

    ``build`` builds missing binaries; without ``need_fabric`` a network whose binaries
    cannot be found still opens for what needs none (identities, a stopped network's status).
    """
    from sovereign_network import binaries, topology
    from sovereign_network.binaries import BinariesUnavailable, FabricInstall
    from sovereign_network.network import Network

    recorded: dict[str, Any] = {}
    state_file = settings.home / "network.json"
    if state_file.is_file():
        recorded = json.loads(state_file.read_text())
    source = settings.topology or (Path(recorded["topology"]) if recorded.get("topology") else None)
    base_port = settings.base_port or recorded.get("base_port")
    topo = topology.load(source, base_port=base_port)
    install: FabricInstall | None
    try:
        install = binaries.ensure() if build else binaries.locate()
    except BinariesUnavailable:
        if need_fabric:
            raise
        install = None
    return Network(settings.home, topo, install)


def emit(settings: Settings, payload: Any, human: Callable[[], None]) -> None:
    if settings.as_json:
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
    else:
        human()


def progress_printer(settings: Settings) -> Callable[[str], None]:
    def show(step: str) -> None:
        if not settings.as_json:
            click.echo(f"  - {step}", err=True)

    return show


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="SOV_HOME",
    help="The network's working directory (default ~/.local/state/sovereign-ledger/network).",
)
@click.option(
    "--topology",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    envvar="SOV_TOPOLOGY",
    help="Topology file (TOML); default: the packaged 3-org consortium.",
)
@click.option("--base-port", type=int, envvar="SOV_BASE_PORT", help="Allocate ports from here.")
@click.option(
    "--as",
    "as_user",
    envvar="SOV_AS",
    help="Who signs: ORG/USER (e.g. Treasury/debtoffice) or a user name unique across orgs.",
)
@click.option(
    "--profile",
    envvar="SOV_PROFILE",
    help="A [profiles.NAME] table of the config file ($SOV_CONFIG or "
    "~/.config/sovereign-ledger/config.toml) supplying defaults for these options.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def cli(
    ctx: click.Context,
    home: Path | None,
    topology: Path | None,
    base_port: int | None,
    as_user: str | None,
    profile: str | None,
    as_json: bool,
) -> None:
    """Sovereign asset ledger: run the consortium and its instrument lifecycle."""
    from sovereign_cli.config import load_profile
    from sovereign_network.network import default_home

    try:
        defaults = load_profile(profile)
    except ValueError as exc:
        fail(str(exc), ExitCode.USAGE)
    chosen_home = home or defaults.home or default_home()
    # A caller embedding the CLI (the tests) may pass obj=Settings(...) with a client
    # factory; keep the factory, everything else comes from the options as usual.
    inherited = ctx.obj.client_factory if isinstance(ctx.obj, Settings) else None
    ctx.obj = Settings(
        home=chosen_home.expanduser().resolve(),
        topology=topology or defaults.topology,
        base_port=base_port or defaults.base_port,
        as_json=as_json,
        as_user=as_user or defaults.as_user,
        profile=profile,
        client_factory=inherited,
    )


def _register() -> None:
    from sovereign_cli import (
        cash_commands,
        chaincode_commands,
        completion_commands,
        events_commands,
        holding_commands,
        identity_commands,
        instrument_commands,
        investor_commands,
        lifecycle_commands,
        network_commands,
        settlement_commands,
    )

    cli.add_command(completion_commands.completion)
    cli.add_command(network_commands.network)
    cli.add_command(chaincode_commands.chaincode)
    cli.add_command(identity_commands.identity)
    cli.add_command(instrument_commands.instrument)
    cli.add_command(cash_commands.cash)
    cli.add_command(holding_commands.holding)
    cli.add_command(settlement_commands.settlement)
    cli.add_command(lifecycle_commands.lifecycle)
    cli.add_command(investor_commands.investor)
    cli.add_command(events_commands.events)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sov")
