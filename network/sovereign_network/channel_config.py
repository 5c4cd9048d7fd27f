"""Edits of the channel configuration as ``configtxlator`` decodes it to JSON.

Owns: where an org's MSP definition sits in a decoded ``common.Config`` and how its revocation
list (the CRLs every peer and orderer checks identities against) is read and replaced, and the
``common.Envelope`` JSON that carries a ``ConfigUpdate`` to the orderer. Pure functions over
dicts: the encoding, the signing and the submission are the network's (``configtxlator`` and
the ``peer`` CLI of the release).
"""

from __future__ import annotations

import base64
import copy
from typing import Any

CONFIG_UPDATE = 2
"""``common.HeaderType.CONFIG_UPDATE``."""


class ConfigError(ValueError):
    """The configuration does not hold what was looked for."""


def msp_config(config: dict[str, Any], section: str, msp_id: str) -> dict[str, Any]:
    """The ``FabricMSPConfig`` of ``msp_id`` in ``section`` (``Application`` or ``Orderer``)."""
    try:
        group = config["channel_group"]["groups"][section]["groups"][msp_id]
        found: dict[str, Any] = group["values"]["MSP"]["value"]["config"]
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"the channel configuration has no {section} org {msp_id}") from exc
    return found


def revocation_list(config: dict[str, Any], section: str, msp_id: str) -> list[bytes]:
    """The CRLs (PEM) in the org's MSP definition."""
    listed = msp_config(config, section, msp_id).get("revocation_list") or []
    return [base64.b64decode(entry) for entry in listed]


def with_revocation_list(
    config: dict[str, Any], section: str, msp_id: str, crls: list[bytes]
) -> dict[str, Any]:
    """A copy of ``config`` whose org MSP holds exactly ``crls`` (PEM) as revocation list.

    The CA's latest CRL lists every certificate it revoked that has not expired, so it
    replaces the previous one rather than adding to it.
    """
    updated = copy.deepcopy(config)
    msp_config(updated, section, msp_id)["revocation_list"] = [
        base64.b64encode(crl).decode("ascii") for crl in crls
    ]
    return updated


def update_envelope(channel: str, config_update: dict[str, Any]) -> dict[str, Any]:
    """An unsigned ``common.Envelope`` carrying ``config_update`` (``peer channel update``
    adds the admin's signature)."""
    return {
        "payload": {
            "header": {"channel_header": {"channel_id": channel, "type": CONFIG_UPDATE}},
            "data": {"config_update": config_update},
        }
    }


def block_config(block: dict[str, Any]) -> dict[str, Any]:
    """The ``common.Config`` inside a decoded configuration block."""
    try:
        config: dict[str, Any] = block["data"]["data"][0]["payload"]["data"]["config"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ConfigError("the block is not a configuration block") from exc
    return config


def block_number(block: dict[str, Any]) -> int:
    """The number of a decoded block."""
    try:
        return int(block["header"].get("number", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError("the block has no header number") from exc
