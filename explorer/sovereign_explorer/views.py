"""Read models for the pages: what the public and members see, from the projection.

Owns one function per view, each taking a connection (and, where rows are account-level,
the :class:`~.access.Member` or ``None`` for the public) and returning frozen dataclasses
of plain values. Public functions never select an account column; member-only rows are
built only when a member is given (see :mod:`.access` for the rule).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledger_codec import loads_unique

from . import schema as t
from .access import Member
from .projection import meta_value


def _micros_between(start: str | None, end: str | None) -> int | None:
    if start is None or end is None:
        return None
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return delta // timedelta(microseconds=1)


def business_today(conn: Connection, now: datetime | None = None) -> date:
    """The market's business date: the one the central bank last opened on the ledger;
    before any, today by ``now`` (UTC) in the governance's time zone."""
    opened = meta_value(conn, "business_date")
    if opened:
        return date.fromisoformat(opened)
    offset = int(meta_value(conn, "utc_offset_minutes") or 0)
    moment = (now or datetime.now(UTC)) + timedelta(minutes=offset)
    return moment.date()


@dataclass(frozen=True)
class Status:
    """How far the projection has got."""

    height: int
    transactions: int
    last_at: str | None
    business_date: date


def status(conn: Connection) -> Status:
    height = int(meta_value(conn, "next_block") or 0)
    count = conn.execute(sa.select(sa.func.count()).select_from(t.transactions)).scalar_one()
    last = conn.execute(sa.select(sa.func.max(t.blocks.c.last_at))).scalar_one()
    return Status(height, int(count), last, business_today(conn))


@dataclass(frozen=True)
class InstrumentRow:
    """One instrument: terms, supply (minor units) and holders."""

    instrument_id: str
    kind: str
    status: str
    paused: bool
    issue_date: str | None
    maturity_date: str | None
    tenor_days: int | None
    frequency: int
    day_count: str | None
    coupon_rate: str | None
    rental_rate: str | None
    margin_bps: int | None
    min_denomination: int
    issued: int
    redeemed: int
    holders: int
    next_payment: str | None
    next_payment_kind: str | None

    @property
    def outstanding(self) -> int:
        return self.issued - self.redeemed


def instruments(
    conn: Connection, instrument_id: str | None = None, *, today: date | None = None
) -> list[InstrumentRow]:
    """Every instrument (or one), by id, with its holder count and next payment date:
    the first scheduled flow on or after the business date (``today``, by default the
    market's business date now) whose payment run is not done."""
    day = (today or business_today(conn)).isoformat()
    holders = {
        str(r[0]): int(r[1])
        for r in conn.execute(
            sa.select(t.holdings.c.instrument_id, sa.func.count())
            .where(t.holdings.c.amount > 0)
            .group_by(t.holdings.c.instrument_id)
        )
    }
    done = {
        (r.instrument_id, r.run_id)
        for r in conn.execute(
            sa.select(t.payment_runs.c.instrument_id, t.payment_runs.c.run_id).where(
                t.payment_runs.c.done
            )
        )
    }
    upcoming: dict[str, tuple[str, str]] = {}
    for flow in conn.execute(
        sa.select(t.schedules)
        .where(t.schedules.c.payment_date >= day)
        .order_by(t.schedules.c.instrument_id, t.schedules.c.payment_date, t.schedules.c.seq)
    ):
        run_id = "MATURITY" if flow.kind == "REDEMPTION" else flow.period_id
        if flow.instrument_id in upcoming or (flow.instrument_id, run_id) in done:
            continue
        upcoming[flow.instrument_id] = (flow.payment_date, flow.kind)
    query = sa.select(t.instruments).order_by(t.instruments.c.instrument_id)
    if instrument_id is not None:
        query = query.where(t.instruments.c.instrument_id == instrument_id)
    rows = []
    for r in conn.execute(query):
        matured = r.matured or r.status == "MATURED"
        next_date, next_kind = (
            (None, None) if matured else upcoming.get(r.instrument_id, (None, None))
        )
        rows.append(
            InstrumentRow(
                r.instrument_id,
                r.kind,
                r.status,
                r.paused,
                r.issue_date,
                r.maturity_date,
                r.tenor_days,
                r.frequency,
                r.day_count,
                r.coupon_rate,
                r.rental_rate,
                r.margin_bps,
                r.min_denomination,
                r.issued,
                r.redeemed,
                int(holders.get(r.instrument_id, 0)),
                next_date,
                next_kind,
            )
        )
    return rows


@dataclass(frozen=True)
class HolderRow:
    """Member view: one account's holding of an instrument."""

    account_id: str
    tier: str | None
    amount: int
    yours: bool


def holders(conn: Connection, instrument_id: str, member: Member) -> list[HolderRow]:
    """The holders of an instrument, largest first (``holding:ByInstrument``)."""
    rows = conn.execute(
        sa.select(t.holdings.c.account_id, t.holdings.c.amount, t.accounts.c.tier)
        .select_from(
            t.holdings.outerjoin(t.accounts, t.holdings.c.account_id == t.accounts.c.account_id)
        )
        .where(t.holdings.c.instrument_id == instrument_id, t.holdings.c.amount > 0)
        .order_by(t.holdings.c.amount.desc(), t.holdings.c.account_id)
    )
    mine = _controlled(conn, member)
    everything = _holds_role(conn, member, "registrar", "registrar")
    return [
        HolderRow(r.account_id, r.tier, r.amount, r.account_id in mine)
        for r in rows
        if everything or r.account_id in mine
    ]


def _controlled(conn: Connection, member: Member) -> set[str]:
    """Accounts ``member`` controls, directly or as the parent account's controller."""
    rows = conn.execute(
        sa.select(t.accounts.c.account_id, t.accounts.c.controller, t.accounts.c.parent_account_id)
    ).all()
    direct = {r.account_id for r in rows if r.controller == member.controller_id}
    return direct | {r.account_id for r in rows if r.parent_account_id in direct}


def _holds_role(conn: Connection, member: Member, org_role: str, cert_role: str) -> bool:
    """Whether ``member`` is of an MSP governance gives ``org_role`` and carries the
    certificate role ``cert_role`` (the regulator: registrar; the exchange:
    exchange_operator)."""
    raw = meta_value(conn, "org_roles")
    roles = loads_unique(raw) if raw else {}
    return member.role == cert_role and member.msp_id in roles.get(org_role, ())


@dataclass(frozen=True)
class SettlementSummary:
    """Public view: settlement per instrument, no account in sight."""

    instrument_id: str
    settled: int
    face_settled: int
    cash_settled: int
    average_price: Decimal | None
    """Face-weighted average clean price per 100 of the settled trades."""
    median_to_finality: int | None
    slowest_to_finality: int | None
    """Microseconds from the instruction's transaction to the settling one."""
    open: int
    cancelled: int
    failed: int


@dataclass(frozen=True)
class TradeRow:
    """Member view: one DvP instruction."""

    instruction_id: str
    instrument_id: str
    seller_account: str
    buyer_account: str
    quantity: int
    price_per_100: str
    cash_amount: int
    state: str
    instructed_at: str | None
    final_at: str | None
    to_finality: int | None
    failed_attempts: int
    yours: bool


def settlement_summary(conn: Connection) -> list[SettlementSummary]:
    failures: dict[str, int] = defaultdict(int)
    for row in conn.execute(
        sa.select(t.settlements.c.instrument_id, sa.func.count())
        .select_from(
            t.settlement_failures.join(
                t.settlements,
                t.settlement_failures.c.instruction_id == t.settlements.c.instruction_id,
            )
        )
        .group_by(t.settlements.c.instrument_id)
    ):
        failures[row[0]] = int(row[1])
    grouped: dict[str, list[sa.Row[tuple[object, ...]]]] = defaultdict(list)
    for row in conn.execute(sa.select(t.settlements).order_by(t.settlements.c.instruction_id)):
        grouped[row.instrument_id].append(row)
    result = []
    for instrument_id in sorted(set(grouped) | set(failures)):
        trades = grouped.get(instrument_id, [])
        settled = [r for r in trades if r.state == "SETTLED"]
        face = sum(int(r.quantity) for r in settled)
        weighted = sum((Decimal(r.price_per_100) * int(r.quantity) for r in settled), Decimal(0))
        times = sorted(
            m for r in settled if (m := _micros_between(r.instructed_at, r.final_at)) is not None
        )
        result.append(
            SettlementSummary(
                instrument_id,
                len(settled),
                face,
                sum(int(r.cash_amount) for r in settled),
                weighted / face if face else None,
                times[(len(times) - 1) // 2] if times else None,
                times[-1] if times else None,
                sum(1 for r in trades if r.state not in ("SETTLED", "CANCELLED")),
                sum(1 for r in trades if r.state == "CANCELLED"),
                failures.get(instrument_id, 0),
            )
        )
    return result


def trades(conn: Connection, member: Member, limit: int = 200) -> list[TradeRow]:
    """Member view: instructions, newest first (``settlement:List``)."""
    failed = {
        str(r[0]): int(r[1])
        for r in conn.execute(
            sa.select(t.settlement_failures.c.instruction_id, sa.func.count()).group_by(
                t.settlement_failures.c.instruction_id
            )
        )
    }
    mine = _controlled(conn, member)
    everything = _holds_role(conn, member, "registrar", "registrar") or _holds_role(
        conn, member, "exchange", "exchange_operator"
    )
    rows = conn.execute(
        sa.select(t.settlements)
        .order_by(t.settlements.c.instructed_block.desc(), t.settlements.c.instruction_id.desc())
        .limit(limit)
    )
    return [
        TradeRow(
            r.instruction_id,
            r.instrument_id,
            r.seller_account,
            r.buyer_account,
            r.quantity,
            r.price_per_100,
            r.cash_amount,
            r.state,
            r.instructed_at,
            r.final_at,
            _micros_between(r.instructed_at, r.final_at),
            int(failed.get(r.instruction_id, 0)),
            r.seller_account in mine or r.buyer_account in mine,
        )
        for r in rows
        if everything or r.seller_account in mine or r.buyer_account in mine
    ]


@dataclass(frozen=True)
class DailySettlement:
    """Public view: settled trades and cash per settlement date."""

    day: str
    settled: int
    cash: int


def settlement_by_day(conn: Connection) -> list[DailySettlement]:
    rows = conn.execute(
        sa.select(
            t.settlements.c.settlement_date,
            sa.func.count(),
            sa.func.sum(t.settlements.c.cash_amount),
        )
        .where(t.settlements.c.state == "SETTLED")
        .group_by(t.settlements.c.settlement_date)
        .order_by(t.settlements.c.settlement_date.desc())
    )
    return [DailySettlement(str(r[0]), int(r[1]), int(r[2] or 0)) for r in rows]


@dataclass(frozen=True)
class AuctionRow:
    """One auction result; fields its source does not publish are ``None``."""

    tenor_days: int
    auction_date: str
    source: str
    instrument_id: str | None
    auction_id: str | None
    basis: str | None
    cut_off_yield: str | None
    cut_off_margin: str | None
    weighted_average_yield: str | None
    cut_off_price: str | None
    offered: int | None
    accepted: int | None
    all_bids_rejected: bool


def auctions(conn: Connection) -> dict[int, list[AuctionRow]]:
    """Auction results per tenor (ascending), newest first within a tenor."""
    result: dict[int, list[AuctionRow]] = {}
    for r in conn.execute(
        sa.select(t.auction_results).order_by(
            t.auction_results.c.tenor_days,
            t.auction_results.c.auction_date.desc(),
            t.auction_results.c.source,
            t.auction_results.c.instrument_id,
        )
    ):
        result.setdefault(r.tenor_days, []).append(
            AuctionRow(
                r.tenor_days,
                r.auction_date,
                r.source,
                r.instrument_id or None,
                r.auction_id,
                r.basis,
                r.cut_off_yield,
                r.cut_off_margin,
                r.weighted_average_yield,
                r.cut_off_price,
                r.offered,
                r.accepted,
                r.all_bids_rejected,
            )
        )
    return result


@dataclass(frozen=True)
class BlockRow:
    number: int
    transactions: int
    valid: int
    data_hash: str
    last_at: str | None


@dataclass(frozen=True)
class TransactionRow:
    block_number: int
    tx_index: int
    transaction_id: str
    header_type: str
    at: str | None
    creator_msp_id: str
    validation_code_name: str
    function_name: str | None
    endorser_msp_ids: list[str]
    event_name: str | None


def latest_blocks(conn: Connection, limit: int = 15) -> list[BlockRow]:
    rows = conn.execute(sa.select(t.blocks).order_by(t.blocks.c.number.desc()).limit(limit))
    return [BlockRow(r.number, r.transactions, r.valid, r.data_hash, r.last_at) for r in rows]


def latest_transactions(conn: Connection, limit: int = 30) -> list[TransactionRow]:
    """The latest transactions: ids, creator and endorsing orgs (MSP IDs, never the
    certificates), validation code, function and event names."""
    rows = conn.execute(
        sa.select(t.transactions)
        .order_by(t.transactions.c.block_number.desc(), t.transactions.c.tx_index.desc())
        .limit(limit)
    )
    return [
        TransactionRow(
            r.block_number,
            r.tx_index,
            r.transaction_id,
            r.header_type,
            r.at,
            r.creator_msp_id,
            r.validation_code_name,
            r.function_name,
            [m for m in r.endorser_msp_ids.split(",") if m],
            r.event_name,
        )
        for r in rows
    ]


def validation_counts(conn: Connection) -> list[tuple[str, int]]:
    """Transactions per validation code, most frequent first."""
    rows = conn.execute(
        sa.select(t.transactions.c.validation_code_name, sa.func.count())
        .group_by(t.transactions.c.validation_code_name)
        .order_by(sa.func.count().desc())
    )
    return [(str(r[0]), int(r[1])) for r in rows]


@dataclass(frozen=True)
class Point:
    at: str
    value: Decimal


def outstanding_series(conn: Connection) -> dict[str, list[Point]]:
    """Outstanding face (minor units) of each instrument after each change."""
    series: dict[str, list[Point]] = {}
    for r in conn.execute(
        sa.select(t.supply_history).order_by(
            t.supply_history.c.block_number, t.supply_history.c.tx_index
        )
    ):
        if r.at is None:
            continue
        series.setdefault(r.instrument_id, []).append(Point(r.at, Decimal(r.issued - r.redeemed)))
    return series


def yield_series(conn: Connection) -> dict[str, list[Point]]:
    """Yields and rates over time (fractions): auction weighted-average yields per tenor,
    PKRV quotes and floating-rate fixings."""
    series: dict[str, list[Point]] = {}
    for r in conn.execute(sa.select(t.auction_results).order_by(t.auction_results.c.auction_date)):
        value = r.weighted_average_yield or r.cut_off_yield
        if value is not None:
            series.setdefault(f"auction {r.tenor_days}d", []).append(
                Point(r.auction_date, Decimal(value))
            )
    for r in conn.execute(sa.select(t.rates).order_by(t.rates.c.series, t.rates.c.on_date)):
        series.setdefault(r.series, []).append(Point(r.on_date, Decimal(r.rate)))
    return series


@dataclass(frozen=True)
class CashRow:
    account_id: str
    amount: int
    yours: bool


def cash_supply(conn: Connection) -> tuple[int, int]:
    """Cash tokens minted and withdrawn, cumulative (minor units)."""
    return (
        int(meta_value(conn, "cash_minted") or 0),
        int(meta_value(conn, "cash_burned") or 0),
    )


def cash_balances(conn: Connection, member: Member) -> list[CashRow]:
    """Member view: cash token balances by account (``cash:Balance``)."""
    mine = _controlled(conn, member)
    everything = _holds_role(conn, member, "registrar", "registrar")
    rows = conn.execute(sa.select(t.cash_balances).order_by(t.cash_balances.c.account_id))
    return [
        CashRow(r.account_id, r.amount, r.account_id in mine)
        for r in rows
        if everything or r.account_id in mine
    ]
