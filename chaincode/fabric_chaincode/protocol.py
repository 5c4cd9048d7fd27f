"""The shim side of the chaincode protocol as a pure state machine (no I/O, no threads).

Owns the handshake states (REGISTER -> REGISTERED -> READY), the per-transaction bookkeeping
keyed by (channel_id, txid) and the correlation of stub requests with the peer's RESPONSE or
ERROR answers. Messages go in through :meth:`ShimProtocol.receive` and come out as events;
stub requests and transaction results come out as messages to send. The caller owns the
stream, the threads and the locking (see :mod:`fabric_chaincode.session`).
Must not import gRPC, threading or logging; protobuf only through :mod:`fabric_chaincode._wire`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from fabric_chaincode import _wire
from fabric_chaincode.errors import ProtocolError
from fabric_chaincode.types import (
    ERROR,
    ChaincodeEvent,
    ChaincodeInput,
    MessageType,
    PeerCapabilities,
    ProposalFacts,
    Response,
    ShimMessage,
    SignedProposal,
)


class HandlerState(enum.Enum):
    """Where the handshake stands."""

    CREATED = "created"  # nothing sent yet
    REGISTERING = "registering"  # REGISTER sent, REGISTERED expected
    ESTABLISHED = "established"  # REGISTERED received, READY expected
    READY = "ready"  # transactions flow
    CLOSED = "closed"  # protocol violated; the stream must end


#: The handshake, as one table: (state, message received) -> next state.
HANDSHAKE: dict[tuple[HandlerState, MessageType], HandlerState] = {
    (HandlerState.REGISTERING, MessageType.REGISTERED): HandlerState.ESTABLISHED,
    (HandlerState.ESTABLISHED, MessageType.READY): HandlerState.READY,
}

TxKey = tuple[str, str]


def _text(text: str) -> bytes:
    """An ERROR payload: UTF-8, with what UTF-8 cannot hold (a lone surrogate) escaped, so
    building the message that ends a transaction never fails."""
    return text.encode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class SendMessage:
    """Send this message to the peer."""

    message: ShimMessage


@dataclass(frozen=True)
class BecameReady:
    """The handshake finished; the peer announced these capabilities."""

    capabilities: PeerCapabilities


@dataclass(frozen=True)
class TransactionStarted:
    """Run the chaincode for this transaction (INIT or TRANSACTION)."""

    channel_id: str
    txid: str
    chaincode_input: ChaincodeInput
    proposal: SignedProposal | None
    facts: ProposalFacts | None
    is_init: bool


@dataclass(frozen=True)
class AnswerReceived:
    """The peer answered the pending stub request of this transaction."""

    channel_id: str
    txid: str
    message: ShimMessage


@dataclass(frozen=True)
class MessageIgnored:
    """A message that belongs to nothing we wait for; worth a log line, not a failure."""

    reason: str


@dataclass(frozen=True)
class ConnectionFailed:
    """The protocol was violated; the stream must end after sending what precedes this."""

    reason: str


Event = (
    SendMessage
    | BecameReady
    | TransactionStarted
    | AnswerReceived
    | MessageIgnored
    | ConnectionFailed
)


class ShimProtocol:
    """Shim-side protocol state for one stream."""

    def __init__(self, chaincode_name: str) -> None:
        self.chaincode_name = chaincode_name
        self.state = HandlerState.CREATED
        self.capabilities = PeerCapabilities()
        self._transactions: set[TxKey] = set()
        self._pending: set[TxKey] = set()

    # ------------------------------------------------------------------ outgoing

    def register(self) -> ShimMessage:
        """The REGISTER message that opens the conversation on the peer's stream."""
        if self.state is not HandlerState.CREATED:
            raise ProtocolError(f"cannot register in state {self.state.value}")
        self.state = HandlerState.REGISTERING
        return ShimMessage(
            type=MessageType.REGISTER, payload=_wire.encode_chaincode_id(self.chaincode_name)
        )

    def request(self, channel_id: str, txid: str, kind: MessageType, payload: bytes) -> ShimMessage:
        """A stub request for a running transaction; its answer will come as AnswerReceived.

        One request per transaction at a time, as in the Go shim.
        """
        key = (channel_id, txid)
        if self.state is not HandlerState.READY:
            raise ProtocolError(f"cannot send {kind.name} in state {self.state.value}")
        if key not in self._transactions:
            raise ProtocolError(f"{kind.name} for a transaction that is not running")
        if key in self._pending:
            raise ProtocolError(f"{kind.name} while another request of the transaction waits")
        self._pending.add(key)
        return ShimMessage(type=kind, payload=payload, txid=txid, channel_id=channel_id)

    def abandon_request(self, channel_id: str, txid: str) -> None:
        """Forget a pending request whose message could not be sent."""
        self._pending.discard((channel_id, txid))

    def complete(
        self,
        channel_id: str,
        txid: str,
        response: Response,
        event: ChaincodeEvent | None,
        *,
        is_init: bool = False,
    ) -> ShimMessage:
        """The message that ends a transaction: COMPLETED with the response and the event.

        As in the Go shim, a failed INIT is reported as ERROR carrying the message.
        """
        self._finish(channel_id, txid)
        if is_init and response.status >= ERROR:
            return ShimMessage(
                type=MessageType.ERROR,
                payload=_text(response.message),
                txid=txid,
                channel_id=channel_id,
                event=event,
            )
        return ShimMessage(
            type=MessageType.COMPLETED,
            payload=_wire.encode_response(response),
            txid=txid,
            channel_id=channel_id,
            event=event,
        )

    def fail(self, channel_id: str, txid: str, reason: str) -> ShimMessage:
        """An ERROR message ending a transaction the shim could not run at all."""
        self._finish(channel_id, txid)
        return ShimMessage(
            type=MessageType.ERROR, payload=_text(reason), txid=txid, channel_id=channel_id
        )

    def _finish(self, channel_id: str, txid: str) -> None:
        key = (channel_id, txid)
        self._transactions.discard(key)
        self._pending.discard(key)

    @property
    def running(self) -> frozenset[TxKey]:
        """Transactions started and not yet completed."""
        return frozenset(self._transactions)

    # ------------------------------------------------------------------ incoming

    def receive(self, message: ShimMessage) -> list[Event]:
        """Feed one message from the peer; returns what to do about it."""
        if self.state is HandlerState.CLOSED:
            return [MessageIgnored("message after the protocol was closed")]
        if message.type is MessageType.KEEPALIVE:
            return [SendMessage(message)]
        next_state = HANDSHAKE.get((self.state, message.type))
        if next_state is not None:
            self.state = next_state
            if next_state is HandlerState.READY:
                try:
                    self.capabilities = _wire.decode_capabilities(message.payload)
                except ProtocolError:
                    # The Go shim ignores an unreadable READY payload as well.
                    self.capabilities = PeerCapabilities()
                return [BecameReady(self.capabilities)]
            return []
        if self.state is HandlerState.READY:
            if message.type in (MessageType.RESPONSE, MessageType.ERROR):
                return self._answer(message)
            if message.type in (MessageType.TRANSACTION, MessageType.INIT):
                return self._start(message)
        return self._violation(message)

    def _answer(self, message: ShimMessage) -> list[Event]:
        key = (message.channel_id, message.txid)
        if key not in self._pending:
            return [MessageIgnored(f"{message.type.name} for no pending request")]
        self._pending.discard(key)
        return [AnswerReceived(message.channel_id, message.txid, message)]

    def _start(self, message: ShimMessage) -> list[Event]:
        key = (message.channel_id, message.txid)
        if key in self._transactions:
            return [
                SendMessage(
                    ShimMessage(
                        type=MessageType.ERROR,
                        payload=b"duplicate transaction id on this channel",
                        txid=message.txid,
                        channel_id=message.channel_id,
                    )
                )
            ]
        self._transactions.add(key)
        try:
            chaincode_input = _wire.decode_chaincode_input(message.payload)
            facts = (
                _wire.decode_proposal(message.proposal) if message.proposal is not None else None
            )
        except ProtocolError as exc:
            return [SendMessage(self.fail(message.channel_id, message.txid, str(exc)))]
        return [
            TransactionStarted(
                channel_id=message.channel_id,
                txid=message.txid,
                chaincode_input=chaincode_input,
                proposal=message.proposal,
                facts=facts,
                is_init=message.type is MessageType.INIT,
            )
        ]

    def _violation(self, message: ShimMessage) -> list[Event]:
        reason = f"cannot handle {message.type.name} in state {self.state.value}"
        self.state = HandlerState.CLOSED
        error_message = ShimMessage(
            type=MessageType.ERROR,
            payload=_text(reason),
            txid=message.txid,
            channel_id=message.channel_id,
        )
        return [SendMessage(error_message), ConnectionFailed(reason)]
