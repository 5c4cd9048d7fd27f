"""``document:*`` - the document registry: prospectuses, Shariah certificates, vault
attestations and court orders, each a name, a URI and the SHA-256 of its bytes.

A document is registered by a controller (the issuer's or the registrar's organisation),
attached to instruments (``Attach``, or at registration) and, as evidence, to the
controller actions that name it. It is never deleted: ``Supersede`` registers its next
version and marks the old one superseded, so the chain of versions stays on the ledger.

The rules that read it: a sukuk is approved and issued only with a Shariah certificate in
force attached to it, a commodity token only with a vault attestation
(:func:`require_issuable`); a forced transfer, and any action for the ``COURT_ORDER``
reason, only with a court order in force (:mod:`.controls`).
"""

from __future__ import annotations

import dataclasses

from fabric_chaincode import Context
from sovereign_assets.domain import (
    CommodityReserveToken,
    DocumentKind,
    DocumentRef,
    DomainError,
    ErrorCode,
    IjaraSukuk,
    RegisteredDocument,
    check_document,
    in_force_of_kind,
    parse_document_kind,
)
from sovereign_assets.domain.instruments import DebtInstrument
from sovereign_assets.schema.messages import DocumentRegistration
from sovereign_assets.schema.records import DocumentRecord

from . import rules
from .auth import Duty
from .base import (
    SovereignContext,
    SovereignContract,
    query,
    require_instrument,
    sovereign,
    transaction,
)
from .rules import RuleError

INSTRUMENT = "instrument:"
ACTION = "action:"


def require_document(ctx: SovereignContext, document_id: str) -> DocumentRecord:
    """A registered document, or ``UNKNOWN_DOCUMENT``."""
    rules.require_id(document_id, "document_id")
    record = ctx.repo.document(document_id)
    if record is None:
        raise DomainError(ErrorCode.UNKNOWN_DOCUMENT, document_id)
    return record


def registered(record: DocumentRecord) -> RegisteredDocument:
    """The rules' view of a registry entry."""
    return RegisteredDocument(
        record.document_id,
        DocumentKind(record.kind),
        record.superseded_by is None,
        frozenset(
            a.removeprefix(INSTRUMENT) for a in record.attached_to if a.startswith(INSTRUMENT)
        ),
    )


def attach_to_action(ctx: SovereignContext, record: DocumentRecord, action_id: str) -> None:
    """Note on the document that controller action ``action_id`` relied on it."""
    ctx.repo.put_document(
        dataclasses.replace(record, attached_to=[*record.attached_to, f"{ACTION}{action_id}"])
    )


def _reference(ctx: SovereignContext, instrument_id: str, kind: DocumentKind) -> DocumentRef | None:
    records = ctx.repo.documents_of_instrument(instrument_id)
    found = in_force_of_kind([registered(r) for r in records], kind, instrument_id)
    if found is None:
        return None
    record = next(r for r in records if r.document_id == found.document_id)
    return DocumentRef(record.name, record.uri, record.sha256)


def require_issuable(
    ctx: SovereignContext, instrument: DebtInstrument | CommodityReserveToken
) -> None:
    """Raise unless the instrument's registry documents allow its approval or issue: a
    sukuk's Shariah certificate (``SHARIAH_APPROVAL_REQUIRED``, and its underlying asset),
    a commodity token's vault attestation (``VAULT_ATTESTATION_REQUIRED``)."""
    if isinstance(instrument, IjaraSukuk):
        certificate = _reference(
            ctx, instrument.terms.instrument_id, DocumentKind.SHARIAH_CERTIFICATE
        )
        dataclasses.replace(instrument, shariah_approval=certificate).check_issuable()
    elif isinstance(instrument, CommodityReserveToken):
        attestation = _reference(ctx, instrument.instrument_id, DocumentKind.VAULT_ATTESTATION)
        attestations = () if attestation is None else (attestation,)
        dataclasses.replace(instrument, attestations=attestations).check_issuable()


def _new_record(
    ctx: SovereignContext,
    spec: DocumentRegistration,
    attached_to: list[str],
    supersedes: str | None,
) -> DocumentRecord:
    rules.require_id(spec.document_id, "document_id")
    kind = parse_document_kind(spec.kind)
    check_document(spec.name, spec.uri, spec.sha256)
    if ctx.repo.document(spec.document_id) is not None:
        raise RuleError(ErrorCode.ALREADY_EXISTS, f"document {spec.document_id}")
    if spec.instrument_id is not None:
        instrument = require_instrument(ctx, spec.instrument_id)
        attachment = f"{INSTRUMENT}{instrument.spec.instrument_id}"
        if attachment not in attached_to:
            attached_to = [*attached_to, attachment]
    return DocumentRecord(
        spec.document_id,
        kind.value,
        spec.name,
        spec.uri,
        spec.sha256,
        registered_by=ctx.caller.msp_id,
        registered_on=ctx.business_date.isoformat(),
        attached_to=attached_to,
        supersedes=supersedes,
    )


def _event(record: DocumentRecord) -> dict[str, object]:
    return {
        "document_id": record.document_id,
        "kind": record.kind,
        "sha256": record.sha256,
        "attached_to": record.attached_to,
        "supersedes": record.supersedes,
        "registered_by": record.registered_by,
    }


class DocumentContract(SovereignContract):
    """The document registry."""

    name = "document"

    @transaction("Register")
    def register(self, ctx: Context, spec: DocumentRegistration) -> DocumentRecord:
        """Register a document (controllers), attached to ``spec.instrument_id`` if given."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.CONTROLLER)
        record = _new_record(sctx, spec, [], None)
        sctx.repo.put_document(record)
        sctx.repo.emit("DocumentRegistered", _event(record))
        return record

    @transaction("Supersede")
    def supersede(
        self, ctx: Context, document_id: str, replacement: DocumentRegistration
    ) -> DocumentRecord:
        """Register ``replacement`` as the next version of ``document_id`` (same kind;
        controllers): the new one takes over its instrument attachments, the old one
        stays on the ledger marked superseded. Returns the new version."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.CONTROLLER)
        old = require_document(sctx, document_id)
        if old.superseded_by is not None:
            raise DomainError(
                ErrorCode.DOCUMENT_SUPERSEDED, f"{document_id} by {old.superseded_by}"
            )
        if replacement.kind != old.kind:
            raise DomainError(
                ErrorCode.INVALID_DOCUMENT, f"a {old.kind} is replaced by a {old.kind}"
            )
        inherited = [a for a in old.attached_to if a.startswith(INSTRUMENT)]
        record = _new_record(sctx, replacement, inherited, old.document_id)
        sctx.repo.put_document(dataclasses.replace(old, superseded_by=record.document_id))
        sctx.repo.put_document(record)
        sctx.repo.emit("DocumentSuperseded", _event(record))
        return record

    @transaction("Attach")
    def attach(self, ctx: Context, document_id: str, instrument_id: str) -> DocumentRecord:
        """Attach a document in force to an instrument (controllers)."""
        sctx = sovereign(ctx)
        sctx.authorize(Duty.CONTROLLER)
        record = require_document(sctx, document_id)
        if record.superseded_by is not None:
            raise DomainError(
                ErrorCode.DOCUMENT_SUPERSEDED, f"{document_id} by {record.superseded_by}"
            )
        instrument = require_instrument(sctx, instrument_id)
        attachment = f"{INSTRUMENT}{instrument.spec.instrument_id}"
        if attachment in record.attached_to:
            raise DomainError(ErrorCode.INVALID_TRANSITION, f"{document_id} already attached")
        updated = dataclasses.replace(record, attached_to=[*record.attached_to, attachment])
        sctx.repo.put_document(updated)
        sctx.repo.emit("DocumentAttached", _event(updated))
        return updated

    @query("Get")
    def get(self, ctx: Context, document_id: str) -> DocumentRecord:
        """One document, superseded or not."""
        return require_document(sovereign(ctx), document_id)

    @query("ForInstrument")
    def for_instrument(self, ctx: Context, instrument_id: str) -> list[DocumentRecord]:
        """Every document ever attached to an instrument, superseded versions included."""
        sctx = sovereign(ctx)
        record = require_instrument(sctx, instrument_id)
        return sctx.repo.documents_of_instrument(record.spec.instrument_id)

    @query("List")
    def list_documents(self, ctx: Context) -> list[DocumentRecord]:
        """Every registered document, by id."""
        return sovereign(ctx).repo.documents()
