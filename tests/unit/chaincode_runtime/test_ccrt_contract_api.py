"""The contract API: routing, typing, metadata, hooks, errors, logging (on the in-memory stub)."""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

import pytest

from fabric_chaincode import (
    ChaincodeError,
    Context,
    Contract,
    ContractChaincode,
    InvalidArgumentError,
    Stub,
    canonical_json,
    evaluate,
    parse_json,
    submit,
)
from fabric_chaincode.testing import InMemoryLedger, TransactionResult, run_transaction
from ledger_codec import CodecError


class Tenor(enum.Enum):
    M3 = "3M"
    M6 = "6M"


@dataclass(frozen=True)
class Bid:
    bidder: str
    amount: int  # minor units
    yield_rate: Decimal  # per annum, 0.2150 for 21.50%
    tenor: Tenor
    tags: list[str] = field(default_factory=list)
    note: str | None = None


class AuctionContext(Context):
    """A custom context with a helper."""

    def __init__(self, stub: Stub) -> None:
        super().__init__(stub)
        self.calls: list[str] = []


class AuctionContract(Contract):
    name = "auction"
    events: ClassVar[list[str]] = []

    def create_context(self, stub: Stub) -> AuctionContext:
        return AuctionContext(stub)

    def before_transaction(self, ctx: Context) -> None:
        assert isinstance(ctx, AuctionContext)
        AuctionContract.events.append(f"before:{ctx.stub.get_function_and_parameters()[0]}")

    def after_transaction(self, ctx: Context, result: object) -> None:
        AuctionContract.events.append(f"after:{type(result).__name__}")

    @submit
    def place_bid(self, ctx: Context, auction_id: str, bid: Bid) -> Bid:
        ctx.stub.put_state(f"bid/{auction_id}/{bid.bidder}", canonical_json(bid))
        return bid

    @evaluate
    def total(self, ctx: Context, amounts: list[int], scale: dict[str, Decimal]) -> Decimal:
        return sum((Decimal(a) for a in amounts), Decimal(0)) * scale.get("factor", Decimal(1))

    @evaluate(name="IsOpen")
    def is_open(self, ctx: Context, flag: bool, count: int) -> bool:
        return flag and count > 0

    @evaluate
    def echo_bytes(self, ctx: Context, blob: bytes) -> bytes:
        return blob[::-1]

    @submit
    def reject(self, ctx: Context) -> None:
        raise ChaincodeError("AUCTION_CLOSED", "the auction cut-off has passed")

    @evaluate
    def give_float(self, ctx: Context) -> dict[str, Decimal]:
        return {"bad": 1.5}  # type: ignore[dict-item]

    def not_a_transaction(self, ctx: Context) -> str:
        return "hidden"


class RegistryContract(Contract):
    name = "registry"

    @evaluate
    def ping(self, ctx: Context) -> str:
        return "pong"

    def unknown_transaction(self, ctx: Context, function: str) -> object:
        raise ChaincodeError("NO_SUCH_OPERATION", f"registry cannot {function}")


CHAINCODE = ContractChaincode(
    [AuctionContract(), RegistryContract()], title="sovereign", version="0.1"
)


def run(function: str, *args: str | bytes) -> TransactionResult:
    return run_transaction(CHAINCODE, InMemoryLedger(), function, *args)


BID = '{"amount":5000000,"bidder":"BANK1","tenor":"3M","yield_rate":"0.2150"}'


def test_routing_default_and_namespaced() -> None:
    assert run("auction:IsOpen", "true", "2").text() == "true"
    assert run("IsOpen", "true", "0").text() == "false"  # default contract: the first
    assert run("registry:ping").text() == "pong"


def test_typed_parameters_and_canonical_result() -> None:
    result = run("auction:place_bid", "A1", BID)
    assert result.ok, result.response.message
    assert result.payload == (
        b'{"amount":5000000,"bidder":"BANK1","note":null,"tags":[],"tenor":"3M","yield_rate":"0.2150"}'
    )
    assert run("auction:total", "[1,2,3]", '{"factor":"0.5"}').text() == "3.0"
    assert run("auction:echo_bytes", b"\x00\x01\xff").payload == b"\xff\x01\x00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("auction:IsOpen", "yes", "1"), "INVALID_ARGUMENT: flag: expected true or false"),
        (("auction:IsOpen", "true", "1.5"), "INVALID_ARGUMENT: count: expected an integer"),
        (("auction:IsOpen", "true"), "INVALID_ARGUMENT: IsOpen expects 2 argument(s), got 1"),
        (
            ("auction:total", "[1.5]", "{}"),
            "INVALID_ARGUMENT: amounts: JSON numbers with a fraction or exponent are not accepted",
        ),
        (("auction:total", "[1,", "{}"), "INVALID_ARGUMENT: amounts: malformed JSON at position 3"),
        (("auction:total", '["1"]', "{}"), "INVALID_ARGUMENT: amounts[0]: expected an integer"),
        (
            ("auction:place_bid", "A1", '{"bidder":"B"}'),
            "INVALID_ARGUMENT: bid.amount: missing",
        ),
        (
            ("auction:place_bid", "A1", BID[:-1] + ',"extra":1}'),
            "INVALID_ARGUMENT: bid.extra: unknown field",
        ),
        (
            ("auction:place_bid", "A1", BID.replace('"3M"', '"9M"')),
            "INVALID_ARGUMENT: bid.tenor: expected one of ['3M', '6M']",
        ),
        (
            ("auction:place_bid", "A1", BID.replace('"0.2150"', '"1e3"')),
            "INVALID_ARGUMENT: bid.yield_rate: expected a decimal number such as 12.50",
        ),
        (("auction:place_bid", b"\xff", BID), "INVALID_ARGUMENT: auction_id: not valid UTF-8"),
    ],
)
def test_bad_arguments_are_clear_500s(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.response.status == 500
    assert result.response.message == message
    assert not result.committed


def test_unknown_functions() -> None:
    assert (
        run("auction:nope").response.message
        == "UNKNOWN_FUNCTION: contract 'auction' has no transaction 'nope'"
    )
    assert run("auction:not_a_transaction").response.status == 500
    assert run("ghost:ping").response.message == "UNKNOWN_FUNCTION: no contract named 'ghost'"
    assert run("registry:drop").response.message == "NO_SUCH_OPERATION: registry cannot drop"
    empty = run_transaction(CHAINCODE, InMemoryLedger(), "")
    assert empty.response.status == 500


def test_domain_error_code_and_no_commit() -> None:
    result = run("auction:reject")
    assert (result.response.status, result.response.message) == (
        500,
        "AUCTION_CLOSED: the auction cut-off has passed",
    )


def test_floats_are_rejected_in_results(caplog: pytest.LogCaptureFixture) -> None:
    result = run("auction:give_float")
    assert result.response.status == 500
    assert result.response.message.startswith("INTERNAL:")
    assert "CodecError" in caplog.text


def test_hooks_and_custom_context() -> None:
    AuctionContract.events.clear()
    run("auction:IsOpen", "true", "1")
    assert AuctionContract.events == ["before:auction:IsOpen", "after:bool"]


def test_unexpected_exception_logs_one_line_without_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Leaky(Contract):
        @submit
        def settle(self, ctx: Context, account: str) -> None:
            ctx.stub.put_state("secret-key-" + account, b"secret-value")
            raise KeyError(f"account {account} balance 123456")

    chaincode = ContractChaincode(Leaky())
    with caplog.at_level(logging.DEBUG):
        result = run_transaction(
            chaincode, InMemoryLedger(), "settle", "PK-ACCT-998877", txid="tx-leak"
        )
    assert (
        result.response.message
        == "INTERNAL: internal error, see chaincode log for transaction tx-leak"
    )
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert "tx-leak" in line
    assert "KeyError" in line
    for secret in ("PK-ACCT-998877", "123456", "secret-value", "secret-key"):
        assert secret not in caplog.text


def test_metadata_shape() -> None:
    result = run("org.hyperledger.fabric:GetMetadata")
    metadata = json.loads(result.payload)
    assert metadata["$schema"].endswith("contract-schema.json")
    assert metadata["info"] == {"title": "sovereign", "version": "0.1"}
    auction = metadata["contracts"]["auction"]
    assert auction["default"] is True
    assert metadata["contracts"]["registry"]["default"] is False
    by_name = {tx["name"]: tx for tx in auction["transactions"]}
    assert set(by_name) == {"IsOpen", "echo_bytes", "give_float", "place_bid", "reject", "total"}
    assert by_name["place_bid"]["tag"] == ["SUBMIT", "submit"]
    assert by_name["IsOpen"]["tag"] == ["EVALUATE", "evaluate"]
    assert by_name["IsOpen"]["parameters"] == [
        {"name": "flag", "schema": {"type": "boolean"}},
        {"name": "count", "schema": {"type": "integer"}},
    ]
    assert by_name["place_bid"]["returns"] == {"$ref": "#/components/schemas/Bid"}
    assert "returns" not in by_name["reject"]
    bid_schema = metadata["components"]["schemas"]["Bid"]
    assert bid_schema["required"] == ["amount", "bidder", "tenor", "yield_rate"]
    assert bid_schema["properties"]["tenor"] == {"enum": ["3M", "6M"]}
    assert bid_schema["additionalProperties"] is False


def test_contract_definition_errors() -> None:
    class Untyped(Contract):
        @submit
        def op(self, ctx, value):  # type: ignore[no-untyped-def]
            return None

    with pytest.raises(TypeError, match="annotation"):
        ContractChaincode(Untyped())

    class FloatParam(Contract):
        @submit
        def op(self, ctx: Context, value: float) -> None:
            return None

    with pytest.raises(TypeError, match="unsupported type float"):
        ContractChaincode(FloatParam())

    with pytest.raises(ValueError, match="registered twice"):
        ContractChaincode([RegistryContract(), RegistryContract()])


def test_canonical_json() -> None:
    assert canonical_json({"b": Decimal("1.50"), "a": [True, None, 7], "é": b"\x01"}) == (
        '{"a":[true,null,7],"b":"1.50","é":"AQ=="}'.encode()
    )
    assert canonical_json(Tenor.M3) == b'"3M"'
    with pytest.raises(CodecError):
        canonical_json({"x": 0.1})
    with pytest.raises(CodecError):
        canonical_json({1: "x"})
    with pytest.raises(InvalidArgumentError):
        parse_json("[NaN]")
    assert parse_json('{"a": 10}') == {"a": 10}


def test_chaincode_error_code_must_be_stable_form() -> None:
    with pytest.raises(ValueError, match="UPPER_SNAKE_CASE"):
        ChaincodeError("not a code", "x")
    assert str(ChaincodeError("SOME_CODE", "msg")) == "SOME_CODE: msg"


class RulesError(Exception):
    """A contract's own rule error, carrying a stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class RuleBoundContract(Contract):
    """Raises its own exception type; translates only that one."""

    name = "rules"

    @submit
    def refuse(self, ctx: Context, kind: str) -> None:
        ctx.stub.put_state("touched", b"1")
        if kind == "rule":
            raise RulesError("OVER_HOLDING_LIMIT", "limit is 10")
        raise KeyError("an unexpected bug")

    def translate_error(self, error: Exception) -> ChaincodeError | None:
        if isinstance(error, RulesError):
            return ChaincodeError(error.code, error.message)
        return None


def test_translate_error_gives_contract_exceptions_their_codes() -> None:
    chaincode = ContractChaincode([RuleBoundContract()])
    ledger = InMemoryLedger()
    coded = run_transaction(chaincode, ledger, "rules:refuse", "rule")
    assert coded.response.status == 500
    assert coded.response.message == "OVER_HOLDING_LIMIT: limit is 10"
    unexpected = run_transaction(chaincode, ledger, "rules:refuse", "bug")
    assert unexpected.response.message.startswith("INTERNAL: ")
    assert "an unexpected bug" not in unexpected.response.message
    assert ledger.scan("chaincode", "", "", "") == []
