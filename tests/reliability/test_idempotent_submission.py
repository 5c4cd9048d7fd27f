"""Idempotent submission on the real network.

A request retried under the same client request ID (by the same process or by another one,
the way a client restarted after a crash would) is one transaction: it applies once and the
retry answers with the committed result. A re-sent envelope is marked DUPLICATE_TXID by
the committing peers and changes nothing.
"""

from __future__ import annotations

import time

import pytest

from fabric_gateway import Block
from sovereign_cli.demo import DEALER_ALPHA, REGISTRAR
from sovereign_client._codec import encode_argument
from sovereign_network.network import Network

from .ledger import BOND, UNIT, Connection, Market, connected, height, wait_same_height

pytestmark = pytest.mark.network


def holding(conn: Connection, account: str) -> int:
    return sum(
        h.amount for h in conn.client.holdings.by_account(account) if h.instrument_id == BOND
    )


def copies(conn: Connection, transaction_id: str, from_block: int, to_block: int) -> list[str]:
    """The validation code of every copy of ``transaction_id`` in blocks [from, to)."""
    found: list[str] = []
    with conn.network.get_block_events(start_block=from_block) as stream:
        for block in stream:
            assert isinstance(block, Block)
            found += [
                t.validation_code_name
                for t in block.transactions
                if t.transaction_id == transaction_id
            ]
            if block.number >= to_block - 1:
                break
    return found


def test_a_request_retried_under_its_request_id_applies_once(
    consortium: Network, market: Market
) -> None:
    request_id = "REL-IDEMPOTENT-0001"
    first_org = consortium.topology.orgs[0]
    with connected(consortium, DEALER_ALPHA) as alpha, connected(consortium, REGISTRAR) as reader:
        start = wait_same_height(consortium)
        before = holding(reader, "SGL-BETA")
        first = alpha.client.for_request(request_id).holdings.transfer(
            BOND, "SGL-ALPHA", "SGL-BETA", UNIT
        )
        # The same request again, as this client retrying it ...
        again = alpha.client.for_request(request_id).holdings.transfer(
            BOND, "SGL-ALPHA", "SGL-BETA", UNIT
        )
    # ... and as a new process would after a crash: a new connection, same request ID.
    with connected(consortium, DEALER_ALPHA, via=consortium.topology.orgs[2]) as restarted:
        third = restarted.client.for_request(request_id).holdings.transfer(
            BOND, "SGL-ALPHA", "SGL-BETA", UNIT
        )
        transaction_id = restarted.invoker.transaction_id_for(request_id)
        status = restarted.invoker.status_of_request(request_id)
    assert first == again == third  # the committed result, read back from its block
    assert status is not None
    assert status.successful
    end = wait_same_height(consortium)
    with connected(consortium, REGISTRAR) as reader:
        assert holding(reader, "SGL-BETA") == before + UNIT
        assert copies(reader, transaction_id, start, end) == ["VALID"]
    assert height(consortium, first_org) == end


def test_a_resent_envelope_is_rejected_as_a_duplicate_transaction_id(
    consortium: Network, market: Market
) -> None:
    args = [encode_argument(a) for a in (BOND, "SGL-ALPHA", "SGL-BETA", UNIT)]
    with connected(consortium, DEALER_ALPHA, retry=None) as alpha:
        start = wait_same_height(consortium)
        with connected(consortium, REGISTRAR) as reader:
            before = holding(reader, "SGL-BETA")
        transaction = alpha.contract.new_proposal("holding:Transfer", arguments=args).endorse()
        assert transaction.submit().status().successful
        replay = transaction.submit()  # the very same signed envelope, once more
        status = replay.status()
        # The commit status of an ID is its first commit; the copy is found in its block.
        assert status.successful
        # Wait until the copy is in a block of every peer.
        for _ in range(50):
            end = wait_same_height(consortium)
            with connected(consortium, REGISTRAR) as reader:
                found = copies(reader, transaction.transaction_id, start, end)
            if len(found) == 2:
                break
            time.sleep(0.2)
        assert found == ["VALID", "DUPLICATE_TXID"]
        with connected(consortium, REGISTRAR) as reader:
            assert holding(reader, "SGL-BETA") == before + UNIT
