"""``sov network``: up, down, status, logs."""

from __future__ import annotations

import time

import click

from sovereign_cli.common import ExitCode, Settings, emit, errors_to_exit_codes, fail, open_network
from sovereign_cli.render import json_command


@click.group()
def network() -> None:
    """Stand the consortium up, inspect it and tear it down."""


@network.command()
@json_command
def up(settings: Settings) -> None:
    """Start the network (from nothing, or again on its existing data)."""
    from sovereign_cli.common import progress_printer

    with errors_to_exit_codes():
        net = open_network(settings, build=True)
        started = time.monotonic()
        net.up(progress_printer(settings))
        elapsed = time.monotonic() - started
        status = net.status()
    emit(
        settings,
        {**status, "seconds": round(elapsed, 2)},
        lambda: click.echo(
            f"network up in {elapsed:.1f}s: {len(status['orderers'])} orderers, "
            f"{sum(len(o['peers']) for o in status['orgs'])} peers, channel "
            f"{status['channel']} (home {status['home']})"
        ),
    )


@network.command()
@click.option(
    "--purge",
    is_flag=True,
    help="Also delete the network's home: its ledgers, crypto material and logs.",
)
@click.option("--yes", is_flag=True, help="Purge without asking first.")
@json_command
def down(settings: Settings, purge: bool, yes: bool) -> None:
    """Stop every process the network started.

    With --purge the home is deleted too, after a confirmation (or --yes).
    """
    if not (settings.home / "network.json").is_file():
        fail(f"no network in {settings.home}: nothing to stop", ExitCode.NOT_FOUND)
    if (
        purge
        and not yes
        and not click.confirm(f"Delete {settings.home} with its ledgers and keys?", err=True)
    ):
        fail("nothing was stopped or deleted (give --yes to purge without asking)", ExitCode.USAGE)
    with errors_to_exit_codes():
        net = open_network(settings, need_fabric=False)
        # Stopping a stopped network succeeds (scripts may run it twice); it says so.
        stopped = net.down(purge=purge)
    emit(
        settings,
        {"stopped": stopped, "purged": purge},
        lambda: click.echo(
            (f"stopped {len(stopped)} processes" if stopped else "nothing was running")
            + (", data purged" if purge else "")
        ),
    )


@network.command()
@json_command
def status(settings: Settings) -> None:
    """Show every org's addresses, certificates and keys, what runs, and the block height."""
    if not (settings.home / "network.json").is_file():
        fail(f"no network in {settings.home}; run `sov network up`", ExitCode.NOT_FOUND)
    with errors_to_exit_codes():
        report = open_network(settings, need_fabric=False).status()

    def human() -> None:
        click.echo(f"home      {report['home']}")
        height = report["block_height"]
        shown = "-" if height is None else height
        click.echo(f"channel   {report['channel']}  height {shown}")
        for o in report["orderers"]:
            click.echo(f"{o['name']:<22}{o['address']:<18}{'up' if o['running'] else 'down'}")
        for org in report["orgs"]:
            for p in org["peers"]:
                state = "up" if p["running"] else "down"
                click.echo(f"{p['name']:<22}{p['address']:<18}{state:<6}{org['msp_id']}")
        authorities = [("orderer", report["orderer_ca"])]
        authorities += [(org["name"].lower(), org["ca"]) for org in report["orgs"]]
        for key, ca in authorities:
            if ca is not None:
                state = "up" if ca["running"] else "down"
                address = ca["url"].removeprefix("https://")
                click.echo(f"{'ca.' + key:<22}{address:<18}{state}")
        for cc in report["chaincodes"]:
            click.echo(f"chaincode {cc['name']} {cc['version']} sequence {cc['sequence']}")

    emit(settings, report, human)


@network.command()
@click.argument("process", required=False)
@click.option(
    "-n", "--lines", default=40, show_default=True, help="Show this many lines from the end."
)
@click.pass_obj
def logs(settings: Settings, process: str | None, lines: int) -> None:
    """Show a process's log (or list the log files)."""
    from sovereign_network.supervisor import tail

    log_dir = settings.home / "logs"
    if not log_dir.is_dir():
        fail(f"no logs in {settings.home}", ExitCode.NOT_FOUND)
    if process is None:
        paths = sorted(log_dir.glob("*.log"))
        width = max((len(path.stem) for path in paths), default=0) + 2
        for path in paths:
            click.echo(f"{path.stem:<{width}}{path}")
        return
    path = log_dir / f"{process}.log"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in log_dir.glob("*.log")))
        fail(f"no log for {process!r}; known: {known}", ExitCode.NOT_FOUND)
    click.echo(tail(path, lines))
