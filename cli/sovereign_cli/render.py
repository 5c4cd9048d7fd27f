"""How ledger values cross the CLI boundary: amounts, tables, JSON in and out.

Owns the one money formatter (:func:`rupees`: exact, integer arithmetic only), the plain
table printer, the ``--json`` option shared by the ledger commands, :func:`plain` (records
to JSON-ready values with decimals as strings) and :func:`parse_into` (a JSON document
checked field by field into a schema dataclass, so a bad spec file is reported by field
name before anything is sent).

Must not import: grpc, fabric_gateway, sovereign_client, sovereign_network (this module
loads on every ledger command; the heavy modules load only where a command needs them).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import click

from sovereign_cli.common import ExitCode, Settings, fail

T = TypeVar("T")

json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def with_json(settings: Settings, as_json: bool) -> Settings:
    """``--json`` after the verb means the same as before the noun."""
    settings.as_json = settings.as_json or as_json
    return settings


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
    """A rate or price as written on the ledger (``-`` when absent)."""
    return "-" if value is None else str(value)


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
    """A record (dataclass, list, dict ...) as JSON-ready values.

    Decimals become their exact strings and enums their values, the same form the ledger
    stores, so ``--json`` output can be fed back as input.
    """
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


# -- JSON in ----------------------------------------------------------------------------


class SpecError(ValueError):
    """A document does not fit its dataclass; the message names the field."""


def load_json(path: Path, what: str) -> object:
    """The JSON document in ``path`` (numbers with a fraction kept exact as ``Decimal``);
    a usage error naming the file when it is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {what} {path}: {exc}", ExitCode.USAGE)
    except json.JSONDecodeError as exc:
        fail(f"{what} {path} is not JSON: {exc}", ExitCode.USAGE)


def load_spec(path: Path, cls: type[T], what: str) -> T:
    """``path`` read and checked into ``cls``; a usage error naming the field if it does
    not fit."""
    data = load_json(path, what)
    try:
        return parse_into(cls, data)
    except SpecError as exc:
        fail(f"{what} {path}: {exc}", ExitCode.USAGE)


def parse_into(cls: type[T], data: object) -> T:
    """``data`` (parsed JSON) as an instance of the dataclass ``cls``, checked strictly.

    Unknown and missing fields, wrong types, bad enum values, booleans where numbers
    belong and fractional numbers where integers or decimal strings belong are refused
    with a :class:`SpecError` whose message starts with the field's path
    (``bars[0].weight_mg: expected an integer``).
    """
    value: T = _convert(cls, data, "")
    return value


def _where(path: str) -> str:
    return path or "document"


def _convert(tp: Any, value: object, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(options[0], value, path)
    if tp is str:
        if not isinstance(value, str):
            raise SpecError(f"{_where(path)}: expected a string")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise SpecError(f"{_where(path)}: expected true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(f"{_where(path)}: expected an integer (minor units)")
        return value
    if tp is Decimal:
        return _decimal(value, path)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            known = ", ".join(str(m.value) for m in tp)
            raise SpecError(f"{_where(path)}: {value!r} is not one of {known}") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp, value, path)
    if origin is list:
        (inner,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise SpecError(f"{_where(path)}: expected a list")
        return [_convert(inner, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        _, inner = typing.get_args(tp)
        if not isinstance(value, dict):
            raise SpecError(f"{_where(path)}: expected an object")
        return {k: _convert(inner, v, f"{path}.{k}" if path else k) for k, v in value.items()}
    raise TypeError(f"no conversion for {tp!r}")  # a schema type this parser lacks


def _decimal(value: object, path: str) -> Decimal:
    # Rates and prices are written as strings ("0.07"): a JSON number with a fraction is
    # a float to most producers, and the ledger refuses floats, so refuse it here first.
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise SpecError(f"{_where(path)}: {value!r} is not a decimal number") from None
        if not number.is_finite():
            raise SpecError(f"{_where(path)}: {value!r} is not a finite number")
        return number
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise SpecError(f'{_where(path)}: expected a decimal written as a string, e.g. "0.07"')


def _dataclass(cls: type[Any], value: object, path: str) -> Any:
    if not isinstance(value, dict):
        raise SpecError(f"{_where(path)}: expected an object")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if f.init}
    prefix = f"{path}." if path else ""
    for name in value:
        if name not in known:
            raise SpecError(f"{prefix}{name}: unknown field")
    kwargs: dict[str, Any] = {}
    for name, f in known.items():
        if name not in value:
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required:
                raise SpecError(f"{prefix}{name}: missing")
            continue
        kwargs[name] = _convert(hints[name], value[name], prefix + name)
    return cls(**kwargs)


# -- arguments --------------------------------------------------------------------------


def to_decimal(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    """Click callback: a rate or price argument parsed exactly (a usage error if it is
    not a finite decimal number)."""
    del ctx, param
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise click.BadParameter(f"{value!r} is not a finite number")
    return number


AMOUNT = click.IntRange(min=1)
"""A positive amount in minor units (paisa, or mg for commodities)."""
ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])
