"""``sov channel``: the channel configuration's revocation lists."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sovereign_cli.common import (
    Settings,
    emit,
    errors_to_exit_codes,
    open_network,
    progress_printer,
)
from sovereign_cli.render import json_command

if TYPE_CHECKING:
    from sovereign_network.network import CrlUpdate


@click.group()
def channel() -> None:
    """Show and update each org's certificate revocation list in the channel configuration."""


def crl_update_payload(update: CrlUpdate) -> dict[str, Any]:
    return {"msp_id": update.msp_id, "block": update.block, "revoked": list(update.revoked)}


def echo_crl_update(update: CrlUpdate) -> None:
    if update.block is None:
        click.echo(f"{update.msp_id}'s CRL is already in the channel; nothing changed")
    else:
        click.echo(
            f"{update.msp_id}'s CRL ({len(update.revoked)} revoked) is in the channel "
            f"from configuration block {update.block}; every peer has it"
        )


@channel.command(name="update-crl")
@click.argument("org")
@click.option(
    "--crl",
    "crl_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Put in this CRL (PEM) instead of the org's Fabric CA's current one.",
)
@json_command
def update_crl(settings: Settings, org: str, crl_file: Path | None) -> None:
    """Put ORG's CRL into its MSP in the channel configuration (signed by ORG's admin).

    Every peer then refuses the certificates it lists; the command returns once every
    peer has committed the configuration block.
    """
    with errors_to_exit_codes():
        net = open_network(settings)
        update = net.update_crl(
            org,
            crl_file.read_bytes() if crl_file else None,
            progress=progress_printer(settings),
        )
    emit(settings, crl_update_payload(update), lambda: echo_crl_update(update))


@channel.command()
@click.argument("org")
@json_command
def crl(settings: Settings, org: str) -> None:
    """List the serial numbers ORG's MSP in the channel configuration holds as revoked."""
    from cryptography import x509

    with errors_to_exit_codes():
        net = open_network(settings)
        crls = net.channel_revocation_list(org)
    revoked = sorted(
        {format(r.serial_number, "x") for pem in crls for r in x509.load_pem_x509_crl(pem)}
    )
    payload = {"crls": len(crls), "revoked": revoked}

    def human() -> None:
        click.echo(f"{len(crls)} CRL(s) in the channel, {len(revoked)} revoked certificate(s)")
        for serial in revoked:
            click.echo(f"  {serial}")

    emit(settings, payload, human)
