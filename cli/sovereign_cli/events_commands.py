"""``sov events``: follow the ledger's events, resuming from a file checkpoint.

Owns the event commands and their rendering (:func:`event_payload`, :func:`event_line`).
``--json`` prints one compact JSON object per line (JSON Lines), because the stream has
no end: ``{"block_number", "name", "payload", "transaction_id"}``.
Must not import at module level: grpc, fabric_gateway, sovereign_client.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sovereign_cli.common import ExitCode, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import plain

if TYPE_CHECKING:
    from fabric_gateway import FileCheckpointer
    from sovereign_client import LedgerEvent


@click.group()
def events() -> None:
    """Follow the ledger events of the sovereign asset chaincode."""


def event_payload(event: LedgerEvent) -> dict[str, Any]:
    """The ``--json`` line of one event (decimals as exact strings)."""
    return {
        "name": event.name,
        "transaction_id": event.transaction_id,
        "block_number": event.block_number,
        "payload": plain(event.payload),
    }


def event_line(event: LedgerEvent) -> str:
    """One event for people: block, transaction, name, payload."""
    payload = json.dumps(plain(event.payload), sort_keys=True, separators=(",", ":"))
    return f"{event.block_number:>8}  {event.transaction_id[:16]:<16}  {event.name:<24}  {payload}"


def _checkpointer(path: Path) -> FileCheckpointer:
    from fabric_gateway import FileCheckpointer

    try:
        return FileCheckpointer(path)
    except (OSError, ValueError) as exc:
        fail(f"cannot use checkpoint file {path}: {exc}", ExitCode.USAGE)


@events.command()
@click.option(
    "--checkpoint",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Resume after the last event recorded here, and record each event shown.",
)
@click.option(
    "--start-block",
    type=click.IntRange(min=0),
    help="Start at this block (ignored when the checkpoint file has a position).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many events.")
@ledger_command
def watch(
    ledger: Ledger,
    checkpoint: Path | None,
    start_block: int | None,
    limit: int | None,
) -> None:
    """Print ledger events as they commit (Ctrl-C stops; the checkpoint keeps the place)."""
    from sovereign_client.events import watch as follow

    settings = ledger.settings
    checkpointer = _checkpointer(checkpoint) if checkpoint is not None else None
    resumes = checkpointer is not None and checkpointer.block_number is not None
    if start_block is None and not resumes:
        # Without a place to start, Deliver begins at the next block: say so, since a
        # quiet network then prints nothing until something commits.
        click.echo("waiting for new events (--start-block 0 shows them all)", err=True)
    shown = 0
    channel = ledger.channel
    stream = follow(
        channel.network, channel.chaincode, checkpointer=checkpointer, start_block=start_block
    )
    try:
        for event in stream:
            if settings.as_json:
                click.echo(json.dumps(event_payload(event), sort_keys=True))
            else:
                click.echo(event_line(event))
            shown += 1
            if limit is not None and shown >= limit:
                # watch() records an event when the next one is asked for; stopping
                # here, record the last one shown so a resume does not repeat it.
                if checkpointer is not None:
                    checkpointer.checkpoint_transaction(event.block_number, event.transaction_id)
                break
    except KeyboardInterrupt:
        pass
    finally:
        # A generator: closing it closes the gRPC stream at once.
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    if not settings.as_json:
        click.echo(f"{shown} event(s)", err=True)
