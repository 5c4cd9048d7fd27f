"""Every error code a sovereign asset transaction can be refused with, for the SDK to mirror.

The catalogue itself is :class:`sovereign_assets.domain.errors.ErrorCode` (one entry per
code: layers, outcome, meaning); this module is its face on the wire schema, so that the
typed client reaches it without importing the contracts. A rejected transaction reaches the
client as ``"<CODE>: <message>"``; a code string never changes once published.

Must not import: fabric_chaincode (this list is pure data the SDK may import).
"""

from __future__ import annotations

from sovereign_assets.domain.errors import ALL_CODES, ErrorCode, Layer, Outcome

RUNTIME_CODES: tuple[str, ...] = tuple(c.value for c in ErrorCode if Layer.RUNTIME in c.layers)
"""Codes the chaincode runtime itself answers with (routing, limits, identity, faults)."""

__all__ = ["ALL_CODES", "RUNTIME_CODES", "ErrorCode", "Layer", "Outcome"]
