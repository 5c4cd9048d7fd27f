"""``sov investor``: the investor registry, KYC, the transfer dry run (freezes: ``sov control``).

Owns the investor commands. Personal data (``--pii-file``) is read as bytes and handed
to the client as transient data only: it is never printed, logged, echoed in an error
message or put in ``--json`` output (the ledger keeps its SHA-256, which is shown).
Must not import at module level: grpc, fabric_gateway, sovereign_client.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sovereign_cli.common import ExitCode, emit, fail
from sovereign_cli.connection import Ledger, ledger_command
from sovereign_cli.render import fields, load_spec, plain, transfer_arguments

if TYPE_CHECKING:
    from sovereign_assets.schema.records import InvestorRecord

KYC_STATUSES = ("PENDING", "VERIFIED", "EXPIRED", "REJECTED")
PURGE_REASONS = (
    # sovereign_assets.schema.privacy.PurgeReason; spelled here so --help needs no import
    "RETENTION_ENDED",
    "RELATIONSHIP_ENDED",
    "DATA_SUBJECT_REQUEST",
    "LEGAL_ORDER",
    "RECORDED_IN_ERROR",
)


@click.group()
def investor() -> None:
    """Register investors (personal data kept private), set KYC, check eligibility."""


def investor_fields(record: InvestorRecord) -> None:
    """Print one registry entry (never personal data: only its hash and where it is)."""
    fields(
        [
            ("investor", record.investor_id),
            ("kyc", record.kyc),
            ("residency", record.residency),
            ("type", record.investor_type),
            ("tax status", record.tax_status),
            ("islamic only", "yes" if record.islamic_only else "no"),
            ("islamic eligible", "yes" if record.islamic_eligible else "no"),
            ("registered by", record.registered_by),
            ("personal data", record.pii_collection or "-"),
            ("personal data sha256", record.pii_sha256 or "-"),
        ]
    )


def _read_pii(path: Path) -> bytes:
    # The error names the file only: the content is personal data.
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read the personal data file {path}: {exc.strerror}", ExitCode.USAGE)
    if not data.strip():
        fail(f"the personal data file {path} is empty", ExitCode.USAGE)
    return data


@investor.command()
@click.option(
    "--file",
    "spec_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The registry entry: an InvestorSpec as JSON. "
    "Example: `sov examples show investors/INV-AYESHA.json`.",
)
@click.option(
    "--pii-file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the personal data from this file; it goes as transient data to the org's "
    "private collection only. "
    "Example (made up): `sov examples show investors/INV-AYESHA.pii.json`.",
)
@ledger_command
def register(ledger: Ledger, spec_file: Path, pii_file: Path) -> None:
    """Register an investor; the personal data never reaches the public ledger."""
    from sovereign_assets.schema.messages import InvestorSpec

    spec = load_spec(spec_file, InvestorSpec, "investor spec")
    personal_data = _read_pii(pii_file)
    record = ledger.client.investors.register(spec, personal_data)
    del personal_data
    emit(
        ledger.settings,
        plain(record),
        lambda: click.echo(
            f"registered {record.investor_id} (kyc {record.kyc}); personal data in "
            f"{record.pii_collection}, sha256 {record.pii_sha256}"
        ),
    )


@investor.command()
@click.argument("investor_id", metavar="ID")
@ledger_command
def show(ledger: Ledger, investor_id: str) -> None:
    """Show one investor's registry entry."""
    record = ledger.client.investors.get(investor_id)
    emit(ledger.settings, plain(record), lambda: investor_fields(record))


@investor.command()
@click.argument("investor_id", metavar="ID")
@click.option(
    "--reason",
    required=True,
    type=click.Choice(PURGE_REASONS, case_sensitive=False),
    help="Why the data goes (recorded in the public event).",
)
@ledger_command
def purge(ledger: Ledger, investor_id: str, reason: str) -> None:
    """Purge an investor's personal data from your org's collection (Fabric 2.5+); the
    hash stays on the ledger. Your org alone endorses it."""
    receipt = ledger.client.investors.purge_personal_data(investor_id, reason.upper())
    emit(
        ledger.settings,
        plain(receipt),
        lambda: click.echo(
            f"purged the personal data of {receipt.investor_id} from {receipt.collection}"
            f" ({receipt.reason}); sha256 {receipt.pii_sha256 or '-'} stays on the ledger"
        ),
    )


@investor.command("pii-status")
@click.argument("investor_id", metavar="ID")
@ledger_command
def pii_status(ledger: Ledger, investor_id: str) -> None:
    """Whether your org's peer holds the investor's personal data (never shows it)."""
    status = ledger.client.investors.personal_data_status(investor_id)
    emit(
        ledger.settings,
        plain(status),
        lambda: fields(
            [
                ("investor", status.investor_id),
                ("collection", status.collection),
                ("held", "yes" if status.held else "no"),
                ("held sha256", status.held_sha256 or "-"),
                ("ledger sha256", status.pii_sha256 or "-"),
            ]
        ),
    )


@investor.command()
@transfer_arguments(click.INT)
@ledger_command
def check(
    ledger: Ledger, instrument_id: str, from_account: str, to_account: str, amount: int
) -> None:
    """Check whether a transfer would pass every rule, changing nothing (exits 0 either
    way); a refusal lists every failing reason, in the order the rules are checked."""
    answer = ledger.client.investors.check_transfer(instrument_id, from_account, to_account, amount)
    emit(
        ledger.settings,
        {"allowed": answer.allowed, "reason": answer.reason, "reasons": answer.reasons},
        lambda: click.echo(
            "allowed" if answer.allowed else f"refused: {', '.join(answer.reasons)}"
        ),
    )


@investor.command()
@click.argument("investor_id", metavar="ID")
@click.argument("status", type=click.Choice(KYC_STATUSES, case_sensitive=False))
@ledger_command
def kyc(ledger: Ledger, investor_id: str, status: str) -> None:
    """Set an investor's KYC STATUS (the registering org)."""
    record = ledger.client.investors.set_kyc(investor_id, status.upper())
    emit(
        ledger.settings,
        plain(record),
        lambda: click.echo(f"{record.investor_id}: kyc {record.kyc}"),
    )
