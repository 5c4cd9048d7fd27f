"""The pure domain of the sovereign asset register.

Owns the business rules - numbers and rounding, market conventions, instruments and
their lifecycle, holdings, DvP settlement, payments with withholding tax, and the
transfer checks - as plain data and pure functions. Time is always an argument.

Must not import: anything outside the standard library (no grpc, protobuf,
fabric_protos or fabric_chaincode); no clock, randomness, I/O or environment. A unit
test scans every module to keep it so.

Modules: :mod:`.errors`, :mod:`.money`, :mod:`.daycount`, :mod:`.calendars`,
:mod:`.schedule`, :mod:`.pricing`, :mod:`.fixings`, :mod:`.instruments`,
:mod:`.lifecycle`, :mod:`.holdings`, :mod:`.settlement`, :mod:`.tax`,
:mod:`.payments`, :mod:`.investors`, and :mod:`.examples` (Pakistani configuration).
"""

from .calendars import (
    BusinessDayConvention,
    HolidayCalendar,
    add_business_days,
    adjust,
    calendar_from_config,
)
from .daycount import DayCount, accrual_factor, day_count_days
from .errors import ALL_CODES, DomainError, ErrorCode
from .fixings import (
    BillAuctionResult,
    FixingRule,
    FixingSource,
    PkrvQuote,
    ResolvedFixing,
    resolve_fixing,
)
from .holdings import Account, AccountTier, Ledger
from .instruments import (
    Bar,
    CashFlow,
    CashToken,
    CommodityReserveToken,
    DebtTerms,
    DocumentRef,
    FixedRateBond,
    FloatingRateBond,
    FlowKind,
    IjaraSukuk,
    InstrumentKey,
    RentalKind,
    TreasuryBill,
    WeightUnit,
    cash_flows,
    from_milligrams,
    to_milligrams,
)
from .investors import (
    Controls,
    InstrumentControls,
    Investor,
    InvestorType,
    KycStatus,
    Residency,
    check_transfer,
)
from .lifecycle import (
    CouponDateReached,
    Effect,
    Evolution,
    FixingPublished,
    MaturityReached,
    evolve,
)
from .money import PKR, ROUNDING_RULES, Currency, RoundingRule, amount_at_price
from .payments import Batch, ClaimKey, HolderPayment, PaymentBook, compute_payment, pay, plan_batch
from .pricing import (
    CouponBond,
    accrued_interest_amount,
    bill_price,
    bill_yield,
    bond_clean_price,
    bond_dirty_price,
    bond_yield,
)
from .schedule import CouponPeriod, generate_schedule
from .settlement import (
    TRANSITIONS,
    InstructionState,
    SettlementInstruction,
    affirm,
    cancel,
    instruct,
    match,
    settle,
)
from .tax import TaxSplit, TaxStatus, WithholdingRate, WithholdingTable, withhold

__all__ = [
    "ALL_CODES",
    "PKR",
    "ROUNDING_RULES",
    "TRANSITIONS",
    "Account",
    "AccountTier",
    "Bar",
    "Batch",
    "BillAuctionResult",
    "BusinessDayConvention",
    "CashFlow",
    "CashToken",
    "ClaimKey",
    "CommodityReserveToken",
    "Controls",
    "CouponBond",
    "CouponDateReached",
    "CouponPeriod",
    "Currency",
    "DayCount",
    "DebtTerms",
    "DocumentRef",
    "DomainError",
    "Effect",
    "ErrorCode",
    "Evolution",
    "FixedRateBond",
    "FixingPublished",
    "FixingRule",
    "FixingSource",
    "FloatingRateBond",
    "FlowKind",
    "HolderPayment",
    "HolidayCalendar",
    "IjaraSukuk",
    "InstructionState",
    "InstrumentControls",
    "InstrumentKey",
    "Investor",
    "InvestorType",
    "KycStatus",
    "Ledger",
    "MaturityReached",
    "PaymentBook",
    "PkrvQuote",
    "RentalKind",
    "Residency",
    "ResolvedFixing",
    "RoundingRule",
    "SettlementInstruction",
    "TaxSplit",
    "TaxStatus",
    "TreasuryBill",
    "WeightUnit",
    "WithholdingRate",
    "WithholdingTable",
    "accrual_factor",
    "accrued_interest_amount",
    "add_business_days",
    "adjust",
    "affirm",
    "amount_at_price",
    "bill_price",
    "bill_yield",
    "bond_clean_price",
    "bond_dirty_price",
    "bond_yield",
    "calendar_from_config",
    "cancel",
    "cash_flows",
    "check_transfer",
    "compute_payment",
    "day_count_days",
    "evolve",
    "from_milligrams",
    "generate_schedule",
    "instruct",
    "match",
    "pay",
    "plan_batch",
    "resolve_fixing",
    "settle",
    "to_milligrams",
    "withhold",
]
