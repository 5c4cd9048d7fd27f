"""``sov account``: open dealer (SGL), investor (IPS) and cash accounts; list and show them.

Owns the account commands and how an account reads on the terminal. Accounts open one
by one from options, or several at once from a file (an AccountSpec or a list of them,
in order: each is one transaction). Must not import at module level: grpc,
fabric_gateway, sovereign_client.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import ExitCode, emit, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import (
    SpecError,
    fields,
    load_json,
    parse_into,
    plain,
    table,
)

if TYPE_CHECKING:
    from sovereign_assets.schema.messages import AccountSpec
    from sovereign_assets.schema.records import AccountRecord

TIERS = ("DEALER", "INVESTOR", "CENTRAL_BANK", "TREASURY", "TAX_AUTHORITY")


@click.group()
def account() -> None:
    """Open and list the register's accounts: dealer SGL accounts, investor IPS sub-accounts."""


def account_fields(record: AccountRecord) -> None:
    """Print one account, one field per line."""
    fields(
        [
            ("account", record.account_id),
            ("tier", record.tier.value),
            ("owner", record.owner_id),
            ("parent", record.parent_account_id or "-"),
            ("custodian", record.custodian_id),
            ("controller", record.controller),
            ("frozen", "yes" if record.frozen else "no"),
            ("opened on", record.opened_on),
        ]
    )


def _specs_from_file(path: Path) -> list[AccountSpec]:
    from sovereign_assets.schema.messages import AccountSpec

    data = load_json(path, "account spec")
    items = data if isinstance(data, list) else [data]
    if not items:
        fail(f"account spec {path}: the list is empty", ExitCode.USAGE)
    specs: list[AccountSpec] = []
    for i, item in enumerate(items):
        try:
            specs.append(parse_into(AccountSpec, item))
        except SpecError as exc:
            where = f"[{i}] " if isinstance(data, list) else ""
            fail(f"account spec {path}: {where}{exc}", ExitCode.USAGE)
    return specs


@account.command(name="open")
@click.argument("account_id", metavar="[ACCOUNT]", required=False)
@click.option(
    "--file",
    "spec_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="AccountSpec JSON, or a list of them opened in order (instead of the options). "
    "Example: `sov examples show accounts-registrar.json`.",
)
@click.option("--tier", type=click.Choice(TIERS), help="Give the account this tier.")
@click.option(
    "--owner",
    help="Name the legal owner (a registered investor, for DEALER and INVESTOR accounts).",
)
@click.option(
    "--controller",
    metavar="MSP/USER",
    help="Name who instructs on the account, e.g. CentralBankMSP/dealer1.",
)
@click.option("--parent", help="Name the dealer account an INVESTOR sub-account hangs under.")
@ledger_command
def open_(
    ledger: Ledger,
    account_id: str | None,
    spec_file: Path | None,
    tier: str | None,
    owner: str | None,
    controller: str | None,
    parent: str | None,
) -> None:
    """Open ACCOUNT (--tier, --owner, --controller [--parent]) or every account of --file.

    The registrar opens DEALER and cash accounts; a dealer account's controller opens the
    INVESTOR sub-accounts under it. An account's owner must be registered first
    (`sov investor register`).
    """
    from sovereign_assets.domain import AccountTier
    from sovereign_assets.schema.messages import AccountSpec

    given = [o for o in (account_id, tier, owner, controller, parent) if o is not None]
    if spec_file is not None:
        if given:
            fail("give --file or ACCOUNT with its options, not both", ExitCode.USAGE)
        specs = _specs_from_file(spec_file)
    else:
        if account_id is None or tier is None or owner is None or controller is None:
            fail("give ACCOUNT with --tier, --owner and --controller, or --file", ExitCode.USAGE)
        specs = [AccountSpec(account_id, AccountTier(tier), owner, controller, parent)]
    opened: list[AccountRecord] = []
    try:
        for spec in specs:
            opened.append(ledger.client.accounts.open(spec))
            if not ledger.settings.as_json:
                record = opened[-1]
                click.echo(
                    f"opened {record.account_id} ({record.tier.value}, owner "
                    f"{record.owner_id}, controller {record.controller})"
                )
    finally:
        if opened and len(opened) < len(specs) and not ledger.settings.as_json:
            click.echo(f"{len(opened)} of {len(specs)} account(s) were opened", err=True)
    if ledger.settings.as_json:
        emit(ledger.settings, plain(opened), lambda: None)


@account.command(name="list")
@ledger_command
def list_(ledger: Ledger) -> None:
    """List every account of the register."""
    records = ledger.client.accounts.list()

    def human() -> None:
        table(
            ["ACCOUNT", "TIER", "OWNER", "PARENT", "CONTROLLER", "FROZEN"],
            [
                [
                    r.account_id,
                    r.tier.value,
                    r.owner_id,
                    r.parent_account_id or "-",
                    r.controller,
                    "yes" if r.frozen else "no",
                ]
                for r in records
            ],
        )

    emit(ledger.settings, plain(records), human)


@account.command()
@click.argument("account_id", metavar="ACCOUNT")
@ledger_command
def show(ledger: Ledger, account_id: str) -> None:
    """Show one account."""
    record = ledger.client.accounts.get(account_id)
    emit(ledger.settings, plain(record), lambda: account_fields(record))
