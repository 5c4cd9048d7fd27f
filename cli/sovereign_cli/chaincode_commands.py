"""``sov chaincode``: deploy, upgrade (a new version is a new sequence), list."""

from __future__ import annotations

from typing import Any

import click

from sovereign_cli.common import (
    ExitCode,
    Settings,
    emit,
    errors_to_exit_codes,
    fail,
    open_network,
    progress_printer,
)


@click.group()
def chaincode() -> None:
    """Deploy, upgrade and list chaincode-as-a-service on every org."""


def _deploy(
    settings: Settings,
    *,
    name: str | None,
    module: str | None,
    version: str,
    signature_policy: str | None,
    verb: str,
) -> None:
    with errors_to_exit_codes():
        net = open_network(settings)
        record = net.deploy_chaincode(
            name=name,
            module=module,
            version=version,
            signature_policy=signature_policy,
            progress=progress_printer(settings),
        )
    emit(
        settings,
        record,
        lambda: click.echo(
            f"{verb} {name or net.topology.chaincode.name} {record['version']} "
            f"sequence {record['sequence']}"
        ),
    )


@chaincode.command()
@click.option("--name", help="Use this chaincode name (default: the topology's).")
@click.option("--module", help="Serve this chaincode object, 'package.module:attribute'.")
@click.option("--version", "version", default="1.0", show_default=True)
@click.option(
    "--signature-policy", help="Endorse with this policy, e.g. \"AND('A.peer','B.peer')\"."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of text (errors too, on stderr)."
)
@click.pass_obj
def deploy(
    settings: Settings,
    name: str | None,
    module: str | None,
    version: str,
    signature_policy: str | None,
    as_json: bool,
) -> None:
    """Package, install, approve and commit the chaincode; its servers start with it."""
    if as_json:
        settings.as_json = True
    _deploy(
        settings,
        name=name,
        module=module,
        version=version,
        signature_policy=signature_policy,
        verb="deployed",
    )


@chaincode.command()
@click.option("--name", help="Use this chaincode name (default: the topology's).")
@click.option("--module", help="Serve this chaincode object, 'package.module:attribute'.")
@click.option(
    "--version", "version", required=True, help="Give the new definition this version (e.g. 1.1)."
)
@click.option(
    "--signature-policy", help="Endorse with this policy, e.g. \"AND('A.peer','B.peer')\"."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of text (errors too, on stderr)."
)
@click.pass_obj
def upgrade(
    settings: Settings,
    name: str | None,
    module: str | None,
    version: str,
    signature_policy: str | None,
    as_json: bool,
) -> None:
    """Deploy a new VERSION of a deployed chaincode: its definition's next sequence."""
    if as_json:
        settings.as_json = True
    with errors_to_exit_codes():
        net = open_network(settings, need_fabric=False)
        target = name or net.topology.chaincode.name
        deployed: dict[str, Any] = net.load_state().get("chaincodes", {})
    if target not in deployed:
        fail(f"chaincode {target} is not deployed; use `sov chaincode deploy`", ExitCode.NOT_FOUND)
    if str(deployed[target].get("version")) == version:
        fail(f"chaincode {target} is already at version {version}", ExitCode.USAGE)
    _deploy(
        settings,
        name=name,
        module=module,
        version=version,
        signature_policy=signature_policy,
        verb="upgraded",
    )


@chaincode.command(name="list")
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of text (errors too, on stderr)."
)
@click.pass_obj
def list_(settings: Settings, as_json: bool) -> None:
    """List the chaincodes deployed on the channel with their version and sequence."""
    if as_json:
        settings.as_json = True
    if not (settings.home / "network.json").is_file():
        fail(f"no network in {settings.home}; run `sov network up`", ExitCode.NOT_FOUND)
    with errors_to_exit_codes():
        deployed: list[dict[str, Any]] = open_network(settings, need_fabric=False).status()[
            "chaincodes"
        ]

    def human() -> None:
        if not deployed:
            click.echo("(none)")
            return
        click.echo(f"{'NAME':<20}{'VERSION':<12}SEQUENCE")
        for cc in deployed:
            click.echo(f"{cc['name']:<20}{cc['version']!s:<12}{cc['sequence']}")

    emit(settings, deployed, human)
