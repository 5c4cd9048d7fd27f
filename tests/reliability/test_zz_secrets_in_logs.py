"""After the rest of the suite: no private key, transient data or registered personal data in
any process's log or in the CLI's output.

Runs last in the tier (file order). It drives the CLI once through a registration with
personal data, its refusal paths and the status report, then scans every log file of the
consortium (peers, orderers, chaincode servers, whatever ran on it this session) and what
the CLI printed for:

- every private key under the network's crypto material (its PEM body, in one piece or
  line by line) and any PEM private key header;
- the personal data sent as transient data by this tier, the demo and the CLI (the raw
  bytes, their base64 and hex forms).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sovereign_assets.schema.messages import InvestorSpec
from sovereign_network.network import Network

from .ledger import PERSONAL_DATA_MARKERS, home_logs, personal_data

pytestmark = pytest.mark.network

CLI_INVESTOR = "INV-RELSCAN"
CLI_PII = json.dumps(
    {"name": "Scan Subject Q7Z", "cnic": "35202-9999999-5", "phone": "+92-300-5550199"}
).encode()
DEMO_PII_MARKER = "42101-0000000-1"  # what the demo registers


def forms(secret: bytes) -> list[bytes]:
    """``secret`` as it could appear in a log: raw, base64, hex."""
    return [secret, base64.b64encode(secret), secret.hex().encode()]


def key_bodies(net: Network) -> list[bytes]:
    """The base64 body of every private key of the network, whole and line by line."""
    bodies: list[bytes] = []
    for path in (net.home / "crypto").rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes()
        if b"PRIVATE KEY" not in text:
            continue
        lines = [
            line.strip() for line in text.splitlines() if line and not line.startswith(b"-----")
        ]
        bodies.append(b"".join(lines))
        bodies += [line for line in lines if len(line) >= 40]
    return bodies


def sov(net: Network, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOV_HOME": str(net.home)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "sov"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.usefixtures("demo_lifecycle")  # the register the CLI registers into, bootstrapped
def test_no_log_or_cli_output_holds_a_key_transient_or_personal_data(
    consortium: Network, tmp_path: Path
) -> None:
    spec = tmp_path / "investor.json"
    spec.write_text(
        json.dumps(
            {
                "investor_id": CLI_INVESTOR,
                "kyc": "VERIFIED",
                "residency": "RESIDENT",
                "investor_type": "INDIVIDUAL",
                "tax_status": "FILER",
            }
        )
    )
    pii = tmp_path / "investor.pii.json"
    pii.write_bytes(CLI_PII)
    bad_spec = tmp_path / "bad.json"
    bad_spec.write_text(json.dumps({"investor_id": "", "kyc": "NOPE"}))
    runs = [
        sov(
            consortium,
            "--as",
            "CentralBank/dealer1",
            "investor",
            "register",
            "--file",
            str(spec),
            "--pii-file",
            str(pii),
        ),
        sov(consortium, "--as", "CentralBank/dealer1", "investor", "show", CLI_INVESTOR, "--json"),
        # Refusals: already registered, a malformed spec, a caller without the duty.
        sov(
            consortium,
            "--as",
            "CentralBank/dealer1",
            "investor",
            "register",
            "--file",
            str(spec),
            "--pii-file",
            str(pii),
            "--json",
        ),
        sov(
            consortium,
            "--as",
            "CentralBank/dealer1",
            "investor",
            "register",
            "--file",
            str(bad_spec),
            "--pii-file",
            str(pii),
        ),
        sov(
            consortium,
            "--as",
            "Treasury/auditor",
            "investor",
            "register",
            "--file",
            str(spec),
            "--pii-file",
            str(pii),
        ),
        sov(consortium, "network", "status"),
        sov(consortium, "network", "status", "--json"),
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert any(r.returncode != 0 for r in runs[2:5])
    InvestorSpec(**json.loads(spec.read_text()))  # the spec the CLI sent is a real one

    secrets: dict[str, list[bytes]] = {"PEM private key header": [b"PRIVATE KEY-----"]}
    secrets["private key material"] = key_bodies(consortium)
    assert secrets["private key material"], "no private keys found to look for"
    personal = [
        CLI_PII,
        personal_data("PD-ALPHA"),
        personal_data("PD-BETA"),
        *(m.encode() for m in PERSONAL_DATA_MARKERS),
        b"Scan Subject Q7Z",
        b"35202-9999999-5",
        DEMO_PII_MARKER.encode(),
    ]
    secrets["transient or personal data"] = [f for p in personal for f in forms(p)]

    sources: dict[str, bytes] = {str(p): p.read_bytes() for p in home_logs(consortium)}
    # 3 orderers, 3 peers, chaincode servers, CAs, the killed clients' error logs.
    assert len(sources) >= 9, sorted(sources)
    for n, run in enumerate(runs):
        sources[f"cli run {n} stdout"] = run.stdout.encode()
        sources[f"cli run {n} stderr"] = run.stderr.encode()
    hits = [
        f"{what} in {where}"
        for where, content in sources.items()
        for what, needles in secrets.items()
        for needle in needles
        if needle and needle in content
    ]
    scanned = sum(len(c) for c in sources.values())
    print(f"\nsecrets scan: {len(sources)} sources, {scanned} bytes, {len(hits)} hits")
    assert hits == []
