"""fabric_chaincode: a Python chaincode runtime for Hyperledger Fabric (chaincode-as-a-service).

What contract authors import lives here; the machinery (protocol state machine, session,
gRPC server, protobuf codec) stays in its modules. Start a chaincode with::

    python -m fabric_chaincode serve --chaincode package.module:attribute

Importing this package configures no logging and starts nothing.
"""

from fabric_chaincode.chaincode import Chaincode
from fabric_chaincode.config import ServerConfig, TlsConfig
from fabric_chaincode.contract import (
    Context,
    Contract,
    ContractChaincode,
    TransactionKind,
    evaluate,
    submit,
)
from fabric_chaincode.errors import (
    ChaincodeError,
    CompositeKeyError,
    ConfigError,
    ConnectionClosedError,
    FabricChaincodeError,
    IdentityError,
    InvalidArgumentError,
    PayloadTooLargeError,
    PeerError,
    PeerTimeoutError,
    ProtocolError,
    RuntimeCode,
    StubError,
    UnknownFunctionError,
)
from fabric_chaincode.identity import ClientIdentity
from fabric_chaincode.keys import create_composite_key, split_composite_key
from fabric_chaincode.serialization import dumps as canonical_json
from fabric_chaincode.serialization import loads as parse_json
from fabric_chaincode.statebased import KeyEndorsementPolicy, Role
from fabric_chaincode.stub_api import QueryIterator, Stub
from fabric_chaincode.testing import (
    InMemoryLedger,
    InMemoryStub,
    Simulation,
    TransactionResult,
    commit_transaction,
    creator_bytes,
    run_transaction,
    simulate_transaction,
)
from fabric_chaincode.types import (
    KV,
    ChaincodeEvent,
    KeyModification,
    QueryResponseMetadata,
    Response,
    SignedProposal,
    Timestamp,
    error,
    success,
)

__all__ = [
    "KV",
    "Chaincode",
    "ChaincodeError",
    "ChaincodeEvent",
    "ClientIdentity",
    "CompositeKeyError",
    "ConfigError",
    "ConnectionClosedError",
    "Context",
    "Contract",
    "ContractChaincode",
    "FabricChaincodeError",
    "IdentityError",
    "InMemoryLedger",
    "InMemoryStub",
    "InvalidArgumentError",
    "KeyEndorsementPolicy",
    "KeyModification",
    "PayloadTooLargeError",
    "PeerError",
    "PeerTimeoutError",
    "ProtocolError",
    "QueryIterator",
    "QueryResponseMetadata",
    "Response",
    "Role",
    "RuntimeCode",
    "ServerConfig",
    "SignedProposal",
    "Simulation",
    "Stub",
    "StubError",
    "Timestamp",
    "TlsConfig",
    "TransactionKind",
    "TransactionResult",
    "UnknownFunctionError",
    "canonical_json",
    "commit_transaction",
    "create_composite_key",
    "creator_bytes",
    "error",
    "evaluate",
    "parse_json",
    "run_transaction",
    "simulate_transaction",
    "split_composite_key",
    "submit",
    "success",
]
