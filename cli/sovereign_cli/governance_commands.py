"""``sov governance``: bootstrap the ledger-held configuration, show it, change it with
both controllers (``propose`` by one, ``approve`` by the other, ``withdraw``,
``proposals``), and open and close the business date.

Owns the governance commands and :func:`load_document` (a JSON or TOML file, by its
suffix, as parsed data). A fresh network refuses every write with ``NOT_FOUND:
governance is not bootstrapped`` until ``sov governance bootstrap`` has run once.
Must not import at module level: grpc, fabric_gateway, sovereign_client.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import ExitCode, emit, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import (
    ISO_DATE,
    SpecError,
    fields,
    load_json,
    parse_into,
    plain,
    rate,
    rupees,
)

if TYPE_CHECKING:
    from sovereign_assets.schema.messages import GovernanceConfig
    from sovereign_assets.schema.records import GovernanceProposalRecord
    from sovereign_client import SovereignClient

EXAMPLE_HINT = "Example: `sov examples show governance.toml`."


@click.group()
def governance() -> None:
    """Manage the ledger-held configuration: roles, cash accounts, calendars, withholding tax.

    A new network answers every write with "governance is not bootstrapped" until
    `sov --as CentralBank/admin governance bootstrap --file governance.toml` has run.
    """


def _dates_as_text(value: object) -> object:
    # TOML has a date type; the schema carries ISO date strings.
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


def load_document(path: Path, what: str) -> object:
    """``path`` parsed: TOML for a ``.toml`` file (dates become ISO strings), else JSON;
    a usage error naming the file when it does not parse."""
    if path.suffix.lower() != ".toml":
        return load_json(path, what)
    try:
        return _dates_as_text(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {what} {path}: {exc}", ExitCode.USAGE)
    except tomllib.TOMLDecodeError as exc:
        fail(f"{what} {path} is not TOML: {exc}", ExitCode.USAGE)


def _load_config(path: Path) -> GovernanceConfig:
    from sovereign_assets.schema.messages import GovernanceConfig

    data = load_document(path, "governance config")
    try:
        return parse_into(GovernanceConfig, data)
    except SpecError as exc:
        fail(f"governance config {path}: {exc}", ExitCode.USAGE)


def config_fields(config: GovernanceConfig) -> None:
    """Print a configuration for people, one setting per line."""
    pairs: list[tuple[str, object]] = [
        (f"role {role}", ", ".join(msps)) for role, msps in sorted(config.org_roles.items())
    ]
    pairs += [
        ("treasury cash", config.treasury_cash_account),
        ("tax authority cash", config.tax_authority_cash_account),
        ("utc offset", f"{config.utc_offset_minutes:+d} minutes"),
        ("currency", f"{config.currency} (exponent {config.currency_exponent})"),
        ("global pause", "ON" if config.global_pause else "off"),
    ]
    pairs += [
        (
            f"calendar {c.id}",
            f"{c.covers_from}..{c.covers_to}, weekend {'/'.join(c.weekend)}, "
            f"{len(c.holidays)} holiday(s)",
        )
        for c in config.calendars
    ]
    pairs += [
        (f"tax {row.status}", f"{rate(row.rate)} from {row.effective_from}")
        for row in config.withholding_tax
    ]
    programme = config.issuance_programme
    if programme is not None:
        pairs.append(
            (
                f"programme {programme.programme_id}",
                f"cap {rupees(programme.cap, config.currency_exponent)} {config.currency}"
                f" ({programme.reference_currency} {rupees(programme.reference_amount)}"
                f" at {rate(programme.exchange_rate)}, {programme.rate_source},"
                f" {programme.rate_date})",
            )
        )
    fields(pairs)


file_option = click.option(
    "--file",
    "config_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A GovernanceConfig as TOML (.toml) or JSON. " + EXAMPLE_HINT,
)


@governance.command()
@file_option
@ledger_command
def bootstrap(ledger: Ledger, config_file: Path) -> None:
    """Store the first configuration (an admin or registrar of the registrar org; once)."""
    config = _load_config(config_file)
    ledger.client.governance.bootstrap(config)
    emit(
        ledger.settings,
        plain(config),
        lambda: click.echo(
            f"governance bootstrapped: issuer {', '.join(config.org_roles['issuer'])}, "
            f"registrar {', '.join(config.org_roles['registrar'])}; "
            f"{len(config.calendars)} calendar(s), {len(config.withholding_tax)} tax rate(s)"
        ),
    )


@governance.command()
@ledger_command
def show(ledger: Ledger) -> None:
    """Show the current configuration (its JSON is a valid --file for propose)."""
    config = ledger.client.governance.get()
    emit(ledger.settings, plain(config), lambda: config_fields(config))


def _proposal_fields(proposal: GovernanceProposalRecord) -> None:
    fields(
        [
            ("proposal", proposal.proposal_id),
            ("proposed by", proposal.proposer),
            ("proposed on", proposal.proposed_on or "before the first business date"),
            ("expires after", proposal.expires_on or "no dated expiry"),
        ]
    )


@governance.command()
@file_option
@ledger_command
def propose(ledger: Ledger, config_file: Path) -> None:
    """Propose a new configuration (a controller: the treasury or the central bank).

    Nothing changes until the other controller runs `sov governance approve PROPOSAL`
    with the printed proposal id (the SHA-256 of the exact change). Start from
    `sov --json governance show`.
    """
    config = _load_config(config_file)
    proposal = ledger.client.governance.propose(config)
    emit(ledger.settings, plain(proposal), lambda: _proposal_fields(proposal))


proposal_argument = click.argument("proposal_id", metavar="PROPOSAL")


@governance.command()
@proposal_argument
@ledger_command
def approve(ledger: Ledger, proposal_id: str) -> None:
    """Approve and apply the change PROPOSAL (the other controller than the proposer's
    organisation); it applies whole, once."""
    config = ledger.client.governance.approve(proposal_id)
    emit(
        ledger.settings,
        plain(config),
        lambda: click.echo(f"governance updated by proposal {proposal_id}"),
    )


@governance.command()
@proposal_argument
@ledger_command
def withdraw(ledger: Ledger, proposal_id: str) -> None:
    """Withdraw the pending change PROPOSAL (either controller)."""
    ledger.client.governance.withdraw(proposal_id)
    emit(
        ledger.settings,
        {"proposal_id": proposal_id, "withdrawn": True},
        lambda: click.echo(f"proposal {proposal_id} withdrawn"),
    )


@governance.command()
@click.argument("proposal_id", metavar="[PROPOSAL]", required=False)
@ledger_command
def proposals(ledger: Ledger, proposal_id: str | None) -> None:
    """List the pending changes, or show PROPOSAL with its configuration (controllers)."""
    client = ledger.client
    if proposal_id is not None:
        one = client.governance.proposal(proposal_id)

        def show_one() -> None:
            _proposal_fields(one)
            config_fields(one.config)

        emit(ledger.settings, plain(one), show_one)
        return
    pending = client.governance.proposals()

    def show_all() -> None:
        if not pending:
            click.echo("no pending governance changes")
        for item in pending:
            _proposal_fields(item)

    emit(ledger.settings, [plain(p) for p in pending], show_all)


def market_today(utc_offset_minutes: int) -> dt.date:
    """Today by this machine's clock in the market's time zone (what ``open-date`` opens
    when given no date)."""
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=utc_offset_minutes)
    return moment.date()


def _next_payment(
    client: SovereignClient, instrument_id: str, kind: str | None, after: dt.date
) -> tuple[dt.date, str]:
    for flow in client.instruments.schedule(instrument_id):
        day = dt.date.fromisoformat(flow.payment_date)
        if day > after and (kind is None or flow.kind == kind):
            return day, flow.kind
    wanted = f"{kind} " if kind else ""
    return fail(
        f"{instrument_id} has no {wanted}payment after {after.isoformat()}", ExitCode.NOT_FOUND
    )


def ledger_business_date(client: SovereignClient) -> dt.date | None:
    """The ledger's latest business date (open or closed), None before the first."""
    from sovereign_client.errors import BusinessDayClosedError

    try:
        return dt.date.fromisoformat(client.governance.business_date().business_date)
    except BusinessDayClosedError:
        return None


@governance.command(name="open-date")
@click.argument("day", metavar="[DATE]", required=False, type=ISO_DATE)
@click.option(
    "--next-payment",
    "instrument_id",
    metavar="INSTRUMENT",
    help="Open the instrument's next payment date after the current business date.",
)
@click.option(
    "--kind",
    type=click.Choice(["COUPON", "REDEMPTION"]),
    help="With --next-payment, consider only payments of this kind.",
)
@ledger_command
def open_date(
    ledger: Ledger,
    day: dt.datetime | None,
    instrument_id: str | None,
    kind: str | None,
) -> None:
    """Open the business date DATE (the central bank's registrar): every date rule of the
    register - lock-ups, settlement dates, coupon record dates, KYC expiry, maturity -
    reads it. Business dates only move forward; opening one closes the previous one.

    Without DATE or --next-payment: today by this machine's clock in the market's time
    zone. A pilot network may open a later date to reach a coupon or a maturity.
    """
    if day is not None and instrument_id is not None:
        fail("give DATE or --next-payment, not both", ExitCode.USAGE)
    if kind is not None and instrument_id is None:
        fail("--kind goes with --next-payment", ExitCode.USAGE)
    reason = ""
    client = ledger.client
    if day is not None:
        target = day.date()
    elif instrument_id is not None:
        current = ledger_business_date(client)
        if current is None:
            fail("no business date is open yet: open one with a DATE", ExitCode.USAGE)
        target, found = _next_payment(client, instrument_id, kind, current)
        reason = f" ({instrument_id} {found})"
    else:
        target = market_today(client.governance.get().utc_offset_minutes)
    opened = client.governance.open_business_date(target)
    emit(
        ledger.settings,
        plain(opened),
        lambda: click.echo(f"business date {opened.business_date} open{reason}"),
    )


@governance.command(name="close-date")
@ledger_command
def close_date(ledger: Ledger) -> None:
    """Close the open business date (the central bank's registrar): nothing that reads
    the date runs until the next one is opened."""
    closed = ledger.client.governance.close_business_date()
    emit(
        ledger.settings,
        plain(closed),
        lambda: click.echo(f"business date {closed.business_date} closed"),
    )


@governance.command(name="date")
@ledger_command
def show_date(ledger: Ledger) -> None:
    """The ledger's business date and whether it is open."""
    current = ledger.client.governance.business_date()
    emit(
        ledger.settings,
        plain(current),
        lambda: click.echo(
            f"business date {current.business_date} {'open' if current.open else 'closed'}"
        ),
    )
