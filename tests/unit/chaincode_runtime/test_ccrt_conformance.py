"""The conformance chaincode, run twice: against the in-memory stub, and over loopback gRPC
with the peer test double answering from its dict ledger. Same assertions for both backends;
later the same suite can target a real peer.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

import pytest
from fabric_protos.peer import proposal_response_pb2

from conformance_chaincode import chaincode as conformance
from fabric_chaincode import ChaincodeEvent, Response, ServerConfig, Stub, success
from fabric_chaincode.server import ChaincodeServer
from fabric_chaincode.testing import InMemoryLedger, creator_bytes, run_transaction

from .certs import Issued, client_user, make_ca
from .peer_harness import LedgerDouble, PeerHarness, T, completed_response


class EchoChaincode:
    """A second chaincode for invoke_chaincode."""

    def init(self, stub: Stub) -> Response:
        return success()

    def invoke(self, stub: Stub) -> Response:
        return success(b"echo:" + b",".join(stub.get_args()))


class Backend(Protocol):
    def __call__(
        self, function: str, *args: str, transient: Mapping[str, bytes] | None = None
    ) -> tuple[Response, ChaincodeEvent | None]: ...


_CA = make_ca()
USER: Issued = client_user(_CA, "dealer7", attributes={"role": "primary_dealer"})
CREATOR = creator_bytes("TreasuryMSP", USER.certificate)


class InMemoryBackend:
    def __init__(self) -> None:
        self.ledger = InMemoryLedger("sovereign")
        self.ledger.register_chaincode("cash_token", EchoChaincode())

    def __call__(
        self, function: str, *args: str, transient: Mapping[str, bytes] | None = None
    ) -> tuple[Response, ChaincodeEvent | None]:
        result = run_transaction(
            conformance,
            self.ledger,
            function,
            *args,
            namespace="conformance",
            creator=CREATOR,
            transient=transient,
            local_mspid="TreasuryMSP",
        )
        return result.response, result.event


class GrpcBackend:
    def __init__(self) -> None:
        config = ServerConfig("conformance:1", "127.0.0.1:0", local_mspid="TreasuryMSP")
        self.server = ChaincodeServer(conformance, config)
        self.server.start()
        self.peer = PeerHarness(f"127.0.0.1:{self.server.port}")
        self.peer.handshake("conformance:1")
        self.ledger = LedgerDouble(batch=2, invoke_answer=self._echo)
        self._txids = itertools.count(1)

    @staticmethod
    def _echo(name: str, args: list[bytes]) -> bytes:
        assert name == "cash_token"
        return bytes(
            proposal_response_pb2.Response(
                status=200, payload=b"echo:" + b",".join(args)
            ).SerializeToString()
        )

    def __call__(
        self, function: str, *args: str, transient: Mapping[str, bytes] | None = None
    ) -> tuple[Response, ChaincodeEvent | None]:
        txid = f"conf-{next(self._txids)}"
        self.peer.start(
            txid,
            [function, *args],
            creator=CREATOR,
            transient=transient,
            timestamp_seconds=1_767_225_600 + int(txid.split("-")[1]),
        )
        message = self.ledger.run(self.peer, txid)
        assert message.type == T.COMPLETED
        pb = completed_response(message)
        event = None
        if message.HasField("chaincode_event"):
            event = ChaincodeEvent(
                message.chaincode_event.event_name, message.chaincode_event.payload
            )
        return Response(pb.status, pb.message, pb.payload), event

    def close(self) -> None:
        self.peer.close()
        self.server.stop(grace=None).wait(5)


@pytest.fixture(params=["in-memory", "grpc-peer-double"])
def cc(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "in-memory":
        yield InMemoryBackend()
        return
    backend = GrpcBackend()
    yield backend
    backend.close()


def ok(result: tuple[Response, ChaincodeEvent | None]) -> Any:
    response, _ = result
    assert response.status == 200, response.message
    return json.loads(response.payload) if response.payload else None


def text(result: tuple[Response, ChaincodeEvent | None]) -> str:
    response, _ = result
    assert response.status == 200, response.message
    return response.payload.decode()


def test_put_get_delete(cc: Backend) -> None:
    ok(cc("put_state", "bond/PK-1", '{"face":100}'))
    assert text(cc("get_state", "bond/PK-1")) == '{"face":100}'
    ok(cc("del_state", "bond/PK-1"))
    assert text(cc("get_state", "bond/PK-1")) == ""


def test_reads_do_not_see_own_writes(cc: Backend) -> None:
    ok(cc("put_state", "k", "committed"))
    assert ok(cc("read_your_writes", "k", "new")) == ["committed", "committed"]
    assert text(cc("get_state", "k")) == "new"


def test_write_batch_and_get_multiple(cc: Backend) -> None:
    assert text(cc("put_batch", json.dumps({"a": "1", "b": "2", "c": "3"}))) == "3"
    assert ok(cc("get_multiple", '["c","missing","a"]')) == ["3", "", "1"]


def test_range_is_in_key_byte_order_and_skips_composite_keys(cc: Backend) -> None:
    for key in ("b", "a", "\u00e4", "Z", "a1"):
        ok(cc("put_state", key, key.upper()))
    text(cc("put_composite", "holding", '["X"]', "v"))
    records = ok(cc("get_range", "", ""))
    assert [r["key"] for r in records] == ["Z", "a", "a1", "b", "\u00e4"]
    assert [r["key"] for r in ok(cc("get_range", "a", "b"))] == ["a", "a1"]


def test_range_pagination_walks_every_page(cc: Backend) -> None:
    keys = [f"k{i:02d}" for i in range(7)]
    for key in keys:
        ok(cc("put_state", key, key))
    seen: list[str] = []
    bookmark = ""
    for _ in range(10):
        page = ok(cc("get_range_page", "k", "l", "3", bookmark))
        assert isinstance(page, dict)
        assert page["fetched_records_count"] == len(page["records"])
        seen.extend(r["key"] for r in page["records"])
        bookmark = page["bookmark"]
        if not bookmark:
            break
    assert seen == keys


def test_composite_keys(cc: Backend) -> None:
    assert text(cc("put_composite", "holding", '["PK-1","BANK1"]', "10")) == "holding/PK-1/BANK1"
    text(cc("put_composite", "holding", '["PK-1","BANK2"]', "20"))
    text(cc("put_composite", "holding", '["PK-2","BANK1"]', "30"))
    records = ok(cc("get_by_partial", "holding", '["PK-1"]'))
    assert records == [
        {"key": "holding/PK-1/BANK1", "value": "10"},
        {"key": "holding/PK-1/BANK2", "value": "20"},
    ]
    page = ok(cc("get_by_partial_page", "holding", "[]", "2", ""))
    assert isinstance(page, dict)
    assert page["fetched_records_count"] == 2
    assert page["bookmark"] == "\x00holding\x00PK-2\x00BANK1\x00"


def test_invalid_composite_key_is_a_clear_500(cc: Backend) -> None:
    response, _ = cc("put_composite", "holding", '["bad\\u0000part"]', "v")
    assert response.status == 500
    assert response.message.startswith("INVALID_ARGUMENT: composite key part contains U+0000")


def test_rich_query(cc: Backend) -> None:
    ok(cc("put_state", "i1", '{"docType":"bond","issuer":"PK"}'))
    ok(cc("put_state", "i2", '{"docType":"sukuk","issuer":"PK"}'))
    records = ok(cc("query", '{"selector":{"docType":"bond"}}'))
    assert [r["key"] for r in records] == ["i1"]


def test_history_newest_first(cc: Backend) -> None:
    ok(cc("put_state", "h", "v1"))
    ok(cc("put_state", "h", "v2"))
    ok(cc("del_state", "h"))
    history = ok(cc("history", "h"))
    assert [(m["value"], m["is_delete"]) for m in history] == [
        ("", True),
        ("v2", False),
        ("v1", False),
    ]


def test_private_data_through_transient(cc: Backend) -> None:
    response, _ = cc("put_private", "bids", "bid1")
    assert response.message == "MISSING_TRANSIENT: transient field 'value' is required"
    ok(cc("put_private", "bids", "bid1", transient={"value": b"99.5"}))
    ok(cc("put_private", "bids", "bid2", transient={"value": b"98.0"}))
    assert text(cc("get_private", "bids", "bid1")) == "99.5"
    assert text(cc("get_private_hash", "bids", "bid1")) == hashlib.sha256(b"99.5").hexdigest()
    assert [r["key"] for r in ok(cc("get_private_range", "bids", "", ""))] == ["bid1", "bid2"]
    assert text(cc("get_state", "bid1")) == ""  # private data is not in the public state
    assert ok(cc("transient_names", transient={"value": b"x", "price": b"y"})) == ["price", "value"]
    ok(cc("del_private", "bids", "bid1"))
    ok(cc("purge_private", "bids", "bid2"))
    assert text(cc("get_private", "bids", "bid1")) == ""
    assert text(cc("get_private_hash", "bids", "bid2")) == ""


def test_key_level_endorsement(cc: Backend) -> None:
    ok(cc("put_state", "bond/PK-1", "{}"))
    ok(cc("set_endorsers", "bond/PK-1", '["TreasuryMSP","CentralBankMSP"]'))
    assert ok(cc("get_endorsers", "bond/PK-1")) == ["CentralBankMSP", "TreasuryMSP"]
    assert ok(cc("get_endorsers", "other")) == []
    ok(cc("set_private_endorsers", "bids", "bid9", '["ExchangeMSP"]'))
    assert ok(cc("get_private_endorsers", "bids", "bid9")) == ["ExchangeMSP"]


def test_event(cc: Backend) -> None:
    response, event = cc("emit_event", "InstrumentIssued", '{"id":"PK-1"}')
    assert response.status == 200
    assert event == ChaincodeEvent("InstrumentIssued", b'{"id":"PK-1"}')


def test_invoke_chaincode(cc: Backend) -> None:
    result = ok(cc("invoke", "cash_token", '["balance","BANK1"]', ""))
    assert result == {"message": "", "payload": "echo:balance,BANK1", "status": 200}


def test_identity(cc: Backend) -> None:
    identity = ok(cc("whoami"))
    assert isinstance(identity, dict)
    assert identity["msp_id"] == "TreasuryMSP"
    assert identity["attributes"] == {"role": "primary_dealer"}
    assert identity["organizational_units"] == ["client", "treasury"]
    import base64

    assert (
        base64.b64decode(identity["id"])
        .decode()
        .startswith("x509::CN=dealer7,OU=client+OU=treasury,")
    )


def test_transaction_facts(cc: Backend) -> None:
    info = ok(cc("tx_info"))
    assert isinstance(info, dict)
    assert info["function"] == "tx_info"
    assert info["parameters"] == []
    assert info["channel_id"] == "sovereign"
    assert info["timestamp_seconds"] > 1_767_225_600
    assert text(cc("peer_mspid")) == "TreasuryMSP"


def test_errors(cc: Backend) -> None:
    response, _ = cc("fail", "INSUFFICIENT_HOLDING", "holding too small")
    assert (response.status, response.message) == (500, "INSUFFICIENT_HOLDING: holding too small")
    response, _ = cc("crash", "s3cr3t")
    assert response.status == 500
    assert response.message.startswith(
        "INTERNAL: internal error, see chaincode log for transaction "
    )
    assert "s3cr3t" not in response.message
    # After failures the chaincode keeps serving.
    ok(cc("put_state", "after", "1"))
    assert text(cc("get_state", "after")) == "1"
