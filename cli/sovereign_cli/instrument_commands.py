"""``sov instrument``: create, approve and issue; terms and schedules (pausing is a
controller action: ``sov control pause``).

Owns the instrument commands and how an instrument reads on the terminal
(:func:`instrument_fields`, :func:`face`). Must not import at module level: grpc,
fabric_gateway, sovereign_client (they load inside the commands that reach the ledger).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import ExitCode, Settings, emit, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import (
    SpecError,
    fields,
    load_json,
    load_spec,
    parse_into,
    plain,
    rate,
    rupees,
    table,
    to_decimal,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from sovereign_assets.schema.messages import Allotment
    from sovereign_assets.schema.records import InstrumentRecord


@click.group()
def instrument() -> None:
    """Create, approve, issue and inspect sovereign instruments."""


def face(record: InstrumentRecord, amount: int) -> str:
    """Face ``amount`` of ``record`` for people: rupees, or milligrams for commodities."""
    if record.spec.kind.value == "COMMODITY_RESERVE":
        return f"{amount:,} mg"
    return rupees(amount)


def status_of(record: InstrumentRecord) -> str:
    """The status with the pause flag, e.g. ``ISSUED (paused)``."""
    return record.status.value + (" (paused)" if record.paused else "")


def instrument_fields(record: InstrumentRecord) -> None:
    """Print one instrument's terms and state, one per line."""
    spec = record.spec
    pairs: list[tuple[str, object]] = [
        ("instrument", spec.instrument_id),
        ("kind", spec.kind.value),
        ("status", status_of(record)),
        ("issue date", spec.issue_date or "-"),
        ("maturity", spec.maturity_date or "-"),
    ]
    if spec.first_coupon_date:
        pairs.append(("first coupon", spec.first_coupon_date))
    if spec.penultimate_coupon_date:
        pairs.append(("penultimate coupon", spec.penultimate_coupon_date))
    if spec.end_of_month:
        pairs.append(("coupon dates", "month ends"))
    if spec.coupon_rate is not None:
        pairs.append(("coupon rate", rate(spec.coupon_rate)))
    if spec.rental_rate is not None:
        pairs.append(("rental rate", rate(spec.rental_rate)))
    if spec.benchmark_tenor_days is not None:
        pairs.append(("benchmark", f"{spec.benchmark_tenor_days}d + {spec.margin_bps} bps"))
    pairs += [
        ("denomination", face(record, spec.min_denomination)),
        ("issued", face(record, record.issued)),
        ("redeemed", face(record, record.redeemed)),
        ("outstanding", face(record, record.issued - record.redeemed)),
        ("periods paid", record.periods_paid),
    ]
    if record.fixings:
        shown = ", ".join(f"{p}={rate(r)}" for p, r in sorted(record.fixings.items()))
        pairs.append(("fixings", shown))
    if record.open_run:
        pairs.append(("payment run", f"{record.open_run} in progress"))
    fields(pairs)


def _emit_record(settings: Settings, record: InstrumentRecord, verb: str) -> None:
    emit(
        settings,
        plain(record),
        lambda: click.echo(f"{verb} {record.spec.instrument_id}: {status_of(record)}"),
    )


@instrument.command()
@click.option(
    "--file",
    "spec_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The instrument's terms: an InstrumentSpec as JSON. Examples: "
    "`sov examples show instrument-bill.json` (a T-bill), instrument-bond.json (a PIB).",
)
@ledger_command
def create(ledger: Ledger, spec_file: Path) -> None:
    """Create an instrument in DRAFT from its terms (debt office)."""
    from sovereign_assets.schema.messages import InstrumentSpec

    spec = load_spec(spec_file, InstrumentSpec, "instrument spec")
    record = ledger.client.instruments.create(spec)
    _emit_record(ledger.settings, record, "created")


@instrument.command(name="list")
@ledger_command
def list_(ledger: Ledger) -> None:
    """List every instrument with its status and issued face."""
    records = ledger.client.instruments.list()

    def human() -> None:
        table(
            ["INSTRUMENT", "KIND", "STATUS", "MATURITY", "OUTSTANDING"],
            [
                [
                    r.spec.instrument_id,
                    r.spec.kind.value,
                    status_of(r),
                    r.spec.maturity_date or "-",
                    face(r, r.issued - r.redeemed),
                ]
                for r in records
            ],
            right=1,
        )

    emit(ledger.settings, plain(records), human)


@instrument.command()
@click.argument("instrument_id")
@ledger_command
def show(ledger: Ledger, instrument_id: str) -> None:
    """Show an instrument's terms, status and supply."""
    record = ledger.client.instruments.get(instrument_id)
    emit(ledger.settings, plain(record), lambda: instrument_fields(record))


@instrument.command()
@click.argument("instrument_id")
@ledger_command
def limits(ledger: Ledger, instrument_id: str) -> None:
    """Show the caps (per investor, all non-residents, the issuance programme) and the
    totals they are checked against."""
    found = ledger.client.instruments.limits(instrument_id)

    def amount(value: int | None) -> str:
        return "-" if value is None else rupees(value)

    emit(
        ledger.settings,
        plain(found),
        lambda: fields(
            [
                ("instrument", found.instrument_id),
                ("per-investor cap", amount(found.holding_limit)),
                ("non-resident cap", amount(found.non_resident_limit)),
                ("non-residents hold", amount(found.non_resident_held)),
                ("programme", found.programme_id or "-"),
                ("programme cap", amount(found.programme_cap)),
                ("programme issued", amount(found.programme_issued)),
            ]
        ),
    )


@instrument.command()
@click.argument("instrument_id")
@ledger_command
def schedule(ledger: Ledger, instrument_id: str) -> None:
    """List the future cash flows: kind, period, payment date, amount per unit of face."""
    flows = ledger.client.instruments.schedule(instrument_id)

    def human() -> None:
        table(
            ["KIND", "PERIOD", "PAYMENT DATE", "PER UNIT"],
            [
                [
                    f.kind,
                    f.period_id,
                    f.payment_date,
                    rate(f.amount_per_unit) + (" (provisional)" if f.provisional else ""),
                ]
                for f in flows
            ],
        )

    emit(ledger.settings, plain(flows), human)


def _parse_allotments(pairs: tuple[str, ...], price: Decimal | None) -> list[Allotment]:
    from sovereign_assets.schema.messages import Allotment

    allotments: list[Allotment] = []
    for pair in pairs:
        account, sep, amount = pair.partition("=")
        if not sep or not account or not amount.isdigit() or int(amount) <= 0:
            fail(
                f"--allot {pair!r} is not ACCOUNT=AMOUNT (a positive integer in minor units)",
                ExitCode.USAGE,
            )
        allotments.append(Allotment(account, int(amount), price))
    return allotments


@instrument.command()
@click.argument("instrument_id")
@ledger_command
def approve(ledger: Ledger, instrument_id: str) -> None:
    """Approve a DRAFT instrument (central bank); a sukuk needs a Shariah certificate and a
    commodity token a vault attestation in the document registry (sov document register)."""
    record = ledger.client.instruments.approve(instrument_id)
    _emit_record(ledger.settings, record, "approved")


def _load_allotments(path: Path) -> list[Allotment]:
    from sovereign_assets.schema.messages import Allotment

    data = load_json(path, "allotments")
    if not isinstance(data, list) or not data:
        fail(f"allotments {path}: expected a non-empty list of allotments", ExitCode.USAGE)
    allotments: list[Allotment] = []
    for i, item in enumerate(data):
        try:
            allotments.append(parse_into(Allotment, item))
        except SpecError as exc:
            fail(f"allotments {path}: [{i}] {exc}", ExitCode.USAGE)
    return allotments


@instrument.command()
@click.argument("instrument_id")
@click.option(
    "--allot",
    "allots",
    multiple=True,
    metavar="ACCOUNT=AMOUNT",
    help="Allot face (minor units) to an account, ACCOUNT=AMOUNT (repeatable).",
)
@click.option(
    "--allotments",
    "allotments_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The allotments as a JSON list of {account_id, amount, price_per_100} (instead of "
    "--allot). Example: `sov examples show allotments-bond.json`.",
)
@click.option(
    "--price",
    callback=to_decimal,
    help="The clean price per 100 every --allot allotment is paid at (e.g. 98.2500): "
    "required for a bill, bond or sukuk, refused for a commodity token.",
)
@ledger_command
def issue(
    ledger: Ledger,
    instrument_id: str,
    allots: tuple[str, ...],
    allotments_file: Path | None,
    price: Decimal | None,
) -> None:
    """Issue an APPROVED instrument to the accounts allotted (debt office); each debt
    allotment is paid for in cash at its price (plus accrued interest) in the same
    transaction, from the account's dealer to the treasury."""
    if bool(allots) == (allotments_file is not None):
        fail("give --allot ACCOUNT=AMOUNT (repeatable) or --allotments FILE", ExitCode.USAGE)
    if allotments_file is not None:
        if price is not None:
            fail("--price goes with --allot; a file gives each price_per_100", ExitCode.USAGE)
        allotments = _load_allotments(allotments_file)
    else:
        allotments = _parse_allotments(allots, price)
    record = ledger.client.instruments.issue(instrument_id, allotments)
    total = sum(a.amount for a in allotments)
    emit(
        ledger.settings,
        plain(record),
        lambda: click.echo(
            f"issued {face(record, total)} of {instrument_id} to {len(allotments)} "
            f"account(s): {status_of(record)}"
        ),
    )


@instrument.command(name="bars")
@click.argument("instrument_id")
@ledger_command
def bars(ledger: Ledger, instrument_id: str) -> None:
    """List a commodity token's bars: serial, weight, fineness, vault, ALLOCATED or RELEASED."""
    found = ledger.client.instruments.bars(instrument_id)

    def human() -> None:
        table(
            ["SERIAL", "VAULT", "FINENESS", "STATE", "RELEASED TO", "ON", "WEIGHT MG"],
            [
                [
                    b.serial,
                    b.vault_id,
                    f"{b.fineness}/{b.fineness_scale}",
                    b.state.value,
                    b.released_to or "-",
                    b.released_on or "-",
                    f"{b.weight_mg:,}",
                ]
                for b in found
            ],
            right=1,
        )

    emit(ledger.settings, plain(found), human)
