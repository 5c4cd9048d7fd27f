"""Generated crypto material has the shape and the chains Fabric's MSP checks."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sovereign_network import crypto, topology


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> tuple[topology.Topology, crypto.Layout]:
    topo = topology.load()
    home = tmp_path_factory.mktemp("home")
    return topo, crypto.generate(topo, home)


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _ou(cert: x509.Certificate) -> str:
    return str(cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value)


def test_every_identity_chains_to_its_org_ca_with_the_right_node_ou(
    material: tuple[topology.Topology, crypto.Layout],
) -> None:
    topo, layout = material
    for org in topo.orgs:
        ca = _cert(layout.ca_cert(org.key))
        for peer in org.peers:
            cert = _cert(layout.peer(org.key, peer.host).cert)
            cert.verify_directly_issued_by(ca)
            assert _ou(cert) == "peer"
        admin = _cert(layout.user(org.key, "admin").cert)
        admin.verify_directly_issued_by(ca)
        assert _ou(admin) == "admin"
        for user in org.users:
            cert = _cert(layout.user(org.key, user.name).cert)
            cert.verify_directly_issued_by(ca)
            assert _ou(cert) == "client"
    oo = topo.orderer_org
    ca = _cert(layout.ca_cert(oo.key))
    for o in oo.orderers:
        cert = _cert(layout.orderer(oo.key, o.host).cert)
        cert.verify_directly_issued_by(ca)
        assert _ou(cert) == "orderer"


def test_tls_certificates_name_the_loopback_address_and_chain_to_the_tls_ca(
    material: tuple[topology.Topology, crypto.Layout],
) -> None:
    topo, layout = material
    org = topo.orgs[0]
    tls_ca = _cert(layout.tls_ca_cert(org.key))
    peer = layout.peer(org.key, org.peers[0].host)
    cert = _cert(peer.tls_cert)
    cert.verify_directly_issued_by(tls_ca)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert org.peers[0].host in sans.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)]
    assert peer.tls_ca.read_bytes() == layout.tls_ca_cert(org.key).read_bytes()


def test_client_users_carry_their_role_attributes(
    material: tuple[topology.Topology, crypto.Layout],
) -> None:
    topo, layout = material
    org = topo.org("Treasury")
    cert = _cert(layout.user(org.key, "debtoffice").cert)
    ext = cert.extensions.get_extension_for_oid(crypto.ATTRIBUTE_OID).value
    assert isinstance(ext, x509.UnrecognizedExtension)
    attrs = json.loads(ext.value)["attrs"]
    assert attrs == {"hf.EnrollmentID": "debtoffice", "hf.Type": "client", "role": "issuer"}


def test_keys_match_certificates_and_are_private(
    material: tuple[topology.Topology, crypto.Layout],
) -> None:
    topo, layout = material
    node = layout.user(topo.orgs[1].key, "admin")
    key = serialization.load_pem_private_key(node.key.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.public_key() == _cert(node.cert).public_key()
    assert stat.S_IMODE(node.key.stat().st_mode) == 0o600
    assert stat.S_IMODE(node.tls_key.stat().st_mode) == 0o600


def test_msp_folders_enable_node_ous(material: tuple[topology.Topology, crypto.Layout]) -> None:
    topo, layout = material
    config = (layout.org_msp(topo.orgs[0].key) / "config.yaml").read_text()
    assert "Enable: true" in config
    for ou in ("client", "peer", "admin", "orderer"):
        assert f"OrganizationalUnitIdentifier: {ou}" in config
    assert (layout.org_msp(topo.orgs[0].key) / "cacerts" / "ca.pem").is_file()


def test_a_new_user_is_issued_from_the_kept_ca(
    material: tuple[topology.Topology, crypto.Layout],
) -> None:
    topo, layout = material
    org = topo.org("Exchange")
    paths = crypto.issue_user(layout, org, "investor9", {"role": "investor"})
    cert = _cert(paths.cert)
    cert.verify_directly_issued_by(_cert(layout.ca_cert(org.key)))
    ext = cert.extensions.get_extension_for_oid(crypto.ATTRIBUTE_OID).value
    assert isinstance(ext, x509.UnrecognizedExtension)
    assert json.loads(ext.value)["attrs"]["role"] == "investor"


def test_complete_material_is_marked(material: tuple[topology.Topology, crypto.Layout]) -> None:
    _, layout = material
    assert layout.complete


def test_orgs_enrolled_at_a_fabric_ca_get_their_ca_key_and_tls_but_no_signing_identity(
    tmp_path: Path,
) -> None:
    topo = topology.load()
    treasury = topo.org("Treasury")
    layout = crypto.generate(topo, tmp_path, enrolled={"treasury", "orderer"})
    assert not layout.complete  # the enrollment completes it
    # The CA server signs with the org's CA key; its TLS certificate comes from the TLS CA.
    ca = _cert(layout.ca_signing_cert("treasury"))
    assert _cert(layout.ca_cert("treasury")) == ca
    assert stat.S_IMODE(layout.ca_signing_key("treasury").stat().st_mode) == 0o600
    server = _cert(layout.ca_server("treasury").tls_cert)
    server.verify_directly_issued_by(_cert(layout.tls_ca_cert("treasury")))
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "ca.treasury.sovereign.test" in names.get_values_for_type(x509.DNSName)
    # No signing identity for the enrolled orgs; TLS material for every identity.
    assert not layout.peer("treasury", treasury.gateway_peer.host).cert.exists()
    assert layout.peer("treasury", treasury.gateway_peer.host).tls_cert.is_file()
    assert not layout.user("treasury", "admin").cert.exists()
    assert layout.user("treasury", "debtoffice").tls_cert.is_file()
    assert not layout.orderer("orderer", topo.orderer_org.orderers[0].host).cert.exists()
    # The others are generated as before.
    assert layout.user("centralbank", "registrar").cert.is_file()
    assert not layout.ca_server("centralbank").tls_cert.exists()
