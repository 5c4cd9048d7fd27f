"""Transaction arguments and results in the ledger's JSON form, and their JSON schema.

The JSON form itself - canonical writing, strict reading, the dataclass conversion - is
:mod:`ledger_codec`, the one codec the chaincode, the typed client and the CLI share. This
module adapts it to the runtime: it parses string/bytes arguments into annotated parameter
types (str, int, bool, bytes, Decimal, Enum, dataclasses, ``list[...]``, ``dict[str, ...]``,
``X | None``), turns every refusal into :class:`~fabric_chaincode.errors.InvalidArgumentError`
(code ``INVALID_ARGUMENT``), serializes return values, and describes the types as JSON schema
for contract metadata. Pure; imports only :mod:`ledger_codec` and :mod:`fabric_chaincode.errors`.
Error messages name the parameter and the expected type, never the offending value.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from decimal import Decimal
from typing import Any

import ledger_codec
from fabric_chaincode.errors import InvalidArgumentError
from ledger_codec import CodecError, dumps, to_json_value

__all__ = [
    "CodecError",
    "dumps",
    "from_json_value",
    "json_schema",
    "loads",
    "parse_argument",
    "serialize_result",
    "to_json_value",
]


def loads(data: bytes | str) -> object:
    """Parse JSON strictly (:func:`ledger_codec.loads`); refusals are INVALID_ARGUMENT."""
    try:
        return ledger_codec.loads(data)
    except CodecError as exc:
        raise InvalidArgumentError(str(exc)) from None


def from_json_value(tp: Any, value: object, where: str) -> Any:
    """Check and convert a parsed JSON value to ``tp``; refusals are INVALID_ARGUMENT."""
    try:
        return ledger_codec.from_json_value(tp, value, where)
    except CodecError as exc:
        raise InvalidArgumentError(str(exc)) from None


def parse_argument(tp: Any, raw: bytes, where: str) -> Any:
    """Parse one transaction argument (as sent: bytes) to the annotated type.

    Every argument must be UTF-8 text (except a ``bytes`` parameter, passed as sent);
    scalars are plain text (``12``, ``true``, ``0.07``), everything else strict JSON.
    """
    if tp is bytes:
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgumentError(f"{where}: not valid UTF-8") from None
    inner = ledger_codec.optional_inner(tp)
    if inner is not None:
        return None if text == "" else parse_argument(inner, raw, where)
    try:
        if tp is str:
            return text
        if tp is int:
            return ledger_codec.parse_integer(text, where)
        if tp is bool:
            if text not in ("true", "false"):
                raise CodecError(f"{where}: expected true or false")
            return text == "true"
        if tp is Decimal:
            return ledger_codec.parse_decimal(text, where)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            value: object = text
            if not any(isinstance(m.value, str) for m in tp):
                value = _parse(text, where)
            return ledger_codec.from_json_value(tp, value, where)
        return ledger_codec.from_json_value(tp, _parse(text, where), where)
    except CodecError as exc:
        raise InvalidArgumentError(str(exc)) from None


def _parse(text: str, where: str) -> object:
    try:
        return ledger_codec.loads(text)
    except CodecError as exc:
        raise CodecError(f"{where}: {exc}") from None


def serialize_result(value: object) -> bytes:
    """A transaction's return value as response payload bytes."""
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, enum.Enum):
        return serialize_result(value.value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, int):
        return str(value).encode("ascii")
    if isinstance(value, Decimal):
        return ledger_codec.plain_decimal(value).encode("ascii")
    return dumps(value)


# --------------------------------------------------------------------------- JSON schema


def json_schema(tp: Any, components: dict[str, object]) -> dict[str, object]:
    """The JSON schema of a type; dataclasses go to ``components`` and are referenced."""
    inner = ledger_codec.optional_inner(tp)
    if inner is not None:
        return json_schema(inner, components)
    origin = typing.get_origin(tp)
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is Decimal:
        # JSON schema patterns search (ECMA-262, where ``$`` is the very end): anchor both.
        return {"type": "string", "pattern": f"^(?:{ledger_codec.DECIMAL_PATTERN.pattern})$"}
    if tp is bytes:
        return {"type": "string", "format": "byte"}
    if tp is None or tp is type(None):
        return {}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    if origin is list:
        return {"type": "array", "items": json_schema(typing.get_args(tp)[0], components)}
    if origin is dict:
        return {
            "type": "object",
            "additionalProperties": json_schema(typing.get_args(tp)[1], components),
        }
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in components:
            components[name] = {}  # placeholder breaks recursion
            hints = typing.get_type_hints(tp)
            fields = dataclasses.fields(tp)
            components[name] = {
                "$id": name,
                "type": "object",
                "properties": {f.name: json_schema(hints[f.name], components) for f in fields},
                "required": sorted(
                    f.name
                    for f in fields
                    if f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING
                    and ledger_codec.optional_inner(hints[f.name]) is None
                ),
                "additionalProperties": False,
            }
        return {"$ref": f"#/components/schemas/{name}"}
    raise TypeError(f"unsupported type {getattr(tp, '__name__', tp)}")
