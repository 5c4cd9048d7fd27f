"""The transport-free halves of the public classes, shared by ``client`` and ``aio``.

Owns: generic bases for ``Gateway``, ``Network``, ``Contract`` and the event iterators, holding
everything that does no I/O -- navigation, building unsigned requests, rebuilding artifacts from
bytes and offline signatures, docstrings -- plus the ``with`` / ``async with`` mixins. The
sync and asyncio modules subclass these, bind the type parameters to their own classes, and add
only the methods that call their transport (``def`` there, ``async def`` here).

Must not import: grpc or ``_transport`` (the transport type is a type parameter), and no
generated protobuf classes.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar, cast

from ._core import Argument, GatewayCore, GatewayHandle, qualified_transaction_name
from ._protos import DeliverKind, ProposalView
from .checkpoint import Checkpoint
from .identity import Identity


class ClosingContext:
    """``with`` support: leaving the block calls ``close()``."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClosingContext:
    """``async with`` support: leaving the block calls ``close()`` (which does not block)."""

    def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _Signable(Protocol):
    def _set_signature(self, signature: builtins.bytes) -> None: ...


class _EventsRequest(_Signable, Protocol):
    def get_events(self, *, timeout: float | None = None) -> object: ...


class _Closable(Protocol):
    def close(self) -> None: ...


# The type parameters a flavour binds to its own classes. Python has no higher-kinded types, so
# each of the three block event request types (``BlockEventsRequest[Block]`` and so on) is a
# parameter of its own, as is the iterator each request kind opens -- and typing cannot tie a
# request type to the iterator its get_events() returns, so ``NetworkBase`` casts: each
# flavour's type arguments pair them, and the tests check the pairing at run time.
GatewayT = TypeVar("GatewayT", bound=GatewayHandle)
TransportT = TypeVar("TransportT")
NetworkT = TypeVar("NetworkT")
ContractT = TypeVar("ContractT")
ProposalT = TypeVar("ProposalT", bound=_Signable)
TransactionT = TypeVar("TransactionT", bound=_Signable)
CommitT = TypeVar("CommitT", bound=_Signable)
ChaincodeRequestT = TypeVar("ChaincodeRequestT", bound=_EventsRequest)
BlockRequestT = TypeVar("BlockRequestT", bound=_EventsRequest)
FilteredRequestT = TypeVar("FilteredRequestT", bound=_EventsRequest)
PrivateDataRequestT = TypeVar("PrivateDataRequestT", bound=_EventsRequest)
ChaincodeEventsT = TypeVar("ChaincodeEventsT")
BlockEventsT = TypeVar("BlockEventsT")
FilteredEventsT = TypeVar("FilteredEventsT")
PrivateDataEventsT = TypeVar("PrivateDataEventsT")
SignableT = TypeVar("SignableT", bound=_Signable)
StreamT = TypeVar("StreamT", bound=_Closable)
EventT = TypeVar("EventT")


def _with_signature(artifact: SignableT, signature: builtins.bytes) -> SignableT:
    artifact._set_signature(signature)
    return artifact


class GatewayBase(
    Generic[
        TransportT,
        NetworkT,
        ProposalT,
        TransactionT,
        CommitT,
        ChaincodeRequestT,
        BlockRequestT,
        FilteredRequestT,
        PrivateDataRequestT,
    ]
):
    """Entry point to a Fabric network through one Gateway peer; never closes the channel."""

    # The flavour's classes, set by each subclass (class objects, called unbound). The first
    # argument is this gateway; ``Any`` because a base method's ``self`` is not yet the subclass.
    _network_type: Callable[[Any, str], NetworkT]
    _proposal_type: Callable[[Any, bytes], ProposalT]
    _transaction_type: Callable[[Any, bytes], TransactionT]
    _commit_type: Callable[[Any, bytes], CommitT]
    _chaincode_request_type: Callable[[Any, bytes], ChaincodeRequestT]
    _block_request_type: Callable[[Any, bytes, DeliverKind], BlockRequestT]
    _filtered_request_type: Callable[[Any, bytes, DeliverKind], FilteredRequestT]
    _private_data_request_type: Callable[[Any, bytes, DeliverKind], PrivateDataRequestT]

    def __init__(self, core: GatewayCore, transport: TransportT) -> None:
        self._core = core
        self._transport = transport

    @property
    def identity(self) -> Identity:
        """The client identity used for every request."""
        return self._core.signing_identity.identity

    def get_network(self, name: str) -> NetworkT:
        """A handle on channel ``name``."""
        return self._network_type(self, name)

    def new_proposal(self, data: bytes) -> ProposalT:
        """Rebuild a proposal from its ``bytes()``."""
        return self._proposal_type(self, data)

    def new_signed_proposal(self, data: bytes, signature: bytes) -> ProposalT:
        """Rebuild a proposal from its ``bytes()`` and an offline signature of its digest."""
        return _with_signature(self.new_proposal(data), signature)

    def new_transaction(self, data: bytes) -> TransactionT:
        """Rebuild an endorsed transaction from its ``bytes()``."""
        return self._transaction_type(self, data)

    def new_signed_transaction(self, data: bytes, signature: bytes) -> TransactionT:
        """Rebuild an endorsed transaction with an offline signature."""
        return _with_signature(self.new_transaction(data), signature)

    def new_commit(self, data: bytes) -> CommitT:
        """Rebuild a commit status request from its ``bytes()``."""
        return self._commit_type(self, data)

    def new_signed_commit(self, data: bytes, signature: bytes) -> CommitT:
        """Rebuild a commit status request with an offline signature."""
        return _with_signature(self.new_commit(data), signature)

    def new_commit_status_request(self, channel_name: str, transaction_id: str) -> CommitT:
        """A commit status request for ``transaction_id`` on ``channel_name``: how a client
        that lost the submit's own handle (a crash, a timeout) learns the outcome later.
        ``status()`` waits until the transaction commits, up to its deadline."""
        data = self._core.commit_status_request_bytes(
            channel_name=channel_name, transaction_id=transaction_id
        )
        return self.new_commit(data)

    def new_chaincode_events_request(self, data: bytes) -> ChaincodeRequestT:
        """Rebuild a chaincode events request from its ``bytes()``."""
        return self._chaincode_request_type(self, data)

    def new_signed_chaincode_events_request(
        self, data: bytes, signature: bytes
    ) -> ChaincodeRequestT:
        """Rebuild a chaincode events request with an offline signature."""
        return _with_signature(self.new_chaincode_events_request(data), signature)

    def new_block_events_request(self, data: bytes) -> BlockRequestT:
        """Rebuild a block events request from its ``bytes()``."""
        return self._block_request_type(self, data, "block")

    def new_signed_block_events_request(self, data: bytes, signature: bytes) -> BlockRequestT:
        """Rebuild a block events request with an offline signature."""
        return _with_signature(self.new_block_events_request(data), signature)

    def new_filtered_block_events_request(self, data: bytes) -> FilteredRequestT:
        """Rebuild a filtered block events request from its ``bytes()``."""
        return self._filtered_request_type(self, data, "filtered_block")

    def new_signed_filtered_block_events_request(
        self, data: bytes, signature: bytes
    ) -> FilteredRequestT:
        """Rebuild a filtered block events request with an offline signature."""
        return _with_signature(self.new_filtered_block_events_request(data), signature)

    def new_block_and_private_data_events_request(self, data: bytes) -> PrivateDataRequestT:
        """Rebuild a block-and-private-data events request from its ``bytes()``."""
        return self._private_data_request_type(self, data, "block_and_private_data")

    def new_signed_block_and_private_data_events_request(
        self, data: bytes, signature: bytes
    ) -> PrivateDataRequestT:
        """Rebuild a block-and-private-data events request with an offline signature."""
        return _with_signature(self.new_block_and_private_data_events_request(data), signature)

    def close(self) -> None:
        """Release the gateway. The application's gRPC channel is left open."""


class NetworkBase(
    Generic[
        GatewayT,
        ContractT,
        ChaincodeRequestT,
        ChaincodeEventsT,
        BlockRequestT,
        BlockEventsT,
        FilteredRequestT,
        FilteredEventsT,
        PrivateDataRequestT,
        PrivateDataEventsT,
    ]
):
    """A channel: source of contracts and event streams."""

    # The flavour's classes, set by each subclass (class objects, called unbound).
    _contract_type: Callable[[GatewayT, str, str, str | None], ContractT]
    _chaincode_request_type: Callable[[GatewayT, bytes], ChaincodeRequestT]
    _block_request_type: Callable[[GatewayT, bytes, DeliverKind], BlockRequestT]
    _filtered_request_type: Callable[[GatewayT, bytes, DeliverKind], FilteredRequestT]
    _private_data_request_type: Callable[[GatewayT, bytes, DeliverKind], PrivateDataRequestT]

    def __init__(self, gateway: GatewayT, name: str) -> None:
        self._gateway = gateway
        self.name = name

    def get_contract(self, chaincode_name: str, contract_name: str | None = None) -> ContractT:
        """A contract of a deployed chaincode (``contract_name`` selects a named contract)."""
        return self._contract_type(self._gateway, self.name, chaincode_name, contract_name)

    def new_chaincode_events_request(
        self,
        chaincode_name: str,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> ChaincodeRequestT:
        """An unsigned chaincode events request (for offline signing or later use)."""
        data = self._gateway._core.chaincode_events_request_bytes(
            channel_name=self.name,
            chaincode_name=chaincode_name,
            start_block=start_block,
            checkpoint=checkpoint,
        )
        return self._chaincode_request_type(self._gateway, data)

    def get_chaincode_events(
        self,
        chaincode_name: str,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        timeout: float | None = None,
    ) -> ChaincodeEventsT:
        """Stream events of ``chaincode_name``: from the checkpoint, ``start_block``, or the next
        block to commit. Use as a context manager so the call is cancelled when done."""
        request = self.new_chaincode_events_request(
            chaincode_name, start_block=start_block, checkpoint=checkpoint
        )
        return cast(ChaincodeEventsT, request.get_events(timeout=timeout))

    def _block_request_bytes(self, start_block: int | None, checkpoint: Checkpoint | None) -> bytes:
        return self._gateway._core.block_events_request_bytes(
            channel_name=self.name, start_block=start_block, checkpoint=checkpoint
        )

    def new_block_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> BlockRequestT:
        """An unsigned ``Deliver`` request for full blocks."""
        data = self._block_request_bytes(start_block, checkpoint)
        return self._block_request_type(self._gateway, data, "block")

    def get_block_events(
        self,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        timeout: float | None = None,
    ) -> BlockEventsT:
        """Stream decoded full blocks."""
        request = self.new_block_events_request(start_block=start_block, checkpoint=checkpoint)
        return cast(BlockEventsT, request.get_events(timeout=timeout))

    def new_filtered_block_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> FilteredRequestT:
        """An unsigned ``DeliverFiltered`` request."""
        data = self._block_request_bytes(start_block, checkpoint)
        return self._filtered_request_type(self._gateway, data, "filtered_block")

    def get_filtered_block_events(
        self,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        timeout: float | None = None,
    ) -> FilteredEventsT:
        """Stream filtered blocks (transaction IDs, validation codes, chaincode event names)."""
        request = self.new_filtered_block_events_request(
            start_block=start_block, checkpoint=checkpoint
        )
        return cast(FilteredEventsT, request.get_events(timeout=timeout))

    def new_block_and_private_data_events_request(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> PrivateDataRequestT:
        """An unsigned ``DeliverWithPrivateData`` request."""
        data = self._block_request_bytes(start_block, checkpoint)
        return self._private_data_request_type(self._gateway, data, "block_and_private_data")

    def get_block_and_private_data_events(
        self,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        timeout: float | None = None,
    ) -> PrivateDataEventsT:
        """Stream blocks with the private data this identity may read."""
        request = self.new_block_and_private_data_events_request(
            start_block=start_block, checkpoint=checkpoint
        )
        return cast(PrivateDataEventsT, request.get_events(timeout=timeout))


class ContractBase(Generic[GatewayT, ProposalT]):
    """A smart contract: evaluate queries, submit transactions."""

    # The flavour's proposal class, set by each subclass (a class object, called unbound).
    _proposal_type: Callable[[GatewayT, bytes | None, ProposalView], ProposalT]

    def __init__(
        self,
        gateway: GatewayT,
        channel_name: str,
        chaincode_name: str,
        contract_name: str | None,
    ) -> None:
        self._gateway = gateway
        self._channel_name = channel_name
        self.chaincode_name = chaincode_name
        self.contract_name = contract_name

    @property
    def gateway(self) -> GatewayT:
        """The gateway this contract's requests go through."""
        return self._gateway

    @property
    def channel_name(self) -> str:
        """The channel the chaincode is deployed on."""
        return self._channel_name

    def new_proposal(
        self,
        name: str,
        *,
        arguments: Sequence[Argument] = (),
        transient_data: Mapping[str, Argument] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
        nonce: bytes | None = None,
    ) -> ProposalT:
        """Build an unsigned proposal for fine-grained control or offline signing.

        ``nonce`` fixes the transaction context (see :func:`~fabric_gateway.request_nonce`:
        the same client request is then the same transaction ID on every attempt)."""
        view = self._gateway._core.proposal_view(
            channel_name=self._channel_name,
            chaincode_name=self.chaincode_name,
            transaction_name=qualified_transaction_name(self.contract_name, name),
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
            nonce=nonce,
        )
        return self._proposal_type(self._gateway, None, view)


class EventIteratorBase(Generic[StreamT, EventT]):
    """Events decoded from the responses of one stream, buffered one response at a time."""

    def __init__(self, stream: StreamT, decode: Callable[[bytes], Sequence[EventT]]) -> None:
        self._stream = stream
        self._decode = decode
        self._pending: Iterator[EventT] = iter(())

    def _buffered(self) -> EventT | None:
        """The next event of the last response, or ``None`` when a new response is needed."""
        return next(self._pending, None)

    def _buffer(self, response: bytes) -> None:
        self._pending = iter(self._decode(response))

    def close(self) -> None:
        """Cancel the underlying call."""
        self._stream.close()
