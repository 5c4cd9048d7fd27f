"""The ``sov`` command: noun groups with verb commands for network admins.

Imports are lazy so that a read-only command answers quickly: the heavy modules
(gRPC, protobuf, cryptography) load only in the commands that use them. The
command groups live in ``*_commands.py``; what they share is :mod:`.common`.
"""

from __future__ import annotations

from pathlib import Path

import click

from sovereign_cli.common import ExitCode, Settings, exit_codes_help, fail

__all__ = ["ExitCode", "Settings", "cli", "main"]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="\b\nExit codes:\n" + exit_codes_help(),
)
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
    """Sovereign asset ledger: run the consortium and its instrument lifecycle.

    \b
    A new network, from nothing to a register:
      sov network up && sov chaincode deploy
      sov examples copy DIR       (the inputs of a first lifecycle, dated today)
      sov examples list           (the command that reads each file, in order)
      sov --as CentralBank/admin governance bootstrap --file DIR/governance.toml
    Global options (--home, --as, --json ...) go before the command group.
    """
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
        account_commands,
        cash_commands,
        chaincode_commands,
        channel_commands,
        completion_commands,
        events_commands,
        examples_commands,
        fabric_commands,
        governance_commands,
        holding_commands,
        identity_commands,
        instrument_commands,
        investor_commands,
        lifecycle_commands,
        network_commands,
        report_commands,
        settlement_commands,
    )

    cli.add_command(completion_commands.completion)
    cli.add_command(network_commands.network)
    cli.add_command(chaincode_commands.chaincode)
    cli.add_command(identity_commands.identity)
    cli.add_command(channel_commands.channel)
    cli.add_command(governance_commands.governance)
    cli.add_command(account_commands.account)
    cli.add_command(instrument_commands.instrument)
    cli.add_command(cash_commands.cash)
    cli.add_command(holding_commands.holding)
    cli.add_command(settlement_commands.settlement)
    cli.add_command(lifecycle_commands.lifecycle)
    cli.add_command(investor_commands.investor)
    cli.add_command(report_commands.report)
    cli.add_command(events_commands.events)
    cli.add_command(examples_commands.examples)
    cli.add_command(fabric_commands.fabric)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sov")
