"""Investor personal data on the real consortium: registration commits, the registering
org's peer holds the data, every other org's peer holds only its hash; another bank's
user cannot read the registry entry; a purge removes the data from the peer and the
hash stays.

A central bank dealer registers an investor with the typed client (personal data
endorsed by the central bank alone, then the public record). Each org's admin then
reads the block of the personal data transaction from its own org's peer with
``DeliverWithPrivateData``: only the central bank's peer returns the private write,
while the hashed write set in the block - on every peer - carries SHA-256 of the data,
the value the public record holds too. Needs the sovereign chaincode deployed with the
collections of :mod:`sovereign_network.collections`.

Governance is bootstrapped here with the demo's configuration unless it already is. The
file sorts after ``test_sovereign_lifecycle.py`` on purpose: the demo bootstraps governance
itself and refuses a ledger where it exists, so in one session the demo must run first.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from typing import cast

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

from fabric_chaincode import create_composite_key
from fabric_gateway import BlockAndPrivateData, Contract
from sovereign_assets.schema.messages import InvestorSpec
from sovereign_assets.schema.privacy import (
    PurgeReason,
    personal_data_collection,
    personal_data_record,
)
from sovereign_cli.demo import governance, market_today
from sovereign_client import GatewayInvoker, SovereignClient
from sovereign_client.errors import AlreadyExistsError, UnauthorizedError
from sovereign_network.network import Network
from tests.consortium import ClientFactory

pytestmark = pytest.mark.network

REGISTRAR_ORG = "CentralBankMSP"
COLLECTION = personal_data_collection(REGISTRAR_ORG)
EVENT_TIMEOUT = 60.0


class RecordingContract:
    """A Gateway contract that remembers the block of every transaction it submits."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.blocks: dict[str, tuple[str, int]] = {}  # function -> (transaction id, block)

    def submit(
        self,
        name: str,
        *,
        arguments: Sequence[str] = (),
        transient_data: Mapping[str, bytes] | None = None,
        endorsing_organizations: Sequence[str] | None = None,
    ) -> bytes:
        submitted = self.contract.submit_async(
            name,
            arguments=arguments,
            transient_data=transient_data,
            endorsing_organizations=endorsing_organizations,
        )
        status = submitted.status()
        status.raise_for_status()
        self.blocks[name] = (status.transaction_id, status.block_number)
        return submitted.result

    def evaluate(self, name: str, *, arguments: Sequence[str] = ()) -> bytes:
        return self.contract.evaluate(name, arguments=arguments)


def hashed_writes(raw_block: bytes, index: int) -> dict[tuple[str, str], bytes]:
    """(collection, key hash) -> value hash of one transaction's hashed private writes."""
    block = common_pb2.Block.FromString(raw_block)
    envelope = common_pb2.Envelope.FromString(block.data.data[index])
    payload = common_pb2.Payload.FromString(envelope.payload)
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    action = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    response = proposal_response_pb2.ProposalResponsePayload.FromString(
        action.action.proposal_response_payload
    )
    chaincode_action = proposal_pb2.ChaincodeAction.FromString(response.extension)
    rwset = rwset_pb2.TxReadWriteSet.FromString(chaincode_action.results)
    found: dict[tuple[str, str], bytes] = {}
    for namespace in rwset.ns_rwset:
        for collection in namespace.collection_hashed_rwset:
            hashed = kv_rwset_pb2.HashedRWSet.FromString(collection.hashed_rwset)
            for write in hashed.hashed_writes:
                found[(collection.collection_name, write.key_hash.hex())] = write.value_hash
    return found


def block_as_seen_by(
    client_factory: ClientFactory, net: Network, org: str, number: int
) -> BlockAndPrivateData:
    """Block ``number`` with the private data ``org``'s admin gets from ``org``'s peer."""
    gateway = client_factory(org, "admin").gateway
    channel = gateway.get_network(net.topology.channel)
    with channel.get_block_and_private_data_events(
        start_block=number, timeout=EVENT_TIMEOUT
    ) as events:
        return next(iter(events))


def test_personal_data_stays_with_the_registering_org(
    consortium: Network, client_factory: ClientFactory
) -> None:
    channel_name, chaincode = consortium.topology.channel, consortium.topology.chaincode.name

    def contract_of(org: str, user: str) -> Contract:
        gateway = client_factory(org, user).gateway
        return gateway.get_network(channel_name).get_contract(chaincode)

    admin = SovereignClient(GatewayInvoker(contract_of("CentralBank", "admin")))
    with contextlib.suppress(AlreadyExistsError):  # the demo may have run: same configuration
        admin.governance.bootstrap(governance(market_today()))

    investor_id = f"INV-PII-{secrets.token_hex(4).upper()}"
    pii = f'{{"name":"Private Person","cnic":"42101-{secrets.randbelow(10**7):07d}-1"}}'.encode()
    recorder = RecordingContract(contract_of("CentralBank", "dealer1"))
    dealer = SovereignClient(GatewayInvoker(cast(Contract, recorder), msp_id=REGISTRAR_ORG))
    spec = InvestorSpec(investor_id, "VERIFIED", "RESIDENT", "INDIVIDUAL", "FILER")
    salt = secrets.token_bytes(32)
    record = dealer.investors.register(spec, pii, salt=salt)

    # The private record is salted: its hash (public, and in every peer's block) cannot be
    # reversed by trying candidate CNICs; only the salt in the collection reproduces it.
    stored = personal_data_record(pii, salt)
    digest = hashlib.sha256(stored).digest()
    assert digest != hashlib.sha256(pii).digest()
    assert record.pii_sha256 == digest.hex()
    assert record.pii_collection == COLLECTION
    assert record.registered_by == REGISTRAR_ORG
    transaction_id, number = recorder.blocks["investor:RecordPersonalData"]
    key = create_composite_key("pii", [investor_id])
    key_hash = hashlib.sha256(key.encode()).hexdigest()

    for org in consortium.topology.orgs:
        seen = block_as_seen_by(client_factory, consortium, org.name, number)
        (tx,) = [t for t in seen.block.transactions if t.transaction_id == transaction_id]
        assert tx.valid, tx.validation_code_name
        assert not tx.chaincode_events  # nothing public about the personal data
        assert {c for rw in tx.read_write_sets for c in rw.collections} == {COLLECTION}
        assert all(not rw.writes for rw in tx.read_write_sets)  # no public write
        assert hashed_writes(seen.block.raw, tx.index) == {(COLLECTION, key_hash): digest}
        private = seen.private_writes.get(tx.index, ())
        if org.msp_id == REGISTRAR_ORG:
            assert [(w.collection, w.key, w.value) for w in private] == [(COLLECTION, key, stored)]
        else:
            assert private == (), f"{org.msp_id}'s peer holds the personal data"
        assert pii not in seen.block.raw


def test_another_bank_cannot_read_the_client_and_a_purge_keeps_only_the_hash(
    consortium: Network, client_factory: ClientFactory
) -> None:
    """dealer2 onboards a client; dealer1 (another bank, same org) is refused its registry
    entry while the central bank's registrar reads it; dealer2 then purges the personal
    data: its org's peer no longer holds it, the registry's hash and the block's hashed
    write stay."""
    channel_name, chaincode = consortium.topology.channel, consortium.topology.chaincode.name

    def client_of(user: str) -> SovereignClient:
        gateway = client_factory("CentralBank", user).gateway
        contract = gateway.get_network(channel_name).get_contract(chaincode)
        return SovereignClient(GatewayInvoker(contract, msp_id=REGISTRAR_ORG))

    admin = client_of("admin")
    with contextlib.suppress(AlreadyExistsError):
        admin.governance.bootstrap(governance(market_today()))
    investor_id = f"INV-PURGE-{secrets.token_hex(4).upper()}"
    pii = f'{{"name":"Leaving Client","cnic":"42101-{secrets.randbelow(10**7):07d}-2"}}'.encode()
    recorder = RecordingContract(
        client_factory("CentralBank", "dealer2")
        .gateway.get_network(channel_name)
        .get_contract(chaincode)
    )
    bank = SovereignClient(GatewayInvoker(cast(Contract, recorder), msp_id=REGISTRAR_ORG))
    spec = InvestorSpec(investor_id, "VERIFIED", "RESIDENT", "INDIVIDUAL", "FILER")
    record = bank.investors.register(spec, pii)

    with pytest.raises(UnauthorizedError):
        client_of("dealer1").investors.get(investor_id)
    assert admin.investors.get(investor_id) == record  # the regulator reads everything
    assert bank.investors.get(investor_id) == record
    held = bank.investors.personal_data_status(investor_id)
    assert (held.held, held.held_sha256) == (True, record.pii_sha256)

    receipt = bank.investors.purge_personal_data(investor_id, PurgeReason.RELATIONSHIP_ENDED)
    assert receipt.pii_sha256 == record.pii_sha256
    _, purge_block = recorder.blocks["investor:PurgePersonalData"]
    gone = bank.investors.personal_data_status(investor_id)
    assert (gone.held, gone.held_sha256) == (False, None)
    assert gone.pii_sha256 == record.pii_sha256
    assert bank.investors.get(investor_id).pii_sha256 == record.pii_sha256
    # The block that recorded the data still carries its hash, on every peer.
    transaction_id, number = recorder.blocks["investor:RecordPersonalData"]
    seen = block_as_seen_by(client_factory, consortium, "CentralBank", number)
    (tx,) = [t for t in seen.block.transactions if t.transaction_id == transaction_id]
    key_hash = hashlib.sha256(create_composite_key("pii", [investor_id]).encode()).hexdigest()
    assert (COLLECTION, key_hash) in hashed_writes(seen.block.raw, tx.index)
    assert seen.private_writes.get(tx.index, ()) == (), "the peer still delivers the data"
    purge = block_as_seen_by(client_factory, consortium, "CentralBank", purge_block)
    assert pii not in purge.block.raw
