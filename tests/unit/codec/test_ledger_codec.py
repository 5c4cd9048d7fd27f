"""The one JSON codec, read strictly and written canonically, as the chaincode, the typed
client and the CLI each use it: one input, one verdict on every side."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import click
import pytest

import ledger_codec
from fabric_chaincode.errors import InvalidArgumentError
from fabric_chaincode.serialization import parse_argument, serialize_result
from ledger_codec import CodecError
from sovereign_assets.schema.messages import Allotment, GovernanceConfig
from sovereign_cli.render import SpecError, load_json, parse_into, plain, rate, to_decimal
from sovereign_client._codec import encode_argument, many, one

DUPLICATE_AMOUNT = b'{"account_id":"SGL-ALPHA","amount":10000000,"amount":30000000}'
DEEP = b"[" * 100_000 + b"]" * 100_000
LONE_SURROGATE = b'{"owner_id":"\\ud800"}'
SURROGATE_KEY = b'{"org_roles":{"\\ud800":5}}'


def _chaincode(tp: object) -> Callable[[bytes], object]:
    return lambda raw: parse_argument(tp, raw, "spec")


def _client(tp: type[object]) -> Callable[[bytes], object]:
    return one(tp)


def _cli(tp: type[object]) -> Callable[[bytes], object]:
    def read(raw: bytes) -> object:
        return parse_into(tp, ledger_codec.loads(raw))

    return read


REFUSED = [
    DUPLICATE_AMOUNT,
    b'{"account_id":"SGL-ALPHA","amount":1e7}',
    b'{"account_id":"SGL-ALPHA","amount":10000000.0}',
    b'{"account_id":"SGL-ALPHA","amount":NaN}',
    b'{"account_id":"SGL-ALPHA","amount":Infinity}',
    b'{"account_id":"\\ud800","amount":1}',
    b'{"account_id":"\\udfff","amount":1}',
    b'{"account_id":"SGL-ALPHA","amount":' + b"9" * 101 + b"}",
    b'{"account_id":"SGL-ALPHA","amount":"10000000"}',
    b'{"account_id":"SGL-ALPHA","amount":true}',
    b'{"account_id":"SGL-ALPHA"}',
    b'{"account_id":"SGL-ALPHA","amount":1,"extra":1}',
    b'\xef\xbb\xbf{"account_id":"SGL-ALPHA","amount":1}',
    '{"account_id":"SGL-ALPHA","amount":1}'.encode("utf-16"),
    DEEP,
]


@pytest.mark.parametrize("raw", REFUSED, ids=range(len(REFUSED)))
def test_every_side_refuses_the_same_documents(raw: bytes) -> None:
    with pytest.raises(InvalidArgumentError):
        _chaincode(Allotment)(raw)
    with pytest.raises(CodecError):
        _client(Allotment)(raw)
    with pytest.raises((CodecError, SpecError)):
        _cli(Allotment)(raw)


def test_every_side_reads_a_good_document_alike() -> None:
    raw = b'{"account_id":"SGL-ALPHA","amount":10000000}'
    expected = Allotment("SGL-ALPHA", 10_000_000)
    assert _chaincode(Allotment)(raw) == expected
    assert _client(Allotment)(raw) == expected
    assert _cli(Allotment)(raw) == expected
    assert many(Allotment)(b"[" + raw + b"]") == [expected]


def test_duplicate_keys_are_refused_at_any_depth() -> None:
    with pytest.raises(CodecError, match="repeats a key"):
        ledger_codec.loads(DUPLICATE_AMOUNT)
    with pytest.raises(CodecError, match="repeats a key"):
        ledger_codec.loads(b'[{"a":{"b":1,"b":1}}]')
    with pytest.raises(InvalidArgumentError, match="repeats a key"):
        parse_argument(list[Allotment], b"[" + DUPLICATE_AMOUNT + b"]", "allotments")


def test_lone_surrogates_are_refused_raw_or_escaped_in_keys_and_values() -> None:
    for raw in (LONE_SURROGATE, SURROGATE_KEY, b'["\\uD800x"]', b'["\\udc00"]'):
        with pytest.raises(CodecError, match="surrogate"):
            ledger_codec.loads(raw)
    with pytest.raises(CodecError, match="surrogate"):
        ledger_codec.loads('["\ud800"]')
    # A proper pair is one character, and a backslash before "u" is not an escape.
    assert ledger_codec.loads(b'["\\ud83d\\ude00"]') == ["\U0001f600"]
    assert ledger_codec.loads(b'["\\\\ud800"]') == ["\\ud800"]
    with pytest.raises(CodecError, match="surrogate"):
        ledger_codec.dumps({"name": "\udc80"})
    with pytest.raises(CodecError, match="surrogate"):
        ledger_codec.dumps({"\ud800": 1})


def test_deep_nesting_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(CodecError, match="nested deeper"):
        ledger_codec.loads(DEEP)
    with pytest.raises(InvalidArgumentError, match="nested deeper"):
        parse_argument(GovernanceConfig, DEEP, "config")
    assert time.perf_counter() - started < 1.0
    depth = ledger_codec.MAX_DEPTH
    assert ledger_codec.loads(b"[" * depth + b"]" * depth) is not None
    with pytest.raises(CodecError, match="nested deeper"):
        ledger_codec.loads(b"[" * (depth + 1) + b"]" * (depth + 1))


@pytest.mark.parametrize(
    "text", ["12\n", "12 ", " 12", "+12", "012", "1_000", "١٢", "12\n\n", "", "-", "1e3"]
)
def test_integer_text_must_be_plain_and_whole(text: str) -> None:
    with pytest.raises(InvalidArgumentError):
        parse_argument(int, text.encode(), "amount")
    assert parse_argument(int, b"-12", "amount") == -12


@pytest.mark.parametrize(
    "text", ["0.07\n", "1E+2", "1e2", ".5", "5.", "NaN", "Infinity", "0.07 ", "+1", "1" * 101]
)
def test_decimal_text_must_be_plain_and_whole(text: str) -> None:
    with pytest.raises(InvalidArgumentError):
        parse_argument(Decimal, text.encode(), "rate")
    with pytest.raises(CodecError):
        ledger_codec.parse_decimal(text, "rate")
    with pytest.raises(click.BadParameter):
        to_decimal(click.Context(click.Command("x")), click.Option(["--rate"]), text)


def test_decimals_are_written_in_plain_notation_everywhere() -> None:
    normalized = Decimal("100.0000").normalize()
    assert str(normalized) == "1E+2"
    assert encode_argument(normalized) == "100"
    assert encode_argument({"price": normalized}) == '{"price":"100"}'
    assert encode_argument(Decimal("1E-7")) == "0.0000001"
    assert serialize_result(normalized) == b"100"
    assert ledger_codec.dumps({"rate": Decimal("7E-2")}) == b'{"rate":"0.07"}'
    assert plain({"rate": normalized}) == {"rate": "100"}
    assert rate(normalized) == "100"
    # What one side writes, every side reads back.
    assert parse_argument(Decimal, encode_argument(normalized).encode(), "price") == 100
    with pytest.raises(CodecError):
        ledger_codec.plain_decimal(Decimal("NaN"))


def test_floats_are_refused_when_writing() -> None:
    with pytest.raises(TypeError):
        encode_argument(0.1)
    with pytest.raises(CodecError):
        ledger_codec.dumps({"x": 0.1})
    with pytest.raises(CodecError):
        plain([0.1])


def test_error_messages_name_the_path_never_the_value() -> None:
    @dataclass(frozen=True)
    class Roles:
        org_roles: dict[str, int]

    for raw in (
        b'{"org_roles":{"line\\nbreak":"x"}}',
        b'{"org_roles":{"42101-0031337-1 secret":"x"}}',
    ):
        with pytest.raises(CodecError) as caught:
            ledger_codec.decode(Roles, raw)
        message = str(caught.value)
        assert "\n" not in message
        assert message.isascii()
        assert "x" not in message.split(":", 1)[1].replace("expected", "")
    with pytest.raises(CodecError) as unknown:
        ledger_codec.decode(Allotment, b'{"account_id":"A","amount":1,"a\\nb":1}')
    assert str(unknown.value) == '["a\\nb"]: unknown field'


def test_the_cli_reads_spec_files_with_the_same_codec(tmp_path: Path) -> None:
    spec = tmp_path / "allotment.json"
    spec.write_bytes(DUPLICATE_AMOUNT)
    with pytest.raises(SystemExit):
        load_json(spec, "allotment")
    spec.write_bytes(b'{"account_id":"SGL-ALPHA","amount":10000000}')
    assert parse_into(Allotment, load_json(spec, "allotment")) == Allotment("SGL-ALPHA", 10**7)


def test_documents_that_are_not_ledger_values_refuse_a_repeated_key_too() -> None:
    # A CA's answer, a checkpoint or state file: floats are fine there, a repeated key never
    # is (json.loads would silently keep the last value).
    assert ledger_codec.loads_unique('{"a": 1.5, "b": [{"c": null}]}') == {
        "a": 1.5,
        "b": [{"c": None}],
    }
    for text in ('{"a": 1, "a": 2}', '[{"x": {"y": 1, "y": 1}}]', '{"a": NaN}', b"\xff{}"):
        with pytest.raises(ledger_codec.CodecError):
            ledger_codec.loads_unique(text)
