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
from sovereign_cli.render import json_command


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
@json_command
def deploy(
    settings: Settings,
    name: str | None,
    module: str | None,
    version: str,
    signature_policy: str | None,
) -> None:
    """Package, install, approve and commit the chaincode; its servers start with it."""
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
@json_command
def upgrade(
    settings: Settings,
    name: str | None,
    module: str | None,
    version: str,
    signature_policy: str | None,
) -> None:
    """Deploy a new VERSION of a deployed chaincode: its definition's next sequence."""
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
@json_command
def list_(settings: Settings) -> None:
    """List the chaincodes deployed on the channel with their version and sequence."""
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
