"""``sov examples``: the example input files shipped with the CLI, to read or copy.

Owns the catalogue of :mod:`sovereign_cli.examples` (which file feeds which command) and
the copy that moves the instruments' dates: the shipped instrument specs are issued on a
fixed reference date, and ``copy`` rewrites issue and maturity dates onto the issue date
asked for (today in the market's time zone by default), keeping each tenor. Reads
package data only; no ledger, no network.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import click

import ledger_codec
from sovereign_cli.common import ExitCode, Settings, emit, fail
from sovereign_cli.render import ISO_DATE, json_command, table

PACKAGE = "sovereign_cli.examples"
PKT_OFFSET_MINUTES = 300  # the examples' governance: Pakistan Standard Time

# name -> what it is, and the command that reads it (in lifecycle order).
CATALOGUE: dict[str, tuple[str, str]] = {
    "governance.toml": (
        "governance: roles, cash accounts, a weekends-only calendar, withholding tax",
        "sov --as CentralBank/admin governance bootstrap --file governance.toml",
    ),
    **{
        f"investors/{investor}.json": (
            f"{what} ({investor}.pii.json: made-up personal data)",
            f"sov --as CentralBank/{dealer} investor register --file investors/{investor}.json "
            f"--pii-file investors/{investor}.pii.json",
        )
        for investor, dealer, what in (
            ("PD-ALPHA", "dealer1", "primary dealer Alpha, who registers itself"),
            ("PD-BETA", "dealer2", "primary dealer Beta, who registers itself"),
            ("INV-AYESHA", "dealer1", "a resident filer, client of dealer1"),
            ("INV-BILAL", "dealer1", "a resident non-filer, client of dealer1"),
            ("INV-EMAD", "dealer1", "a client of dealer1 whose KYC has expired"),
            ("INV-CHEN", "dealer2", "a non-resident (SCRA account), client of dealer2"),
            ("INV-DANA", "dealer2", "an institution, client of dealer2"),
        )
    },
    "accounts-registrar.json": (
        "the dealers' SGL accounts and the treasury and tax authority cash accounts",
        "sov --as CentralBank/registrar account open --file accounts-registrar.json",
    ),
    "accounts-dealer1.json": (
        "IPS sub-accounts of dealer1's clients under SGL-ALPHA",
        "sov --as CentralBank/dealer1 account open --file accounts-dealer1.json",
    ),
    "accounts-dealer2.json": (
        "IPS sub-accounts of dealer2's clients under SGL-BETA",
        "sov --as CentralBank/dealer2 account open --file accounts-dealer2.json",
    ),
    "instrument-bill.json": (
        "a 91-day market treasury bill, PKDEMOMTB091",
        "sov --as Treasury/debtoffice instrument create --file instrument-bill.json",
    ),
    "instrument-bond.json": (
        "a one-year 12% semi-annual Pakistan Investment Bond, PKDEMOPIB012",
        "sov --as Treasury/debtoffice instrument create --file instrument-bond.json",
    ),
    "allotments-bill.json": (
        "the bill's allotment to the two dealers",
        "sov --as Treasury/debtoffice instrument issue PKDEMOMTB091 "
        "--allotments allotments-bill.json",
    ),
    "allotments-bond.json": (
        "the bond's allotment to the two dealers",
        "sov --as Treasury/debtoffice instrument issue PKDEMOPIB012 "
        "--allotments allotments-bond.json",
    ),
}


@click.group()
def examples() -> None:
    """Show and copy the example input files (governance, accounts, investors, instruments).

    `sov examples copy DIR` writes them all to DIR (instrument dates moved to today), the
    inputs of a whole lifecycle from `governance bootstrap` to `report reconcile`.
    """


def _root() -> Traversable:
    return resources.files(PACKAGE)


def shipped() -> dict[str, Traversable]:
    """Every example file by its name (its path below the examples folder)."""
    found: dict[str, Traversable] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                if entry.name != "__pycache__":
                    walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith((".json", ".toml")):
                found[prefix + entry.name] = entry

    walk(_root(), "")
    return found


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def rebase_instrument(spec: dict[str, Any], issue: dt.date) -> dict[str, Any]:
    """``spec`` (instrument JSON) issued on ``issue``: a bill matures ``tenor_days`` later,
    an instrument maturing on its issue's day of the month keeps its whole months, any
    other keeps its length in days."""
    if not spec.get("issue_date") or not spec.get("maturity_date"):
        return spec
    old_issue = dt.date.fromisoformat(spec["issue_date"])
    old_maturity = dt.date.fromisoformat(spec["maturity_date"])
    if spec.get("kind") == "TREASURY_BILL" and spec.get("tenor_days"):
        maturity = issue + dt.timedelta(days=int(spec["tenor_days"]))
    elif old_issue.day == old_maturity.day:
        months = (old_maturity.year - old_issue.year) * 12 + old_maturity.month - old_issue.month
        maturity = _add_months(issue, months)
    else:
        maturity = issue + (old_maturity - old_issue)
    return {**spec, "issue_date": issue.isoformat(), "maturity_date": maturity.isoformat()}


@examples.command(name="list")
@json_command
def list_(settings: Settings) -> None:
    """List the example files, what each is and the command that reads it."""
    names = list(shipped())
    rows = [[name, *CATALOGUE[name]] for name in CATALOGUE]
    rows += [[name, "", ""] for name in names if name not in CATALOGUE and ".pii." not in name]

    def human() -> None:
        table(["NAME", "WHAT"], [[name, what] for name, what, _ in rows])
        click.echo("\nin lifecycle order; each is read by:")
        for _, _, command in rows:
            if command:
                click.echo(f"  {command}")
        click.echo("\nprint one: sov examples show NAME; copy them all: sov examples copy DIR")

    emit(
        settings,
        [{"name": n, "what": w, "command": c} for n, w, c in rows]
        + [
            {"name": n, "what": "made-up personal data", "command": ""}
            for n in names
            if ".pii." in n
        ],
        human,
    )


@examples.command()
@click.argument("name")
def show(name: str) -> None:
    """Print the example file NAME as shipped (see `sov examples list`)."""
    files = shipped()
    if name not in files:
        fail(f"no example {name!r}; `sov examples list` names them", ExitCode.NOT_FOUND)
    click.echo(files[name].read_text(encoding="utf-8"), nl=False)


@examples.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--issue-date",
    type=ISO_DATE,
    help="Issue the instruments on this date (default: today in Pakistan Standard Time).",
)
@click.option("--force", is_flag=True, help="Overwrite files already in DIR.")
@json_command
def copy(
    settings: Settings,
    directory: Path,
    issue_date: dt.datetime | None,
    force: bool,
) -> None:
    """Write every example file to DIR, instruments issued on --issue-date."""
    from sovereign_cli.governance_commands import market_today

    issue = issue_date.date() if issue_date else market_today(PKT_OFFSET_MINUTES)
    files = shipped()
    targets = {name: directory / name for name in files}
    existing = sorted(name for name, path in targets.items() if path.exists())
    if existing and not force:
        shown = ", ".join(existing[:3]) + (", ..." if len(existing) > 3 else "")
        fail(
            f"{directory} already has {len(existing)} of the example files ({shown}); "
            "pass --force to overwrite them",
            ExitCode.USAGE,
        )
    for name, source in files.items():
        text = source.read_text(encoding="utf-8")
        if name.startswith("instrument-"):
            # Shipped examples are ledger documents: read as strictly as the chaincode does.
            spec = ledger_codec.loads(text)
            if not isinstance(spec, dict):
                fail(f"example {name} is not a JSON object", ExitCode.USAGE)
            text = json.dumps(rebase_instrument(spec, issue), indent=2) + "\n"
        target = targets[name]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    emit(
        settings,
        {"directory": str(directory), "issue_date": issue.isoformat(), "files": list(files)},
        lambda: click.echo(
            f"wrote {len(files)} example files to {directory} (instruments issued "
            f"{issue.isoformat()}); `sov examples list` shows the command reading each"
        ),
    )
