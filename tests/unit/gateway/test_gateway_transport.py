"""Full client paths over loopback gRPC against the in-process Gateway TEST DOUBLE.

``peer_harness.GatewayPeerDouble`` plays the peer's side with the real generated messages; it is
not a Fabric peer. The same scenarios can later run against a real Gateway peer.
"""

from __future__ import annotations

import asyncio
import socket
import time

import grpc
import grpc.aio
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import events_pb2, proposal_pb2, transaction_pb2

from fabric_gateway import (
    Block,
    CallTimeouts,
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    FileCheckpointer,
    FilteredBlock,
    Gateway,
    GatewayError,
    SignerMissingError,
    SubmitError,
    X509Identity,
    connect,
    connect_async,
    new_private_key_signer,
)

from .blockdata import TxSpec, block
from .credentials import Credentials
from .peer_harness import Failure, GatewayPeerDouble

ENDORSE_FAILURE = Failure(
    grpc.StatusCode.ABORTED,
    "failed to endorse transaction, see attached details for more info",
    [
        ErrorDetail(
            "peer0.treasury:7051",
            "TreasuryMSP",
            "chaincode response 500, INSUFFICIENT_HOLDING: holder bank-a has 5 but 10 requested",
        )
    ],
)


def test_evaluate_and_submit(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    contract = gateway.get_network("sovereign").get_contract("assets", "BondContract")
    assert contract.evaluate_transaction("GetInstrument", "PKTB-2026-03") == peer.evaluate_result
    (evaluate,) = peer.requests["Evaluate"]
    assert evaluate.channel_id == "sovereign"
    assert evaluate.proposed_transaction.signature  # signed (and verified by the double)

    result = contract.submit(
        "Transfer",
        arguments=["PKTB-2026-03", "bank-b", "10"],
        transient_data={"price": "99.125"},
        endorsing_organizations=["TreasuryMSP"],
    )
    assert result == peer.endorse_result
    (endorse,) = peer.requests["Endorse"]
    assert list(endorse.endorsing_organizations) == ["TreasuryMSP"]
    (submit,) = peer.requests["Submit"]
    assert submit.transaction_id == endorse.transaction_id
    (status,) = peer.requests["CommitStatus"]
    inner = gateway_pb2.CommitStatusRequest.FromString(status.request)
    assert inner.transaction_id == endorse.transaction_id
    assert inner.channel_id == "sovereign"


def test_submit_async_gives_result_then_status(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    contract = gateway.get_network("sovereign").get_contract("assets")
    submitted = contract.submit_async("Issue", arguments=[b"\x01"])
    assert submitted.result == peer.endorse_result
    status = submitted.status()
    assert status.successful
    assert (status.code, status.code_name, status.block_number) == (0, "VALID", 42)
    assert status.transaction_id == submitted.transaction_id


def test_invalid_commit_raises_commit_error(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    peer.commit_code = transaction_pb2.MVCC_READ_CONFLICT
    contract = gateway.get_network("sovereign").get_contract("assets")
    with pytest.raises(CommitError) as raised:
        contract.submit_transaction("Transfer", "a", "b")
    assert raised.value.validation_code_name == "MVCC_READ_CONFLICT"
    assert raised.value.transaction_id == peer.requests["Submit"][0].transaction_id


def test_fine_grained_flow(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    proposal = gateway.get_network("sovereign").get_contract("assets").new_proposal("Redeem")
    transaction = proposal.endorse()
    assert transaction.transaction_id == proposal.transaction_id
    assert transaction.result == peer.endorse_result
    commit = transaction.submit()
    assert commit.status().block_number == 42


@pytest.mark.parametrize(
    ("method", "error_type"),
    [("Endorse", EndorseError), ("Submit", SubmitError), ("CommitStatus", CommitStatusError)],
)
def test_failures_are_typed_with_details(
    gateway: Gateway, peer: GatewayPeerDouble, method: str, error_type: type[GatewayError]
) -> None:
    peer.failures[method] = ENDORSE_FAILURE
    contract = gateway.get_network("sovereign").get_contract("assets")
    with pytest.raises(error_type) as raised:
        contract.submit_transaction("Transfer", "a", "b", "10")
    error = raised.value
    assert error.code is grpc.StatusCode.ABORTED
    assert error.transaction_id == peer.requests["Endorse"][0].transaction_id
    assert error.details == tuple(ENDORSE_FAILURE.details)
    assert error.chaincode_code == "INSUFFICIENT_HOLDING"
    assert error.chaincode_message == "holder bank-a has 5 but 10 requested"


def test_evaluate_failure_is_a_gateway_error(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    peer.failures["Evaluate"] = Failure(
        grpc.StatusCode.UNKNOWN,
        "evaluate call to endorser returned error: chaincode response 500, "
        "UNKNOWN_INSTRUMENT: PKTB-1999-01",
    )
    with pytest.raises(GatewayError) as raised:
        gateway.get_network("sovereign").get_contract("assets").evaluate_transaction("Get", "x")
    assert raised.value.code is grpc.StatusCode.UNKNOWN
    assert raised.value.chaincode_code == "UNKNOWN_INSTRUMENT"


def test_deadline_exceeded_is_typed_not_a_hang(
    channel: grpc.Channel, identity: X509Identity, credentials: Credentials, peer: GatewayPeerDouble
) -> None:
    peer.delays["Evaluate"] = 2.0
    peer.delays["Endorse"] = 2.0
    gateway = connect(
        client=channel,
        identity=identity,
        signer=new_private_key_signer(credentials.private_key),
        timeouts=CallTimeouts(evaluate=0.2, endorse=0.2),
    )
    contract = gateway.get_network("sovereign").get_contract("assets")
    started = time.monotonic()
    with pytest.raises(GatewayError) as evaluated:
        contract.evaluate_transaction("Slow")
    with pytest.raises(EndorseError) as endorsed:
        contract.submit_transaction("Slow")
    assert time.monotonic() - started < 1.5
    assert evaluated.value.code is grpc.StatusCode.DEADLINE_EXCEEDED
    assert endorsed.value.code is grpc.StatusCode.DEADLINE_EXCEEDED
    # A per-call timeout overrides the default.
    with pytest.raises(GatewayError) as per_call:
        contract.new_proposal("Slow").evaluate(timeout=0.1)
    assert per_call.value.code is grpc.StatusCode.DEADLINE_EXCEEDED


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_unreachable_gateway_is_a_typed_error(
    identity: X509Identity, credentials: Credentials
) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{_closed_port()}") as channel:
        gateway = connect(
            client=channel,
            identity=identity,
            signer=new_private_key_signer(credentials.private_key),
            timeouts=CallTimeouts(evaluate=3.0),
        )
        with pytest.raises(GatewayError) as raised:
            gateway.get_network("ch").get_contract("cc").evaluate_transaction("f")
    assert raised.value.code in {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


def test_gateway_does_not_close_the_application_channel(
    channel: grpc.Channel, identity: X509Identity, credentials: Credentials, peer: GatewayPeerDouble
) -> None:
    signer = new_private_key_signer(credentials.private_key)
    with connect(client=channel, identity=identity, signer=signer):
        pass
    with connect(client=channel, identity=identity, signer=signer) as gateway:
        contract = gateway.get_network("ch").get_contract("cc")
        assert contract.evaluate_transaction("f") == peer.evaluate_result


def test_unsigned_use_raises_signer_missing(
    channel: grpc.Channel, identity: X509Identity, peer: GatewayPeerDouble
) -> None:
    gateway = connect(client=channel, identity=identity)
    with pytest.raises(SignerMissingError, match="offline"):
        gateway.get_network("ch").get_contract("cc").evaluate_transaction("f")
    assert "Evaluate" not in peer.requests


def test_offline_signing_round_trip(
    channel: grpc.Channel, identity: X509Identity, credentials: Credentials, peer: GatewayPeerDouble
) -> None:
    """Every signed step leaves the process as bytes + digest and comes back with a signature."""
    hsm = new_private_key_signer(credentials.private_key)  # stands in for an external signer
    gateway = connect(client=channel, identity=identity)  # no signer in the application
    contract = gateway.get_network("sovereign").get_contract("assets")

    unsigned = contract.new_proposal("Transfer", arguments=["a", "b", "10"])
    proposal = gateway.new_signed_proposal(unsigned.bytes(), hsm.sign(unsigned.digest()))
    assert proposal.transaction_id == unsigned.transaction_id
    assert proposal.evaluate() == peer.evaluate_result
    unsigned_tx = proposal.endorse()

    # Rebuilding from bytes keeps everything but the signature slot.
    transaction = gateway.new_signed_transaction(
        unsigned_tx.bytes(), hsm.sign(unsigned_tx.digest())
    )
    assert transaction.result == peer.endorse_result
    unsigned_commit = transaction.submit()
    commit = gateway.new_signed_commit(unsigned_commit.bytes(), hsm.sign(unsigned_commit.digest()))
    assert commit.transaction_id == proposal.transaction_id
    assert commit.status().successful

    network = gateway.get_network("sovereign")
    peer.chaincode_events = [(5, [("tx-1", "HoldingTransferred", b"{}")])]
    events_request = network.new_chaincode_events_request("assets", start_block=5)
    signed_events = gateway.new_signed_chaincode_events_request(
        events_request.bytes(), hsm.sign(events_request.digest())
    )
    with signed_events.get_events(timeout=5) as events:
        assert next(events).transaction_id == "tx-1"

    peer.deliver_responses = [_block_response(5)]
    block_request = network.new_block_events_request(start_block=5)
    signed_blocks = gateway.new_signed_block_events_request(
        block_request.bytes(), hsm.sign(block_request.digest())
    )
    with signed_blocks.get_events(timeout=5) as blocks:
        assert next(blocks).number == 5

    # Unsigned and never signed: refused before anything is sent.
    with pytest.raises(SignerMissingError):
        gateway.new_proposal(unsigned.bytes()).evaluate()


def test_built_artifacts_serialize_what_was_sent(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    """Artifacts built here make their bytes only when asked: asked before or after signing,
    those bytes rebuild the same artifact, and carry the very signature the peer received."""
    contract = gateway.get_network("sovereign").get_contract("assets")
    early = contract.new_proposal("Transfer", arguments=["a", "b", "10"])
    unsigned = gateway_pb2.ProposedTransaction.FromString(early.bytes())
    assert unsigned.proposal.signature == b""
    digest = early.digest()
    early.evaluate()  # signs after bytes() was taken
    late = contract.new_proposal("Transfer", arguments=["a", "b", "10"])
    transaction = late.endorse()  # signs before bytes() is ever taken
    sent = [request.proposed_transaction for request in peer.requests["Evaluate"]]
    sent += [request.proposed_transaction for request in peer.requests["Endorse"]]
    for proposal, request in zip((early, late), sent, strict=True):
        signed = gateway_pb2.ProposedTransaction.FromString(proposal.bytes())
        assert signed.proposal == request
        assert signed.transaction_id == proposal.transaction_id
        assert gateway.new_proposal(proposal.bytes()).digest() == proposal.digest()
    assert unsigned.proposal.proposal_bytes == sent[0].proposal_bytes
    assert early.digest() == digest

    prepared = gateway_pb2.PreparedTransaction.FromString(transaction.bytes())
    assert prepared.transaction_id == late.transaction_id
    assert prepared.envelope.signature == b""
    commit = transaction.submit()
    assert commit.status().successful
    submitted = peer.requests["Submit"][0]
    signed_tx = gateway_pb2.PreparedTransaction.FromString(transaction.bytes())
    assert signed_tx.envelope == submitted.prepared_transaction
    assert signed_tx.envelope.signature != b""
    rebuilt = gateway.new_transaction(transaction.bytes())
    assert (rebuilt.transaction_id, rebuilt.result) == (late.transaction_id, peer.endorse_result)
    signed_commit = gateway_pb2.SignedCommitStatusRequest.FromString(commit.bytes())
    assert signed_commit == peer.requests["CommitStatus"][0]
    assert gateway.new_commit(commit.bytes()).transaction_id == late.transaction_id


def _block_response(number: int) -> bytes:
    envelope_block = common_pb2.Block.FromString(
        block(number, [TxSpec(f"tx-{number}")], [transaction_pb2.VALID])
    )
    return bytes(events_pb2.DeliverResponse(block=envelope_block).SerializeToString())


def test_chaincode_events_resume_from_file_checkpoint(
    gateway: Gateway, peer: GatewayPeerDouble, tmp_path: object
) -> None:
    peer.chaincode_events = [
        (7, [("tx-a", "Issued", b"1"), ("tx-b", "Issued", b"2")]),
        (8, [("tx-c", "Transferred", b"3")]),
    ]
    path = f"{tmp_path}/events.json"
    network = gateway.get_network("sovereign")
    checkpointer = FileCheckpointer(path)
    with network.get_chaincode_events("assets", start_block=7, checkpoint=checkpointer) as events:
        first = next(events)
        checkpointer.checkpoint_chaincode_event(first)
    assert first.transaction_id == "tx-a"
    assert peer.streams_closed.wait(20)  # closing the iterator cancelled the call

    # A restarted listener resumes after tx-a, even if the peer ignores after_transaction_id.
    peer.honour_after_transaction_id = False
    resumed = FileCheckpointer(path)
    with network.get_chaincode_events("assets", checkpoint=resumed) as events:
        seen = [next(events).transaction_id, next(events).transaction_id]
    assert seen == ["tx-b", "tx-c"]
    request = gateway_pb2.ChaincodeEventsRequest.FromString(
        peer.requests["ChaincodeEvents"][-1].request
    )
    assert (request.start_position.specified.number, request.after_transaction_id) == (7, "tx-a")


def test_block_and_filtered_block_events(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    filtered = events_pb2.FilteredBlock(
        channel_id="sovereign",
        number=9,
        filtered_transactions=[
            events_pb2.FilteredTransaction(
                txid="tx-f",
                type=common_pb2.ENDORSER_TRANSACTION,
                tx_validation_code=transaction_pb2.ENDORSEMENT_POLICY_FAILURE,
            )
        ],
    )
    network = gateway.get_network("sovereign")
    peer.deliver_responses = [_block_response(3), _block_response(4)]
    with network.get_block_events(start_block=3) as blocks:
        received = [next(blocks), next(blocks)]
    assert all(isinstance(b, Block) for b in received)
    assert [b.number for b in received] == [3, 4]
    assert received[0].transactions[0].transaction_id == "tx-3"

    peer.deliver_responses = [
        bytes(events_pb2.DeliverResponse(filtered_block=filtered).SerializeToString())
    ]
    with network.get_filtered_block_events() as filtered_blocks:
        got = next(filtered_blocks)
    assert isinstance(got, FilteredBlock)
    assert got.transactions[0].validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
    assert "DeliverFiltered" in peer.requests

    peer.deliver_responses = [
        bytes(events_pb2.DeliverResponse(status=common_pb2.FORBIDDEN).SerializeToString())
    ]
    with (
        network.get_block_and_private_data_events() as private_blocks,
        pytest.raises(GatewayError, match="FORBIDDEN"),
    ):
        next(private_blocks)


def test_async_client_full_path(
    identity: X509Identity, credentials: Credentials, peer: GatewayPeerDouble
) -> None:
    async def scenario() -> None:
        async with grpc.aio.insecure_channel(peer.address) as channel:
            gateway = connect_async(
                client=channel,
                identity=identity,
                signer=new_private_key_signer(credentials.private_key),
                timeouts=CallTimeouts(evaluate=0.3),
            )
            async with gateway:
                contract = gateway.get_network("sovereign").get_contract("assets")
                assert await contract.evaluate_transaction("Get", "x") == peer.evaluate_result
                assert await contract.submit_transaction("Transfer", "a") == peer.endorse_result
                submitted = await contract.submit_async("Transfer", arguments=["b"])
                assert (await submitted.status()).successful

                peer.failures["Endorse"] = ENDORSE_FAILURE
                with pytest.raises(EndorseError) as raised:
                    await contract.submit("Transfer", arguments=["c"])
                assert raised.value.chaincode_code == "INSUFFICIENT_HOLDING"
                assert raised.value.details == tuple(ENDORSE_FAILURE.details)

                peer.delays["Evaluate"] = 2.0
                with pytest.raises(GatewayError) as slow:
                    await contract.evaluate_transaction("Slow")
                assert slow.value.code is grpc.StatusCode.DEADLINE_EXCEEDED

                peer.chaincode_events = [(1, [("tx-1", "E", b"p"), ("tx-2", "E", b"q")])]
                async with gateway.get_network("sovereign").get_chaincode_events(
                    "assets", start_block=1
                ) as events:
                    ids = [(await events.__anext__()).transaction_id for _ in range(2)]
                assert ids == ["tx-1", "tx-2"]

                peer.deliver_responses = [_block_response(6)]
                async with gateway.get_network("sovereign").get_block_events() as blocks:
                    async for received in blocks:
                        assert received.number == 6
                        break

    asyncio.run(asyncio.wait_for(scenario(), timeout=20))
    assert peer.streams_closed.wait(20)  # generous: a loaded machine is slow to cancel


def test_async_unreachable_is_typed(identity: X509Identity, credentials: Credentials) -> None:
    async def scenario() -> GatewayError:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{_closed_port()}") as channel:
            gateway = connect_async(
                client=channel,
                identity=identity,
                signer=new_private_key_signer(credentials.private_key),
                timeouts=CallTimeouts(endorse=3.0),
            )
            try:
                await gateway.get_network("ch").get_contract("cc").submit_transaction("f")
            except EndorseError as error:
                return error
        raise AssertionError("expected EndorseError")

    error = asyncio.run(scenario())
    assert error.code in {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}
    assert error.transaction_id


def test_endorsed_envelope_strips_transient_data(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    """Sanity check of the double itself: what is ordered carries no transient data."""
    transaction = (
        gateway.get_network("sovereign")
        .get_contract("assets")
        .new_proposal("Bid", transient_data={"price": "99.5"})
        .endorse()
    )
    payload = common_pb2.Payload.FromString(
        gateway_pb2.PreparedTransaction.FromString(transaction.bytes()).envelope.payload
    )
    tx = transaction_pb2.Transaction.FromString(payload.data)
    action_payload = transaction_pb2.ChaincodeActionPayload.FromString(tx.actions[0].payload)
    cpp = proposal_pb2.ChaincodeProposalPayload.FromString(
        action_payload.chaincode_proposal_payload
    )
    assert dict(cpp.TransientMap) == {}


def test_event_stream_deadline_is_typed(gateway: Gateway, peer: GatewayPeerDouble) -> None:
    network = gateway.get_network("sovereign")
    started = time.monotonic()
    with (
        network.get_chaincode_events("assets", timeout=0.3) as events,
        pytest.raises(GatewayError) as raised,
    ):
        next(events)
    assert raised.value.code is grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 5


def test_block_and_private_data_events_decode_the_private_writes(
    gateway: Gateway, peer: GatewayPeerDouble
) -> None:
    from fabric_protos.ledger.rwset import rwset_pb2
    from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2

    kv = kv_rwset_pb2.KVRWSet(
        writes=[
            kv_rwset_pb2.KVWrite(key="INV-AYESHA", value=b'{"name":"Ayesha"}'),
            kv_rwset_pb2.KVWrite(key="INV-OLD", is_delete=True),
        ]
    )
    private = rwset_pb2.TxPvtReadWriteSet(
        data_model=rwset_pb2.TxReadWriteSet.KV,
        ns_pvt_rwset=[
            rwset_pb2.NsPvtReadWriteSet(
                namespace="sovereign",
                collection_pvt_rwset=[
                    rwset_pb2.CollectionPvtReadWriteSet(
                        collection_name="_implicit_org_CentralBankMSP",
                        rwset=kv.SerializeToString(),
                    )
                ],
            )
        ],
    )
    with_private = events_pb2.BlockAndPrivateData(
        block=common_pb2.Block.FromString(block(5, [TxSpec("tx-5")], [transaction_pb2.VALID])),
        private_data_map={0: private},
    )
    peer.deliver_responses = [
        bytes(events_pb2.DeliverResponse(block_and_private_data=with_private).SerializeToString())
    ]
    with gateway.get_network("sovereign").get_block_and_private_data_events() as stream:
        got = next(stream)
    assert got.block.number == 5
    writes = got.private_writes[0]
    assert [(w.namespace, w.collection, w.key, w.is_delete) for w in writes] == [
        ("sovereign", "_implicit_org_CentralBankMSP", "INV-AYESHA", False),
        ("sovereign", "_implicit_org_CentralBankMSP", "INV-OLD", True),
    ]
    assert writes[0].value == b'{"name":"Ayesha"}'
    assert rwset_pb2.TxPvtReadWriteSet.FromString(got.private_data[0]) == private
