"""Revocation lists in a channel configuration as configtxlator decodes it."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from sovereign_network import channel_config


def _config() -> dict[str, Any]:
    def org(name: str) -> dict[str, Any]:
        return {
            "values": {"MSP": {"value": {"config": {"name": name, "root_certs": ["cm9vdA=="]}}}}
        }

    return {
        "channel_group": {
            "groups": {
                "Application": {"groups": {"TreasuryMSP": org("TreasuryMSP")}},
                "Orderer": {"groups": {"OrdererMSP": org("OrdererMSP")}},
            }
        }
    }


def test_the_revocation_list_is_replaced_in_a_copy_and_read_back() -> None:
    config = _config()
    crl = b"-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n"
    updated = channel_config.with_revocation_list(config, "Application", "TreasuryMSP", [crl])
    assert channel_config.revocation_list(config, "Application", "TreasuryMSP") == []
    assert channel_config.revocation_list(updated, "Application", "TreasuryMSP") == [crl]
    msp = channel_config.msp_config(updated, "Application", "TreasuryMSP")
    assert msp["revocation_list"] == [
        base64.b64encode(crl).decode()
    ]  # bytes as base64, as configtxlator has them
    assert msp["root_certs"] == ["cm9vdA=="]  # the rest untouched
    # The orderer org's MSP sits under Orderer; a newer CRL replaces the older one.
    newer = channel_config.with_revocation_list(updated, "Orderer", "OrdererMSP", [crl + b"x"])
    assert channel_config.revocation_list(newer, "Orderer", "OrdererMSP") == [crl + b"x"]
    again = channel_config.with_revocation_list(updated, "Application", "TreasuryMSP", [b"new"])
    assert channel_config.revocation_list(again, "Application", "TreasuryMSP") == [b"new"]


def test_an_unknown_org_or_a_block_that_is_not_a_config_block_is_named() -> None:
    with pytest.raises(channel_config.ConfigError, match="Application org BankMSP"):
        channel_config.msp_config(_config(), "Application", "BankMSP")
    with pytest.raises(channel_config.ConfigError, match="not a configuration block"):
        channel_config.block_config({"data": {"data": []}})
    block = {"header": {"number": "7"}, "data": {"data": [{"payload": {"data": {"config": {}}}}]}}
    assert channel_config.block_number(block) == 7
    assert channel_config.block_config(block) == {}
    assert channel_config.block_number({"header": {}}) == 0  # protobuf JSON omits a zero


def test_the_update_envelope_is_a_config_update_for_the_channel() -> None:
    envelope = channel_config.update_envelope("sovereign", {"channel_id": "sovereign"})
    header = envelope["payload"]["header"]["channel_header"]
    assert header == {"channel_id": "sovereign", "type": channel_config.CONFIG_UPDATE}
    assert envelope["payload"]["data"]["config_update"] == {"channel_id": "sovereign"}
