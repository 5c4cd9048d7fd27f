"""How the typed client reaches the chaincode: a small, pluggable seam.

:class:`Invoker` is what :class:`~sovereign_client.SovereignClient` needs: submit or
evaluate one named transaction with string arguments. :class:`GatewayInvoker` is the
real one, over a Fabric Gateway ``Contract``; tests and tools may supply another (for
example one that runs the contracts in memory). Typed errors are raised here, once.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from fabric_gateway import (
    CommitError,
    CommitStatusError,
    Contract,
    EndorseError,
    GatewayError,
    Status,
    SubmitError,
    request_nonce,
)
from fabric_gateway.client import Transaction
from sovereign_client.consistency import CommitFence
from sovereign_client.errors import raise_for
from sovereign_client.retry import (
    RetryPolicy,
    TransactionInDoubtError,
    already_on_ledger,
    endorsement_is_transient,
    is_read_conflict,
)


class Invoker(Protocol):
    """Runs ``contract:Function`` transactions; a refusal raises
    :class:`~sovereign_client.errors.RefusedError`."""

    def submit(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None = None,
        *,
        own_org_only: bool = False,
    ) -> bytes:
        """Endorse, order and wait for the commit; the chaincode's result.

        ``own_org_only``: only the caller's organisation's peers endorse, so the transient
        data reaches no other organisation (a write to the caller's own private data
        collection, whose endorsement policy is that organisation alone)."""
        ...

    def evaluate(self, function: str, arguments: Sequence[str]) -> bytes:
        """Run on one peer without ordering; the chaincode's result."""
        ...


class GatewayInvoker:
    """An :class:`Invoker` over a Fabric Gateway contract (the chaincode, no contract name).

    ``msp_id`` is the caller's organisation, for ``own_org_only`` submissions; by default
    the MSP ID of the identity the contract's Gateway signs with. ``fence``: after each
    commit, wait until every peer of the fence has the block, so that the next call,
    through any of them, sees this one's writes (see :mod:`sovereign_client.consistency`).
    ``retry``: retry the steps of a submit that are safe to retry, as
    :mod:`sovereign_client.retry` describes (without it a submit is tried once, except
    that the functions of ``RetryPolicy().conflict_retry`` - sealed bids, auction
    settlement batches - are submitted again after a read conflict).
    """

    def __init__(
        self,
        contract: Contract,
        *,
        endorsing_organizations: Sequence[str] | None = None,
        msp_id: str | None = None,
        fence: CommitFence | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._contract = contract
        self._endorsers = list(endorsing_organizations) if endorsing_organizations else None
        self._msp_id = msp_id or _signing_msp(contract)
        self._fence = fence
        self._retry = retry

    def for_request(self, request_id: str) -> Invoker:
        """This invoker with the client request ID ``request_id``: its first submit is the
        transaction of that ID, a second one (a method that submits twice) of
        ``request_id#2`` and so on. Retried, even by another process, it never applies
        twice (see :mod:`sovereign_client.retry`)."""
        return _RequestScope(self, request_id)

    def transaction_id_for(self, request_id: str) -> str:
        """The transaction ID the request ``request_id`` has when this identity submits it."""
        probe = self._contract.new_proposal("", nonce=request_nonce(request_id))
        return probe.transaction_id

    def status_of_request(self, request_id: str, *, timeout: float = 5.0) -> Status | None:
        """The commit status of client request ``request_id``, or None if it has not committed
        within ``timeout`` seconds: how a client resolves a request it lost track of."""
        return self.status_of(self.transaction_id_for(request_id), timeout=timeout)

    def status_of(self, transaction_id: str, *, timeout: float = 5.0) -> Status | None:
        """The commit status of ``transaction_id`` (None: not committed within ``timeout``)."""
        contract = self._contract
        commit = contract.gateway.new_commit_status_request(contract.channel_name, transaction_id)
        try:
            return commit.status(timeout=timeout)
        except CommitStatusError:
            return None

    def submit(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None = None,
        *,
        own_org_only: bool = False,
        request_id: str | None = None,
    ) -> bytes:
        policy = self._retry or RetryPolicy()
        if function not in policy.conflict_retry:
            return self._submit_once(function, arguments, transient, own_org_only, request_id)
        for attempt, delay in enumerate((*policy.conflict_delays, None)):
            scoped = request_id
            if request_id is not None and attempt:
                scoped = f"{request_id}~conflict{attempt}"
            try:
                return self._submit_once(function, arguments, transient, own_org_only, scoped)
            except CommitError as exc:
                if delay is None or not is_read_conflict(exc):
                    raise
                # Invalidated: nothing applied; the chaincode decides afresh on new state.
                policy.notify("conflict", exc.transaction_id or "", exc)
                time.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _submit_once(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None,
        own_org_only: bool,
        request_id: str | None,
    ) -> bytes:
        endorsers = self._endorsers
        if own_org_only:
            if not self._msp_id:  # never let discovery pick: it could choose another org
                raise ValueError(f"{function}: the caller's MSP ID is unknown; pass msp_id")
            endorsers = [self._msp_id]
        transient_data = dict(transient) if transient else None
        if self._retry is not None or request_id is not None:
            result, status = self._submit_retrying(
                function, arguments, transient_data, endorsers, request_id
            )
            if self._fence is not None:
                self._fence.reached(status.block_number)
            return result
        try:
            if self._fence is None:
                return self._contract.submit(
                    function,
                    arguments=list(arguments),
                    transient_data=transient_data,
                    endorsing_organizations=endorsers,
                )
            submitted = self._contract.submit_async(
                function,
                arguments=list(arguments),
                transient_data=transient_data,
                endorsing_organizations=endorsers,
            )
            status = submitted.status().raise_for_status()
        except GatewayError as exc:
            raise_for(exc)
        self._fence.reached(status.block_number)
        return submitted.result

    def evaluate(self, function: str, arguments: Sequence[str]) -> bytes:
        try:
            return self._contract.evaluate(function, arguments=list(arguments))
        except GatewayError as exc:
            raise_for(exc)

    def _submit_retrying(
        self,
        function: str,
        arguments: Sequence[str],
        transient_data: dict[str, bytes] | None,
        endorsers: list[str] | None,
        request_id: str | None,
    ) -> tuple[bytes, Status]:
        """Endorse, submit and await the commit, retrying only what is safe (see retry)."""
        policy = self._retry or RetryPolicy()
        proposal = self._contract.new_proposal(
            function,
            arguments=list(arguments),
            transient_data=transient_data,
            endorsing_organizations=endorsers,
            nonce=request_nonce(request_id) if request_id else None,
        )
        transaction_id = proposal.transaction_id
        transaction: Transaction | None = None
        for delay in (*policy.endorse_delays, None):
            try:
                transaction = proposal.endorse()
                break
            except EndorseError as exc:
                if request_id is not None and already_on_ledger(exc):
                    return self._committed_before(transaction_id, request_id, policy)
                if delay is None or not endorsement_is_transient(exc):
                    raise_for(exc)
                policy.notify("endorse", transaction_id, exc)
                time.sleep(delay)
        assert transaction is not None
        last: Exception | None = None
        for round_number in range(policy.commit_rounds):
            if round_number:
                time.sleep(policy.round_delay)
            try:
                # The same signed envelope every round: one transaction ID, one commit at most.
                submitted = transaction.submit()
            except SubmitError as exc:
                last = exc
                policy.notify("submit", transaction_id, exc)
                # It may have reached an orderer all the same: ask before sending again.
                known = self.status_of(transaction_id, timeout=policy.lookup_timeout)
                if known is None:
                    continue
                return transaction.result, _valid(known)
            try:
                status = submitted.status(timeout=policy.commit_timeout)
            except CommitStatusError as exc:
                last = exc
                policy.notify("commit-status", transaction_id, exc)
                continue
            return transaction.result, _valid(status)
        raise TransactionInDoubtError(transaction_id, request_id, last)

    def _committed_before(
        self, transaction_id: str, request_id: str, policy: RetryPolicy
    ) -> tuple[bytes, Status]:
        """An earlier attempt of the request committed: its status and its result, read from
        its block (not this attempt's, which was never endorsed)."""
        status = self.status_of(transaction_id, timeout=policy.commit_timeout)
        if status is None:
            raise TransactionInDoubtError(transaction_id, request_id, None)
        status = _valid(status)
        return self._result_in_block(transaction_id, status.block_number), status

    def _result_in_block(self, transaction_id: str, block_number: int) -> bytes:
        network = self._contract.gateway.get_network(self._contract.channel_name)
        with network.get_block_events(start_block=block_number) as blocks:
            block = next(iter(blocks))
        for tx in block.transactions:
            if tx.transaction_id == transaction_id and tx.valid:
                return tx.result
        raise TransactionInDoubtError(transaction_id, None, None)


class _RequestScope:
    """An :class:`Invoker` whose submits carry client request IDs derived from one."""

    def __init__(self, invoker: GatewayInvoker, request_id: str) -> None:
        self._invoker = invoker
        self._request_id = request_id
        self._submits = 0

    def submit(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None = None,
        *,
        own_org_only: bool = False,
    ) -> bytes:
        self._submits += 1
        suffix = f"#{self._submits}" if self._submits > 1 else ""
        return self._invoker.submit(
            function,
            arguments,
            transient,
            own_org_only=own_org_only,
            request_id=f"{self._request_id}{suffix}",
        )

    def evaluate(self, function: str, arguments: Sequence[str]) -> bytes:
        return self._invoker.evaluate(function, arguments)


def _valid(status: Status) -> Status:
    """``status`` if the transaction committed valid; else its final ``CommitError``."""
    return status.raise_for_status()


def _signing_msp(contract: Contract) -> str | None:
    """The MSP ID the contract's Gateway signs as (None for a stand-in contract)."""
    gateway = getattr(contract, "_gateway", None)
    identity = getattr(gateway, "identity", None)
    msp_id = getattr(identity, "msp_id", None)
    return msp_id if isinstance(msp_id, str) and msp_id else None
