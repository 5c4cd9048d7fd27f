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
    ) -> bytes:
        """Endorse, order and wait for the commit; the chaincode's result."""
        ...

    def evaluate(self, function: str, arguments: Sequence[str]) -> bytes:
        """Run on one peer without ordering; the chaincode's result."""
        ...


class GatewayInvoker:
    """An :class:`Invoker` over a Fabric Gateway contract (the chaincode, no contract name)."""

    def __init__(
        self, contract: Contract, *, endorsing_organizations: Sequence[str] | None = None
    ) -> None:
        self._contract = contract
        self._endorsers = list(endorsing_organizations) if endorsing_organizations else None

    def submit(
        self,
        function: str,
        arguments: Sequence[str],
        transient: Mapping[str, bytes] | None = None,
    ) -> bytes:
        try:
            return self._contract.submit(
                function,
                arguments=list(arguments),
                transient_data=dict(transient) if transient else None,
                endorsing_organizations=self._endorsers,
            )
        except GatewayError as exc:
            raise_for(exc)

    def evaluate(self, function: str, arguments: Sequence[str]) -> bytes:
        try:
            return self._contract.evaluate(function, arguments=list(arguments))
        except GatewayError as exc:
            raise_for(exc)
