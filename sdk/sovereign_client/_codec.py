"""Arguments to strings and results back to typed values, in the chaincode's JSON form.

Strings pass as they are; integers as decimal text; ``Decimal`` as its string (never a
float); dataclasses, lists and dicts as canonical JSON (sorted keys, compact) with enums
as their values. Results decode into the schema's dataclasses by their annotations.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        raise TypeError("floats are not accepted: use int minor units or Decimal")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def encode_argument(value: object) -> str:
    """One transaction argument as the string the chaincode parses."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | enum.Enum | float):
        plain = _plain(value)
        return str(plain)
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _convert(tp: Any, value: object) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return None if value is None else _convert(args[0], value)
    if tp is Any:
        return value
    if tp is Decimal:
        return Decimal(str(value))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ValueError(f"expected an object for {tp.__name__}")
        hints = typing.get_type_hints(tp)
        kwargs = {
            f.name: _convert(hints[f.name], value[f.name])
            for f in dataclasses.fields(tp)
            if f.init and f.name in value
        }
        return tp(**kwargs)
    if origin is list:
        (inner,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ValueError("expected a list")
        return [_convert(inner, v) for v in value]
    if origin is dict:
        _, inner = typing.get_args(tp)
        if not isinstance(value, dict):
            raise ValueError("expected an object")
        return {k: _convert(inner, v) for k, v in value.items()}
    return value


def _parse(data: bytes) -> object:
    return json.loads(data.decode("utf-8"), parse_float=Decimal)


Decoder = typing.Callable[[bytes], T]
"""Turns a transaction's result bytes into a typed value."""


def one(tp: type[T]) -> Decoder[T]:
    """Decode a single value of ``tp`` (a schema dataclass)."""

    def decode(data: bytes) -> T:
        value: T = _convert(tp, _parse(data))
        return value

    return decode


def many(tp: type[T]) -> Decoder[list[T]]:
    """Decode a JSON list of ``tp``."""

    def decode(data: bytes) -> list[T]:
        value: list[T] = _convert(list[tp], _parse(data))  # type: ignore[valid-type]
        return value

    return decode


def nothing(data: bytes) -> None:
    """A transaction that returns nothing."""
    del data
