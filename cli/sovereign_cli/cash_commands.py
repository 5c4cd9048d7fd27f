"""``sov cash``: the central bank's wholesale cash token (mint, withdraw, balance).

Owns the cash commands. Must not import at module level: grpc, fabric_gateway,
sovereign_client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sovereign_cli.common import Settings, emit
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import AMOUNT, plain, rupees

if TYPE_CHECKING:
    from sovereign_assets.schema.messages import CashBalance


@click.group()
def cash() -> None:
    """Mint, withdraw and show the central bank's cash tokens (one per minor unit, paisa)."""


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
@ledger_command
def mint(ledger: Ledger, account_id: str, amount: int) -> None:
    """Credit AMOUNT minor units of new cash to ACCOUNT (central bank)."""
    balance = ledger.client.cash.mint(account_id, amount)
    _emit_balance(ledger.settings, balance, f"minted {rupees(amount)}; ")


@cash.command()
@click.argument("account_id", metavar="ACCOUNT")
@click.argument("amount", type=AMOUNT)
@ledger_command
def withdraw(ledger: Ledger, account_id: str, amount: int) -> None:
    """Burn AMOUNT minor units of ACCOUNT's cash (paid out of the ledger; central bank)."""
    balance = ledger.client.cash.withdraw(account_id, amount)
    _emit_balance(ledger.settings, balance, f"withdrew {rupees(amount)}; ")


@cash.command()
@click.argument("account_id", metavar="ACCOUNT")
@ledger_command
def balance(ledger: Ledger, account_id: str) -> None:
    """Show ACCOUNT's cash."""
    found = ledger.client.cash.balance(account_id)
    _emit_balance(ledger.settings, found, "")
