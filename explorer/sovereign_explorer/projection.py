"""The ledger, projected block by block into SQL read models.

Owns :class:`Projection` (apply one decoded block in one database transaction, the
checkpoint included), :class:`SqlCheckpointer` (the SDK's ``Checkpointer`` protocol over
the same database) and :func:`open_engine`.

Why the checkpoint lives in the projection's database rather than in a
``FileCheckpointer``: a block's rows and the position after it must change together.
With two stores a crash between them would either lose the block or count it twice;
in one SQL transaction the database holds both or neither. A block at or below the
checkpoint is skipped, so a replayed block is never counted twice.

What is projected: the public write sets of *valid* transactions of the followed
chaincode (the documents its contracts store: instruments, holdings, accounts, cash,
settlement instructions, payment runs, auction results, PKRV quotes, governance), and
every block and transaction header (validation code, creator and endorsing orgs,
function). Investor records and private data are never read: the public write set
carries only hashes of private collections.

Must not import: the web framework or the chaincode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

import ledger_codec
from fabric_gateway import Block, BlockTransaction, ChaincodeEvent, KVWrite

from . import schema as t

COMPOSITE_PREFIX = "\x00"
HOLDING_PREFIX = "holding/"
SETTLEMENT_DOC = "settlementInstruction"
FINAL_SETTLEMENT_STATES = frozenset({"SETTLED", "CANCELLED"})


@dataclass(frozen=True)
class Flow:
    """A scheduled cash flow: ``kind`` (COUPON, RENTAL, REDEMPTION), ``period_id`` and
    ``payment_date`` (ISO date)."""

    kind: str
    period_id: str
    payment_date: str


ScheduleSource = Callable[[str], Sequence[Flow]]
"""The ledger's schedule of an instrument (``instrument:Schedule``); raises on failure."""


def open_engine(url: str) -> Engine:
    """An engine for ``url`` with the tables created; SQLite files use WAL so pages read
    while the follower writes."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: object) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    with engine.begin() as conn:
        t.metadata.create_all(conn)
        version = _meta(conn, "schema_version")
        if version is None:
            _set_meta(conn, "schema_version", t.SCHEMA_VERSION)
    if version not in (None, t.SCHEMA_VERSION):
        # Another layout: the projection is derived data, so rebuild it from block 0.
        with engine.begin() as conn:
            t.metadata.drop_all(conn)
            t.metadata.create_all(conn)
            _set_meta(conn, "schema_version", t.SCHEMA_VERSION)
    return engine


def _meta(conn: Connection, name: str) -> str | None:
    row = conn.execute(sa.select(t.meta.c.value).where(t.meta.c.name == name)).first()
    return None if row is None else row[0]


def _set_meta(conn: Connection, name: str, value: str | None) -> None:
    _upsert(conn, t.meta, {"name": name}, {"value": value})


def _upsert(
    conn: Connection, table: sa.Table, key: Mapping[str, object], values: Mapping[str, object]
) -> None:
    """Insert or update one row by primary key (portable: no dialect-specific upsert)."""
    where = sa.and_(*(table.c[name] == value for name, value in key.items()))
    updated = conn.execute(sa.update(table).where(where).values(**values))
    if updated.rowcount == 0:
        conn.execute(sa.insert(table).values(**key, **values))


def _delete(conn: Connection, table: sa.Table, key: Mapping[str, object]) -> None:
    where = sa.and_(*(table.c[name] == value for name, value in key.items()))
    conn.execute(sa.delete(table).where(where))


def _instant(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="microseconds")


def _text(value: object) -> str | None:
    """A decimal as the exact string the ledger wrote (canonical JSON keeps them as
    strings; a number is accepted too, never through float)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a rate cannot be a boolean")
    return str(Decimal(str(value)))


class SqlCheckpointer:
    """The SDK's ``Checkpointer`` protocol, kept in the projection's database.

    ``block_number`` is the next block to read (0 for an empty database, so a new
    projection starts at the genesis block rather than at the next commit).
    :meth:`Projection.apply` advances it in the block's own transaction; the
    ``checkpoint_*`` methods are for callers that project in some other way.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def block_number(self) -> int | None:
        """The next block to read."""
        with self._engine.connect() as conn:
            value = _meta(conn, "next_block")
        return 0 if value is None else int(value)

    @property
    def transaction_id(self) -> str | None:
        """The last transaction processed in :attr:`block_number`, if any."""
        with self._engine.connect() as conn:
            return _meta(conn, "last_transaction")

    def checkpoint_block(self, block_number: int) -> None:
        """Block ``block_number`` is done: resume at the next one."""
        with self._engine.begin() as conn:
            _set_checkpoint(conn, block_number + 1, None)

    def checkpoint_transaction(self, block_number: int, transaction_id: str) -> None:
        """``transaction_id`` of ``block_number`` is done."""
        with self._engine.begin() as conn:
            _set_checkpoint(conn, block_number, transaction_id)

    def checkpoint_chaincode_event(self, event: ChaincodeEvent) -> None:
        """The transaction that emitted ``event`` is done."""
        self.checkpoint_transaction(event.block_number, event.transaction_id)


def _set_checkpoint(conn: Connection, next_block: int, transaction_id: str | None) -> None:
    _set_meta(conn, "next_block", str(next_block))
    _set_meta(conn, "last_transaction", transaction_id)


class GapError(RuntimeError):
    """A block arrived beyond the checkpoint: an earlier one would be lost."""


@dataclass(frozen=True)
class Applied:
    """What applying one block did: its number, and whether it was new."""

    number: int
    new: bool


class Projection:
    """Applies decoded blocks of one channel to the read models of ``engine``.

    ``chaincode``: the namespace whose documents are projected (the sovereign asset
    chaincode's name on this channel). ``schedule_of``: asked for an instrument's
    schedule when its document or governance changes.
    """

    def __init__(
        self, engine: Engine, chaincode: str, schedule_of: ScheduleSource | None = None
    ) -> None:
        self.engine = engine
        self.chaincode = chaincode
        self._schedule_of = schedule_of
        self.checkpointer = SqlCheckpointer(engine)

    @property
    def next_block(self) -> int:
        """The next block this projection needs (0 when empty)."""
        return self.checkpointer.block_number or 0

    def apply(self, block: Block) -> Applied:
        """Project ``block`` and advance the checkpoint past it, all or nothing.

        A block below the checkpoint was applied before and is skipped; one above it
        raises :class:`GapError`. Schedules are fetched before the database
        transaction opens, so a failing query leaves the block to be applied again.
        """
        expected = self.next_block
        if block.number < expected:
            return Applied(block.number, new=False)
        if block.number > expected:
            raise GapError(f"block {block.number} arrived, block {expected} expected")
        projected = [tx for tx in block.transactions if self._projected(tx)]
        flows = self._schedules(projected)
        with self.engine.begin() as conn:
            self._apply(conn, block, projected, flows)
            _set_checkpoint(conn, block.number + 1, None)
        return Applied(block.number, new=True)

    def _projected(self, tx: BlockTransaction) -> bool:
        return tx.valid and tx.header_type == "ENDORSER_TRANSACTION"

    def _writes(self, tx: BlockTransaction) -> Iterable[KVWrite]:
        for rwset in tx.read_write_sets:
            if rwset.namespace == self.chaincode:
                yield from rwset.writes

    def _schedules(self, projected: Sequence[BlockTransaction]) -> dict[str, Sequence[Flow]]:
        if self._schedule_of is None:
            return {}
        touched: set[str] = set()
        governance_changed = False
        for tx in projected:
            for write in self._writes(tx):
                document = _document(write)
                if document is None:
                    continue
                if document.get("docType") == "instrument":
                    touched.add(str(document["spec"]["instrument_id"]))
                elif document.get("docType") == "governance":
                    governance_changed = True
        if governance_changed:
            with self.engine.connect() as conn:
                touched.update(conn.execute(sa.select(t.instruments.c.instrument_id)).scalars())
        return {instrument: self._schedule_of(instrument) for instrument in sorted(touched)}

    def _apply(
        self,
        conn: Connection,
        block: Block,
        projected: Sequence[BlockTransaction],
        flows: Mapping[str, Sequence[Flow]],
    ) -> None:
        stamps = [tx.timestamp for tx in block.transactions if tx.timestamp is not None]
        conn.execute(
            sa.insert(t.blocks).values(
                number=block.number,
                data_hash=block.data_hash.hex(),
                transactions=len(block.transactions),
                valid=sum(1 for tx in block.transactions if tx.valid),
                first_at=_instant(min(stamps)) if stamps else None,
                last_at=_instant(max(stamps)) if stamps else None,
            )
        )
        for tx in block.transactions:
            events = [e.event_name for e in tx.chaincode_events]
            conn.execute(
                sa.insert(t.transactions).values(
                    block_number=block.number,
                    tx_index=tx.index,
                    transaction_id=tx.transaction_id,
                    header_type=tx.header_type,
                    at=_instant(tx.timestamp),
                    creator_msp_id=tx.creator_msp_id,
                    validation_code=tx.validation_code,
                    validation_code_name=tx.validation_code_name,
                    function_name=tx.function_name,
                    endorser_msp_ids=",".join(tx.endorser_msp_ids),
                    event_name=events[0] if events else None,
                )
            )
            if not tx.valid:
                self._record_failure(conn, block.number, tx)
        for tx in projected:
            for write in self._writes(tx):
                self._project_write(conn, block.number, tx, write)
        for instrument_id, schedule in flows.items():
            _delete(conn, t.schedules, {"instrument_id": instrument_id})
            for seq, flow in enumerate(schedule):
                conn.execute(
                    sa.insert(t.schedules).values(
                        instrument_id=instrument_id,
                        seq=seq,
                        kind=flow.kind,
                        period_id=flow.period_id,
                        payment_date=flow.payment_date,
                    )
                )

    def _record_failure(self, conn: Connection, number: int, tx: BlockTransaction) -> None:
        """An invalidated transaction that would have changed a settlement instruction."""
        for write in self._writes(tx):
            document = _document(write)
            if document is None or document.get("docType") != SETTLEMENT_DOC:
                continue
            _upsert(
                conn,
                t.settlement_failures,
                {"transaction_id": tx.transaction_id},
                {
                    "instruction_id": str(document["instruction_id"]),
                    "block_number": number,
                    "at": _instant(tx.timestamp),
                    "function_name": tx.function_name,
                    "validation_code_name": tx.validation_code_name,
                },
            )
            return

    def _project_write(
        self, conn: Connection, number: int, tx: BlockTransaction, write: KVWrite
    ) -> None:
        if write.is_delete:
            self._project_delete(conn, write.key)
            return
        document = _document(write)
        if document is None:
            return
        handler = _HANDLERS.get(str(document.get("docType")))
        if handler is not None:
            handler(conn, document, number, tx)

    def _project_delete(self, conn: Connection, key: str) -> None:
        if key.startswith(HOLDING_PREFIX):
            instrument_id, _, account_id = key[len(HOLDING_PREFIX) :].partition("/")
            _delete(conn, t.holdings, {"instrument_id": instrument_id, "account_id": account_id})
            return
        parts = key.split("\x00")
        if key.startswith(COMPOSITE_PREFIX) and len(parts) >= 3 and parts[1] == "cash":
            _delete(conn, t.cash_balances, {"account_id": parts[2]})


def _document(write: KVWrite) -> dict[str, Any] | None:
    """The JSON document of a write (decimals stay the exact text the ledger wrote);
    ``None`` for anything else."""
    if write.is_delete or not write.value.startswith(b"{"):
        return None
    try:
        value = ledger_codec.loads(write.value)  # the ledger's own strict reading
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


_Handler = Callable[[Connection, dict[str, Any], int, BlockTransaction], None]


def _instrument(conn: Connection, doc: dict[str, Any], number: int, tx: BlockTransaction) -> None:
    spec = doc["spec"]
    instrument_id = str(spec["instrument_id"])
    issued, redeemed = int(doc["issued"]), int(doc["redeemed"])
    before = conn.execute(
        sa.select(t.instruments.c.issued, t.instruments.c.redeemed).where(
            t.instruments.c.instrument_id == instrument_id
        )
    ).first()
    _upsert(
        conn,
        t.instruments,
        {"instrument_id": instrument_id},
        {
            "kind": str(spec["kind"]),
            "status": str(doc["status"]),
            "paused": bool(doc.get("paused", False)),
            "matured": bool(doc.get("matured", False)),
            "issue_date": spec.get("issue_date"),
            "maturity_date": spec.get("maturity_date"),
            "tenor_days": spec.get("tenor_days"),
            "frequency": int(spec.get("frequency") or 0),
            "day_count": spec.get("day_count"),
            "coupon_rate": _text(spec.get("coupon_rate")),
            "rental_rate": _text(spec.get("rental_rate")),
            # A margin applies to a floating rate only (the spec defaults it to 0).
            "margin_bps": spec.get("margin_bps") if spec.get("benchmark_tenor_days") else None,
            "min_denomination": int(spec["min_denomination"]),
            "issued": issued,
            "redeemed": redeemed,
            "periods_paid": int(doc.get("periods_paid") or 0),
            "created_on": doc.get("created_on") or None,
        },
    )
    if before is None or (before.issued, before.redeemed) != (issued, redeemed):
        conn.execute(
            sa.insert(t.supply_history).values(
                block_number=number,
                tx_index=tx.index,
                instrument_id=instrument_id,
                at=_instant(tx.timestamp),
                issued=issued,
                redeemed=redeemed,
            )
        )
    for period_id, rate in sorted((doc.get("fixings") or {}).items()):
        _upsert(
            conn,
            t.rates,
            {"series": f"fixing {instrument_id}", "on_date": str(period_id)[:10]},
            {"rate": _text(rate)},
        )


def _holding(conn: Connection, doc: dict[str, Any], _number: int, _tx: BlockTransaction) -> None:
    _upsert(
        conn,
        t.holdings,
        {"instrument_id": str(doc["instrument_id"]), "account_id": str(doc["account_id"])},
        {"amount": int(doc["amount"])},
    )


def _cash(conn: Connection, doc: dict[str, Any], _number: int, _tx: BlockTransaction) -> None:
    _upsert(
        conn,
        t.cash_balances,
        {"account_id": str(doc["account_id"])},
        {"amount": int(doc["amount"])},
    )


def _cash_supply(
    conn: Connection, doc: dict[str, Any], _number: int, _tx: BlockTransaction
) -> None:
    _set_meta(conn, "cash_minted", str(int(doc["minted"])))
    _set_meta(conn, "cash_burned", str(int(doc["burned"])))


def _account(conn: Connection, doc: dict[str, Any], _number: int, _tx: BlockTransaction) -> None:
    _upsert(
        conn,
        t.accounts,
        {"account_id": str(doc["account_id"])},
        {
            "tier": str(doc["tier"]),
            "controller": str(doc["controller"]),
            "parent_account_id": doc.get("parent_account_id"),
            "frozen": bool(doc.get("frozen", False)),
        },
    )


def _settlement(conn: Connection, doc: dict[str, Any], number: int, tx: BlockTransaction) -> None:
    instruction_id = str(doc["instruction_id"])
    state = str(doc["state"])
    before = conn.execute(
        sa.select(t.settlements.c.final_at).where(t.settlements.c.instruction_id == instruction_id)
    ).first()
    values: dict[str, object] = {
        "instrument_id": str(doc["instrument_id"]),
        "seller_account": str(doc["seller_account"]),
        "buyer_account": str(doc["buyer_account"]),
        "quantity": int(doc["quantity"]),
        "price_per_100": _text(doc["price_per_100"]),
        "cash_amount": int(doc["cash_amount"]),
        "trade_date": doc.get("trade_date"),
        "settlement_date": doc.get("settlement_date"),
        "state": state,
    }
    if before is None:
        values.update(instructed_at=_instant(tx.timestamp), instructed_block=number)
    if state in FINAL_SETTLEMENT_STATES and (before is None or before.final_at is None):
        values.update(final_at=_instant(tx.timestamp), final_block=number)
    _upsert(conn, t.settlements, {"instruction_id": instruction_id}, values)


def _payment_run(
    conn: Connection, doc: dict[str, Any], _number: int, _tx: BlockTransaction
) -> None:
    _upsert(
        conn,
        t.payment_runs,
        {"instrument_id": str(doc["instrument_id"]), "run_id": str(doc["run_id"])},
        {
            "done": bool(doc["done"]),
            "paid": int(doc["paid"]),
            "gross": int(doc["gross"]),
            "tax": int(doc["tax"]),
            "net": int(doc["net"]),
            "retired": int(doc["retired"]),
        },
    )


def _bill_auction(
    conn: Connection, doc: dict[str, Any], number: int, _tx: BlockTransaction
) -> None:
    _upsert(
        conn,
        t.auction_results,
        {
            "tenor_days": int(doc["tenor_days"]),
            "auction_date": str(doc["auction_date"]),
            "source": "billAuction",
            "instrument_id": "",
        },
        {
            "basis": "YIELD",
            "weighted_average_yield": _text(doc.get("weighted_average_yield")),
            "all_bids_rejected": bool(doc.get("all_bids_rejected", False)),
            "block_number": number,
        },
    )


def _tenor_days(conn: Connection, instrument_id: str) -> int:
    """An instrument's tenor: a bill's stated tenor, else issue to maturity in days."""
    row = conn.execute(
        sa.select(
            t.instruments.c.tenor_days, t.instruments.c.issue_date, t.instruments.c.maturity_date
        ).where(t.instruments.c.instrument_id == instrument_id)
    ).first()
    if row is None:
        return 0
    if row.tenor_days:
        return int(row.tenor_days)
    if row.issue_date and row.maturity_date:
        return (date.fromisoformat(row.maturity_date) - date.fromisoformat(row.issue_date)).days
    return 0


def _primary_auction(
    conn: Connection, doc: dict[str, Any], number: int, _tx: BlockTransaction
) -> None:
    """A primary auction's published results, one row per tenor once it is cut off (the
    results name no bid and no bidder)."""
    basis = str(doc.get("bid_basis") or "")
    for result in doc.get("results") or []:
        instrument_id = str(result["instrument_id"])
        cutoff = _text(result.get("cutoff"))
        way = _text(result.get("weighted_average_yield"))
        _upsert(
            conn,
            t.auction_results,
            {
                "tenor_days": _tenor_days(conn, instrument_id),
                "auction_date": str(doc["auction_date"]),
                "source": "auction",
                "instrument_id": instrument_id,
            },
            {
                "auction_id": str(doc["auction_id"]),
                "basis": basis,
                "cut_off_yield": cutoff if basis == "YIELD" else None,
                "cut_off_margin": cutoff if basis == "MARGIN" else None,
                # For a MARGIN auction the weighted average is a margin, not a yield.
                "weighted_average_yield": None if basis == "MARGIN" else way,
                "cut_off_price": _text(result.get("cutoff_price")),
                "offered": int(result.get("competitive_offered") or 0)
                + int(result.get("non_competitive_offered") or 0),
                "accepted": int(result.get("accepted") or 0),
                "all_bids_rejected": bool(result.get("rejected", False)),
                "block_number": number,
            },
        )


def _pkrv(conn: Connection, doc: dict[str, Any], _number: int, _tx: BlockTransaction) -> None:
    _upsert(
        conn,
        t.rates,
        {"series": f"PKRV {int(doc['tenor_days'])}d", "on_date": str(doc["quote_date"])},
        {"rate": _text(doc["rate"])},
    )


def _governance(conn: Connection, doc: dict[str, Any], _number: int, _tx: BlockTransaction) -> None:
    config = doc["config"]
    _set_meta(conn, "utc_offset_minutes", str(int(config.get("utc_offset_minutes") or 0)))
    # Which MSPs hold the regulator's and the exchange's roles: the member views
    # apply the chaincode's read rule with them (see access.py).
    _set_meta(conn, "org_roles", ledger_codec.dumps(config.get("org_roles") or {}).decode())


def _business_day(
    conn: Connection, doc: dict[str, Any], _number: int, _tx: BlockTransaction
) -> None:
    # The business date is ledger state the central bank opens; the projection keeps it.
    _set_meta(conn, "business_date", str(doc["business_date"]))


_HANDLERS: dict[str, _Handler] = {
    "instrument": _instrument,
    "holding": _holding,
    "cash": _cash,
    "cashSupply": _cash_supply,
    "account": _account,
    SETTLEMENT_DOC: _settlement,
    "paymentRun": _payment_run,
    "billAuction": _bill_auction,
    "auction": _primary_auction,
    "pkrvQuote": _pkrv,
    "governance": _governance,
    "businessDay": _business_day,
}
"""``docType`` -> how it is projected. Another record that publishes auction results adds
a handler writing ``auction_results`` under its own ``source``; ``investor``, ``claim``,
``barRelease`` and the auctions' allotments are not projected (sealed bids never reach
a public write set)."""


def meta_value(conn: Connection, name: str) -> str | None:
    """One fact of ``explorer_meta`` (see :data:`schema.meta`)."""
    return _meta(conn, name)
