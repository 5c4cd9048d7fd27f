"""Submitting a transaction at most once whatever fails on the way: the retry policy.

A submit crosses three steps; what may be retried depends on the step that failed.

1. **Endorse**: the Gateway runs the chaincode on endorsing peers. Nothing is ordered, so a
   failure that is not the chaincode's answer (a peer or chaincode server down, a timeout,
   no endorsers reachable) is retried with the same proposal. A refusal with a stable code
   (``INSUFFICIENT_HOLDING``, ``UNAUTHORIZED``...) is the answer and is raised at once.
2. **Submit**: the Gateway hands the endorsed, signed envelope to the ordering service. A
   failure leaves the transaction *in doubt*: the envelope may have reached an orderer.
   The **same signed envelope** is sent again, never a new proposal: it carries the same
   transaction ID, and Fabric commits at most one transaction per ID (a second copy is
   marked ``DUPLICATE_TXID`` and changes nothing).
3. **Commit status**: wait for the block. A failure or a timeout is in doubt too: the
   status is asked again, and the same envelope re-sent in case the ordering service lost
   it (a Raft leader that crashed before its block was cut).

A transaction that committed invalid (``MVCC_READ_CONFLICT``,
``ENDORSEMENT_POLICY_FAILURE``...) is final and raises ``CommitError``; the caller may try
again under a *new* request ID, which is safe because the first is known not to have
applied. The client does so itself for a read conflict (``MVCC_READ_CONFLICT``,
``PHANTOM_READ_CONFLICT``: another transaction changed what this one read) of the
functions in :attr:`RetryPolicy.conflict_retry` - those whose outcome the chaincode decides
afresh from the state it reads and that carry no decision the caller based on older state:
placing, amending and withdrawing a sealed bid (one dealer's bids share its bid book, so
two of them at once conflict), and an auction settlement batch (resumable). Each retry is
a new proposal; under a client request ID it is the derived request ``<id>~conflict<n>``,
so a replay of the request finds the same transactions again.

When every attempt of steps 2-3 is spent the submit raises
:class:`TransactionInDoubtError` with the transaction ID: the outcome is then learnt with
:meth:`~sovereign_client.GatewayInvoker.status_of_request` (a commit status query), not by
submitting a new transaction.

A **client request ID** (``SovereignClient.for_request("PAY-2024-0001")``) fixes the
transaction ID of the request (``fabric_gateway.request_nonce``): every attempt, in this
process or in another one after a crash, is the same transaction. Peers refuse to endorse a
transaction ID that already committed; the client then reads the committed outcome (and
the result, from its block) instead of applying the request again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import grpc

from fabric_gateway import CommitError, GatewayError
from sovereign_client.errors import codes

TRANSIENT_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.FAILED_PRECONDITION,
    }
)
"""gRPC codes of an endorsement that failed for want of a working peer, not by refusal.
The Gateway answers ``ABORTED``/``FAILED_PRECONDITION`` when no set of reachable endorsers
satisfies the policy (one is down). A chaincode refusal is told apart by its stable code."""

CONFLICT_CODES = frozenset({"MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT"})
"""Validation codes of a transaction invalidated because what it read changed meanwhile."""

CONFLICT_SAFE_FUNCTIONS = frozenset(
    {"auction:PlaceBid", "auction:AmendBid", "auction:WithdrawBid", "auction:Settle"}
)
"""Functions submitted again after a read conflict by default (see the module docstring)."""

DUPLICATE_MARKER = "duplicate transaction found"
"""What a peer answers when asked to endorse a transaction ID already on its ledger."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long a submit keeps trying the steps that are safe to retry.

    ``endorse_delays``: seconds slept before each further endorsement attempt (its length is
    the number of retries). ``commit_rounds``: how many times the same envelope is (re)sent
    and its commit status awaited, each wait at most ``commit_timeout`` seconds, with
    ``round_delay`` seconds between rounds; after a failed send the status is first asked
    for ``lookup_timeout`` seconds. Defaults ride out a peer, orderer or chaincode server
    restart (tens of seconds) without ever applying a request twice. ``on_retry`` is told
    of each retry: the step (``endorse``, ``submit``, ``commit-status``), the transaction
    ID and the error (for logs and metrics; it must not raise). ``conflict_retry``: the
    functions submitted again, as a new transaction, after a read conflict, waiting
    ``conflict_delays`` seconds before each further attempt (step ``conflict``).
    """

    endorse_delays: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0)
    conflict_retry: frozenset[str] = CONFLICT_SAFE_FUNCTIONS
    conflict_delays: tuple[float, ...] = (0.1, 0.3, 0.6, 1.0, 2.0)
    commit_rounds: int = 6
    commit_timeout: float = 10.0
    round_delay: float = 1.0
    lookup_timeout: float = 2.0
    on_retry: Callable[[str, str, Exception], None] | None = None

    def notify(self, step: str, transaction_id: str, error: Exception) -> None:
        """Tell ``on_retry`` (if any) that ``step`` of ``transaction_id`` is tried again."""
        if self.on_retry is not None:
            self.on_retry(step, transaction_id, error)


class TransactionInDoubtError(Exception):
    """The transaction may or may not have committed: every safe attempt was spent.

    ``transaction_id`` is what to ask about (``status_of_request``/a commit status query);
    ``request_id`` the client request, when one was given. Never answer this by submitting
    a new transaction for the same request.
    """

    def __init__(self, transaction_id: str, request_id: str | None, cause: Exception | None):
        super().__init__(
            f"transaction {transaction_id} is in doubt"
            + (f" (request {request_id})" if request_id else "")
            + (f": {cause}" if cause else "")
        )
        self.transaction_id = transaction_id
        self.request_id = request_id
        self.cause = cause


def endorsement_is_transient(error: GatewayError) -> bool:
    """Whether a failed endorsement may be tried again: no refusal code of the catalogue, a
    transport-ish gRPC status (or none: the channel itself failed)."""
    if error.chaincode_error(codes()) is not None:
        return False
    return error.code is None or error.code in TRANSIENT_CODES


def is_read_conflict(error: BaseException) -> bool:
    """Whether ``error`` is a commit invalidated by a read conflict (nothing applied)."""
    return isinstance(error, CommitError) and error.validation_code_name in CONFLICT_CODES


def already_on_ledger(error: GatewayError) -> bool:
    """Whether the endorsers refused because the transaction ID already committed."""
    texts = [str(error), *(d.message for d in error.details)]
    return any(DUPLICATE_MARKER in text for text in texts)


__all__ = [
    "CONFLICT_CODES",
    "CONFLICT_SAFE_FUNCTIONS",
    "DUPLICATE_MARKER",
    "TRANSIENT_CODES",
    "RetryPolicy",
    "TransactionInDoubtError",
    "already_on_ledger",
    "endorsement_is_transient",
    "is_read_conflict",
]
