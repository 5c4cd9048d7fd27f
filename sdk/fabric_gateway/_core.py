"""The shared, transport-free core of the sync and asyncio clients.

Owns: the signing identity (creator, hash, signer), transaction contexts, and the state of every
signable artifact -- proposal, transaction, commit status request, chaincode and block events
requests -- with their ``bytes()`` / ``digest()`` / offline-signature rules, plus the pure
resume rule for chaincode events. Each artifact also builds the ``UnaryCall`` (request, deadline,
error type) its transport call needs and parses the response, so the ``client`` (sync) and
``aio`` (asyncio) shells built on these classes add only the call to their transport.

Must not import: grpc or the transport, and no generated protobuf classes (``_protos`` does
all encoding).
"""

from __future__ import annotations

import builtins
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, Literal, Protocol, TypeVar

from . import _protos
from .checkpoint import Checkpoint
from .errors import (
    CommitStatusError,
    EndorseError,
    GatewayError,
    SignerMissingError,
    SubmitError,
)
from .hashes import Hash, sha256
from .identity import Identity
from .models import Block, BlockAndPrivateData, ChaincodeEvent, FilteredBlock, Status
from .signing import Signer

NONCE_LENGTH = 24
"""Bytes of randomness in every transaction context, as in the official clients."""

Argument = str | bytes


@dataclass(frozen=True, slots=True)
class CallTimeouts:
    """Deadlines, in seconds, for each kind of Gateway call (``None``: no deadline).

    The defaults follow the official samples. Event streams are long-lived, so they have no
    deadline unless one is given.
    """

    evaluate: float | None = 5.0
    endorse: float | None = 15.0
    submit: float | None = 5.0
    commit_status: float | None = 60.0
    chaincode_events: float | None = None
    block_events: float | None = None


def as_bytes(value: Argument) -> bytes:
    """Arguments and transient values may be ``str`` (sent as UTF-8) or ``bytes``."""
    return value.encode() if isinstance(value, str) else bytes(value)


class SigningIdentity:
    """An identity with its hash and (optional) signer."""

    __slots__ = ("_creator", "_hash", "_signer", "identity")

    def __init__(self, identity: Identity, signer: Signer | None, hash: Hash | None) -> None:
        self.identity = identity
        self._signer = signer
        self._hash: Hash = hash or sha256
        self._creator = _protos.serialize_identity(identity.msp_id, identity.credentials)

    @property
    def creator(self) -> bytes:
        """The serialized ``msp.SerializedIdentity``."""
        return self._creator

    def hash(self, message: bytes) -> bytes:
        """Digest of ``message`` with the configured hash."""
        return self._hash(message)

    def sign(self, digest: bytes) -> bytes:
        """Sign ``digest``; without a signer this raises :class:`SignerMissingError`."""
        if self._signer is None:
            raise SignerMissingError(
                "No signer: this gateway was connected without one, so the artifact must be "
                "signed offline (digest() then gateway.new_signed_...(bytes, signature))"
            )
        return self._signer.sign(digest)

    def new_transaction_context(self, nonce: bytes | None = None) -> tuple[str, bytes]:
        """A ``(transaction_id, nonce)``: a fresh random nonce unless ``nonce`` is given.

        The ID is always hex(SHA-256(nonce || creator)), whatever the signing hash, because
        that is what peers check. A caller-chosen nonce gives a transaction ID known before
        anything is sent (see :func:`request_nonce`); it must never be reused for a
        different transaction.
        """
        if nonce is None:
            nonce = os.urandom(NONCE_LENGTH)
        elif not nonce:
            raise ValueError("a transaction nonce must not be empty")
        return hashlib.sha256(nonce + self._creator).hexdigest(), nonce


def request_nonce(request_id: str) -> bytes:
    """The transaction nonce of the client request ``request_id`` (24 bytes).

    Proposals built with it have the transaction ID hex(SHA-256(nonce || creator)) for
    every attempt of the request by the same identity, so a retried request is the same
    transaction: the peers refuse to endorse it again once it committed, and the committer
    marks a second copy ``DUPLICATE_TXID``. A request ID must name one request only.
    """
    if not request_id:
        raise ValueError("a client request ID must not be empty")
    digest = hashlib.sha256(b"sovereign-ledger client request\0" + request_id.encode())
    return digest.digest()[:NONCE_LENGTH]


GatewayMethod = Literal["Evaluate", "Endorse", "Submit", "CommitStatus"]
"""The unary methods of the ``gateway.Gateway`` service."""


@dataclass(frozen=True, slots=True)
class UnaryCall:
    """One unary Gateway call, ready for either transport to send."""

    method: GatewayMethod
    request: bytes
    timeout: float | None
    transaction_id: str
    error_type: type[GatewayError]
    """What a failure raises (``EndorseError`` for ``Endorse`` and so on)."""


class GatewayHandle(Protocol):
    """What an artifact needs of the gateway it belongs to (sync or asyncio alike)."""

    @property
    def _core(self) -> GatewayCore: ...


GatewayT = TypeVar("GatewayT", bound=GatewayHandle)


class _SignableCore(Generic[GatewayT]):
    """State shared by every signable artifact: serialized bytes plus a signature slot.

    An artifact rebuilt from bytes keeps them (a later signature is set in them, everything
    else untouched). One this package builds holds only its parsed view, and serializes it when
    ``bytes()`` is first asked for: the calls send requests built from the view, so the
    artifact's own bytes are never made unless the application wants them.
    """

    def __init__(self, gateway: GatewayT, data: builtins.bytes | None) -> None:
        self._gateway = gateway
        self._signing_identity = gateway._core.signing_identity
        self._data = data

    @property
    def _timeouts(self) -> CallTimeouts:
        return self._gateway._core.timeouts

    def bytes(self) -> builtins.bytes:
        """The serialized artifact (to store, send for offline signing, or rebuild from)."""
        if self._data is None:
            self._data = self._serialized()
        return self._data

    def digest(self) -> builtins.bytes:
        """The digest a signer must sign (the configured hash of the signed message part)."""
        return self._signing_identity.hash(self._message())

    def _message(self) -> builtins.bytes:
        raise NotImplementedError

    def _signature(self) -> builtins.bytes:
        raise NotImplementedError

    def _serialized(self) -> builtins.bytes:
        """The bytes of an artifact built here, from its view (only those have no ``_data``)."""
        raise NotImplementedError

    def _with_signature(self, signature: builtins.bytes) -> builtins.bytes:
        """``_data`` with ``signature`` set in it."""
        raise NotImplementedError

    def _store_signature(self, signature: builtins.bytes) -> None:
        """Record ``signature`` in the parsed view, if the artifact keeps one."""

    def _set_signature(self, signature: builtins.bytes) -> None:
        if self._data is not None:
            self._data = self._with_signature(signature)
        self._store_signature(signature)

    def _sign(self) -> None:
        # Sign lazily, once: an artifact signed offline keeps its outside signature.
        if not self._signature():
            self._set_signature(self._signing_identity.sign(self.digest()))

    def _signed(self) -> builtins.bytes:
        self._sign()
        return self.bytes()


class ProposalCore(_SignableCore[GatewayT]):
    """A transaction proposal (serialized ``gateway.ProposedTransaction``)."""

    def __init__(
        self,
        gateway: GatewayT,
        data: bytes | None = None,
        view: _protos.ProposalView | None = None,
    ) -> None:
        super().__init__(gateway, data)
        if view is None:
            if data is None:
                raise TypeError("a proposal needs its bytes or its view")
            view = _protos.parse_proposed_transaction(data)
        self._view = view

    @property
    def transaction_id(self) -> str:
        """ID of the transaction this proposal would create."""
        return self._view.transaction_id

    @property
    def channel_name(self) -> str:
        """Channel the proposal is addressed to."""
        return self._view.channel_name

    def _message(self) -> bytes:
        return self._view.proposal_bytes

    def _signature(self) -> bytes:
        return self._view.signature

    def _serialized(self) -> bytes:
        return _protos.proposed_transaction_bytes(self._view)

    def _with_signature(self, signature: bytes) -> bytes:
        assert self._data is not None
        return _protos.sign_proposed_transaction(self._data, signature)

    def _store_signature(self, signature: bytes) -> None:
        self._view.signature = signature

    def _evaluate_call(self, timeout: float | None) -> UnaryCall:
        self._sign()  # sets the signature in the view, which holds all the request needs
        request = _protos.build_evaluate_request(self._view)
        timeout = timeout or self._timeouts.evaluate
        return UnaryCall("Evaluate", request, timeout, self._view.transaction_id, GatewayError)

    def _evaluate_result(self, evaluate_response: bytes) -> bytes:
        return _protos.parse_evaluate_response(evaluate_response)

    def _endorse_call(self, timeout: float | None) -> UnaryCall:
        self._sign()
        request = _protos.build_endorse_request(self._view)
        timeout = timeout or self._timeouts.endorse
        return UnaryCall("Endorse", request, timeout, self._view.transaction_id, EndorseError)

    def _prepared_transaction(self, endorse_response: bytes) -> _protos.TransactionView:
        return _protos.prepared_transaction_view(endorse_response, self._view.transaction_id)


class TransactionCore(_SignableCore[GatewayT]):
    """An endorsed transaction ready to submit (serialized ``gateway.PreparedTransaction``)."""

    def __init__(
        self,
        gateway: GatewayT,
        data: bytes | None = None,
        view: _protos.TransactionView | None = None,
    ) -> None:
        super().__init__(gateway, data)
        if view is None:
            if data is None:
                raise TypeError("a transaction needs its bytes or its view")
            view = _protos.parse_prepared_transaction(data)
        self._view = view

    @property
    def transaction_id(self) -> str:
        """ID of the transaction."""
        return self._view.transaction_id

    @property
    def result(self) -> bytes:
        """The transaction function's return value, from the endorsement."""
        return self._view.result

    def _message(self) -> bytes:
        return self._view.payload

    def _signature(self) -> bytes:
        return self._view.signature

    def _serialized(self) -> bytes:
        return _protos.prepared_transaction_bytes(self._view)

    def _with_signature(self, signature: bytes) -> bytes:
        assert self._data is not None
        return _protos.sign_prepared_transaction(self._data, signature)

    def _store_signature(self, signature: bytes) -> None:
        self._view.signature = signature

    def _submit_call(self, timeout: float | None) -> UnaryCall:
        self._sign()
        request = _protos.build_submit_request(self._view)
        timeout = timeout or self._timeouts.submit
        return UnaryCall("Submit", request, timeout, self._view.transaction_id, SubmitError)

    def _commit_request(self) -> _protos.SignedRequestView:
        return _protos.commit_status_request_view(
            channel_name=self._view.channel_name,
            transaction_id=self._view.transaction_id,
            creator=self._signing_identity.creator,
        )


class CommitCore(_SignableCore[GatewayT]):
    """A commit status request (serialized ``gateway.SignedCommitStatusRequest``)."""

    def __init__(
        self,
        gateway: GatewayT,
        data: bytes | None = None,
        view: _protos.SignedRequestView | None = None,
        transaction_id: str | None = None,
    ) -> None:
        super().__init__(gateway, data)
        if view is None or transaction_id is None:
            if data is None:
                raise TypeError("a commit status request needs its bytes or its view")
            request, signature = _protos.parse_signed_request("commit_status", data)
            view = _protos.SignedRequestView(request=request, signature=signature)
            transaction_id = _protos.commit_status_transaction_id(data)
        self._view = view
        self._transaction_id = transaction_id

    @property
    def transaction_id(self) -> str:
        """ID of the transaction whose status is requested."""
        return self._transaction_id

    def _message(self) -> bytes:
        return self._view.request

    def _signature(self) -> bytes:
        return self._view.signature

    def _serialized(self) -> bytes:
        return _protos.signed_request_bytes("commit_status", self._view)

    def _with_signature(self, signature: bytes) -> bytes:
        assert self._data is not None
        return _protos.sign_signed_request("commit_status", self._data, signature)

    def _store_signature(self, signature: bytes) -> None:
        self._view.signature = signature

    def _status_call(self, timeout: float | None) -> UnaryCall:
        request = self._signed()
        timeout = timeout or self._timeouts.commit_status
        return UnaryCall("CommitStatus", request, timeout, self._transaction_id, CommitStatusError)

    def _status(self, response: bytes) -> Status:
        return _protos.parse_commit_status_response(response, self._transaction_id)


class ChaincodeEventsRequestCore(_SignableCore[GatewayT]):
    """A chaincode events request (serialized ``gateway.SignedChaincodeEventsRequest``)."""

    def __init__(self, gateway: GatewayT, data: bytes) -> None:
        super().__init__(gateway, data)
        self._start_block, self._after_transaction_id = _protos.chaincode_events_request_fields(
            data
        )

    def _message(self) -> bytes:
        return _protos.parse_signed_request("chaincode_events", self.bytes())[0]

    def _signature(self) -> bytes:
        return _protos.parse_signed_request("chaincode_events", self.bytes())[1]

    def _with_signature(self, signature: bytes) -> bytes:
        return _protos.sign_signed_request("chaincode_events", self.bytes(), signature)

    def _events_timeout(self, timeout: float | None) -> float | None:
        return timeout or self._timeouts.chaincode_events

    def _events_decoder(self) -> Callable[[bytes], Sequence[ChaincodeEvent]]:
        """A decoder for one stream: drops the events its checkpoint says were processed."""
        resume = ChaincodeEventResume(self._start_block, self._after_transaction_id or None)

        def decode(response: bytes) -> Sequence[ChaincodeEvent]:
            number, events = _protos.parse_chaincode_events_response(response)
            return tuple(resume.events(number, events))

        return decode


class BlockEventsRequestCore(_SignableCore[GatewayT]):
    """A Deliver request (serialized, signed ``common.Envelope`` carrying a ``SeekInfo``)."""

    def __init__(self, gateway: GatewayT, data: bytes, kind: _protos.DeliverKind) -> None:
        super().__init__(gateway, data)
        self._kind: _protos.DeliverKind = kind
        _protos.parse_envelope(data)  # reject garbage at construction, not on first read

    def _message(self) -> bytes:
        return _protos.parse_envelope(self.bytes())[0]

    def _signature(self) -> bytes:
        return _protos.parse_envelope(self.bytes())[1]

    def _with_signature(self, signature: bytes) -> bytes:
        return _protos.sign_envelope(self.bytes(), signature)

    def _events_timeout(self, timeout: float | None) -> float | None:
        return timeout or self._timeouts.block_events

    def _decode(self, response: bytes) -> Block | FilteredBlock | BlockAndPrivateData:
        return _protos.parse_deliver_response(self._kind, response)


class ChaincodeEventResume:
    """Drops events a checkpoint says were already processed.

    The Gateway honours ``after_transaction_id`` itself; this repeats the rule on the client so
    a resumed listener never sees a processed event twice even if a peer did not apply it.
    Only the first block of the stream (the checkpoint block) is affected: events up to and
    including the checkpointed transaction are dropped when that transaction is present.
    """

    __slots__ = ("_after", "_block")

    def __init__(self, start_block: int | None, after_transaction_id: str | None) -> None:
        self._block = start_block
        self._after = after_transaction_id

    def events(
        self, block_number: int, events: Sequence[ChaincodeEvent]
    ) -> Iterable[ChaincodeEvent]:
        """The events of one response that the application should see."""
        after, self._after = self._after, None  # applies to the first response only
        if after is None or block_number != self._block:
            return events
        ids = [event.transaction_id for event in events]
        if after not in ids:
            return events
        last = len(ids) - 1 - ids[::-1].index(after)
        return events[last + 1 :]


@dataclass(frozen=True, slots=True)
class GatewayCore:
    """Everything a gateway needs except its transport."""

    signing_identity: SigningIdentity
    timeouts: CallTimeouts
    tls_certificate_hash: bytes | None = None

    def proposal_view(
        self,
        *,
        channel_name: str,
        chaincode_name: str,
        transaction_name: str,
        arguments: Sequence[Argument],
        transient_data: Mapping[str, Argument] | None,
        endorsing_organizations: Sequence[str] | None,
        nonce: bytes | None = None,
    ) -> _protos.ProposalView:
        """An unsigned proposal, as the view its artifact keeps; a fresh transaction context
        unless ``nonce`` is given (then the transaction ID follows from it and the creator)."""
        transaction_id, nonce = self.signing_identity.new_transaction_context(nonce)
        return _protos.build_proposal(
            channel_name=channel_name,
            chaincode_name=chaincode_name,
            transaction_name=transaction_name,
            arguments=[as_bytes(a) for a in arguments],
            transient_data={k: as_bytes(v) for k, v in transient_data.items()}
            if transient_data
            else {},
            endorsing_organizations=endorsing_organizations or (),
            creator=self.signing_identity.creator,
            nonce=nonce,
            transaction_id=transaction_id,
            timestamp_ns=time.time_ns(),
        )

    def chaincode_events_request_bytes(
        self,
        *,
        channel_name: str,
        chaincode_name: str,
        start_block: int | None,
        checkpoint: Checkpoint | None,
    ) -> bytes:
        """Serialized, unsigned chaincode events request; a checkpoint overrides start_block."""
        after: str | None = None
        if checkpoint is not None and checkpoint.block_number is not None:
            start_block = checkpoint.block_number
            after = checkpoint.transaction_id
        return _protos.build_signed_chaincode_events_request(
            channel_name=channel_name,
            chaincode_name=chaincode_name,
            creator=self.signing_identity.creator,
            start_block=start_block,
            after_transaction_id=after,
        )

    def commit_status_request_bytes(self, *, channel_name: str, transaction_id: str) -> bytes:
        """Serialized, unsigned commit status request for any transaction of the channel."""
        return _protos.build_signed_commit_status_request(
            channel_name=channel_name,
            transaction_id=transaction_id,
            creator=self.signing_identity.creator,
        )

    def block_events_request_bytes(
        self, *, channel_name: str, start_block: int | None, checkpoint: Checkpoint | None
    ) -> bytes:
        """Serialized, unsigned Deliver envelope; a checkpoint overrides start_block."""
        if checkpoint is not None and checkpoint.block_number is not None:
            start_block = checkpoint.block_number
        return _protos.build_block_events_envelope(
            channel_name=channel_name,
            creator=self.signing_identity.creator,
            start_block=start_block,
            tls_certificate_hash=self.tls_certificate_hash,
            timestamp=datetime.now(UTC),
        )


def qualified_transaction_name(contract_name: str | None, transaction_name: str) -> str:
    """``contract:function`` when a contract name is given, else the bare function name."""
    return f"{contract_name}:{transaction_name}" if contract_name else transaction_name
