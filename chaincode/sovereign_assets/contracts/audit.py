"""``audit:*`` - the history of a ledger record, for the regulator.

``History`` reads Fabric's history database for one record (``GetHistoryForKey``: every
committed value with its transaction id and timestamp, newest first) and adds who
submitted each transaction and what it ran, from the submitter record every transaction
that changes public state leaves (:meth:`.base.SovereignContract.after_transaction`).
Only the regulator (the registrar's organisation) may read it: a history shows every
bank's clients' holdings over time.

``WholeRegister`` answers whether the caller reads the whole register - every account,
holding and balance - or only its own rows: a report over the register (``sov report
reconcile``) asks it first, so a bank or the exchange is refused (``UNAUTHORIZED``)
instead of reconciling a filtered view in which other banks' clients read as zero.
"""

from __future__ import annotations

from fabric_chaincode import Context
from sovereign_assets.domain import ErrorCode
from sovereign_assets.schema.messages import KeyHistoryEntry, RegisterReader

from . import rules
from .base import SovereignContract, query, sovereign
from .rules import RuleError

MAX_HISTORY = 1000
"""Most changes ``History`` returns (newest first)."""


class AuditContract(SovereignContract):
    """Record histories for the regulator."""

    name = "audit"

    @query("History")
    def history(self, ctx: Context, kind: str, ids: list[str]) -> list[KeyHistoryEntry]:
        """Every committed change of one record, newest first (at most
        :data:`MAX_HISTORY`): ``kind`` and ``ids`` as
        :meth:`.repository.Repository.record_key` lists them (``holding`` takes the
        instrument id, then the account id). Regulator only (``UNAUTHORIZED``); an unknown
        kind or a wrong number of ids is ``INVALID_ARGUMENT``."""
        sctx = sovereign(ctx)  # the regulator only: see .visibility.READ_ACCESS
        for value in ids:
            rules.require_id(value, "id")
        key = sctx.repo.record_key(kind, ids)
        if key is None:
            raise RuleError(
                ErrorCode.INVALID_ARGUMENT, f"no record kind {kind!r} with {len(ids)} id(s)"
            )
        entries = []
        for change in sctx.repo.key_history(key)[:MAX_HISTORY]:
            submitter = sctx.repo.submitter(change.tx_id)
            entries.append(
                KeyHistoryEntry(
                    change.tx_id,
                    change.timestamp.to_datetime().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    None if submitter is None else submitter.submitted_by,
                    None if submitter is None else submitter.function,
                    change.is_delete,
                    None if change.is_delete else change.value.decode("utf-8"),
                )
            )
        return entries

    @query("WholeRegister")
    def whole_register(self, ctx: Context) -> RegisterReader:
        """The caller's reader class when it reads the whole register (the regulator);
        ``UNAUTHORIZED`` for a caller that reads only its own accounts, holdings and
        balances (banks, dealers, investors, the exchange, the treasury)."""
        sctx = sovereign(ctx)  # the regulator only: see .visibility.READ_ACCESS
        return RegisterReader(sctx.reader.value)
