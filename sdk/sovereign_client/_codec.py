"""Arguments to strings and results back to typed values, through the ledger's one codec.

Strings pass as they are; integers as decimal text; ``Decimal`` in plain notation (never an
exponent: ``Decimal("1E+2")`` goes out as ``100``); enums as their values; dataclasses, lists
and dicts as canonical JSON. Floats are refused. Results are parsed and checked as strictly
as the chaincode parses its arguments (:mod:`ledger_codec`): a result that does not fit the
schema raises :class:`ledger_codec.CodecError` (a ``ValueError``) naming the field.
"""

from __future__ import annotations

import enum
import typing
from decimal import Decimal
from typing import TypeVar

import ledger_codec

T = TypeVar("T")


def encode_argument(value: object) -> str:
    """One transaction argument as the string the chaincode parses."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return ledger_codec.plain_decimal(value)
    if isinstance(value, enum.Enum):
        return encode_argument(value.value)
    if isinstance(value, float):
        raise TypeError("floats are not accepted: use int minor units or Decimal")
    return ledger_codec.dumps(value).decode("utf-8")


Decoder = typing.Callable[[bytes], T]
"""Turns a transaction's result bytes into a typed value."""


def one(tp: type[T]) -> Decoder[T]:
    """Decode a single value of ``tp`` (a schema dataclass)."""

    def decode(data: bytes) -> T:
        return ledger_codec.decode(tp, data, tp.__name__)

    return decode


def many(tp: type[T]) -> Decoder[list[T]]:
    """Decode a JSON list of ``tp``."""

    def decode(data: bytes) -> list[T]:
        value: list[T] = ledger_codec.from_json_value(list[tp], ledger_codec.loads(data), "")  # type: ignore[valid-type]
        return value

    return decode


def nothing(data: bytes) -> None:
    """A transaction that returns nothing."""
    del data
