"""``settlement:*`` - DvP instructions: instruct, affirm or match, settle, cancel.

A party instructing (the controller of the seller's or buyer's account) affirms its
own side at once; the other side's ``Affirm`` - or the exchange's ``Match`` - makes it
MATCHED. ``Settle`` moves the security leg and the cash leg in one transaction through
the domain's ``settle`` (both or neither), after the same compliance check as
transfers. ``Execute`` is the exchange's instruct, match and settle in one transaction
(the same rules in turn, all or nothing), for trades it matched itself. The cash leg
is the dirty amount, ``amount_at_price(quantity, price_per_100,
accrued)``: the quoted clean price on the face plus the interest (or rental) accrued to
the settlement date, one exact expression rounded once to whole minor units (the domain's
:data:`~sovereign_assets.domain.money.CASH` rule). Bills and commodity tokens accrue
nothing.

Every instrument has a price band (its ``price_band_floor`` .. ``price_band_cap`` per
100, clean): a trade priced outside it is recorded ``out_of_band`` and settles only after
both counterparties affirmed it - the exchange's ``Match`` cannot stand in for them
(``OUTSIDE_PRICE_BAND``).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from fabric_chaincode import Context
from sovereign_assets.domain import (
    DomainError,
    ErrorCode,
    InstructionState,
    SettlementInstruction,
    affirm,
    amount_at_price,
    cancel,
    instruct,
    match,
    require_price,
    settle,
)
from sovereign_assets.domain.status import require_tradable
from sovereign_assets.schema.messages import InstructionSpec
from sovereign_assets.schema.records import InstructionRecord

from . import rules
from .auth import Duty, controls_account
from .base import (
    SovereignContext,
    SovereignContract,
    parent_of,
    query,
    require_account,
    require_instruction,
    require_instrument,
    require_transfer_allowed,
    sovereign,
    transaction,
)
from .rules import RuleError
from .visibility import refuse_read


def _to_domain(record: InstructionRecord) -> SettlementInstruction:
    return SettlementInstruction(
        record.instruction_id,
        record.instrument_id,
        record.seller_account,
        record.buyer_account,
        record.quantity,
        record.cash_amount,
        date.fromisoformat(record.trade_date),
        date.fromisoformat(record.settlement_date),
        InstructionState(record.state),
        frozenset(record.affirmed_by),
        out_of_band=record.out_of_band,
    )


def _to_record(
    instruction: SettlementInstruction, template: InstructionRecord
) -> InstructionRecord:
    return InstructionRecord(
        instruction.instruction_id,
        instruction.instrument_id,
        instruction.seller_account_id,
        instruction.buyer_account_id,
        instruction.face_amount,
        template.price_per_100,
        instruction.cash_amount,
        instruction.trade_date.isoformat(),
        instruction.settlement_date.isoformat(),
        instruction.state.value,
        sorted(instruction.affirmed_by),
        template.instructed_by,
        instruction.out_of_band,
    )


def _sides_controlled(ctx: SovereignContext, record: InstructionRecord) -> list[str]:
    """Account ids of the instruction the caller controls (seller first)."""
    sides = []
    for account_id in (record.seller_account, record.buyer_account):
        account = require_account(ctx, account_id)
        if controls_account(ctx.caller, account, parent_of(ctx, account)):
            sides.append(account_id)
    return sides


def _require_party_or_exchange(ctx: SovereignContext, record: InstructionRecord) -> None:
    if not _sides_controlled(ctx, record) and not ctx.has_duty(Duty.EXCHANGE):
        raise RuleError(ErrorCode.UNAUTHORIZED, "not a party to the trade or the exchange")


def _save(ctx: SovereignContext, updated: InstructionRecord, event: str) -> InstructionRecord:
    ctx.repo.put_instruction(updated)
    ctx.repo.emit(
        event,
        {
            "instruction_id": updated.instruction_id,
            "instrument_id": updated.instrument_id,
            "state": updated.state,
        },
    )
    return updated


class SettlementContract(SovereignContract):
    """Delivery versus payment."""

    name = "settlement"

    @transaction("Instruct")
    def instruct(self, ctx: Context, instruction: InstructionSpec) -> InstructionRecord:
        """Record a trade to settle (a party or the exchange)."""
        sctx = sovereign(ctx)
        return _save(sctx, _instruct(sctx, instruction), "SettlementInstructed")

    @transaction("Affirm")
    def affirm(self, ctx: Context, instruction_id: str) -> InstructionRecord:
        """The caller's side affirms (the second affirmation matches the trade)."""
        sctx = sovereign(ctx)
        record = require_instruction(sctx, instruction_id)
        pending = [s for s in _sides_controlled(sctx, record) if s not in record.affirmed_by]
        if not pending:
            if _sides_controlled(sctx, record):
                raise DomainError(ErrorCode.ALREADY_AFFIRMED, instruction_id)
            raise RuleError(ErrorCode.UNAUTHORIZED, "not a party to the trade")
        updated = affirm(_to_domain(record), pending[0])
        return _save(sctx, _to_record(updated, record), "SettlementAffirmed")

    @transaction("Match")
    def match(self, ctx: Context, instruction_id: str) -> InstructionRecord:
        """The exchange matched the trade (in place of the two affirmations)."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.EXCHANGE)
        record = require_instruction(sctx, instruction_id)
        return _save(sctx, _to_record(match(_to_domain(record)), record), "SettlementMatched")

    @transaction("Settle")
    def settle(self, ctx: Context, instruction_id: str) -> InstructionRecord:
        """Deliver securities and pay cash, together (a party or the exchange)."""
        sctx = sovereign(ctx)
        record = require_instruction(sctx, instruction_id)
        matched = record.state == InstructionState.MATCHED.value
        _prefetch_trade(sctx, record, None, with_calendars=matched)
        _require_party_or_exchange(sctx, record)
        return _settled(sctx, _settle(sctx, record))

    @transaction("Execute")
    def execute(self, ctx: Context, instruction: InstructionSpec) -> InstructionRecord:
        """A trade the exchange matched, instructed, matched and settled in one transaction
        (the exchange alone): the rules of ``Instruct``, ``Match`` and ``Settle`` in turn,
        all or nothing - what the exchange may do in three transactions, in one."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.EXCHANGE)
        _prefetch_trade(sctx, instruction, instruction.instruction_id, with_calendars=True)
        created = _instruct(sctx, instruction)
        matched = _to_record(match(_to_domain(created)), created)
        return _settled(sctx, _settle(sctx, matched))

    @transaction("Cancel")
    def cancel(self, ctx: Context, instruction_id: str) -> InstructionRecord:
        """Cancel before settlement (a party or the exchange)."""
        sctx = sovereign(ctx)
        record = require_instruction(sctx, instruction_id)
        _require_party_or_exchange(sctx, record)
        return _save(sctx, _to_record(cancel(_to_domain(record)), record), "SettlementCancelled")

    @query("Get")
    def get(self, ctx: Context, instruction_id: str) -> InstructionRecord:
        """One instruction (the regulator, the exchange, or a party's controllers)."""
        sctx = sovereign(ctx)
        record = require_instruction(sctx, instruction_id)
        if not _sees_instruction(sctx, record):
            raise refuse_read(f"instruction {instruction_id}")
        return record

    @query("List")
    def list_instructions(self, ctx: Context) -> list[InstructionRecord]:
        """Every instruction the caller may read, by id."""
        sctx = sovereign(ctx)
        return [r for r in sctx.repo.instructions() if _sees_instruction(sctx, r)]


def _prefetch_trade(
    sctx: SovereignContext,
    trade: InstructionSpec | InstructionRecord,
    instruction_id: str | None,
    with_calendars: bool,
) -> None:
    """Fetch what settling ``trade`` reads in two requests, not one per key: first the
    instrument, both accounts, the instruction ``instruction_id`` (when given), the
    business date and (``with_calendars``: the rules read the calendars) the calendars in
    force; then, once the accounts are known, their parents, owners, holdings, cash and
    the seller's frozen part (:meth:`.Repository.prefetch_legs`). Only keys the
    settlement reads anyway and only well-formed ids (a bad one is refused where the
    rules read it, in the same order as before), so the read set is unchanged."""
    account_ids = [a for a in (trade.seller_account, trade.buyer_account) if rules.is_id(a)]
    instrument_id = trade.instrument_id if rules.is_id(trade.instrument_id) else None
    if instruction_id is not None and not rules.is_id(instruction_id):
        return  # refused before anything is read
    sctx.repo.prefetch_trade(instrument_id, account_ids, instruction_id, with_calendars)
    if instrument_id is None or len(account_ids) != 2:
        return
    instrument = sctx.repo.instrument(instrument_id)
    seller = sctx.repo.account(trade.seller_account)
    buyer = sctx.repo.account(trade.buyer_account)
    if instrument is not None and seller is not None and buyer is not None:
        sctx.repo.prefetch_legs(instrument, seller, buyer)


def _sees_instruction(ctx: SovereignContext, record: InstructionRecord) -> bool:
    return ctx.sees_account_id(record.seller_account) or ctx.sees_account_id(record.buyer_account)


def _instruct(sctx: SovereignContext, spec: InstructionSpec) -> InstructionRecord:
    """Check a new instruction and build its record (not stored: the caller stores it)."""
    rules.require_id(spec.instruction_id, "instruction_id")
    instrument = require_instrument(sctx, spec.instrument_id)
    require_tradable(instrument.spec.instrument_id, instrument.status, instrument.matured)
    price = require_price(spec.price_per_100)
    out_of_band = not rules.price_band(instrument).contains(price)
    settlement_date = rules.parse_date(spec.settlement_date, "settlement_date")
    draft = InstructionRecord(
        spec.instruction_id,
        spec.instrument_id,
        spec.seller_account,
        spec.buyer_account,
        spec.quantity,
        spec.price_per_100,
        0,
        "",
        spec.settlement_date,
        InstructionState.INSTRUCTED.value,
        [],
        "",
    )
    sides = _sides_controlled(sctx, draft)
    if not sides and not sctx.has_duty(Duty.EXCHANGE):
        raise RuleError(ErrorCode.UNAUTHORIZED, "not a party to the trade or the exchange")
    if sctx.repo.instruction(spec.instruction_id) is not None:
        raise RuleError(ErrorCode.ALREADY_EXISTS, f"instruction {spec.instruction_id}")
    as_of = sctx.business_date
    created = instruct(
        spec.instruction_id,
        spec.instrument_id,
        seller_account_id=spec.seller_account,
        buyer_account_id=spec.buyer_account,
        face_amount=spec.quantity,
        denomination=instrument.spec.min_denomination,
        cash_amount=amount_at_price(
            spec.quantity,
            price,
            rules.accrued_on(sctx.market, instrument, settlement_date),
        ),
        trade_date=as_of,
        settlement_date=settlement_date,
        as_of=as_of,
        out_of_band=out_of_band,
    )
    if sides:
        created = affirm(created, sides[0])
    template = dataclasses.replace(draft, instructed_by=sctx.caller.controller_id)
    return _to_record(created, template)


def _settle(sctx: SovereignContext, record: InstructionRecord) -> InstructionRecord:
    """Move both legs of ``record`` and store the settled instruction (no event)."""
    instrument = require_instrument(sctx, record.instrument_id)
    seller = require_account(sctx, record.seller_account)
    buyer = require_account(sctx, record.buyer_account)
    domain_instruction = _to_domain(record)
    if domain_instruction.state is InstructionState.MATCHED:
        require_transfer_allowed(sctx, instrument, seller, buyer, record.quantity)
    before = sctx.repo.load_ledger(
        [(seller.account_id, record.instrument_id), (buyer.account_id, record.instrument_id)],
        cash_accounts=[seller.account_id, buyer.account_id],
    )
    settled, after = settle(
        domain_instruction, before, instrument.spec.min_denomination, sctx.business_date
    )
    sctx.repo.save_ledger(before, after)
    updated = _to_record(settled, record)
    sctx.repo.put_instruction(updated)
    return updated


def _settled(sctx: SovereignContext, updated: InstructionRecord) -> InstructionRecord:
    sctx.repo.emit(
        "SettlementSettled",
        {
            "instruction_id": updated.instruction_id,
            "instrument_id": updated.instrument_id,
            "quantity": updated.quantity,
            "cash_amount": updated.cash_amount,
        },
    )
    return updated
