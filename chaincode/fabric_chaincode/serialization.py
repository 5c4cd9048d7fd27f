"""Canonical JSON and typed conversion between transaction arguments and Python values.

Owns the ledger's JSON form (sorted keys, compact separators, UTF-8, ``Decimal`` as a string,
bytes as base64, floats REJECTED both ways), the parsing of string/bytes arguments into
annotated parameter types (str, int, bool, bytes, Decimal, Enum, dataclasses, ``list[...]``,
``dict[str, ...]``, ``X | None``), the serialization of return values, and the JSON schema of
those types for contract metadata. Pure; imports only :mod:`fabric_chaincode.errors`.
Error messages name the parameter and the expected type, never the offending value.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import functools
import json
import re
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fabric_chaincode.errors import InvalidArgumentError

_INT = re.compile(r"^-?(0|[1-9][0-9]{0,99})$")
_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")


class CanonicalJsonError(TypeError):
    """A value has no canonical JSON form (a float, a non-string key, an unknown type)."""


# --------------------------------------------------------------------------- canonical JSON


def to_json_value(value: object) -> object:
    """Convert to plain JSON values: dataclasses to objects, Decimal to string, bytes to base64."""
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        raise CanonicalJsonError("floats are not allowed in ledger JSON; use int or Decimal")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CanonicalJsonError("non-finite Decimal has no JSON form")
        return format(value, "f")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalJsonError("JSON object keys must be strings")
            out[key] = to_json_value(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    raise CanonicalJsonError(f"{type(value).__name__} has no canonical JSON form")


def dumps(value: object) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8, no floats."""
    return json.dumps(
        to_json_value(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def _reject_float(text: str) -> object:
    raise InvalidArgumentError("JSON numbers with a fraction or exponent are not accepted")


def _reject_constant(text: str) -> object:
    raise InvalidArgumentError("NaN and Infinity are not accepted")


def loads(data: bytes | str) -> object:
    """Parse JSON, refusing floats, NaN and Infinity."""
    try:
        return json.loads(data, parse_float=_reject_float, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidArgumentError(f"malformed JSON at position {exc.pos}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidArgumentError("JSON is not valid UTF-8") from exc


# --------------------------------------------------------------------------- typed conversion


def _name(tp: object) -> str:
    return getattr(tp, "__name__", None) or str(tp)


def _optional_inner(tp: object) -> object | None:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return typing.cast(object, args[0])
        raise TypeError(f"unsupported union type {tp}")
    return None


def _parse_decimal(text: str, where: str) -> Decimal:
    if not _DECIMAL.match(text):
        raise InvalidArgumentError(f"{where}: expected a decimal number such as 12.50")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid text
        raise InvalidArgumentError(f"{where}: expected a decimal number") from exc


@functools.cache
def _init_fields(tp: type) -> dict[str, tuple[Any, bool]]:
    """A dataclass's ``__init__`` fields: name -> (resolved type, required), in order.

    Resolving string annotations (``typing.get_type_hints``) compiles and evaluates each one,
    which cost more than all the rest of decoding a record; a class's fields never change, so
    they are resolved once per class.
    """
    hints = typing.get_type_hints(tp)
    return {
        f.name: (
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(tp)
        if f.init
    }


def from_json_value(tp: Any, value: object, where: str) -> Any:
    """Check and convert a parsed JSON value to type ``tp``."""
    inner = _optional_inner(tp)
    if inner is not None:
        return None if value is None else from_json_value(inner, value, where)
    origin = typing.get_origin(tp)
    if tp is str:
        if not isinstance(value, str):
            raise InvalidArgumentError(f"{where}: expected a string")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise InvalidArgumentError(f"{where}: expected true or false")
        return value
    if tp is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgumentError(f"{where}: expected an integer")
        return value
    if tp is Decimal:
        if isinstance(value, str):
            return _parse_decimal(value, where)
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        raise InvalidArgumentError(f"{where}: expected a decimal as a string")
    if tp is bytes:
        if not isinstance(value, str):
            raise InvalidArgumentError(f"{where}: expected base64 text")
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise InvalidArgumentError(f"{where}: expected base64 text") from exc
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        for member in tp:
            if member.value == value:
                return member
        raise InvalidArgumentError(f"{where}: expected one of {[m.value for m in tp]}")
    if origin is list:
        (item_type,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise InvalidArgumentError(f"{where}: expected a JSON array")
        return [from_json_value(item_type, item, f"{where}[{i}]") for i, item in enumerate(value)]
    if origin is dict:
        key_type, item_type = typing.get_args(tp)
        if key_type is not str:
            raise TypeError("only dict[str, ...] is supported")
        if not isinstance(value, dict):
            raise InvalidArgumentError(f"{where}: expected a JSON object")
        return {k: from_json_value(item_type, v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise InvalidArgumentError(f"{where}: expected a JSON object ({tp.__name__})")
        fields = _init_fields(tp)
        unknown = sorted(set(value) - set(fields))
        if unknown:
            raise InvalidArgumentError(f"{where}: unknown field(s) {unknown}")
        kwargs = {}
        for name, (field_type, required) in fields.items():
            if name in value:
                kwargs[name] = from_json_value(field_type, value[name], f"{where}.{name}")
            elif required:
                raise InvalidArgumentError(f"{where}: missing field {name!r}")
        try:
            return tp(**kwargs)
        except (ValueError, TypeError) as exc:
            raise InvalidArgumentError(f"{where}: invalid {tp.__name__}") from exc
    raise TypeError(f"unsupported type {_name(tp)}")


def parse_argument(tp: Any, raw: bytes, where: str) -> Any:
    """Parse one transaction argument (as sent: bytes) to the annotated type."""
    if tp is bytes:
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArgumentError(f"{where}: not valid UTF-8") from exc
    inner = _optional_inner(tp)
    if inner is not None:
        return None if text == "" else parse_argument(inner, raw, where)
    if tp is str:
        return text
    if tp is int:
        if not _INT.match(text):
            raise InvalidArgumentError(f"{where}: expected an integer")
        return int(text)
    if tp is bool:
        if text not in ("true", "false"):
            raise InvalidArgumentError(f"{where}: expected true or false")
        return text == "true"
    if tp is Decimal:
        return _parse_decimal(text, where)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        value: object = text
        if not any(isinstance(m.value, str) for m in tp):
            value = loads(text)
        return from_json_value(tp, value, where)
    return from_json_value(tp, loads(text), where)


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
        return str(to_json_value(value)).encode("ascii")
    return dumps(value)


# --------------------------------------------------------------------------- JSON schema


def json_schema(tp: Any, components: dict[str, object]) -> dict[str, object]:
    """The JSON schema of a type; dataclasses go to ``components`` and are referenced."""
    inner = _optional_inner(tp)
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
        return {"type": "string", "pattern": _DECIMAL.pattern}
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
                    and _optional_inner(hints[f.name]) is None
                ),
                "additionalProperties": False,
            }
        return {"$ref": f"#/components/schemas/{name}"}
    raise TypeError(f"unsupported type {_name(tp)}")
