"""The key-value baseline chaincode: ``put``, ``get`` and ``transfer`` as the Go baseline has them.

The project's performance and conformance reference is a Go chaincode on the official Go shim
serving three transactions. This module is the same chaincode on our runtime, written against
the low-level :class:`fabric_chaincode.Chaincode` interface (``init``/``invoke``, no contract
layer), so that the two answer every request with the same bytes and leave the same read and
write sets on the ledger:

``put(key, value)``
    Writes ``value`` (the argument's raw bytes) under ``key``; an empty payload. As in Fabric,
    an empty value is recorded as a delete.
``get(key)``
    The committed value, or an empty payload for a missing key.
``transfer(from, to, amount)``
    Reads the two balances (a missing key is 0), writes ``from - amount`` then ``to + amount``
    as decimal text. Amounts and balances are parsed as Go's ``strconv.ParseInt(s, 10, 64)``
    parses them and the arithmetic wraps around at 64 bits, as Go's does. When
    ``from == to`` both writes go to one key and the last one wins.

Errors are status 500 responses carrying the Go chaincode's messages: ``put needs key and
value``, ``get needs key``, ``transfer needs from, to, amount``, ``amount must be an
integer``, ``unknown function <name>``, Go's own ``strconv.ParseInt: parsing "...": invalid
syntax`` (or ``value out of range``) for a stored balance that is not an integer, and the
stub's or the peer's message for a refused ledger call.

Where Go cannot be matched: a key or function name that is not valid UTF-8 makes the Go shim
panic while encoding its message to the peer; here the key is refused with an error response,
and a function name is decoded with replacement characters.

Deploy with ``python -m fabric_chaincode serve --chaincode conformance_chaincode.kv:chaincode``.
Imports only :mod:`fabric_chaincode`'s public API.
"""

from __future__ import annotations

from fabric_chaincode import PeerError, Response, Stub, StubError, error, success

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1
_UINT64_CUTOFF = _UINT64_MAX // 10 + 1
"""Go's ParseUint cutoff for base 10: the first value whose product with 10 overflows."""

_ESCAPES = {
    0x07: "\\a",
    0x08: "\\b",
    0x0C: "\\f",
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
    0x0B: "\\v",
}


def go_quote(data: bytes) -> str:
    """Go's ``strconv.Quote`` of the string holding ``data`` (which may be invalid UTF-8).

    Printable characters (Unicode letters, marks, numbers, punctuation, symbols and the ASCII
    space) stay as they are; ``"`` and ``\\`` are backslash-escaped; the usual control
    characters use their C escapes; other control bytes are ``\\xHH``, other characters
    ``\\uHHHH`` or ``\\UHHHHHHHH``; each byte of an invalid UTF-8 sequence is ``\\xHH``.
    """
    out = ['"']
    # surrogateescape turns every byte of an invalid sequence into its own U+DC80..U+DCFF,
    # which is exactly where Go's decoder yields one RuneError of width 1.
    for char in data.decode("utf-8", "surrogateescape"):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in ('"', "\\"):
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif code in _ESCAPES:
            out.append(_ESCAPES[code])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


class GoNumError(ValueError):
    """A ``strconv.NumError`` of ``ParseInt``; ``str()`` is Go's ``err.Error()``."""

    def __init__(self, number: bytes, reason: str) -> None:
        super().__init__(f"strconv.ParseInt: parsing {go_quote(number)}: {reason}")
        self.number = number
        self.reason = reason


def _syntax(number: bytes) -> GoNumError:
    return GoNumError(number, "invalid syntax")


def _range(number: bytes) -> GoNumError:
    return GoNumError(number, "value out of range")


def parse_int64(text: bytes) -> int:
    """Go's ``strconv.ParseInt(text, 10, 64)``, errors included.

    One optional sign, then ASCII digits only: no spaces, no underscores, no other digits.
    As in Go, scanning stops at the first overflow of 64 unsigned bits, so an overlong number
    followed by junk is out of range rather than invalid.
    """
    if not text:
        raise _syntax(text)
    negative = text[:1] == b"-"
    digits = text[1:] if text[:1] in (b"+", b"-") else text
    if not digits:
        raise _syntax(text)
    value = 0
    for byte in digits:
        if not 0x30 <= byte <= 0x39:
            raise _syntax(text)
        if value >= _UINT64_CUTOFF:
            raise _range(text)
        value = value * 10 + (byte - 0x30)
        if value > _UINT64_MAX:
            raise _range(text)
    if not negative and value > INT64_MAX:
        raise _range(text)
    if negative and value > -INT64_MIN:
        raise _range(text)
    return -value if negative else value


def wrap_int64(value: int) -> int:
    """``value`` reduced to a signed 64-bit integer, as Go's int64 arithmetic wraps."""
    return (value - INT64_MIN) % (1 << 64) + INT64_MIN


class _Refused(Exception):
    """A ledger call failed; the message is what the Go chaincode would return."""


def _key(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused("key is not valid UTF-8") from None


def _get(stub: Stub, key: str) -> bytes | None:
    try:
        return stub.get_state(key)
    except PeerError as exc:
        raise _Refused(exc.message) from exc


def _put(stub: Stub, key: str, value: bytes) -> None:
    try:
        stub.put_state(key, value)
    except PeerError as exc:
        raise _Refused(exc.message) from exc
    except StubError as exc:
        raise _Refused(str(exc)) from exc


def _balance(stub: Stub, key: str) -> int:
    value = _get(stub, key)
    if value is None:
        return 0
    try:
        return parse_int64(value)
    except GoNumError as exc:
        raise _Refused(str(exc)) from exc


class KvChaincode:
    """The three transactions of the Go baseline, on the low-level chaincode interface."""

    def init(self, stub: Stub) -> Response:
        """Nothing to initialise."""
        return success()

    def invoke(self, stub: Stub) -> Response:
        """Dispatch on the function name, as the Go chaincode's switch does."""
        args = stub.get_args()
        function, params = (args[0], args[1:]) if args else (b"", [])
        try:
            if function == b"put":
                if len(params) != 2:
                    return error("put needs key and value")
                _put(stub, _key(params[0]), params[1])
                return success()
            if function == b"get":
                if len(params) != 1:
                    return error("get needs key")
                return success(_get(stub, _key(params[0])) or b"")
            if function == b"transfer":
                return self._transfer(stub, params)
        except _Refused as exc:
            return error(str(exc))
        return error("unknown function " + function.decode("utf-8", "replace"))

    @staticmethod
    def _transfer(stub: Stub, params: list[bytes]) -> Response:
        if len(params) != 3:
            return error("transfer needs from, to, amount")
        try:
            amount = parse_int64(params[2])
        except GoNumError:
            return error("amount must be an integer")
        source, target = _key(params[0]), _key(params[1])
        a = _balance(stub, source)
        b = _balance(stub, target)
        _put(stub, source, str(wrap_int64(a - amount)).encode("ascii"))
        _put(stub, target, str(wrap_int64(b + amount)).encode("ascii"))
        return success()


chaincode = KvChaincode()
