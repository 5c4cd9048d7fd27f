"""``sov calendar``: business-day calendars published by the central bank.

Owns the calendar commands. Must not import at module level: grpc, fabric_gateway,
sovereign_client.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import ExitCode, emit, fail
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
            ("holidays", f"{len(given.holidays)}: {' '.join(given.holidays)}".rstrip(": ")),
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
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The version: a CalendarPublication as JSON (calendar_id, effective_from, "
    "weekend, holidays, covers_from, covers_to, source {name, uri, sha256}).",
)
@click.option(
    "--pakistan-2026",
    "pakistan_2026",
    is_flag=True,
    help="Instead of --file: the shipped, sourced 2026 settlement calendar PK-SBP (its "
    "source document: the data file and its SHA-256).",
)
@click.option(
    "--effective-from",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="With --pakistan-2026: the first business date it applies to (default: the "
    "ledger's latest business date).",
)
@ledger_command
def publish(
    ledger: Ledger,
    spec_file: Path | None,
    pakistan_2026: bool,
    effective_from: dt.datetime | None,
) -> None:
    """Publish a calendar version (central bank); date rules read it from its
    effective date."""
    from sovereign_assets.schema.messages import CalendarPublication

    if (spec_file is None) == (not pakistan_2026):
        fail("give one of --file and --pakistan-2026", ExitCode.USAGE)
    if effective_from is not None and not pakistan_2026:
        fail("--effective-from goes with --pakistan-2026 (a file names its own)", ExitCode.USAGE)
    if spec_file is not None:
        publication = load_spec(spec_file, CalendarPublication, "calendar publication")
    else:
        from sovereign_cli.demo import pakistan_calendar_publication

        if effective_from is None:
            day = dt.date.fromisoformat(ledger.client.governance.business_date().business_date)
        else:
            day = effective_from.date()
        publication = pakistan_calendar_publication(day)
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
