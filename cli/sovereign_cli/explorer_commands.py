"""``sov explorer``: serve the transparency register, and sign in to it as a member.

Owns ``explorer serve`` (follow the running network's channel as the ``--as`` identity
and serve the web view) and ``explorer login`` (sign an explorer's challenge with the
``--as`` identity's key). The member sign-in trusts the CA certificates of the
network's organisations.
Must not import at module level: grpc, fabric_gateway, sovereign_explorer.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from sovereign_cli import connection
from sovereign_cli.common import ExitCode, Settings, fail, open_network
from sovereign_cli.connection import Ledger, ledger_command

DEFAULT_PORT = 8088


@click.group()
def explorer() -> None:
    """Serve the transparency register, a read-only web view of the ledger."""


def default_database(home: Path) -> str:
    """The SQLite file of the explorer of the network in ``home``."""
    return f"sqlite:///{home / 'explorer' / 'projection.sqlite3'}"


@explorer.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Listen on this address.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Listen on this port.",
)
@click.option(
    "--db",
    "database",
    help="Keep the projection in this SQLAlchemy database URL (default: a SQLite file in the "
    "network's home, HOME/explorer/projection.sqlite3). Delete it to rebuild from block 0.",
)
@click.option("--no-sign-in", is_flag=True, help="Serve the public view only: no member sign-in.")
@ledger_command
def serve(ledger: Ledger, host: str, port: int, database: str | None, no_sign_in: bool) -> None:
    """Follow the channel and serve the explorer until interrupted.

    \b
    The projection resumes from its checkpoint; a new database is built from block 0.
    Blocks are read as the --as identity (any member of the channel may read them).
    """
    from sovereign_explorer.server import build
    from sovereign_explorer.server import serve as run

    settings = ledger.settings
    net = open_network(settings, need_fabric=False)
    url = database or default_database(settings.home)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    roots = None
    if not no_sign_in:
        roots = {
            org.msp_id: [net.layout.ca_cert(org.key).read_bytes()] for org in net.topology.orgs
        }
    channel = ledger.channel
    app = build(channel.network, channel.chaincode, url, msp_roots=roots)
    click.echo(f"explorer on http://{host}:{port}/ (projection: {url})", err=True)
    run(app, host, port)


@explorer.command()
@click.argument("challenge")
@click.pass_obj
def login(settings: Settings, challenge: str) -> None:
    """Print a login token for CHALLENGE (shown on the explorer's sign-in page),
    signed with the --as identity's key (``--json``: ``{"token": ...}``)."""
    from fabric_gateway import load_private_key_pem, new_private_key_signer
    from sovereign_explorer.access import login_token

    net = open_network(settings, need_fabric=False)
    org, user = connection.resolve_signer(net, settings.as_user)
    paths = net.layout.user(org.key, user)
    if not paths.cert.is_file():
        fail(f"{org.msp_id} has no credentials for {user!r}", ExitCode.NOT_FOUND)
    signer = new_private_key_signer(load_private_key_pem(paths.key.read_bytes()))
    token = login_token(challenge.strip(), paths.cert.read_bytes(), signer)
    click.echo(json.dumps({"token": token}) if settings.as_json else token)
