"""``sov report``: the register reconciled, instrument by instrument and in cash.

Owns the reconciliation: every instrument's holdings must add up to its issued face
less what was redeemed; the cash in all accounts is totalled and, when the operator says
what was minted (net of withdrawals) and what tax was withheld, compared with both. A
mismatch exits 1. Only a signer that reads the whole register (the central bank) may run
it: anyone else sees only its own rows, in which every other account would read as
zero, so the ledger refuses it first (``UNAUTHORIZED``, exit 7) and nothing is printed.
Must not import at module level: grpc, fabric_gateway, sovereign_client.
"""

from __future__ import annotations

from typing import Any

import click

from sovereign_cli.common import ExitCode, emit
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import rupees, table


@click.group()
def report() -> None:
    """Report over the whole register (the signer must read all of it: the central bank)."""


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISMATCH"


@report.command()
@click.option(
    "--expect-cash",
    type=click.IntRange(min=0),
    help="Expect the accounts to hold exactly this cash, minted less withdrawn (minor units).",
)
@click.option(
    "--expect-tax",
    type=click.IntRange(min=0),
    help="Tax withheld (minor units, the sum of the payment runs' tax): the tax "
    "authority's account must hold exactly this.",
)
@ledger_command
def reconcile(ledger: Ledger, expect_cash: int | None, expect_tax: int | None) -> None:
    """Reconcile holdings against each instrument's outstanding face, and the cash in all accounts
    (the central bank's registrar). Exits 1 on any mismatch; a signer that reads only its own
    rows is refused (UNAUTHORIZED, exit 7)."""
    ledger.client.audit.whole_register()  # a filtered view must not pass for the register
    instruments: list[dict[str, Any]] = []
    for record in ledger.client.instruments.list():
        instrument_id = record.spec.instrument_id
        held = sum(h.amount for h in ledger.client.holdings.by_instrument(instrument_id))
        outstanding = record.issued - record.redeemed
        instruments.append(
            {
                "instrument_id": instrument_id,
                "issued": record.issued,
                "redeemed": record.redeemed,
                "outstanding": outstanding,
                "held": held,
                "ok": held == outstanding,
            }
        )
    governance = ledger.client.governance.get()
    balances = {
        a.account_id: ledger.client.cash.balance(a.account_id).amount
        for a in ledger.client.accounts.list()
    }
    in_accounts = sum(balances.values())
    tax_account = governance.tax_authority_cash_account
    tax_held = balances.get(tax_account, 0)
    mismatches = sum(not i["ok"] for i in instruments)
    cash_ok = expect_cash is None or in_accounts == expect_cash
    tax_ok = expect_tax is None or tax_held == expect_tax
    mismatches += (not cash_ok) + (not tax_ok)
    payload = {
        "instruments": instruments,
        "cash": {
            "in_accounts": in_accounts,
            "expected": expect_cash,
            "ok": cash_ok,
            "balances": balances,
        },
        "tax": {"account_id": tax_account, "held": tax_held, "expected": expect_tax, "ok": tax_ok},
        "mismatches": mismatches,
        "reconciled": mismatches == 0,
    }

    def human() -> None:
        table(
            ["INSTRUMENT", "CHECK", "ISSUED", "REDEEMED", "OUTSTANDING", "HELD"],
            [
                [
                    i["instrument_id"],
                    _verdict(i["ok"]),
                    rupees(i["issued"]),
                    rupees(i["redeemed"]),
                    rupees(i["outstanding"]),
                    rupees(i["held"]),
                ]
                for i in instruments
            ],
            right=4,
        )
        cash_line = f"cash in {len(balances)} account(s): {rupees(in_accounts)}"
        if expect_cash is not None:
            cash_line += f" = expected {rupees(expect_cash)} {_verdict(cash_ok)}"
        click.echo(cash_line)
        tax_line = f"tax authority {tax_account}: {rupees(tax_held)}"
        if expect_tax is not None:
            tax_line += f" = expected {rupees(expect_tax)} {_verdict(tax_ok)}"
        click.echo(tax_line)
        unchecked = [
            name for name, wanted in (("cash", expect_cash), ("tax", expect_tax)) if wanted is None
        ]
        if mismatches:
            click.echo(f"{mismatches} MISMATCH(ES)")
        elif unchecked:
            flags = " and ".join(f"--expect-{name}" for name in unchecked)
            click.echo(f"holdings reconciled; {' and '.join(unchecked)} not checked (give {flags})")
        else:
            click.echo("register reconciled")

    emit(ledger.settings, payload, human)
    if mismatches:
        raise SystemExit(ExitCode.FAILURE)
