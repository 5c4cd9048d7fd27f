"""GatewayInvoker turns Gateway errors carrying chaincode codes into typed exceptions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import grpc
import pytest

from fabric_gateway import Contract, EndorseError, ErrorDetail
from sovereign_client import GatewayInvoker
from sovereign_client.errors import InsufficientHoldingError


class RefusingContract:
    """Stands in for a Gateway ``Contract`` whose endorsement the chaincode refused."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls: list[tuple[str, list[str], Mapping[str, bytes] | None]] = []

    def submit(
        self,
        name: str,
        *,
        arguments: Sequence[str] = (),
        transient_data: Mapping[str, bytes] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        self.calls.append((name, list(arguments), transient_data))
        raise self.error

    def evaluate(self, name: str, *, arguments: Sequence[str] = ()) -> bytes:
        raise self.error


def test_a_chaincode_code_becomes_its_exception_with_the_details_kept() -> None:
    detail = ErrorDetail(
        address="127.0.0.1:7109",
        msp_id="TreasuryMSP",
        message="chaincode response 500, INSUFFICIENT_HOLDING: SGL-ALPHA holds 5 of 10",
    )
    error = EndorseError(
        "failed to endorse transaction",
        code=grpc.StatusCode.ABORTED,
        details=[detail],
        transaction_id="abc123",
    )
    contract = RefusingContract(error)
    invoker = GatewayInvoker(cast(Contract, contract))
    with pytest.raises(InsufficientHoldingError) as caught:
        invoker.submit("holding:Transfer", ["PK1", "A", "B", "10"], {"pii": b"x"})
    typed = caught.value
    assert typed.message == "SGL-ALPHA holds 5 of 10"
    assert typed.transaction_id == "abc123"
    assert typed.cause is error
    assert typed.cause.details[0].msp_id == "TreasuryMSP"
    assert contract.calls == [("holding:Transfer", ["PK1", "A", "B", "10"], {"pii": b"x"})]


def test_an_error_without_a_code_is_raised_as_it_is() -> None:
    error = EndorseError("peer unreachable", code=grpc.StatusCode.UNAVAILABLE)
    invoker = GatewayInvoker(cast(Contract, RefusingContract(error)))
    with pytest.raises(EndorseError) as caught:
        invoker.evaluate("cash:Balance", ["A"])
    assert caught.value is error
