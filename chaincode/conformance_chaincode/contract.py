"""The conformance contract: each stub operation exposed as a transaction.

Values travel as UTF-8 strings so results compare easily across backends. Private values come
in through the transient map (key ``value``), as real applications must send them; the
contract never returns or logs transient values, only their names.
Imports only :mod:`fabric_chaincode`'s public API.
"""

from __future__ import annotations

from dataclasses import dataclass

from fabric_chaincode import (
    KV,
    ChaincodeError,
    Context,
    Contract,
    ContractChaincode,
    KeyEndorsementPolicy,
    QueryIterator,
    Role,
    evaluate,
    submit,
)


@dataclass(frozen=True)
class Record:
    """One key and its value (UTF-8)."""

    key: str
    value: str


@dataclass(frozen=True)
class Page:
    """One page of a paged query."""

    records: list[Record]
    fetched_records_count: int
    bookmark: str


@dataclass(frozen=True)
class Modification:
    """One history entry."""

    tx_id: str
    value: str
    is_delete: bool
    timestamp_seconds: int


@dataclass(frozen=True)
class InvokeResult:
    """What a called chaincode answered."""

    status: int
    message: str
    payload: str


@dataclass(frozen=True)
class Identity:
    """What the runtime reads from the submitter's certificate."""

    id: str
    msp_id: str
    attributes: dict[str, str]
    organizational_units: list[str]


@dataclass(frozen=True)
class TxInfo:
    """Facts of the running transaction."""

    txid: str
    channel_id: str
    timestamp_seconds: int
    function: str
    parameters: list[str]


def _records(iterator: QueryIterator[KV]) -> list[Record]:
    with iterator:
        return [Record(kv.key, kv.value.decode("utf-8")) for kv in iterator]


def _text(value: bytes | None) -> str:
    return "" if value is None else value.decode("utf-8")


class ConformanceContract(Contract):
    """Every stub operation, one transaction each."""

    name = "conformance"

    # -- world state
    @submit
    def put_state(self, ctx: Context, key: str, value: str) -> None:
        """Write a value."""
        ctx.stub.put_state(key, value.encode("utf-8"))

    @evaluate
    def get_state(self, ctx: Context, key: str) -> str:
        """Read a committed value ("" when missing)."""
        return _text(ctx.stub.get_state(key))

    @submit
    def del_state(self, ctx: Context, key: str) -> None:
        """Delete a key."""
        ctx.stub.del_state(key)

    @submit
    def put_batch(self, ctx: Context, values: dict[str, str]) -> int:
        """Write several values inside a write batch; returns how many."""
        ctx.stub.start_write_batch()
        for key in sorted(values):
            ctx.stub.put_state(key, values[key].encode("utf-8"))
        ctx.stub.finish_write_batch()
        return len(values)

    @evaluate
    def get_multiple(self, ctx: Context, keys: list[str]) -> list[str]:
        """Read several committed values in one call."""
        return [_text(v) for v in ctx.stub.get_multiple_states(keys)]

    @submit
    def read_your_writes(self, ctx: Context, key: str, value: str) -> list[str]:
        """Put then get in one transaction: Fabric returns the committed value."""
        before = _text(ctx.stub.get_state(key))
        ctx.stub.put_state(key, value.encode("utf-8"))
        after = _text(ctx.stub.get_state(key))
        return [before, after]

    @evaluate
    def get_range(self, ctx: Context, start_key: str, end_key: str) -> list[Record]:
        """A range scan."""
        return _records(ctx.stub.get_state_by_range(start_key, end_key))

    @evaluate
    def get_range_page(
        self, ctx: Context, start_key: str, end_key: str, page_size: int, bookmark: str
    ) -> Page:
        """One page of a range scan."""
        iterator, meta = ctx.stub.get_state_by_range_with_pagination(
            start_key, end_key, page_size, bookmark
        )
        return Page(_records(iterator), meta.fetched_records_count, meta.bookmark)

    # -- composite keys
    @submit
    def put_composite(
        self, ctx: Context, object_type: str, attributes: list[str], value: str
    ) -> str:
        """Write under a composite key; returns the key's attributes joined by '/'."""
        key = ctx.stub.create_composite_key(object_type, attributes)
        ctx.stub.put_state(key, value.encode("utf-8"))
        split_type, split_attributes = ctx.stub.split_composite_key(key)
        return "/".join([split_type, *split_attributes])

    @evaluate
    def get_by_partial(self, ctx: Context, object_type: str, attributes: list[str]) -> list[Record]:
        """Scan by partial composite key; keys come back as 'type/attr/...'."""
        out = []
        with ctx.stub.get_state_by_partial_composite_key(object_type, attributes) as iterator:
            for kv in iterator:
                split_type, split_attributes = ctx.stub.split_composite_key(kv.key)
                out.append(Record("/".join([split_type, *split_attributes]), kv.value.decode()))
        return out

    @evaluate
    def get_by_partial_page(
        self, ctx: Context, object_type: str, attributes: list[str], page_size: int, bookmark: str
    ) -> Page:
        """One page of a partial composite key scan (keys returned raw)."""
        iterator, meta = ctx.stub.get_state_by_partial_composite_key_with_pagination(
            object_type, attributes, page_size, bookmark
        )
        return Page(_records(iterator), meta.fetched_records_count, meta.bookmark)

    # -- rich query, history
    @evaluate
    def query(self, ctx: Context, query: str) -> list[Record]:
        """A rich query."""
        return _records(ctx.stub.get_query_result(query))

    @evaluate
    def history(self, ctx: Context, key: str) -> list[Modification]:
        """History of a key."""
        with ctx.stub.get_history_for_key(key) as iterator:
            return [
                Modification(m.tx_id, m.value.decode("utf-8"), m.is_delete, m.timestamp.seconds)
                for m in iterator
            ]

    # -- private data
    @submit
    def put_private(self, ctx: Context, collection: str, key: str) -> None:
        """Write the transient ``value`` as private data."""
        value = ctx.stub.get_transient().get("value")
        if value is None:
            raise ChaincodeError("MISSING_TRANSIENT", "transient field 'value' is required")
        ctx.stub.put_private_data(collection, key, value)

    @evaluate
    def get_private(self, ctx: Context, collection: str, key: str) -> str:
        """Read a private value."""
        return _text(ctx.stub.get_private_data(collection, key))

    @evaluate
    def get_private_hash(self, ctx: Context, collection: str, key: str) -> str:
        """Hex SHA-256 of a private value ("" when missing)."""
        digest = ctx.stub.get_private_data_hash(collection, key)
        return digest.hex() if digest else ""

    @submit
    def del_private(self, ctx: Context, collection: str, key: str) -> None:
        """Delete a private value."""
        ctx.stub.del_private_data(collection, key)

    @submit
    def purge_private(self, ctx: Context, collection: str, key: str) -> None:
        """Purge a private value."""
        ctx.stub.purge_private_data(collection, key)

    @evaluate
    def get_private_range(
        self, ctx: Context, collection: str, start_key: str, end_key: str
    ) -> list[Record]:
        """A private range scan."""
        return _records(ctx.stub.get_private_data_by_range(collection, start_key, end_key))

    @evaluate
    def transient_names(self, ctx: Context) -> list[str]:
        """Names (never values) of the transient fields."""
        return sorted(ctx.stub.get_transient())

    # -- key-level endorsement
    @submit
    def set_endorsers(self, ctx: Context, key: str, msp_ids: list[str]) -> None:
        """Require a peer of each organisation to endorse changes to ``key``."""
        ctx.stub.set_state_validation_parameter(
            key, KeyEndorsementPolicy.of(msp_ids, Role.PEER).policy()
        )

    @evaluate
    def get_endorsers(self, ctx: Context, key: str) -> list[str]:
        """Organisations required by the key-level policy of ``key``."""
        policy = ctx.stub.get_state_validation_parameter(key)
        return KeyEndorsementPolicy(policy).list_orgs() if policy else []

    @submit
    def set_private_endorsers(
        self, ctx: Context, collection: str, key: str, msp_ids: list[str]
    ) -> None:
        """Key-level policy of a private key."""
        policy = KeyEndorsementPolicy.of(msp_ids, Role.PEER).policy()
        ctx.stub.set_private_data_validation_parameter(collection, key, policy)

    @evaluate
    def get_private_endorsers(self, ctx: Context, collection: str, key: str) -> list[str]:
        """Organisations required by the key-level policy of a private key."""
        policy = ctx.stub.get_private_data_validation_parameter(collection, key)
        return KeyEndorsementPolicy(policy).list_orgs() if policy else []

    # -- events, chaincode-to-chaincode, identity, transaction facts
    @submit
    def emit_event(self, ctx: Context, name: str, payload: str) -> None:
        """Set the transaction's event."""
        ctx.stub.set_event(name, payload.encode("utf-8"))

    @submit
    def invoke(
        self, ctx: Context, chaincode_name: str, args: list[str], channel: str
    ) -> InvokeResult:
        """Call another chaincode."""
        response = ctx.stub.invoke_chaincode(
            chaincode_name, [a.encode("utf-8") for a in args], channel
        )
        return InvokeResult(
            response.status, response.message, response.payload.decode("utf-8", "replace")
        )

    @evaluate
    def whoami(self, ctx: Context) -> Identity:
        """The submitter as the runtime reads it."""
        identity = ctx.client_identity
        return Identity(
            id=identity.id,
            msp_id=identity.msp_id,
            attributes=dict(identity.attributes),
            organizational_units=list(identity.organizational_units),
        )

    @evaluate
    def tx_info(self, ctx: Context) -> TxInfo:
        """Transaction ID, channel, timestamp and arguments."""
        function, parameters = ctx.stub.get_function_and_parameters()
        return TxInfo(
            txid=ctx.stub.get_txid(),
            channel_id=ctx.stub.get_channel_id(),
            timestamp_seconds=ctx.stub.get_tx_timestamp().seconds,
            function=function,
            parameters=parameters,
        )

    @evaluate
    def peer_mspid(self, ctx: Context) -> str:
        """The MSP ID of the peer running the chaincode."""
        return ctx.stub.get_mspid()

    # -- errors
    @submit
    def fail(self, ctx: Context, code: str, message: str) -> None:
        """Raise a domain error with the given code."""
        raise ChaincodeError(code, message)

    @submit
    def crash(self, ctx: Context, secret: str) -> None:
        """Raise an unexpected exception whose text quotes an argument (must not be logged)."""
        raise RuntimeError(f"unexpected failure with {secret}")


chaincode = ContractChaincode([ConformanceContract()], title="conformance", version="1.0")
