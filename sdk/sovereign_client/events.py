"""Ledger events of the sovereign asset chaincode, decoded, with resumable checkpoints.

Every state change emits one chaincode event (``InstrumentCreated``, ``Transferred``,
``SettlementSettled``, ``CouponBatchPaid`` ...) whose payload is canonical JSON.
:func:`watch` yields them as :class:`LedgerEvent` and, when given a checkpointer,
records each one after the caller has processed it, so a restarted reader resumes after
the last processed transaction with nothing lost or repeated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ledger_codec
from fabric_gateway import ChaincodeEvent, Checkpointer, Network


@dataclass(frozen=True)
class LedgerEvent:
    """One committed change: ``name`` and its JSON ``payload`` (decimals as their plain
    text, as the chaincode wrote them)."""

    name: str
    payload: dict[str, Any]
    transaction_id: str
    block_number: int


def decode(event: ChaincodeEvent) -> LedgerEvent:
    """A Gateway chaincode event as a :class:`LedgerEvent`.

    The payload is parsed as strictly as everything the ledger writes
    (:func:`ledger_codec.loads`); one that is not a JSON object raises
    :class:`ledger_codec.CodecError`.
    """
    parsed = ledger_codec.loads(event.payload) if event.payload else {}
    if not isinstance(parsed, dict):
        raise ledger_codec.CodecError("event payload: expected a JSON object")
    payload: dict[str, Any] = parsed
    return LedgerEvent(event.event_name, payload, event.transaction_id, event.block_number)


def watch(
    network: Network,
    chaincode_name: str,
    *,
    checkpointer: Checkpointer | None = None,
    start_block: int | None = None,
) -> Iterator[LedgerEvent]:
    """Events from the checkpoint (or ``start_block``, or the next commit), in order.

    The checkpoint advances only when the caller asks for the next event, i.e. after it
    finished with the previous one; closing the generator closes the gRPC stream.
    """
    stream = network.get_chaincode_events(
        chaincode_name, start_block=start_block, checkpoint=checkpointer
    )
    with stream:
        for raw in stream:
            yield decode(raw)
            if checkpointer is not None:
                checkpointer.checkpoint_chaincode_event(raw)
