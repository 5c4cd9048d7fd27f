"""A typed client for the sovereign asset contracts, over the Fabric Gateway client.

``SovereignClient(GatewayInvoker(contract))`` exposes every transaction with the schema's
dataclasses (``sovereign_assets.schema``); refusals raise one exception class per error
code (:mod:`sovereign_client.errors`); :func:`watch` follows ledger events with
checkpoints.
"""

from sovereign_client import errors
from sovereign_client.client import (
    Accounts,
    Auctions,
    Cash,
    Governance,
    Holdings,
    Instruments,
    Investors,
    Lifecycle,
    Settlements,
    SovereignClient,
)
from sovereign_client.consistency import CommitFence, FenceTimeoutError
from sovereign_client.errors import RefusedError, SovereignError
from sovereign_client.events import LedgerEvent, watch
from sovereign_client.invoker import GatewayInvoker, Invoker
from sovereign_client.retry import RetryPolicy, TransactionInDoubtError

__all__ = [
    "Accounts",
    "Auctions",
    "Cash",
    "CommitFence",
    "FenceTimeoutError",
    "GatewayInvoker",
    "Governance",
    "Holdings",
    "Instruments",
    "Investors",
    "Invoker",
    "LedgerEvent",
    "Lifecycle",
    "RefusedError",
    "RetryPolicy",
    "Settlements",
    "SovereignClient",
    "SovereignError",
    "TransactionInDoubtError",
    "errors",
    "watch",
]
