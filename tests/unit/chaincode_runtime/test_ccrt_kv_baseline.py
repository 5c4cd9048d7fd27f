"""The key-value baseline chaincode answers as the Go baseline on the official Go shim does.

The expected texts are what Go's ``strconv`` produces (``ParseInt`` errors quote their input
with ``strconv.Quote``); the network tier compares the two chaincodes byte for byte on a real
peer (tests/interop/test_go_shim_conformance.py).
"""

from __future__ import annotations

import pytest

from conformance_chaincode.kv import (
    INT64_MAX,
    INT64_MIN,
    GoNumError,
    chaincode,
    go_quote,
    parse_int64,
    wrap_int64,
)
from fabric_chaincode import Chaincode
from fabric_chaincode.testing import InMemoryLedger, run_transaction


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (b"0", 0),
        (b"12", 12),
        (b"+5", 5),
        (b"-0", 0),
        (b"007", 7),
        (b"9223372036854775807", INT64_MAX),
        (b"-9223372036854775808", INT64_MIN),
    ],
)
def test_parse_int64_accepts_what_go_accepts(text: bytes, value: int) -> None:
    assert parse_int64(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", 'strconv.ParseInt: parsing "": invalid syntax'),
        (b"+", 'strconv.ParseInt: parsing "+": invalid syntax'),
        (b"-", 'strconv.ParseInt: parsing "-": invalid syntax'),
        (b" 1", 'strconv.ParseInt: parsing " 1": invalid syntax'),
        (b"1 ", 'strconv.ParseInt: parsing "1 ": invalid syntax'),
        (b"1_000", 'strconv.ParseInt: parsing "1_000": invalid syntax'),
        (b"0x10", 'strconv.ParseInt: parsing "0x10": invalid syntax'),
        (b"--1", 'strconv.ParseInt: parsing "--1": invalid syntax'),
        (b"1.5", 'strconv.ParseInt: parsing "1.5": invalid syntax'),
        ("١٢".encode(), 'strconv.ParseInt: parsing "١٢": invalid syntax'),
        (
            b"9223372036854775808",
            'strconv.ParseInt: parsing "9223372036854775808": value out of range',
        ),
        (
            b"-9223372036854775809",
            'strconv.ParseInt: parsing "-9223372036854775809": value out of range',
        ),
        (
            b"18446744073709551616",
            'strconv.ParseInt: parsing "18446744073709551616": value out of range',
        ),
        # Go stops at the first unsigned overflow, before it sees the junk.
        (
            b"99999999999999999999x",
            'strconv.ParseInt: parsing "99999999999999999999x": value out of range',
        ),
        (b"9999x", 'strconv.ParseInt: parsing "9999x": invalid syntax'),
    ],
)
def test_parse_int64_fails_with_go_messages(text: bytes, message: str) -> None:
    with pytest.raises(GoNumError) as caught:
        parse_int64(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("data", "quoted"),
    [
        (b"abc", '"abc"'),
        (b'say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'),
        (b"a\nb\tc\rd\x07\x08\x0c\x0b", '"a\\nb\\tc\\rd\\a\\b\\f\\v"'),
        (b"\x00\x1f\x7f", '"\\x00\\x1f\\x7f"'),
        ("سلام ✓ 😀".encode(), '"سلام ✓ 😀"'),
        ("\u00a0\u00ad\u200b\u2028".encode(), '"\\u00a0\\u00ad\\u200b\\u2028"'),
        ("\U000e0001".encode(), '"\\U000e0001"'),
        (b"\xff\xfeA", '"\\xff\\xfeA"'),
        (b"\xe2\x82A", '"\\xe2\\x82A"'),  # a truncated sequence: one escape per byte
        (b"\xed\xa0\x80", '"\\xed\\xa0\\x80"'),  # an encoded surrogate is invalid UTF-8
        ("\ufffd".encode(), '"\ufffd"'),  # a real U+FFFD is printable
    ],
)
def test_go_quote(data: bytes, quoted: str) -> None:
    assert go_quote(data) == quoted


def test_int64_arithmetic_wraps_as_go_does() -> None:
    assert wrap_int64(INT64_MAX + 1) == INT64_MIN
    assert wrap_int64(INT64_MIN - 1) == INT64_MAX
    assert wrap_int64(-5) == -5


def test_is_a_low_level_chaincode() -> None:
    assert isinstance(chaincode, Chaincode)


def _run(ledger: InMemoryLedger, function: str, *args: str | bytes) -> tuple[int, str, bytes]:
    response = run_transaction(chaincode, ledger, function, *args).response
    return response.status, response.message, response.payload


def test_put_get_and_missing_keys() -> None:
    ledger = InMemoryLedger()
    assert _run(ledger, "put", "k", "v") == (200, "", b"")
    assert _run(ledger, "get", "k") == (200, "", b"v")
    assert _run(ledger, "get", "absent") == (200, "", b"")
    assert _run(ledger, "put", "raw", b"\xff\x00") == (200, "", b"")
    assert _run(ledger, "get", "raw") == (200, "", b"\xff\x00")


def test_transfer_reads_then_writes_both_balances() -> None:
    ledger = InMemoryLedger()
    assert _run(ledger, "put", "a", "10") == (200, "", b"")
    assert _run(ledger, "transfer", "a", "b", "3") == (200, "", b"")
    assert _run(ledger, "get", "a")[2] == b"7"
    assert _run(ledger, "get", "b")[2] == b"3"
    # No funds check: balances go negative, as in Go.
    assert _run(ledger, "transfer", "b", "a", "+5") == (200, "", b"")
    assert _run(ledger, "get", "b")[2] == b"-2"
    # from == to: both writes hit one key; the second (balance + amount) wins.
    assert _run(ledger, "transfer", "a", "a", "4") == (200, "", b"")
    assert _run(ledger, "get", "a")[2] == b"16"
    # 64-bit wrap-around.
    assert _run(ledger, "put", "max", str(INT64_MAX)) == (200, "", b"")
    assert _run(ledger, "transfer", "min", "max", "1")[0] == 200
    assert _run(ledger, "get", "max")[2] == str(INT64_MIN).encode()


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        ("put", ("k",), "put needs key and value"),
        ("put", ("k", "v", "x"), "put needs key and value"),
        ("get", (), "get needs key"),
        ("transfer", ("a", "b"), "transfer needs from, to, amount"),
        ("transfer", ("a", "b", "1.5"), "amount must be an integer"),
        ("transfer", ("a", "b", ""), "amount must be an integer"),
        ("transfer", ("a", "b", "99999999999999999999"), "amount must be an integer"),
        ("transfer", ("bad", "b", "1"), 'strconv.ParseInt: parsing "x\\ny": invalid syntax'),
        ("put", ("", "v"), "key must not be an empty string"),
        ("transfer", ("", "b", "1"), "key must not be an empty string"),
        ("nope", (), "unknown function nope"),
        ("", (), "unknown function "),
    ],
)
def test_errors_carry_the_go_messages(function: str, args: tuple[str, ...], message: str) -> None:
    ledger = InMemoryLedger()
    assert _run(ledger, "put", "bad", "x\ny")[0] == 200
    assert _run(ledger, function, *args) == (500, message, b"")
