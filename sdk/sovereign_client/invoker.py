"""How the typed client reaches the chaincode: a small, pluggable seam.

:class:`Invoker` is what :class:`~sovereign_client.SovereignClient` needs: submit or
evaluate one named transaction with string arguments. :class:`GatewayInvoker` is the
real one, over a Fabric Gateway ``Contract``; tests and tools may supply another (for
example one that runs the contracts in memory). Typed errors are raised here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from fabric_gateway import Contract, GatewayError
from sovereign_client.consistency import CommitFence
from sovereign_client.errors import raise_for


class Invoker(Protocol):
    """Runs ``contract:Function`` transactions; raises :class:`SovereignError` on refusal."""

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
    """

    def __init__(
        self,
        contract: Contract,
        *,
        endorsing_organizations: Sequence[str] | None = None,
        msp_id: str | None = None,
        fence: CommitFence | None = None,
    ) -> None:
        self._contract = contract
        self._endorsers = list(endorsing_organizations) if endorsing_organizations else None
        self._msp_id = msp_id or _signing_msp(contract)
        self._fence = fence

    def submit(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None = None,
        *,
        own_org_only: bool = False,
    ) -> bytes:
        endorsers = self._endorsers
        if own_org_only:
            if not self._msp_id:  # never let discovery pick: it could choose another org
                raise ValueError(f"{function}: the caller's MSP ID is unknown; pass msp_id")
            endorsers = [self._msp_id]
        transient_data = dict(transient) if transient else None
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


def _signing_msp(contract: Contract) -> str | None:
    """The MSP ID the contract's Gateway signs as (None for a stand-in contract)."""
    gateway = getattr(contract, "_gateway", None)
    identity = getattr(gateway, "identity", None)
    msp_id = getattr(identity, "msp_id", None)
    return msp_id if isinstance(msp_id, str) and msp_id else None
