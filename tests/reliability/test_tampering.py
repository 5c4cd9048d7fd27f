"""Tampering and replay on the real network: each forged request is rejected, nothing written.

- a proposal whose argument was changed after it was signed;
- a transaction carrying the endorsements of another transaction;
- a high-S ECDSA signature (on a proposal, and on a transaction envelope);
- a certificate that expired, and one of a CA no org trusts (claiming a member's MSP ID).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from fabric_gateway import EndorseError, GatewayError, SubmitError
from fabric_gateway.client import Transaction
from sovereign_cli.demo import DEALER_ALPHA, REGISTRAR
from sovereign_client._codec import encode_argument
from sovereign_network.network import Network

from .identities import expired, unknown_ca
from .ledger import BOND, UNIT, Connection, Market, connected, height, register_state

pytestmark = pytest.mark.network

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
TRANSFER = "holding:Transfer"


def transfer_args(amount: int) -> list[str]:
    return [encode_argument(a) for a in (BOND, "SGL-ALPHA", "SGL-BETA", amount)]


def high_s(signature: bytes) -> bytes:
    """The same ECDSA signature with S replaced by n - S: valid maths, refused by Fabric."""
    r, s = decode_dss_signature(signature)
    assert s <= P256_ORDER // 2, "the SDK signs with low S"
    return encode_dss_signature(r, P256_ORDER - s)


def _actions(prepared: bytes) -> tuple[Any, Any, Any, Any]:
    message = gateway_pb2.PreparedTransaction.FromString(prepared)
    payload = common_pb2.Payload.FromString(message.envelope.payload)
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    action = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    return message, payload, transaction, action


def swap_endorsements(mine: Transaction, theirs: Transaction) -> bytes:
    """``mine``'s transaction with ``theirs``'s endorsements, unsigned."""
    message, payload, transaction, action = _actions(mine.bytes())
    *_, other = _actions(theirs.bytes())
    del action.action.endorsements[:]
    action.action.endorsements.extend(other.action.endorsements)
    transaction.actions[0].payload = action.SerializeToString()
    payload.data = transaction.SerializeToString()
    message.envelope.payload = payload.SerializeToString()
    message.envelope.signature = b""
    return bytes(message.SerializeToString())


@pytest.fixture
def unchanged(consortium: Network, market: Market) -> Iterator[None]:
    """Asserts, after the test, that the register reads as before."""
    instruments = [BOND, *market.coupon_bonds]
    with connected(consortium, REGISTRAR, retry=None) as registrar:
        before = register_state(registrar.client, instruments)
    yield
    with connected(consortium, REGISTRAR, retry=None) as registrar:
        assert register_state(registrar.client, instruments) == before


@pytest.mark.usefixtures("unchanged")
def test_a_proposal_changed_after_signing_is_refused(consortium: Network) -> None:
    org = consortium.topology.orgs[0]
    blocks = height(consortium, org)
    with connected(consortium, DEALER_ALPHA, retry=None) as alpha:
        nonce = os.urandom(24)
        signed = alpha.contract.new_proposal(TRANSFER, arguments=transfer_args(UNIT), nonce=nonce)
        signature = alpha.signer.sign(signed.digest())
        # Same transaction context, a ten times larger amount, the old signature.
        changed = alpha.contract.new_proposal(
            TRANSFER, arguments=transfer_args(10 * UNIT), nonce=nonce
        )
        assert changed.transaction_id == signed.transaction_id
        forged = alpha.gateway.new_signed_proposal(changed.bytes(), signature)
        with pytest.raises(EndorseError):
            forged.endorse()
        assert alpha.invoker.status_of(changed.transaction_id, timeout=2) is None
    assert height(consortium, org) == blocks


@pytest.mark.usefixtures("unchanged")
def test_a_transaction_with_another_transactions_endorsements_commits_invalid(
    consortium: Network,
) -> None:
    with connected(consortium, DEALER_ALPHA, retry=None) as alpha:
        small = alpha.contract.new_proposal(TRANSFER, arguments=transfer_args(UNIT)).endorse()
        large = alpha.contract.new_proposal(TRANSFER, arguments=transfer_args(7 * UNIT)).endorse()
        forged = alpha.gateway.new_transaction(swap_endorsements(large, small))
        assert forged.transaction_id == large.transaction_id
        status = forged.submit().status()
        assert not status.successful
        assert status.code_name == "ENDORSEMENT_POLICY_FAILURE"


@pytest.mark.usefixtures("unchanged")
def test_high_s_signatures_are_refused(consortium: Network) -> None:
    org = consortium.topology.orgs[0]
    with connected(consortium, DEALER_ALPHA, retry=None) as alpha:
        blocks = height(consortium, org)
        proposal = alpha.contract.new_proposal(TRANSFER, arguments=transfer_args(UNIT))
        signature = high_s(alpha.signer.sign(proposal.digest()))
        forged = alpha.gateway.new_signed_proposal(proposal.bytes(), signature)
        with pytest.raises(EndorseError):
            forged.endorse()
        assert height(consortium, org) == blocks

        # An honestly endorsed transaction whose envelope signature is made high-S.
        endorsed = alpha.contract.new_proposal(TRANSFER, arguments=transfer_args(UNIT)).endorse()
        envelope = alpha.gateway.new_signed_transaction(
            endorsed.bytes(), high_s(alpha.signer.sign(endorsed.digest()))
        )
        try:
            status = envelope.submit().status(timeout=15)
        except (SubmitError, GatewayError):
            status = None  # refused by the ordering service: never in a block
        assert status is None or not status.successful, status
        final = alpha.invoker.status_of(endorsed.transaction_id, timeout=2)
        assert final is None or not final.successful, final


@pytest.mark.usefixtures("unchanged")
def test_expired_and_unknown_ca_certificates_are_refused(consortium: Network) -> None:
    org = consortium.topology.org("CentralBank")
    blocks = height(consortium, org)
    rogues = [
        expired(consortium, "CentralBank", "registrar"),
        unknown_ca(org.msp_id, "registrar"),
    ]
    for rogue in rogues:
        conn = Connection(
            consortium, rogue.msp_id, rogue.certificate, rogue.private_key, org, retry=None
        )
        try:
            for function, args in (
                ("cash:Mint", ["SGL-ALPHA", str(UNIT)]),
                (TRANSFER, transfer_args(UNIT)),
            ):
                with pytest.raises(GatewayError) as refused:
                    conn.invoker.submit(function, args)
                assert refused.value.chaincode_code is None, (rogue.label, str(refused.value))
                # Reads are refused too: the peer does not deserialize the identity.
                with pytest.raises(GatewayError):
                    conn.invoker.evaluate("cash:Balance", ["SGL-ALPHA"])
        finally:
            conn.close()
    assert height(consortium, org) == blocks
