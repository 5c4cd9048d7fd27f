"""Starting, watching and stopping the network's native processes.

Every process is started in its own session, with its output in one log file and
a run record (PID plus the kernel's start time for that PID) in the network's
home. Stopping reads the record and signals that process group only when the PID
still belongs to the process that was started: processes are never found or
killed by name.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ledger_codec import loads_unique


class ProcessError(RuntimeError):
    """A process failed to start or to become healthy; the message names its log file."""


@dataclass(frozen=True)
class ProcessSpec:
    """How to start one process."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    cwd: Path
    ports: Sequence[int] = ()


@dataclass(frozen=True)
class RunRecord:
    name: str
    pid: int
    start_ticks: int
    log: str


def start_ticks(pid: int) -> int | None:
    """The process start time in clock ticks since boot, or None if no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; fields after it are fixed.
    fields = raw.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        # Exited: reap it if it is our child, and report it as gone.
        _reap(pid)
        return None
    return int(fields[19])


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on ``host:port`` now.

    Binding is the test, not connecting: a port can be taken by a socket that accepts
    nothing yet. ``SO_REUSEADDR`` as Fabric's and gRPC's servers set it, so connections
    of an earlier run lingering in TIME_WAIT do not count as taken.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def tail(path: Path, lines: int = 15) -> str:
    try:
        content = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(content[-lines:])


class Supervisor:
    """Owns the processes of one network home."""

    def __init__(self, home: Path) -> None:
        self.run_dir = home / "run"
        self.log_dir = home / "logs"

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def _record_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.json"

    def record(self, name: str) -> RunRecord | None:
        path = self._record_path(name)
        try:
            text = path.read_text()
        except OSError:
            return None
        try:
            data = loads_unique(text)
        except ValueError as exc:  # a repeated pid: which process to stop is a guess
            raise ProcessError(f"{path} is not JSON we accept: {exc}") from None
        return RunRecord(data["name"], data["pid"], data["start_ticks"], data["log"])

    def is_running(self, name: str) -> bool:
        rec = self.record(name)
        return rec is not None and start_ticks(rec.pid) == rec.start_ticks

    def running(self) -> list[str]:
        if not self.run_dir.is_dir():
            return []
        names = sorted(p.stem for p in self.run_dir.glob("*.json"))
        return [n for n in names if self.is_running(n)]

    def start(self, spec: ProcessSpec) -> RunRecord:
        """Start ``spec`` unless it already runs; refuse if one of its ports is taken."""
        if self.is_running(spec.name):
            rec = self.record(spec.name)
            assert rec is not None
            return rec
        for port in spec.ports:
            if not port_free(port):
                raise ProcessError(
                    f"{spec.name}: port {port} on 127.0.0.1 is already in use by another program; "
                    "stop it or choose another base_port in the topology"
                )
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path(spec.name)
        with log.open("ab") as handle:
            handle.write(f"--- starting {spec.name} ---\n".encode())
            handle.flush()
            process = subprocess.Popen(
                list(spec.argv),
                env=dict(spec.env),
                cwd=spec.cwd,
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        ticks = start_ticks(process.pid)
        if ticks is None:
            raise ProcessError(f"{spec.name} exited at once; see {log}:\n{tail(log)}")
        rec = RunRecord(spec.name, process.pid, ticks, str(log))
        self._record_path(spec.name).write_text(json.dumps(rec.__dict__))
        return rec

    def wait_until(
        self,
        name: str,
        ready: Callable[[], bool],
        *,
        timeout: float,
        what: str,
    ) -> None:
        """Poll ``ready`` until true; fail early, naming the log, if the process died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.is_running(name):
                log = self.log_path(name)
                raise ProcessError(f"{name} stopped before {what}; see {log}:\n{tail(log)}")
            with contextlib.suppress(Exception):
                if ready():
                    return
            time.sleep(0.05)
        log = self.log_path(name)
        raise ProcessError(f"{name}: timed out after {timeout:.0f}s waiting for {what}; see {log}")

    def stop(self, name: str, *, timeout: float = 10.0) -> bool:
        """Stop one process this supervisor started; True if it was running."""
        rec = self.record(name)
        if rec is None:
            return False
        was_running = start_ticks(rec.pid) == rec.start_ticks
        if was_running:
            self._signal(rec, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and start_ticks(rec.pid) == rec.start_ticks:
                _reap(rec.pid)
                time.sleep(0.05)
            if start_ticks(rec.pid) == rec.start_ticks:
                self._signal(rec, signal.SIGKILL)
                _reap(rec.pid)
        self._record_path(name).unlink(missing_ok=True)
        return was_running

    def kill(self, name: str, *, timeout: float = 10.0) -> bool:
        """``kill -9`` one process this supervisor started (its whole group), as a crash
        would: no chance to flush or say goodbye. True if it was running. Its run record
        stays, so :meth:`start` with the same spec brings it back."""
        rec = self.record(name)
        if rec is None or start_ticks(rec.pid) != rec.start_ticks:
            return False
        self._signal(rec, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and start_ticks(rec.pid) == rec.start_ticks:
            _reap(rec.pid)
            time.sleep(0.02)
        if start_ticks(rec.pid) == rec.start_ticks:
            raise ProcessError(f"{name} (pid {rec.pid}) survived SIGKILL for {timeout:.0f}s")
        return True

    def stop_all(self) -> list[str]:
        stopped = []
        if self.run_dir.is_dir():
            for path in sorted(self.run_dir.glob("*.json")):
                if self.stop(path.stem):
                    stopped.append(path.stem)
        return stopped

    @staticmethod
    def _signal(rec: RunRecord, sig: signal.Signals) -> None:
        # The process leads its own session, so its group holds only what it spawned.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(rec.pid, sig)


def _reap(pid: int) -> None:
    """Collect a child's exit status so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def http_get(url: str, timeout: float = 1.0) -> tuple[int, str] | None:
    """The status and body of a GET on ``url`` (error statuses included); None if unreachable."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return int(response.status), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        # A 503 from a health endpoint still carries a body that says which check failed.
        with contextlib.closing(error):
            return int(error.code), error.read().decode(errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def tls_handshake(
    host: str,
    port: int,
    ca_file: Path,
    server_name: str,
    timeout: float = 1.0,
    *,
    client: tuple[Path, Path] | None = None,
) -> bool:
    """Whether ``host:port`` completes a TLS handshake that verifies against ``ca_file``.

    This is what readiness means for a Fabric node: its ``/healthz`` answers
    before its gRPC listener accepts, so a join sent on health alone is refused
    on a busy machine. ALPN offers ``h2`` because Fabric's gRPC servers refuse
    TLS clients that do not. ``client`` presents a certificate to a server that
    requires mutual TLS (a chaincode server); the server's answer to it is read.
    """
    context = ssl.create_default_context(cafile=str(ca_file))
    context.set_alpn_protocols(["h2"])
    if client is not None:  # (certificate, key) for a server that requires mutual TLS
        context.load_cert_chain(str(client[0]), str(client[1]))
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=server_name) as tls,
        ):
            if client is not None:
                # TLS 1.3 checks the client's certificate after the client's handshake
                # completes: a refusal arrives as the server's first record.
                tls.settimeout(0.2)
                with contextlib.suppress(TimeoutError, ssl.SSLWantReadError):
                    tls.recv(1)
            return tls.version() is not None
    except (OSError, ssl.SSLError):
        return False
