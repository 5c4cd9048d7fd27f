"""``investor:*`` - the investor registry, the transfer dry run and KYC (freezes are
controller actions: :mod:`.controls`).

Registration is two transactions, so that personal data never reaches another
organisation's peer:

1. ``RecordPersonalData`` writes the personal data (transient key ``pii``) to the caller's
   organisation's personal data collection and nothing else. That collection's own
   endorsement policy (its organisation's peers) covers a transaction that writes only
   to it, so the caller's organisation alone endorses it and receives the transient data.
2. ``Register`` writes the public record (chaincode policy, several organisations). It
   reads the ledger's hash of the personal data - every peer of the channel holds the
   hashes - and refuses with ``PERSONAL_DATA_MISSING`` when there is none.

Events carry ids and statuses, never personal data.
"""

from __future__ import annotations

import dataclasses
import hashlib

from fabric_chaincode import Context
from sovereign_assets.domain import DomainError, ErrorCode
from sovereign_assets.schema.messages import (
    InvestorSpec,
    PersonalDataReceipt,
    PersonalDataStatus,
    PurgeReceipt,
    TransferCheck,
)
from sovereign_assets.schema.privacy import (
    PII_SALT_BYTES,
    PII_SALT_TRANSIENT_KEY,
    PII_TRANSIENT_KEY,
    PurgeReason,
    personal_data_collection,
    personal_data_record,
)
from sovereign_assets.schema.records import InvestorRecord

from . import rules
from .auth import Duty
from .base import (
    SovereignContext,
    SovereignContract,
    entry_refusals,
    query,
    require_account,
    require_instrument,
    sovereign,
    transaction,
)
from .rules import RuleError
from .visibility import Scope, refuse_read


class InvestorContract(SovereignContract):
    """The investor registry and compliance controls."""

    name = "investor"

    @transaction("RecordPersonalData")
    def record_personal_data(self, ctx: Context, investor_id: str) -> PersonalDataReceipt:
        """Keep an investor's personal data (transient ``pii``), salted with the secret in
        transient ``pii_salt``, in the caller's organisation's collection; writes nothing
        public and emits no event. Repeating it before ``Register`` replaces the data (a
        retried registration)."""
        sctx = sovereign(ctx)
        caller = sctx.authorize(Duty.ONBOARDING)
        rules.require_id(investor_id, "investor_id")
        if sctx.repo.investor(investor_id) is not None:
            # The public record holds the hash of what was recorded; keep them equal.
            raise RuleError(ErrorCode.ALREADY_EXISTS, f"investor {investor_id}")
        pii = sctx.repo.transient(PII_TRANSIENT_KEY)
        if not pii:
            raise RuleError(
                ErrorCode.INVALID_ARGUMENT, "personal data must arrive in transient 'pii'"
            )
        salt = sctx.repo.transient(PII_SALT_TRANSIENT_KEY)
        if salt is None or len(salt) < PII_SALT_BYTES:
            raise RuleError(
                ErrorCode.INVALID_ARGUMENT,
                f"a secret random salt of at least {PII_SALT_BYTES} bytes must arrive in"
                f" transient '{PII_SALT_TRANSIENT_KEY}'",
            )
        collection = personal_data_collection(caller.msp_id)
        digest = sctx.repo.put_personal_data(
            collection, investor_id, personal_data_record(pii, salt)
        )
        return PersonalDataReceipt(investor_id, collection, digest)

    @transaction("Register")
    def register(self, ctx: Context, investor: InvestorSpec) -> InvestorRecord:
        """Register an investor (banks, primary dealers, exchange operators) whose personal
        data the caller's organisation recorded with ``RecordPersonalData``."""
        sctx = sovereign(ctx)
        caller = sctx.authorize(Duty.ONBOARDING)
        rules.validate_investor(investor)
        if sctx.repo.investor(investor.investor_id) is not None:
            raise RuleError(ErrorCode.ALREADY_EXISTS, f"investor {investor.investor_id}")
        collection = personal_data_collection(caller.msp_id)
        digest = sctx.repo.personal_data_hash(collection, investor.investor_id)
        if digest is None:
            raise RuleError(
                ErrorCode.PERSONAL_DATA_MISSING,
                f"{caller.msp_id} recorded no personal data of {investor.investor_id}"
                " (investor:RecordPersonalData first)",
            )
        record = InvestorRecord(
            investor.investor_id,
            investor.kyc,
            investor.residency,
            investor.investor_type,
            investor.tax_status,
            investor.islamic_only,
            investor.islamic_eligible,
            registered_by=caller.msp_id,
            pii_sha256=digest,
            pii_collection=collection,
            kyc_expires_on=investor.kyc_expires_on,
            onboarded_by=caller.controller_id,
        )
        sctx.repo.put_investor(record)
        sctx.repo.emit(
            "InvestorRegistered",
            {"registered_by": caller.msp_id},
        )
        return record

    @query("Get")
    def get(self, ctx: Context, investor_id: str) -> InvestorRecord:
        """One registry entry (no personal data): to the regulator, the user that
        onboarded the investor, and the controllers of its accounts; else
        ``UNAUTHORIZED``."""
        sctx = sovereign(ctx)
        record = _require_investor(sctx, investor_id)
        if sctx.read_scope is Scope.ALL or record.onboarded_by == sctx.caller.controller_id:
            return record
        if any(sctx.sees_account_id(a) for a in sctx.repo.accounts_of_owner(investor_id)):
            return record
        raise refuse_read(f"investor {investor_id}")

    @transaction("PurgePersonalData")
    def purge_personal_data(self, ctx: Context, investor_id: str, reason: str) -> PurgeReceipt:
        """Purge an investor's personal data from the caller's organisation's collection
        (Fabric 2.5+ ``PurgePrivateData``: the record and its history leave the member
        peers; the hash in the blocks and the registry's ``pii_sha256`` stay), for
        ``reason`` (a :class:`PurgeReason`). Onboarding users of the registering
        organisation; like ``RecordPersonalData`` it writes only to that collection, so
        that organisation alone endorses it. ``PERSONAL_DATA_MISSING`` when its peer
        holds no record (never recorded, or purged already)."""
        sctx = sovereign(ctx)
        caller = sctx.authorize(Duty.ONBOARDING)
        rules.require_id(investor_id, "investor_id")
        try:
            why = PurgeReason(reason)
        except ValueError:
            raise RuleError(
                ErrorCode.INVALID_ARGUMENT,
                f"reason must be one of {', '.join(r.value for r in PurgeReason)}",
            ) from None
        collection = personal_data_collection(caller.msp_id)
        if sctx.repo.personal_data(collection, investor_id) is None:
            raise RuleError(
                ErrorCode.PERSONAL_DATA_MISSING,
                f"{caller.msp_id} holds no personal data of {investor_id}",
            )
        record = sctx.repo.investor(investor_id)
        sctx.repo.purge_personal_data(collection, investor_id)
        sctx.repo.emit("PersonalDataPurged", {"registered_by": caller.msp_id, "reason": why.value})
        return PurgeReceipt(
            investor_id, collection, why.value, None if record is None else record.pii_sha256
        )

    @query("PersonalDataStatus")
    def personal_data_status(self, ctx: Context, investor_id: str) -> PersonalDataStatus:
        """Whether the caller's organisation's peer holds the investor's personal data
        (never the data): run it on that organisation's peer. Readers as ``Get``."""
        sctx = sovereign(ctx)
        record = self.get(ctx, investor_id)
        collection = personal_data_collection(sctx.caller.msp_id)
        held = sctx.repo.personal_data(collection, investor_id)
        return PersonalDataStatus(
            investor_id,
            collection,
            held is not None,
            None if held is None else hashlib.sha256(held).hexdigest(),
            record.pii_sha256,
        )

    @query("CheckTransfer")
    def check_transfer(
        self, ctx: Context, instrument_id: str, from_account: str, to_account: str, amount: int
    ) -> TransferCheck:
        """Dry run of ``holding:Transfer``'s compliance checks; changes nothing: every
        failing reason code (``reasons``, in the order the rules are checked; ``reason``
        the first). The regulator and the exchange may check any transfer, others one
        from an account they control (else ``UNAUTHORIZED``)."""
        sctx = sovereign(ctx)
        missing: list[str] = []  # unknown ids are reasons too
        instrument = sender = receiver = None
        try:
            instrument = require_instrument(sctx, instrument_id)
        except DomainError as exc:
            missing.append(exc.code.value)
        try:
            sender = require_account(sctx, from_account)
        except DomainError as exc:
            missing.append(exc.code.value)
        try:
            receiver = require_account(sctx, to_account)
        except DomainError as exc:
            missing.append(exc.code.value)
        if instrument is None or sender is None or receiver is None:
            return _check(missing)
        sctx.require_sees(sender)
        try:
            refusals = entry_refusals(sctx, instrument, receiver, amount, sender=sender)
        except DomainError as exc:  # no business day open
            return _check([exc.code.value])
        return _check([r.code.value for r in refusals])

    @transaction("SetKyc")
    def set_kyc(self, ctx: Context, investor_id: str, kyc: str) -> InvestorRecord:
        """Change an investor's KYC status (onboarding org of the investor)."""
        sctx = sovereign(ctx)
        caller = sctx.authorize(Duty.ONBOARDING)
        status = rules.parse_kyc(kyc)
        record = _require_investor(sctx, investor_id)
        if record.registered_by != caller.msp_id:
            raise RuleError(ErrorCode.UNAUTHORIZED, "only the registering org changes KYC")
        updated = dataclasses.replace(record, kyc=status.value)
        sctx.repo.put_investor(updated)
        sctx.repo.emit("KycChanged", {"registered_by": record.registered_by})
        return updated


def _check(codes: list[str]) -> TransferCheck:
    unique = list(dict.fromkeys(codes))  # one code once, even when both sides fail it
    return TransferCheck(not unique, unique[0] if unique else None, unique)


def _require_investor(ctx: SovereignContext, investor_id: str) -> InvestorRecord:
    rules.require_id(investor_id, "investor_id")
    record = ctx.repo.investor(investor_id)
    if record is None:
        raise DomainError(ErrorCode.UNKNOWN_INVESTOR, investor_id)
    return record
