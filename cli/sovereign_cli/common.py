"""What every ``sov`` command shares: settings, exit codes, output, error mapping.

Imports are lazy so that a read-only command answers quickly: the heavy modules
(gRPC, protobuf, cryptography) load only in the commands that use them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ledger_codec import loads_unique

if TYPE_CHECKING:
    from sovereign_client import SovereignClient
    from sovereign_network.network import Network

F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    """Distinct exit codes, one per kind of failure (listed in ``sov --help``)."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    FABRIC_MISSING = 3
    NETWORK = 4
    TOPOLOGY = 5
    NOT_FOUND = 6
    REFUSED = 7
    INVALID_COMMIT = 8
    CHAINCODE_FAULT = 9

    @property
    def meaning(self) -> str:
        """One line on what the code says, for ``--help`` and the README."""
        return _EXIT_MEANINGS[self]


_EXIT_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.FAILURE: "failure (a report that does not reconcile, an unexpected error)",
    ExitCode.USAGE: "usage or invalid input, refused before anything reached the ledger",
    ExitCode.FABRIC_MISSING: "Fabric binaries missing",
    ExitCode.NETWORK: "network, process or gateway error (the message names the log file)",
    ExitCode.TOPOLOGY: "invalid topology",
    ExitCode.NOT_FOUND: "no such network, process, user or record (UNKNOWN_ACCOUNT ...)",
    ExitCode.REFUSED: "the chaincode refused (error: INSUFFICIENT_HOLDING: ...)",
    ExitCode.INVALID_COMMIT: "committed invalid (MVCC_READ_CONFLICT ...): nothing applied",
    ExitCode.CHAINCODE_FAULT: "the chaincode failed to answer (INTERNAL, RESPONSE_TOO_LARGE)",
}

OUTCOME_EXIT: dict[str, ExitCode] = {
    "refused": ExitCode.REFUSED,
    "not_found": ExitCode.NOT_FOUND,
    "fault": ExitCode.CHAINCODE_FAULT,
}
"""The exit code of a refusal, by its catalogue entry's ``Outcome`` value (kept as strings
so that ``sov --help`` need not import the domain; a test proves the keys are the
outcomes)."""


def exit_codes_help() -> str:
    """The exit-code table of ``sov --help`` (one line each)."""
    return "\n".join(f"  {code.value}  {code.meaning}" for code in ExitCode)


@dataclass
class Settings:
    """Options shared by every command, kept on ``ctx.obj``."""

    home: Path
    topology: Path | None
    base_port: int | None
    as_json: bool
    as_user: str | None = None
    profile: str | None = None
    client_factory: Callable[[Settings], SovereignClient] | None = None
    """Replaces the Gateway connection (tests supply an in-memory ledger here)."""


def fail(message: str, code: ExitCode, *, error: str | None = None) -> NoReturn:
    """Print ``error: MESSAGE`` on stderr and exit with ``code``.

    Under ``--json`` the error is one JSON object on stderr instead, always of the shape
    ``{"error": {"code": ..., "message": ..., "exit_code": ...}}``: ``code`` is ``error``
    (a chaincode refusal's code such as ``INSUFFICIENT_HOLDING``, or an invalid commit's
    validation code such as ``MVCC_READ_CONFLICT``), else the exit code's name (``USAGE``,
    ``NOT_FOUND`` ...).
    """
    if _json_requested():
        click.echo(json_error(message, code, error=error), err=True)
    else:
        click.echo(f"error: {message}", err=True)
    sys.exit(code)


def json_error(message: str, code: ExitCode, *, error: str | None = None) -> str:
    """The ``--json`` form of an error (see :func:`fail`)."""
    body = {"code": error or code.name, "message": message, "exit_code": int(code)}
    return json.dumps({"error": body}, sort_keys=True)


def _json_requested() -> bool:
    ctx = click.get_current_context(silent=True)
    settings = ctx.find_object(Settings) if ctx is not None else None
    return settings is not None and settings.as_json


@contextmanager
def errors_to_exit_codes() -> Iterator[None]:
    """Map the library's exceptions to exit codes at the command boundary.

    The exception types are imported only when something failed, so commands that
    never touch gRPC do not pay for importing it.
    """
    try:
        yield
    except Exception as exc:
        found = _exit_code_for(exc)
        if found is None:
            raise
        code, error = found
        message = str(exc)
        if "governance is not bootstrapped" in message:
            message += (
                "; bootstrap it once: sov --as CentralBank/admin governance bootstrap "
                "--file FILE (example: sov examples show governance.toml)"
            )
        fail(message, code, error=error)


def _exit_code_for(exc: Exception) -> tuple[ExitCode, str | None] | None:
    """The exit code for ``exc`` and, for the ledger's errors, the code ``--json`` shows."""
    from sovereign_network.binaries import BinariesUnavailable
    from sovereign_network.network import NetworkError
    from sovereign_network.supervisor import ProcessError
    from sovereign_network.topology import TopologyError

    if isinstance(exc, BinariesUnavailable):
        return ExitCode.FABRIC_MISSING, None
    if isinstance(exc, TopologyError):
        return ExitCode.TOPOLOGY, None
    if isinstance(exc, NetworkError | ProcessError):
        return ExitCode.NETWORK, None
    # Only a command that loaded the SDK can raise its errors.
    if "sovereign_client" in sys.modules:
        from sovereign_client import RefusedError

        if isinstance(exc, RefusedError):
            return OUTCOME_EXIT[exc.error_code.outcome.value], exc.error_code.value
    if "fabric_gateway" in sys.modules:
        from fabric_gateway import CommitError, GatewayError

        if isinstance(exc, CommitError):
            return ExitCode.INVALID_COMMIT, exc.validation_code_name
        if isinstance(exc, GatewayError):
            return ExitCode.NETWORK, None
    return None


def open_network(settings: Settings, *, build: bool = False, need_fabric: bool = True) -> Network:
    """The network in ``settings.home``: its recorded topology, or the one given.

    ``build`` builds missing binaries; without ``need_fabric`` a network whose binaries
    cannot be found still opens for what needs none (identities, a stopped network's status).
    """
    from sovereign_network import binaries, topology
    from sovereign_network.binaries import BinariesUnavailable, FabricInstall
    from sovereign_network.network import Network

    recorded: dict[str, Any] = {}
    state_file = settings.home / "network.json"
    if state_file.is_file():
        try:
            recorded = loads_unique(state_file.read_text())
        except ValueError as exc:  # a repeated key too: which value is meant is a guess
            fail(f"{state_file} is not JSON we accept: {exc}", ExitCode.USAGE)
    source = settings.topology or (Path(recorded["topology"]) if recorded.get("topology") else None)
    base_port = settings.base_port or recorded.get("base_port")
    topo = topology.load(source, base_port=base_port)
    install: FabricInstall | None
    try:
        install = binaries.ensure() if build else binaries.locate()
    except BinariesUnavailable:
        if need_fabric:
            raise
        install = None
    return Network(settings.home, topo, install)


def emit(settings: Settings, payload: Any, human: Callable[[], None]) -> None:
    if settings.as_json:
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
    else:
        human()


def progress_printer(settings: Settings) -> Callable[[str], None]:
    def show(step: str) -> None:
        if not settings.as_json:
            click.echo(f"  - {step}", err=True)

    return show
