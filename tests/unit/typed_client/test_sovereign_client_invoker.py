"""GatewayInvoker turns Gateway errors carrying chaincode codes into typed exceptions and
sends own-organisation transactions to the caller's organisation alone; registration asks
again while another org's peer catches up with the recorded personal data."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import cast

import grpc
import pytest

from fabric_gateway import Contract, EndorseError, ErrorDetail, X509Identity, connect
from sovereign_assets.schema.messages import InvestorSpec
from sovereign_client import GatewayInvoker, SovereignClient
from sovereign_client import client as client_module
from sovereign_client.errors import InsufficientHoldingError, PersonalDataMissingError


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


class RecordingContract:
    """A Gateway ``Contract`` stand-in that records whom each submit asks to endorse."""

    def __init__(self) -> None:
        self.endorsers: list[list[str] | None] = []

    def submit(
        self,
        name: str,
        *,
        arguments: Sequence[str] = (),
        transient_data: Mapping[str, bytes] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        self.endorsers.append(
            None if endorsing_organizations is None else list(endorsing_organizations)
        )
        return b""

    def evaluate(self, name: str, *, arguments: Sequence[str] = ()) -> bytes:
        return b""


def test_own_org_only_asks_the_callers_org_alone() -> None:
    contract = RecordingContract()
    invoker = GatewayInvoker(cast(Contract, contract), msp_id="CentralBankMSP")
    invoker.submit("investor:RecordPersonalData", ["INV-1"], {"pii": b"x"}, own_org_only=True)
    invoker.submit("investor:Register", ["{}"])
    assert contract.endorsers == [["CentralBankMSP"], None]


def test_own_org_only_is_refused_when_the_org_is_unknown() -> None:
    """Never fall back to discovery: it could pick another org's peer for the transient data."""
    contract = RecordingContract()
    invoker = GatewayInvoker(cast(Contract, contract))
    with pytest.raises(ValueError, match="MSP ID"):
        invoker.submit("investor:RecordPersonalData", ["INV-1"], {"pii": b"x"}, own_org_only=True)
    assert contract.endorsers == []


def test_the_org_defaults_to_the_gateway_identity() -> None:
    channel = grpc.insecure_channel("127.0.0.1:9")  # never used: nothing is sent
    try:
        gateway = connect(client=channel, identity=X509Identity("ExchangeMSP", b"cert"))
        contract = gateway.get_network("sovereign").get_contract("sovereign")
        recorder = RecordingContract()
        invoker = GatewayInvoker(contract)
        invoker._contract = cast(Contract, recorder)  # observe the call; send nothing
        invoker.submit("investor:RecordPersonalData", ["INV-1"], {"pii": b"x"}, own_org_only=True)
        assert recorder.endorsers == [["ExchangeMSP"]]
    finally:
        channel.close()


class LaggingInvoker:
    """``Register`` finds no personal data ``lag`` times (a peer not yet caught up)."""

    def __init__(self, lag: int) -> None:
        self.lag = lag
        self.calls: list[tuple[str, bool]] = []

    def submit(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None = None,
        *,
        own_org_only: bool = False,
    ) -> bytes:
        self.calls.append((function, own_org_only))
        if function == "investor:RecordPersonalData":
            return b'{"investor_id":"INV-1","collection":"pii_X","pii_sha256":"ab"}'
        if self.lag:
            self.lag -= 1
            raise PersonalDataMissingError("X recorded no personal data of INV-1")
        return json.dumps(
            {
                "investor_id": "INV-1",
                "kyc": "VERIFIED",
                "residency": "RESIDENT",
                "investor_type": "INDIVIDUAL",
                "tax_status": "FILER",
                "islamic_only": False,
                "islamic_eligible": False,
                "registered_by": "X",
                "pii_sha256": "ab",
                "pii_collection": "pii_X",
            }
        ).encode()

    def evaluate(self, function: str, arguments: Sequence[str]) -> bytes:
        raise AssertionError("not used")


SPEC = InvestorSpec("INV-1", "VERIFIED", "RESIDENT", "INDIVIDUAL", "FILER")


def test_register_asks_again_while_a_peer_catches_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "CATCH_UP_DELAYS", (0.0, 0.0))
    invoker = LaggingInvoker(lag=2)
    record = SovereignClient(invoker).investors.register(SPEC, b"pii")
    assert record.pii_sha256 == "ab"
    assert invoker.calls == [
        ("investor:RecordPersonalData", True),
        ("investor:Register", False),
        ("investor:Register", False),
        ("investor:Register", False),
    ]


def test_register_gives_up_when_the_data_stays_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "CATCH_UP_DELAYS", (0.0,))
    invoker = LaggingInvoker(lag=5)
    with pytest.raises(PersonalDataMissingError):
        SovereignClient(invoker).investors.register(SPEC, b"pii")
    assert [f for f, _ in invoker.calls].count("investor:Register") == 2


class ConflictingContract:
    """A Gateway ``Contract`` stand-in whose first ``conflicts`` submits commit invalid with
    ``code`` (another transaction changed what they read), then succeed."""

    def __init__(self, conflicts: int, code: str = "MVCC_READ_CONFLICT") -> None:
        self.conflicts = conflicts
        self.code = code
        self.calls: list[str] = []

    def submit(
        self,
        name: str,
        *,
        arguments: Sequence[str] = (),
        transient_data: Mapping[str, bytes] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        from fabric_gateway import CommitError

        self.calls.append(name)
        if len(self.calls) <= self.conflicts:
            raise CommitError(
                transaction_id=f"tx{len(self.calls)}",
                validation_code=11,
                validation_code_name=self.code,
                block_number=7,
            )
        return b"{}"


def test_a_sealed_bid_invalidated_by_a_read_conflict_is_placed_again() -> None:
    from fabric_gateway import CommitError
    from sovereign_client import RetryPolicy

    # Without a retry policy (as the CLI connects) the default conflict retries apply.
    for code in ("MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT"):
        contract = ConflictingContract(2, code)
        invoker = GatewayInvoker(cast(Contract, contract), msp_id="CentralBankMSP")
        assert invoker.submit("auction:PlaceBid", [], {"bid": b"{}"}, own_org_only=True) == b"{}"
        assert contract.calls == ["auction:PlaceBid"] * 3
    # Out of attempts: the last conflict is raised, as it is.
    contract = ConflictingContract(len(RetryPolicy().conflict_delays) + 1)
    invoker = GatewayInvoker(cast(Contract, contract), msp_id="CentralBankMSP")
    with pytest.raises(CommitError):
        invoker.submit("auction:PlaceBid", [], {"bid": b"{}"}, own_org_only=True)
    assert len(contract.calls) == len(RetryPolicy().conflict_delays) + 1


def test_a_transfer_invalidated_by_a_read_conflict_is_not_submitted_again() -> None:
    from fabric_gateway import CommitError

    contract = ConflictingContract(1)
    invoker = GatewayInvoker(cast(Contract, contract))  # no policy: the default one
    with pytest.raises(CommitError) as caught:
        invoker.submit("holding:Transfer", ["PK1", "A", "B", "10"])
    assert caught.value.validation_code_name == "MVCC_READ_CONFLICT"
    assert contract.calls == ["holding:Transfer"]
    # Another kind of invalid commit is final even for a bid.
    contract = ConflictingContract(1, "ENDORSEMENT_POLICY_FAILURE")
    invoker = GatewayInvoker(cast(Contract, contract), msp_id="CentralBankMSP")
    with pytest.raises(CommitError):
        invoker.submit("auction:PlaceBid", [], {"bid": b"{}"}, own_org_only=True)
    assert contract.calls == ["auction:PlaceBid"]
