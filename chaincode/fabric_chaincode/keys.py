"""Key rules shared by the real and the in-memory stub: composite keys and simple-key checks.

Owns the composite key format (``U+0000`` namespace, object type and attributes each followed
by ``U+0000``; ``U+10FFFF`` as the open end of a partial-key range) and the validation the Go
shim applies. Pure functions; imports only :mod:`fabric_chaincode.errors`.
"""

from __future__ import annotations

from collections.abc import Sequence

from fabric_chaincode.errors import CompositeKeyError, StubError

COMPOSITE_KEY_NAMESPACE = "\x00"
MIN_UNICODE_RUNE = "\x00"
MAX_UNICODE_RUNE = "\U0010ffff"
#: What the Go shim sends instead of an empty start key, so that simple-key range scans never
#: enter the composite key namespace.
EMPTY_KEY_SUBSTITUTE = "\x01"


def _validate_attribute(value: str) -> None:
    if not isinstance(value, str):
        raise CompositeKeyError("composite key parts must be strings")
    if value.isascii():  # the common case: valid UTF-8, and no U+10FFFF
        if MIN_UNICODE_RUNE in value:
            position = value.index(MIN_UNICODE_RUNE)
            raise CompositeKeyError(
                f"composite key part contains U+0000 at position {position}; "
                "U+0000 and U+10FFFF are not allowed"
            )
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Lone surrogates: the Python spelling of invalid UTF-8.
        raise CompositeKeyError("composite key part is not valid UTF-8") from exc
    # str.find scans in C: every key a transaction builds passes here, so no Python loop
    # over the characters (the first forbidden rune is reported, as the Go shim does).
    found = [p for p in (value.find(MIN_UNICODE_RUNE), value.find(MAX_UNICODE_RUNE)) if p >= 0]
    if found:
        position = min(found)
        raise CompositeKeyError(
            f"composite key part contains U+{ord(value[position]):04X} at position {position}; "
            "U+0000 and U+10FFFF are not allowed"
        )


def create_composite_key(object_type: str, attributes: Sequence[str]) -> str:
    """Join an object type and attributes into a composite key, validating each part."""
    if isinstance(attributes, str):
        raise CompositeKeyError("attributes must be a sequence of strings, not one string")
    _validate_attribute(object_type)
    parts = [COMPOSITE_KEY_NAMESPACE, object_type, MIN_UNICODE_RUNE]
    for attribute in attributes:
        _validate_attribute(attribute)
        parts.append(attribute)
        parts.append(MIN_UNICODE_RUNE)
    return "".join(parts)


def split_composite_key(composite_key: str) -> tuple[str, list[str]]:
    """Split a composite key into object type and attributes."""
    if not composite_key.startswith(COMPOSITE_KEY_NAMESPACE) or not composite_key.endswith(
        MIN_UNICODE_RUNE
    ):
        raise CompositeKeyError("not a composite key")
    components = composite_key[1:-1].split(MIN_UNICODE_RUNE)
    return components[0], components[1:]


def partial_key_range(object_type: str, attributes: Sequence[str]) -> tuple[str, str]:
    """Start (inclusive) and end (exclusive) keys of a partial composite key scan."""
    prefix = create_composite_key(object_type, attributes)
    return prefix, prefix + MAX_UNICODE_RUNE


def validate_simple_keys(*keys: str) -> None:
    """Refuse simple keys that would enter the composite key namespace."""
    for key in keys:
        if key.startswith(COMPOSITE_KEY_NAMESPACE):
            raise StubError("a simple key must not start with U+0000 (composite key namespace)")


def range_start(start_key: str) -> str:
    """The start key the Go shim sends for a simple-key range (empty means the first key)."""
    return start_key or EMPTY_KEY_SUBSTITUTE


def require_key(key: str) -> None:
    """Refuse an empty key, as the Go shim does for writes."""
    if not key:
        raise StubError("key must not be an empty string")


def require_collection(collection: str) -> None:
    """Refuse an empty collection name for private data calls."""
    if not collection:
        raise StubError("collection must not be an empty string")
