"""``sov control``, ``sov document`` and ``sov audit``: controller actions, the document
registry and record histories.

Owns the controller-action commands (each with ``--reason`` and, where the law needs one,
``--document``), the document registry commands and ``sov audit history``. Must not import
at module level: grpc, fabric_gateway, sovereign_client.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sovereign_cli.common import ExitCode, Settings, emit, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import AMOUNT, fields, plain, rupees, table, transfer_arguments

if TYPE_CHECKING:
    from sovereign_assets.schema.messages import ControlOrder, DocumentRegistration
    from sovereign_assets.schema.records import ControlActionRecord, DocumentRecord

F = TypeVar("F", bound=Callable[..., Any])

REASONS = (
    "COURT_ORDER",
    "REGULATORY_DIRECTION",
    "SANCTIONS",
    "SUSPECTED_FRAUD",
    "OPERATIONAL_INCIDENT",
    "LOST_KEY",
    "CORPORATE_ACTION",
    "RELEASE",
)
"""The reason codes (``sovereign_assets.domain.ControlReason``; a test keeps them equal)."""

DOCUMENT_KINDS = ("PROSPECTUS", "SHARIAH_CERTIFICATE", "VAULT_ATTESTATION", "COURT_ORDER")
"""The document kinds (``sovereign_assets.domain.DocumentKind``; a test keeps them equal)."""


def order_options(default_reason: str | None = None) -> Callable[[F], F]:
    """``--reason`` (required unless the action has its one reason) and ``--document``."""

    def decorate(command: F) -> F:
        command = click.option(
            "--document",
            "document_id",
            metavar="ID",
            help="The registered document that grounds the action (a court order for COURT_ORDER).",
        )(command)
        # Click counts an explicit ``default=None`` as a default and then no longer
        # enforces ``required``: a required --reason must be given no default at all.
        reason_default: dict[str, Any] = (
            {} if default_reason is None else {"default": default_reason, "show_default": True}
        )
        return click.option(
            "--reason",
            type=click.Choice(REASONS, case_sensitive=False),
            required=default_reason is None,
            help="Why the controllers act.",
            **reason_default,
        )(command)

    return decorate


def _order(reason: str, document_id: str | None) -> ControlOrder:
    from sovereign_assets.schema.messages import ControlOrder

    return ControlOrder(reason.upper(), document_id)


def action_fields(record: ControlActionRecord) -> None:
    """Print one controller action."""
    fields(
        [
            ("action", record.action_id),
            ("kind", record.kind),
            ("reason", record.reason),
            ("document", record.document_id or "-"),
            ("instrument", record.instrument_id or "-"),
            ("accounts", ", ".join(record.accounts) or "-"),
            ("amount", "-" if record.amount is None else rupees(record.amount)),
            ("business date", record.business_date),
            ("submitted by", record.submitted_by),
            ("transaction", record.tx_id),
        ]
    )


def _emit_action(settings: Settings, record: ControlActionRecord) -> None:
    emit(settings, plain(record), lambda: action_fields(record))


@click.group()
def control() -> None:
    """Controller actions (treasury and central bank, both endorsing): freezes, pauses,
    the kill switch, forced transfers, lost-key recovery."""


_TARGETS: dict[str, Callable[[F], F]] = {
    "instrument_id": click.argument("instrument_id", metavar="INSTRUMENT"),
    "account_id": click.argument("account_id", metavar="ACCOUNT"),
    "amount": click.argument("amount", type=AMOUNT),
}
"""The positional arguments a controller action may take, in the order they are given."""


def _order_command(
    name: str, method: str, targets: tuple[str, ...], doc: str, default_reason: str | None = None
) -> None:
    """Register ``sov control NAME [TARGETS...]``: the typed client's ``controls.METHOD``
    called with the targets in order and the order built from ``--reason``/``--document``,
    its action record printed. Every such command has this one shape; only the names,
    targets and help differ."""

    def command(ledger: Ledger, /, reason: str, document_id: str | None, **given: Any) -> None:
        action = getattr(ledger.client.controls, method)
        record = action(*(given[t] for t in targets), _order(reason, document_id))
        _emit_action(ledger.settings, record)

    command.__doc__ = doc
    decorated: Callable[..., Any] = order_options(default_reason)(ledger_command(command))
    for target in reversed(targets):
        decorated = _TARGETS[target](decorated)
    control.command(name=name)(decorated)


_ACCOUNT = ("account_id",)
_INSTRUMENT = ("instrument_id",)
_HOLDING = ("instrument_id", "account_id", "amount")
for _name, _method, _targets, _doc, _default in (
    (
        "freeze",
        "freeze_account",
        _ACCOUNT,
        "Freeze a whole ACCOUNT: nothing moves in or out by transfer or settlement.",
        None,
    ),
    (
        "unfreeze",
        "unfreeze_account",
        _ACCOUNT,
        "Lift a whole-account freeze of ACCOUNT.",
        "RELEASE",
    ),
    (
        "freeze-holding",
        "freeze_holding",
        _HOLDING,
        "Freeze AMOUNT (minor units, or mg) more of ACCOUNT's holding of INSTRUMENT; only\n"
        "the rest (the free balance) may be transferred, settled or redeemed for bars.",
        None,
    ),
    (
        "unfreeze-holding",
        "unfreeze_holding",
        _HOLDING,
        "Release AMOUNT of the frozen part of ACCOUNT's holding of INSTRUMENT.",
        "RELEASE",
    ),
    (
        "pause",
        "pause_instrument",
        _INSTRUMENT,
        "Pause INSTRUMENT: no transfer, settlement, issue or bar redemption.",
        None,
    ),
    ("resume", "resume_instrument", _INSTRUMENT, "Lift INSTRUMENT's pause.", "RELEASE"),
    (
        "halt",
        "halt",
        (),
        "Pull the kill switch: every state change is refused (GLOBAL_PAUSE) until released.",
        None,
    ),
    ("release", "release", (), "Release the kill switch.", "RELEASE"),
):
    _order_command(_name, _method, _targets, _doc, _default)


@control.command(name="forced-transfer")
@transfer_arguments()
@click.option(
    "--court-order", "document_id", required=True, metavar="ID", help="The court order's id."
)
@ledger_command
def forced_transfer(
    ledger: Ledger,
    instrument_id: str,
    from_account: str,
    to_account: str,
    amount: int,
    document_id: str,
) -> None:
    """Move AMOUNT of INSTRUMENT from FROM to TO as a registered court order directs."""
    from sovereign_assets.schema.messages import ForcedTransferSpec

    spec = ForcedTransferSpec(
        instrument_id, from_account, to_account, amount, _order("COURT_ORDER", document_id)
    )
    _emit_action(ledger.settings, ledger.client.controls.forced_transfer(spec))


@control.command()
@click.argument("lost_account", metavar="LOST")
@click.argument("replacement_account", metavar="REPLACEMENT")
@click.option("--document", "document_id", metavar="ID", help="A registered supporting document.")
@ledger_command
def recover(
    ledger: Ledger, lost_account: str, replacement_account: str, document_id: str | None
) -> None:
    """Lost-key recovery: move every holding and all cash of LOST to REPLACEMENT (same
    owner, another controller); LOST is frozen and its controller barred."""
    from sovereign_assets.schema.messages import RecoverySpec

    spec = RecoverySpec(lost_account, replacement_account, _order("LOST_KEY", document_id))
    _emit_action(ledger.settings, ledger.client.controls.recover_account(spec))


@control.command()
@click.argument("action_id", metavar="ACTION", required=False)
@ledger_command
def actions(ledger: Ledger, action_id: str | None) -> None:
    """List every controller action, or show ACTION."""
    if action_id is not None:
        _emit_action(ledger.settings, ledger.client.controls.action(action_id))
        return
    records = ledger.client.controls.actions()
    emit(
        ledger.settings,
        plain(records),
        lambda: table(
            ["ACTION", "KIND", "REASON", "DOCUMENT", "INSTRUMENT", "ACCOUNTS", "DATE"],
            [
                [
                    r.action_id,
                    r.kind,
                    r.reason,
                    r.document_id or "-",
                    r.instrument_id or "-",
                    ",".join(r.accounts) or "-",
                    r.business_date,
                ]
                for r in records
            ],
        ),
    )


@control.command()
@click.argument("account_id", metavar="ACCOUNT")
@ledger_command
def frozen(ledger: Ledger, account_id: str) -> None:
    """List the frozen parts of ACCOUNT's holdings."""
    parts = ledger.client.controls.frozen_parts(account_id)
    emit(
        ledger.settings,
        plain(parts),
        lambda: table(
            ["INSTRUMENT", "FROZEN", "ACTION"],
            [[p.instrument_id, rupees(p.amount), p.action_id] for p in parts],
        ),
    )


# -- documents ----------------------------------------------------------------------------


def document_fields(record: DocumentRecord) -> None:
    """Print one registry document."""
    fields(
        [
            ("document", record.document_id),
            ("kind", record.kind),
            ("name", record.name),
            ("uri", record.uri),
            ("sha256", record.sha256),
            ("registered", f"{record.registered_on} by {record.registered_by}"),
            ("attached to", ", ".join(record.attached_to) or "-"),
            ("supersedes", record.supersedes or "-"),
            ("superseded by", record.superseded_by or "- (in force)"),
        ]
    )


def _emit_document(settings: Settings, record: DocumentRecord) -> None:
    emit(settings, plain(record), lambda: document_fields(record))


def content_options(command: F) -> F:
    """``--name``, ``--uri`` and the hash: ``--sha256`` or ``--file`` (hashed here)."""
    for option in reversed(
        [
            click.option("--name", required=True, help="The document's title (no personal data)."),
            click.option("--uri", required=True, help="Where its bytes are (scheme:...)."),
            click.option("--sha256", help="Lowercase hex SHA-256 of its bytes."),
            click.option(
                "--file",
                "path",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="Hash this file instead of giving --sha256.",
            ),
            click.option("--instrument", "instrument_id", help="Attach it to this instrument."),
        ]
    ):
        command = option(command)
    return command


def _spec(
    document_id: str,
    kind: str,
    name: str,
    uri: str,
    sha256: str | None,
    path: Path | None,
    instrument_id: str | None,
) -> DocumentRegistration:
    from sovereign_assets.schema.messages import DocumentRegistration

    if (sha256 is None) == (path is None):
        fail("give exactly one of --sha256 and --file", ExitCode.USAGE)
    digest = sha256 if path is None else hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest is not None  # one of the two, checked above
    return DocumentRegistration(document_id, kind.upper(), name, uri, digest, instrument_id)


@click.group()
def document() -> None:
    """The document registry: prospectuses, Shariah certificates, vault attestations and
    court orders (name, URI, SHA-256), superseded, never deleted."""


@document.command()
@click.argument("document_id", metavar="ID")
@click.option("--kind", required=True, type=click.Choice(DOCUMENT_KINDS, case_sensitive=False))
@content_options
@ledger_command
def register(
    ledger: Ledger,
    document_id: str,
    kind: str,
    name: str,
    uri: str,
    sha256: str | None,
    path: Path | None,
    instrument_id: str | None,
) -> None:
    """Register document ID (controllers)."""
    spec = _spec(document_id, kind, name, uri, sha256, path, instrument_id)
    _emit_document(ledger.settings, ledger.client.documents.register(spec))


@document.command()
@click.argument("document_id", metavar="ID")
@click.argument("new_id", metavar="NEW_ID")
@content_options
@ledger_command
def supersede(
    ledger: Ledger,
    document_id: str,
    new_id: str,
    name: str,
    uri: str,
    sha256: str | None,
    path: Path | None,
    instrument_id: str | None,
) -> None:
    """Register NEW_ID as the next version of ID (same kind); ID stays, superseded."""
    kind = ledger.client.documents.get(document_id).kind
    spec = _spec(new_id, kind, name, uri, sha256, path, instrument_id)
    _emit_document(ledger.settings, ledger.client.documents.supersede(document_id, spec))


@document.command()
@click.argument("document_id", metavar="ID")
@click.argument("instrument_id", metavar="INSTRUMENT")
@ledger_command
def attach(ledger: Ledger, document_id: str, instrument_id: str) -> None:
    """Attach document ID (in force) to INSTRUMENT."""
    _emit_document(ledger.settings, ledger.client.documents.attach(document_id, instrument_id))


@document.command()
@click.argument("document_id", metavar="ID")
@ledger_command
def show(ledger: Ledger, document_id: str) -> None:
    """Show document ID."""
    _emit_document(ledger.settings, ledger.client.documents.get(document_id))


@document.command(name="list")
@click.option("--instrument", "instrument_id", help="Only those ever attached to it.")
@ledger_command
def list_(ledger: Ledger, instrument_id: str | None) -> None:
    """List registered documents, superseded versions included."""
    section = ledger.client.documents
    records = section.list() if instrument_id is None else section.for_instrument(instrument_id)
    emit(
        ledger.settings,
        plain(records),
        lambda: table(
            ["DOCUMENT", "KIND", "IN FORCE", "SHA256", "NAME"],
            [
                [
                    r.document_id,
                    r.kind,
                    "yes" if r.superseded_by is None else f"no ({r.superseded_by})",
                    r.sha256[:16] + "...",
                    r.name,
                ]
                for r in records
            ],
        ),
    )


# -- audit --------------------------------------------------------------------------------


@click.group()
def audit() -> None:
    """Record histories for the regulator (central bank)."""


@audit.command()
@click.argument("kind")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--values", is_flag=True, help="Also print each value after the change.")
@ledger_command
def history(ledger: Ledger, kind: str, ids: tuple[str, ...], values: bool) -> None:
    """Every committed change of one record, newest first, with its transaction, time and
    submitter. KIND: governance, business-day, control-register (no ID); account,
    investor, instrument, instruction, document, control-action, auction, cash,
    barred-identity (one ID); holding, holding-freeze (INSTRUMENT ACCOUNT)."""
    entries = ledger.client.audit.history(kind, *ids)

    def human() -> None:
        table(
            ["TIME", "TRANSACTION", "SUBMITTED BY", "FUNCTION", "CHANGE"],
            [
                [
                    e.timestamp,
                    e.tx_id,
                    e.submitted_by or "-",
                    e.function or "-",
                    "deleted" if e.is_delete else "written",
                ]
                for e in entries
            ],
        )
        if values:
            for e in entries:
                click.echo(f"{e.tx_id}: {'(deleted)' if e.is_delete else e.value}")

    emit(ledger.settings, plain(entries), human)
