"""Primary auctions run by the central bank for the treasury.

Sources: SBP DMMD Circular 06 of 2018 (auctions of government securities) and its December
2020 amendment (bids in price, non-competitive ceilings); DMMD Circular 02 of 2007 (pro rata
at the cut-off on a PKR 50 million basis).

Owns the pure rules of an auction, from the bid to the allotment:

- :class:`AuctionRules` - the market's configuration (Pakistan: :data:`SBP_RULES` and
  :data:`SBP_SUKUK_RULES`): non-competitive caps, the investor types that may not bid
  non-competitively, who may bid competitively, the pro-rata lot, and how
  oversubscribed non-competitive bids are cut;
- :class:`AuctionState` and the transition table :data:`AUCTION_TRANSITIONS`
  (OPEN -> CLOSED -> CUT_OFF -> SETTLED, or REJECTED when every tenor is rejected);
- :func:`check_bid` - what a bid must satisfy when it is placed;
- :func:`valid_bids` - the book as the auctioneer evaluates it at the cut-off (one
  non-competitive bid per tenor per investor: more than one voids all of them);
- :func:`allocate` - the cut-off, pro rata and pricing of one tenor: bids better than
  the cut-off filled in full, bids at it pro rata rounded to the lot, bids of a lot or
  less at it filled in full, non-competitive bids at the weighted-average accepted
  yield, multiple price for bills and bonds, uniform price for sukuk;
- :func:`auction_type_for` - margin auctions (variable-rental sukuk, floaters) are
  uniform: the instrument has one margin, the cut-off (:func:`instrument_margin`);
- :data:`SETTLEMENT_REFUSALS` / :func:`closes_allotment` - which eligibility
  refusals found at settlement close one allotment (reported, never issued) instead
  of stopping the whole settlement.

Rounding (every rule lives in :mod:`.money`):

- a pro-rata fill: :data:`.money.PRO_RATA_LOT` - the bid's exact share to the nearest
  lot, half up, never above the bid. When the rounded fills add up to more than the
  amount left at the cut-off, one lot is taken back at a time from the large fill that
  rounding raised the most (then the larger fill, then the later bid id) until the
  total fits. If it still does not fit (the small bids alone exceed it), every bid at
  the cut-off gets its exact share rounded down to the denomination
  (:data:`.money.DENOMINATION_FLOOR`). A residue left by rounding down is not sold:
  the accepted amount is the sum of the fills, never more than the treasury accepted.
- oversubscribed non-competitive bids: smallest first (filled in full while they fit,
  the first that does not fit gets the rest down to the denomination) or pro rata
  (each share down to the denomination), by configuration;
- weighted averages: :data:`.money.YIELD` for yields and margins,
  :data:`.money.PRICE_PER_100` for prices, each from the exact weighted sum;
- a price from a yield: the pricing functions' own rule (4 decimals, half up).

Allocation is a pure function of its arguments: bids are ordered by an explicit key
(level, then bid id), never by arrival or hashing, so every endorser computes the same.

Must not import: anything outside the standard library and this package; no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Protocol

from .errors import DomainError, ErrorCode
from .holdings import Ledger
from .investors import InvestorType
from .money import (
    exact,
    floor_to_denomination,
    require_decimal,
    require_multiple,
    require_positive_amount,
    round_price,
    round_to_lot,
    round_yield,
    weighted_average,
)
from .pricing import CouponBond, bill_price, bill_yield, bond_clean_price, bond_yield

PKR_MILLION = 100_000_000
"""PKR 1 million in paisa."""

PAR = Decimal(100)


class AuctionType(StrEnum):
    """How accepted competitive bids are priced."""

    MULTIPLE_PRICE = "MULTIPLE_PRICE"
    """Each accepted bid pays its own price (SBP: bills and bonds)."""
    UNIFORM_PRICE = "UNIFORM_PRICE"
    """Every accepted bid pays the cut-off price (SBP: sukuk)."""


class BidBasis(StrEnum):
    """What a competitive bid states besides its amount."""

    PRICE = "PRICE"
    """Price per 100 of face, 4 decimals (SBP bills and PIBs since December 2020); higher
    is better."""
    YIELD = "YIELD"
    """Yield, a fraction ("0.0985"); lower is better (bills and bonds bid in yield,
    fixed-rental sukuk)."""
    MARGIN = "MARGIN"
    """Margin over the benchmark, basis points; lower is better (variable-rental sukuk,
    which are issued at par)."""


def auction_type_for(basis: BidBasis, requested: AuctionType | None, *, sukuk: bool) -> AuctionType:
    """The auction type of an announcement: ``requested``, else uniform price for sukuk
    and margin auctions and multiple price otherwise. ``INVALID_AUCTION`` for a margin
    auction at multiple prices: every accepted bid of a floater or variable-rental
    sukuk holds the same instrument, which pays one margin (the cut-off), at par."""
    uniform = sukuk or basis is BidBasis.MARGIN
    chosen = requested or (AuctionType.UNIFORM_PRICE if uniform else AuctionType.MULTIPLE_PRICE)
    if basis is BidBasis.MARGIN and chosen is not AuctionType.UNIFORM_PRICE:
        raise DomainError(ErrorCode.INVALID_AUCTION, "a margin auction is uniform price")
    return chosen


class NonCompetitiveCut(StrEnum):
    """How oversubscribed non-competitive bids are accepted (configuration)."""

    SMALLEST_FIRST = "SMALLEST_FIRST"
    PRO_RATA = "PRO_RATA"


class AuctionState(StrEnum):
    """States of an auction."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"
    CUT_OFF = "CUT_OFF"
    REJECTED = "REJECTED"
    SETTLED = "SETTLED"


class AuctionAction(StrEnum):
    """What can happen to an auction."""

    CLOSE = "CLOSE"
    CUT_OFF = "CUT_OFF"
    REJECT_ALL = "REJECT_ALL"
    SETTLE_LAST = "SETTLE_LAST"


_S = AuctionState
_A = AuctionAction
AUCTION_TRANSITIONS: Mapping[tuple[AuctionState, AuctionAction], AuctionState] = MappingProxyType(
    {
        (_S.OPEN, _A.CLOSE): _S.CLOSED,
        (_S.CLOSED, _A.CUT_OFF): _S.CUT_OFF,
        (_S.CLOSED, _A.REJECT_ALL): _S.REJECTED,
        (_S.CUT_OFF, _A.SETTLE_LAST): _S.SETTLED,
    }
)
"""The only allowed transitions of an auction: (state, action) -> next state. Bids are
placed, amended and withdrawn only in OPEN."""


def next_auction_state(state: AuctionState, action: AuctionAction) -> AuctionState:
    """Look ``(state, action)`` up in :data:`AUCTION_TRANSITIONS`; ``AUCTION_CLOSED``
    for anything after OPEN that the table does not allow, ``INVALID_TRANSITION``
    otherwise."""
    try:
        return AUCTION_TRANSITIONS[(state, action)]
    except KeyError:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"{action} in {state}") from None


def require_open(state: AuctionState) -> None:
    """Bids are placed, amended and withdrawn only while the auction is OPEN."""
    if state is not AuctionState.OPEN:
        raise DomainError(ErrorCode.AUCTION_CLOSED, f"the auction is {state}")


@dataclass(frozen=True)
class AuctionRules:
    """A market's auction configuration.

    ``non_competitive_share``: the per-investor, per-tenor non-competitive cap as a
    fraction of the tenor's target (``Decimal("0.005")`` = 0.50 %), bounded below by
    ``non_competitive_min`` and above by ``non_competitive_max`` (face, minor units).
    ``non_competitive_excluded``: investor types that may not bid non-competitively.
    ``competitive_bidders``: investor types that may bid competitively (SBP: primary
    dealers only; a market where investors bid through their dealer lists them too).
    ``pro_rata_lot``: the lot pro-rata fills are rounded to, and the size up to which a
    bid at the cut-off is filled in full (face, minor units).
    ``non_competitive_cut``: how oversubscribed non-competitive bids are accepted.
    """

    non_competitive_share: Decimal
    non_competitive_min: int
    non_competitive_max: int
    non_competitive_excluded: frozenset[InvestorType]
    competitive_bidders: frozenset[InvestorType]
    pro_rata_lot: int
    non_competitive_cut: NonCompetitiveCut = NonCompetitiveCut.SMALLEST_FIRST

    def __post_init__(self) -> None:
        share = require_decimal(self.non_competitive_share, "non-competitive share")
        if not 0 <= share <= 1:
            raise DomainError(ErrorCode.INVALID_AUCTION, "non-competitive share is 0..1")
        require_positive_amount(self.non_competitive_min, "non-competitive minimum")
        require_positive_amount(self.non_competitive_max, "non-competitive maximum")
        if self.non_competitive_min > self.non_competitive_max:
            raise DomainError(ErrorCode.INVALID_AUCTION, "non-competitive minimum > maximum")
        require_positive_amount(self.pro_rata_lot, "pro-rata lot")
        if not self.competitive_bidders:
            raise DomainError(ErrorCode.INVALID_AUCTION, "nobody may bid competitively")

    def non_competitive_cap(self, target: int) -> int:
        """The most one investor may bid non-competitively in a tenor of ``target``
        (minor units): share x target, rounded down to the minor unit, within
        [minimum, maximum]."""
        require_positive_amount(target, "target")
        share = floor_to_denomination(exact(self.non_competitive_share) * target, 1)
        return max(self.non_competitive_min, min(share, self.non_competitive_max))


_EXCLUDED = frozenset({InvestorType.BANK, InvestorType.DFI, InvestorType.INVESTMENT_BANK})

SBP_RULES = AuctionRules(
    non_competitive_share=Decimal("0.005"),
    non_competitive_min=25 * PKR_MILLION,
    non_competitive_max=500 * PKR_MILLION,
    non_competitive_excluded=_EXCLUDED,
    competitive_bidders=frozenset({InvestorType.PRIMARY_DEALER}),
    pro_rata_lot=50 * PKR_MILLION,
)
"""State Bank of Pakistan, bills and PIBs (DMMD Circular 06 of 2018 as amended in
December 2020; pro-rata lot of DMMD Circular 02 of 2007)."""

SBP_SUKUK_RULES = AuctionRules(
    non_competitive_share=Decimal("0.0025"),
    non_competitive_min=25 * PKR_MILLION,
    non_competitive_max=250 * PKR_MILLION,
    non_competitive_excluded=_EXCLUDED,
    competitive_bidders=frozenset({InvestorType.PRIMARY_DEALER}),
    pro_rata_lot=50 * PKR_MILLION,
)
"""State Bank of Pakistan, Ijara sukuk (0.25 %, at most PKR 250 million)."""


@dataclass(frozen=True)
class Offering:
    """One tenor of an auction: ``instrument_id`` (a new issue or a re-opening),
    ``target`` (face the treasury wants, minor units), ``denomination`` (the
    instrument's minimum) and ``non_competitive_limit`` (face accepted
    non-competitively at most; None = no limit)."""

    instrument_id: str
    target: int
    denomination: int
    non_competitive_limit: int | None = None

    def __post_init__(self) -> None:
        require_multiple(self.target, self.denomination, "target")
        if self.non_competitive_limit is not None:
            require_multiple(self.non_competitive_limit, self.denomination, "limit")


@dataclass(frozen=True)
class Bid:
    """A sealed bid as the auctioneer sees it.

    ``bid_id``: unique within the auction. ``account_id``: receives the securities.
    ``investor_id`` / ``investor_type``: on whose behalf (the dealer itself, or its
    client). ``instrument_id``: the tenor. ``amount``: face, minor units.
    ``level``: the competitive bid's price, yield or margin (:class:`BidBasis`);
    None for a non-competitive bid.
    """

    bid_id: str
    account_id: str
    investor_id: str
    investor_type: InvestorType
    instrument_id: str
    amount: int
    level: Decimal | None = None

    @property
    def competitive(self) -> bool:
        """Whether the bid states a price, yield or margin."""
        return self.level is not None


def check_bid(bid: Bid, offering: Offering, basis: BidBasis, rules: AuctionRules) -> None:
    """Raise the first rule the bid breaks when it is placed.

    ``NOT_MULTIPLE_OF_DENOMINATION`` / ``INVALID_AMOUNT`` for its amount,
    ``INVALID_BID`` for a level outside its basis (a price must be > 0 and at most 4
    decimals, a yield >= 0 with at most 6 decimals, a margin a whole number of basis
    points), ``COMPETITIVE_BID_NOT_ALLOWED`` for an investor type that may not bid
    competitively, ``NON_COMPETITIVE_NOT_ALLOWED`` for an excluded type and
    ``NON_COMPETITIVE_OVER_CAP`` above :meth:`AuctionRules.non_competitive_cap`.
    """
    if bid.instrument_id != offering.instrument_id:
        raise DomainError(ErrorCode.INVALID_BID, f"{bid.instrument_id} is not offered")
    require_multiple(bid.amount, offering.denomination, "bid amount")
    if bid.level is not None:
        _check_level(require_decimal(bid.level, "bid level"), basis)
        if bid.investor_type not in rules.competitive_bidders:
            raise DomainError(ErrorCode.COMPETITIVE_BID_NOT_ALLOWED, bid.investor_type.value)
        return
    if bid.investor_type in rules.non_competitive_excluded:
        raise DomainError(ErrorCode.NON_COMPETITIVE_NOT_ALLOWED, bid.investor_type.value)
    cap = rules.non_competitive_cap(offering.target)
    if bid.amount > cap:
        raise DomainError(ErrorCode.NON_COMPETITIVE_OVER_CAP, f"{bid.amount} > {cap}")


def _check_level(level: Decimal, basis: BidBasis) -> None:
    exponent = level.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: require_decimal checked
    if basis is BidBasis.PRICE:
        ok = level > 0 and exponent >= -4
    elif basis is BidBasis.YIELD:
        ok = level >= 0 and exponent >= -6
    else:
        ok = level == level.to_integral_value()
    if not ok:
        raise DomainError(ErrorCode.INVALID_BID, f"{level} is not a valid {basis.value.lower()}")


def _better(level: Decimal, cutoff: Decimal, basis: BidBasis) -> bool:
    return level > cutoff if basis is BidBasis.PRICE else level < cutoff


def _rank(bid: Bid, basis: BidBasis) -> tuple[Decimal, str]:
    """Best first: highest price, or lowest yield or margin; then bid id."""
    assert bid.level is not None
    return (-bid.level if basis is BidBasis.PRICE else bid.level, bid.bid_id)


@dataclass(frozen=True)
class BookCheck:
    """The book after the one-bid rule: ``valid`` bids (sorted by bid id) and the ids
    of ``voided`` ones (sorted)."""

    valid: tuple[Bid, ...]
    voided: tuple[str, ...]


def valid_bids(bids: Iterable[Bid]) -> BookCheck:
    """Apply the one-per-tenor rule: an investor with more than one non-competitive bid
    in a tenor loses all of them; competitive bids are unaffected."""
    ordered = sorted(bids, key=lambda b: b.bid_id)
    if len({b.bid_id for b in ordered}) != len(ordered):
        raise DomainError(ErrorCode.INVALID_BID, "two bids share an id")
    count: dict[tuple[str, str], int] = {}
    for bid in ordered:
        if not bid.competitive:
            key = (bid.instrument_id, bid.investor_id)
            count[key] = count.get(key, 0) + 1
    voided = tuple(
        b.bid_id
        for b in ordered
        if not b.competitive and count[(b.instrument_id, b.investor_id)] > 1
    )
    return BookCheck(tuple(b for b in ordered if b.bid_id not in voided), voided)


class Pricer(Protocol):
    """Price <-> yield of one tenor on the settlement date (quoted, rounded by the
    pricing functions' rules). Not needed for :attr:`BidBasis.MARGIN`."""

    def price(self, yield_rate: Decimal) -> Decimal:
        """Clean price per 100 at ``yield_rate`` (fraction)."""
        ...

    def yield_of(self, price_per_100: Decimal) -> Decimal:
        """Yield (fraction) of a clean price per 100."""
        ...


@dataclass(frozen=True)
class BillPricer:
    """:class:`Pricer` of a bill (or discounted sukuk) with ``days`` from settlement to
    maturity (:func:`.pricing.bill_price`, :func:`.pricing.bill_yield`)."""

    days: int

    def price(self, yield_rate: Decimal) -> Decimal:
        return bill_price(yield_rate, self.days)

    def yield_of(self, price_per_100: Decimal) -> Decimal:
        return bill_yield(price_per_100, self.days)


@dataclass(frozen=True)
class BondPricer:
    """:class:`Pricer` of a coupon bond (or fixed-rental sukuk) settling on
    ``settlement`` (:func:`.pricing.bond_clean_price`, :func:`.pricing.bond_yield`)."""

    bond: CouponBond
    settlement: date

    def price(self, yield_rate: Decimal) -> Decimal:
        return bond_clean_price(self.bond, self.settlement, yield_rate)

    def yield_of(self, price_per_100: Decimal) -> Decimal:
        return bond_yield(self.bond, self.settlement, price_per_100)


@dataclass(frozen=True)
class CutOff:
    """The treasury's decision for one tenor.

    ``reject_all``: no bid of the tenor is accepted (competitive or not).
    ``level``: the cut-off price, yield or margin (in the auction's basis).
    ``accept_amount``: face accepted competitively (minor units); None = the target.
    Bids better than ``level`` must fit in it; bids at ``level`` share what is left.
    """

    instrument_id: str
    reject_all: bool = False
    level: Decimal | None = None
    accept_amount: int | None = None


@dataclass(frozen=True)
class Fill:
    """One accepted bid: ``amount`` of face for ``account_id`` at ``price_per_100``
    (clean), ``yield_rate`` the yield (or margin) it was accepted at."""

    bid_id: str
    account_id: str
    instrument_id: str
    amount: int
    price_per_100: Decimal
    yield_rate: Decimal
    competitive: bool


@dataclass(frozen=True)
class TenorResult:
    """What a tenor's auction produced.

    Amounts are face, minor units: ``competitive_offered`` / ``non_competitive_offered``
    (valid bids received), ``competitive_accepted`` / ``non_competitive_accepted``
    (sum of fills; their sum is ``accepted``). ``cutoff`` is the cut-off level,
    ``cutoff_price`` its price per 100, ``weighted_average_yield`` the yield (margin
    for MARGIN auctions) and ``weighted_average_price`` the price of accepted
    competitive bids; all None when every bid was rejected. ``fills`` are sorted by
    bid id; ``voided`` are bid ids the one-bid rule voided.
    """

    instrument_id: str
    rejected: bool
    competitive_offered: int
    non_competitive_offered: int
    competitive_accepted: int
    non_competitive_accepted: int
    cutoff: Decimal | None
    cutoff_price: Decimal | None
    weighted_average_yield: Decimal | None
    weighted_average_price: Decimal | None
    fills: tuple[Fill, ...] = field(default_factory=tuple)
    voided: tuple[str, ...] = ()

    @property
    def accepted(self) -> int:
        """Competitive plus non-competitive face accepted."""
        return self.competitive_accepted + self.non_competitive_accepted


def pro_rata(amounts: Sequence[int], available: int, lot: int, denomination: int) -> list[int]:
    """Fill bids at the cut-off (``amounts``, face) from ``available`` face, by the rule of
    the module docstring; the result is in the order of ``amounts``, each a multiple of
    ``denomination`` (``lot`` must be one) and never above its bid, and the total never
    exceeds ``available``."""
    require_multiple(lot, denomination, "pro-rata lot")
    if available < 0:
        raise DomainError(ErrorCode.INVALID_CUTOFF, "nothing is left at the cut-off")
    total = sum(amounts)
    if total <= available:
        return list(amounts)
    ratio = Fraction(available, total)
    shares = [amount * ratio for amount in amounts]
    fills = [
        amount if amount <= lot else min(amount, round_to_lot(share, lot))
        for amount, share in zip(amounts, shares, strict=True)
    ]
    while sum(fills) > available:
        large = [i for i, amount in enumerate(amounts) if amount > lot and fills[i] > 0]
        if not large:
            return [floor_to_denomination(share, denomination) for share in shares]
        # the fill rounding raised most, then the larger fill, then the later bid
        take = max(large, key=lambda i: (fills[i] - shares[i], fills[i], i))
        fills[take] -= min(lot, fills[take])
    return fills


def _non_competitive_fills(
    amounts: Sequence[int], limit: int | None, denomination: int, cut: NonCompetitiveCut
) -> list[int]:
    total = sum(amounts)
    if limit is None or total <= limit:
        return list(amounts)
    if cut is NonCompetitiveCut.PRO_RATA:
        return [floor_to_denomination(Fraction(a * limit, total), denomination) for a in amounts]
    fills = [0] * len(amounts)
    left = limit
    for i in sorted(range(len(amounts)), key=lambda i: (amounts[i], i)):
        fills[i] = min(amounts[i], floor_to_denomination(left, denomination))
        left -= fills[i]
        if fills[i] < amounts[i]:
            break
    return fills


def allocate(
    offering: Offering,
    bids: Iterable[Bid],
    cutoff: CutOff,
    *,
    basis: BidBasis,
    auction_type: AuctionType,
    rules: AuctionRules,
    pricer: Pricer | None,
) -> TenorResult:
    """Allot one tenor (see the module docstring). ``bids``: the tenor's sealed bids,
    as placed (the one-bid rule is applied here). ``pricer``: required unless the basis
    is MARGIN (variable-rental sukuk settle at par).

    Raises ``INVALID_CUTOFF`` when the cut-off is missing, names another tenor, or
    accepts more in bids better than it than the accepted amount, and
    ``INVALID_AUCTION`` when a needed pricer is missing.
    """
    if cutoff.instrument_id != offering.instrument_id:
        raise DomainError(ErrorCode.INVALID_CUTOFF, f"{cutoff.instrument_id} is not offered")
    tenor_bids = [b for b in bids if b.instrument_id == offering.instrument_id]
    book = valid_bids(tenor_bids)
    competitive = sorted((b for b in book.valid if b.competitive), key=lambda b: _rank(b, basis))
    non_competitive = [b for b in book.valid if not b.competitive]
    offered_c = sum(b.amount for b in competitive)
    offered_n = sum(b.amount for b in non_competitive)
    if cutoff.reject_all:
        return _empty(offering, True, offered_c, offered_n, None, None, book.voided)
    if cutoff.level is None:
        raise DomainError(ErrorCode.INVALID_CUTOFF, "a cut-off level or reject-all is required")
    level = require_decimal(cutoff.level, "cut-off")
    _check_level(level, basis)
    if basis is not BidBasis.MARGIN and pricer is None:
        raise DomainError(ErrorCode.INVALID_AUCTION, "pricing a yield or price needs a pricer")
    needed = offering.target if cutoff.accept_amount is None else cutoff.accept_amount
    require_multiple(needed, offering.denomination, "accepted amount")
    better = [b for b in competitive if _better(_level(b), level, basis)]
    at_cutoff = [b for b in competitive if _level(b) == level]
    better_total = sum(b.amount for b in better)
    if better_total > needed:
        raise DomainError(
            ErrorCode.INVALID_CUTOFF,
            f"bids better than the cut-off ({better_total}) exceed the amount ({needed})",
        )
    left = needed - better_total
    lot, denomination = rules.pro_rata_lot, offering.denomination
    at_fills = pro_rata([b.amount for b in at_cutoff], left, lot, denomination)
    filled = [(b, b.amount) for b in better] + [
        (b, amount) for b, amount in zip(at_cutoff, at_fills, strict=True) if amount > 0
    ]
    cutoff_price = _price_of_level(level, basis, pricer)
    fills: list[Fill] = []
    for bid, amount in filled:
        bid_level = _level(bid)
        if auction_type is AuctionType.UNIFORM_PRICE:
            price, accepted_at = cutoff_price, _yield_of_level(level, basis, pricer)
        else:
            price = _price_of_level(bid_level, basis, pricer)
            accepted_at = _yield_of_level(bid_level, basis, pricer)
        fills.append(
            Fill(bid.bid_id, bid.account_id, bid.instrument_id, amount, price, accepted_at, True)
        )
    if not fills:
        return _empty(offering, False, offered_c, offered_n, level, cutoff_price, book.voided)
    way = round_yield(weighted_average((f.yield_rate, f.amount) for f in fills))
    wap = round_price(weighted_average((f.price_per_100, f.amount) for f in fills))
    nc_price = PAR if basis is BidBasis.MARGIN else _price(pricer, way)
    nc_amounts = _non_competitive_fills(
        [b.amount for b in non_competitive],
        offering.non_competitive_limit,
        offering.denomination,
        rules.non_competitive_cut,
    )
    for bid, amount in zip(non_competitive, nc_amounts, strict=True):
        if amount > 0:
            fills.append(
                Fill(bid.bid_id, bid.account_id, bid.instrument_id, amount, nc_price, way, False)
            )
    fills.sort(key=lambda f: f.bid_id)
    accepted_c = sum(f.amount for f in fills if f.competitive)
    accepted_n = sum(f.amount for f in fills if not f.competitive)
    return TenorResult(
        offering.instrument_id,
        False,
        offered_c,
        offered_n,
        accepted_c,
        accepted_n,
        level,
        cutoff_price,
        way,
        wap,
        tuple(fills),
        book.voided,
    )


def instrument_margin(result: TenorResult, basis: BidBasis) -> int | None:
    """The margin (int basis points) the instrument pays after a margin auction: the
    tenor's cut-off, which every accepted bid receives (uniform price); None when the
    auction is not on margin or nothing was accepted (the instrument keeps its terms)."""
    if basis is not BidBasis.MARGIN or not result.fills or result.cutoff is None:
        return None
    return int(result.cutoff)  # a whole number of basis points: _check_level checked


SETTLEMENT_REFUSALS: frozenset[ErrorCode] = frozenset(
    {
        ErrorCode.ACCOUNT_FROZEN,
        ErrorCode.UNKNOWN_INVESTOR,
        ErrorCode.NOT_KYC_VERIFIED,
        ErrorCode.NOT_ELIGIBLE,
        ErrorCode.OVER_HOLDING_LIMIT,
        ErrorCode.INSUFFICIENT_CASH,
    }
)
"""Refusals about one allotment's own accounts or owner (the receiving account, its
legal owner, the dealer account that pays). An allotment that became ineligible after
its bid was accepted is closed with its code when settlement reaches it: nothing issued,
nothing paid, the rest of the auction settles. Its face is not issued by this auction
(the treasury raises that much less; it may offer it again in a later auction or a
re-opening). Any other refusal (the kill switch, a paused or matured instrument, a
record date) is about the instrument and stops the batch until it is lifted."""


def closes_allotment(code: ErrorCode) -> bool:
    """Whether a refusal found at settlement closes the one allotment (see
    :data:`SETTLEMENT_REFUSALS`) rather than stopping the settlement."""
    return code in SETTLEMENT_REFUSALS


def settle_allotment(
    ledger: Ledger,
    *,
    account_id: str,
    instrument_id: str,
    amount: int,
    denomination: int,
    payer: str,
    payee: str,
    cash: int,
) -> tuple[Ledger, ErrorCode | None]:
    """Issue ``amount`` of face to ``account_id`` and move ``cash`` from ``payer`` to
    ``payee`` (minor units), both or neither: the new ledger and None, or the ledger
    unchanged and the :data:`SETTLEMENT_REFUSALS` code (``INSUFFICIENT_CASH``) that
    closes the allotment. Any other refusal is raised."""
    try:
        issued = ledger.issue(account_id, instrument_id, amount, denomination)
        return issued.move_cash(payer, payee, cash), None
    except DomainError as exc:
        if not closes_allotment(exc.code):
            raise
        return ledger, exc.code


def _empty(
    offering: Offering,
    rejected: bool,
    offered_c: int,
    offered_n: int,
    level: Decimal | None,
    price: Decimal | None,
    voided: tuple[str, ...],
) -> TenorResult:
    """A tenor with no fill: every bid rejected, or none at or better than the cut-off
    (non-competitive bids need an accepted competitive yield, so none is filled)."""
    return TenorResult(
        offering.instrument_id,
        rejected,
        offered_c,
        offered_n,
        0,
        0,
        level,
        price,
        None,
        None,
        (),
        voided,
    )


def _level(bid: Bid) -> Decimal:
    assert bid.level is not None
    return require_decimal(bid.level, "bid level")


def _price(pricer: Pricer | None, yield_rate: Decimal) -> Decimal:
    assert pricer is not None
    return pricer.price(yield_rate)


def _price_of_level(level: Decimal, basis: BidBasis, pricer: Pricer | None) -> Decimal:
    if basis is BidBasis.PRICE:
        return level
    if basis is BidBasis.MARGIN:
        return PAR
    return _price(pricer, level)


def _yield_of_level(level: Decimal, basis: BidBasis, pricer: Pricer | None) -> Decimal:
    if basis is BidBasis.PRICE:
        assert pricer is not None
        return pricer.yield_of(level)
    return level


__all__ = [
    "AUCTION_TRANSITIONS",
    "PKR_MILLION",
    "SBP_RULES",
    "SBP_SUKUK_RULES",
    "SETTLEMENT_REFUSALS",
    "AuctionAction",
    "AuctionRules",
    "AuctionState",
    "AuctionType",
    "Bid",
    "BidBasis",
    "BillPricer",
    "BondPricer",
    "BookCheck",
    "CutOff",
    "Fill",
    "NonCompetitiveCut",
    "Offering",
    "Pricer",
    "TenorResult",
    "allocate",
    "auction_type_for",
    "check_bid",
    "closes_allotment",
    "instrument_margin",
    "next_auction_state",
    "pro_rata",
    "require_open",
    "settle_allotment",
    "valid_bids",
]
