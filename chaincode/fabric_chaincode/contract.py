"""The contract API: named contracts of typed, explicitly marked transactions.

Owns :class:`Contract` (namespace ``name:Function``, hooks, custom context), the ``@submit``
and ``@evaluate`` decorators, :class:`Context`, and :class:`ContractChaincode`, which routes a
stub's arguments to a transaction, parses them by annotation, serializes the result and maps
errors: :class:`~fabric_chaincode.errors.ChaincodeError` -> status 500 ``"<CODE>: <message>"``;
anything unexpected -> the generic ``INTERNAL`` 500 and one log line (txid, no values).
It also answers ``org.hyperledger.fabric:GetMetadata`` in the fabric contract-api JSON shape.
Imports no gRPC and no protobuf.
"""

from __future__ import annotations

import enum
import inspect
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from fabric_chaincode import serialization
from fabric_chaincode.chaincode import internal_error
from fabric_chaincode.errors import (
    ChaincodeError,
    InvalidArgumentError,
    UnknownFunctionError,
    runtime_code,
)
from fabric_chaincode.identity import ClientIdentity
from fabric_chaincode.stub_api import Stub
from fabric_chaincode.types import Response, error, success

METADATA_FUNCTION = "org.hyperledger.fabric:GetMetadata"
SYSTEM_CONTRACT = "org.hyperledger.fabric"
SCHEMA_URL = "https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json"

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__fabric_transaction__"


class TransactionKind(enum.Enum):
    """Whether a transaction writes (submit) or only reads (evaluate)."""

    SUBMIT = "SUBMIT"
    EVALUATE = "EVALUATE"


@dataclass(frozen=True)
class _Mark:
    kind: TransactionKind
    name: str | None


def _decorator(kind: TransactionKind, fn: F | None, name: str | None) -> Any:
    def mark(target: F) -> F:
        setattr(target, _MARK, _Mark(kind, name))
        return target

    return mark(fn) if fn is not None else mark


@typing.overload
def submit(fn: F) -> F: ...
@typing.overload
def submit(*, name: str | None = None) -> Callable[[F], F]: ...
def submit(fn: F | None = None, *, name: str | None = None) -> Any:
    """Mark a contract method as a submit transaction (``name`` overrides the method name)."""
    return _decorator(TransactionKind.SUBMIT, fn, name)


@typing.overload
def evaluate(fn: F) -> F: ...
@typing.overload
def evaluate(*, name: str | None = None) -> Callable[[F], F]: ...
def evaluate(fn: F | None = None, *, name: str | None = None) -> Any:
    """Mark a contract method as an evaluate (read-only) transaction."""
    return _decorator(TransactionKind.EVALUATE, fn, name)


class Context:
    """What a transaction receives first: the stub and, lazily, the client identity.

    Subclass it and override :meth:`Contract.create_context` to add your own helpers.
    """

    def __init__(self, stub: Stub) -> None:
        self.stub = stub
        self._identity: ClientIdentity | None = None

    @property
    def client_identity(self) -> ClientIdentity:
        """The submitter (parsed from the creator on first use)."""
        if self._identity is None:
            self._identity = ClientIdentity.from_stub(self.stub)
        return self._identity

    @property
    def txid(self) -> str:
        """The transaction ID."""
        return self.stub.get_txid()


class Contract:
    """Base class of contracts; mark transactions with ``@submit`` / ``@evaluate``.

    Every transaction method takes the context first, then annotated parameters::

        class HoldingContract(Contract):
            name = "holding"

            @submit
            def transfer(self, ctx: Context, instrument: str, amount: int) -> None: ...
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    version: ClassVar[str] = "latest"

    def contract_name(self) -> str:
        """The namespace (``name`` or, when empty, the class name)."""
        return self.name or type(self).__name__

    def create_context(self, stub: Stub) -> Context:
        """The context handed to hooks and transactions; override to use a subclass."""
        return Context(stub)

    def before_transaction(self, ctx: Context) -> None:
        """Runs before every transaction of this contract."""

    def after_transaction(self, ctx: Context, result: object) -> None:
        """Runs after every successful transaction of this contract."""

    def unknown_transaction(self, ctx: Context, function: str) -> object:
        """Runs when the function is not a transaction of this contract; raises by default."""
        raise UnknownFunctionError(
            f"contract {self.contract_name()!r} has no transaction {function!r}"
        )

    def translate_error(self, error: Exception) -> ChaincodeError | None:
        """Give an exception a transaction raised a stable code (None: it was unexpected).

        Contracts whose business rules raise their own exception types override this so
        those reach the client as ``"<CODE>: <message>"`` rather than ``INTERNAL``.
        """
        del error
        return None


@dataclass(frozen=True)
class _Parameter:
    name: str
    type: Any


@dataclass(frozen=True)
class _Transaction:
    name: str
    kind: TransactionKind
    method_name: str
    parameters: tuple[_Parameter, ...]
    returns: Any


def _collect(contract: Contract) -> dict[str, _Transaction]:
    transactions: dict[str, _Transaction] = {}
    for attr_name, member in inspect.getmembers(type(contract), inspect.isfunction):
        mark = getattr(member, _MARK, None)
        if not isinstance(mark, _Mark):
            continue
        hints = typing.get_type_hints(member)
        params = list(inspect.signature(member).parameters.values())
        if len(params) < 2:
            raise TypeError(f"{attr_name}: a transaction takes (self, ctx, ...)")
        parameters = []
        for param in params[2:]:
            if param.kind not in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
                raise TypeError(f"{attr_name}: only positional parameters are supported")
            if param.name not in hints:
                raise TypeError(f"{attr_name}: parameter {param.name!r} needs a type annotation")
            tp = hints[param.name]
            serialization.json_schema(tp, {})  # fails early on unsupported types
            parameters.append(_Parameter(param.name, tp))
        returns = hints.get("return", type(None))
        serialization.json_schema(returns, {})
        name = mark.name or attr_name
        if name in transactions:
            raise TypeError(f"transaction {name!r} defined twice")
        transactions[name] = _Transaction(name, mark.kind, attr_name, tuple(parameters), returns)
    return transactions


class ContractChaincode:
    """Runs contracts as a :class:`fabric_chaincode.Chaincode`.

    The function name is ``contract:Function``; a name without a namespace goes to the default
    contract (the first one, or the one named ``default``).
    """

    def __init__(
        self,
        contracts: Contract | Sequence[Contract],
        *,
        default: str | None = None,
        title: str = "",
        version: str = "latest",
    ) -> None:
        items = [contracts] if isinstance(contracts, Contract) else list(contracts)
        if not items:
            raise ValueError("at least one contract is required")
        self._contracts: dict[str, Contract] = {}
        self._transactions: dict[str, dict[str, _Transaction]] = {}
        for contract in items:
            name = contract.contract_name()
            if ":" in name or name == SYSTEM_CONTRACT:
                raise ValueError(f"invalid contract name {name!r}")
            if name in self._contracts:
                raise ValueError(f"contract {name!r} registered twice")
            self._contracts[name] = contract
            self._transactions[name] = _collect(contract)
        self._default = default or items[0].contract_name()
        if self._default not in self._contracts:
            raise ValueError(f"default contract {self._default!r} is not registered")
        self._title = title or self._default
        self._version = version
        self._metadata = serialization.dumps(self.metadata())

    # -- Chaincode
    def init(self, stub: Stub) -> Response:
        """INIT is routed like any transaction (an empty call succeeds)."""
        if not stub.get_args():
            return success()
        return self.invoke(stub)

    def invoke(self, stub: Stub) -> Response:
        """Route, parse, run, serialize; never raises."""
        txid = stub.get_txid()
        try:
            args = stub.get_args()
            if not args:
                raise UnknownFunctionError("no function name given")
            try:
                function = args[0].decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidArgumentError("function name is not valid UTF-8") from exc
            if function == METADATA_FUNCTION:
                return success(self._metadata)
            namespace, _, name = function.rpartition(":")
            contract = self._contracts.get(namespace or self._default)
            if contract is None:
                raise UnknownFunctionError(f"no contract named {namespace!r}")
            return success(self._run(contract, name, args[1:], stub))
        except ChaincodeError as exc:
            return error(str(exc))
        except Exception as exc:  # the boundary between contract and peer
            code = runtime_code(exc)
            if code is None:
                return internal_error(txid, exc)
            return error(f"{code}: {exc}")

    def _run(self, contract: Contract, name: str, raw_args: Sequence[bytes], stub: Stub) -> bytes:
        ctx = contract.create_context(stub)
        transaction = self._transactions[contract.contract_name()].get(name)
        if transaction is None:
            return serialization.serialize_result(contract.unknown_transaction(ctx, name))
        if len(raw_args) != len(transaction.parameters):
            raise InvalidArgumentError(
                f"{name} expects {len(transaction.parameters)} argument(s), got {len(raw_args)}"
            )
        values = [
            serialization.parse_argument(p.type, raw, p.name)
            for p, raw in zip(transaction.parameters, raw_args, strict=True)
        ]
        contract.before_transaction(ctx)
        try:
            result = getattr(contract, transaction.method_name)(ctx, *values)
        except ChaincodeError:
            raise
        except Exception as exc:
            coded = contract.translate_error(exc)
            if coded is None:
                raise
            raise coded from None
        contract.after_transaction(ctx, result)
        return serialization.serialize_result(result)

    # -- metadata
    def metadata(self) -> dict[str, object]:
        """The contract metadata document (fabric contract-api JSON schema shape)."""
        components: dict[str, object] = {}
        contracts: dict[str, object] = {}
        for name, contract in self._contracts.items():
            transactions = []
            for tx in sorted(self._transactions[name].values(), key=lambda t: t.name):
                entry: dict[str, object] = {
                    "name": tx.name,
                    "tag": [tx.kind.value, tx.kind.value.lower()],
                    "parameters": [
                        {"name": p.name, "schema": serialization.json_schema(p.type, components)}
                        for p in tx.parameters
                    ],
                }
                if tx.returns is not type(None) and tx.returns is not None:
                    entry["returns"] = serialization.json_schema(tx.returns, components)
                transactions.append(entry)
            contracts[name] = {
                "name": name,
                "info": {"title": contract.title or name, "version": contract.version},
                "transactions": transactions,
                "default": name == self._default,
            }
        return {
            "$schema": SCHEMA_URL,
            "info": {"title": self._title, "version": self._version},
            "contracts": contracts,
            "components": {"schemas": components},
        }
