"""Interop with the official Node client (@hyperledger/fabric-gateway 1.11), offline.

``build_proposal.js`` builds a proposal with the official client (no peer involved); these tests
decode its bytes and ours with the generated protobuf classes and compare every field that is
not random, then cross-check digests and signatures in both directions.

Skipped only when ``node``/``npm`` are missing. ``npm ci`` installs the pinned client into
``tests/interop/node_modules`` on first use (needs the npm registry once).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.x509.oid import NameOID
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2

from fabric_gateway import X509Identity, connect, new_private_key_signer
from fabric_gateway import _protos as our_protos

pytestmark = pytest.mark.interop

HERE = Path(__file__).parent
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@pytest.fixture(scope="module")
def node_client() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run the official Fabric Gateway client")
    if not (HERE / "node_modules" / "@hyperledger" / "fabric-gateway").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300)
    return Path(node)


@pytest.fixture(scope="module")
def key_and_cert() -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dealer1@exchange")])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _run_official(node: Path, request: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        [str(node), str(HERE / "build_proposal.js")],
        input=json.dumps(request).encode(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


def _decode(proposed_bytes: bytes) -> dict[str, Any]:
    proposed = gateway_pb2.ProposedTransaction.FromString(proposed_bytes)
    proposal = proposal_pb2.Proposal.FromString(proposed.proposal.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    return {
        "proposed": proposed,
        "proposal": proposal,
        "channel_header": common_pb2.ChannelHeader.FromString(header.channel_header),
        "signature_header": common_pb2.SignatureHeader.FromString(header.signature_header),
        "payload": payload,
        "spec": chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec,
    }


ARGS = [b"PKTB-2026-03", b"bank-b", b"\x00\xff raw"]
TRANSIENT = {"price": b"99.125"}
ORGS = ["TreasuryMSP", "ExchangeMSP"]


def test_proposal_matches_the_official_client(
    node_client: Path, key_and_cert: tuple[ec.EllipticCurvePrivateKey, bytes]
) -> None:
    key, cert_pem = key_and_cert
    identity = X509Identity("ExchangeMSP", cert_pem)
    gateway = connect(
        client=grpc.insecure_channel("127.0.0.1:1"),
        identity=identity,
        signer=new_private_key_signer(key),
    )
    ours = (
        gateway.get_network("sovereign")
        .get_contract("assets", "TradeContract")
        .new_proposal(
            "Settle", arguments=ARGS, transient_data=TRANSIENT, endorsing_organizations=ORGS
        )
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    theirs_answer = _run_official(
        node_client,
        {
            "mspId": "ExchangeMSP",
            "certPem": cert_pem.decode(),
            "keyPem": key_pem,
            "channel": "sovereign",
            "chaincode": "assets",
            "contract": "TradeContract",
            "fn": "Settle",
            "args": [_b64(a) for a in ARGS],
            "transient": {k: _b64(v) for k, v in TRANSIENT.items()},
            "orgs": ORGS,
            "ourProposal": _b64(ours.bytes()),
        },
    )
    assert theirs_answer["version"].startswith("1.11.")
    their_bytes = base64.b64decode(theirs_answer["proposal"])
    theirs, mine = _decode(their_bytes), _decode(ours.bytes())

    # Fields that are not random are equal.
    for part, fields in {
        "channel_header": ("type", "version", "channel_id", "epoch", "extension", "tls_cert_hash"),
        "signature_header": ("creator",),
        "spec": ("type", "chaincode_id", "input"),
        "proposed": ("endorsing_organizations",),
        "proposal": ("extension",),
    }.items():
        for name in fields:
            assert getattr(theirs[part], name) == getattr(mine[part], name), f"{part}.{name}"
    assert list(theirs["spec"].input.args) == [b"TradeContract:Settle", *ARGS]
    assert dict(theirs["payload"].TransientMap) == dict(mine["payload"].TransientMap) == TRANSIENT
    assert theirs["payload"].input == mine["payload"].input
    assert theirs["proposed"].proposal.signature == mine["proposed"].proposal.signature == b""

    # Transaction IDs follow the same derivation from each side's own nonce.
    their_sh = theirs["signature_header"]
    assert len(their_sh.nonce) == len(mine["signature_header"].nonce) == 24
    their_tx_id = hashlib.sha256(their_sh.nonce + their_sh.creator).hexdigest()
    assert theirs_answer["transactionId"] == their_tx_id
    assert theirs["channel_header"].tx_id == theirs["proposed"].transaction_id == their_tx_id

    # With their random parts, our builder reproduces their bytes exactly.
    stamp = theirs["channel_header"].timestamp
    rebuilt = our_protos.proposed_transaction_bytes(
        our_protos.build_proposal(
            channel_name="sovereign",
            chaincode_name="assets",
            transaction_name="TradeContract:Settle",
            arguments=ARGS,
            transient_data=TRANSIENT,
            endorsing_organizations=ORGS,
            creator=their_sh.creator,
            nonce=their_sh.nonce,
            transaction_id=their_tx_id,
            timestamp_ns=stamp.seconds * 1_000_000_000 + stamp.nanos,
        )
    )
    assert rebuilt == their_bytes

    # Each client reads the other's serialized proposal the same way.
    assert theirs_answer["ourProposal"]["transactionId"] == ours.transaction_id
    assert base64.b64decode(theirs_answer["ourProposal"]["digest"]) == ours.digest()
    from_theirs = gateway.new_proposal(their_bytes)
    assert from_theirs.transaction_id == their_tx_id
    assert from_theirs.digest() == base64.b64decode(theirs_answer["digest"])


def test_signatures_verify_both_ways(
    node_client: Path, key_and_cert: tuple[ec.EllipticCurvePrivateKey, bytes]
) -> None:
    key, cert_pem = key_and_cert
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    base = {
        "mspId": "ExchangeMSP",
        "certPem": cert_pem.decode(),
        "keyPem": key_pem,
        "channel": "sovereign",
        "chaincode": "assets",
        "fn": "GetHolding",
        "args": [_b64(b"bank-a")],
    }
    first = _run_official(node_client, base)
    proposal_bytes = _decode(base64.b64decode(first["proposal"]))[
        "proposed"
    ].proposal.proposal_bytes
    digest = base64.b64decode(first["digest"])
    assert digest == hashlib.sha256(proposal_bytes).digest()

    # Their signature verifies with cryptography, as a peer would check it, and is low-S.
    their_signature = base64.b64decode(first["signature"])
    key.public_key().verify(their_signature, proposal_bytes, ec.ECDSA(hashes.SHA256()))
    assert utils.decode_dss_signature(their_signature)[1] <= P256_N // 2

    # Our signature over the same digest verifies in node:crypto.
    our_signature = new_private_key_signer(key).sign(digest)
    second = _run_official(
        node_client,
        {**base, "verify": {"message": _b64(proposal_bytes), "signature": _b64(our_signature)}},
    )
    assert second["verified"] is True
