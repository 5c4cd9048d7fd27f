"""``sov chaincode``: deploy (and redeploy as a new sequence)."""

from __future__ import annotations

import click

from sovereign_cli.main import Settings, emit, errors_to_exit_codes, open_network, progress_printer


@click.group()
def chaincode() -> None:
    """Deploy chaincode-as-a-service on every org."""


@chaincode.command()
@click.option("--name", help="Chaincode name (default: the topology's).")
@click.option("--module", help="The chaincode object, 'package.module:attribute'.")
@click.option("--version", "version", default="1.0", show_default=True)
@click.option("--signature-policy", help="Endorsement policy, e.g. \"AND('A.peer','B.peer')\".")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def deploy(
    settings: Settings,
    name: str | None,
    module: str | None,
    version: str,
    signature_policy: str | None,
    as_json: bool,
) -> None:
    """Package, install, approve and commit; the chaincode servers start with it."""
    if as_json:
        settings.as_json = True
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
            f"deployed {name or net.topology.chaincode.name} {record['version']} "
            f"sequence {record['sequence']}"
        ),
    )
