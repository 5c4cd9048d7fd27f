"""The auction rules of SBP's auction circulars (DMMD 06 of 2018 and its December 2020
amendment, DMMD 02 of 2007), one by one, on a 364-day bill auction.

A PKR 1,000 million target; two primary dealers bid competitively in price, investors
non-competitively through them. Amounts are paisa.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovereign_assets.domain import DomainError, ErrorCode, InvestorType
from sovereign_assets.domain.auctions import (
    PKR_MILLION,
    SBP_RULES,
    SBP_SUKUK_RULES,
    AuctionAction,
    AuctionState,
    AuctionType,
    Bid,
    BidBasis,
    BillPricer,
    CutOff,
    NonCompetitiveCut,
    Offering,
    TenorResult,
    allocate,
    check_bid,
    next_auction_state,
    pro_rata,
    require_open,
    valid_bids,
)
from sovereign_assets.domain.money import amount_at_price
from sovereign_assets.domain.pricing import bill_price, bill_yield

M = PKR_MILLION
BILL = "PK0000BIL364"
DENOMINATION = 500_000  # PKR 5,000
OFFERING = Offering(BILL, 1_000 * M, DENOMINATION)
PRICER = BillPricer(364)
PD = InvestorType.PRIMARY_DEALER


def competitive(bid_id: str, price: str, millions: int, account: str = "SGL-ALPHA") -> Bid:
    owner = "PD-ALPHA" if account == "SGL-ALPHA" else "PD-BETA"
    return Bid(bid_id, account, owner, PD, BILL, millions * M, Decimal(price))


def non_competitive(
    bid_id: str, investor: str, millions: int, kind: InvestorType = InvestorType.INDIVIDUAL
) -> Bid:
    return Bid(bid_id, f"IPS-{investor}", investor, kind, BILL, millions * M)


BOOK = (
    competitive("A1", "98.0000", 400),
    competitive("B1", "97.9000", 300, "SGL-BETA"),
    competitive("A2", "97.8000", 270),
    competitive("B2", "97.8000", 130, "SGL-BETA"),
    competitive("B3", "97.8000", 40, "SGL-BETA"),
    competitive("A3", "97.7000", 500),
    non_competitive("N1", "AYESHA", 20),
    non_competitive("N2", "DANA", 10, InvestorType.INSTITUTION),
    non_competitive("N3", "DANA", 10, InvestorType.INSTITUTION),
)


def bill_auction(cutoff: CutOff, book: tuple[Bid, ...] = BOOK) -> TenorResult:
    return allocate(
        OFFERING,
        book,
        cutoff,
        basis=BidBasis.PRICE,
        auction_type=AuctionType.MULTIPLE_PRICE,
        rules=SBP_RULES,
        pricer=PRICER,
    )


def test_non_competitive_cap_is_half_a_percent_between_25_and_500_million() -> None:
    assert SBP_RULES.non_competitive_cap(1_000 * M) == 25 * M  # 0.5 % = 5 m, floor 25 m
    assert SBP_RULES.non_competitive_cap(40_000 * M) == 200 * M
    assert SBP_RULES.non_competitive_cap(500_000 * M) == 500 * M  # 2,500 m capped
    assert SBP_SUKUK_RULES.non_competitive_cap(40_000 * M) == 100 * M  # 0.25 %
    assert SBP_SUKUK_RULES.non_competitive_cap(500_000 * M) == 250 * M


def test_check_bid_applies_caps_types_and_levels() -> None:
    check_bid(non_competitive("N", "AYESHA", 25), OFFERING, BidBasis.PRICE, SBP_RULES)
    refusals = {
        ErrorCode.NON_COMPETITIVE_OVER_CAP: non_competitive("N", "AYESHA", 30),
        ErrorCode.NON_COMPETITIVE_NOT_ALLOWED: non_competitive("N", "HBL", 5, InvestorType.BANK),
        ErrorCode.COMPETITIVE_BID_NOT_ALLOWED: Bid(
            "C", "IPS-X", "X", InvestorType.INDIVIDUAL, BILL, 5 * M, Decimal("98")
        ),
        ErrorCode.INVALID_BID: competitive("C", "98.00001", 5),
        ErrorCode.NOT_MULTIPLE_OF_DENOMINATION: Bid(
            "C", "SGL-ALPHA", "PD-ALPHA", PD, BILL, 5 * M + 1, Decimal("98")
        ),
    }
    for code, bid in refusals.items():
        with pytest.raises(DomainError) as err:
            check_bid(bid, OFFERING, BidBasis.PRICE, SBP_RULES)
        assert err.value.code is code
    for excluded in (InvestorType.DFI, InvestorType.INVESTMENT_BANK):
        with pytest.raises(DomainError):
            check_bid(non_competitive("N", "X", 5, excluded), OFFERING, BidBasis.PRICE, SBP_RULES)
    with pytest.raises(DomainError) as err:
        check_bid(competitive("C", "-1", 5), OFFERING, BidBasis.PRICE, SBP_RULES)
    assert err.value.code is ErrorCode.INVALID_BID
    check_bid(competitive("C", "0.0985", 5), OFFERING, BidBasis.YIELD, SBP_RULES)
    with pytest.raises(DomainError):
        check_bid(competitive("C", "12.5", 5), OFFERING, BidBasis.MARGIN, SBP_RULES)


def test_a_second_non_competitive_bid_voids_all_of_that_investors_bids() -> None:
    book = valid_bids(BOOK)
    assert book.voided == ("N2", "N3")
    assert [b.bid_id for b in book.valid] == ["A1", "A2", "A3", "B1", "B2", "B3", "N1"]


def test_pro_rata_at_the_cut_off_rounds_to_50_million_and_takes_back_the_overshoot() -> None:
    # 300 m left for 440 m at the cut-off (ratio 15/22): 270 -> 184.09 -> 200 and
    # 130 -> 88.64 -> 100 overshoot (340 m); the 40 m bid is filled in full; one lot is
    # taken back from the fill rounding raised most (200 -> 150): 290 m <= 300 m.
    fills = pro_rata([270 * M, 130 * M, 40 * M], 300 * M, 50 * M, DENOMINATION)
    assert fills == [150 * M, 100 * M, 40 * M]
    # Shares that round down leave a residue that is not sold.
    assert pro_rata([250 * M, 150 * M, 40 * M], 300 * M, 50 * M, DENOMINATION) == [
        150 * M,
        100 * M,
        40 * M,
    ]
    # Enough left: everyone in full.
    assert pro_rata([270 * M, 130 * M], 400 * M, 50 * M, DENOMINATION) == [270 * M, 130 * M]
    # Small bids alone exceed what is left: every share down to the denomination.
    fallback = pro_rata([40 * M, 30 * M, 20 * M], 45 * M, 50 * M, DENOMINATION)
    assert fallback == [20 * M, 15 * M, 10 * M]


def test_multiple_price_bill_auction_with_pro_rata_and_non_competitive_at_the_average() -> None:
    result = bill_auction(CutOff(BILL, level=Decimal("97.8000")))
    fills = {f.bid_id: f for f in result.fills}
    assert {k: f.amount // M for k, f in fills.items()} == {
        "A1": 400,
        "B1": 300,
        "A2": 150,
        "B2": 100,
        "B3": 40,
        "N1": 20,
    }
    assert "A3" not in fills  # below the cut-off
    assert fills["A1"].price_per_100 == Decimal("98.0000")  # each pays its own price
    assert fills["B1"].price_per_100 == Decimal("97.9000")
    competitive_fills = [f for f in fills.values() if f.competitive]
    exact_way = sum(
        (Fraction(bill_yield(f.price_per_100, 364)) * f.amount for f in competitive_fills),
        Fraction(0),
    ) / sum(f.amount for f in competitive_fills)
    way = result.weighted_average_yield
    assert way is not None
    assert abs(Fraction(way) - exact_way) <= Fraction(1, 2_000_000)
    assert fills["N1"].price_per_100 == bill_price(way, 364)
    assert result.competitive_accepted == 990 * M
    assert result.non_competitive_accepted == 20 * M
    assert result.competitive_offered == 1_640 * M
    assert result.non_competitive_offered == 20 * M  # N2 and N3 are void
    assert result.voided == ("N2", "N3")
    assert result.cutoff_price == Decimal("97.8000")


def test_reject_all_and_cut_offs_that_do_not_fit() -> None:
    rejected = bill_auction(CutOff(BILL, reject_all=True))
    assert rejected.rejected
    assert not rejected.fills
    for cutoff in (
        CutOff(BILL),  # neither a level nor reject-all
        CutOff(BILL, level=Decimal("97.7000"), accept_amount=500 * M),  # better > amount
        CutOff("PK0000OTHER1", level=Decimal("97.8000")),
    ):
        with pytest.raises(DomainError) as err:
            bill_auction(cutoff)
        assert err.value.code is ErrorCode.INVALID_CUTOFF


def test_uniform_price_sukuk_in_yield_pays_the_cut_off_price() -> None:
    book = (
        Bid("S1", "SGL-ALPHA", "PD-ALPHA", PD, BILL, 300 * M, Decimal("0.0950")),
        Bid("S2", "SGL-BETA", "PD-BETA", PD, BILL, 300 * M, Decimal("0.0975")),
        Bid("S3", "SGL-BETA", "PD-BETA", PD, BILL, 600 * M, Decimal("0.0990")),
    )
    result = allocate(
        OFFERING,
        book,
        CutOff(BILL, level=Decimal("0.0975")),
        basis=BidBasis.YIELD,
        auction_type=AuctionType.UNIFORM_PRICE,
        rules=SBP_SUKUK_RULES,
        pricer=PRICER,
    )
    assert {f.bid_id: f.amount // M for f in result.fills} == {"S1": 300, "S2": 300}
    assert {f.price_per_100 for f in result.fills} == {bill_price(Decimal("0.0975"), 364)}
    assert result.weighted_average_yield == Decimal("0.097500")


def test_variable_rental_sukuk_bids_in_margin_settle_at_par() -> None:
    book = (
        Bid("V1", "SGL-ALPHA", "PD-ALPHA", PD, BILL, 500 * M, Decimal("10")),
        Bid("V2", "SGL-BETA", "PD-BETA", PD, BILL, 500 * M, Decimal("20")),
        Bid("V3", "IPS-AYESHA", "AYESHA", InvestorType.INDIVIDUAL, BILL, 25 * M),
    )
    result = allocate(
        OFFERING,
        book,
        CutOff(BILL, level=Decimal("20")),
        basis=BidBasis.MARGIN,
        auction_type=AuctionType.UNIFORM_PRICE,
        rules=SBP_SUKUK_RULES,
        pricer=None,
    )
    assert {f.price_per_100 for f in result.fills} == {Decimal(100)}
    assert result.weighted_average_yield == Decimal("20.000000")
    assert result.accepted == 1_025 * M


def test_oversubscribed_non_competitive_bids_smallest_first_or_pro_rata() -> None:
    offering = Offering(BILL, 1_000 * M, DENOMINATION, non_competitive_limit=40 * M)
    book = (
        competitive("A1", "98.0000", 1_000),
        non_competitive("N1", "AYESHA", 25),
        non_competitive("N2", "BILAL", 10),
        non_competitive("N3", "CHEN", 20),
    )
    for cut, expected in (
        (NonCompetitiveCut.SMALLEST_FIRST, {"N2": 10 * M, "N3": 20 * M, "N1": 10 * M}),
        (
            NonCompetitiveCut.PRO_RATA,
            {"N1": 40 * M * 25 // 55 // DENOMINATION * DENOMINATION,
             "N2": 40 * M * 10 // 55 // DENOMINATION * DENOMINATION,
             "N3": 40 * M * 20 // 55 // DENOMINATION * DENOMINATION},
        ),
    ):  # fmt: skip
        rules = dataclasses.replace(SBP_RULES, non_competitive_cut=cut)
        result = allocate(
            offering,
            book,
            CutOff(BILL, level=Decimal("98.0000")),
            basis=BidBasis.PRICE,
            auction_type=AuctionType.MULTIPLE_PRICE,
            rules=rules,
            pricer=PRICER,
        )
        assert {f.bid_id: f.amount for f in result.fills if not f.competitive} == expected
        assert result.non_competitive_accepted <= 40 * M


def test_auction_states_follow_the_table() -> None:
    assert next_auction_state(AuctionState.OPEN, AuctionAction.CLOSE) is AuctionState.CLOSED
    assert next_auction_state(AuctionState.CLOSED, AuctionAction.CUT_OFF) is AuctionState.CUT_OFF
    with pytest.raises(DomainError) as err:
        next_auction_state(AuctionState.CUT_OFF, AuctionAction.CLOSE)
    assert err.value.code is ErrorCode.INVALID_TRANSITION
    require_open(AuctionState.OPEN)
    with pytest.raises(DomainError) as err:
        require_open(AuctionState.CLOSED)
    assert err.value.code is ErrorCode.AUCTION_CLOSED


def test_reopening_settlement_amount_carries_the_accrued_interest_once() -> None:
    # SBP's re-opening auction: PKR 2,000 million of the 7 % PIB re-opened on 3 March 2021,
    # settling 4 March at 95.6574 clean, 12 of 181 days accrued: 4,640,883.98 accrued.
    face = 2_000 * M
    accrued_per_unit = Fraction(7, 100) / 2 * Fraction(12, 181)
    clean_only = amount_at_price(face, Decimal("95.6574"))
    dirty = amount_at_price(face, Decimal("95.6574"), accrued_per_unit)
    assert clean_only == 191_314_800_000
    assert dirty - clean_only == 464_088_398  # PKR 4,640,883.98 = 4.641 million


@settings(max_examples=300, deadline=None)
@given(
    book=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=200).map(lambda n: n * 5 * M),
            st.sampled_from(("98.2000", "98.0000", "97.9000", "97.8000", "97.5000")),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    ),
    cutoff=st.sampled_from(("98.0000", "97.9000", "97.8000")),
    target=st.integers(min_value=1, max_value=80).map(lambda n: n * 25 * M),
)
def test_any_book_allots_multiples_of_the_denomination_within_what_was_accepted(
    book: list[tuple[int, str, bool]], cutoff: str, target: int
) -> None:
    bids = [
        competitive(f"C{n:02d}", price, amount // M, "SGL-BETA" if beta else "SGL-ALPHA")
        for n, (amount, price, beta) in enumerate(book)
    ]
    offering = Offering(BILL, target, DENOMINATION)
    better = sum(b.amount for b in bids if b.level is not None and b.level > Decimal(cutoff))

    def run(book: list[Bid]) -> TenorResult:
        return allocate(
            offering,
            book,
            CutOff(BILL, level=Decimal(cutoff)),
            basis=BidBasis.PRICE,
            auction_type=AuctionType.MULTIPLE_PRICE,
            rules=SBP_RULES,
            pricer=PRICER,
        )

    if better > target:
        with pytest.raises(DomainError) as err:
            run(bids)
        assert err.value.code is ErrorCode.INVALID_CUTOFF
        return
    result = run(bids)
    by_id = {b.bid_id: b for b in bids}
    assert result.competitive_accepted <= target
    for fill in result.fills:
        assert 0 < fill.amount <= by_id[fill.bid_id].amount
        assert fill.amount % DENOMINATION == 0
        assert fill.price_per_100 == by_id[fill.bid_id].level
    # better bids in full; a bid at the cut-off of a lot or less in full
    filled = {f.bid_id: f.amount for f in result.fills}
    for bid in bids:
        assert bid.level is not None
        if bid.level > Decimal(cutoff):
            assert filled[bid.bid_id] == bid.amount
        elif bid.level < Decimal(cutoff):
            assert bid.bid_id not in filled
    at_cutoff = [b for b in bids if b.level == Decimal(cutoff)]
    if sum(b.amount for b in at_cutoff) <= target - better:
        assert all(filled[b.bid_id] == b.amount for b in at_cutoff)
    # the same book in another order allots the same
    again = run(list(reversed(bids)))
    assert again == result
    assert sum(amount_at_price(f.amount, f.price_per_100) for f in result.fills) == sum(
        amount_at_price(f.amount, f.price_per_100) for f in again.fills
    )
