"""The web application over a recorded projection: pages, who sees what, sign-in.

The public pages must carry no account id at all (aggregates only); a member signed in
with a certificate from a channel MSP's CA sees holders, trades and cash balances;
sign-in refuses other CAs, wrong signatures, stale or reused challenges.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.testclient import TestClient
from tests.contract.scenario import BILL, BOND

from fabric_gateway import new_private_key_signer
from sovereign_explorer import Hub, LoginVerifier, Projection, create_app, login_token, open_engine
from sovereign_explorer.access import LoginError

from .recorded import CHAINCODE, Recorded, market_schedule

ACCOUNT_ID = re.compile(r"\b(?:SGL|IPS|TREASURY|FBR)-[A-Z0-9-]+\b")
PAGES = ("/", "/auctions", "/settlement", "/ledger", f"/instruments/{BOND}", f"/instruments/{BILL}")


def _ca(name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"ca.{name}")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _member(
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    name: str,
    *,
    expired: bool = False,
    role: str = "primary_dealer",
) -> tuple[bytes, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC) - (dt.timedelta(days=60) if expired else dt.timedelta(0))
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name}@centralbank.test")])
        )
        .issuer_name(ca[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.UnrecognizedExtension(
                x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1"),
                b'{"attrs":{"role":"%s","hf.EnrollmentID":"%s"}}' % (role.encode(), name.encode()),
            ),
            critical=False,
        )
        .sign(ca[1], hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM), key


CENTRAL_BANK_CA = _ca("centralbank")
OTHER_CA = _ca("elsewhere")


@pytest.fixture(scope="module")
def projection(recorded: Recorded, tmp_path_factory: pytest.TempPathFactory) -> Projection:
    path = tmp_path_factory.mktemp("web") / "web.sqlite3"
    projection = Projection(
        open_engine(f"sqlite:///{path}"), CHAINCODE, market_schedule(recorded.market)
    )
    for block in recorded.blocks:
        projection.apply(block)
    return projection


@pytest.fixture
def verifier() -> LoginVerifier:
    pem = CENTRAL_BANK_CA[0].public_bytes(serialization.Encoding.PEM)
    return LoginVerifier({"CentralBankMSP": [pem]})


@pytest.fixture
def client(projection: Projection, verifier: LoginVerifier) -> Iterator[TestClient]:
    with TestClient(create_app(projection.engine, verifier=verifier)) as client:
        yield client


def _sign_in(client: TestClient, cert: bytes, key: ec.EllipticCurvePrivateKey) -> int:
    page = client.get("/login").text
    match = re.search(r'name="challenge" value="([^"]+)"', page)
    assert match
    token = login_token(match.group(1), cert, new_private_key_signer(key))
    response = client.post(
        "/login", data={"challenge": match.group(1), "token": token}, follow_redirects=False
    )
    return response.status_code


def test_public_pages_carry_aggregates_and_no_account(client: TestClient) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not ACCOUNT_ID.findall(response.text), path
        assert "Public view" in response.text
    overview = client.get("/").text
    assert "PKR 500,000,000.00" in overview  # the bond's outstanding face
    assert "7.0000%" in overview
    auctions = client.get("/auctions").text
    assert "95.1000" in auctions  # the primary auction's cut-off price
    assert "PKR 300,000,000.00" in auctions  # accepted
    assert "all bids rejected" in auctions
    settlement = client.get("/settlement").text
    assert "98.7031" in settlement
    assert 'id="trades"' not in settlement
    for chart in ("/charts/outstanding.svg", "/charts/yields.svg"):
        svg = client.get(chart)
        assert svg.headers["content-type"].startswith("image/svg+xml")
        assert "<polyline" in svg.text
        assert not ACCOUNT_ID.findall(svg.text)


def test_pages_are_complete_without_javascript_and_locked_down(client: TestClient) -> None:
    response = client.get("/")
    assert 'name="viewport"' in response.text
    assert "<script>" not in response.text  # the only script is the live-update file
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert client.get("/instruments/NOPE").status_code == 404


def test_a_member_sees_holders_trades_and_cash_with_its_own_accounts_marked(
    client: TestClient,
) -> None:
    cert, key = _member(CENTRAL_BANK_CA, "alpha-ops")
    assert _sign_in(client, cert, key) == 303
    overview = client.get("/").text
    assert "Member view: CentralBankMSP/alpha-ops (primary_dealer)" in overview
    holders = client.get(f"/instruments/{BOND}").text
    assert 'id="holders"' in holders
    assert re.search(r'class="yours"><th scope="row">SGL-ALPHA', holders)
    settlement = client.get("/settlement").text
    assert 'data-instruction="TRD-0001"' in settlement
    assert 'data-instruction="TRD-0003"' in settlement
    assert 'id="cash"' in settlement
    # Investor records are never projected: no owner, residency or tax status anywhere.
    for path in PAGES:
        text = client.get(path).text
        for private in ("INV-AYESHA", "NON_FILER", "NON_RESIDENT", "cnic"):
            assert private not in text, (path, private)
    client.post("/logout")
    assert not ACCOUNT_ID.findall(client.get("/settlement").text)


def test_a_member_sees_only_its_own_rows_and_the_regulator_all(client: TestClient) -> None:
    """The chaincode's read rule: another bank's holdings and cash are not shown to a
    dealer; the central bank's registrar sees them."""
    cert, key = _member(CENTRAL_BANK_CA, "alpha-ops")
    assert _sign_in(client, cert, key) == 303
    holders = client.get(f"/instruments/{BOND}").text
    assert '<th scope="row">SGL-ALPHA' in holders
    assert '<th scope="row">SGL-BETA' not in holders
    client.post("/logout")
    cert, key = _member(CENTRAL_BANK_CA, "sgl-desk", role="registrar")
    assert _sign_in(client, cert, key) == 303
    holders = client.get(f"/instruments/{BOND}").text
    assert '<th scope="row">SGL-ALPHA' in holders
    assert '<th scope="row">SGL-BETA' in holders
    client.post("/logout")


def test_sign_in_refuses_other_cas_expired_certificates_and_reused_challenges(
    client: TestClient, verifier: LoginVerifier
) -> None:
    stranger, stranger_key = _member(OTHER_CA, "mallory")
    assert _sign_in(client, stranger, stranger_key) == 403
    expired, expired_key = _member(CENTRAL_BANK_CA, "old", expired=True)
    assert _sign_in(client, expired, expired_key) == 403
    cert, key = _member(CENTRAL_BANK_CA, "alpha-ops")
    _, other_key = _member(CENTRAL_BANK_CA, "beta-ops")
    challenge = verifier.challenge()
    with pytest.raises(LoginError, match="signature"):
        verifier.verify(challenge, login_token(challenge, cert, new_private_key_signer(other_key)))
    token = login_token(challenge, cert, new_private_key_signer(key))
    assert verifier.verify(challenge, token).controller_id == "CentralBankMSP/alpha-ops"
    with pytest.raises(LoginError, match="used"):
        verifier.verify(challenge, token)
    with pytest.raises(LoginError, match="challenge"):
        verifier.verify("forged." + challenge, token)
    with pytest.raises(LoginError, match="token"):
        verifier.verify(verifier.challenge(), "not a token")


def test_the_hub_gives_each_stream_the_newest_height() -> None:
    async def scenario() -> list[int]:
        hub = Hub()
        hub.bind(asyncio.get_running_loop())
        stream = hub.subscribe()
        first = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0)
        hub.publish(7)  # block 7 applied: height 8
        seen = [await first]
        hub.publish(8)
        hub.publish(9)
        await asyncio.sleep(0)
        seen.append(await anext(stream))
        await stream.aclose()
        return seen

    assert asyncio.run(scenario()) == [8, 10]


def test_public_view_only_without_a_verifier(projection: Projection, tmp_path: Path) -> None:
    with TestClient(create_app(projection.engine)) as client:
        assert client.get("/login").status_code == 404
        assert "Member sign-in" not in client.get("/").text
        assert client.get("/healthz").json()["height"] == projection.next_block
