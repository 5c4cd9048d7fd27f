"""``sov cash``: the central bank's wholesale cash token (mint, withdraw, balance).

Owns the cash commands. Must not import at module level: grpc, fabric_gateway,
sovereign_client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sovereign_cli import connection
from sovereign_cli.common import Settings, emit, errors_to_exit_codes
from sovereign_cli.render import AMOUNT, json_option, plain, rupees, with_json

if TYPE_CHECKING:
    from sovereign_assets.schema.messages import CashBalance


@click.group()
def cash() -> None:
    """Cash tokens, one per minor unit (paisa), issued by the central bank."""


def _emit_balance(settings: Settings, balance: CashBalance, verb: str) -> None:
    emit(
        settings,
        plain(balance),
        lambda: click.echo(
            f"{verb}{balance.account_id}: {rupees(balance.amount)} ({balance.amount} minor units)"
        ),
    )


@cash.command()
@click.argument("account_id", metavar="ACCOUNT")
@click.argument("amount", type=AMOUNT)
@json_option
@click.pass_obj
def mint(settings: Settings, account_id: str, amount: int, as_json: bool) -> None:
    """Credit AMOUNT minor units of new cash to ACCOUNT (central bank)."""
    settings = with_json(settings, as_json)
    with errors_to_exit_codes(), connection.gateway_client(settings) as client:
        balance = client.cash.mint(account_id, amount)
    _emit_balance(settings, balance, f"minted {rupees(amount)}; ")


@cash.command()
@click.argument("account_id", metavar="ACCOUNT")
@click.argument("amount", type=AMOUNT)
@json_option
@click.pass_obj
def withdraw(settings: Settings, account_id: str, amount: int, as_json: bool) -> None:
    """Burn AMOUNT minor units of ACCOUNT's cash (paid out of the ledger; central bank)."""
    settings = with_json(settings, as_json)
    with errors_to_exit_codes(), connection.gateway_client(settings) as client:
        balance = client.cash.withdraw(account_id, amount)
    _emit_balance(settings, balance, f"withdrew {rupees(amount)}; ")


@cash.command()
@click.argument("account_id", metavar="ACCOUNT")
@json_option
@click.pass_obj
def balance(settings: Settings, account_id: str, as_json: bool) -> None:
    """ACCOUNT's cash."""
    settings = with_json(settings, as_json)
    with errors_to_exit_codes(), connection.gateway_client(settings) as client:
        found = client.cash.balance(account_id)
    _emit_balance(settings, found, "")
