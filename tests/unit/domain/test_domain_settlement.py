"""Two-tier accounts, the register, and DvP settlement of secondary trades.

Scenario: Habib Bank (a primary dealer) holds PIBs in its SGL account at the State
Bank; its client Ayesha holds an investor sub-account (IPS) at Habib Bank. Meezan
Bank buys from Habib Bank, T+1.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovereign_assets.domain.errors import DomainError, ErrorCode
from sovereign_assets.domain.holdings import Account, AccountTier, Ledger
from sovereign_assets.domain.money import PKR
from sovereign_assets.domain.settlement import (
    TRANSITIONS,
    InstructionAction,
    InstructionState,
    affirm,
    cancel,
    instruct,
    match,
    next_state,
    settle,
)

PIB = "PK0000PIB3Y1"
DENOM = PKR.to_minor(100_000)
HBL_SGL = Account("HBL-SGL", AccountTier.DEALER, owner_id="HBL", custodian_id="SBP")
MEEZAN_SGL = Account("MEZN-SGL", AccountTier.DEALER, owner_id="MEZN", custodian_id="SBP")
AYESHA_IPS = Account(
    "HBL-IPS-000417",
    AccountTier.INVESTOR,
    owner_id="INV-000417",
    custodian_id="HBL",
    parent_account_id="HBL-SGL",
)


def opening_ledger() -> Ledger:
    ledger = Ledger().issue("HBL-SGL", PIB, PKR.to_minor(500_000_000), DENOM)
    ledger = ledger.move_security("HBL-SGL", "HBL-IPS-000417", PIB, PKR.to_minor(1_000_000), DENOM)
    return ledger.mint_cash("MEZN-SGL", PKR.to_minor(2_000_000_000))


class TestAccounts:
    def test_the_investor_is_the_legal_owner_of_a_sub_account(self) -> None:
        assert AYESHA_IPS.owner_id == "INV-000417"
        assert AYESHA_IPS.custodian_id == "HBL"
        assert AYESHA_IPS.parent_account_id == HBL_SGL.account_id

    def test_only_investor_sub_accounts_have_a_parent(self) -> None:
        with pytest.raises(DomainError) as err:
            Account("X", AccountTier.INVESTOR, owner_id="I", custodian_id="HBL")
        assert err.value.code is ErrorCode.INVALID_ACCOUNT
        with pytest.raises(DomainError):
            Account("Y", AccountTier.DEALER, "HBL", "SBP", parent_account_id="Z")

    def test_the_register_shows_both_tiers(self) -> None:
        ledger = opening_ledger()
        assert ledger.holders(PIB) == (
            ("HBL-IPS-000417", PKR.to_minor(1_000_000)),
            ("HBL-SGL", PKR.to_minor(499_000_000)),
        )
        ledger.check_conservation()

    def test_amounts_are_whole_denominations(self) -> None:
        with pytest.raises(DomainError) as err:
            opening_ledger().move_security(
                "HBL-IPS-000417", "HBL-SGL", PIB, PKR.to_minor(150_000), DENOM
            )
        assert err.value.code is ErrorCode.NOT_MULTIPLE_OF_DENOMINATION

    def test_float_cash_amounts_are_refused_even_zero(self) -> None:
        with pytest.raises(DomainError) as err:
            opening_ledger().move_cash("MEZN-SGL", "HBL-SGL", 0.0)  # type: ignore[arg-type]
        assert err.value.code is ErrorCode.FLOAT_NOT_ALLOWED

    def test_a_failed_operation_leaves_the_ledger_as_it_was(self) -> None:
        ledger = opening_ledger()
        before = ledger.canonical()
        with pytest.raises(DomainError) as err:
            ledger.move_security("HBL-IPS-000417", "MEZN-SGL", PIB, PKR.to_minor(2_000_000), DENOM)
        assert err.value.code is ErrorCode.INSUFFICIENT_HOLDING
        assert ledger.canonical() == before


class TestInstructionStateMachine:
    def test_affirmed_by_both_then_settled_on_t_plus_one(self) -> None:
        trade = instruct(
            "TRD-20210304-0001",
            PIB,
            seller_account_id="HBL-SGL",
            buyer_account_id="MEZN-SGL",
            face_amount=PKR.to_minor(100_000_000),
            denomination=DENOM,
            cash_amount=PKR.to_minor(95_889_400),
            trade_date=date(2021, 3, 3),
            settlement_date=date(2021, 3, 4),
            as_of=date(2021, 3, 3),
        )
        assert trade.state is InstructionState.INSTRUCTED
        trade = affirm(trade, "HBL-SGL")
        assert trade.state is InstructionState.AFFIRMED_BY_ONE
        with pytest.raises(DomainError) as err:
            affirm(trade, "HBL-SGL")
        assert err.value.code is ErrorCode.ALREADY_AFFIRMED
        with pytest.raises(DomainError) as err:
            affirm(trade, "UBL-SGL")
        assert err.value.code is ErrorCode.NOT_A_PARTY
        trade = affirm(trade, "MEZN-SGL")
        assert trade.state is InstructionState.MATCHED

        ledger = opening_ledger()
        with pytest.raises(DomainError) as err:
            settle(trade, ledger, DENOM, as_of=date(2021, 3, 3))
        assert err.value.code is ErrorCode.SETTLEMENT_DATE_NOT_REACHED

        settled, after = settle(trade, ledger, DENOM, as_of=date(2021, 3, 4))
        assert settled.state is InstructionState.SETTLED
        assert after.holding("MEZN-SGL", PIB) == PKR.to_minor(100_000_000)
        assert after.cash_balance("HBL-SGL") == PKR.to_minor(95_889_400)
        after.check_conservation()
        with pytest.raises(DomainError) as err:
            cancel(settled)
        assert err.value.code is ErrorCode.INVALID_TRANSITION

    def test_no_leg_moves_when_the_buyer_is_short_of_cash(self) -> None:
        trade = match(
            instruct(
                "TRD-20210304-0002",
                PIB,
                seller_account_id="HBL-SGL",
                buyer_account_id="HBL-IPS-000417",
                face_amount=PKR.to_minor(1_000_000),
                denomination=DENOM,
                cash_amount=PKR.to_minor(958_894),
                trade_date=date(2021, 3, 4),
                settlement_date=date(2021, 3, 4),
                as_of=date(2021, 3, 4),
            )
        )
        ledger = opening_ledger()
        with pytest.raises(DomainError) as err:
            settle(trade, ledger, DENOM, as_of=date(2021, 3, 4))
        assert err.value.code is ErrorCode.INSUFFICIENT_CASH
        assert ledger.holding("HBL-IPS-000417", PIB) == PKR.to_minor(1_000_000)

    def test_cancelled_before_settlement(self) -> None:
        trade = cancel(
            instruct(
                "TRD-20210304-0003",
                PIB,
                seller_account_id="HBL-SGL",
                buyer_account_id="MEZN-SGL",
                face_amount=DENOM,
                denomination=DENOM,
                cash_amount=PKR.to_minor(95_889),
                trade_date=date(2021, 3, 4),
                settlement_date=date(2021, 3, 8),
                as_of=date(2021, 3, 4),
            )
        )
        assert trade.state is InstructionState.CANCELLED
        with pytest.raises(DomainError) as err:
            settle(trade, opening_ledger(), DENOM, as_of=date(2021, 3, 8))
        assert err.value.code is ErrorCode.INVALID_TRANSITION

    def test_a_settlement_date_in_the_past_is_refused(self) -> None:
        with pytest.raises(DomainError) as err:
            instruct(
                "TRD-1",
                PIB,
                seller_account_id="HBL-SGL",
                buyer_account_id="MEZN-SGL",
                face_amount=DENOM,
                denomination=DENOM,
                cash_amount=1,
                trade_date=date(2021, 3, 1),
                settlement_date=date(2021, 3, 2),
                as_of=date(2021, 3, 3),
            )
        assert err.value.code is ErrorCode.SETTLEMENT_DATE_IN_PAST

    def test_the_table_is_the_whole_machine(self) -> None:
        terminal = {InstructionState.SETTLED, InstructionState.CANCELLED}
        assert not any(state in terminal for state, _ in TRANSITIONS)
        assert set(TRANSITIONS.values()) <= set(InstructionState)
        for state in InstructionState:
            for action in InstructionAction:
                if (state, action) not in TRANSITIONS:
                    with pytest.raises(DomainError):
                        next_state(state, action)


# -- property: conservation over random trading days --------------------------------

ACCOUNTS = ["HBL-SGL", "MEZN-SGL", "HBL-IPS-000417", "UBL-SGL"]
account = st.sampled_from(ACCOUNTS)
operation = st.one_of(
    st.tuples(st.just("transfer"), account, account, st.integers(1, 30)),
    st.tuples(st.just("pay"), account, account, st.integers(1, 10**9)),
    st.tuples(st.just("dvp"), account, account, st.integers(1, 30), st.integers(1, 10**9)),
    st.tuples(st.just("redeem"), account, account, st.integers(1, 30)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(operation, max_size=40))
def test_supply_and_cash_are_conserved_whatever_happens(ops: list[tuple[object, ...]]) -> None:
    ledger = Ledger().issue("HBL-SGL", PIB, 200 * DENOM, DENOM)
    for acct in ACCOUNTS:
        ledger = ledger.mint_cash(acct, PKR.to_minor(10_000_000))
    refusals: set[ErrorCode] = set()
    for number, op in enumerate(ops):
        kind, a, b = op[0], str(op[1]), str(op[2])
        try:
            if kind == "transfer":
                ledger = ledger.move_security(a, b, PIB, int(str(op[3])) * DENOM, DENOM)
            elif kind == "pay":
                ledger = ledger.move_cash(a, b, int(str(op[3])))
            elif kind == "redeem":
                ledger = ledger.redeem(a, PIB, int(str(op[3])) * DENOM)
            else:
                trade = match(
                    instruct(
                        f"T{number}",
                        PIB,
                        seller_account_id=a,
                        buyer_account_id=b,
                        face_amount=int(str(op[3])) * DENOM,
                        denomination=DENOM,
                        cash_amount=int(str(op[4])),
                        trade_date=date(2021, 3, 4),
                        settlement_date=date(2021, 3, 5),
                        as_of=date(2021, 3, 4),
                    )
                )
                _, ledger = settle(trade, ledger, DENOM, as_of=date(2021, 3, 5))
        except DomainError as exc:
            refusals.add(exc.code)
        ledger.check_conservation()
    assert refusals <= {
        ErrorCode.SAME_ACCOUNT,
        ErrorCode.INSUFFICIENT_HOLDING,
        ErrorCode.INSUFFICIENT_CASH,
    }
    assert sum(amount for _, amount in ledger.holders(PIB)) == ledger.outstanding(PIB)
    assert sum(ledger.cash.values()) == 4 * PKR.to_minor(10_000_000)
