"""The projection's tables (SQLAlchemy Core), portable across SQL databases.

Owns :data:`metadata` and one :class:`~sqlalchemy.Table` per read model. Amounts are
integers in minor units (``BigInteger``); rates, yields and prices are exact decimal
strings as the ledger wrote them (never floats); instants are ISO 8601 UTC strings
(``2026-11-29T10:15:00.123456+00:00``, which sort as text), business dates ISO dates.

Must not import: the web framework, the Gateway client or the chaincode.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

SCHEMA_VERSION = "2"
"""Version of these tables; a database made by another version is rebuilt from block 0."""

meta = Table(
    "explorer_meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=True),
)
"""Key/value facts: the checkpoint (``next_block``, ``last_transaction``), the schema
version, the chaincode followed, the market's time zone and business-date shift."""

blocks = Table(
    "blocks",
    metadata,
    Column("number", BigInteger, primary_key=True, autoincrement=False),
    Column("data_hash", String(64), nullable=False),
    Column("transactions", Integer, nullable=False),
    Column("valid", Integer, nullable=False),
    Column("first_at", String(40), nullable=True),
    Column("last_at", String(40), nullable=True),
)

transactions = Table(
    "transactions",
    metadata,
    Column("block_number", BigInteger, primary_key=True, autoincrement=False),
    Column("tx_index", Integer, primary_key=True, autoincrement=False),
    Column("transaction_id", String(64), nullable=False, index=True),
    Column("header_type", String(40), nullable=False),
    Column("at", String(40), nullable=True),
    Column("creator_msp_id", String(100), nullable=False),
    Column("validation_code", Integer, nullable=False),
    Column("validation_code_name", String(60), nullable=False),
    Column("function_name", String(100), nullable=True),
    Column("endorser_msp_ids", String(400), nullable=False),
    Column("event_name", String(100), nullable=True),
)

instruments = Table(
    "instruments",
    metadata,
    Column("instrument_id", String(64), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("paused", Boolean, nullable=False),
    Column("matured", Boolean, nullable=False),
    Column("issue_date", String(10), nullable=True),
    Column("maturity_date", String(10), nullable=True),
    Column("tenor_days", Integer, nullable=True),
    Column("frequency", Integer, nullable=False),
    Column("day_count", String(20), nullable=True),
    Column("coupon_rate", String(40), nullable=True),
    Column("rental_rate", String(40), nullable=True),
    Column("margin_bps", Integer, nullable=True),
    Column("min_denomination", BigInteger, nullable=False),
    Column("issued", BigInteger, nullable=False),
    Column("redeemed", BigInteger, nullable=False),
    Column("periods_paid", Integer, nullable=False),
    Column("created_on", String(10), nullable=True),
)

supply_history = Table(
    "supply_history",
    metadata,
    Column("block_number", BigInteger, primary_key=True, autoincrement=False),
    Column("tx_index", Integer, primary_key=True, autoincrement=False),
    Column("instrument_id", String(64), primary_key=True),
    Column("at", String(40), nullable=True),
    Column("issued", BigInteger, nullable=False),
    Column("redeemed", BigInteger, nullable=False),
)
"""Each committed change of an instrument's issued or redeemed amount."""

holdings = Table(
    "holdings",
    metadata,
    Column("instrument_id", String(64), primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("amount", BigInteger, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("tier", String(20), nullable=False),
    Column("controller", String(200), nullable=False),
    Column("parent_account_id", String(64), nullable=True),
    Column("frozen", Boolean, nullable=False),
)
"""Accounts without their legal owner (an investor id is never projected)."""

cash_balances = Table(
    "cash_balances",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("amount", BigInteger, nullable=False),
)

settlements = Table(
    "settlements",
    metadata,
    Column("instruction_id", String(64), primary_key=True),
    Column("instrument_id", String(64), nullable=False, index=True),
    Column("seller_account", String(64), nullable=False),
    Column("buyer_account", String(64), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("price_per_100", String(40), nullable=False),
    Column("cash_amount", BigInteger, nullable=False),
    Column("trade_date", String(10), nullable=True),
    Column("settlement_date", String(10), nullable=True),
    Column("state", String(20), nullable=False),
    Column("instructed_at", String(40), nullable=True),
    Column("instructed_block", BigInteger, nullable=False),
    Column("final_at", String(40), nullable=True),
    Column("final_block", BigInteger, nullable=True),
)
"""DvP instructions: ``instructed_at`` is the timestamp of the transaction that first
wrote the instruction, ``final_at`` of the one that settled or cancelled it."""

settlement_failures = Table(
    "settlement_failures",
    metadata,
    Column("transaction_id", String(64), primary_key=True),
    Column("instruction_id", String(64), nullable=False, index=True),
    Column("block_number", BigInteger, nullable=False),
    Column("at", String(40), nullable=True),
    Column("function_name", String(100), nullable=True),
    Column("validation_code_name", String(60), nullable=False),
)
"""Settlement transactions the committing peers invalidated (e.g. MVCC_READ_CONFLICT):
ordered, in a block, and without effect."""

payment_runs = Table(
    "payment_runs",
    metadata,
    Column("instrument_id", String(64), primary_key=True),
    Column("run_id", String(40), primary_key=True),
    Column("done", Boolean, nullable=False),
    Column("paid", Integer, nullable=False),
    Column("gross", BigInteger, nullable=False),
    Column("tax", BigInteger, nullable=False),
    Column("net", BigInteger, nullable=False),
    Column("retired", BigInteger, nullable=False),
)

schedules = Table(
    "schedules",
    metadata,
    Column("instrument_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False),
    Column("period_id", String(40), nullable=False),
    Column("payment_date", String(10), nullable=False),
)
"""Cash flows still to come as the ledger's ``instrument:Schedule`` query answered when
the instrument (or governance) last changed."""

auction_results = Table(
    "auction_results",
    metadata,
    Column("tenor_days", Integer, primary_key=True, autoincrement=False),
    Column("auction_date", String(10), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("instrument_id", String(64), primary_key=True),
    Column("auction_id", String(64), nullable=True),
    Column("basis", String(10), nullable=True),
    Column("cut_off_yield", String(40), nullable=True),
    Column("cut_off_margin", String(40), nullable=True),
    Column("weighted_average_yield", String(40), nullable=True),
    Column("cut_off_price", String(40), nullable=True),
    Column("offered", BigInteger, nullable=True),
    Column("accepted", BigInteger, nullable=True),
    Column("all_bids_rejected", Boolean, nullable=False),
    Column("block_number", BigInteger, nullable=False),
)
"""One auction result per tenor, date, source and instrument: ``source`` is the record
type that published it - ``auction`` (a primary auction's cut-off on this ledger: levels
in its ``basis``, offered and accepted face) or ``billAuction`` (a result the central bank
recorded: the weighted-average yield only; ``instrument_id`` is ``""``). Fields a source
does not carry stay null; yields and margins are exact decimal strings (margins in basis
points)."""

rates = Table(
    "rates",
    metadata,
    Column("series", String(80), primary_key=True),
    Column("on_date", String(10), primary_key=True),
    Column("rate", String(40), nullable=False),
)
"""Yield series for the chart: ``PKRV 91d``, ``fixing PK...`` (fractions, exact)."""
