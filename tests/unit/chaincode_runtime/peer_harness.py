"""TEST DOUBLE: plays the Fabric PEER's side of the chaincode stream over real loopback gRPC.

This is not a peer. It dials the chaincode server exactly as a peer does in chaincode-as-a-
service mode (``protos.Chaincode/Connect``), speaks with the real generated
``ChaincodeMessage`` classes, and lets tests script the conversation message by message.
:class:`LedgerDouble` answers stub requests from a dict so that whole transactions (and the
conformance suite) can run through the wire; it mimics only what the tests need of the peer's
ledger (committed-state reads, write sets applied on success, paging, history).
The same tests can later point at a real peer instead of this double.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import queue
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.ledger.queryresult import kv_query_result_pb2
from fabric_protos.peer import (
    chaincode_pb2,
    chaincode_shim_pb2,
    proposal_pb2,
    proposal_response_pb2,
)

CM = chaincode_shim_pb2.ChaincodeMessage
#: A generated ChaincodeMessage (the generated classes are untyped).
Message = Any
T = CM.Type


def signed_proposal(
    *,
    txid: str,
    channel_id: str,
    args: Sequence[bytes],
    creator: bytes = b"",
    transient: Mapping[str, bytes] | None = None,
    timestamp_seconds: int = 1_767_225_600,
    nonce: bytes = b"nonce-0123456789",
) -> chaincode_shim_pb2.SignedProposal:
    """A SignedProposal built like a client SDK builds one (unsigned: a test double)."""
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.ENDORSER_TRANSACTION, channel_id=channel_id, tx_id=txid, epoch=0
    )
    channel_header.timestamp.seconds = timestamp_seconds
    signature_header = common_pb2.SignatureHeader(creator=creator, nonce=nonce)
    header = common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=signature_header.SerializeToString(),
    )
    spec = chaincode_pb2.ChaincodeInvocationSpec()
    spec.chaincode_spec.chaincode_id.name = "conformance"
    spec.chaincode_spec.input.args.extend(list(args))
    payload = proposal_pb2.ChaincodeProposalPayload(input=spec.SerializeToString())
    for k, v in (transient or {}).items():
        payload.TransientMap[k] = v
    proposal = proposal_pb2.Proposal(
        header=header.SerializeToString(), payload=payload.SerializeToString()
    )
    return proposal_pb2.SignedProposal(
        proposal_bytes=proposal.SerializeToString(), signature=b"test-double-signature"
    )


class PeerHarness:
    """The peer's end of one Connect stream (test double)."""

    def __init__(
        self,
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        server_name: str | None = None,
    ) -> None:
        options: list[tuple[str, object]] = [
            ("grpc.max_send_message_length", 100 * 1024 * 1024),
            ("grpc.max_receive_message_length", 100 * 1024 * 1024),
        ]
        if server_name:
            options.append(("grpc.ssl_target_name_override", server_name))
        self.channel = (
            grpc.secure_channel(target, credentials, options=options)
            if credentials is not None
            else grpc.insecure_channel(target, options=options)
        )
        self._outgoing: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._incoming: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._buffers: dict[str, deque[object]] = defaultdict(deque)
        self.stream_error: grpc.RpcError | None = None
        connect = self.channel.stream_stream(
            "/protos.Chaincode/Connect",
            request_serializer=CM.SerializeToString,
            response_deserializer=CM.FromString,
        )
        self._call = connect(self._requests())
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    _END = object()

    def _requests(self) -> Iterator[object]:
        while True:
            item = self._outgoing.get()
            if item is self._END:
                return
            yield item

    def _read(self) -> None:
        try:
            for message in self._call:
                self._incoming.put(message)
        except grpc.RpcError as exc:
            self.stream_error = exc
        finally:
            self._incoming.put(self._END)

    # -- raw stream
    def send(self, message: Message) -> None:
        """Send one ChaincodeMessage to the chaincode."""
        self._outgoing.put(message)

    def _pull(self, timeout: float) -> Message:
        try:
            return self._incoming.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no message from the chaincode in time") from None

    def recv(self, timeout: float = 5.0) -> Message:
        """The next message from the chaincode, whatever its txid."""
        for buffer in self._buffers.values():
            if buffer:
                return buffer.popleft()
        message = self._pull(timeout)
        if message is self._END:
            raise AssertionError("the chaincode closed the stream")
        return message

    def recv_for(self, txid: str, timeout: float = 5.0) -> Message:
        """The next message of ``txid``, buffering others (txids interleave on one stream)."""
        if self._buffers[txid]:
            return self._buffers[txid].popleft()
        while True:
            message = self._pull(timeout)
            if message is self._END:
                raise AssertionError("the chaincode closed the stream")
            if message.txid == txid:
                return message
            self._buffers[message.txid].append(message)

    def stream_ended(self, timeout: float = 5.0) -> bool:
        """Whether the chaincode ended the stream (draining what is left)."""
        while True:
            try:
                message = self._incoming.get(timeout=timeout)
            except queue.Empty:
                return False
            if message is self._END:
                return True

    # -- conversation helpers
    def handshake(
        self, expected_name: str, ready_payload: bytes = b""
    ) -> chaincode_pb2.ChaincodeID:
        """Expect REGISTER, answer REGISTERED then READY; returns the registered ChaincodeID."""
        register = self.recv()
        assert register.type == T.REGISTER, register
        chaincode_id = chaincode_pb2.ChaincodeID.FromString(register.payload)
        assert chaincode_id.name == expected_name
        self.send(CM(type=T.REGISTERED))
        self.send(CM(type=T.READY, payload=ready_payload))
        return chaincode_id

    def start(
        self,
        txid: str,
        args: Sequence[str | bytes],
        *,
        channel_id: str = "sovereign",
        creator: bytes = b"",
        transient: Mapping[str, bytes] | None = None,
        init: bool = False,
        timestamp_seconds: int = 1_767_225_600,
    ) -> None:
        """Send TRANSACTION (or INIT) with a proposal, as the peer's endorser does."""
        raw = [a if isinstance(a, bytes) else a.encode() for a in args]
        chaincode_input = chaincode_pb2.ChaincodeInput(args=raw)
        self.send(
            CM(
                type=T.INIT if init else T.TRANSACTION,
                txid=txid,
                channel_id=channel_id,
                payload=chaincode_input.SerializeToString(),
                proposal=signed_proposal(
                    txid=txid,
                    channel_id=channel_id,
                    args=raw,
                    creator=creator,
                    transient=transient,
                    timestamp_seconds=timestamp_seconds,
                ),
            )
        )

    def respond(self, request: Message, payload: bytes = b"") -> None:
        """Answer a stub request with RESPONSE."""
        self.send(
            CM(
                type=T.RESPONSE,
                payload=payload,
                txid=request.txid,
                channel_id=request.channel_id,
            )
        )

    def refuse(self, request: Message, message: str) -> None:
        """Answer a stub request with ERROR."""
        self.send(
            CM(
                type=T.ERROR,
                payload=message.encode(),
                txid=request.txid,
                channel_id=request.channel_id,
            )
        )

    def close(self) -> None:
        """End the stream and the channel."""
        self._outgoing.put(self._END)
        self.channel.close()


def completed_response(message: Message) -> proposal_response_pb2.Response:
    """The peer.Response inside a COMPLETED message."""
    assert message.type == T.COMPLETED, message
    return proposal_response_pb2.Response.FromString(message.payload)


@dataclass
class _Query:
    results: list[bytes]
    metadata: bytes = b""


@dataclass
class LedgerDouble:
    """Answers stub requests from dicts, with Fabric's read-committed semantics (test double).

    ``batch`` is how many results one QueryResponse carries, small so that iterators must
    send QUERY_STATE_NEXT.
    """

    namespace: str = "conformance"
    batch: int = 2
    state: dict[tuple[str, str], bytes] = field(default_factory=dict)
    metadata: dict[tuple[str, str], dict[str, bytes]] = field(default_factory=dict)
    history: dict[str, list[bytes]] = field(default_factory=dict)
    invoke_answer: Callable[[str, list[bytes]], bytes] | None = None
    requests: list[Message] = field(default_factory=list)
    _writes: dict[str, list[tuple[str, str, bytes | None, str]]] = field(default_factory=dict)
    _queries: dict[str, _Query] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=itertools.count)

    def run(self, harness: PeerHarness, txid: str, timeout: float = 5.0) -> Message:
        """Answer every request of ``txid`` until COMPLETED or ERROR; commit on status 200."""
        self._writes.setdefault(txid, [])
        while True:
            message = harness.recv_for(txid, timeout)
            kind = message.type
            if kind in (T.COMPLETED, T.ERROR):
                if kind == T.COMPLETED and completed_response(message).status == 200:
                    self._commit(txid)
                self._writes.pop(txid, None)
                return message
            self.requests.append(message)
            try:
                payload = self._answer(txid, message)
            except KeyError as exc:
                harness.refuse(message, f"test double cannot answer: {exc}")
                continue
            harness.respond(message, payload)

    def _commit(self, txid: str) -> None:
        for collection, key, value, metakey in self._writes.get(txid, []):
            if metakey:
                self.metadata.setdefault((collection, key), {})[metakey] = value or b""
            elif value is None:
                self.state.pop((collection, key), None)
                if not collection:
                    self.history.setdefault(key, []).append(b"")
            else:
                self.state[(collection, key)] = value
                if not collection:
                    self.history.setdefault(key, []).append(value)

    def _scan(self, collection: str, start: str, end: str) -> list[bytes]:
        keys = sorted(
            (k for (c, k) in self.state if c == collection and k >= start and (not end or k < end)),
            key=lambda k: k.encode(),
        )
        return [
            kv_query_result_pb2.KV(
                namespace=self.namespace, key=k, value=self.state[(collection, k)]
            ).SerializeToString()
            for k in keys
        ]

    def _open(self, results: list[bytes], paging: bytes, keys: list[str]) -> bytes:
        metadata = b""
        if paging:
            page_meta = chaincode_shim_pb2.QueryMetadata.FromString(paging)
            if page_meta.bookmark:
                results = [r for r, k in zip(results, keys, strict=True) if k >= page_meta.bookmark]
                keys = [k for k in keys if k >= page_meta.bookmark]
            rest = keys[page_meta.pageSize :]
            results = results[: page_meta.pageSize]
            metadata = chaincode_shim_pb2.QueryResponseMetadata(
                fetched_records_count=len(results), bookmark=rest[0] if rest else ""
            ).SerializeToString()
        query_id = f"q{next(self._ids)}"
        self._queries[query_id] = _Query(results, metadata)
        return self._next(query_id, first=True)

    def _next(self, query_id: str, first: bool = False) -> bytes:
        query = self._queries[query_id]
        chunk, query.results = query.results[: self.batch], query.results[self.batch :]
        response = chaincode_shim_pb2.QueryResponse(has_more=bool(query.results), id=query_id)
        for item in chunk:
            response.results.add(resultBytes=item)
        if first and query.metadata:
            response.metadata = query.metadata
        return bytes(response.SerializeToString())

    def _answer(self, txid: str, message: Message) -> bytes:
        kind = message.type
        data = message.payload
        writes = self._writes[txid]
        if kind == T.GET_STATE:
            req = chaincode_shim_pb2.GetState.FromString(data)
            return self.state.get((req.collection, req.key), b"")
        if kind == T.GET_STATE_MULTIPLE:
            req = chaincode_shim_pb2.GetStateMultiple.FromString(data)
            result = chaincode_shim_pb2.GetStateMultipleResult(
                values=[self.state.get((req.collection, k), b"") for k in req.keys]
            )
            return bytes(result.SerializeToString())
        if kind == T.GET_PRIVATE_DATA_HASH:
            req = chaincode_shim_pb2.GetState.FromString(data)
            value = self.state.get((req.collection, req.key))
            return hashlib.sha256(value).digest() if value else b""
        if kind == T.PUT_STATE:
            req = chaincode_shim_pb2.PutState.FromString(data)
            writes.append((req.collection, req.key, req.value, ""))
            return b""
        if kind in (T.DEL_STATE, T.PURGE_PRIVATE_DATA):
            req = chaincode_shim_pb2.DelState.FromString(data)
            writes.append((req.collection, req.key, None, ""))
            return b""
        if kind == T.PUT_STATE_METADATA:
            req = chaincode_shim_pb2.PutStateMetadata.FromString(data)
            writes.append((req.collection, req.key, req.metadata.value, req.metadata.metakey))
            return b""
        if kind == T.WRITE_BATCH_STATE:
            batch = chaincode_shim_pb2.WriteBatchState.FromString(data)
            for rec in batch.rec:
                if rec.type == chaincode_shim_pb2.WriteRecord.PUT_STATE:
                    writes.append((rec.collection, rec.key, rec.value, ""))
                elif rec.type == chaincode_shim_pb2.WriteRecord.PUT_STATE_METADATA:
                    writes.append(
                        (rec.collection, rec.key, rec.metadata.value, rec.metadata.metakey)
                    )
                else:
                    writes.append((rec.collection, rec.key, None, ""))
            return b""
        if kind == T.GET_STATE_METADATA:
            req = chaincode_shim_pb2.GetStateMetadata.FromString(data)
            result = chaincode_shim_pb2.StateMetadataResult()
            for metakey, value in self.metadata.get((req.collection, req.key), {}).items():
                result.entries.add(metakey=metakey, value=value)
            return bytes(result.SerializeToString())
        if kind == T.GET_STATE_BY_RANGE:
            req = chaincode_shim_pb2.GetStateByRange.FromString(data)
            results = self._scan(req.collection, req.startKey, req.endKey)
            keys = [kv_query_result_pb2.KV.FromString(r).key for r in results]
            return self._open(results, req.metadata, keys)
        if kind == T.GET_QUERY_RESULT:
            req = chaincode_shim_pb2.GetQueryResult.FromString(data)
            selector = json.loads(req.query)["selector"]
            results, keys = [], []
            for raw in self._scan(req.collection, "", ""):
                kv = kv_query_result_pb2.KV.FromString(raw)
                try:
                    doc = json.loads(kv.value)
                except ValueError:
                    continue
                if isinstance(doc, dict) and all(doc.get(f) == v for f, v in selector.items()):
                    results.append(raw)
                    keys.append(kv.key)
            return self._open(results, req.metadata, keys)
        if kind == T.GET_HISTORY_FOR_KEY:
            req = chaincode_shim_pb2.GetHistoryForKey.FromString(data)
            entries = []
            for index, value in reversed(list(enumerate(self.history.get(req.key, [])))):
                mod = kv_query_result_pb2.KeyModification(
                    tx_id=f"history-{index}", value=value, is_delete=not value
                )
                mod.timestamp.seconds = 1_767_225_600 + index
                entries.append(mod.SerializeToString())
            return self._open(entries, b"", [])
        if kind == T.QUERY_STATE_NEXT:
            return self._next(chaincode_shim_pb2.QueryStateNext.FromString(data).id)
        if kind == T.QUERY_STATE_CLOSE:
            query_id = chaincode_shim_pb2.QueryStateClose.FromString(data).id
            self._queries.pop(query_id, None)
            return bytes(chaincode_shim_pb2.QueryResponse(id=query_id).SerializeToString())
        if kind == T.INVOKE_CHAINCODE:
            spec = chaincode_pb2.ChaincodeSpec.FromString(data)
            if self.invoke_answer is None:
                raise KeyError("no chaincode to invoke")
            response = self.invoke_answer(spec.chaincode_id.name, list(spec.input.args))
            nested = CM(type=T.COMPLETED, payload=response, txid=txid)
            return bytes(nested.SerializeToString())
        raise KeyError(T.Name(kind))
