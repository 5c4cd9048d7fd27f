"""Identical inputs give byte-identical writes; governance and instrument keys carry
the AND(issuer, registrar) key-level endorsement policy."""

from __future__ import annotations

import datetime as dt

from fabric_chaincode import KeyEndorsementPolicy, Role, create_composite_key

from .market import (
    CENTRAL_BANK,
    NAMESPACE,
    TREASURY,
    Market,
    dealer_alpha,
    dealer_beta,
    snapshot,
)
from .scenario import (
    BILL,
    BOND,
    MILLION,
    bootstrap,
    create_and_issue,
    distribute,
    instruction,
    pay_all,
)


def _run() -> Market:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    distribute(market)
    market.on(dt.date(2021, 9, 1))
    market.ok(
        dealer_alpha(),
        "settlement:Instruct",
        instruction("TRD-1", BOND, "SGL-ALPHA", "SGL-BETA", 20 * MILLION, "95.6574", "2021-09-01"),
    )
    market.ok(dealer_beta(), "settlement:Affirm", "TRD-1")
    market.ok(dealer_beta(), "settlement:Settle", "TRD-1")
    market.on(dt.date(2022, 2, 21))
    pay_all(market, "lifecycle:PayCoupon", BOND, "2022-02-21", "3")
    return market


def test_two_runs_write_identical_bytes() -> None:
    """Fresh ledgers, fresh certificates' worth of transactions: every transaction's
    write set, every event and the final state are byte-identical."""
    first, second = _run(), _run()
    assert len(first.results) == len(second.results)
    for one, two in zip(first.results, second.results, strict=True):
        assert one.writes == two.writes
        assert one.event == two.event
        assert one.response == two.response
    assert snapshot(first.ledger) == snapshot(second.ledger)
    assert len(snapshot(first.ledger)) > 50


def _policy(market: Market, object_type: str, *ids: str) -> KeyEndorsementPolicy:
    key = create_composite_key(object_type, list(ids))
    raw = market.ledger.metadata(NAMESPACE, key)["VALIDATION_PARAMETER"]
    return KeyEndorsementPolicy(raw)


def test_governance_and_instrument_keys_need_both_orgs() -> None:
    market = Market()
    bootstrap(market)
    create_and_issue(market)
    for policy in (
        _policy(market, "governance", "config"),
        _policy(market, "instrument", BILL),
        _policy(market, "instrument", BOND),
    ):
        assert policy.list_orgs() == [CENTRAL_BANK, TREASURY]
        assert {policy.role_of(CENTRAL_BANK), policy.role_of(TREASURY)} == {Role.PEER}
