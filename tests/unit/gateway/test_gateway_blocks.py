"""Back-office decoding of blocks built with the generated protobuf classes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fabric_protos.peer import transaction_pb2

from fabric_gateway import (
    GatewayError,
    KVRead,
    KVWrite,
    decode_block,
    decode_transaction,
    validation_code_name,
)

from .blockdata import TxSpec, block, envelope


def test_decode_block_with_validation_codes_and_rwsets() -> None:
    issue = TxSpec(
        "tx-issue",
        msp_id="TreasuryMSP",
        reads=[("instrument~PKTB-2026-03", (3, 0)), ("holding~bank-a", None)],
        writes=[("holding~bank-a", b'{"quantity":"1000000"}', False), ("bid~1", b"", True)],
        event_name="InstrumentIssued",
        event_payload=b'{"id":"PKTB-2026-03"}',
    )
    conflicting = TxSpec("tx-conflict", writes=[("holding~bank-a", b"x", False)])
    data = block(
        12, [issue, conflicting], [transaction_pb2.VALID, transaction_pb2.MVCC_READ_CONFLICT]
    )

    decoded = decode_block(data)
    assert decoded.number == 12
    assert decoded.previous_hash == b"p" * 32
    assert decoded.raw == data
    first, second = decoded.transactions
    assert first.transaction_id == "tx-issue"
    assert first.channel_id == "sovereign"
    assert first.header_type == "ENDORSER_TRANSACTION"
    assert first.creator_msp_id == "TreasuryMSP"
    assert first.creator_id_bytes.startswith(b"-----BEGIN CERTIFICATE-----")
    assert first.timestamp == datetime(2026, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)
    assert first.valid
    assert first.validation_code_name == "VALID"
    assert first.chaincode_name == "assets"
    assert first.result == b"ok"  # the endorsed return value, for a client resolving a retry
    (rwset,) = first.read_write_sets
    assert rwset.namespace == "assets"
    assert rwset.reads == (
        KVRead("instrument~PKTB-2026-03", (3, 0)),
        KVRead("holding~bank-a", None),
    )
    assert rwset.writes == (
        KVWrite("holding~bank-a", b'{"quantity":"1000000"}', False),
        KVWrite("bid~1", b"", True),
    )
    (event,) = first.chaincode_events
    assert (event.block_number, event.event_name, event.payload) == (
        12,
        "InstrumentIssued",
        b'{"id":"PKTB-2026-03"}',
    )
    assert not second.valid
    assert second.validation_code == transaction_pb2.MVCC_READ_CONFLICT
    assert second.validation_code_name == "MVCC_READ_CONFLICT"
    assert second.index == 1


def test_decode_names_the_function_and_the_endorsing_orgs_once_each() -> None:
    spec = TxSpec(
        "tx-settle",
        arguments=[b"settlement:Settle", b"TRD-0001"],
        endorsers=["TreasuryMSP", "CentralBankMSP", "TreasuryMSP"],
    )
    (decoded,) = decode_block(block(3, [spec], [transaction_pb2.VALID])).transactions
    assert decoded.function_name == "settlement:Settle"
    assert decoded.endorser_msp_ids == ("TreasuryMSP", "CentralBankMSP")
    bare = decode_block(block(4, [TxSpec("tx-bare")], [transaction_pb2.VALID])).transactions[0]
    assert (bare.function_name, bare.endorser_msp_ids) == (None, ())


def test_block_without_transactions_filter_is_not_validated() -> None:
    decoded = decode_block(block(1, [TxSpec("tx-x")], codes=None))
    assert decoded.transactions[0].validation_code_name == "NOT_VALIDATED"


def test_decode_single_transaction_and_code_names() -> None:
    tx = decode_transaction(envelope(TxSpec("tx-1")), validation_code=0, block_number=4)
    assert tx.transaction_id == "tx-1"
    assert validation_code_name(11) == "MVCC_READ_CONFLICT"
    assert validation_code_name(9999) == "UNKNOWN(9999)"


def test_garbage_is_a_gateway_error() -> None:
    with pytest.raises(GatewayError, match="Invalid serialized block"):
        decode_block(b"\xff\xff\xff\xff")
