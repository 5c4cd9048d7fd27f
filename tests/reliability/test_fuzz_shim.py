"""Property-based fuzzing of the chaincode runtime's message handling (the shim).

Random bytes reach the wire decoder; random conversations reach a chaincode session: the
handshake, transactions with good and garbage inputs, duplicate transaction IDs, answers
to requests nobody made, ERROR answers and garbage values for the stub's reads, keepalives
and messages of every type in every state. The session must never raise, must answer every
transaction it started exactly once (unless the stream closed on a protocol violation),
and must be deterministic: the same conversation produces the same messages per
transaction (hence the same write set).
"""

from __future__ import annotations

import collections
import queue
import threading
from dataclasses import dataclass

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from fabric_chaincode import _wire
from fabric_chaincode.errors import ProtocolError
from fabric_chaincode.session import ChaincodeSession
from fabric_chaincode.stub_api import Stub
from fabric_chaincode.types import (
    ChaincodeInput,
    MessageType,
    PeerCapabilities,
    Response,
    ShimMessage,
    error,
    success,
)

from .ledger import FUZZ_SEED, LONG, SHARDS

BYTES_CASES = (100_000 if LONG else 500) // SHARDS
CONVERSATIONS = (2_000 if LONG else 150) // SHARDS
STATS: collections.Counter[str] = collections.Counter()
TXIDS = ["tx-a", "tx-b", "tx-c", ""]
CHANNELS = ["ch", "other"]
REPLIES = (MessageType.COMPLETED, MessageType.ERROR)


class Register:
    """Reads one key, writes it back with the argument appended; deterministic."""

    def init(self, stub: Stub) -> Response:
        return success(b"")

    def invoke(self, stub: Stub) -> Response:
        args = stub.get_args()
        if len(args) < 2:
            return error("INVALID_ARGUMENT: two arguments")
        key = args[1].decode(errors="replace")[:64] or "k"
        old = stub.get_state(key) or b""
        stub.put_state(key, old[-32:] + args[-1][:32])
        return success(old[-16:])


@seed(FUZZ_SEED)
@settings(max_examples=BYTES_CASES, deadline=None, database=None)
@given(data=st.binary(max_size=256))
def test_any_bytes_decode_to_a_message_or_a_protocol_error(data: bytes) -> None:
    STATS["decoded bytes"] += 1
    try:
        message = _wire.decode_message(data)
    except ProtocolError:
        return
    assert _wire.decode_message(_wire.encode_message(message)) == message


@dataclass(frozen=True)
class Step:
    """One message from the peer, or (``answer``) how to answer the next stub request."""

    message: ShimMessage | None
    answer: tuple[MessageType, bytes] | None = None


def transaction_input(args: list[bytes]) -> bytes:
    return _wire.encode_chaincode_input(ChaincodeInput(args=tuple(args)))


@st.composite
def step(draw: st.DrawFn) -> Step:
    kind = draw(st.integers(0, 9))
    txid = draw(st.sampled_from(TXIDS))
    channel = draw(st.sampled_from(CHANNELS))
    if kind <= 3:  # a transaction, mostly well formed
        if draw(st.booleans()) or kind == 3:
            payload = transaction_input(draw(st.lists(st.binary(max_size=12), max_size=4)))
        else:
            payload = draw(st.binary(max_size=24))
        kind_type = MessageType.INIT if kind == 3 else MessageType.TRANSACTION
        return Step(ShimMessage(kind_type, payload, txid, channel))
    if kind <= 6:  # how the peer answers the next stub request
        answer_type = draw(st.sampled_from([MessageType.RESPONSE, MessageType.ERROR]))
        return Step(None, (answer_type, draw(st.binary(max_size=24))))
    message_type = draw(st.sampled_from(list(MessageType)))
    return Step(ShimMessage(message_type, draw(st.binary(max_size=24)), txid, channel))


class PeerSide:
    """Plays the peer: records what the session sends, answers its stub requests."""

    def __init__(self) -> None:
        self.outbox: queue.SimpleQueue[ShimMessage] = queue.SimpleQueue()
        self.sent: list[ShimMessage] = []
        self.lock = threading.Lock()

    def send(self, message: ShimMessage) -> None:
        with self.lock:
            self.sent.append(message)
        self.outbox.put(message)


Sent = dict[tuple[str, str], list[tuple[int, bytes]]]


def converse(
    steps: list[Step], capabilities: bytes, *, serial: bool
) -> tuple[Sent, set[tuple[str, str]], bool]:
    """Run one conversation; per-transaction messages sent, transactions left unanswered,
    whether the stream closed. The session runs its transactions on this thread, as a
    stream's loop does. ``serial``: the peer answers every request before its next step, so
    each transaction runs alone; otherwise it answers only after the last step, so the steps'
    transactions all wait on the peer at once and their answers interleave, as on a busy
    stream."""
    peer = PeerSide()
    closed = threading.Event()
    session = ChaincodeSession(Register(), "fuzz", peer.send, on_close=closed.set)
    session.start()
    session.on_message(ShimMessage(MessageType.REGISTERED))
    session.on_message(ShimMessage(MessageType.READY, capabilities))
    answers = collections.deque(s.answer for s in steps if s.answer is not None)
    started: set[tuple[str, str]] = set()
    answered: set[tuple[str, str]] = set()

    def pump() -> None:
        """Answer every stub request the session sent until it sends nothing more."""
        while not peer.outbox.empty():
            message = peer.outbox.get_nowait()
            key = (message.channel_id, message.txid)
            if message.type in REPLIES:
                answered.add(key)
                continue
            if message.type in (MessageType.REGISTER, MessageType.KEEPALIVE):
                continue
            kind, payload = answers.popleft() if answers else (MessageType.RESPONSE, b"")
            session.on_message(ShimMessage(kind, payload, message.txid, message.channel_id))

    for each in steps:
        if each.message is None:
            continue
        key = (each.message.channel_id, each.message.txid)
        if (
            each.message.type in (MessageType.TRANSACTION, MessageType.INIT)
            and key not in started
            and not closed.is_set()
        ):
            started.add(key)
        session.on_message(each.message)  # must never raise
        STATS["messages fed"] += 1
        if serial:
            pump()
            assert session.idle or closed.is_set()
    pump()
    session.close()
    per_tx: dict[tuple[str, str], list[tuple[int, bytes]]] = collections.defaultdict(list)
    for message in peer.sent:
        per_tx[(message.channel_id, message.txid)].append((int(message.type), message.payload))
    return dict(per_tx), started - answered, closed.is_set()


@seed(FUZZ_SEED)
@settings(
    max_examples=CONVERSATIONS,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    steps=st.lists(step(), min_size=1, max_size=14),
    write_batch=st.booleans(),
)
def test_a_session_survives_any_conversation_and_answers_each_transaction_once(
    steps: list[Step], write_batch: bool
) -> None:
    capabilities = _wire.encode_capabilities(PeerCapabilities(use_write_batch=write_batch))
    starts = collections.Counter(
        (s.message.channel_id, s.message.txid)
        for s in steps
        if s.message is not None and s.message.type in (MessageType.TRANSACTION, MessageType.INIT)
    )
    for serial in (False, True):
        sent, unanswered, closed = converse(steps, capabilities, serial=serial)
        STATS["conversations"] += 1
        if not closed:
            assert unanswered == set(), unanswered
        for key, messages in sent.items():
            # At most one COMPLETED per start (a start while running is refused with ERROR;
            # the same ID after its answer is a new run, as a re-sent proposal is).
            assert sum(m[0] == MessageType.COMPLETED for m in messages) <= starts[key], key
    again, _, closed_again = converse(steps, capabilities, serial=True)
    assert closed_again == closed
    assert again == sent, "the same conversation produced different messages"


def test_the_shim_fuzzing_ran_its_cases() -> None:
    print(f"\nshim fuzzing: {dict(STATS)}")
    assert STATS["decoded bytes"] >= BYTES_CASES
    assert STATS["conversations"] >= 2 * CONVERSATIONS
