"""The consortium's identities come from each org's Fabric CA, which the network runs.

On the session consortium (every org, the orderer org too, has its own ``fabric-ca-server``):
every node, admin and user certificate was issued by its org's CA with its type as OU and its
role as a certificate attribute, which the chaincode reads; a user registered and enrolled at
an org's CA with the Python client submits at once, and again after a reenroll; ``sov identity
create`` enrolls at the org's CA; a user revoked at the CA, once its org's CRL is in the channel
configuration, is refused by every peer while the org's other users are not.
"""

from __future__ import annotations

import json
import uuid

import grpc
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.x509.oid import NameOID

from fabric_ca import Attribute, RevocationReason, certificate_attributes
from fabric_gateway import GatewayError
from sovereign_cli.main import cli
from sovereign_network.network import Network
from sovereign_network.topology import OrdererOrg, Org
from tests.consortium import ClientFactory

pytestmark = pytest.mark.network


def _cert(data: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(data)


def _ous(cert: x509.Certificate) -> list[str]:
    return [
        str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    ]


def _whoami(
    client_factory: ClientFactory, net: Network, org: str, user: str = "admin", **given: object
) -> dict[str, object]:
    client = client_factory(org, user, **given)
    contract = client.gateway.get_network(net.topology.channel).get_contract("conformance")
    answer: dict[str, object] = json.loads(contract.evaluate_transaction("whoami"))
    return answer


def test_every_identity_was_issued_by_its_org_ca_with_its_type_and_role(
    consortium: Network,
) -> None:
    net = consortium
    authorities: list[Org | OrdererOrg] = net.topology.ca_orgs()
    assert [org.key for org in authorities] == ["orderer", "treasury", "centralbank", "exchange"]
    status = net.status()
    assert status["orderer_ca"]["running"]
    assert all(org["ca"]["running"] for org in status["orgs"])
    for org in authorities:
        root = _cert(net.layout.ca_cert(org.key).read_bytes())
        info = net.ca_client(org).ca_info()
        assert info.version == "1.5.21"
        assert info.root_certificate == root  # the MSP's root is the CA's

        issued: list[tuple[bytes, str]] = []
        if isinstance(org, OrdererOrg):
            issued += [
                (net.layout.orderer(org.key, o.host).cert.read_bytes(), "orderer")
                for o in org.orderers
            ]
        else:
            issued += [
                (net.layout.peer(org.key, p.host).cert.read_bytes(), "peer") for p in org.peers
            ]
            for user in org.users:
                pem = net.layout.user(org.key, user.name).cert.read_bytes()
                issued.append((pem, "client"))
                attrs = certificate_attributes(pem)
                assert attrs["hf.EnrollmentID"] == user.name
                assert attrs["role"] == user.attrs["role"]
        issued.append((net.layout.user(org.key, "admin").cert.read_bytes(), "admin"))
        for pem, kind in issued:
            cert = _cert(pem)
            cert.verify_directly_issued_by(root)
            assert _ous(cert) == [kind]
            assert certificate_attributes(cert)["hf.Type"] == kind

        # The CA knows them: the registrar lists every identity it registered.
        listed = {i.id: i for i in net.ca_client(org).identities(net.ca_registrar(org))}
        for pem, kind in issued:
            enrollment_id = certificate_attributes(pem)["hf.EnrollmentID"]
            assert listed[enrollment_id].type == kind


def test_the_chaincode_reads_the_role_the_ca_put_in_the_certificate(
    consortium: Network, client_factory: ClientFactory
) -> None:
    who = _whoami(client_factory, consortium, "CentralBank", "registrar")
    assert who["msp_id"] == "CentralBankMSP"
    attributes = who["attributes"]
    assert isinstance(attributes, dict)
    assert attributes["role"] == "registrar"
    assert attributes["hf.EnrollmentID"] == "registrar"
    assert who["organizational_units"] == ["client"]


def test_a_user_registered_and_enrolled_at_the_org_ca_submits_and_again_after_reenroll(
    consortium: Network, client_factory: ClientFactory
) -> None:
    net = consortium
    exchange = net.topology.org("Exchange")
    ca = net.ca_client(exchange)
    name = f"trader-{uuid.uuid4().hex[:8]}"
    secret = ca.register(
        net.ca_registrar(exchange),
        name,
        attributes=[Attribute("role", "investor", ecert=True)],
    )
    enrolled = ca.enroll(name, secret)
    channel = net.topology.channel

    client = client_factory(
        "Exchange", certificate=enrolled.certificate, private_key=enrolled.private_key_pem()
    )
    contract = client.gateway.get_network(channel).get_contract("conformance")
    contract.submit_transaction("put_state", f"ca-{name}", "enrolled")
    assert contract.evaluate_transaction("get_state", f"ca-{name}") == b"enrolled"
    who = json.loads(contract.evaluate_transaction("whoami"))
    assert who["attributes"]["role"] == "investor"
    assert who["attributes"]["hf.EnrollmentID"] == name

    renewed = ca.reenroll(enrolled.credentials)
    assert renewed.x509.serial_number != enrolled.x509.serial_number
    again = client_factory(
        "Exchange", certificate=renewed.certificate, private_key=renewed.private_key_pem()
    )
    contract = again.gateway.get_network(channel).get_contract("conformance")
    contract.submit_transaction("put_state", f"ca-{name}", "reenrolled")
    assert contract.evaluate_transaction("get_state", f"ca-{name}") == b"reenrolled"
    assert certificate_attributes(renewed.certificate)["role"] == "investor"


def test_sov_identity_create_enrolls_the_user_at_the_org_ca(
    consortium: Network, client_factory: ClientFactory
) -> None:
    net = consortium
    name = f"desk{uuid.uuid4().hex[:6]}"
    result = CliRunner().invoke(
        cli,
        [
            "--home",
            str(net.home),
            "identity",
            "create",
            "Treasury",
            name,
            "--role",
            "auditor",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    pem = net.layout.user("treasury", name).cert.read_bytes()
    assert created["certificate"] == str(net.layout.user("treasury", name).cert)
    _cert(pem).verify_directly_issued_by(_cert(net.layout.ca_cert("treasury").read_bytes()))
    treasury = net.topology.org("Treasury")
    assert net.ca_client(treasury).identity(net.ca_registrar(treasury), name).type == "client"
    who = _whoami(client_factory, net, "Treasury", name)
    assert who["attributes"]["role"] == "auditor"  # type: ignore[index]


def test_a_revoked_user_is_refused_by_every_peer_once_its_org_crl_is_in_the_channel(
    consortium: Network, client_factory: ClientFactory
) -> None:
    net = consortium
    bank = net.topology.org("CentralBank")
    ca = net.ca_client(bank)
    name = f"leaver-{uuid.uuid4().hex[:8]}"
    secret = ca.register(
        net.ca_registrar(bank), name, attributes=[Attribute("role", "primary_dealer", ecert=True)]
    )
    enrolled = ca.enroll(name, secret)
    given = {"certificate": enrolled.certificate, "private_key": enrolled.private_key_pem()}
    channel = net.topology.channel
    before = client_factory("CentralBank", **given)
    contract = before.gateway.get_network(channel).get_contract("conformance")
    contract.submit_transaction("put_state", f"crl-{name}", "before")

    update = net.revoke("CentralBank", enrollment_id=name, reason=RevocationReason.KEY_COMPROMISE)
    assert update.msp_id == "CentralBankMSP"
    assert update.block is not None
    assert format(enrolled.x509.serial_number, "x") in update.revoked
    crls = net.channel_revocation_list("CentralBank")
    assert len(crls) == 1
    listed = x509.load_pem_x509_crl(crls[0])
    assert listed.get_revoked_certificate_by_serial_number(enrolled.x509.serial_number)

    # Every peer, of every org, refuses the revoked user's proposals.
    peers = [p for org in net.topology.orgs for p in org.peers]
    for peer in peers:
        client = client_factory("CentralBank", peer=peer, **given)
        contract = client.gateway.get_network(channel).get_contract("conformance")
        with pytest.raises(GatewayError) as refused:
            contract.submit_transaction("put_state", f"crl-{name}", "after")
        # The Gateway peer's own endorsement refuses the creator: its MSP checks the CRL.
        assert refused.value.code == grpc.StatusCode.ABORTED
        assert [(d.address, "access denied" in d.message) for d in refused.value.details] == [
            (peer.address, True)
        ]
        with pytest.raises(GatewayError) as unread:
            contract.evaluate_transaction("get_state", f"crl-{name}")
        assert "access denied" in str(unread.value)
    # The org's other users are not affected.
    registrar = client_factory("CentralBank", "registrar")
    contract = registrar.gateway.get_network(channel).get_contract("conformance")
    assert contract.evaluate_transaction("get_state", f"crl-{name}") == b"before"
    contract.submit_transaction("put_state", f"crl-{name}", "by-the-registrar")

    # The same CRL again changes nothing; the CLI says so.
    result = CliRunner().invoke(
        cli, ["--home", str(net.home), "channel", "update-crl", "CentralBank", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["block"] is None


def test_a_lost_key_is_replaced_the_old_one_refused_and_the_enrollment_id_kept(
    consortium: Network, client_factory: ClientFactory
) -> None:
    net = consortium
    name = f"keyloss{uuid.uuid4().hex[:6]}"
    paths = net.create_user(net.topology.org("Exchange"), name, {"role": "investor"})
    old = {"certificate": paths.cert.read_bytes(), "private_key": paths.key.read_bytes()}
    channel = net.topology.channel
    before = client_factory("Exchange", **old).gateway.get_network(channel)
    before.get_contract("conformance").submit_transaction("put_state", f"key-{name}", "old")

    result = CliRunner().invoke(
        cli, ["--home", str(net.home), "identity", "replace-key", "Exchange", name, "--json"]
    )
    assert result.exit_code == 0, result.output
    replaced = json.loads(result.output)
    assert replaced["channel_update"]["block"] is not None
    old_serial = _cert(old["certificate"]).serial_number
    assert format(old_serial, "x") in replaced["channel_update"]["revoked"]

    # The old key is refused; the new one, in the same place, acts as the same user.
    stale = client_factory("Exchange", **old).gateway.get_network(channel)
    with pytest.raises(GatewayError) as refused:
        stale.get_contract("conformance").submit_transaction("put_state", f"key-{name}", "thief")
    assert "access denied" in str(refused.value)
    assert paths.key.read_bytes() != old["private_key"]
    who = _whoami(client_factory, net, "Exchange", name)
    assert who["attributes"]["hf.EnrollmentID"] == name  # type: ignore[index]
    assert who["attributes"]["role"] == "investor"  # type: ignore[index]
    fresh = client_factory("Exchange", name).gateway.get_network(channel)
    fresh.get_contract("conformance").submit_transaction("put_state", f"key-{name}", "new")
    assert fresh.get_contract("conformance").evaluate_transaction("get_state", f"key-{name}") == (
        b"new"
    )
