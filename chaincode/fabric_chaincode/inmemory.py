"""The test doubles' former module, kept so that existing imports work.

The in-memory ledger and stub live in :mod:`fabric_chaincode.testing`, apart from the
runtime's API (as fabric-chaincode-go keeps its doubles in ``shimtest``); import them from
there.
"""

from fabric_chaincode.testing import (
    IMPLICIT_COLLECTION_PREFIX,
    CollectionDefinition,
    InMemoryLedger,
    InMemoryStub,
    Simulation,
    TransactionResult,
    commit_transaction,
    creator_bytes,
    run_transaction,
    simulate_transaction,
)

__all__ = [
    "IMPLICIT_COLLECTION_PREFIX",
    "CollectionDefinition",
    "InMemoryLedger",
    "InMemoryStub",
    "Simulation",
    "TransactionResult",
    "commit_transaction",
    "creator_bytes",
    "run_transaction",
    "simulate_transaction",
]
