"""``sov holding``: who holds what, free-of-payment transfers, a holding's history.

Owns the holding commands. Must not import at module level: grpc, fabric_gateway,
sovereign_client.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import ExitCode, emit, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import plain, rupees, table, transfer_arguments

if TYPE_CHECKING:
    from sovereign_assets.schema.messages import HoldingEntry


@click.group()
def holding() -> None:
    """List, move and trace holdings of instruments (face in minor units, or mg)."""


def _holdings_table(entries: list[HoldingEntry]) -> None:
    table(
        ["INSTRUMENT", "ACCOUNT", "AMOUNT", "FACE"],
        [[e.instrument_id, e.account_id, e.amount, rupees(e.amount)] for e in entries],
        right=2,
    )


@holding.command(name="list")
@click.option("--account", "account_id", help="List every holding of this account.")
@click.option("--instrument", "instrument_id", help="List every holder of this instrument.")
@ledger_command
def list_(ledger: Ledger, account_id: str | None, instrument_id: str | None) -> None:
    """List the holdings of one account or of one instrument (give exactly one of the two)."""
    if (account_id is None) == (instrument_id is None):
        fail("give exactly one of --account and --instrument", ExitCode.USAGE)
    if account_id is not None:
        entries = ledger.client.holdings.by_account(account_id)
    else:
        assert instrument_id is not None  # checked above: exactly one is given
        entries = ledger.client.holdings.by_instrument(instrument_id)
    emit(ledger.settings, plain(entries), lambda: _holdings_table(entries))


@holding.command()
@transfer_arguments()
@ledger_command
def transfer(
    ledger: Ledger, instrument_id: str, from_account: str, to_account: str, amount: int
) -> None:
    """Move AMOUNT of face free of payment; prints both holdings after the move."""
    entries = ledger.client.holdings.transfer(instrument_id, from_account, to_account, amount)

    def human() -> None:
        click.echo(f"moved {rupees(amount)} of {instrument_id} from {from_account} to {to_account}")
        _holdings_table(entries)

    emit(ledger.settings, plain(entries), human)


def _when(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


@holding.command()
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("account_id", metavar="ACCOUNT")
@ledger_command
def history(ledger: Ledger, instrument_id: str, account_id: str) -> None:
    """List every committed change of ACCOUNT's holding of INSTRUMENT, newest first."""
    changes = ledger.client.holdings.history(instrument_id, account_id)

    def human() -> None:
        table(
            ["TRANSACTION", "TIME (UTC)", "AMOUNT", "FACE"],
            [
                [
                    c.tx_id,
                    _when(c.timestamp),
                    "deleted" if c.is_delete else c.amount,
                    rupees(c.amount),
                ]
                for c in changes
            ],
            right=2,
        )

    emit(ledger.settings, plain(changes), human)
