"""TEST DOUBLE of a Fabric Gateway peer -- not a peer, and not a substitute for one.

It plays the server side of the ``gateway.Gateway`` and ``protos.Deliver`` gRPC services over a
real loopback connection with the real generated protobuf messages, so the client's full
sync and asyncio paths (encoding, signing, transport, error translation, streams) can be
exercised without Fabric binaries. It endorses nothing, orders nothing and keeps no ledger:
each answer is whatever the test configured. Requests are recorded for inspection. Like a
peer, it checks each client signature (ECDSA over SHA-256 with low S, or Ed25519) against the
creator certificate and rejects unsigned requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import (
    chaincode_event_pb2,
    events_pb2,
    events_pb2_grpc,
    proposal_pb2,
    proposal_response_pb2,
    transaction_pb2,
)

from fabric_gateway import ErrorDetail
from fabric_gateway._protos import encode_error_details

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@dataclass
class Failure:
    code: grpc.StatusCode
    message: str
    details: Sequence[ErrorDetail] = ()


@dataclass
class GatewayPeerDouble(gateway_pb2_grpc.GatewayServicer, events_pb2_grpc.DeliverServicer):  # type: ignore[misc]
    """Configurable Gateway + Deliver test double. See the module docstring."""

    evaluate_result: bytes = b'{"instrument":"PKTB-2026-03","outstanding":1000000}'
    endorse_result: bytes = b'{"ok":true}'
    commit_code: int = transaction_pb2.VALID
    commit_block: int = 42
    chaincode_events: list[tuple[int, list[tuple[str, str, bytes]]]] = field(default_factory=list)
    """(block, [(tx_id, event_name, payload)]) per ChaincodeEventsResponse."""
    honour_after_transaction_id: bool = True
    deliver_responses: list[bytes] = field(default_factory=list)
    """Serialized peer.DeliverResponse messages sent on any Deliver stream."""
    verify_signatures: bool = True
    failures: dict[str, Failure] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    requests: dict[str, list[Any]] = field(default_factory=dict)
    address: str = ""
    streams_closed: threading.Event = field(default_factory=threading.Event)

    # --- helpers ---------------------------------------------------------------------------

    def _enter(self, method: str, request: Any, context: grpc.ServicerContext) -> None:
        self.requests.setdefault(method, []).append(request)
        delay = self.delays.get(method)
        if delay:
            time.sleep(delay)
        failure = self.failures.get(method)
        if failure is not None:
            status_bin = encode_error_details(
                failure.code.value[0], failure.message, failure.details
            )
            context.set_trailing_metadata((("grpc-status-details-bin", status_bin),))
            context.abort(failure.code, failure.message)

    def _check_signature(
        self, creator: bytes, message: bytes, signature: bytes, context: grpc.ServicerContext
    ) -> None:
        if not self.verify_signatures:
            return
        if not signature:
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "request is not signed")
        identity = identities_pb2.SerializedIdentity.FromString(creator)
        public_key = x509.load_pem_x509_certificate(identity.id_bytes).public_key()
        try:
            if isinstance(public_key, ed25519.Ed25519PublicKey):
                public_key.verify(signature, message)
            elif isinstance(public_key, ec.EllipticCurvePublicKey):
                public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
                _, s = utils.decode_dss_signature(signature)
                if isinstance(public_key.curve, ec.SECP256R1) and s > P256_ORDER // 2:
                    context.abort(grpc.StatusCode.PERMISSION_DENIED, "signature is not low-S")
            else:
                context.abort(grpc.StatusCode.PERMISSION_DENIED, "unsupported key")
        except InvalidSignature:
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "invalid signature")

    def _watch_stream(self, context: grpc.ServicerContext) -> None:
        # Registered when a stream opens: a client may cancel while the server is between
        # two messages, and the server then never resumes the handler past its last yield.
        if not context.add_callback(self.streams_closed.set):
            self.streams_closed.set()

    def _wait_until_cancelled(self, context: grpc.ServicerContext) -> None:
        # A peer keeps event streams open; so does the double, until the client cancels.
        done = threading.Event()
        if context.add_callback(done.set):
            done.wait(timeout=30)

    # --- gateway.Gateway -------------------------------------------------------------------

    def Evaluate(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        self._enter("Evaluate", request, context)
        proposal = proposal_pb2.Proposal.FromString(request.proposed_transaction.proposal_bytes)
        header = common_pb2.Header.FromString(proposal.header)
        creator = common_pb2.SignatureHeader.FromString(header.signature_header).creator
        self._check_signature(
            creator,
            request.proposed_transaction.proposal_bytes,
            request.proposed_transaction.signature,
            context,
        )
        return gateway_pb2.EvaluateResponse(
            result=proposal_response_pb2.Response(status=200, payload=self.evaluate_result)
        )

    def Endorse(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        self._enter("Endorse", request, context)
        signed = request.proposed_transaction
        proposal = proposal_pb2.Proposal.FromString(signed.proposal_bytes)
        header = common_pb2.Header.FromString(proposal.header)
        signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
        self._check_signature(
            signature_header.creator, signed.proposal_bytes, signed.signature, context
        )
        # Shape the transaction as a peer would: the proposal header, the proposal payload
        # without its transient map, and one endorsed chaincode action carrying the result.
        payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
        payload.ClearField("TransientMap")
        chaincode_action = proposal_pb2.ChaincodeAction(
            response=proposal_response_pb2.Response(status=200, payload=self.endorse_result)
        )
        action_payload = transaction_pb2.ChaincodeActionPayload(
            chaincode_proposal_payload=payload.SerializeToString(),
            action=transaction_pb2.ChaincodeEndorsedAction(
                proposal_response_payload=proposal_response_pb2.ProposalResponsePayload(
                    extension=chaincode_action.SerializeToString()
                ).SerializeToString()
            ),
        )
        transaction = transaction_pb2.Transaction(
            actions=[
                transaction_pb2.TransactionAction(
                    header=header.signature_header, payload=action_payload.SerializeToString()
                )
            ]
        )
        envelope = common_pb2.Envelope(
            payload=common_pb2.Payload(
                header=header, data=transaction.SerializeToString()
            ).SerializeToString()
        )
        return gateway_pb2.EndorseResponse(prepared_transaction=envelope)

    def Submit(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        self._enter("Submit", request, context)
        envelope = request.prepared_transaction
        payload = common_pb2.Payload.FromString(envelope.payload)
        creator = common_pb2.SignatureHeader.FromString(payload.header.signature_header).creator
        self._check_signature(creator, envelope.payload, envelope.signature, context)
        return gateway_pb2.SubmitResponse()

    def CommitStatus(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        self._enter("CommitStatus", request, context)
        inner = gateway_pb2.CommitStatusRequest.FromString(request.request)
        self._check_signature(inner.identity, request.request, request.signature, context)
        return gateway_pb2.CommitStatusResponse(
            result=self.commit_code, block_number=self.commit_block
        )

    def ChaincodeEvents(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:  # noqa: N802
        self._enter("ChaincodeEvents", request, context)
        self._watch_stream(context)
        inner = gateway_pb2.ChaincodeEventsRequest.FromString(request.request)
        self._check_signature(inner.identity, request.request, request.signature, context)
        start = (
            inner.start_position.specified.number
            if inner.start_position.WhichOneof("Type") == "specified"
            else 0
        )
        skip_until = inner.after_transaction_id if self.honour_after_transaction_id else ""
        for block_number, events in self.chaincode_events:
            if block_number < start:
                continue
            messages = [
                chaincode_event_pb2.ChaincodeEvent(
                    chaincode_id=inner.chaincode_id, tx_id=tx, event_name=name, payload=data
                )
                for tx, name, data in events
            ]
            if skip_until and block_number == start:
                ids = [m.tx_id for m in messages]
                if skip_until in ids:
                    messages = messages[ids.index(skip_until) + 1 :]
            if messages:
                yield gateway_pb2.ChaincodeEventsResponse(
                    block_number=block_number, events=messages
                )
        self._wait_until_cancelled(context)

    # --- protos.Deliver ----------------------------------------------------------------------

    def _deliver(
        self, method: str, requests: Iterator[Any], context: grpc.ServicerContext
    ) -> Iterator[Any]:
        envelope = next(requests)
        self._enter(method, envelope, context)
        self._watch_stream(context)
        payload = common_pb2.Payload.FromString(envelope.payload)
        creator = common_pb2.SignatureHeader.FromString(payload.header.signature_header).creator
        self._check_signature(creator, envelope.payload, envelope.signature, context)
        for data in self.deliver_responses:
            yield events_pb2.DeliverResponse.FromString(data)
        self._wait_until_cancelled(context)

    def Deliver(  # noqa: N802
        self, request_iterator: Iterator[Any], context: grpc.ServicerContext
    ) -> Iterator[Any]:
        return self._deliver("Deliver", request_iterator, context)

    def DeliverFiltered(  # noqa: N802
        self, request_iterator: Iterator[Any], context: grpc.ServicerContext
    ) -> Iterator[Any]:
        return self._deliver("DeliverFiltered", request_iterator, context)

    def DeliverWithPrivateData(  # noqa: N802
        self, request_iterator: Iterator[Any], context: grpc.ServicerContext
    ) -> Iterator[Any]:
        return self._deliver("DeliverWithPrivateData", request_iterator, context)


@contextmanager
def serve(double: GatewayPeerDouble) -> Iterator[GatewayPeerDouble]:
    """Run ``double`` on 127.0.0.1 (ephemeral port) for the duration of the block."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    gateway_pb2_grpc.add_GatewayServicer_to_server(double, server)
    events_pb2_grpc.add_DeliverServicer_to_server(double, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    double.address = f"127.0.0.1:{port}"
    try:
        yield double
    finally:
        server.stop(grace=None)
