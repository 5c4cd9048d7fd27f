"""The supervisor stops exactly the processes it started, and explains failures."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovereign_network.supervisor import (
    ProcessError,
    ProcessSpec,
    Supervisor,
    port_free,
    start_ticks,
)

SLEEPER = [sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(60)"]


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Supervisor]:
    sup = Supervisor(tmp_path)
    yield sup
    sup.stop_all()


def _spec(tmp_path: Path, name: str, argv: list[str], ports: tuple[int, ...] = ()) -> ProcessSpec:
    return ProcessSpec(name=name, argv=argv, env=dict(os.environ), cwd=tmp_path, ports=ports)


def test_start_then_stop_leaves_nothing_running(supervisor: Supervisor, tmp_path: Path) -> None:
    rec = supervisor.start(_spec(tmp_path, "sleeper", SLEEPER))
    assert supervisor.is_running("sleeper")
    assert supervisor.running() == ["sleeper"]
    supervisor.wait_until(
        "sleeper", lambda: "ready" in Path(rec.log).read_text(), timeout=10, what="ready"
    )
    assert supervisor.stop("sleeper") is True
    assert start_ticks(rec.pid) is None
    assert supervisor.running() == []
    assert supervisor.stop("sleeper") is False


def test_kill_is_a_crash_and_the_same_spec_starts_it_again(
    supervisor: Supervisor, tmp_path: Path
) -> None:
    # A SIGTERM handler that refuses to exit: only SIGKILL ends it, as only a crash would.
    stubborn = [
        sys.executable,
        "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(60)",
    ]
    spec = _spec(tmp_path, "stubborn", stubborn)
    first = supervisor.start(spec)
    supervisor.wait_until(
        "stubborn", lambda: "ready" in Path(first.log).read_text(), timeout=10, what="ready"
    )
    assert supervisor.kill("stubborn") is True
    assert start_ticks(first.pid) is None
    assert supervisor.record("stubborn") == first  # kept: the process can be started again
    assert supervisor.kill("stubborn") is False
    second = supervisor.start(spec)
    assert second.pid != first.pid
    assert supervisor.is_running("stubborn")


def test_starting_twice_returns_the_running_process(supervisor: Supervisor, tmp_path: Path) -> None:
    first = supervisor.start(_spec(tmp_path, "sleeper", SLEEPER))
    second = supervisor.start(_spec(tmp_path, "sleeper", SLEEPER))
    assert first.pid == second.pid


def test_an_identical_process_it_did_not_start_survives(
    supervisor: Supervisor, tmp_path: Path
) -> None:
    stranger = subprocess.Popen(SLEEPER, stdout=subprocess.DEVNULL)
    try:
        supervisor.start(_spec(tmp_path, "sleeper", SLEEPER))
        supervisor.stop_all()
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_a_recycled_pid_is_never_signalled(supervisor: Supervisor, tmp_path: Path) -> None:
    stranger = subprocess.Popen(SLEEPER, stdout=subprocess.DEVNULL)
    try:
        supervisor.run_dir.mkdir(parents=True)
        # A stale record whose PID now belongs to another process (different start time).
        record = {"name": "old", "pid": stranger.pid, "start_ticks": 1, "log": "x"}
        (supervisor.run_dir / "old.json").write_text(json.dumps(record))
        assert supervisor.is_running("old") is False
        assert supervisor.stop("old") is False
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_a_process_that_dies_is_reported_with_its_log(
    supervisor: Supervisor, tmp_path: Path
) -> None:
    argv = [sys.executable, "-c", "import sys; print('bad config: no MSP'); sys.exit(2)"]
    supervisor.start(_spec(tmp_path, "broken", argv))
    with pytest.raises(ProcessError) as caught:
        supervisor.wait_until("broken", lambda: False, timeout=10, what="its health endpoint")
    message = str(caught.value)
    assert "broken stopped before its health endpoint" in message
    assert str(supervisor.log_path("broken")) in message
    assert "bad config: no MSP" in message


def test_a_port_already_in_use_is_refused_before_starting(
    supervisor: Supervisor, tmp_path: Path
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ProcessError, match=f"port {port} on 127.0.0.1 is already in use"):
            supervisor.start(_spec(tmp_path, "sleeper", SLEEPER, ports=(port,)))
    assert supervisor.running() == []


def test_a_bound_port_that_accepts_nothing_yet_is_taken() -> None:
    # Connecting would find nothing listening; binding finds the port taken.
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        with socket.socket() as probe:  # nothing accepts connections there
            assert probe.connect_ex(("127.0.0.1", port)) != 0
        assert not port_free(port)
    assert port_free(port)


def test_a_port_left_in_time_wait_is_free_for_a_server() -> None:
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        accepted.close()  # the server side closes first: its end waits in TIME_WAIT
        client.close()
    assert port_free(port)
