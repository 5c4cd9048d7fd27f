"""``sov calendar``: business-day calendars published by the central bank.

Owns the calendar commands. Must not import at module level: grpc, fabric_gateway,
sovereign_client.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import emit
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import fields, load_spec, plain, table

if TYPE_CHECKING:
    from sovereign_assets.schema.records import CalendarRecord


@click.group()
def calendar() -> None:
    """Publish and show business-day calendars (weekends, holidays, their source)."""


def calendar_fields(record: CalendarRecord) -> None:
    """Print one calendar version."""
    given = record.publication
    fields(
        [
            ("calendar", given.calendar_id),
            ("effective from", given.effective_from),
            ("weekend", " ".join(given.weekend)),
            ("covers", f"{given.covers_from} .. {given.covers_to}"),
            ("holidays", str(len(given.holidays))),
            ("source", f"{given.source.name} <{given.source.uri}>"),
            ("source sha256", given.source.sha256),
            ("published by", record.published_by),
            ("published on", record.published_on or "-"),
        ]
    )


@calendar.command()
@click.option(
    "--file",
    "spec_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The version: a CalendarPublication as JSON (calendar_id, effective_from, "
    "weekend, holidays, covers_from, covers_to, source {name, uri, sha256}).",
)
@ledger_command
def publish(ledger: Ledger, spec_file: Path) -> None:
    """Publish a calendar version (central bank); date rules read it from its
    effective date."""
    from sovereign_assets.schema.messages import CalendarPublication

    publication = load_spec(spec_file, CalendarPublication, "calendar publication")
    record = ledger.client.calendars.publish(publication)
    emit(ledger.settings, plain(record), lambda: calendar_fields(record))


@calendar.command()
@click.argument("calendar_id", metavar="ID")
@ledger_command
def show(ledger: Ledger, calendar_id: str) -> None:
    """Show the published version of calendar ID in effect on the latest business date.

    A calendar only named when governance was bootstrapped has no published version: it
    is shown by ``sov governance show`` and applies until a version is published."""
    record = ledger.client.calendars.get(calendar_id)
    emit(ledger.settings, plain(record), lambda: calendar_fields(record))


@calendar.command()
@click.argument("calendar_id", metavar="ID")
@ledger_command
def history(ledger: Ledger, calendar_id: str) -> None:
    """List every published version of calendar ID."""
    records = ledger.client.calendars.history(calendar_id)
    emit(
        ledger.settings,
        [plain(r) for r in records],
        lambda: table(
            ["EFFECTIVE FROM", "COVERS", "HOLIDAYS", "SOURCE"],
            [
                [
                    r.publication.effective_from,
                    f"{r.publication.covers_from}..{r.publication.covers_to}",
                    str(len(r.publication.holidays)),
                    r.publication.source.uri,
                ]
                for r in records
            ],
        ),
    )
