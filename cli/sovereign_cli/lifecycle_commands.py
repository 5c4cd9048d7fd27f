"""``sov lifecycle``: coupons and rentals, redemptions, bars, floating-rate fixings, claims.

Owns the lifecycle commands and the batch loop: a payment run is paid in bounded
batches (one transaction each) until the ledger says it is done; a failed batch changes
nothing and running the command again resumes where the committed batches stopped.
Also owns the commodity delivery command (``redeem-bars``;
which it adds to the instrument group) and the market-data fixing commands
(``record-auction``, ``record-pkrv``, ``resolve-fixing``).
Must not import at module level: grpc, fabric_gateway, sovereign_client.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

import click

from sovereign_cli.common import ExitCode, Settings, emit, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import (
    ISO_DATE,
    plain,
    rate,
    rupees,
    table,
    to_decimal,
)

if TYPE_CHECKING:
    from sovereign_client import SovereignClient

REDEMPTION = "REDEMPTION"
FIXING_SOURCES = ("AUCTION", "PKRV_AVERAGE")


@click.group()
def lifecycle() -> None:
    """Pay coupons and redemptions in batches, publish fixings, list paid claims."""


@dataclass
class Totals:
    """What the batches of one run moved, summed (minor units)."""

    batches: int = 0
    paid: int = 0
    gross: int = 0
    tax: int = 0
    net: int = 0
    retired: int = 0
    done: bool = False


class _Batch(Protocol):
    """The fields of a ``BatchResult`` or ``RedemptionBatch`` the loop adds up."""

    @property
    def paid(self) -> int: ...
    @property
    def gross(self) -> int: ...
    @property
    def tax(self) -> int: ...
    @property
    def net(self) -> int: ...
    @property
    def done(self) -> bool: ...


def _run_batches(
    settings: Settings,
    client: SovereignClient,
    instrument_id: str,
    label: str,
    pay_one: Callable[[], _Batch],
) -> Totals:
    """Call ``pay_one`` until the run is done, with a progress bar on stderr (holders
    paid out of the instrument's current holders) unless the output is JSON."""
    totals = Totals()
    if settings.as_json:
        while not totals.done:
            _add(totals, pay_one())
        return totals
    from sovereign_client import SovereignError

    try:
        # Only sizes the progress bar: a signer who may not list holders still pays.
        holders = max(len(client.holdings.by_instrument(instrument_id)), 1)
    except SovereignError:
        holders = 1
    try:
        with click.progressbar(length=holders, label=label, file=sys.stderr) as bar:
            while not totals.done:
                batch = pay_one()
                _add(totals, batch)
                bar.update(batch.paid)
    except BaseException:  # a refusal, a lost connection or Ctrl-C: say what is committed
        if totals.batches:
            click.echo(
                f"{totals.batches} batch(es) paying {totals.paid} holder(s) were committed "
                "before this failure; run the command again to resume",
                err=True,
            )
        raise
    return totals


def _add(totals: Totals, batch: _Batch) -> None:
    totals.batches += 1
    totals.paid += batch.paid
    totals.gross += batch.gross
    totals.tax += batch.tax
    totals.net += batch.net
    totals.retired += getattr(batch, "retired", 0)
    totals.done = batch.done


def _totals_line(totals: Totals) -> str:
    return (
        f"{totals.paid} holder(s) in {totals.batches} batch(es): gross {rupees(totals.gross)}, "
        f"tax {rupees(totals.tax)}, net {rupees(totals.net)}"
    )


batch_size_option = click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Pay this many holders per transaction.",
)


@lifecycle.command(name="pay-coupons")
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument(
    "payment_date", metavar="[PAYMENT_DATE]", required=False, type=click.DateTime(["%Y-%m-%d"])
)
@batch_size_option
@ledger_command
def pay_coupons(
    ledger: Ledger, instrument_id: str, payment_date: dt.datetime | None, batch_size: int
) -> None:
    """Pay the coupon (or rental) due on PAYMENT_DATE to every holder, in batches.

    Without PAYMENT_DATE: the one due on the ledger's business date."""
    if payment_date is None:
        day = ledger.client.governance.business_date().business_date
    else:
        day = payment_date.date().isoformat()
    totals = _run_batches(
        ledger.settings,
        ledger.client,
        instrument_id,
        f"coupon {instrument_id} {day}",
        lambda: ledger.client.lifecycle.pay_coupon(instrument_id, day, batch_size),
    )
    payload = {
        "instrument_id": instrument_id,
        "payment_date": day,
        "batches": totals.batches,
        "paid": totals.paid,
        "gross": totals.gross,
        "tax": totals.tax,
        "net": totals.net,
        "done": totals.done,
    }
    emit(
        ledger.settings,
        payload,
        lambda: click.echo(f"paid the {day} coupon of {instrument_id} to {_totals_line(totals)}"),
    )


@lifecycle.command()
@click.argument("instrument_id", metavar="INSTRUMENT")
@batch_size_option
@ledger_command
def redeem(ledger: Ledger, instrument_id: str, batch_size: int) -> None:
    """At or after maturity: pay the last coupon and the face, retire the tokens."""
    totals = _run_batches(
        ledger.settings,
        ledger.client,
        instrument_id,
        f"redeem {instrument_id}",
        lambda: ledger.client.lifecycle.redeem(instrument_id, batch_size),
    )
    payload = {
        "instrument_id": instrument_id,
        "batches": totals.batches,
        "paid": totals.paid,
        "gross": totals.gross,
        "tax": totals.tax,
        "net": totals.net,
        "retired": totals.retired,
        "done": totals.done,
    }
    emit(
        ledger.settings,
        payload,
        lambda: click.echo(
            f"redeemed {instrument_id}, {rupees(totals.retired)} of face retired, paid to "
            + _totals_line(totals)
        ),
    )


@lifecycle.command()
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("payment_date", metavar="PAYMENT_DATE")
@ledger_command
def claims(ledger: Ledger, instrument_id: str, payment_date: str) -> None:
    """List a period's paid claims: PAYMENT_DATE (YYYY-MM-DD) names the coupon, or REDEMPTION."""
    if payment_date != REDEMPTION:
        try:
            payment_date = dt.date.fromisoformat(payment_date).isoformat()
        except ValueError:
            fail(
                f"PAYMENT_DATE {payment_date!r} is neither YYYY-MM-DD nor {REDEMPTION}",
                ExitCode.USAGE,
            )
    found = ledger.client.lifecycle.claims(instrument_id, payment_date)

    def human() -> None:
        table(
            ["HOLDER", "PERIOD", "TAX RATE", "PAID ON", "FACE", "GROSS", "TAX", "NET"],
            [
                [
                    c.holder_account,
                    c.period_id,
                    rate(c.rate),
                    c.paid_on,
                    rupees(c.face_held),
                    rupees(c.gross),
                    rupees(c.tax),
                    rupees(c.net),
                ]
                for c in found
            ],
            right=4,
        )

    emit(ledger.settings, plain(found), human)


@lifecycle.command(name="publish-fixing")
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("period_id", metavar="PERIOD")
@click.argument("fixing_rate", metavar="RATE", callback=to_decimal)
@click.option(
    "--source",
    required=True,
    type=click.Choice(FIXING_SOURCES),
    help="Name the source: AUCTION, or PKRV_AVERAGE when no auction was held.",
)
@ledger_command
def publish_fixing(
    ledger: Ledger, instrument_id: str, period_id: str, fixing_rate: Decimal, source: str
) -> None:
    """Publish the benchmark RATE (a fraction, e.g. 0.0712) of a floater's PERIOD
    (its end date) (central bank)."""
    record = ledger.client.lifecycle.publish_fixing(instrument_id, period_id, fixing_rate, source)
    emit(
        ledger.settings,
        plain(record),
        lambda: click.echo(
            f"fixed {instrument_id} period {period_id} at {rate(fixing_rate)} ({source})"
        ),
    )


# -- commodity bars ----------------------------------------------------------------------


@lifecycle.command(name="redeem-bars")
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("account_id", metavar="ACCOUNT")
@click.argument("serials", metavar="SERIAL...", nargs=-1, required=True)
@ledger_command
def redeem_bars(
    ledger: Ledger, instrument_id: str, account_id: str, serials: tuple[str, ...]
) -> None:
    """Take delivery of whole bars (by SERIAL) of a commodity token for ACCOUNT: tokens of
    the bars' exact weight retire (the account's controller signs)."""
    done = ledger.client.lifecycle.redeem_bars(instrument_id, account_id, list(serials))
    emit(
        ledger.settings,
        plain(done),
        lambda: click.echo(
            f"released {', '.join(done.serials)} of {instrument_id} to {account_id}: "
            f"{done.retired:,} mg retired, {done.holding:,} mg still held"
        ),
    )


# -- market data and fixings -------------------------------------------------------------


@lifecycle.command(name="record-auction")
@click.argument("tenor_days", metavar="TENOR_DAYS", type=click.IntRange(min=1))
@click.argument("auction_date", metavar="AUCTION_DATE", type=ISO_DATE)
@click.argument("yield_", metavar="[YIELD]", required=False, callback=to_decimal)
@click.option(
    "--all-bids-rejected",
    is_flag=True,
    help="Record that the treasury rejected every bid: no yield (fixings fall back to PKRV).",
)
@ledger_command
def record_auction(
    ledger: Ledger,
    tenor_days: int,
    auction_date: dt.datetime,
    yield_: Decimal | None,
    all_bids_rejected: bool,
) -> None:
    """Record a bill auction result: the weighted-average cut-off YIELD (a fraction, e.g.
    0.0755) of TENOR_DAYS bills auctioned on AUCTION_DATE (central bank)."""
    if (yield_ is None) != all_bids_rejected:
        raise click.UsageError("give a YIELD, or --all-bids-rejected without one")
    from sovereign_assets.schema.messages import BillAuctionSpec

    spec = BillAuctionSpec(tenor_days, auction_date.date().isoformat(), yield_, all_bids_rejected)
    stored = ledger.client.lifecycle.record_bill_auction(spec)
    outcome = (
        "all bids rejected" if stored.all_bids_rejected else rate(stored.weighted_average_yield)
    )
    emit(
        ledger.settings,
        plain(stored),
        lambda: click.echo(
            f"recorded the {stored.tenor_days}-day auction of {stored.auction_date}: {outcome}"
        ),
    )


@lifecycle.command(name="record-pkrv")
@click.argument("tenor_days", metavar="TENOR_DAYS", type=click.IntRange(min=1))
@click.argument("quote_date", metavar="DATE", type=ISO_DATE)
@click.argument("pkrv_rate", metavar="RATE", callback=to_decimal)
@ledger_command
def record_pkrv(
    ledger: Ledger, tenor_days: int, quote_date: dt.datetime, pkrv_rate: Decimal
) -> None:
    """Record the PKRV RATE (a fraction) of TENOR_DAYS on DATE (central bank)."""
    from sovereign_assets.schema.messages import PkrvQuoteSpec

    spec = PkrvQuoteSpec(tenor_days, quote_date.date().isoformat(), pkrv_rate)
    stored = ledger.client.lifecycle.record_pkrv(spec)
    emit(
        ledger.settings,
        plain(stored),
        lambda: click.echo(
            f"recorded PKRV {stored.tenor_days} days on {stored.quote_date}: {rate(stored.rate)}"
        ),
    )


@lifecycle.command(name="resolve-fixing")
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("period", metavar="PERIOD", type=ISO_DATE)
@ledger_command
def resolve_fixing(ledger: Ledger, instrument_id: str, period: dt.datetime) -> None:
    """Fix a floater's PERIOD (its end date) from the recorded market data: the latest
    auction of the benchmark tenor, else the 5-working-day PKRV average (central bank)."""
    period_id = period.date().isoformat()
    fixed = ledger.client.lifecycle.resolve_fixing(instrument_id, period_id)
    emit(
        ledger.settings,
        plain(fixed),
        lambda: click.echo(
            f"fixed {instrument_id} period {period_id} at {rate(fixed.rate)} ({fixed.source}, "
            f"as of {fixed.fixing_date}; evidence {', '.join(fixed.evidence_dates)})"
        ),
    )
