"""Interop on the real consortium: the official Node client, the ``peer`` CLI and our SDK.

The official ``@hyperledger/fabric-gateway`` 1.11 client (driven by ``network_client.js``) and
our ``fabric_gateway`` run the same submits and evaluates through the same Gateway peer, as the
same identity, and must see the same result bytes and commit status codes; each reads the
chaincode events the other's transactions emitted; the ``peer`` CLI reads what our SDK wrote;
and the official client drives our Python sovereign asset chaincode, refusals included, with
the stable error codes our SDK reports.

These tests need the session consortium (``tests/consortium.py``): without Fabric binaries they
are skipped with that reason. Without ``node``/``npm`` they are skipped with that reason. Every
subprocess runs under a timeout, and every gRPC call of both clients carries a deadline.

The last test runs offline (no Fabric): it checks the Node harness itself reports failures and
timeouts per operation, so the network tests cannot hang or lose an error silently.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil
import socket
import subprocess
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from tests.consortium import ClientFactory

from fabric_gateway import Contract, ErrorDetail, GatewayError, Network
from sovereign_network.network import Network as Consortium

HERE = Path(__file__).parent
SCRIPT = HERE / "network_client.js"

CALL_TIMEOUT_S = 30
"""Deadline of each unary Gateway call made by the Node client."""
EVENTS_TIMEOUT_S = 30
"""How long either client waits for the events of a few committed transactions."""
PEER_CLI_TIMEOUT_S = 60
NODE_BUDGET_S = 420
"""Upper bound of one run of the Node client (pytest's per-test timeout is 600 s)."""
TX_ID = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture(scope="module")
def node_client() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run the official Fabric Gateway client")
    if not (HERE / "node_modules" / "@hyperledger" / "fabric-gateway").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300)
    return Path(node)


# --------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class Op:
    """One transaction both clients run: ``kind`` is ``"submit"`` or ``"evaluate"``."""

    kind: str
    name: str
    args: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "args": [_b64(a.encode()) for a in self.args]}


@dataclass(frozen=True)
class Outcome:
    """What one client saw for one operation, in terms both clients can express."""

    ok: bool
    result: bytes = b""
    transaction_id: str | None = None
    status_code: int | None = None
    block_number: int | None = None
    chaincode_code: str | None = None
    """Stable chaincode error code of a refused transaction, parsed by our SDK's rules."""
    error_texts: tuple[str, ...] = field(default=(), compare=False)
    """The raw error message and per-endpoint messages, as that client reported them."""


@dataclass(frozen=True)
class Event:
    """A chaincode event as either client reports it."""

    block_number: int
    transaction_id: str
    event_name: str
    payload: bytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _network(client_factory: ClientFactory, net: Consortium, org: str, user: str) -> Network:
    """Our SDK's view of the channel as ``user`` of ``org`` (the fixture closes the channel)."""
    return client_factory(org, user).gateway.get_network(net.topology.channel)


def _run_python(contract: Contract, ops: Sequence[Op]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for op in ops:
        try:
            if op.kind == "evaluate":
                proposal = contract.new_proposal(op.name, arguments=op.args)
                result = proposal.evaluate(timeout=CALL_TIMEOUT_S)
                outcomes.append(Outcome(True, result, proposal.transaction_id))
            else:
                submitted = contract.submit_async(op.name, arguments=op.args)
                status = submitted.status(timeout=CALL_TIMEOUT_S)
                outcomes.append(
                    Outcome(
                        True,
                        submitted.result,
                        submitted.transaction_id,
                        status.code,
                        status.block_number,
                    )
                )
        except GatewayError as error:
            texts = (error.message, *(d.message for d in error.details))
            outcomes.append(
                Outcome(
                    False,
                    transaction_id=error.transaction_id,
                    chaincode_code=error.chaincode_code,
                    error_texts=texts,
                )
            )
    return outcomes


def _node_request(net: Consortium, org_name: str, user: str, chaincode: str) -> dict[str, Any]:
    """Connection facts for the Node client: the same ones ``Network.status()`` reports."""
    org = net.topology.org(org_name)
    paths = net.layout.user(org.key, user)
    return {
        "peerAddress": org.gateway_peer.address,
        "hostOverride": org.gateway_peer.host,
        "tlsRootCertPath": str(net.layout.tls_ca_cert(org.key)),
        "mspId": org.msp_id,
        "certPath": str(paths.cert),
        "keyPath": str(paths.key),
        "channel": net.topology.channel,
        "chaincode": chaincode,
        "callTimeoutMs": CALL_TIMEOUT_S * 1000,
    }


def _run_node(node: Path, request: dict[str, Any]) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = request["operations"]
    # Each submit is at most endorse + submit + commit status, and events bound themselves;
    # the whole run stays inside pytest's own per-test timeout.
    budget = 30 + 3 * CALL_TIMEOUT_S * len(operations)
    budget += sum(int(op.get("timeoutMs", 0)) // 1000 for op in operations)
    budget = min(budget, NODE_BUDGET_S)
    completed = subprocess.run(
        [str(node), str(SCRIPT)],
        input=json.dumps(request).encode(),
        capture_output=True,
        check=False,
        timeout=budget,
        cwd=HERE,
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    answer: dict[str, Any] = json.loads(completed.stdout)
    assert answer["version"].startswith("1.11."), answer["version"]
    results: list[dict[str, Any]] = answer["results"]
    assert len(results) == len(operations)
    return results


def _node_outcome(entry: dict[str, Any]) -> Outcome:
    if entry["ok"]:
        status = entry.get("status") or {}
        return Outcome(
            True,
            base64.b64decode(entry["result"]),
            entry["transactionId"],
            status.get("code"),
            status.get("blockNumber"),
        )
    error = entry["error"]
    details = [ErrorDetail(d["address"], d["mspId"], d["message"]) for d in error["details"]]
    # Our SDK's parser applied to the official client's error: the same code must come out.
    parsed = GatewayError(error["message"], details=details)
    return Outcome(
        False,
        transaction_id=error["transactionId"],
        chaincode_code=parsed.chaincode_code,
        error_texts=(error["message"], *(d.message for d in details)),
    )


def _node_events(entry: dict[str, Any]) -> list[Event]:
    assert entry["ok"], entry
    return [
        Event(e["blockNumber"], e["transactionId"], e["eventName"], base64.b64decode(e["payload"]))
        for e in entry["events"]
    ]


def _python_events(
    network: Network, chaincode: str, start_block: int, transaction_ids: Sequence[str]
) -> list[Event]:
    """Events of ``transaction_ids`` from ``start_block``; stops when all came or on timeout."""
    wanted = set(transaction_ids)
    found: list[Event] = []
    try:
        with network.get_chaincode_events(
            chaincode, start_block=start_block, timeout=EVENTS_TIMEOUT_S
        ) as events:
            for event in events:
                if event.transaction_id not in wanted:
                    continue  # another test's event on the same chaincode
                assert event.chaincode_name == chaincode
                found.append(
                    Event(event.block_number, event.transaction_id, event.event_name, event.payload)
                )
                wanted.discard(event.transaction_id)
                if not wanted:
                    break
    except GatewayError as error:
        if error.code != grpc.StatusCode.DEADLINE_EXCEEDED:
            raise
    return found


def _assert_same_outcomes(ours: Sequence[Outcome], theirs: Sequence[Outcome]) -> None:
    assert len(ours) == len(theirs)
    for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
        where = f"operation {index}"
        assert mine.ok == other.ok, f"{where}: {mine} vs {other}"
        assert mine.result == other.result, where
        assert mine.status_code == other.status_code, where
        assert mine.chaincode_code == other.chaincode_code, where
        if not mine.ok:
            assert mine.chaincode_code is not None, f"{where}: no stable code in {mine}"
            # The code is in the official client's own text, not an artefact of our parser.
            assert any(f"{mine.chaincode_code}: " in t for t in other.error_texts), where


def _fresh_run_id() -> str:
    return uuid.uuid4().hex[:10]


# --------------------------------------------------------------------------- 1: same results


@pytest.mark.network
@pytest.mark.interop
def test_node_and_python_clients_get_identical_results(
    consortium: Consortium, client_factory: ClientFactory, node_client: Path
) -> None:
    run = _fresh_run_id()
    greeting = f"{run}-greeting"
    # Each operation gives the same answer whether it runs first or second, so the two
    # clients can run the same list one after the other on the same keys.
    ops = [
        Op("submit", "put_state", (greeting, "salaam سلام")),
        Op("evaluate", "get_state", (greeting,)),
        Op("submit", "put_composite", ("bond", json.dumps([run, "PKTB-2026-03"]), "100")),
        Op("evaluate", "get_by_partial", ("bond", json.dumps([run]))),
        Op("submit", "put_batch", (json.dumps({f"{run}-a": "1", f"{run}-b": "2"}),)),
        Op("evaluate", "get_multiple", (json.dumps([f"{run}-a", f"{run}-b", f"{run}-none"]),)),
        Op("evaluate", "whoami"),
        Op("evaluate", "get_state", (f"{run}-never-written",)),
    ]
    contract = _network(client_factory, consortium, "Treasury", "admin").get_contract("conformance")
    ours = _run_python(contract, ops)
    request = _node_request(consortium, "Treasury", "admin", "conformance")
    history = Op("evaluate", "history", (greeting,))
    node_results = _run_node(
        node_client, {**request, "operations": [op.to_json() for op in [*ops, history]]}
    )
    theirs = [_node_outcome(entry) for entry in node_results]

    assert all(o.ok for o in ours), ours
    _assert_same_outcomes(ours, theirs[: len(ops)])
    assert ours[1].result == "salaam سلام".encode()
    assert ours[3].result == theirs[3].result != b"[]"
    assert json.loads(ours[5].result) == ["1", "2", ""]
    for mine, other, op in zip(ours, theirs[: len(ops)], ops, strict=True):
        assert mine.transaction_id is not None
        assert TX_ID.match(mine.transaction_id)
        assert other.transaction_id is not None
        assert TX_ID.match(other.transaction_id)
        assert mine.transaction_id != other.transaction_id
        if op.kind == "submit":
            assert mine.status_code == other.status_code == 0  # VALID
            assert mine.block_number is not None
            assert other.block_number is not None
            assert mine.block_number <= other.block_number  # ours committed first

    # Both writes are on the ledger, and both clients read the same history bytes.
    ours_history = contract.evaluate("history", arguments=[greeting])
    assert theirs[-1].ok
    assert theirs[-1].result == ours_history
    writers = {entry["tx_id"] for entry in json.loads(ours_history)}
    assert {ours[0].transaction_id, theirs[0].transaction_id} <= writers


# --------------------------------------------------------------------------- 2: events


@pytest.mark.network
@pytest.mark.interop
def test_each_client_reads_the_chaincode_events_of_the_other(
    consortium: Consortium, client_factory: ClientFactory, node_client: Path
) -> None:
    run = _fresh_run_id()
    payloads = [f"{run} payload {i} ✓" for i in range(3)]
    network = _network(client_factory, consortium, "CentralBank", "admin")
    contract = network.get_contract("conformance")

    # Ours first: three events, each committed before the next is sent.
    py_ops = [Op("submit", "emit_event", (f"py-{run}-{i}", p)) for i, p in enumerate(payloads)]
    ours = _run_python(contract, py_ops)
    assert all(o.ok and o.status_code == 0 for o in ours), ours
    ours_expected = [
        Event(o.block_number or 0, o.transaction_id or "", op.args[0], op.args[1].encode())
        for o, op in zip(ours, py_ops, strict=True)
    ]

    # The official client emits its own three, then reads ours from our first block.
    node_ops = [Op("submit", "emit_event", (f"node-{run}-{i}", p)) for i, p in enumerate(payloads)]
    request = _node_request(consortium, "Exchange", "admin", "conformance")
    read_ours = {
        "kind": "events",
        "startBlock": ours_expected[0].block_number,
        "transactionIds": [e.transaction_id for e in ours_expected],
        "timeoutMs": EVENTS_TIMEOUT_S * 1000,
    }
    results = _run_node(
        node_client, {**request, "operations": [*(op.to_json() for op in node_ops), read_ours]}
    )
    theirs = [_node_outcome(entry) for entry in results[: len(node_ops)]]
    assert all(o.ok and o.status_code == 0 for o in theirs), theirs
    assert _node_events(results[-1]) == ours_expected

    # Ours reads theirs from their first block.
    theirs_expected = [
        Event(o.block_number or 0, o.transaction_id or "", op.args[0], op.args[1].encode())
        for o, op in zip(theirs, node_ops, strict=True)
    ]
    seen = _python_events(
        network,
        "conformance",
        theirs_expected[0].block_number,
        [e.transaction_id for e in theirs_expected],
    )
    assert seen == theirs_expected


# --------------------------------------------------------------------------- 3: peer CLI


def _peer_cli_query(net: Consortium, org_name: str, chaincode: str, args: list[str]) -> bytes:
    """``peer chaincode query --hex`` as the org's admin (the env ``peer_cli`` uses), bounded.

    ``--hex`` prints the response payload as lower-case hex and a newline, so the bytes the
    CLI received are compared exactly, with no string formatting in between.
    """
    org = net.topology.org(org_name)
    argv = [
        str(net.fabric.tool("peer")),
        "chaincode",
        "query",
        "-C",
        net.topology.channel,
        "-n",
        chaincode,
        "-c",
        json.dumps({"Args": args}),
        "--hex",
        "--peerAddresses",
        org.gateway_peer.address,
        "--tlsRootCertFiles",
        str(net.layout.tls_ca_cert(org.key)),
    ]
    completed = subprocess.run(
        argv,
        env=net.admin_env(org),
        capture_output=True,
        text=True,
        check=False,
        timeout=PEER_CLI_TIMEOUT_S,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    printed = completed.stdout.strip()
    assert re.fullmatch(r"(?:[0-9a-f]{2})*", printed), printed
    return bytes.fromhex(printed)


@pytest.mark.network
@pytest.mark.interop
def test_the_peer_cli_reads_what_our_sdk_wrote(
    consortium: Consortium, client_factory: ClientFactory
) -> None:
    run = _fresh_run_id()
    key, value = f"{run}-cli", f"T-bill {run} ✓ 99.125"
    contract = _network(client_factory, consortium, "Treasury", "admin").get_contract("conformance")
    assert contract.submit("put_state", arguments=[key, value]) == b""

    # Read back through another org's peer as well: the value is on the channel's ledger.
    for org in ("Treasury", "CentralBank", "Exchange"):
        assert _peer_cli_query(consortium, org, "conformance", ["get_state", key]) == (
            value.encode()
        )
    assert _peer_cli_query(consortium, "Exchange", "conformance", ["get_state", f"{run}-no"]) == (
        b""
    )


# --------------------------------------------------------------------------- 4: our chaincode


@pytest.mark.network
@pytest.mark.interop
def test_the_official_client_drives_our_sovereign_chaincode(
    consortium: Consortium, client_factory: ClientFactory, node_client: Path
) -> None:
    run = _fresh_run_id()
    chaincode = consortium.topology.chaincode.name
    # Whether governance is bootstrapped depends on earlier tests; both clients run back to
    # back, so they must agree either way, and every refusal carries a stable code.
    ops = [
        Op("evaluate", "governance:Get"),
        Op("evaluate", "instrument:List"),
        Op("evaluate", "instrument:Get", (f"NO-SUCH-{run.upper()}",)),  # a well-formed id
        Op("evaluate", "governance:NoSuchTransaction"),
        Op("submit", "cash:Mint", (f"ACC-{run}", "1000")),
    ]
    contract = _network(client_factory, consortium, "Exchange", "investor1").get_contract(chaincode)
    ours = _run_python(contract, ops)
    request = _node_request(consortium, "Exchange", "investor1", chaincode)
    results = _run_node(node_client, {**request, "operations": [op.to_json() for op in ops]})
    theirs = [_node_outcome(entry) for entry in results]

    _assert_same_outcomes(ours, theirs)
    assert ours[0].ok or ours[0].chaincode_code == "NOT_FOUND"
    if ours[0].ok:
        assert ours[1].ok
        assert isinstance(json.loads(ours[1].result), list)
        assert ours[2].chaincode_code == "UNKNOWN_INSTRUMENT"
    else:  # every read needs governance: who reads what is decided by the org roles
        assert ours[1].chaincode_code == ours[2].chaincode_code == "NOT_FOUND"
    assert ours[3].chaincode_code == "UNKNOWN_FUNCTION"
    # An investor may never mint: refused at endorsement, by role (or for want of governance).
    assert ours[4].chaincode_code in {"UNAUTHORIZED", "NOT_FOUND"}
    assert not theirs[4].ok
    assert results[4]["error"]["name"] == "EndorseError"
    assert theirs[4].transaction_id is not None
    assert TX_ID.match(theirs[4].transaction_id)


# --------------------------------------------------------------------------- the harness


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "harness")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.interop
def test_the_node_harness_reports_each_failure_and_never_hangs(
    node_client: Path, tmp_path: Path
) -> None:
    """Offline: a listener that accepts TCP but never answers TLS, so every call must time out."""
    cert_path, key_path = _self_signed(tmp_path)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        request = {
            "peerAddress": f"127.0.0.1:{port}",
            "hostOverride": "peer0.treasury.sovereign.test",
            "tlsRootCertPath": str(cert_path),
            "mspId": "TreasuryMSP",
            "certPath": str(cert_path),
            "keyPath": str(key_path),
            "channel": "sovereign",
            "chaincode": "conformance",
            "callTimeoutMs": 1500,
            "operations": [
                Op("evaluate", "get_state", ("k",)).to_json(),
                Op("submit", "put_state", ("k", "v")).to_json(),
                {"kind": "events", "startBlock": 0, "transactionIds": ["x"], "timeoutMs": 1000},
                {"kind": "no-such-kind"},
            ],
        }
        evaluate, submit, events, unknown = _run_node(node_client, request)

    deadline_exceeded = grpc.StatusCode.DEADLINE_EXCEEDED.value[0]
    assert not evaluate["ok"]
    assert evaluate["error"]["code"] == deadline_exceeded
    assert not submit["ok"]
    assert submit["error"]["name"] == "EndorseError"
    assert submit["error"]["code"] == deadline_exceeded
    assert TX_ID.match(submit["error"]["transactionId"])
    assert events == {"ok": True, "timedOut": True, "events": []}
    assert not unknown["ok"]
    assert "no-such-kind" in unknown["error"]["message"]
