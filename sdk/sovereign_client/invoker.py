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
    the MSP ID of the identity the contract's Gateway signs with."""

    def __init__(
        self,
        contract: Contract,
        *,
        endorsing_organizations: Sequence[str] | None = None,
        msp_id: str | None = None,
    ) -> None:
        self._contract = contract
        self._endorsers = list(endorsing_organizations) if endorsing_organizations else None
        self._msp_id = msp_id or _signing_msp(contract)

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
        try:
            return self._contract.submit(
                function,
                arguments=list(arguments),
                transient_data=dict(transient) if transient else None,
                endorsing_organizations=endorsers,
            )
        except GatewayError as exc:
            raise_for(exc)

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
