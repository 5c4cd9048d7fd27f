"""Running Fabric's command-line tools: bounded in time, failures as :class:`NetworkError`."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

Progress = Callable[[str], None]
"""Told, in a few words, what a long operation is doing now."""


def quiet(_: str) -> None:
    """The :data:`Progress` that says nothing."""
    return


class NetworkError(RuntimeError):
    """A network operation failed; the message says why and where to look."""


@dataclass(frozen=True)
class CommandResult:
    """What a command printed (it exited 0)."""

    stdout: str
    stderr: str


def run_command(
    argv: list[str],
    env: Mapping[str, str],
    what: str,
    *,
    log: Path | None = None,
    timeout: float = 120,
) -> CommandResult:
    """Run ``argv`` with exactly ``env``; a non-zero exit or ``timeout`` seconds is a
    :class:`NetworkError` naming ``what`` (and ``log``, the log to read next)."""
    # Every Fabric command is bounded: a hung peer or orderer never hangs the tooling.
    try:
        result = subprocess.run(
            argv, env=dict(env), capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        where = f"; see {log}" if log else ""
        raise NetworkError(f"{what} did not finish within {timeout:.0f}s{where}") from None
    if result.returncode != 0:
        where = f"; see also {log}" if log else ""
        detail = (result.stderr.strip() or result.stdout.strip())[-2000:]
        raise NetworkError(f"{what} failed: {detail}{where}")
    return CommandResult(result.stdout, result.stderr)
