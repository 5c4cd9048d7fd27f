"""How ledger values cross the CLI boundary: amounts, tables, JSON in and out.

Owns the one money formatter (:func:`rupees`: exact, integer arithmetic only), the plain
table printer, the ``--json`` option shared by the ledger commands, :func:`plain` (records
to JSON-ready values with decimals as strings) and :func:`parse_into` (a JSON document
checked field by field into a schema dataclass, so a bad spec file is reported by field
name before anything is sent). Both go through :mod:`ledger_codec`, the codec the chaincode
and the typed client use, so the CLI accepts exactly what the ledger accepts.

Must not import: grpc, fabric_gateway, sovereign_client, sovereign_network (this module
loads on every ledger command; the heavy modules load only where a command needs them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import click

import ledger_codec
from sovereign_cli.common import ExitCode, Settings, fail

T = TypeVar("T")
P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of text (errors too, on stderr)."
)


def with_json(settings: Settings, as_json: bool) -> Settings:
    """``--json`` after the verb means the same as before the noun."""
    settings.as_json = settings.as_json or as_json
    return settings


def json_command(command: Callable[Concatenate[Settings, P], None]) -> Callable[..., None]:
    """Make ``command(settings, **params)`` a click callback with ``--json`` (the same after
    the verb as before the noun). Put it under the command's own argument and option
    decorators; :func:`sovereign_cli.connection.ledger_command` builds on it."""

    @json_option
    @click.pass_obj
    @functools.wraps(command)
    def run(settings: Settings, /, *args: Any, as_json: bool, **params: Any) -> None:
        command(with_json(settings, as_json), *args, **params)

    return run


# -- money ------------------------------------------------------------------------------


def rupees(minor: int, exponent: int = 2) -> str:
    """Minor units as major units with thousands separators: ``125000000`` -> ``1,250,000.00``.

    Integer arithmetic only (no float ever sees the amount), so every paisa shows exactly.
    """
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError("amounts are int minor units")
    sign = "-" if minor < 0 else ""
    if exponent == 0:
        return f"{sign}{abs(minor):,}"
    whole, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole:,}.{fraction:0{exponent}d}"


def rate(value: Decimal | None) -> str:
    """A rate or price as written on the ledger, in plain notation (``-`` when absent)."""
    return "-" if value is None else ledger_codec.plain_decimal(value)


# -- tables -----------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: int = 0) -> None:
    """Print ``rows`` under ``headers`` in aligned columns; the last ``right`` columns
    (amounts) are right-aligned. An empty table says so instead of printing a header."""
    if not rows:
        click.echo("(none)")
        return
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    first_right = len(headers) - right

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if i >= first_right else v.ljust(widths[i])
            for i, v in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    click.echo(line(list(headers)))
    for row in cells:
        click.echo(line(row))


def fields(pairs: Sequence[tuple[str, object]]) -> None:
    """Print ``name  value`` lines, names aligned."""
    width = max(len(name) for name, _ in pairs)
    for name, value in pairs:
        click.echo(f"{name.ljust(width)}  {value}")


# -- JSON out ---------------------------------------------------------------------------


def plain(value: object) -> Any:
    """A record (dataclass, list, dict ...) as JSON-ready values, as the ledger writes them
    (:func:`ledger_codec.to_json_value`): decimals as plain text (never an exponent), enums
    as their values, so ``--json`` output can be fed back as input."""
    return ledger_codec.to_json_value(value)


# -- JSON in ----------------------------------------------------------------------------


class SpecError(ValueError):
    """A document does not fit its dataclass; the message names the field."""


def load_json(path: Path, what: str) -> object:
    """The JSON document in ``path``, read as strictly as the chaincode reads it
    (:func:`ledger_codec.loads`: no duplicate keys, no floats - decimals are written as
    strings); a usage error naming the file when it is not such JSON."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {what} {path}: {exc}", ExitCode.USAGE)
    try:
        return ledger_codec.loads(data)
    except ledger_codec.CodecError as exc:
        fail(f"{what} {path} is not JSON the ledger accepts: {exc}", ExitCode.USAGE)


def load_spec(path: Path, cls: type[T], what: str) -> T:
    """``path`` read and checked into ``cls``; a usage error naming the field if it does
    not fit."""
    data = load_json(path, what)
    try:
        return parse_into(cls, data)
    except SpecError as exc:
        fail(f"{what} {path}: {exc}", ExitCode.USAGE)


def parse_into(cls: type[T], data: object) -> T:
    """``data`` (parsed JSON) as an instance of the dataclass ``cls``, checked as the
    chaincode checks it (:func:`ledger_codec.from_json_value`).

    Unknown and missing fields, wrong types, bad enum values, booleans where numbers
    belong and numbers where decimal strings belong are refused with a
    :class:`SpecError` whose message starts with the field's path
    (``bars[0].weight_mg: expected an integer``).
    """
    try:
        value: T = ledger_codec.from_json_value(cls, data, "")
    except ledger_codec.CodecError as exc:
        cause = exc.__cause__
        # A record's own check (``__post_init__``) explains itself: the text is the
        # user's own document, so it may be shown here (never on the ledger).
        detail = f" ({cause})" if isinstance(cause, ValueError) and str(cause) else ""
        raise SpecError(f"{exc}{detail}") from None
    return value


# -- arguments --------------------------------------------------------------------------


def to_decimal(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    """Click callback: a rate or price argument parsed exactly, as the chaincode parses it
    (a usage error unless it is plain decimal text such as ``0.0725``)."""
    del ctx, param
    if value is None:
        return None
    try:
        return ledger_codec.parse_decimal(value, "value")
    except ledger_codec.CodecError:
        raise click.BadParameter(
            f"{value!r} is not a decimal number in plain notation, such as 0.0725"
        ) from None


AMOUNT = click.IntRange(min=1)
"""A positive amount in minor units (paisa, or mg for commodities)."""


def transfer_arguments(amount: click.ParamType[int] = AMOUNT) -> Callable[[F], F]:
    """INSTRUMENT FROM TO AMOUNT: the arguments of a transfer and of its dry run."""

    def decorate(command: F) -> F:
        for argument in reversed(
            [
                click.argument("instrument_id", metavar="INSTRUMENT"),
                click.argument("from_account", metavar="FROM"),
                click.argument("to_account", metavar="TO"),
                click.argument("amount", type=amount),
            ]
        ):
            command = argument(command)
        return command

    return decorate


ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])
