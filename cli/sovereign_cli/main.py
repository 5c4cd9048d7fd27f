"""The ``sov`` command: noun groups with verb commands for network admins.

Imports are lazy so that a read-only command answers quickly: the heavy modules
(gRPC, protobuf, cryptography) load only in the commands that use them. The
command groups live in ``*_commands.py``; what they share is :mod:`.common`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from sovereign_cli.common import ExitCode, Settings, exit_codes_help, fail, json_error

__all__ = ["ExitCode", "Settings", "cli", "main"]


GLOBAL_VALUE_OPTIONS = ("--home", "--topology", "--base-port", "--as", "--profile")
"""The global options that take a value; with ``--json`` they may also follow the command."""


def hoist_global_options(root: click.Group, args: Sequence[str]) -> list[str]:
    """``args`` with the global options given after the command moved in front of it, so
    ``sov network up --home H`` means ``sov --home H network up``. An option the command
    itself declares (``identity enroll --profile``) stays where it is, as does anything
    after ``--``."""
    words = list(args)
    command: click.Command = root
    i = 0
    while i < len(words) and isinstance(command, click.Group):  # walk to the command
        word = words[i]
        if word.startswith("-"):
            i += 2 if word in GLOBAL_VALUE_OPTIONS else 1
            continue
        found = command.commands.get(word)
        if found is None:
            return words
        command = found
        i += 1
    if command is root:
        return words
    own = {opt for param in command.params for opt in param.opts}
    front: list[str] = []
    rest = words[:i]
    while i < len(words):
        word = words[i]
        name = word.split("=", 1)[0]
        if word == "--":
            rest.extend(words[i:])
            break
        if name in own or name not in (*GLOBAL_VALUE_OPTIONS, "--json"):
            rest.append(word)
            i += 1
        else:
            takes = name != "--json" and "=" not in word
            front.extend(words[i : i + 2] if takes else [word])
            i += 2 if takes else 1
    return front + rest


class SovGroup(click.Group):
    """The root group: global options after the command too, and usage errors as JSON
    under ``--json``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(self, args))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode or "--json" not in argv:
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(argv, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            click.echo(json_error(exc.format_message(), ExitCode.USAGE), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(json_error("aborted", ExitCode.FAILURE), err=True)
            sys.exit(ExitCode.FAILURE)
        sys.exit(result if isinstance(result, int) else ExitCode.OK)


@click.group(
    cls=SovGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="\b\nExit codes:\n" + exit_codes_help(),
)
@click.option(
    "--home",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="SOV_HOME",
    help="Use this folder as the network's home (default ~/.local/state/sovereign-ledger/network).",
)
@click.option(
    "--topology",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    envvar="SOV_TOPOLOGY",
    help="Read the topology from this TOML file (default: the packaged 3-org consortium).",
)
@click.option(
    "--base-port",
    type=int,
    envvar="SOV_BASE_PORT",
    help="Allocate the network's ports from this one up.",
)
@click.option(
    "--as",
    "as_user",
    envvar="SOV_AS",
    help="Sign as ORG/USER (e.g. Treasury/debtoffice), or as a user name unique across orgs.",
)
@click.option(
    "--profile",
    envvar="SOV_PROFILE",
    help="Take defaults for these options from the [profiles.NAME] table of the config file "
    "($SOV_CONFIG or ~/.config/sovereign-ledger/config.toml).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of text (errors too, on stderr)."
)
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
    Global options (--home, --as, --json ...) go before the command group or after the
    command: sov --home H network up is sov network up --home H.
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
        auction_commands,
        calendar_commands,
        cash_commands,
        chaincode_commands,
        channel_commands,
        completion_commands,
        control_commands,
        events_commands,
        examples_commands,
        explorer_commands,
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
    cli.add_command(auction_commands.auction)
    cli.add_command(calendar_commands.calendar)
    cli.add_command(lifecycle_commands.lifecycle)
    cli.add_command(investor_commands.investor)
    cli.add_command(control_commands.control)
    cli.add_command(control_commands.document)
    cli.add_command(control_commands.audit)
    cli.add_command(report_commands.report)
    cli.add_command(events_commands.events)
    cli.add_command(examples_commands.examples)
    cli.add_command(explorer_commands.explorer)
    cli.add_command(fabric_commands.fabric)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sov")
