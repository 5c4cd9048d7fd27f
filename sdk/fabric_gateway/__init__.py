"""Python client for the Hyperledger Fabric Gateway API.

Mirrors the official ``fabric-gateway`` clients (Go ``pkg/client``, Node ``node/src``):
``connect(client=channel, identity=..., signer=...)`` -> ``Gateway`` -> ``get_network(name)``
-> ``get_contract(chaincode, contract_name=None)``; evaluate, submit, submit_async, or the full
``new_proposal -> endorse -> submit -> status`` flow; offline signing of every signed step;
chaincode and block events with checkpointing. ``connect_async`` gives the same API on ``grpc.aio``.

The application creates (and closes) the gRPC channel; this package reads no environment and no
files (except a ``FileCheckpointer`` path it is given).
"""

from . import hashes
from ._core import CallTimeouts, request_nonce
from .aio import (
    AsyncBlockEventsRequest,
    AsyncChaincodeEventsRequest,
    AsyncCloseableIterator,
    AsyncCommit,
    AsyncContract,
    AsyncGateway,
    AsyncNetwork,
    AsyncProposal,
    AsyncSubmittedTransaction,
    AsyncTransaction,
    connect_async,
)
from .blocks import decode_block, decode_transaction, validation_code_name
from .checkpoint import Checkpoint, Checkpointer, FileCheckpointer, InMemoryCheckpointer
from .client import (
    BlockEventsRequest,
    ChaincodeEventsRequest,
    CloseableIterator,
    Commit,
    Contract,
    Gateway,
    Network,
    Proposal,
    SubmittedTransaction,
    Transaction,
    connect,
)
from .errors import (
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    GatewayError,
    SignerMissingError,
    SubmitError,
    parse_chaincode_error,
)
from .hashes import Hash
from .identity import Identity, X509Identity
from .models import (
    Block,
    BlockAndPrivateData,
    BlockTransaction,
    ChaincodeEvent,
    FilteredBlock,
    FilteredTransaction,
    KVRead,
    KVWrite,
    NamespaceReadWriteSet,
    PrivateWrite,
    Status,
)
from .signing import (
    ECDSASigner,
    Ed25519Signer,
    Signer,
    load_certificate_pem,
    load_private_key_pem,
    new_private_key_signer,
    tls_certificate_hash,
)

__all__ = [
    "AsyncBlockEventsRequest",
    "AsyncChaincodeEventsRequest",
    "AsyncCloseableIterator",
    "AsyncCommit",
    "AsyncContract",
    "AsyncGateway",
    "AsyncNetwork",
    "AsyncProposal",
    "AsyncSubmittedTransaction",
    "AsyncTransaction",
    "Block",
    "BlockAndPrivateData",
    "BlockEventsRequest",
    "BlockTransaction",
    "CallTimeouts",
    "ChaincodeEvent",
    "ChaincodeEventsRequest",
    "Checkpoint",
    "Checkpointer",
    "CloseableIterator",
    "Commit",
    "CommitError",
    "CommitStatusError",
    "Contract",
    "ECDSASigner",
    "Ed25519Signer",
    "EndorseError",
    "ErrorDetail",
    "FileCheckpointer",
    "FilteredBlock",
    "FilteredTransaction",
    "Gateway",
    "GatewayError",
    "Hash",
    "Identity",
    "InMemoryCheckpointer",
    "KVRead",
    "KVWrite",
    "NamespaceReadWriteSet",
    "Network",
    "PrivateWrite",
    "Proposal",
    "Signer",
    "SignerMissingError",
    "Status",
    "SubmitError",
    "SubmittedTransaction",
    "Transaction",
    "X509Identity",
    "connect",
    "connect_async",
    "decode_block",
    "decode_transaction",
    "hashes",
    "load_certificate_pem",
    "load_private_key_pem",
    "new_private_key_signer",
    "parse_chaincode_error",
    "request_nonce",
    "tls_certificate_hash",
    "validation_code_name",
]
