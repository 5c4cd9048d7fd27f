"""The synchronous Gateway client: ``connect() -> Gateway -> Network -> Contract``.

Owns: the blocking public classes. Each one is a thin shell over its ``_core`` counterpart that
adds only the blocking calls to ``_transport.SyncTransport``. The asyncio twin is ``aio``.
Must not import: the generated protobuf classes, or grpc at run time (its ``Channel`` type is
used in annotations only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Generic, Self, TypeVar, cast

from . import _protos
from ._core import (
    Argument,
    BlockEventsRequestCore,
    CallTimeouts,
    ChaincodeEventResume,
    ChaincodeEventsRequestCore,
    CommitCore,
    GatewayCore,
    ProposalCore,
    SigningIdentity,
    TransactionCore,
    qualified_transaction_name,
)
from ._transport import SyncResponseStream, SyncTransport
from .checkpoint import Checkpoint
from .errors import CommitStatusError, EndorseError, SubmitError
from .hashes import Hash
from .identity import Identity
from .models import Block, BlockAndPrivateData, ChaincodeEvent, FilteredBlock, Status
from .signing import Signer

if TYPE_CHECKING:  # only the channel's type; calls go through _transport
    import grpc

__all__ = [
    "BlockEventsRequest",
    "ChaincodeEventsRequest",
    "CloseableIterator",
    "Commit",
    "Contract",
    "Gateway",
    "Network",
    "Proposal",
    "SubmittedTransaction",
    "Transaction",
    "connect",
]

T = TypeVar("T")


def connect(
    client: grpc.Channel,
    identity: Identity,
    signer: Signer | None = None,
    hash: Hash | None = None,
    timeouts: CallTimeouts | None = None,
    tls_client_certificate_hash: bytes | None = None,
) -> Gateway:
    """Connect to a Fabric Gateway over an application-owned gRPC channel.

    Without a ``signer`` the gateway can still build every artifact for offline signing, but
    sending an unsigned one raises :class:`~fabric_gateway.SignerMissingError`. ``hash``
    defaults to SHA-256. ``tls_client_certificate_hash`` (see ``tls_certificate_hash``) is
    bound into block event requests when the peer requires mutual TLS.
    """
    core = GatewayCore(
        signing_identity=SigningIdentity(identity, signer, hash),
        timeouts=timeouts or CallTimeouts(),
        tls_certificate_hash=tls_client_certificate_hash,
    )
    return Gateway(core, SyncTransport(client))


class Gateway:
    """Entry point to a Fabric network through one Gateway peer; never closes the channel."""

    def __init__(self, core: GatewayCore, transport: SyncTransport) -> None:
        self._core = core
        self._transport = transport

    @property
    def identity(self) -> Identity:
        """The client identity used for every request."""
        return self._core.signing_identity.identity

    def get_network(self, name: str) -> Network:
        """A handle on channel ``name``."""
        return Network(self, name)

    def new_proposal(self, data: bytes) -> Proposal:
        """Rebuild a proposal from its ``bytes()``."""
        return Proposal(self, data)

    def new_signed_proposal(self, data: bytes, signature: bytes) -> Proposal:
        """Rebuild a proposal from its ``bytes()`` and an offline signature of its digest."""
        proposal = self.new_proposal(data)
        proposal._set_signature(signature)
        return proposal

    def new_transaction(self, data: bytes) -> Transaction:
        """Rebuild an endorsed transaction from its ``bytes()``."""
        return Transaction(self, data)

    def new_signed_transaction(self, data: bytes, signature: bytes) -> Transaction:
        """Rebuild an endorsed transaction with an offline signature."""
        transaction = self.new_transaction(data)
        transaction._set_signature(signature)
        return transaction

    def new_commit(self, data: bytes) -> Commit:
        """Rebuild a commit status request from its ``bytes()``."""
        return Commit(self, data)

    def new_signed_commit(self, data: bytes, signature: bytes) -> Commit:
        """Rebuild a commit status request with an offline signature."""
        commit = self.new_commit(data)
        commit._set_signature(signature)
        return commit

    def new_chaincode_events_request(self, data: bytes) -> ChaincodeEventsRequest:
        """Rebuild a chaincode events request from its ``bytes()``."""
        return ChaincodeEventsRequest(self, data)

    def new_signed_chaincode_events_request(
        self, data: bytes, signature: bytes
    ) -> ChaincodeEventsRequest:
        """Rebuild a chaincode events request with an offline signature."""
        request = self.new_chaincode_events_request(data)
        request._set_signature(signature)
        return request

    def new_block_events_request(self, data: bytes) -> BlockEventsRequest[Block]:
        """Rebuild a block events request from its ``bytes()``."""
        return BlockEventsRequest(self, data, "block")

    def new_signed_block_events_request(
        self, data: bytes, signature: bytes
    ) -> BlockEventsRequest[Block]:
        """Rebuild a block events request with an offline signature."""
        request = self.new_block_events_request(data)
        request._set_signature(signature)
        return request

    def new_filtered_block_events_request(self, data: bytes) -> BlockEventsRequest[FilteredBlock]:
        """Rebuild a filtered block events request from its ``bytes()``."""
        return BlockEventsRequest(self, data, "filtered_block")

    def new_signed_filtered_block_events_request(
        self, data: bytes, signature: bytes
    ) -> BlockEventsRequest[FilteredBlock]:
        """Rebuild a filtered block events request with an offline signature."""
        request = self.new_filtered_block_events_request(data)
        request._set_signature(signature)
        return request

    def new_block_and_private_data_events_request(
        self, data: bytes
    ) -> BlockEventsRequest[BlockAndPrivateData]:
        """Rebuild a block-and-private-data events request from its ``bytes()``."""
        return BlockEventsRequest(self, data, "block_and_private_data")

    def new_signed_block_and_private_data_events_request(
        self, data: bytes, signature: bytes
    ) -> BlockEventsRequest[BlockAndPrivateData]:
        """Rebuild a block-and-private-data events request with an offline signature."""
        request = self.new_block_and_private_data_events_request(data)
        request._set_signature(signature)
        return request

    def close(self) -> None:
        """Release the gateway. The application's gRPC channel is left open."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class Network:
    """A channel: source of contracts and event streams."""

    def __init__(self, gateway: Gateway, name: str) -> None:
        self._gateway = gateway
        self.name = name

    def get_contract(self, chaincode_name: str, contract_name: str | None = None) -> Contract:
        """A contract of a deployed chaincode (``contract_name`` selects a named contract)."""
        return Contract(self._gateway, self.name, chaincode_name, contract_name)

    def new_chaincode_events_request(
        self,
        chaincode_name: str,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> ChaincodeEventsRequest:
        """An unsigned chaincode events request (for offline signing or later use)."""
        data = self._gateway._core.chaincode_events_request_bytes(
            channel_name=self.name,
            chaincode_name=chaincode_name,
            start_block=start_block,
            checkpoint=checkpoint,
        )
        return ChaincodeEventsRequest(self._gateway, data)

    def get_chaincode_events(
        self,
        chaincode_name: str,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        timeout: float | None = None,
    ) -> CloseableIterator[ChaincodeEvent]:
        """Stream events of ``chaincode_name``: from the checkpoint, ``start_block``, or the next
        block to commit. Use as a context manager so the call is cancelled when done."""
        request = self.new_chaincode_events_request(
            chaincode_name, start_block=start_block, checkpoint=checkpoint
        )
        return request.get_events(timeout=timeout)

    def _block_request_bytes(self, start_block: int | None, checkpoint: Checkpoint | None) -> bytes:
        return self._gateway._core.block_events_request_bytes(
            channel_name=self.name, start_block=start_block, checkpoint=checkpoint
        )

    def new_block_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> BlockEventsRequest[Block]:
        """An unsigned ``Deliver`` request for full blocks."""
        return BlockEventsRequest(
            self._gateway, self._block_request_bytes(start_block, checkpoint), "block"
        )

    def get_block_events(
        self,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        timeout: float | None = None,
    ) -> CloseableIterator[Block]:
        """Stream decoded full blocks."""
        request = self.new_block_events_request(start_block=start_block, checkpoint=checkpoint)
        return request.get_events(timeout=timeout)

    def new_filtered_block_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> BlockEventsRequest[FilteredBlock]:
        """An unsigned ``DeliverFiltered`` request."""
        return BlockEventsRequest(
            self._gateway, self._block_request_bytes(start_block, checkpoint), "filtered_block"
        )

    def get_filtered_block_events(
        self,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        timeout: float | None = None,
    ) -> CloseableIterator[FilteredBlock]:
        """Stream filtered blocks (transaction IDs, validation codes, chaincode event names)."""
        request = self.new_filtered_block_events_request(
            start_block=start_block, checkpoint=checkpoint
        )
        return request.get_events(timeout=timeout)

    def new_block_and_private_data_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> BlockEventsRequest[BlockAndPrivateData]:
        """An unsigned ``DeliverWithPrivateData`` request."""
        return BlockEventsRequest(
            self._gateway,
            self._block_request_bytes(start_block, checkpoint),
            "block_and_private_data",
        )

    def get_block_and_private_data_events(
        self,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        timeout: float | None = None,
    ) -> CloseableIterator[BlockAndPrivateData]:
        """Stream blocks with the private data this identity may read."""
        request = self.new_block_and_private_data_events_request(
            start_block=start_block, checkpoint=checkpoint
        )
        return request.get_events(timeout=timeout)


class Contract:
    """A smart contract: evaluate queries, submit transactions."""

    def __init__(
        self,
        gateway: Gateway,
        channel_name: str,
        chaincode_name: str,
        contract_name: str | None,
    ) -> None:
        self._gateway = gateway
        self._channel_name = channel_name
        self.chaincode_name = chaincode_name
        self.contract_name = contract_name

    def evaluate_transaction(self, name: str, *args: Argument) -> bytes:
        """Evaluate transaction function ``name`` with ``args`` and return its result."""
        return self.evaluate(name, arguments=args)

    def submit_transaction(self, name: str, *args: Argument) -> bytes:
        """Submit ``name`` with ``args``, wait for commit, and return its result.

        Raises ``EndorseError``, ``SubmitError``, ``CommitStatusError`` or ``CommitError``.
        """
        return self.submit(name, arguments=args)

    def evaluate(
        self,
        name: str,
        *,
        arguments: Sequence[Argument] = (),
        transient_data: Mapping[str, Argument] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        """Evaluate a transaction function (a query: nothing is ordered)."""
        return self.new_proposal(
            name,
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
        ).evaluate()

    def submit(
        self,
        name: str,
        *,
        arguments: Sequence[Argument] = (),
        transient_data: Mapping[str, Argument] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        """Endorse, submit and wait for a valid commit; return the transaction result."""
        submitted = self.submit_async(
            name,
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
        )
        submitted.status().raise_for_status()
        return submitted.result

    def submit_async(
        self,
        name: str,
        *,
        arguments: Sequence[Argument] = (),
        transient_data: Mapping[str, Argument] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> SubmittedTransaction:
        """Endorse and submit; return the result plus a handle to await the commit status."""
        proposal = self.new_proposal(
            name,
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
        )
        return proposal.endorse().submit()

    def new_proposal(
        self,
        name: str,
        *,
        arguments: Sequence[Argument] = (),
        transient_data: Mapping[str, Argument] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> Proposal:
        """Build an unsigned proposal for fine-grained control or offline signing."""
        data = self._gateway._core.proposal_bytes(
            channel_name=self._channel_name,
            chaincode_name=self.chaincode_name,
            transaction_name=qualified_transaction_name(self.contract_name, name),
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
        )
        return Proposal(self._gateway, data)


class Proposal(ProposalCore):
    """A transaction proposal: ``bytes()``, ``digest()``, ``transaction_id``; evaluate/endorse."""

    def __init__(self, gateway: Gateway, data: bytes) -> None:
        super().__init__(gateway._core.signing_identity, data)
        self._gateway = gateway

    def evaluate(self, *, timeout: float | None = None) -> bytes:
        """Evaluate the proposal and return the transaction result."""
        response = self._gateway._transport.evaluate(
            self._evaluate_request(),
            timeout or self._gateway._core.timeouts.evaluate,
            self.transaction_id,
        )
        return _protos.parse_evaluate_response(response)

    def endorse(self, *, timeout: float | None = None) -> Transaction:
        """Obtain endorsements; raises ``EndorseError`` on failure."""
        response = self._gateway._transport.endorse(
            self._endorse_request(),
            timeout or self._gateway._core.timeouts.endorse,
            self.transaction_id,
            EndorseError,
        )
        return Transaction(self._gateway, self._prepared_transaction(response))


class Transaction(TransactionCore):
    """An endorsed transaction: ``bytes()``, ``digest()``, ``result``; submit it for ordering."""

    def __init__(self, gateway: Gateway, data: bytes) -> None:
        super().__init__(gateway._core.signing_identity, data)
        self._gateway = gateway

    def submit(self, *, timeout: float | None = None) -> SubmittedTransaction:
        """Send to the orderer; raises ``SubmitError`` on failure. Does not wait for commit."""
        self._gateway._transport.submit(
            self._submit_request(),
            timeout or self._gateway._core.timeouts.submit,
            self.transaction_id,
            SubmitError,
        )
        return SubmittedTransaction(self._gateway, self._commit_request(), self.result)


class Commit(CommitCore):
    """A commit status request: ``bytes()``, ``digest()``; ``status()`` waits for the commit."""

    def __init__(self, gateway: Gateway, data: bytes) -> None:
        super().__init__(gateway._core.signing_identity, data)
        self._gateway = gateway

    def status(self, *, timeout: float | None = None) -> Status:
        """Wait for the transaction to commit; raises ``CommitStatusError`` if that fails.

        An invalid transaction is a normal status: call ``.raise_for_status()`` on it to get a
        ``CommitError`` instead.
        """
        response = self._gateway._transport.commit_status(
            self._signed(),
            timeout or self._gateway._core.timeouts.commit_status,
            self.transaction_id,
            CommitStatusError,
        )
        return self._status(response)


class SubmittedTransaction(Commit):
    """A submitted transaction: its ``result`` now, its commit ``status()`` later."""

    def __init__(self, gateway: Gateway, data: bytes, result: bytes) -> None:
        super().__init__(gateway, data)
        self.result = result


class CloseableIterator(Generic[T]):
    """Events from one gRPC stream. Iterate it; close it (or use ``with``) to cancel the call."""

    def __init__(self, stream: SyncResponseStream, decode: Callable[[bytes], Sequence[T]]) -> None:
        self._stream = stream
        self._decode = decode
        self._pending: Iterator[T] = iter(())

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        while True:
            item = next(self._pending, None)
            if item is not None:
                return item
            self._pending = iter(self._decode(next(self._stream)))

    def close(self) -> None:
        """Cancel the underlying call."""
        self._stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class ChaincodeEventsRequest(ChaincodeEventsRequestCore):
    """A chaincode events request: ``bytes()``, ``digest()``; ``get_events()`` opens the stream."""

    def __init__(self, gateway: Gateway, data: bytes) -> None:
        super().__init__(gateway._core.signing_identity, data)
        self._gateway = gateway

    def get_events(self, *, timeout: float | None = None) -> CloseableIterator[ChaincodeEvent]:
        """Open the event stream (signing the request first if needed)."""
        resume: ChaincodeEventResume = self._resume_filter()
        stream = self._gateway._transport.chaincode_events(
            self._signed(), timeout or self._gateway._core.timeouts.chaincode_events
        )

        def decode(response: bytes) -> Sequence[ChaincodeEvent]:
            number, events = _protos.parse_chaincode_events_response(response)
            return tuple(resume.events(number, events))

        return CloseableIterator(stream, decode)


class BlockEventsRequest(BlockEventsRequestCore, Generic[T]):
    """A Deliver request: ``bytes()``, ``digest()``; ``get_events()`` opens the stream."""

    def __init__(self, gateway: Gateway, data: bytes, kind: _protos.DeliverKind) -> None:
        super().__init__(gateway._core.signing_identity, data, kind)
        self._gateway = gateway

    def get_events(self, *, timeout: float | None = None) -> CloseableIterator[T]:
        """Open the block stream (signing the request first if needed)."""
        stream = self._gateway._transport.deliver(
            self._kind, self._signed(), timeout or self._gateway._core.timeouts.block_events
        )
        return CloseableIterator(stream, lambda response: (cast(T, self._decode(response)),))
