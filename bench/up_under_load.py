"""``up`` and ``down`` of the consortium, N times, while both cores are kept busy.

Each round brings the 3-org, 3-orderer consortium up from an empty home, deploys the
conformance chaincode, commits a transaction endorsed by two orgs through the Gateway,
brings the network down and checks that none of its processes is left: neither the
PIDs of its run records nor any process whose working directory or command line lies
under its home. Every other round first leaves a partial state behind and requires a
second ``up`` on the same home to finish it:

* ``interrupt``: ``up`` is interrupted (as by Ctrl-C) once crypto material and the
  genesis block are written, when it is about to start the first orderer;
* ``kill -9``: while ``up`` runs in a thread, every process of its run records is
  killed with SIGKILL as soon as it starts the peers (the orderers have joined);
* ``crash``: ``up`` runs in a child process; once every node has been started, that
  process and every process of the run records are killed with SIGKILL, as a power
  cut would, leaving stale run records behind.

The background load is the unit tier (``pytest tests/unit``) in a loop, one loop per
core, each in its own process group; outside the source tree a CPU burner takes its
place. It is bounded (it ends by itself after ``--max-load-seconds`` or when this
program dies) and always stopped at the end.

    python -m bench updown [--rounds 10] [--base-port 29300] [--workdir DIR]
                           [--load unit|cpu|none] [--workers N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from bench.ports import all_ports, ephemeral_note, wait_bindable
from fabric_gateway import X509Identity, connect, load_private_key_pem, new_private_key_signer
from sovereign_network import binaries, topology
from sovereign_network.binaries import BinariesUnavailable, FabricInstall
from sovereign_network.network import Network
from sovereign_network.supervisor import start_ticks

ROOT = Path(__file__).resolve().parents[1]
UNIT_TIER = ROOT / "tests" / "unit"
MODES = ("interrupt", "kill -9", "crash")
CHAINCODE = "conformance"
CHAINCODE_MODULE = "conformance_chaincode:chaincode"

# One load worker: repeats its command (or burns CPU) until the deadline passes or the
# program that started it is gone; on SIGINT it lets the running command finish its
# own clean-up (pytest tears its fixtures down on KeyboardInterrupt) and exits.
_LOAD_WORKER = """
import os, signal, subprocess, sys, time
parent, deadline, tally, argv = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4:]
stop = []
signal.signal(signal.SIGINT, lambda *_: stop.append(1))
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
def going():
    return not stop and time.time() < deadline and os.getppid() == parent
while going():
    if argv:
        with open(tally[:-5] + ".log", "ab") as log:
            child = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        while child.poll() is None:
            if not going():
                if not stop:  # a SIGINT to the group has reached the child already
                    child.send_signal(signal.SIGINT)
                child.wait()
                break
            time.sleep(0.2)
        else:
            with open(tally, "a") as out:
                out.write(f"{child.returncode}\\n")
    else:
        end = time.time() + 1.0
        while time.time() < end:
            pass
"""

# ``up`` in a child process, for the crash round: home, base port.
_UP_CHILD = """
import sys
from pathlib import Path
from sovereign_network import binaries, topology
from sovereign_network.network import Network
Network(Path(sys.argv[1]), topology.load(base_port=int(sys.argv[2])), binaries.ensure()).up()
"""


class Interrupted(Exception):
    """Raised from ``up``'s progress callback to interrupt it, as Ctrl-C would."""


class RoundFailed(Exception):
    """A round did not do what it must; the message says what."""


# ----------------------------------------------------------------- processes
@dataclass(frozen=True)
class Recorded:
    name: str
    pid: int
    start_ticks: int

    def alive(self) -> bool:
        return start_ticks(self.pid) == self.start_ticks


def recorded(net: Network) -> list[Recorded]:
    """Every run record in the home, whether or not its process still runs."""
    records = []
    if net.supervisor.run_dir.is_dir():
        for path in sorted(net.supervisor.run_dir.glob("*.json")):
            rec = net.supervisor.record(path.stem)
            if rec is not None:
                records.append(Recorded(rec.name, rec.pid, rec.start_ticks))
    return records


def kill_recorded(net: Network) -> list[str]:
    """SIGKILL every live process of the run records (by its recorded PID); their names."""
    killed = []
    for rec in recorded(net):
        if rec.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(rec.pid, signal.SIGKILL)
            killed.append(rec.name)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(r.alive() for r in recorded(net)):
        time.sleep(0.05)
    return killed


def processes_under(home: Path) -> list[str]:
    """Live processes whose working directory or command line lies under ``home``."""
    prefix = str(home.resolve())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        try:
            cwd = os.readlink(entry / "cwd")
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if start_ticks(pid) is None:
            continue
        args = [a.decode(errors="replace") for a in argv if a]
        under = [a for a in [cwd, *args] if a == prefix or prefix + "/" in a + "/"]
        if under:
            found.append(f"{pid} ({' '.join(args)[:160]})")
    return found


# ---------------------------------------------------------------------- load
class BackgroundLoad:
    """``workers`` load loops, each its own process group, stopped by their PIDs."""

    def __init__(self, kind: str, workers: int, scratch: Path, max_seconds: float) -> None:
        self.kind = kind
        self.workers = workers
        self.scratch = scratch
        self.max_seconds = max_seconds
        self._processes: list[subprocess.Popen[bytes]] = []

    def describe(self) -> str:
        if self.kind == "none":
            return "no background load"
        what = (
            "the unit tier (pytest tests/unit) in a loop"
            if self.kind == "unit"
            else "a CPU burner (busy loop)"
        )
        return f"{what}, {self.workers} worker(s), each its own process group"

    def _burner_dir(self, n: int) -> Path:
        path = self.scratch / f"load-{n}"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _tally(self, n: int) -> Path:
        return self.scratch / f"load-{n}.runs"

    def completed(self) -> tuple[int, int]:
        """Runs of the unit tier that finished, and how many of them passed."""
        codes = []
        for n in range(self.workers):
            with contextlib.suppress(OSError):
                codes += self._tally(n).read_text().split()
        return len(codes), codes.count("0")

    def failures(self) -> list[str]:
        """The tests the unit-tier runs reported failed or in error."""
        lines: list[str] = []
        for n in range(self.workers):
            with contextlib.suppress(OSError):
                text = (self.scratch / f"load-{n}.log").read_text(errors="replace")
                lines += [x for x in text.splitlines() if x.startswith(("FAILED ", "ERROR "))]
        return lines

    def leftovers(self) -> list[str]:
        return [p for n in range(self.workers) for p in processes_under(self.scratch / f"load-{n}")]

    def _command(self, n: int) -> list[str]:
        if self.kind != "unit":
            return []
        basetemp = self.scratch / f"load-{n}"
        return [
            sys.executable,
            "-m",
            "pytest",
            str(UNIT_TIER),
            "-q",
            "-p",
            "no:cacheprovider",
            f"--basetemp={basetemp}",
        ]

    def start(self) -> None:
        if self.kind == "none":
            return
        deadline = time.time() + self.max_seconds
        for n in range(self.workers):
            self._processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        _LOAD_WORKER,
                        str(os.getpid()),
                        str(deadline),
                        str(self._tally(n)),
                        *self._command(n),
                    ],
                    cwd=ROOT if self.kind == "unit" else self._burner_dir(n),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        time.sleep(1.0)
        if self.running() < self.workers:
            self.stop()
            raise RuntimeError(f"the background load did not start: {self._command(0)}")

    def running(self) -> int:
        return sum(1 for p in self._processes if p.poll() is None)

    def stop(self) -> None:
        """SIGINT each worker's group, then SIGKILL what is left after 30 s."""
        for process in self._processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        for process in self._processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for process in self._processes:
            # The group outlives its leader if a test's child is still there.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self._processes.clear()


@contextlib.contextmanager
def background(load: BackgroundLoad) -> Iterator[BackgroundLoad]:
    load.start()
    try:
        yield load
    finally:
        load.stop()


# ------------------------------------------------------------- partial states
def _partial_interrupt(net: Network) -> str:
    def progress(message: str) -> None:
        if message.startswith("starting orderer"):
            raise Interrupted(message)

    try:
        net.up(progress)
    except Interrupted:
        pass
    else:
        raise RoundFailed("the interrupted up was never interrupted")
    if not net.genesis_block.is_file() or not net.layout.complete:
        raise RoundFailed("interrupted before crypto material and the genesis block existed")
    if net.supervisor.running():
        raise RoundFailed(f"the interrupted up left {net.supervisor.running()} running")
    return "interrupted after crypto+genesis"


def _partial_kill(net: Network) -> str:
    first_peer = net.topology.orgs[0].peers[0].name
    reached = threading.Event()
    done = threading.Event()
    outcome: list[str] = []

    def progress(message: str) -> None:
        if message.startswith(f"starting {first_peer} "):
            reached.set()

    def run() -> None:
        try:
            net.up(progress)
            dead = [r.name for r in recorded(net) if not r.alive()]
            outcome.append(
                f"up returned although {', '.join(dead)} no longer ran" if dead else "up returned"
            )
        except Exception as exc:
            outcome.append(f"up failed: {_first_line(exc)}")
        finally:
            done.set()

    thread = threading.Thread(target=run, name="up", daemon=True)
    thread.start()
    while not reached.wait(0.05):
        if done.is_set():
            raise RoundFailed(f"up ended before it started the peers ({outcome[0]})")
    killed = kill_recorded(net)
    thread.join(timeout=300)
    if thread.is_alive():
        raise RoundFailed("the up whose processes were killed did not end within 300 s")
    return f"kill -9 of {len(killed)} processes as the peers started; {outcome[0]}"


def _partial_crash(net: Network) -> str:
    nodes = {o.name for o in net.topology.orderer_org.orderers} | {
        p.name for org in net.topology.orgs for p in org.peers
    }
    child = subprocess.Popen(
        [sys.executable, "-c", _UP_CHILD, str(net.home), str(net.topology.base_port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while {r.name for r in recorded(net)} < nodes:
        if child.poll() is not None:
            err = child.stderr.read().decode(errors="replace") if child.stderr else ""
            raise RoundFailed(f"up in a child process ended early: {err.strip()[-800:]}")
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    # The child's group holds it and any CLI it ran; the nodes lead their own sessions.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    if child.stderr:
        child.stderr.close()
    killed = kill_recorded(net)
    return f"crash: up's process and {len(killed)} node(s) killed -9, stale run records"


PARTIALS: dict[str, Callable[[Network], str]] = {
    "interrupt": _partial_interrupt,
    "kill -9": _partial_kill,
    "crash": _partial_crash,
}


# -------------------------------------------------------------------- rounds
def commit_endorsed_by_two(net: Network, key: str) -> None:
    """Submit ``put_state`` endorsed by the first two orgs through the first org's Gateway."""
    org, other = net.topology.orgs[0], net.topology.orgs[1]
    user = net.layout.user(org.key, "admin")
    root = net.layout.tls_ca_cert(org.key).read_bytes()
    channel = grpc.secure_channel(
        org.gateway_peer.address,
        grpc.ssl_channel_credentials(root_certificates=root),
        options=[("grpc.ssl_target_name_override", org.gateway_peer.host)],
    )
    identity = X509Identity(org.msp_id, user.cert.read_bytes())
    signer = new_private_key_signer(load_private_key_pem(user.key.read_bytes()))
    gateway = connect(client=channel, identity=identity, signer=signer)
    try:
        contract = gateway.get_network(net.topology.channel).get_contract(CHAINCODE)
        contract.submit(
            "put_state",
            arguments=[key, "committed"],
            endorsing_organizations=[org.msp_id, other.msp_id],
        )
        read = contract.evaluate_transaction("get_state", key)
        if read != b"committed":
            raise RoundFailed(f"get_state({key!r}) read {read!r} after the commit")
    finally:
        gateway.close()
        channel.close()


@dataclass
class Round:
    index: int
    start: str = "empty home"
    partial: str = ""
    up_seconds: float | None = None
    deploy_seconds: float | None = None
    waited_for_ports: float = 0.0
    error: str = ""
    detail: str = ""
    left: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and not self.left


def _cpu_ticks() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine since boot (``/proc/stat``)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text.splitlines()[0]}"


def _log_excerpt(home: Path, lines: int = 12) -> str:
    """The warnings and errors at the end of each process's log."""
    out = []
    for log in sorted((home / "logs").glob("*.log")):
        try:
            content = log.read_text(errors="replace").splitlines()
        except OSError:
            continue
        marked = [
            line
            for line in content
            if any(m in line for m in ("ERRO", "WARN", "PANI", "FATA", "Traceback", "Error"))
        ]
        if marked:
            out.append(f"  --- {log} ---")
            out += [f"  {line[:300]}" for line in marked[-lines:]]
    return "\n".join(out)


def run_round(
    index: int, home: Path, base_port: int, fabric: FabricInstall, mode: str | None
) -> Round:
    result = Round(index)
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    net = Network(home, topology.load(base_port=base_port), fabric)
    seen: list[Recorded] = []
    # A previous round's client connections may still hold some ports (TIME_WAIT).
    result.waited_for_ports, taken = wait_bindable(all_ports(net.topology))
    try:
        if taken:
            raise RoundFailed(f"ports {taken} stayed taken for 90 s before the round")
        if mode is not None:
            result.start = f"partial ({mode})"
            result.partial = PARTIALS[mode](net)
            seen += recorded(net)
        started = time.perf_counter()
        net.up()
        result.up_seconds = time.perf_counter() - started
        nodes = [o.name for o in net.topology.orderer_org.orderers] + [
            p.name for org in net.topology.orgs for p in org.peers
        ]
        stopped = [n for n in nodes if not net.supervisor.is_running(n)]
        if stopped:
            raise RoundFailed(f"up returned but {', '.join(stopped)} do not run")
        started = time.perf_counter()
        net.deploy_chaincode(name=CHAINCODE, module=CHAINCODE_MODULE)
        result.deploy_seconds = time.perf_counter() - started
        commit_endorsed_by_two(net, f"round-{index}")
    except Exception as exc:
        result.error = _first_line(exc)
        result.detail = "".join(traceback.format_exception_only(exc)).strip()
        excerpt = _log_excerpt(home)
        if excerpt:
            result.detail += "\n" + excerpt
    finally:
        seen += recorded(net)
        net.down()
        result.left = sorted(
            {f"{r.name} pid {r.pid}" for r in seen if r.alive()} | set(processes_under(home))
        )
    if result.ok:
        shutil.rmtree(home, ignore_errors=True)
    return result


def _seconds(value: float | None) -> str:
    return f"{value:6.1f} s" if value is not None else "     - "


def _print_round(r: Round, rounds: int) -> None:
    status = "ok" if r.ok else f"FAILED {r.error}".strip()
    if r.left:
        status += f"; {len(r.left)} process(es) left: {', '.join(r.left)}"
    print(
        f"round {r.index:>2}/{rounds}  {r.start:<20} up {_seconds(r.up_seconds)}  "
        f"deploy {_seconds(r.deploy_seconds)}  {status}",
        flush=True,
    )
    if r.partial:
        print(f"          before: {r.partial}", flush=True)
    if r.waited_for_ports >= 0.5:
        print(f"          waited {r.waited_for_ports:.0f} s for its ports to be free", flush=True)
    if r.detail and not r.ok:
        print("\n".join(f"          {line}" for line in r.detail.splitlines()), flush=True)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench updown", description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--base-port", type=int, default=29300)
    parser.add_argument("--workdir", type=Path, default=None, help="homes go under it")
    parser.add_argument("--load", choices=("unit", "cpu", "none"), default=None)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--max-load-seconds", type=float, default=3600.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv or [])
    try:
        fabric = binaries.ensure()
    except BinariesUnavailable as exc:
        print(f"updown not run: {exc}")
        return 3
    kind = args.load or ("unit" if UNIT_TIER.is_dir() else "cpu")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sov-updown-"))
    workdir.mkdir(parents=True, exist_ok=True)
    load = BackgroundLoad(kind, args.workers, workdir, args.max_load_seconds)
    print(
        f"updown: {args.rounds} rounds of the 3-org, 3-orderer consortium, base port "
        f"{args.base_port}, homes under {workdir}; Fabric {fabric.release} "
        f"({fabric.source}); {os.cpu_count()} cores; load: {load.describe()}",
        flush=True,
    )
    note = ephemeral_note(all_ports(topology.load(base_port=args.base_port)))
    if note:
        print(f"note: {note}; each round first waits until its ports are free", flush=True)
    results: list[Round] = []
    began = time.perf_counter()
    busy0, total0 = _cpu_ticks()
    with background(load):
        for index in range(1, args.rounds + 1):
            # Every other round starts from a partial state, the three kinds in turn.
            mode = MODES[(index // 2 - 1) % len(MODES)] if index % 2 == 0 else None
            if load.kind != "none" and load.running() < load.workers:
                print(f"          note: only {load.running()} load worker(s) still run")
            result = run_round(index, workdir / f"round-{index:02d}", args.base_port, fabric, mode)
            results.append(result)
            _print_round(result, args.rounds)
        busy1, total1 = _cpu_ticks()
    busy = (busy1 - busy0) / max(1, total1 - total0)
    runs, passed = load.completed()
    load_left = load.leftovers()
    print(
        f"machine CPU busy {busy:.0%} over the rounds; load: {load.describe()}"
        + (f", {runs} unit-tier run(s) finished ({passed} passed)" if load.kind == "unit" else "")
        + f"; stopped, {len(load_left)} load process(es) left",
        flush=True,
    )
    came_up = sum(1 for r in results if not r.error)
    left = sum(len(r.left) for r in results)
    print(
        f"{came_up} of {len(results)} came up, {left} processes left "
        f"({time.perf_counter() - began:.0f} s in all)",
        flush=True,
    )
    for line in load.failures():
        print(f"  load: {line[:200]}")
    if load_left:
        print(f"load processes left: {', '.join(load_left)}")
    if all(r.ok for r in results) and not load_left:
        with contextlib.suppress(OSError):
            shutil.rmtree(workdir)
        return 0
    print(f"homes of the failed rounds are kept under {workdir}")
    return 1
