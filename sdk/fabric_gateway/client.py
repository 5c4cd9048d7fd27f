"""The synchronous Gateway client: ``connect() -> Gateway -> Network -> Contract``.

Owns: the blocking public classes. Each one subclasses its transport-free base in ``_shared`` or
``_core`` (shared with the asyncio twin, ``aio``) and adds only the blocking calls to
``_transport.SyncTransport``.
Must not import: the generated protobuf classes, or grpc at run time (its ``Channel`` type is
used in annotations only).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from ._core import (
    Argument,
    BlockEventsRequestCore,
    CallTimeouts,
    ChaincodeEventsRequestCore,
    CommitCore,
    GatewayCore,
    ProposalCore,
    SigningIdentity,
    TransactionCore,
)
from ._protos import SignedRequestView
from ._shared import ClosingContext, ContractBase, EventIteratorBase, GatewayBase, NetworkBase
from ._transport import SyncResponseStream, SyncTransport
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


class Proposal(ProposalCore["Gateway"]):
    """A transaction proposal: ``bytes()``, ``digest()``, ``transaction_id``; evaluate/endorse."""

    def evaluate(self, *, timeout: float | None = None) -> bytes:
        """Evaluate the proposal and return the transaction result."""
        response = self._gateway._transport.unary(self._evaluate_call(timeout))
        return self._evaluate_result(response)

    def endorse(self, *, timeout: float | None = None) -> Transaction:
        """Obtain endorsements; raises ``EndorseError`` on failure."""
        response = self._gateway._transport.unary(self._endorse_call(timeout))
        return Transaction(self._gateway, None, self._prepared_transaction(response))


class Transaction(TransactionCore["Gateway"]):
    """An endorsed transaction: ``bytes()``, ``digest()``, ``result``; submit it for ordering."""

    def submit(self, *, timeout: float | None = None) -> SubmittedTransaction:
        """Send to the orderer; raises ``SubmitError`` on failure. Does not wait for commit."""
        self._gateway._transport.unary(self._submit_call(timeout))
        return SubmittedTransaction(
            self._gateway,
            None,
            self.result,
            view=self._commit_request(),
            transaction_id=self.transaction_id,
        )


class Commit(CommitCore["Gateway"]):
    """A commit status request: ``bytes()``, ``digest()``; ``status()`` waits for the commit."""

    def status(self, *, timeout: float | None = None) -> Status:
        """Wait for the transaction to commit; raises ``CommitStatusError`` if that fails.

        An invalid transaction is a normal status: call ``.raise_for_status()`` on it to get a
        ``CommitError`` instead.
        """
        return self._status(self._gateway._transport.unary(self._status_call(timeout)))


class SubmittedTransaction(Commit):
    """A submitted transaction: its ``result`` now, its commit ``status()`` later."""

    def __init__(
        self,
        gateway: Gateway,
        data: bytes | None,
        result: bytes,
        *,
        view: SignedRequestView | None = None,
        transaction_id: str | None = None,
    ) -> None:
        super().__init__(gateway, data, view, transaction_id)
        self.result = result


class CloseableIterator(EventIteratorBase[SyncResponseStream, T], ClosingContext):
    """Events from one gRPC stream. Iterate it; close it (or use ``with``) to cancel the call."""

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        while (event := self._buffered()) is None:
            self._buffer(next(self._stream))
        return event


class ChaincodeEventsRequest(ChaincodeEventsRequestCore["Gateway"]):
    """A chaincode events request: ``bytes()``, ``digest()``; ``get_events()`` opens the stream."""

    def get_events(self, *, timeout: float | None = None) -> CloseableIterator[ChaincodeEvent]:
        """Open the event stream (signing the request first if needed)."""
        decode = self._events_decoder()
        stream = self._gateway._transport.chaincode_events(
            self._signed(), self._events_timeout(timeout)
        )
        return CloseableIterator(stream, decode)


class BlockEventsRequest(BlockEventsRequestCore["Gateway"], Generic[T]):
    """A Deliver request: ``bytes()``, ``digest()``; ``get_events()`` opens the stream."""

    def get_events(self, *, timeout: float | None = None) -> CloseableIterator[T]:
        """Open the block stream (signing the request first if needed)."""
        stream = self._gateway._transport.deliver(
            self._kind, self._signed(), self._events_timeout(timeout)
        )
        return CloseableIterator(stream, lambda response: (cast(T, self._decode(response)),))


class Contract(ContractBase["Gateway", Proposal]):
    """A smart contract: evaluate queries, submit transactions."""

    _proposal_type = Proposal

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


class Network(
    NetworkBase[
        "Gateway",
        Contract,
        ChaincodeEventsRequest,
        CloseableIterator[ChaincodeEvent],
        BlockEventsRequest[Block],
        CloseableIterator[Block],
        BlockEventsRequest[FilteredBlock],
        CloseableIterator[FilteredBlock],
        BlockEventsRequest[BlockAndPrivateData],
        CloseableIterator[BlockAndPrivateData],
    ]
):
    """A channel: source of contracts and event streams."""

    _contract_type = Contract
    _chaincode_request_type = ChaincodeEventsRequest
    _block_request_type = BlockEventsRequest
    _filtered_request_type = BlockEventsRequest
    _private_data_request_type = BlockEventsRequest


class Gateway(
    GatewayBase[
        SyncTransport,
        Network,
        Proposal,
        Transaction,
        Commit,
        ChaincodeEventsRequest,
        BlockEventsRequest[Block],
        BlockEventsRequest[FilteredBlock],
        BlockEventsRequest[BlockAndPrivateData],
    ],
    ClosingContext,
):
    """Entry point to a Fabric network through one Gateway peer; never closes the channel."""

    _network_type = Network
    _proposal_type = Proposal
    _transaction_type = Transaction
    _commit_type = Commit
    _chaincode_request_type = ChaincodeEventsRequest
    _block_request_type = BlockEventsRequest
    _filtered_request_type = BlockEventsRequest
    _private_data_request_type = BlockEventsRequest


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
