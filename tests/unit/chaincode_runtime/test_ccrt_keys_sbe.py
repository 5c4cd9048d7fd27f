"""Composite keys and key-level endorsement policies."""

from __future__ import annotations

import pytest
from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2
from hypothesis import given
from hypothesis import strategies as st

from fabric_chaincode import (
    CompositeKeyError,
    KeyEndorsementPolicy,
    Role,
    StubError,
    create_composite_key,
    split_composite_key,
)
from fabric_chaincode.keys import partial_key_range


def test_composite_key_format_and_round_trip() -> None:
    key = create_composite_key("holding", ["PK-TB-2026", "BANK1"])
    assert key == "\x00holding\x00PK-TB-2026\x00BANK1\x00"
    assert split_composite_key(key) == ("holding", ["PK-TB-2026", "BANK1"])
    assert split_composite_key(create_composite_key("t", [])) == ("t", [])


@pytest.mark.parametrize(
    ("object_type", "attributes"),
    [
        ("holding", ["a\x00b"]),
        ("hold\x00ing", []),
        ("holding", ["\U0010ffff"]),
        ("holding", ["\udc80"]),  # a lone surrogate: what invalid UTF-8 becomes in Python
    ],
)
def test_invalid_composite_key_parts(object_type: str, attributes: list[str]) -> None:
    with pytest.raises(CompositeKeyError):
        create_composite_key(object_type, attributes)


def test_attributes_must_be_a_sequence_not_a_string() -> None:
    with pytest.raises(CompositeKeyError):
        create_composite_key("holding", "abc")


def test_split_rejects_simple_keys() -> None:
    with pytest.raises(CompositeKeyError):
        split_composite_key("plain")


def test_policy_requires_all_orgs_sorted() -> None:
    policy = KeyEndorsementPolicy()
    policy.add_orgs(Role.PEER, "TreasuryMSP", "CentralBankMSP")
    policy.add_orgs("admin", "ExchangeMSP")
    envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy.policy())
    assert envelope.rule.n_out_of.n == 3
    assert [r.signed_by for r in envelope.rule.n_out_of.rules] == [0, 1, 2]
    roles = []
    for identity in envelope.identities:
        assert identity.principal_classification == msp_principal_pb2.MSPPrincipal.ROLE
        role = msp_principal_pb2.MSPRole.FromString(identity.principal)
        roles.append((role.msp_identifier, role.role))
    assert roles == [
        ("CentralBankMSP", msp_principal_pb2.MSPRole.PEER),
        ("ExchangeMSP", msp_principal_pb2.MSPRole.ADMIN),
        ("TreasuryMSP", msp_principal_pb2.MSPRole.PEER),
    ]


def test_policy_bytes_round_trip_and_removal() -> None:
    original = KeyEndorsementPolicy.of(["TreasuryMSP", "CentralBankMSP"], Role.MEMBER)
    restored = KeyEndorsementPolicy(original.policy())
    assert restored.list_orgs() == ["CentralBankMSP", "TreasuryMSP"]
    assert restored.role_of("TreasuryMSP") is Role.MEMBER
    assert restored.policy() == original.policy() == bytes(original)
    restored.del_orgs("TreasuryMSP", "UnknownMSP")
    assert restored.list_orgs() == ["CentralBankMSP"]


def test_roles_match_the_generated_enum() -> None:
    generated = dict(msp_principal_pb2.MSPRole.MSPRoleType.items())
    assert all(generated[role.name] == role.value for role in Role)


def test_policy_errors() -> None:
    with pytest.raises(StubError):
        KeyEndorsementPolicy(b"\xff\xff\xff")
    with pytest.raises(StubError):
        KeyEndorsementPolicy().add_orgs("emperor", "X")
    with pytest.raises(StubError):
        KeyEndorsementPolicy().add_orgs(Role.PEER, "")


_part = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00\U0010ffff")
)


@given(object_type=_part, attributes=st.lists(_part, max_size=5))
def test_composite_key_round_trip_property(object_type: str, attributes: list[str]) -> None:
    key = create_composite_key(object_type, attributes)
    assert split_composite_key(key) == (object_type, attributes)
    # Every key with these leading attributes sorts inside the partial-key range.
    start, end = partial_key_range(object_type, attributes[:1])
    assert start <= key < end
