"""In-memory stub semantics, the public API surface, and logging hygiene."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable

import pytest

import fabric_chaincode
from conformance_chaincode import chaincode as conformance
from fabric_chaincode import Response, Stub, StubError, Timestamp, success
from fabric_chaincode.server import ChaincodeServer
from fabric_chaincode.stub import ChaincodeStub
from fabric_chaincode.testing import InMemoryLedger, InMemoryStub, run_transaction

from .peer_harness import LedgerDouble, PeerHarness, completed_response


def test_public_api_matches_all() -> None:
    exported = {name for name in dir(fabric_chaincode) if not name.startswith("_")}
    modules = {
        "chaincode",
        "config",
        "contract",
        "errors",
        "identity",
        "inmemory",
        "testing",
        "keys",
        "serialization",
        "logtext",
        "statebased",
        "stub_api",
        "types",
        "protocol",
        "session",
        "stub",
        "server",
    }
    assert set(fabric_chaincode.__all__) == exported - modules


def test_both_stubs_satisfy_the_protocol() -> None:
    ledger = InMemoryLedger()
    stub: Stub = InMemoryStub(ledger, namespace="cc", args=[b"f"], txid="t", timestamp=Timestamp(1))
    assert isinstance(stub, Stub)
    for name in dir(Stub):
        if not name.startswith("_"):
            assert hasattr(ChaincodeStub, name), name
            assert hasattr(InMemoryStub, name), name


def test_import_configures_no_logging() -> None:
    code = (
        "import logging, fabric_chaincode, fabric_chaincode.server, conformance_chaincode;"
        "root = logging.getLogger();"
        "print(len(root.handlers), root.level, logging.getLogger('fabric_chaincode').handlers)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, timeout=30)
    assert out.stdout.decode().strip() == "0 30 []"


def test_settable_txid_timestamp_creator_and_transient() -> None:
    ledger = InMemoryLedger("sovereign")
    result = run_transaction(
        conformance,
        ledger,
        "tx_info",
        namespace="conformance",
        txid="fixed-tx",
        timestamp=Timestamp(seconds=1_800_000_000),
    )
    assert result.json() == {
        "channel_id": "sovereign",
        "function": "tx_info",
        "parameters": [],
        "timestamp_seconds": 1_800_000_000,
        "txid": "fixed-tx",
    }
    names = run_transaction(conformance, ledger, "transient_names", transient={"secret": b"s"})
    assert names.json() == ["secret"]


def test_failed_transaction_is_not_committed() -> None:
    class WriteThenFail:
        def init(self, stub: Stub) -> Response:
            return success()

        def invoke(self, stub: Stub) -> Response:
            stub.put_state("k", b"v")
            return Response(500, "NOPE: no")

    ledger = InMemoryLedger()
    result = run_transaction(WriteThenFail(), ledger, "x")
    assert not result.committed
    assert result.writes == {("", "k"): b"v"}
    assert ledger.get("chaincode", "k") is None


def test_invoke_commits_callee_writes_and_cross_channel_is_read_only() -> None:
    class Writer:
        def init(self, stub: Stub) -> Response:
            return success()

        def invoke(self, stub: Stub) -> Response:
            stub.put_state("written-by-callee", b"1")
            return success(stub.get_channel_id().encode())

    class Caller:
        def init(self, stub: Stub) -> Response:
            return success()

        def invoke(self, stub: Stub) -> Response:
            channel = stub.get_string_args()[1] if len(stub.get_args()) > 1 else ""
            return stub.invoke_chaincode("writer:1.0", [b"go"], channel)

    ledger = InMemoryLedger("ch1")
    ledger.register_chaincode("writer", Writer())
    assert run_transaction(Caller(), ledger, "call").payload == b"ch1"
    assert ledger.get("writer", "written-by-callee") == b"1"
    other = InMemoryLedger("ch1")
    other.register_chaincode("writer", Writer())
    assert run_transaction(Caller(), other, "call", "ch2").payload == b"ch2"
    assert other.get("writer", "written-by-callee") is None
    missing = run_transaction(Caller(), InMemoryLedger(), "call")
    assert (missing.response.status, missing.response.message) == (
        500,
        "chaincode writer:1.0 not found",
    )


def test_stub_argument_checks() -> None:
    stub = InMemoryStub(InMemoryLedger(), namespace="cc", args=[], txid="t", timestamp=Timestamp(1))
    with pytest.raises(StubError):
        stub.put_state("", b"v")
    with pytest.raises(StubError):
        stub.get_private_data("", "k")
    with pytest.raises(StubError):
        stub.get_state_by_range("\x00bad", "")
    with pytest.raises(StubError):
        stub.set_event("", b"")
    with pytest.raises(StubError):
        stub.get_mspid()
    with pytest.raises(StubError):
        stub.get_state_by_range_with_pagination("", "", 0)
    assert stub.get_function_and_parameters() == ("", [])
    proposal = stub.get_signed_proposal()
    assert proposal is not None
    assert proposal.proposal_bytes


def test_grpc_logs_never_contain_keys_values_or_transient(
    start_server: Callable[..., ChaincodeServer],
    connect: Callable[..., PeerHarness],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = start_server(conformance)
    peer = connect(server.port)
    with caplog.at_level(logging.DEBUG):
        peer.handshake("conformance:1")
        ledger = LedgerDouble()
        peer.start("log-1", ["put_state", "key-SECRET-1", "value-SECRET-2"])
        ledger.run(peer, "log-1")
        peer.start(
            "log-2",
            ["put_private", "col", "key-SECRET-3"],
            transient={"value": b"TRANSIENT-SECRET-4"},
        )
        ledger.run(peer, "log-2")
        peer.start("log-3", ["crash", "ARG-SECRET-5"])
        assert completed_response(ledger.run(peer, "log-3")).status == 500
        peer.start("log-4", ["get_state", "key-SECRET-6"])
        peer.refuse(peer.recv_for("log-4"), "PEER-SECRET-7")
        peer.recv_for("log-4")
    assert "log-3" in caplog.text
    for n in range(1, 8):
        assert f"SECRET-{n}" not in caplog.text


def test_the_test_doubles_live_in_testing_and_old_imports_still_work() -> None:
    import fabric_chaincode
    from fabric_chaincode import inmemory, testing

    for name in ("InMemoryLedger", "InMemoryStub", "TransactionResult", "run_transaction"):
        assert getattr(fabric_chaincode, name) is getattr(testing, name)
        assert getattr(inmemory, name) is getattr(testing, name)
