"""``sov auction``: primary auctions from announcement to settlement against cash.

Owns the auction commands and how an auction reads on the terminal. A bid is sealed: the
command sends it as transient data endorsed by the signer's organisation alone, and
``bids`` shows the signer's own bids only. Must not import at module level: grpc,
fabric_gateway, sovereign_client.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import ExitCode, emit, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import (
    AMOUNT,
    ISO_DATE,
    fields,
    plain,
    rate,
    rupees,
    table,
    to_decimal,
)

if TYPE_CHECKING:
    from sovereign_assets.schema.records import AllotmentRecord, AuctionRecord


@click.group()
def auction() -> None:
    """Primary auctions: announce, sealed bids, close, cut-off, results, settle."""


def _tenor(text: str, option: str) -> tuple[str, str]:
    instrument, sep, value = text.partition("=")
    if not sep or not instrument or not value:
        raise click.BadParameter(f"expected INSTRUMENT=VALUE, got {text!r}", param_hint=option)
    return instrument, value


def _amount(text: str, option: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise click.BadParameter(f"{text!r} is not an amount in minor units", param_hint=option)
    return int(text)


def _decimal(text: str, option: str) -> Decimal:
    value = to_decimal(click.get_current_context(), click.Option([option]), text)
    assert value is not None
    return value


def auction_fields(record: AuctionRecord) -> None:
    """Print an auction, one field per line, then its results per tenor."""
    fields(
        [
            ("auction", record.auction_id),
            ("state", record.state),
            ("auction date", f"{record.auction_date}, bids close {record.close_time}"),
            ("settles on", record.settlement_date),
            ("type", f"{record.auction_type}, bids in {record.bid_basis}"),
            ("competitive", record.competitive_bidders),
            (
                "allotments",
                f"{record.settled} of {record.allotments} settled, {record.refused} refused",
            ),
            ("face settled", rupees(record.face_settled)),
            ("cash settled", rupees(record.cash_settled)),
            ("face refused", rupees(record.face_refused)),
        ]
    )
    targets = {o.instrument_id: o.target for o in record.offerings}
    click.echo()
    table(
        ["TENOR", "TARGET", "CUT-OFF", "WA YIELD", "WA PRICE", "OFFERED", "ACCEPTED", "NON-COMP"],
        [
            [
                r.instrument_id,
                rupees(targets[r.instrument_id]),
                "rejected" if r.rejected else (r.cutoff if r.cutoff is not None else "-"),
                rate(r.weighted_average_yield) if record.bid_basis != "MARGIN" else "-",
                r.weighted_average_price if r.weighted_average_price is not None else "-",
                rupees(r.competitive_offered + r.non_competitive_offered),
                rupees(r.accepted),
                rupees(r.non_competitive_accepted),
            ]
            for r in record.results
        ]
        or [
            [o.instrument_id, rupees(o.target), "-", "-", "-", "-", "-", "-"]
            for o in record.offerings
        ],
        right=1,
    )


def allotment_table(allotments: list[AllotmentRecord]) -> None:
    """Accepted bids and what each pays."""
    table(
        ["BID", "ACCOUNT", "PAYER", "FACE", "PRICE", "ACCRUED", "CASH", "SETTLED"],
        [
            [
                a.bid_id,
                a.account_id,
                a.payer_account,
                rupees(a.amount),
                a.price_per_100,
                rupees(a.accrued_interest),
                rupees(a.cash_amount),
                a.settled_on or (f"refused {a.refusal}" if a.refusal else "-"),
            ]
            for a in allotments
        ],
        right=3,
    )


@auction.command()
@click.argument("auction_id", metavar="AUCTION")
@click.option(
    "--offer",
    "offers",
    multiple=True,
    required=True,
    metavar="INSTRUMENT=TARGET",
    help="A tenor and its target face (minor units); repeat for each tenor.",
)
@click.option("--auction-date", required=True, type=ISO_DATE, help="Bidding day, YYYY-MM-DD.")
@click.option("--close-time", default="12:00", show_default=True, help="Bids close, HH:MM.")
@click.option("--settle-on", required=True, type=ISO_DATE, help="Settlement date, YYYY-MM-DD.")
@click.option(
    "--basis",
    type=click.Choice(["PRICE", "YIELD", "MARGIN"]),
    default="PRICE",
    show_default=True,
    help="What competitive bids state: price per 100, yield, or margin (bps).",
)
@click.option(
    "--type",
    "auction_type",
    type=click.Choice(["MULTIPLE_PRICE", "UNIFORM_PRICE"]),
    help="Default: multiple price for bills and bonds, uniform for sukuk.",
)
@click.option(
    "--competitive",
    type=click.Choice(["PRIMARY_DEALERS", "INVESTORS_THROUGH_DEALERS"]),
    default="PRIMARY_DEALERS",
    show_default=True,
    help="Who may bid competitively.",
)
@ledger_command
def announce(
    ledger: Ledger,
    auction_id: str,
    offers: tuple[str, ...],
    auction_date: dt.datetime,
    close_time: str,
    settle_on: dt.datetime,
    basis: str,
    auction_type: str | None,
    competitive: str,
) -> None:
    """Announce AUCTION (the treasury)."""
    from sovereign_assets.schema.messages import AuctionOffering, AuctionSpec

    offerings = []
    for offer in offers:
        instrument, target = _tenor(offer, "--offer")
        offerings.append(AuctionOffering(instrument, _amount(target, "--offer")))
    record = ledger.client.auctions.announce(
        AuctionSpec(
            auction_id,
            offerings,
            auction_date=auction_date.date().isoformat(),
            close_time=close_time,
            settlement_date=settle_on.date().isoformat(),
            bid_basis=basis,
            auction_type=auction_type,
            competitive_bidders=competitive,
        )
    )
    emit(
        ledger.settings,
        plain(record),
        lambda: click.echo(
            f"announced {record.auction_id}: {len(record.offerings)} tenor(s), bids close "
            f"{record.auction_date} {record.close_time}, settles {record.settlement_date}"
        ),
    )


@auction.command()
@click.argument("auction_id", metavar="AUCTION")
@click.option("--id", "bid_id", required=True, help="The bid's id (yours, per account).")
@click.option("--instrument", "instrument_id", required=True, help="The tenor bid for.")
@click.option("--account", "account_id", required=True, help="The account to receive it.")
@click.option("--amount", required=True, type=AMOUNT, help="Face, minor units.")
@click.option(
    "--level",
    callback=to_decimal,
    help="Price per 100, yield or margin (bps), as the auction's basis; "
    "omit for a non-competitive bid.",
)
@click.option("--amend", is_flag=True, help="Replace your bid with this id.")
@ledger_command
def bid(
    ledger: Ledger,
    auction_id: str,
    bid_id: str,
    instrument_id: str,
    account_id: str,
    amount: int,
    level: Decimal | None,
    amend: bool,
) -> None:
    """Place (or --amend) a sealed bid in AUCTION; only its hash reaches the ledger."""
    from sovereign_assets.schema.messages import BidSpec

    spec = BidSpec(auction_id, bid_id, instrument_id, account_id, amount, level)
    section = ledger.client.auctions
    receipt = section.amend(spec) if amend else section.bid(spec)
    emit(
        ledger.settings,
        plain(receipt),
        lambda: click.echo(
            f"{'amended' if amend else 'placed'} sealed bid {receipt.bid_id} on "
            f"{receipt.account_id}: sha256 {receipt.bid_sha256}"
        ),
    )


@auction.command()
@click.argument("auction_id", metavar="AUCTION")
@click.option("--id", "bid_id", required=True)
@click.option("--account", "account_id", required=True)
@ledger_command
def withdraw(ledger: Ledger, auction_id: str, bid_id: str, account_id: str) -> None:
    """Withdraw one of your bids while AUCTION is open."""
    receipt = ledger.client.auctions.withdraw(auction_id, account_id, bid_id)
    emit(
        ledger.settings,
        plain(receipt),
        lambda: click.echo(f"withdrew bid {receipt.bid_id} on {receipt.account_id}"),
    )


@auction.command()
@click.argument("auction_id", metavar="AUCTION")
@ledger_command
def bids(ledger: Ledger, auction_id: str) -> None:
    """Your own bids in AUCTION (the whole book for the treasury and the central bank once
    it is closed)."""
    found = ledger.client.auctions.bids(auction_id)

    def human() -> None:
        table(
            ["BID", "TENOR", "ACCOUNT", "AMOUNT", "LEVEL", "SHA-256"],
            [
                [
                    b.bid_id,
                    b.instrument_id,
                    b.account_id,
                    rupees(b.amount),
                    b.level if b.level is not None else "non-comp",
                    b.bid_sha256[:16],
                ]
                for b in found
            ],
        )

    emit(ledger.settings, plain(found), human)


@auction.command()
@click.argument("auction_id", metavar="AUCTION")
@ledger_command
def close(ledger: Ledger, auction_id: str) -> None:
    """Close AUCTION to bids (the central bank)."""
    record = ledger.client.auctions.close(auction_id)
    emit(
        ledger.settings,
        plain(record),
        lambda: click.echo(f"closed {record.auction_id}: {record.state}"),
    )


@auction.command()
@click.argument("auction_id", metavar="AUCTION")
@click.option(
    "--tenor",
    "tenors",
    multiple=True,
    metavar="INSTRUMENT=LEVEL[@AMOUNT]",
    help="A tenor's cut-off level and, optionally, the face accepted competitively.",
)
@click.option("--reject", "rejected", multiple=True, metavar="INSTRUMENT", help="Reject a tenor.")
@ledger_command
def cutoff(
    ledger: Ledger, auction_id: str, tenors: tuple[str, ...], rejected: tuple[str, ...]
) -> None:
    """Set each tenor's cut-off or reject it (the treasury); publishes the results."""
    from sovereign_assets.schema.messages import CutOffSpec

    if not tenors and not rejected:
        fail("give --tenor INSTRUMENT=LEVEL or --reject INSTRUMENT for each tenor", ExitCode.USAGE)
    choices = [CutOffSpec(i, reject_all=True) for i in rejected]
    for text in tenors:
        instrument, value = _tenor(text, "--tenor")
        level, sep, accept = value.partition("@")
        choices.append(
            CutOffSpec(
                instrument,
                level=_decimal(level, "--tenor"),
                accept_amount=_amount(accept, "--tenor") if sep else None,
            )
        )
    record = ledger.client.auctions.cut_off(auction_id, choices)
    emit(ledger.settings, plain(record), lambda: auction_fields(record))


@auction.command()
@click.argument("auction_id", metavar="AUCTION")
@ledger_command
def results(ledger: Ledger, auction_id: str) -> None:
    """AUCTION's state, results per tenor and allotments."""
    record = ledger.client.auctions.results(auction_id)
    allotments = ledger.client.auctions.allotments(auction_id)

    def human() -> None:
        auction_fields(record)
        if allotments:
            click.echo()
            allotment_table(allotments)

    emit(ledger.settings, {"auction": plain(record), "allotments": plain(allotments)}, human)


@auction.command()
@click.argument("auction_id", metavar="AUCTION")
@click.option(
    "--batch",
    "batch_size",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Allotments per transaction.",
)
@ledger_command
def settle(ledger: Ledger, auction_id: str, batch_size: int) -> None:
    """Settle AUCTION's allotments against cash (the central bank), batch after batch
    until none is left; safe to run again after an interruption."""
    total = ledger.client.auctions.settle_in_full(auction_id, batch_size)
    emit(
        ledger.settings,
        plain(total),
        lambda: click.echo(
            f"settled {total.settled} allotment(s) of {total.auction_id}: face "
            f"{rupees(total.face)}, cash {rupees(total.cash)}"
            + (
                f"; refused {total.refused} (face {rupees(total.face_refused)}, not issued;"
                " see `sov auction results`)"
                if total.refused
                else ""
            )
        ),
    )
