"""``sov holding``: who holds what, free-of-payment transfers, a holding's history.

Owns the holding commands. Must not import at module level: grpc, fabric_gateway,
sovereign_client.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from sovereign_cli import connection
from sovereign_cli.common import ExitCode, Settings, emit, errors_to_exit_codes, fail
from sovereign_cli.render import AMOUNT, json_option, plain, rupees, table, with_json

if TYPE_CHECKING:
    from sovereign_assets.schema.messages import HoldingEntry


@click.group()
def holding() -> None:
    """Holdings of instruments by account (face in minor units, or mg)."""


def _holdings_table(entries: list[HoldingEntry]) -> None:
    table(
        ["INSTRUMENT", "ACCOUNT", "AMOUNT", "FACE"],
        [[e.instrument_id, e.account_id, e.amount, rupees(e.amount)] for e in entries],
        right=2,
    )


@holding.command(name="list")
@click.option("--account", "account_id", help="Every holding of this account.")
@click.option("--instrument", "instrument_id", help="Every holder of this instrument.")
@json_option
@click.pass_obj
def list_(
    settings: Settings, account_id: str | None, instrument_id: str | None, as_json: bool
) -> None:
    """Holdings of one account or of one instrument (give exactly one of the two)."""
    settings = with_json(settings, as_json)
    if (account_id is None) == (instrument_id is None):
        fail("give exactly one of --account and --instrument", ExitCode.USAGE)
    with errors_to_exit_codes(), connection.gateway_client(settings) as client:
        if account_id is not None:
            entries = client.holdings.by_account(account_id)
        else:
            assert instrument_id is not None  # checked above: exactly one is given
            entries = client.holdings.by_instrument(instrument_id)
    emit(settings, plain(entries), lambda: _holdings_table(entries))


@holding.command()
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("from_account", metavar="FROM")
@click.argument("to_account", metavar="TO")
@click.argument("amount", type=AMOUNT)
@json_option
@click.pass_obj
def transfer(
    settings: Settings,
    instrument_id: str,
    from_account: str,
    to_account: str,
    amount: int,
    as_json: bool,
) -> None:
    """Move AMOUNT of face free of payment; prints both holdings after the move."""
    settings = with_json(settings, as_json)
    with errors_to_exit_codes(), connection.gateway_client(settings) as client:
        entries = client.holdings.transfer(instrument_id, from_account, to_account, amount)

    def human() -> None:
        click.echo(f"moved {rupees(amount)} of {instrument_id} from {from_account} to {to_account}")
        _holdings_table(entries)

    emit(settings, plain(entries), human)


def _when(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


@holding.command()
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("account_id", metavar="ACCOUNT")
@json_option
@click.pass_obj
def history(settings: Settings, instrument_id: str, account_id: str, as_json: bool) -> None:
    """Every committed change of ACCOUNT's holding of INSTRUMENT, newest first."""
    settings = with_json(settings, as_json)
    with errors_to_exit_codes(), connection.gateway_client(settings) as client:
        changes = client.holdings.history(instrument_id, account_id)

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

    emit(settings, plain(changes), human)
