"""Error translation from rich gRPC statuses, and chaincode error codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc
import pytest

from fabric_gateway import (
    CommitError,
    EndorseError,
    ErrorDetail,
    GatewayError,
    Status,
    SubmitError,
    parse_chaincode_error,
)
from fabric_gateway._protos import encode_error_details
from fabric_gateway._transport import translate_rpc_error


class _FailedCall(grpc.RpcError):
    """What grpc raises for a failed unary call: an RpcError that is also a Call."""

    def __init__(self, code: grpc.StatusCode, message: str, trailers: Sequence[Any]) -> None:
        self._code, self._message, self._trailers = code, message, tuple(trailers)

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._message

    def trailing_metadata(self) -> tuple[Any, ...]:
        return self._trailers


DETAILS = [
    ErrorDetail(
        "peer0.treasury:7051",
        "TreasuryMSP",
        "chaincode response 500, INSUFFICIENT_HOLDING: holder X has 5 but 10 requested",
    ),
    ErrorDetail("peer0.centralbank:9051", "CentralBankMSP", "chaincode response 500, other"),
]


def test_rich_status_details_are_decoded() -> None:
    status_bin = encode_error_details(
        grpc.StatusCode.ABORTED.value[0], "failed to endorse transaction", DETAILS
    )
    call = _FailedCall(
        grpc.StatusCode.ABORTED,
        "failed to endorse transaction, see attached details for more info",
        [("some-key", "x"), ("grpc-status-details-bin", status_bin)],
    )
    error = translate_rpc_error(call, EndorseError, "tx-1")
    assert isinstance(error, EndorseError)
    assert isinstance(error, GatewayError)
    assert error.transaction_id == "tx-1"
    assert error.code is grpc.StatusCode.ABORTED
    assert error.details == tuple(DETAILS)
    assert error.chaincode_code == "INSUFFICIENT_HOLDING"
    assert error.chaincode_message == "holder X has 5 but 10 requested"
    assert "peer0.treasury:7051 (TreasuryMSP)" in str(error)


def test_missing_or_garbled_details_give_an_error_without_details() -> None:
    error = translate_rpc_error(
        _FailedCall(
            grpc.StatusCode.UNAVAILABLE,
            "connection refused",
            [("grpc-status-details-bin", b"\xff\xff\xff")],
        ),
        SubmitError,
        "tx-2",
    )
    assert isinstance(error, SubmitError)
    assert error.details == ()
    assert error.code is grpc.StatusCode.UNAVAILABLE
    assert error.chaincode_code is None


def test_chaincode_code_falls_back_to_the_status_message() -> None:
    error = GatewayError(
        "evaluate call to endorser returned error: chaincode response 500, "
        "NOT_AUTHORISED: only the issuer may announce an auction",
        code=grpc.StatusCode.UNKNOWN,
    )
    assert error.chaincode_code == "NOT_AUTHORISED"
    assert error.chaincode_message == "only the issuer may announce an auction"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "INSUFFICIENT_HOLDING: holder X has 5 but 10 requested",
            ("INSUFFICIENT_HOLDING", "holder X has 5 but 10 requested"),
        ),
        (
            "chaincode response 500, CUT_OFF_PASSED: bids closed at 11:00",
            ("CUT_OFF_PASSED", "bids closed at 11:00"),
        ),
        ("chaincode response 500, something went wrong", None),
        ("Error: lower case: not a code", None),
    ],
)
def test_parse_chaincode_error(message: str, expected: tuple[str, str] | None) -> None:
    assert parse_chaincode_error(message) == expected


def test_commit_error_from_status() -> None:
    status = Status(transaction_id="tx-3", code=11, code_name="MVCC_READ_CONFLICT", block_number=9)
    assert not status.successful
    with pytest.raises(CommitError) as raised:
        status.raise_for_status()
    assert raised.value.validation_code == 11
    assert raised.value.validation_code_name == "MVCC_READ_CONFLICT"
    assert raised.value.transaction_id == "tx-3"
    assert raised.value.block_number == 9
    valid = Status(transaction_id="tx-4", code=0, code_name="VALID", block_number=9)
    assert valid.raise_for_status() is valid


def test_with_known_codes_only_those_count() -> None:
    codes = {"UNKNOWN_BAR", "UNKNOWN_BAR_SERIES"}
    assert parse_chaincode_error("chaincode response 500, UNKNOWN_BAR_SERIES: SBP-9", codes) == (
        "UNKNOWN_BAR_SERIES",
        "SBP-9",
    )
    assert parse_chaincode_error("TLS: handshake failed", codes) is None
    assert parse_chaincode_error("TLS: handshake failed") == ("TLS", "handshake failed")
    error = GatewayError("failed", details=[ErrorDetail("a:1", "AMSP", "TLS: no; UNKNOWN_BAR: x")])
    assert error.chaincode_error(codes) == ("UNKNOWN_BAR", "x")
    assert error.chaincode_code == "TLS"
