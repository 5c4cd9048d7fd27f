"""The typed client: every transaction of the sovereign asset contracts as a method.

Arguments and results are the schema's dataclasses (``sovereign_assets.schema``), money
is ``int`` minor units and rates and prices ``Decimal``. A refusal raises the
:mod:`~sovereign_client.errors` class of its code, e.g. ``InsufficientHoldingError``.

Each method says who may call it (``Role``), the codes its own rules raise (``Raises``) and
the units of its amounts. Besides those, any call may raise ``INVALID_ARGUMENT`` (input the
contract cannot parse), ``NOT_FOUND`` (governance not bootstrapped yet) and the runtime's
codes (``UNKNOWN_FUNCTION``, ``PAYLOAD_TOO_LARGE``, ``IDENTITY``, ``INTERNAL``,
``RESPONSE_TOO_LARGE``); the meaning of each is in :class:`sovereign_assets.schema.codes.ErrorCode`.

    client = SovereignClient(GatewayInvoker(network.get_contract("sovereign")))
    bill = client.instruments.get("PK-MTB-2024-364")
    client.holdings.transfer(bill.instrument_id, "HBL-SGL", "HBL-IPS-0042", 5_000_000)
"""

from __future__ import annotations

import builtins
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sovereign_assets.schema.messages import (
    AccountSpec,
    Allotment,
    AuctionSettlementBatch,
    AuctionSpec,
    BarRedemption,
    BarStatus,
    BatchResult,
    BidReceipt,
    BidSpec,
    BillAuctionSpec,
    BusinessDate,
    CalendarPublication,
    CashBalance,
    ControlOrder,
    CutOffSpec,
    DocumentRegistration,
    FixingResolution,
    ForcedTransferSpec,
    GovernanceConfig,
    HoldingChange,
    HoldingEntry,
    InstructionSpec,
    InstrumentLimits,
    InstrumentSpec,
    InvestorSpec,
    KeyHistoryEntry,
    PersonalDataReceipt,
    PersonalDataStatus,
    PkrvQuoteSpec,
    PurgeReceipt,
    RecoverySpec,
    RedemptionBatch,
    RegisterReader,
    ScheduledFlow,
    SealedBid,
    TransferCheck,
)
from sovereign_assets.schema.privacy import (
    BID_TRANSIENT_KEY,
    PII_SALT_BYTES,
    PII_SALT_TRANSIENT_KEY,
    PII_TRANSIENT_KEY,
    PurgeReason,
)
from sovereign_assets.schema.records import (
    AccountRecord,
    AllotmentRecord,
    AuctionRecord,
    BillAuctionRecord,
    CalendarRecord,
    ClaimRecord,
    ControlActionRecord,
    DocumentRecord,
    GovernanceProposalRecord,
    HoldingFreezeRecord,
    InstructionRecord,
    InstrumentRecord,
    InvestorRecord,
    PkrvRecord,
)
from sovereign_client._codec import Decoder, encode_argument, many, nothing, one
from sovereign_client.errors import PersonalDataMissingError
from sovereign_client.invoker import Invoker

T = TypeVar("T")

CATCH_UP_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0)
"""Seconds :meth:`Investors.register` waits before asking again when ``Register`` finds no
personal data just after it was recorded: the Gateway waits for the commit on its own peer
only, and another organisation's endorsing peer may not have committed the block yet."""


class _Section:
    """One contract namespace; methods name its transactions."""

    namespace = ""

    def __init__(self, invoker: Invoker) -> None:
        self._invoker = invoker

    def _submit(
        self,
        decode: Decoder[T],
        function: str,
        *args: object,
        transient: Mapping[str, bytes] | None = None,
        own_org_only: bool = False,
    ) -> T:
        name = f"{self.namespace}:{function}"
        arguments = [encode_argument(a) for a in args]
        if own_org_only:
            data = self._invoker.submit(name, arguments, transient, own_org_only=True)
        else:
            data = self._invoker.submit(name, arguments, transient)
        return decode(data)

    def _evaluate(self, decode: Decoder[T], function: str, *args: object) -> T:
        data = self._invoker.evaluate(
            f"{self.namespace}:{function}", [encode_argument(a) for a in args]
        )
        return decode(data)


def _iso(day: date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


class Governance(_Section):
    """The ledger-held configuration: org roles, cash accounts, calendars, tax table."""

    namespace = "governance"

    def bootstrap(self, config: GovernanceConfig) -> None:
        """Store the first configuration; refused once one exists.

        Role: an admin or ``registrar``-role user of the organisation ``config`` names as
        registrar; every endorsing peer checks ``config.org_roles`` against the roles its
        operator configured. Raises: ``ALREADY_EXISTS``, ``UNAUTHORIZED``,
        ``INVALID_ARGUMENT``, ``BOOTSTRAP_ROLES_MISMATCH``."""
        self._submit(nothing, "Bootstrap", config)

    def propose(self, config: GovernanceConfig) -> GovernanceProposalRecord:
        """Propose ``config`` as the next configuration; nothing changes until the other
        controller approves it by the returned ``proposal_id`` (SHA-256 of the exact
        change). It may be approved until its ``expires_on`` business date (7 days after
        the business date it was proposed on) and while governance stays as it was.

        Role: a controller (issuer or registrar organisation). Raises: ``UNAUTHORIZED``,
        ``INVALID_ARGUMENT`` (also: the same as the current configuration),
        ``ALREADY_EXISTS`` (the same change is pending), ``UNKNOWN_ACCOUNT``,
        ``INVALID_ACCOUNT``."""
        return self._submit(one(GovernanceProposalRecord), "Propose", config)

    def approve(self, proposal_id: str) -> GovernanceConfig:
        """Approve the change ``proposal_id`` names; it applies at once, whole, and only
        once. Returns the configuration now in force.

        Role: a controller of another organisation than the proposer's that holds the
        controller role the proposer lacks (the treasury approves the central bank's
        proposals and the other way round); both organisations' peers endorse. Raises:
        ``SECOND_CONTROLLER_REQUIRED``, ``PROPOSAL_EXPIRED``, ``PROPOSAL_STALE``,
        ``NOT_FOUND``, ``UNAUTHORIZED``, ``UNKNOWN_ACCOUNT``, ``INVALID_ACCOUNT``."""
        return self._submit(one(GovernanceConfig), "Approve", proposal_id)

    def withdraw(self, proposal_id: str) -> None:
        """Withdraw a pending change (the proposer taking it back or the other controller
        rejecting it; expired ones too).

        Role: a controller. Raises: ``NOT_FOUND``, ``UNAUTHORIZED``."""
        self._submit(nothing, "Withdraw", proposal_id)

    def proposal(self, proposal_id: str) -> GovernanceProposalRecord:
        """One pending change. Role: a controller. Raises: ``NOT_FOUND``, ``UNAUTHORIZED``,
        ``INVALID_ARGUMENT`` (not a SHA-256 in hex)."""
        return self._evaluate(one(GovernanceProposalRecord), "Proposal", proposal_id)

    def proposals(self) -> builtins.list[GovernanceProposalRecord]:
        """Every pending change, by id (expired ones until withdrawn).

        Role: a controller. Raises: ``UNAUTHORIZED``."""
        return self._evaluate(many(GovernanceProposalRecord), "Proposals")

    def get(self) -> GovernanceConfig:
        """The current configuration (rates ``Decimal`` fractions, offsets in minutes).

        Role: any member. Raises: ``NOT_FOUND`` before bootstrap."""
        return self._evaluate(one(GovernanceConfig), "Get")

    def open_business_date(self, business_date: date | str) -> BusinessDate:
        """Open ``business_date``: later than every date opened before; every date rule of
        the register reads it, and opening it closes the previous one.

        Role: the registrar (central bank). Raises: ``UNAUTHORIZED``,
        ``BUSINESS_DATE_NOT_LATER``, ``INVALID_DATE_RANGE``, ``INVALID_ARGUMENT``."""
        return self._submit(one(BusinessDate), "OpenBusinessDate", _iso(business_date))

    def close_business_date(self) -> BusinessDate:
        """Close the open business date: nothing that reads the date runs until the next.

        Role: the registrar (central bank). Raises: ``UNAUTHORIZED``,
        ``BUSINESS_DAY_CLOSED`` when none is open."""
        return self._submit(one(BusinessDate), "CloseBusinessDate")

    def business_date(self) -> BusinessDate:
        """The business date and whether it is open.

        Role: any member. Raises: ``BUSINESS_DAY_CLOSED`` before the first one."""
        return self._evaluate(one(BusinessDate), "BusinessDate")


class Accounts(_Section):
    """Dealer accounts at the central bank, investor sub-accounts at banks, cash accounts."""

    namespace = "account"

    def open(self, spec: AccountSpec) -> AccountRecord:
        """Open an account: a DEALER or cash account (registrar), or an INVESTOR
        sub-account under a dealer account.

        Role: the registrar; for a sub-account, the controller of the parent dealer account.
        Raises: ``UNAUTHORIZED``, ``ALREADY_EXISTS``, ``INVALID_ACCOUNT``, ``UNKNOWN_ACCOUNT``
        (the parent), ``UNKNOWN_INVESTOR`` (the owner), ``INVALID_ARGUMENT``."""
        return self._submit(one(AccountRecord), "Open", spec)

    def open_many(self, specs: Sequence[AccountSpec]) -> builtins.list[AccountRecord]:
        """Open 1..1,000 accounts in one transaction, each under the rules of :meth:`open`
        (an onboarding run); all or none.

        Role: as :meth:`open`, for every one. Raises: as :meth:`open`; ``ALREADY_EXISTS``
        also when an id appears twice in ``specs``; ``INVALID_ARGUMENT`` when ``specs`` is
        empty or longer than 1,000."""
        return self._submit(many(AccountRecord), "OpenMany", list(specs))

    def get(self, account_id: str) -> AccountRecord:
        """One account. Role: the regulator, or the account's controllers (directly or
        as the controller of its parent bank account). Raises: ``UNKNOWN_ACCOUNT``,
        ``UNAUTHORIZED`` (not visible to the caller)."""
        return self._evaluate(one(AccountRecord), "Get", account_id)

    def list(self) -> builtins.list[AccountRecord]:
        """Every account the caller may read, by id. Role: as :meth:`get` (rows of
        other accounts are left out). Raises: nothing of its own."""
        return self._evaluate(many(AccountRecord), "List")


class Investors(_Section):
    """The investor registry and the dry-run transfer check."""

    namespace = "investor"

    def register(
        self, investor: InvestorSpec, personal_data: bytes, *, salt: bytes | None = None
    ) -> InvestorRecord:
        """Register in two transactions: ``personal_data`` goes, as transient data endorsed
        by the caller's organisation alone and salted with a fresh secret (or ``salt``, at
        least 32 random bytes), to that organisation's personal data collection; then the
        public record, carrying the hash of the salted record, is written. Repeating a
        registration whose second step failed is safe (the first replaces the data).

        Role: an onboarding user (bank, primary dealer or exchange operator).
        Raises: ``UNAUTHORIZED``, ``ALREADY_EXISTS``, ``PERSONAL_DATA_MISSING`` (after the
        retries), ``INVALID_ARGUMENT``."""
        self.record_personal_data(investor.investor_id, personal_data, salt=salt)
        for delay in (*CATCH_UP_DELAYS, None):
            try:
                return self._submit(one(InvestorRecord), "Register", investor)
            except PersonalDataMissingError:
                if delay is None:
                    raise
                time.sleep(delay)  # another org's endorsing peer has not committed it yet
        raise AssertionError("unreachable")

    def record_personal_data(
        self, investor_id: str, personal_data: bytes, *, salt: bytes | None = None
    ) -> PersonalDataReceipt:
        """The first step of :meth:`register` alone: keep the personal data privately,
        salted (``salt``: at least 32 secret random bytes; default: drawn here).

        Role: an onboarding user (bank, primary dealer or exchange operator).
        Raises: ``UNAUTHORIZED``, ``ALREADY_EXISTS`` (already registered), ``INVALID_ARGUMENT``."""
        if salt is None:
            salt = secrets.token_bytes(PII_SALT_BYTES)
        return self._submit(
            one(PersonalDataReceipt),
            "RecordPersonalData",
            investor_id,
            transient={PII_TRANSIENT_KEY: personal_data, PII_SALT_TRANSIENT_KEY: salt},
            own_org_only=True,
        )

    def purge_personal_data(self, investor_id: str, reason: PurgeReason | str) -> PurgeReceipt:
        """Purge an investor's personal data from the caller's organisation's collection
        (Fabric 2.5+ ``PurgePrivateData``), for ``reason`` (:class:`PurgeReason`): the
        record and its history leave that organisation's peers; the hash in the blocks
        and the registry's ``pii_sha256`` stay. Endorsed by the caller's organisation
        alone, as :meth:`record_personal_data` is.

        Role: an onboarding user of the registering organisation. Raises:
        ``UNAUTHORIZED``, ``PERSONAL_DATA_MISSING`` (none held: never recorded, or purged
        already), ``INVALID_ARGUMENT`` (an unknown reason)."""
        return self._submit(
            one(PurgeReceipt),
            "PurgePersonalData",
            investor_id,
            str(reason),
            own_org_only=True,
        )

    def personal_data_status(self, investor_id: str) -> PersonalDataStatus:
        """Whether the caller's organisation's peer holds the investor's personal data
        (its SHA-256, never the data) and the public fingerprint.

        Role: as :meth:`get`. Raises: ``UNKNOWN_INVESTOR``, ``UNAUTHORIZED``."""
        return self._evaluate(one(PersonalDataStatus), "PersonalDataStatus", investor_id)

    def get(self, investor_id: str) -> InvestorRecord:
        """One registry entry (no personal data).

        Role: the regulator, the user that onboarded the investor, and the controllers
        of its accounts. Raises: ``UNKNOWN_INVESTOR``, ``UNAUTHORIZED``."""
        return self._evaluate(one(InvestorRecord), "Get", investor_id)

    def set_kyc(self, investor_id: str, kyc: str) -> InvestorRecord:
        """Change an investor's KYC status (``VERIFIED``, ``PENDING``, ``EXPIRED`` ...).

        Role: an onboarding user of the organisation that registered the investor.
        Raises: ``UNAUTHORIZED``, ``UNKNOWN_INVESTOR``, ``INVALID_ARGUMENT``."""
        return self._submit(one(InvestorRecord), "SetKyc", investor_id, kyc)

    def check_transfer(
        self, instrument_id: str, from_account: str, to_account: str, amount: int
    ) -> TransferCheck:
        """Would this transfer pass every rule? If not, every failing reason code
        (``reasons``, in the order below; ``reason`` the first).

        ``amount``: face in minor units (or mg). The reasons, in the order checked:
        ``GLOBAL_PAUSE``, ``INSTRUMENT_PAUSED``, ``INSTRUMENT_MATURED``, ``INVALID_AMOUNT``,
        ``NOT_MULTIPLE_OF_DENOMINATION``, ``SAME_ACCOUNT``, ``ACCOUNT_FROZEN``,
        ``UNKNOWN_INVESTOR``, ``NOT_KYC_VERIFIED``, ``NOT_ELIGIBLE``, ``LOCKED_UP``,
        ``INSUFFICIENT_HOLDING``, ``OVER_HOLDING_LIMIT``, ``OVER_NON_RESIDENT_LIMIT``.
        Role: the regulator, the
        exchange, or the controllers of ``from_account``. Raises: ``UNAUTHORIZED`` (an
        unknown instrument or account is a reason)."""
        return self._evaluate(
            one(TransferCheck), "CheckTransfer", instrument_id, from_account, to_account, amount
        )


class Instruments(_Section):
    """Create, approve, issue; terms and cash-flow schedules (pauses: :class:`Controls`)."""

    namespace = "instrument"

    def create(self, spec: InstrumentSpec) -> InstrumentRecord:
        """Create an instrument in DRAFT from its terms (amounts in minor units,
        rates ``Decimal`` fractions).

        Role: the issuer (debt office). Raises: ``UNAUTHORIZED``, ``ALREADY_EXISTS``,
        ``INVALID_TERMS``, ``INVALID_SCHEDULE``, ``UNKNOWN_CALENDAR``, ``INVALID_ARGUMENT``."""
        return self._submit(one(InstrumentRecord), "Create", spec)

    def approve(self, instrument_id: str) -> InstrumentRecord:
        """DRAFT -> APPROVED; a sukuk needs a Shariah certificate, a commodity token a vault
        attestation, in force in the document registry and attached to it
        (:meth:`Documents.register`).

        Role: the registrar. Raises: ``UNAUTHORIZED``, ``UNKNOWN_INSTRUMENT``,
        ``INVALID_TRANSITION``, ``SHARIAH_APPROVAL_REQUIRED``, ``UNDERLYING_ASSET_REQUIRED``,
        ``VAULT_ATTESTATION_REQUIRED``."""
        return self._submit(one(InstrumentRecord), "Approve", instrument_id)

    def issue(self, instrument_id: str, allotments: Sequence[Allotment]) -> InstrumentRecord:
        """Mint the allotments (face in minor units, or mg of a commodity) of an
        APPROVED instrument, or of a re-opened ISSUED one. Each debt allotment states its
        clean ``price_per_100`` and is paid for in the same transaction (face x price / 100
        + accrued, in minor units, from its dealer account to the treasury's); a commodity
        token's allotments take no price.

        Role: the issuer. Raises: ``UNAUTHORIZED``, ``UNKNOWN_INSTRUMENT``, ``UNKNOWN_ACCOUNT``,
        ``INVALID_TRANSITION``, ``INSTRUMENT_PAUSED``, ``INSTRUMENT_MATURED``,
        ``INVALID_ACCOUNT``, ``ACCOUNT_FROZEN``, ``INVALID_AMOUNT``,
        ``NOT_MULTIPLE_OF_DENOMINATION``, ``PRICE_REQUIRED``, ``INSUFFICIENT_CASH``,
        ``FIXING_UNAVAILABLE``, ``SHARIAH_APPROVAL_REQUIRED``, ``VAULT_ATTESTATION_REQUIRED``,
        ``INVALID_ARGUMENT`` (also: no allotment, or more than 1,000 in one call; issue again to
        add more)."""
        return self._submit(one(InstrumentRecord), "Issue", instrument_id, list(allotments))

    def limits(self, instrument_id: str) -> InstrumentLimits:
        """The instrument's caps (per investor, all non-residents together) and the
        public totals they are checked against, with the issuance programme it counts
        towards (minor units). Role: any member. Raises: ``UNKNOWN_INSTRUMENT``."""
        return self._evaluate(one(InstrumentLimits), "Limits", instrument_id)

    def get(self, instrument_id: str) -> InstrumentRecord:
        """One instrument: terms, status, issued and redeemed face (minor units).

        Role: any member. Raises: ``UNKNOWN_INSTRUMENT``."""
        return self._evaluate(one(InstrumentRecord), "Get", instrument_id)

    def list(self) -> builtins.list[InstrumentRecord]:
        """Every instrument, by id. Role: any member. Raises: nothing of its own."""
        return self._evaluate(many(InstrumentRecord), "List")

    def schedule(self, instrument_id: str) -> builtins.list[ScheduledFlow]:
        """The cash flows still to come; ``amount_per_unit`` is a ``Decimal``
        per unit of face (none for commodity tokens).

        Role: any member. Raises: ``UNKNOWN_INSTRUMENT``, ``INVALID_TERMS``,
        ``INVALID_SCHEDULE``, ``UNKNOWN_CALENDAR``, ``CALENDAR_NOT_COVERED``."""
        return self._evaluate(many(ScheduledFlow), "Schedule", instrument_id)

    def bars(self, instrument_id: str) -> builtins.list[BarStatus]:
        """A commodity token's bars (weights in milligrams), each ALLOCATED or
        RELEASED (to an account); other instruments have none.

        Role: any member. Raises: ``UNKNOWN_INSTRUMENT``."""
        return self._evaluate(many(BarStatus), "Bars", instrument_id)


class Cash(_Section):
    """The central bank's wholesale cash token (1 token = 1 minor unit)."""

    namespace = "cash"

    def mint(self, account_id: str, amount: int) -> CashBalance:
        """Issue ``amount`` cash tokens (minor units, paisa) into ``account_id``.

        Role: the registrar (central bank). Raises: ``UNAUTHORIZED``, ``UNKNOWN_ACCOUNT``,
        ``INVALID_AMOUNT``, ``NOT_CASH_ISSUER``."""
        return self._submit(one(CashBalance), "Mint", account_id, amount)

    def withdraw(self, account_id: str, amount: int) -> CashBalance:
        """Take ``amount`` cash tokens (minor units) out of circulation from
        ``account_id``.

        Role: the registrar (central bank). Raises: ``UNAUTHORIZED``, ``UNKNOWN_ACCOUNT``,
        ``INVALID_AMOUNT``, ``INSUFFICIENT_CASH``, ``NOT_CASH_ISSUER``."""
        return self._submit(one(CashBalance), "Withdraw", account_id, amount)

    def balance(self, account_id: str) -> CashBalance:
        """The cash tokens ``account_id`` holds (minor units).

        Role: as :meth:`Accounts.get`. Raises: ``UNKNOWN_ACCOUNT``, ``UNAUTHORIZED``."""
        return self._evaluate(one(CashBalance), "Balance", account_id)


class Holdings(_Section):
    """Holdings by account and by instrument, their history, free-of-payment transfers."""

    namespace = "holding"

    def transfer(
        self, instrument_id: str, from_account: str, to_account: str, amount: int
    ) -> builtins.list[HoldingEntry]:
        """Move ``amount`` of face (minor units, or mg) free of payment; both
        new holdings. A refusal names the account that failed the rule.

        Role: the controller of ``from_account`` (or of its parent dealer account).
        Raises: ``UNAUTHORIZED``, ``UNKNOWN_INSTRUMENT``, ``UNKNOWN_ACCOUNT``, and every code of
        :meth:`Investors.check_transfer` (``INSUFFICIENT_HOLDING``, ``NOT_KYC_VERIFIED`` ...)."""
        return self._submit(
            many(HoldingEntry), "Transfer", instrument_id, from_account, to_account, amount
        )

    def by_account(self, account_id: str) -> builtins.list[HoldingEntry]:
        """Every holding of an account (amounts in minor units, or mg).

        Role: as :meth:`Accounts.get`. Raises: ``UNKNOWN_ACCOUNT``, ``UNAUTHORIZED``."""
        return self._evaluate(many(HoldingEntry), "ByAccount", account_id)

    def by_instrument(self, instrument_id: str) -> builtins.list[HoldingEntry]:
        """The holders of an instrument the caller may read (all of them for the
        regulator, its own accounts for anyone else), by account id (minor units, or mg);
        the public aggregate is the instrument's ``issued - redeemed``.

        Role: any member, rows as :meth:`Accounts.get`. Raises: ``UNKNOWN_INSTRUMENT``."""
        return self._evaluate(many(HoldingEntry), "ByInstrument", instrument_id)

    def history(self, instrument_id: str, account_id: str) -> builtins.list[HoldingChange]:
        """Committed changes of one holding, newest first (minor units, or mg).

        Role: as :meth:`Accounts.get`. Raises: ``INVALID_ARGUMENT`` (a malformed id),
        ``UNAUTHORIZED``."""
        return self._evaluate(many(HoldingChange), "History", instrument_id, account_id)


class Settlements(_Section):
    """Delivery-versus-payment instructions: instruct, affirm or match, settle, cancel."""

    namespace = "settlement"

    def instruct(self, instruction: InstructionSpec) -> InstructionRecord:
        """Record a DvP trade (quantity in minor units of face, clean price a
        ``Decimal`` per 100); the instructing side's affirmation is implied.

        Role: the controller of the seller's or the buyer's account, or an exchange operator.
        Raises: ``UNAUTHORIZED``, ``ALREADY_EXISTS``, ``UNKNOWN_INSTRUMENT``,
        ``UNKNOWN_ACCOUNT``, ``INSTRUMENT_MATURED``, ``INVALID_TRANSITION``,
        ``SETTLEMENT_DATE_IN_PAST``, ``SAME_ACCOUNT``, ``INVALID_AMOUNT``, ``INVALID_ARGUMENT``."""
        return self._submit(one(InstructionRecord), "Instruct", instruction)

    def affirm(self, instruction_id: str) -> InstructionRecord:
        """The caller's side affirms; the second affirmation matches the trade.

        Role: the controller of the side's account. Raises: ``UNAUTHORIZED``, ``NOT_FOUND``,
        ``ALREADY_AFFIRMED``, ``INVALID_TRANSITION``."""
        return self._submit(one(InstructionRecord), "Affirm", instruction_id)

    def match(self, instruction_id: str) -> InstructionRecord:
        """Match the trade in place of the two affirmations.

        Role: an exchange operator. Raises: ``UNAUTHORIZED``, ``NOT_FOUND``,
        ``INVALID_TRANSITION``."""
        return self._submit(one(InstructionRecord), "Match", instruction_id)

    def settle(self, instruction_id: str) -> InstructionRecord:
        """Deliver the securities and pay the cash (minor units) in one
        transaction, or neither, on or after the settlement date.

        Role: a party or an exchange operator. Raises: ``UNAUTHORIZED``, ``NOT_FOUND``,
        ``INVALID_TRANSITION``, ``SETTLEMENT_DATE_NOT_REACHED``, ``INSUFFICIENT_CASH``, and
        every code of :meth:`Investors.check_transfer`."""
        return self._submit(one(InstructionRecord), "Settle", instruction_id)

    def execute(self, instruction: InstructionSpec) -> InstructionRecord:
        """A trade the exchange matched, settled in one transaction: instructed, matched and
        settled in turn under the rules of :meth:`instruct`, :meth:`match` and :meth:`settle`,
        all or nothing (one endorsement and commit instead of three).

        Role: an exchange operator. Raises: as :meth:`instruct`, :meth:`match` and
        :meth:`settle` (``OUTSIDE_PRICE_BAND``: a trade outside the band needs both
        parties' affirmations)."""
        return self._submit(one(InstructionRecord), "Execute", instruction)

    def cancel(self, instruction_id: str) -> InstructionRecord:
        """Cancel an instruction before it settles.

        Role: a party or an exchange operator. Raises: ``UNAUTHORIZED``, ``NOT_FOUND``,
        ``INVALID_TRANSITION``."""
        return self._submit(one(InstructionRecord), "Cancel", instruction_id)

    def get(self, instruction_id: str) -> InstructionRecord:
        """One instruction (amounts in minor units). Role: the regulator, the exchange,
        or the controllers of either party's account. Raises: ``NOT_FOUND``,
        ``UNAUTHORIZED``."""
        return self._evaluate(one(InstructionRecord), "Get", instruction_id)

    def list(self) -> builtins.list[InstructionRecord]:
        """Every instruction the caller may read, by id. Role: as :meth:`get` (other
        rows are left out). Raises: nothing of its own."""
        return self._evaluate(many(InstructionRecord), "List")


class Lifecycle(_Section):
    """Coupons and rentals, redemptions (in bounded batches), floating-rate fixings."""

    namespace = "lifecycle"

    def pay_coupon(
        self, instrument_id: str, payment_date: date | str, batch_size: int
    ) -> BatchResult:
        """Pay the coupon (or rental) due on ``payment_date`` to at most
        ``batch_size`` more holders (gross, tax and net in minor units); call again until
        ``done``.

        Role: the issuer. Raises: ``UNAUTHORIZED``, ``UNKNOWN_INSTRUMENT``,
        ``EVENT_NOT_APPLICABLE``, ``ALREADY_PAID``, ``FIXING_UNAVAILABLE``, ``NO_TAX_RATE``,
        ``INSUFFICIENT_CASH``, ``INVALID_BATCH``, ``INVALID_ARGUMENT``."""
        return self._submit(
            one(BatchResult), "PayCoupon", instrument_id, _iso(payment_date), batch_size
        )

    def redeem(self, instrument_id: str, batch_size: int) -> RedemptionBatch:
        """At or after maturity, pay the last coupon and the face to at most
        ``batch_size`` more holders and retire their tokens (minor units); call again until
        ``done``.

        Role: the issuer. Raises: ``UNAUTHORIZED``, ``UNKNOWN_INSTRUMENT``,
        ``EVENT_NOT_APPLICABLE``, ``ALREADY_PAID``, ``NO_TAX_RATE``, ``INSUFFICIENT_CASH``,
        ``INVALID_BATCH``, ``INVALID_ARGUMENT``."""
        return self._submit(one(RedemptionBatch), "Redeem", instrument_id, batch_size)

    def abort_run(self, instrument_id: str) -> InstrumentRecord:
        """Abort the instrument's open payment run; paid claims stay, so running it again
        pays only the holders not yet paid.

        Role: a controller (issuer or registrar organisation). Raises: ``UNAUTHORIZED``,
        ``INVALID_TRANSITION`` (no open run), ``NOT_FOUND``."""
        return self._submit(one(InstrumentRecord), "AbortRun", instrument_id)

    def publish_fixing(
        self, instrument_id: str, period_id: str, rate: Decimal, source: str
    ) -> InstrumentRecord:
        """Publish a floater's benchmark ``rate`` (a ``Decimal`` fraction,
        e.g. 0.0712) for the period ending ``period_id``; ``source`` is ``AUCTION`` or
        ``PKRV_AVERAGE``.

        Role: the registrar. Raises: ``UNAUTHORIZED``, ``UNKNOWN_INSTRUMENT``,
        ``EVENT_NOT_APPLICABLE``, ``INVALID_NUMBER``, ``INVALID_ARGUMENT``."""
        return self._submit(
            one(InstrumentRecord), "PublishFixing", instrument_id, period_id, rate, source
        )

    def record_bill_auction(self, result: BillAuctionSpec) -> BillAuctionRecord:
        """Record a published bill auction result (its cut-off yield a
        ``Decimal`` fraction).

        Role: the registrar (central bank). Raises: ``UNAUTHORIZED``, ``ALREADY_EXISTS``,
        ``INVALID_NUMBER``, ``INVALID_ARGUMENT``."""
        return self._submit(one(BillAuctionRecord), "RecordBillAuction", result)

    def record_pkrv(self, quote: PkrvQuoteSpec) -> PkrvRecord:
        """Record a published PKRV rate (a ``Decimal`` fraction).

        Role: the registrar (central bank). Raises: ``UNAUTHORIZED``, ``ALREADY_EXISTS``,
        ``INVALID_NUMBER``, ``INVALID_ARGUMENT``."""
        return self._submit(one(PkrvRecord), "RecordPkrv", quote)

    def resolve_fixing(self, instrument_id: str, period_id: date | str) -> FixingResolution:
        """Fix a floater's period from the recorded auctions or, failing
        those, the 5-working-day PKRV average; the answer names the source (rate a ``Decimal``).

        Role: the registrar (central bank). Raises: ``UNAUTHORIZED``, ``UNKNOWN_INSTRUMENT``,
        ``EVENT_NOT_APPLICABLE``, ``FIXING_UNAVAILABLE``."""
        return self._submit(one(FixingResolution), "ResolveFixing", instrument_id, _iso(period_id))

    def redeem_bars(
        self, instrument_id: str, account_id: str, serials: Sequence[str]
    ) -> BarRedemption:
        """Take delivery of whole bars of a commodity token for
        ``account_id``: the bars' exact weight of tokens (mg) retires.

        Role: the controller of ``account_id``. Raises: ``UNAUTHORIZED``,
        ``UNKNOWN_INSTRUMENT``, ``UNKNOWN_ACCOUNT``, ``UNKNOWN_BAR``, ``NOT_WHOLE_BARS``,
        ``BAR_ALREADY_RELEASED``, ``INSUFFICIENT_HOLDING``, ``EVENT_NOT_APPLICABLE``,
        ``INVALID_ACCOUNT``, ``GLOBAL_PAUSE``."""
        return self._submit(
            one(BarRedemption), "RedeemBars", instrument_id, account_id, list(serials)
        )

    def claims(self, instrument_id: str, payment_date: date | str) -> builtins.list[ClaimRecord]:
        """The paid claims of a period (gross, tax, net in minor units):
        ``payment_date`` names a coupon period, or is ``"REDEMPTION"``.

        Role: any member; rows: all to the regulator and the issuer, a holder's own to
        its controllers.
        Raises: ``UNKNOWN_INSTRUMENT``, ``EVENT_NOT_APPLICABLE``."""
        return self._evaluate(many(ClaimRecord), "Claims", instrument_id, _iso(payment_date))

    def pay_coupon_in_full(
        self, instrument_id: str, payment_date: date | str, batch_size: int
    ) -> BatchResult:
        """Run :meth:`pay_coupon` batches until every holder is paid;
        the totals of all batches (minor units).

        Role and raises: as :meth:`pay_coupon` (batches committed before a refusal stay)."""
        total = BatchResult(0, 0, 0, 0, False)
        while not total.done:
            batch = self.pay_coupon(instrument_id, payment_date, batch_size)
            total = BatchResult(
                total.paid + batch.paid,
                total.gross + batch.gross,
                total.tax + batch.tax,
                total.net + batch.net,
                batch.done,
            )
        return total

    def redeem_in_full(self, instrument_id: str, batch_size: int) -> RedemptionBatch:
        """Run :meth:`redeem` batches until every holder is paid; the
        totals of all batches (minor units).

        Role and raises: as :meth:`redeem` (batches committed before a refusal stay)."""
        total = RedemptionBatch(0, 0, 0, 0, False, 0)
        while not total.done:
            batch = self.redeem(instrument_id, batch_size)
            total = RedemptionBatch(
                total.paid + batch.paid,
                total.gross + batch.gross,
                total.tax + batch.tax,
                total.net + batch.net,
                batch.done,
                total.retired + batch.retired,
            )
        return total


class Auctions(_Section):
    """Primary auctions: the treasury announces and cuts off, dealers bid sealed, the
    central bank closes and settles against the cash token."""

    namespace = "auction"

    def announce(self, auction: AuctionSpec) -> AuctionRecord:
        """Announce an auction: tenors of APPROVED new issues or ISSUED
        re-openings (amounts in minor units, rates and shares ``Decimal``).

        Role: the issuer. Raises: ``UNAUTHORIZED``, ``ALREADY_EXISTS``, ``INVALID_AUCTION``,
        ``UNKNOWN_INSTRUMENT``, ``INVALID_TRANSITION``, ``INVALID_ARGUMENT``."""
        return self._submit(one(AuctionRecord), "Announce", auction)

    def bid(self, bid: BidSpec) -> BidReceipt:
        """Place a sealed bid. It travels as transient data, endorsed by the caller's
        organisation alone (a member of the sealed-bid collection), so no other
        organisation's peer ever receives it; the ledger keeps its hash.

        Role: the controller of the bid's account. Raises: ``UNAUTHORIZED``, ``NOT_FOUND``,
        ``AUCTION_CLOSED``, ``ALREADY_EXISTS``, ``INVALID_BID``, ``COMPETITIVE_BID_NOT_ALLOWED``,
        ``NON_COMPETITIVE_NOT_ALLOWED``, ``NON_COMPETITIVE_OVER_CAP``, and the register's
        eligibility refusals for the account (``ACCOUNT_FROZEN``, ``NOT_KYC_VERIFIED``,
        ``NOT_ELIGIBLE``, ``OVER_HOLDING_LIMIT``, ``INSTRUMENT_PAUSED``...)."""
        return self._sealed("PlaceBid", bid)

    def amend(self, bid: BidSpec) -> BidReceipt:
        """Replace one of the caller's bids (same auction, account and bid id).

        Role: the controller of the bid's account. Raises: as :meth:`bid`."""
        return self._sealed("AmendBid", bid)

    def withdraw(self, auction_id: str, account_id: str, bid_id: str) -> BidReceipt:
        """Withdraw one of the caller's bids while the auction is open.

        Role: the controller of ``account_id``. Raises: ``UNAUTHORIZED``, ``NOT_FOUND``,
        ``AUCTION_CLOSED``."""
        return self._submit(
            one(BidReceipt), "WithdrawBid", auction_id, account_id, bid_id, own_org_only=True
        )

    def _sealed(self, function: str, bid: BidSpec) -> BidReceipt:
        body = encode_argument(bid).encode()
        return self._submit(
            one(BidReceipt), function, transient={BID_TRANSIENT_KEY: body}, own_org_only=True
        )

    def bids(self, auction_id: str) -> builtins.list[SealedBid]:
        """The caller's own bids; the whole book for the issuer and the auctioneer once
        the auction is closed.

        Role: a bidder, or the issuer and the registrar (auctioneer) after close.
        Raises: ``UNAUTHORIZED``, ``NOT_FOUND``."""
        return self._evaluate(many(SealedBid), "Bids", auction_id)

    def close(self, auction_id: str) -> AuctionRecord:
        """End bidding; nobody bids, amends or withdraws after.

        Role: the registrar (the auctioneer). Raises: ``UNAUTHORIZED``, ``NOT_FOUND``,
        ``AUCTION_CLOSED``."""
        return self._submit(one(AuctionRecord), "Close", auction_id)

    def cut_off(self, auction_id: str, cutoffs: Sequence[CutOffSpec]) -> AuctionRecord:
        """Set each tenor's cut-off (or reject it); allots and publishes the results.

        Role: the issuer. Raises: ``UNAUTHORIZED``, ``NOT_FOUND``, ``INVALID_TRANSITION``,
        ``INVALID_CUTOFF``."""
        return self._submit(one(AuctionRecord), "CutOff", auction_id, list(cutoffs))

    def results(self, auction_id: str) -> AuctionRecord:
        """The auction: announcement, state, results per tenor and settlement
        progress (minor units). Role: any member. Raises: ``NOT_FOUND``."""
        return self._evaluate(one(AuctionRecord), "Results", auction_id)

    def list(self) -> builtins.list[AuctionRecord]:
        """Every auction, by id. Role: any member. Raises: nothing of its own."""
        return self._evaluate(many(AuctionRecord), "List")

    def allotments(self, auction_id: str) -> builtins.list[AllotmentRecord]:
        """Accepted bids and their settlement amounts (minor units): all to the issuer
        and the regulator, a bidder's own to its controllers (the results per tenor are
        public, :meth:`results`). Role: any member, rows as said. Raises:
        ``NOT_FOUND``."""
        return self._evaluate(many(AllotmentRecord), "Allotments", auction_id)

    def settle(self, auction_id: str, batch_size: int) -> AuctionSettlementBatch:
        """Settle at most ``batch_size`` more allotments; call again until ``done``.

        Face and cash in minor units. An allotment whose account, owner or paying dealer
        is no longer eligible (frozen, KYC, holding limit, not enough cash) is closed
        unissued and counted in ``refused``; its code is on the allotment. Role: the
        registrar (the auctioneer). Raises: ``UNAUTHORIZED``, ``NOT_FOUND``,
        ``SETTLEMENT_DATE_NOT_REACHED``, ``ALREADY_SETTLED``, ``INVALID_BATCH``, and a
        refusal about the instrument (``GLOBAL_PAUSE``, ``INSTRUMENT_PAUSED``,
        ``RECORD_DATE_PASSED``), which changes nothing."""
        return self._submit(one(AuctionSettlementBatch), "Settle", auction_id, batch_size)

    def settle_in_full(self, auction_id: str, batch_size: int) -> AuctionSettlementBatch:
        """Run batches until every allotment settled; the totals of all batches.

        Face and cash in minor units. Role and raises: as :meth:`settle`."""
        total = AuctionSettlementBatch(auction_id, 0, 0, 0, False)
        while not total.done:
            batch = self.settle(auction_id, batch_size)
            total = AuctionSettlementBatch(
                auction_id,
                total.settled + batch.settled,
                total.face + batch.face,
                total.cash + batch.cash,
                batch.done,
                total.refused + batch.refused,
                total.face_refused + batch.face_refused,
            )
        return total


class Calendars(_Section):
    """Business-day calendars the central bank publishes, with effective dates and the
    source document each comes from."""

    namespace = "calendar"

    def publish(self, publication: CalendarPublication) -> CalendarRecord:
        """Publish a calendar version: from ``effective_from`` (a business date not
        before the current one) every date rule reads it.

        Role: the registrar (central bank). Raises: ``UNAUTHORIZED``, ``INVALID_TERMS``
        (a calendar or source document that does not hold together),
        ``CALENDAR_EFFECTIVE_IN_PAST``, ``ALREADY_EXISTS``, ``INVALID_ARGUMENT``."""
        return self._submit(one(CalendarRecord), "Publish", publication)

    def get(self, calendar_id: str) -> CalendarRecord:
        """The version in effect on the latest business date. Role: any member.
        Raises: ``UNKNOWN_CALENDAR``."""
        return self._evaluate(one(CalendarRecord), "Get", calendar_id)

    def history(self, calendar_id: str) -> builtins.list[CalendarRecord]:
        """Every published version, by effective date. Role: any member. Raises:
        ``INVALID_ARGUMENT`` (a malformed id)."""
        return self._evaluate(many(CalendarRecord), "History", calendar_id)


class Controls(_Section):
    """Controller actions: freezes, pauses, the kill switch, forced transfers and lost-key
    recovery. Each takes a :class:`ControlOrder` (reason code, and the registered document
    that grounds it: a court order in force for ``COURT_ORDER``) and returns the
    :class:`ControlActionRecord` it left; each emits a ``ControlAction`` event.

    Role of every action: a controller (issuer or registrar organisation), and a peer of
    every issuer AND registrar organisation must endorse - a key-level policy on the
    control register, so an action endorsed by one of them is rejected at validation
    (``ENDORSEMENT_POLICY_FAILURE``, a ``CommitError``).
    Every action may also raise ``UNAUTHORIZED``, ``INVALID_REASON``,
    ``UNKNOWN_DOCUMENT``, ``COURT_ORDER_REQUIRED``, ``DOCUMENT_SUPERSEDED`` and
    ``GLOBAL_PAUSE`` (the kill switch is on)."""

    namespace = "control"

    def freeze_account(self, account_id: str, order: ControlOrder) -> ControlActionRecord:
        """Freeze a whole account: nothing moves in or out by transfer or settlement.

        Role: a controller (both organisations endorse).
        Raises: ``UNKNOWN_ACCOUNT``, ``INVALID_TRANSITION`` (already frozen)."""
        return self._submit(one(ControlActionRecord), "FreezeAccount", account_id, order)

    def unfreeze_account(self, account_id: str, order: ControlOrder) -> ControlActionRecord:
        """Lift a whole-account freeze.

        Role: a controller (both organisations endorse).
        Raises: ``UNKNOWN_ACCOUNT``, ``INVALID_TRANSITION`` (not frozen)."""
        return self._submit(one(ControlActionRecord), "UnfreezeAccount", account_id, order)

    def freeze_holding(
        self, instrument_id: str, account_id: str, amount: int, order: ControlOrder
    ) -> ControlActionRecord:
        """Freeze ``amount`` more (minor units of face, or mg) of one holding: the free
        balance (holding less frozen part) is what transfers, settlements and bar
        redemptions may use; coupons and redemptions at maturity are still paid on it.

        Role: a controller (both organisations endorse).
        Raises: ``UNKNOWN_INSTRUMENT``, ``UNKNOWN_ACCOUNT``, ``INVALID_ACCOUNT``,
        ``INVALID_AMOUNT``, ``INSUFFICIENT_HOLDING`` (more than the free balance)."""
        return self._submit(
            one(ControlActionRecord), "FreezeHolding", instrument_id, account_id, amount, order
        )

    def unfreeze_holding(
        self, instrument_id: str, account_id: str, amount: int, order: ControlOrder
    ) -> ControlActionRecord:
        """Release ``amount`` (minor units of face, or mg) of a holding's frozen part.

        Role: a controller (both organisations endorse).
        Raises: ``UNKNOWN_INSTRUMENT``, ``UNKNOWN_ACCOUNT``, ``INVALID_ACCOUNT``,
        ``INVALID_AMOUNT`` (more than is frozen)."""
        return self._submit(
            one(ControlActionRecord), "UnfreezeHolding", instrument_id, account_id, amount, order
        )

    def pause_instrument(self, instrument_id: str, order: ControlOrder) -> ControlActionRecord:
        """Stop transfers, settlements, issues and bar redemptions of an instrument.

        Role: a controller (both organisations endorse).
        Raises: ``UNKNOWN_INSTRUMENT``, ``INVALID_TRANSITION`` (already paused)."""
        return self._submit(one(ControlActionRecord), "PauseInstrument", instrument_id, order)

    def resume_instrument(self, instrument_id: str, order: ControlOrder) -> ControlActionRecord:
        """Lift an instrument's pause.

        Role: a controller (both organisations endorse).
        Raises: ``UNKNOWN_INSTRUMENT``, ``INVALID_TRANSITION`` (not paused)."""
        return self._submit(one(ControlActionRecord), "ResumeInstrument", instrument_id, order)

    def halt(self, order: ControlOrder) -> ControlActionRecord:
        """Pull the kill switch: every later state change is refused with
        ``GLOBAL_PAUSE`` but :meth:`release`; queries still answer.

        Role: a controller (both organisations endorse).
        Raises: ``INVALID_TRANSITION`` (already on)."""
        return self._submit(one(ControlActionRecord), "Halt", order)

    def release(self, order: ControlOrder) -> ControlActionRecord:
        """Release the kill switch.

        Role: a controller (both organisations endorse).
        Raises: ``INVALID_TRANSITION`` (not on)."""
        return self._submit(one(ControlActionRecord), "Release", order)

    def forced_transfer(self, spec: ForcedTransferSpec) -> ControlActionRecord:
        """Move face as a court orders (reason COURT_ORDER and a court order in force);
        frozen units may move, pauses and freezes do not stop it.

        Role: a controller (both organisations endorse).
        Raises: ``COURT_ORDER_REQUIRED``, ``UNKNOWN_INSTRUMENT``,
        ``UNKNOWN_ACCOUNT``, ``INVALID_ACCOUNT``, ``INVALID_TRANSITION`` (not ISSUED),
        ``INSTRUMENT_PAUSED`` (a payment run is open), ``UNKNOWN_INVESTOR``,
        ``INVALID_AMOUNT``, ``NOT_MULTIPLE_OF_DENOMINATION``, ``SAME_ACCOUNT``,
        ``INSUFFICIENT_HOLDING``."""
        return self._submit(one(ControlActionRecord), "ForcedTransfer", spec)

    def recover_account(self, spec: RecoverySpec) -> ControlActionRecord:
        """Lost-key recovery (reason LOST_KEY): all holdings, frozen parts and cash of
        the lost account move to the replacement (same owner and tier, another
        controller); the lost account is frozen and its controller barred.

        Role: a controller (both organisations endorse).
        Raises: ``UNKNOWN_ACCOUNT``, ``SAME_ACCOUNT``, ``INVALID_ACCOUNT``,
        ``ACCOUNT_FROZEN`` (the replacement), ``IDENTITY_BARRED`` (the replacement's
        controller), ``INSTRUMENT_PAUSED`` (a payment run is open)."""
        return self._submit(one(ControlActionRecord), "RecoverAccount", spec)

    def action(self, action_id: str) -> ControlActionRecord:
        """One controller action. Role: a controller (issuer or registrar organisation).
        Raises: ``NOT_FOUND``, ``UNAUTHORIZED``."""
        return self._evaluate(one(ControlActionRecord), "Action", action_id)

    def actions(self) -> builtins.list[ControlActionRecord]:
        """Every controller action, oldest first. Role: a controller (issuer or registrar
        organisation). Raises: ``UNAUTHORIZED``."""
        return self._evaluate(many(ControlActionRecord), "Actions")

    def frozen_parts(self, account_id: str) -> builtins.list[HoldingFreezeRecord]:
        """The frozen parts of an account's holdings. Role: any member.
        Role: a controller (both organisations endorse).
        Raises: ``UNKNOWN_ACCOUNT``."""
        return self._evaluate(many(HoldingFreezeRecord), "FrozenParts", account_id)


class Documents(_Section):
    """The document registry: name, URI and SHA-256 of prospectuses, Shariah certificates,
    vault attestations and court orders; attached to instruments and controller actions,
    superseded, never deleted."""

    namespace = "document"

    def register(self, spec: DocumentRegistration) -> DocumentRecord:
        """Register a document (attached to ``spec.instrument_id`` if given).

        Role: a controller (issuer or registrar organisation). Raises: ``UNAUTHORIZED``,
        ``ALREADY_EXISTS``, ``INVALID_DOCUMENT``, ``UNKNOWN_INSTRUMENT``."""
        return self._submit(one(DocumentRecord), "Register", spec)

    def supersede(self, document_id: str, replacement: DocumentRegistration) -> DocumentRecord:
        """Register ``replacement`` (same kind) as the next version of ``document_id``;
        the old one stays, marked superseded. Returns the new version.

        Role: a controller. Raises: ``UNAUTHORIZED``, ``UNKNOWN_DOCUMENT``,
        ``DOCUMENT_SUPERSEDED``, ``INVALID_DOCUMENT``, ``ALREADY_EXISTS``."""
        return self._submit(one(DocumentRecord), "Supersede", document_id, replacement)

    def attach(self, document_id: str, instrument_id: str) -> DocumentRecord:
        """Attach a document in force to an instrument.

        Role: a controller. Raises: ``UNAUTHORIZED``, ``UNKNOWN_DOCUMENT``,
        ``DOCUMENT_SUPERSEDED``, ``UNKNOWN_INSTRUMENT``, ``INVALID_TRANSITION``."""
        return self._submit(one(DocumentRecord), "Attach", document_id, instrument_id)

    def get(self, document_id: str) -> DocumentRecord:
        """One document. Role: any member. Raises: ``UNKNOWN_DOCUMENT``."""
        return self._evaluate(one(DocumentRecord), "Get", document_id)

    def for_instrument(self, instrument_id: str) -> builtins.list[DocumentRecord]:
        """Every document ever attached to an instrument, superseded versions too.
        Role: any member. Raises: ``UNKNOWN_INSTRUMENT``."""
        return self._evaluate(many(DocumentRecord), "ForInstrument", instrument_id)

    def list(self) -> builtins.list[DocumentRecord]:
        """Every registered document. Role: any member. Raises: nothing of its own."""
        return self._evaluate(many(DocumentRecord), "List")


class Audit(_Section):
    """Record histories for the regulator."""

    namespace = "audit"

    def history(self, kind: str, *ids: str) -> builtins.list[KeyHistoryEntry]:
        """Every committed change of one record, newest first: transaction id, timestamp,
        submitter ("<MSP ID>/<enrollment id>"), function and the value after it. ``kind``:
        governance, business-day, control-register (no id); account, investor,
        instrument, instruction, document, control-action, auction, cash,
        barred-identity (one id); holding, holding-freeze (instrument id, account id).

        Role: the regulator (registrar organisation). Raises: ``UNAUTHORIZED``,
        ``INVALID_ARGUMENT``."""
        return self._evaluate(many(KeyHistoryEntry), "History", kind, list(ids))

    def whole_register(self) -> RegisterReader:
        """Confirm this identity reads the whole register (every account, holding and cash
        balance), as a report over it needs; returns its reader class.

        Role: the regulator (registrar organisation). Raises: ``UNAUTHORIZED`` for an
        identity that reads only its own rows (a bank, the exchange, the treasury)."""
        return self._evaluate(one(RegisterReader), "WholeRegister")


class SovereignClient:
    """All the contracts of the sovereign asset chaincode, as one identity sees them."""

    def __init__(self, invoker: Invoker) -> None:
        self.invoker = invoker
        self.governance = Governance(invoker)
        self.accounts = Accounts(invoker)
        self.investors = Investors(invoker)
        self.instruments = Instruments(invoker)
        self.cash = Cash(invoker)
        self.holdings = Holdings(invoker)
        self.settlements = Settlements(invoker)
        self.lifecycle = Lifecycle(invoker)
        self.auctions = Auctions(invoker)
        self.calendars = Calendars(invoker)
        self.controls = Controls(invoker)
        self.documents = Documents(invoker)
        self.audit = Audit(invoker)

    def for_request(self, request_id: str) -> SovereignClient:
        """This client acting for one client request: retried (by this process or another
        after a crash) it applies at most once. ``request_id`` must name one request only,
        e.g. ``client.for_request("TRD-0042/settle").settlements.settle("TRD-0042")``.
        Needs an invoker with request IDs (``GatewayInvoker``); see ``sovereign_client.retry``.
        """
        scope = getattr(self.invoker, "for_request", None)
        if scope is None:
            raise TypeError(f"{type(self.invoker).__name__} does not support client request IDs")
        scoped: Invoker = scope(request_id)
        return SovereignClient(scoped)
