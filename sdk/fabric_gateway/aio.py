"""The asyncio Gateway client: ``connect_async() -> AsyncGateway -> AsyncNetwork -> ...``.

Owns: the asyncio public classes. Each one subclasses the same transport-free base in ``_shared``
or ``_core`` as its synchronous twin in ``client`` and adds only the awaited calls to
``_transport.AsyncTransport``: message building, signing and parsing are shared, only the
transport differs.
Must not import: the generated protobuf classes or grpc call machinery (only the
``grpc.aio.Channel`` type the application passes in).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
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
from ._shared import AsyncClosingContext, ContractBase, EventIteratorBase, GatewayBase, NetworkBase
from ._transport import AsyncResponseStream, AsyncTransport
from .hashes import Hash
from .identity import Identity
from .models import Block, BlockAndPrivateData, ChaincodeEvent, FilteredBlock, Status
from .signing import Signer

if TYPE_CHECKING:  # only the channel's type; calls go through _transport
    import grpc.aio

__all__ = [
    "AsyncBlockEventsRequest",
    "AsyncChaincodeEventsRequest",
    "AsyncCloseableIterator",
    "AsyncCommit",
    "AsyncContract",
    "AsyncGateway",
    "AsyncNetwork",
    "AsyncProposal",
    "AsyncSubmittedTransaction",
    "AsyncTransaction",
    "connect_async",
]

T = TypeVar("T")


class AsyncProposal(ProposalCore["AsyncGateway"]):
    """A transaction proposal: ``bytes()``, ``digest()``, ``transaction_id``; evaluate/endorse."""

    async def evaluate(self, *, timeout: float | None = None) -> bytes:
        """Evaluate the proposal and return the transaction result."""
        response = await self._gateway._transport.unary(self._evaluate_call(timeout))
        return self._evaluate_result(response)

    async def endorse(self, *, timeout: float | None = None) -> AsyncTransaction:
        """Obtain endorsements; raises ``EndorseError`` on failure."""
        response = await self._gateway._transport.unary(self._endorse_call(timeout))
        return AsyncTransaction(self._gateway, None, self._prepared_transaction(response))


class AsyncTransaction(TransactionCore["AsyncGateway"]):
    """An endorsed transaction: ``bytes()``, ``digest()``, ``result``; submit it for ordering."""

    async def submit(self, *, timeout: float | None = None) -> AsyncSubmittedTransaction:
        """Send to the orderer; raises ``SubmitError`` on failure. Does not wait for commit."""
        await self._gateway._transport.unary(self._submit_call(timeout))
        return AsyncSubmittedTransaction(
            self._gateway,
            None,
            self.result,
            view=self._commit_request(),
            transaction_id=self.transaction_id,
        )


class AsyncCommit(CommitCore["AsyncGateway"]):
    """A commit status request: ``bytes()``, ``digest()``; ``status()`` waits for the commit."""

    async def status(self, *, timeout: float | None = None) -> Status:
        """Wait for the transaction to commit; raises ``CommitStatusError`` if that fails.

        An invalid transaction is a normal status: call ``.raise_for_status()`` on it to get a
        ``CommitError`` instead.
        """
        return self._status(await self._gateway._transport.unary(self._status_call(timeout)))


class AsyncSubmittedTransaction(AsyncCommit):
    """A submitted transaction: its ``result`` now, its commit ``status()`` later."""

    def __init__(
        self,
        gateway: AsyncGateway,
        data: bytes | None,
        result: bytes,
        *,
        view: SignedRequestView | None = None,
        transaction_id: str | None = None,
    ) -> None:
        super().__init__(gateway, data, view, transaction_id)
        self.result = result


class AsyncCloseableIterator(EventIteratorBase[AsyncResponseStream, T], AsyncClosingContext):
    """Events from one gRPC stream: ``async for`` over it; close (or ``async with``) to cancel."""

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        while (event := self._buffered()) is None:
            self._buffer(await self._stream.__anext__())
        return event


class AsyncChaincodeEventsRequest(ChaincodeEventsRequestCore["AsyncGateway"]):
    """A chaincode events request: ``bytes()``, ``digest()``; ``get_events()`` opens the stream."""

    def get_events(self, *, timeout: float | None = None) -> AsyncCloseableIterator[ChaincodeEvent]:
        """Open the event stream (signing the request first if needed)."""
        decode = self._events_decoder()
        stream = self._gateway._transport.chaincode_events(
            self._signed(), self._events_timeout(timeout)
        )
        return AsyncCloseableIterator(stream, decode)


class AsyncBlockEventsRequest(BlockEventsRequestCore["AsyncGateway"], Generic[T]):
    """A Deliver request: ``bytes()``, ``digest()``; ``get_events()`` opens the stream."""

    def get_events(self, *, timeout: float | None = None) -> AsyncCloseableIterator[T]:
        """Open the block stream (signing the request first if needed)."""
        stream = self._gateway._transport.deliver(
            self._kind, self._signed(), self._events_timeout(timeout)
        )
        return AsyncCloseableIterator(stream, lambda response: (cast(T, self._decode(response)),))


class AsyncContract(ContractBase["AsyncGateway", AsyncProposal]):
    """A smart contract: evaluate queries, submit transactions."""

    _proposal_type = AsyncProposal

    async def evaluate_transaction(self, name: str, *args: Argument) -> bytes:
        """Evaluate transaction function ``name`` with ``args`` and return its result."""
        return await self.evaluate(name, arguments=args)

    async def submit_transaction(self, name: str, *args: Argument) -> bytes:
        """Submit ``name`` with ``args``, wait for commit, and return its result.

        Raises ``EndorseError``, ``SubmitError``, ``CommitStatusError`` or ``CommitError``.
        """
        return await self.submit(name, arguments=args)

    async def evaluate(
        self,
        name: str,
        *,
        arguments: Sequence[Argument] = (),
        transient_data: Mapping[str, Argument] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        """Evaluate a transaction function (a query: nothing is ordered)."""
        return await self.new_proposal(
            name,
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
        ).evaluate()

    async def submit(
        self,
        name: str,
        *,
        arguments: Sequence[Argument] = (),
        transient_data: Mapping[str, Argument] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        """Endorse, submit and wait for a valid commit; return the transaction result."""
        submitted = await self.submit_async(
            name,
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
        )
        (await submitted.status()).raise_for_status()
        return submitted.result

    async def submit_async(
        self,
        name: str,
        *,
        arguments: Sequence[Argument] = (),
        transient_data: Mapping[str, Argument] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> AsyncSubmittedTransaction:
        """Endorse and submit; return the result plus a handle to await the commit status."""
        proposal = self.new_proposal(
            name,
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
        )
        transaction = await proposal.endorse()
        return await transaction.submit()


class AsyncNetwork(
    NetworkBase[
        "AsyncGateway",
        AsyncContract,
        AsyncChaincodeEventsRequest,
        AsyncCloseableIterator[ChaincodeEvent],
        AsyncBlockEventsRequest[Block],
        AsyncCloseableIterator[Block],
        AsyncBlockEventsRequest[FilteredBlock],
        AsyncCloseableIterator[FilteredBlock],
        AsyncBlockEventsRequest[BlockAndPrivateData],
        AsyncCloseableIterator[BlockAndPrivateData],
    ]
):
    """A channel: source of contracts and event streams."""

    _contract_type = AsyncContract
    _chaincode_request_type = AsyncChaincodeEventsRequest
    _block_request_type = AsyncBlockEventsRequest
    _filtered_request_type = AsyncBlockEventsRequest
    _private_data_request_type = AsyncBlockEventsRequest


class AsyncGateway(
    GatewayBase[
        AsyncTransport,
        AsyncNetwork,
        AsyncProposal,
        AsyncTransaction,
        AsyncCommit,
        AsyncChaincodeEventsRequest,
        AsyncBlockEventsRequest[Block],
        AsyncBlockEventsRequest[FilteredBlock],
        AsyncBlockEventsRequest[BlockAndPrivateData],
    ],
    AsyncClosingContext,
):
    """Entry point to a Fabric network through one Gateway peer; never closes the channel."""

    _network_type = AsyncNetwork
    _proposal_type = AsyncProposal
    _transaction_type = AsyncTransaction
    _commit_type = AsyncCommit
    _chaincode_request_type = AsyncChaincodeEventsRequest
    _block_request_type = AsyncBlockEventsRequest
    _filtered_request_type = AsyncBlockEventsRequest
    _private_data_request_type = AsyncBlockEventsRequest


def connect_async(
    client: grpc.aio.Channel,
    identity: Identity,
    signer: Signer | None = None,
    hash: Hash | None = None,
    timeouts: CallTimeouts | None = None,
    tls_client_certificate_hash: bytes | None = None,
) -> AsyncGateway:
    """Connect to a Fabric AsyncGateway over an application-owned gRPC channel.

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
    return AsyncGateway(core, AsyncTransport(client))
