"""``sov fabric``: install a Fabric (or Fabric CA) release, and say which one is in use."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sovereign_cli.common import Settings, emit, errors_to_exit_codes
from sovereign_cli.render import json_command

if TYPE_CHECKING:
    from sovereign_network.binaries import FabricCAInstall, FabricInstall


@click.group()
def fabric() -> None:
    """Install the Fabric binaries the network runs, and show which are used."""


def _fabric_record(found: FabricInstall) -> dict[str, Any]:
    from sovereign_network import binaries
    from sovereign_network.binaries import BinariesUnavailable

    commit = found.reported_commit
    if commit is None:
        # FABRIC_BIN binaries are not asked at start-up; ask them here, if they answer.
        try:
            commit = binaries.peer_version(found.bin_dir)[1]
        except BinariesUnavailable:
            commit = None
    return {
        "kind": "fabric",
        "version": found.release.lstrip("v"),
        "commit": commit,
        "source_commit": found.commit,
        "source": found.source,
        "bin_dir": str(found.bin_dir),
        "config_dir": str(found.config_dir),
        "builders_dir": str(found.builders_dir) if found.builders_dir else None,
    }


def _ca_record(found: FabricCAInstall) -> dict[str, Any]:
    return {
        "kind": "fabric-ca",
        "version": found.version,
        "source": found.source,
        "bin_dir": str(found.bin_dir),
    }


def _show_fabric(record: dict[str, Any]) -> None:
    click.echo(f"fabric     v{record['version']} (commit {record['commit'] or 'unknown'})")
    click.echo(f"  from     {record['source']}")
    click.echo(f"  bin      {record['bin_dir']}")
    click.echo(f"  config   {record['config_dir']}")
    click.echo(f"  builders {record['builders_dir'] or 'none in this release'}")


def _show_ca(record: dict[str, Any] | None) -> None:
    if record is None:
        click.echo("fabric-ca  not installed")
        return
    click.echo(f"fabric-ca  v{record['version']}")
    click.echo(f"  from     {record['source']}")
    click.echo(f"  bin      {record['bin_dir']}")


@fabric.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path, file_okay=True, dir_okay=True))
@json_command
def install(settings: Settings, path: Path) -> None:
    """Install a release archive (.tar.gz, .tar.xz) or unpacked folder into the cache.

    Fabric or Fabric CA, and which version, is read from its binaries; later runs
    find it without FABRIC_RELEASE.
    """
    from sovereign_network import binaries
    from sovereign_network.binaries import FabricInstall

    with errors_to_exit_codes():
        found = binaries.install(path)
    record = _fabric_record(found) if isinstance(found, FabricInstall) else _ca_record(found)
    record["installed_from"] = str(path.expanduser().resolve())
    notes: list[str] = []
    if isinstance(found, FabricInstall):
        overrides = [name for name in ("FABRIC_RELEASE", "FABRIC_BIN") if os.environ.get(name)]
        if overrides:
            notes.append(f"{' and '.join(overrides)} set here take precedence over it")
        try:
            selected = binaries.selected_version()
        except binaries.BinariesUnavailable:
            selected = None
        if selected != found.version:
            notes.append(f"used when FABRIC_VERSION={found.version}")
    elif os.environ.get("FABRIC_CA_RELEASE"):
        notes.append("FABRIC_CA_RELEASE set here takes precedence over it")
    record["notes"] = notes

    def human() -> None:
        name = "Fabric" if record["kind"] == "fabric" else "Fabric CA"
        click.echo(f"installed {name} v{record['version']} from {record['installed_from']}")
        if record["kind"] == "fabric":
            _show_fabric(record)
        else:
            _show_ca(record)
        for note in notes:
            click.echo(f"note: {note}")

    emit(settings, record, human)


@fabric.command()
@json_command
def which(settings: Settings) -> None:
    """Show the Fabric release in use (version, commit, folders), and Fabric CA if installed."""
    from sovereign_network import binaries
    from sovereign_network.binaries import BinariesUnavailable

    with errors_to_exit_codes():
        found = binaries.locate()
    ca: dict[str, Any] | None = None
    if os.environ.get("FABRIC_CA_RELEASE"):
        with errors_to_exit_codes():  # asked for by name: say why it cannot be used
            ca = _ca_record(binaries.locate_ca())
    else:
        with contextlib.suppress(BinariesUnavailable):
            ca = _ca_record(binaries.locate_ca())
    record = _fabric_record(found)

    def human() -> None:
        _show_fabric(record)
        _show_ca(ca)

    emit(settings, {"fabric": record, "fabric_ca": ca}, human)
