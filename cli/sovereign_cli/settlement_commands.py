"""``sov settlement``: delivery-versus-payment instructions from instruction to settlement.

Owns the settlement commands and how an instruction reads on the terminal. Must not
import at module level: grpc, fabric_gateway, sovereign_client.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import emit
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import (
    AMOUNT,
    ISO_DATE,
    fields,
    plain,
    rupees,
    table,
    to_decimal,
)

if TYPE_CHECKING:
    from sovereign_assets.schema.records import InstructionRecord


@click.group()
def settlement() -> None:
    """Instruct, affirm or match, settle (both legs or neither) and cancel DvP trades."""


def instruction_fields(record: InstructionRecord) -> None:
    """Print one instruction, one field per line."""
    fields(
        [
            ("instruction", record.instruction_id),
            ("state", record.state),
            ("instrument", record.instrument_id),
            ("seller", record.seller_account),
            ("buyer", record.buyer_account),
            ("quantity", rupees(record.quantity)),
            ("price per 100", record.price_per_100),
            ("cash", rupees(record.cash_amount)),
            ("trade date", record.trade_date),
            ("settles on", record.settlement_date),
            ("affirmed by", ", ".join(record.affirmed_by) or "-"),
            ("instructed by", record.instructed_by),
        ]
    )


@settlement.command()
@click.option("--id", "instruction_id", required=True, help="Give the instruction this id.")
@click.option("--instrument", "instrument_id", required=True)
@click.option("--seller", required=True, help="Deliver the securities from this account.")
@click.option("--buyer", required=True, help="Pay the cash from this account.")
@click.option("--quantity", required=True, type=AMOUNT, help="Trade this face, in minor units.")
@click.option(
    "--price",
    required=True,
    callback=to_decimal,
    help="Trade at this clean price per 100 (e.g. 99.5000).",
)
@click.option("--settle-on", required=True, type=ISO_DATE, help="Settle on this date, YYYY-MM-DD.")
@ledger_command
def instruct(
    ledger: Ledger,
    instruction_id: str,
    instrument_id: str,
    seller: str,
    buyer: str,
    quantity: int,
    price: Decimal,
    settle_on: dt.datetime,
) -> None:
    """Instruct a trade; the instructing side's affirmation is implied."""
    from sovereign_assets.schema.messages import InstructionSpec

    spec = InstructionSpec(
        instruction_id=instruction_id,
        instrument_id=instrument_id,
        seller_account=seller,
        buyer_account=buyer,
        quantity=quantity,
        price_per_100=price,
        settlement_date=settle_on.date().isoformat(),
    )
    record = ledger.client.settlements.instruct(spec)
    emit(
        ledger.settings,
        plain(record),
        lambda: click.echo(
            f"instructed {record.instruction_id}: {record.state}, cash "
            f"{rupees(record.cash_amount)} on {record.settlement_date}"
        ),
    )


def _step(name: str, past: str, help_text: str) -> click.Command:
    """A command that moves one instruction on by one transaction."""

    @click.command(name=name, help=help_text)
    @click.argument("instruction_id", metavar="ID")
    @ledger_command
    def command(ledger: Ledger, instruction_id: str) -> None:
        section = ledger.client.settlements
        step = {
            "affirm": section.affirm,
            "match": section.match,
            "settle": section.settle,
            "cancel": section.cancel,
        }
        record = step[name](instruction_id)
        emit(
            ledger.settings,
            plain(record),
            lambda: click.echo(f"{past} {record.instruction_id}: {record.state}"),
        )

    return command


settlement.add_command(_step("affirm", "affirmed", "Affirm an instruction (the other side)."))
settlement.add_command(_step("match", "matched", "Match an affirmed trade (exchange)."))
settlement.add_command(
    _step("settle", "settled", "Deliver and pay in one transaction, or neither (exchange).")
)
settlement.add_command(_step("cancel", "cancelled", "Cancel an unsettled instruction."))


@settlement.command(name="list")
@ledger_command
def list_(ledger: Ledger) -> None:
    """List every instruction the signer may see."""
    records = ledger.client.settlements.list()

    def human() -> None:
        table(
            ["ID", "INSTRUMENT", "SELLER", "BUYER", "STATE", "SETTLES", "QUANTITY", "CASH"],
            [
                [
                    r.instruction_id,
                    r.instrument_id,
                    r.seller_account,
                    r.buyer_account,
                    r.state,
                    r.settlement_date,
                    rupees(r.quantity),
                    rupees(r.cash_amount),
                ]
                for r in records
            ],
            right=2,
        )

    emit(ledger.settings, plain(records), human)


@settlement.command()
@click.argument("instruction_id", metavar="ID")
@ledger_command
def show(ledger: Ledger, instruction_id: str) -> None:
    """Show one instruction."""
    record = ledger.client.settlements.get(instruction_id)
    emit(ledger.settings, plain(record), lambda: instruction_fields(record))
