"""The one JSON <-> dataclass codec of the ledger, used on every side of the wire.

The chaincode (arguments, stored records, return values), the typed client (arguments and
results) and the CLI (spec files, ``--json`` output) all read and write JSON through this
module, so a document one side accepts the others accept too, and a document one side refuses
the others refuse.

Writing (:func:`dumps`, :func:`to_json_value`): canonical JSON - sorted keys, compact
separators, UTF-8; ``Decimal`` as a string in plain notation (``Decimal("1E+2")`` -> ``"100"``,
never an exponent), enums as their values, bytes as base64, dataclasses as objects; floats,
non-finite decimals, non-string keys and lone surrogates have no form and raise
:class:`CodecError`.

Reading (:func:`loads`, :func:`from_json_value`, :func:`decode`): strict. Refused with a
:class:`CodecError`: malformed JSON, text that is not UTF-8 or holds a lone surrogate (raw or
as a ``\\ud800`` escape), a duplicate key in any object, numbers with a fraction or exponent
(floats), ``NaN``/``Infinity``, integers or decimals longer than :data:`MAX_DIGITS` digits,
nesting deeper than :data:`MAX_DEPTH`; then, against a type, every mismatch: unknown or missing
dataclass fields, booleans where numbers belong, numbers where strings belong, decimals not
written as plain decimal text. JSON that is not a ledger value (a CA's answer, a state or
checkpoint file) is read with :func:`loads_unique`, which refuses a duplicate key too but keeps
floats.

Error messages name the path of the failing field (``bars[0].weight_mg: expected an integer``)
and the expected form, never the offending value (it may be personal data, or not printable).
Stdlib only; imports nothing of the project, so every package may use it.
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
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

T = TypeVar("T")

MAX_DIGITS = 100
"""Digits an integer, or each part of a decimal, may have (a bound every computation handles)."""

MAX_DEPTH = 64
"""Nesting of arrays and objects a document may have; no ledger document comes close."""

INTEGER_PATTERN = re.compile(rf"-?(?:0|[1-9][0-9]{{0,{MAX_DIGITS - 1}}})")
"""Plain integer text (matched whole, never with ``match``/``$``)."""

DECIMAL_PATTERN = re.compile(
    rf"-?(?:0|[1-9][0-9]{{0,{MAX_DIGITS - 1}}})(?:\.[0-9]{{1,{MAX_DIGITS}}})?"
)
"""Plain decimal text, as :func:`plain_decimal` writes it (matched whole)."""

# A JSON escape of a UTF-16 surrogate: only then can parsing yield a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


class CodecError(ValueError):
    """A value has no ledger JSON form, or a document does not fit its type.

    The message starts with the path of the failing field and never quotes the value.
    """


# --------------------------------------------------------------------------- writing


def plain_decimal(value: Decimal) -> str:
    """``value`` in plain notation, exactly: ``Decimal("1E+2")`` -> ``"100"``,
    ``Decimal("0.0700")`` -> ``"0.0700"``. Non-finite values raise :class:`CodecError`."""
    if not value.is_finite():
        raise CodecError("a non-finite decimal has no JSON form")
    return format(value, "f")


def _check_text(text: str, what: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CodecError(f"{what}: not valid Unicode (a lone surrogate)") from None
    return text


def to_json_value(value: object) -> object:
    """Plain JSON values: dataclasses to objects, Decimal to plain text, bytes to base64."""
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if isinstance(value, str):
        return _check_text(value, "string")
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        raise CodecError("floats are not allowed in ledger JSON; use int or Decimal")
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CodecError("JSON object keys must be strings")
            out[_check_text(key, "key")] = to_json_value(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    raise CodecError(f"{type(value).__name__} has no ledger JSON form")


def dumps(value: object) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8, no floats."""
    return json.dumps(
        to_json_value(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


# --------------------------------------------------------------------------- reading


def _reject_float(text: str) -> object:
    del text
    raise CodecError("JSON numbers with a fraction or exponent are not accepted")


def _reject_constant(text: str) -> object:
    del text
    raise CodecError("NaN and Infinity are not accepted")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise CodecError(f"integers are limited to {MAX_DIGITS} digits")
    return int(text)


def _unique_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise CodecError("a JSON object repeats a key")
    return document


def _depth_and_surrogates(value: object, depth: int) -> None:
    """``depth``: how many arrays and objects enclose ``value``."""
    if isinstance(value, str):
        _check_text(value, "JSON text")
        return
    if isinstance(value, list | dict) and depth >= MAX_DEPTH:
        raise CodecError(f"JSON nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        for item in value:
            _depth_and_surrogates(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, "JSON key")
            _depth_and_surrogates(item, depth + 1)


def loads(data: bytes | str) -> object:
    """Parse one JSON document strictly (see the module docstring); :class:`CodecError`."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")  # UTF-8 only: json.loads would guess UTF-16/32 too
        except UnicodeDecodeError:
            raise CodecError("JSON is not valid UTF-8") from None
    else:
        text = _check_text(data, "JSON text")
    try:
        document = json.loads(
            text,
            parse_float=_reject_float,
            parse_constant=_reject_constant,
            parse_int=_bounded_int,
            object_pairs_hook=_unique_object,
        )
    except json.JSONDecodeError as exc:
        raise CodecError(f"malformed JSON at position {exc.pos}") from None
    except RecursionError:
        raise CodecError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    # A lone surrogate can only come from an escape, and deep nesting needs that many
    # brackets: the extra pass in Python runs only when one of them could be there.
    if _SURROGATE_ESCAPE.search(text) or text.count("[") + text.count("{") > MAX_DEPTH:
        _depth_and_surrogates(document, 0)
    return document


def loads_unique(data: bytes | str) -> Any:
    """Parse a JSON document that is not a ledger value (a server's answer, a state or
    checkpoint file) refusing only what makes it ambiguous: a repeated key in any object
    (with ``json.loads`` the last one would silently win), text that is not UTF-8, ``NaN``
    and ``Infinity``. Numbers with a fraction stay floats. :class:`CodecError`."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CodecError("JSON is not valid UTF-8") from None
    else:
        text = data
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_object)
    except json.JSONDecodeError as exc:
        raise CodecError(f"malformed JSON at position {exc.pos}") from None
    except RecursionError:
        raise CodecError("JSON nested too deeply") from None


# --------------------------------------------------------------------------- typed values


def _at(where: str) -> str:
    return where or "document"


def _child(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _key(where: str, key: str) -> str:
    # Keys come from outside: a plain name is shown as a path step, anything else
    # JSON-escaped (printable ASCII, no newline) and cut short.
    if _NAME.fullmatch(key):
        return _child(where, key)
    label = json.dumps(key, ensure_ascii=True)
    if len(label) > 40:
        label = label[:36] + '..."'
    return f"{where}[{label}]" if where else f"[{label}]"


def optional_inner(tp: object) -> object | None:
    """``X`` for ``X | None`` (None for any other type; other unions are refused)."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return typing.cast(object, args[0])
        raise TypeError(f"unsupported union type {tp}")
    return None


def parse_decimal(text: str, where: str) -> Decimal:
    """Plain decimal text (``12.50``, ``-3``) as a Decimal; no exponent, no spaces."""
    if not DECIMAL_PATTERN.fullmatch(text):
        raise CodecError(f"{_at(where)}: expected a decimal number such as 12.50")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
        raise CodecError(f"{_at(where)}: expected a decimal number") from None


def parse_integer(text: str, where: str) -> int:
    """Plain integer text (no sign ``+``, no leading zeros, no spaces) as an int."""
    if not INTEGER_PATTERN.fullmatch(text):
        raise CodecError(f"{_at(where)}: expected an integer")
    return int(text)


@functools.cache
def init_fields(tp: type) -> dict[str, tuple[Any, bool]]:
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


def from_json_value(tp: Any, value: object, where: str = "") -> Any:
    """Check and convert a parsed JSON value to type ``tp`` (see the module docstring).

    ``where`` is the path shown in errors (a parameter name; empty: ``document``).
    """
    return _decoder_for(tp)(value, where)


_Decode = Callable[[object, str], Any]
_DECODERS: dict[Any, _Decode] = {}
"""One checking converter per type, built on first use: working out what a type is
(unions, generics, enum members, dataclass fields) once instead of at every value was most
of the cost of decoding a record. A type's converter never changes, so sharing is safe."""


def _decoder_for(tp: Any) -> _Decode:
    try:
        return _DECODERS[tp]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation: build it each time
        return _build_decoder(tp)
    built = _build_decoder(tp)  # raises for an unsupported type, and nothing is kept
    _DECODERS[tp] = built
    return built


def _identity(value: object, where: str) -> object:
    return value


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise CodecError(f"{_at(where)}: expected a string")
    return value


def _boolean(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise CodecError(f"{_at(where)}: expected true or false")
    return value


def _integer(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise CodecError(f"{_at(where)}: expected an integer")
    return value


def _decimal(value: object, where: str) -> Decimal:
    if isinstance(value, str):
        return parse_decimal(value, where)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise CodecError(f'{_at(where)}: expected a decimal written as a string, e.g. "0.07"')


def _bytes(value: object, where: str) -> bytes:
    if not isinstance(value, str):
        raise CodecError(f"{_at(where)}: expected base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise CodecError(f"{_at(where)}: expected base64 text") from None


_SCALARS: dict[Any, _Decode] = {
    Any: _identity,
    object: _identity,
    str: _string,
    bool: _boolean,
    int: _integer,
    Decimal: _decimal,
    bytes: _bytes,
}


def _build_decoder(tp: Any) -> _Decode:
    """The converter of one type; inner types' converters are looked up when first
    needed (a record may refer to itself)."""
    scalar = _SCALARS.get(tp) if isinstance(tp, type) or tp is Any else None
    if scalar is not None:
        return scalar
    inner = optional_inner(tp)
    if inner is not None:

        def optional(value: object, where: str) -> Any:
            return None if value is None else _decoder_for(inner)(value, where)

        return optional
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members = list(tp)
        choices = [m.value for m in members]

        def member(value: object, where: str) -> Any:
            for candidate in members:
                if candidate.value == value and type(candidate.value) is type(value):
                    return candidate
            raise CodecError(f"{_at(where)}: expected one of {choices}")

        return member
    if origin is list:
        (item_type,) = typing.get_args(tp)

        def array(value: object, where: str) -> list[Any]:
            if not isinstance(value, list):
                raise CodecError(f"{_at(where)}: expected a JSON array")
            item = _decoder_for(item_type)
            return [item(v, f"{where}[{i}]") for i, v in enumerate(value)]

        return array
    if origin is dict:
        key_type, item_type = typing.get_args(tp)
        if key_type is not str:
            raise TypeError("only dict[str, ...] is supported")

        def mapping(value: object, where: str) -> dict[str, Any]:
            if not isinstance(value, dict):
                raise CodecError(f"{_at(where)}: expected a JSON object")
            item = _decoder_for(item_type)
            return {k: item(v, _key(where, k)) for k, v in value.items()}

        return mapping
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record_decoder(tp)
    raise TypeError(f"unsupported type {getattr(tp, '__name__', tp)}")


def _record_decoder(tp: type) -> _Decode:
    cls: Any = tp
    name_of = tp.__name__
    prepared: tuple[tuple[str, _Decode, bool], ...] | None = None

    def record(value: object, where: str) -> Any:
        nonlocal prepared
        if not isinstance(value, dict):
            raise CodecError(f"{_at(where)}: expected a JSON object ({name_of})")
        fields = init_fields(tp)
        if prepared is None:  # two threads may both build it: the same tuple either way
            prepared = tuple((n, _decoder_for(t), req) for n, (t, req) in fields.items())
        for name in value:
            if name not in fields:
                raise CodecError(f"{_key(where, name)}: unknown field")
        kwargs = {}
        for name, decode_field, required in prepared:
            if name in value:
                kwargs[name] = decode_field(value[name], _child(where, name))
            elif required:
                raise CodecError(f"{_child(where, name)}: missing")
        try:
            return cls(**kwargs)
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise CodecError(f"{_at(where)}: invalid {name_of}") from exc

    return record


def decode(tp: type[T], data: bytes | str, where: str = "") -> T:
    """One JSON document parsed strictly and converted to ``tp``."""
    value: T = from_json_value(tp, loads(data), where)
    return value
