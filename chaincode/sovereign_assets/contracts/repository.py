"""The one module that reads and writes the ledger: key layout, documents, events.

Owns :class:`Repository`, a view of one transaction's stub:

- **Key layout.** Composite keys ``<type>\\x00<id>...`` for records looked up by id or
  listed by prefix (governance, accounts, investors, instruments, cash balances, cash
  supply, settlement instructions, payment runs, claims keyed by instrument, period and
  holder, bar releases keyed by instrument and serial, bill auction results and PKRV
  quotes keyed by tenor and date, the business date, and the index of accounts by legal
  owner (``ownerAccount``, owner, account) the per-investor holding limit reads, and
  the index of dealer accounts (``dealerAccount``, account) through which an auction's
  cut-off finds its sealed bid books without reading every account).
  Holdings use simple keys
  ``holding/<instrument>/<account>`` because paying a coupon in batches resumes
  *after* a cursor, which needs a range scan with a start key; Fabric allows that only
  on simple keys (and pagination only in read-only transactions). Ids never contain
  ``/`` (:func:`.rules.require_id`), so the layout is unambiguous and key order equals
  account-id order.
- **Documents.** Canonical JSON (sorted keys, compact, Decimal as string, no floats)
  of a record from :mod:`sovereign_assets.schema.records` plus ``docType`` and schema
  ``version``; reading checks both.
- **Read-your-writes.** Fabric's stub reads committed state only; the repository keeps
  this transaction's writes and answers reads of those keys from them. Scans see
  committed state only (no transaction scans keys it has written).
- **One read per key.** Committed values read once are kept for the transaction (the
  committed state does not change under a simulation), decoded documents too, and a
  transaction that knows which keys it will read fetches them in one ``GetMultipleStates``
  round trip (``prefetch_*``; a peer without it answers key by key). Only keys the
  transaction reads anyway are fetched, so the read set is the same.
- **Key-level endorsement** on the governance, business date, instrument and control
  register keys (the last is what makes every controller action need two organisations).
- **Controls, documents and audit**: controller actions ``controlAction<id>``, frozen
  parts of holdings ``holdingFreeze<account><instrument>``, barred identities, registry
  documents ``document<id>``, and per transaction that changed public state its
  submitter ``submitter<tx id>``; :meth:`Repository.record_key` names what
  ``audit:History`` may read.
- **Personal data** under ``pii<id>`` in an organisation's personal data collection
  (:mod:`sovereign_assets.schema.privacy`); read back only as the ledger's hash of it.
- **Sealed bids** under ``auctionBid<auction><account><bid>`` in the sealed-bid
  collection: canonical JSON like a public document, never on the public ledger.
- **The one event** of the transaction.

Imports fabric_chaincode (stub, keys, canonical JSON, statebased); never logs values.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from fabric_chaincode import KeyEndorsementPolicy, KeyModification, Role, Stub
from fabric_chaincode.serialization import dumps, from_json_value, loads, to_json_value
from sovereign_assets.domain import AccountTier, ErrorCode, Ledger
from sovereign_assets.schema.messages import HoldingChange, HoldingEntry
from sovereign_assets.schema.records import (
    AccountRecord,
    AllotmentRecord,
    AuctionRecord,
    BarredIdentityRecord,
    BarReleaseRecord,
    BidBook,
    BidRef,
    BillAuctionRecord,
    BusinessDayRecord,
    CalendarRecord,
    CalendarsInForce,
    CashSupply,
    ClaimRecord,
    ControlActionRecord,
    ControlRegister,
    DocumentRecord,
    GovernanceProposalRecord,
    GovernanceRecord,
    HoldingFreezeRecord,
    InstructionRecord,
    InstrumentRecord,
    InvestorRecord,
    NonResidentHolding,
    PaymentRun,
    PkrvRecord,
    ProgrammeIssued,
    StoredBid,
    SubmitterRecord,
)

from .rules import RuleError
from .visibility import require_public_event

SCHEMA_VERSION = 1
"""Version of every document's schema; bump it with a migration when a record changes."""

_R = TypeVar("_R")

HOLDING_PREFIX = "holding/"
_PII_KEY = "pii"
_OWNER_INDEX = "ownerAccount"
_DEALER_INDEX = "dealerAccount"
_PARENT_INDEX = "subAccount"
_INSTRUMENT_DOCUMENT_INDEX = "instrumentDocument"


def holding_key(instrument_id: str, account_id: str) -> str:
    """Simple key of one holding (see the module docstring)."""
    return f"{HOLDING_PREFIX}{instrument_id}/{account_id}"


def and_policy(msp_ids: Iterable[str]) -> bytes:
    """A key-level policy requiring a peer of every one of ``msp_ids``."""
    return KeyEndorsementPolicy.of(sorted(set(msp_ids)), Role.PEER).policy()


class Repository:
    """Typed access to the world state of one transaction."""

    def __init__(self, stub: Stub) -> None:
        self._stub = stub
        self._written: dict[str, bytes | None] = {}
        self._committed: dict[str, bytes | None] = {}
        self._records: dict[str, object] = {}
        self._event_set = False
        self.before_save: Callable[[Ledger, Ledger], None] | None = None
        """Called with every change :meth:`save_ledger` is about to write."""

    # -- documents -----------------------------------------------------------------

    def _key(self, doc_type: str, *ids: str) -> str:
        return self._stub.create_composite_key(doc_type, list(ids))

    def _raw(self, key: str) -> bytes | None:
        if key in self._written:
            return self._written[key]
        if key not in self._committed:
            self._committed[key] = self._stub.get_state(key)
        return self._committed[key]

    def _prefetch(self, keys: Iterable[str]) -> None:
        """Read the committed values of ``keys`` not read or written yet, in one request."""
        missing = sorted({k for k in keys if k not in self._written and k not in self._committed})
        if missing:
            values = self._stub.get_multiple_states(missing)
            self._committed.update(zip(missing, values, strict=True))

    def _decode(self, raw: bytes, cls: type[_R]) -> _R:
        document = loads(raw)
        doc_type = getattr(cls, "DOC_TYPE", "")
        if (
            not isinstance(document, dict)
            or document.pop("docType", None) != doc_type
            or document.pop("version", None) != SCHEMA_VERSION
        ):
            raise RuleError(ErrorCode.INVALID_ARGUMENT, f"stored {doc_type} has another schema")
        decoded: _R = from_json_value(cls, document, doc_type)
        return decoded

    def _load(self, key: str, cls: type[_R]) -> _R | None:
        cached = self._records.get(key)
        if isinstance(cached, cls):  # records are frozen; a write drops the entry
            return cached
        raw = self._raw(key)
        if raw is None:
            return None
        record = self._decode(raw, cls)
        self._records[key] = record
        return record

    def _store(self, key: str, record: object) -> None:
        body = to_json_value(record)
        assert isinstance(body, dict)
        body["docType"] = getattr(record, "DOC_TYPE")  # noqa: B009 (ClassVar of the record)
        body["version"] = SCHEMA_VERSION
        self._put_raw(key, dumps(body))

    def _put_raw(self, key: str, value: bytes) -> None:
        self._stub.put_state(key, value)
        self._written[key] = value
        self._records.pop(key, None)

    def _delete(self, key: str) -> None:
        self._stub.del_state(key)
        self._written[key] = None
        self._records.pop(key, None)

    def _scan(self, doc_type: str, *ids: str) -> list[tuple[str, bytes]]:
        with self._stub.get_state_by_partial_composite_key(doc_type, list(ids)) as results:
            return [(kv.key, kv.value) for kv in results]

    def _list(self, cls: type[_R], *ids: str) -> list[_R]:
        doc_type: str = getattr(cls, "DOC_TYPE")  # noqa: B009
        return [self._decode(value, cls) for _, value in self._scan(doc_type, *ids)]

    # -- transaction facts -------------------------------------------------------

    def timestamp_seconds(self) -> int:
        """Seconds of the proposal's timestamp. The client chooses it and no peer checks
        it, so no date rule reads it (the business date is ledger state); only an
        intraday cut-off on the business date itself may (see ``auction:PlaceBid``)."""
        return self._stub.get_tx_timestamp().seconds

    def transient(self, name: str) -> bytes | None:
        """One transient field (never stored, never logged)."""
        return self._stub.get_transient().get(name)

    def emit(self, name: str, payload: Mapping[str, object]) -> None:
        """Set the transaction's one event (canonical JSON, no personal data)."""
        if self._event_set:  # a contract bug: Fabric would keep only the last event
            raise RuntimeError("one event per transaction")
        require_public_event(name, payload)
        self._event_set = True
        self._stub.set_event(name, dumps(payload))

    # -- published calendars --------------------------------------------------------

    def calendar_versions(self, calendar_id: str | None = None) -> list[CalendarRecord]:
        """Published versions of ``calendar_id`` (every calendar's when None), by
        calendar then effective date."""
        if calendar_id is None:
            return self._list(CalendarRecord)
        return self._list(CalendarRecord, calendar_id)

    def put_calendar(self, record: CalendarRecord) -> None:
        """Store a published calendar version (one per calendar and effective date)."""
        publication = record.publication
        self._store(
            self._key(CalendarRecord.DOC_TYPE, publication.calendar_id, publication.effective_from),
            record,
        )

    def _calendars_in_force_key(self) -> str:
        return self._key(CalendarsInForce.DOC_TYPE, "current")

    def calendars_in_force(self) -> list[CalendarRecord]:
        """The published versions date rules may still read (one key, one read; empty
        before the first publication)."""
        found = self._load(self._calendars_in_force_key(), CalendarsInForce)
        return [] if found is None else list(found.versions)

    def put_calendars_in_force(self, versions: list[CalendarRecord]) -> None:
        """Replace the versions date rules may still read (see :class:`CalendarsInForce`)."""
        self._store(self._calendars_in_force_key(), CalendarsInForce(versions))

    def calendar_version(self, calendar_id: str, effective_from: str) -> CalendarRecord | None:
        """One published version, or None."""
        return self._load(
            self._key(CalendarRecord.DOC_TYPE, calendar_id, effective_from), CalendarRecord
        )

    # -- aggregates of the caps -----------------------------------------------------

    def non_resident_holding(self, instrument_id: str) -> int:
        """What all non-resident owners hold of ``instrument_id`` (0 when not kept)."""
        record = self._load(
            self._key(NonResidentHolding.DOC_TYPE, instrument_id), NonResidentHolding
        )
        return 0 if record is None else record.amount

    def put_non_resident_holding(self, instrument_id: str, amount: int) -> None:
        """Store the non-resident aggregate of ``instrument_id``."""
        self._store(
            self._key(NonResidentHolding.DOC_TYPE, instrument_id),
            NonResidentHolding(instrument_id, amount),
        )

    def programme_issued(self, programme_id: str) -> int:
        """Face issued under ``programme_id`` so far (0 before any)."""
        record = self._load(self._key(ProgrammeIssued.DOC_TYPE, programme_id), ProgrammeIssued)
        return 0 if record is None else record.issued

    def put_programme_issued(self, programme_id: str, issued: int) -> None:
        """Store the programme's issued total."""
        self._store(
            self._key(ProgrammeIssued.DOC_TYPE, programme_id),
            ProgrammeIssued(programme_id, issued),
        )

    # -- governance ---------------------------------------------------------------

    def governance(self) -> GovernanceRecord | None:
        """The governance document, if bootstrapped."""
        return self._load(self._key(GovernanceRecord.DOC_TYPE, "config"), GovernanceRecord)

    def put_governance(self, record: GovernanceRecord) -> None:
        """Store governance and require issuer AND registrar peers for its next change."""
        key = self._key(GovernanceRecord.DOC_TYPE, "config")
        self._store(key, record)
        roles = record.config.org_roles
        self._stub.set_state_validation_parameter(
            key, and_policy([*roles["issuer"], *roles["registrar"]])
        )

    def governance_hash(self) -> str:
        """SHA-256 (hex) of the stored governance document as this transaction sees it
        (of the empty string before bootstrap): what a change proposal amends."""
        raw = self._raw(self._key(GovernanceRecord.DOC_TYPE, "config"))
        return hashlib.sha256(raw or b"").hexdigest()

    def governance_proposal(self, proposal_id: str) -> GovernanceProposalRecord | None:
        """A pending governance change, or None."""
        key = self._key(GovernanceProposalRecord.DOC_TYPE, proposal_id)
        return self._load(key, GovernanceProposalRecord)

    def put_governance_proposal(self, record: GovernanceProposalRecord) -> None:
        """Store a pending governance change."""
        key = self._key(GovernanceProposalRecord.DOC_TYPE, record.proposal_id)
        self._store(key, record)

    def delete_governance_proposal(self, proposal_id: str) -> None:
        """Remove a governance change (applied or withdrawn)."""
        self._delete(self._key(GovernanceProposalRecord.DOC_TYPE, proposal_id))

    def governance_proposals(self) -> list[GovernanceProposalRecord]:
        """Every pending governance change, by id."""
        return self._list(GovernanceProposalRecord)

    def business_day(self) -> BusinessDayRecord | None:
        """The business date, or None before the central bank opened the first one."""
        return self._load(self._key(BusinessDayRecord.DOC_TYPE, "current"), BusinessDayRecord)

    def put_business_day(self, record: BusinessDayRecord, endorsers: Iterable[str]) -> None:
        """Store the business date; its next change needs a peer of every ``endorsers``
        MSP (the issuer and registrar organisations), as governance does."""
        key = self._key(BusinessDayRecord.DOC_TYPE, "current")
        self._store(key, record)
        self._stub.set_state_validation_parameter(key, and_policy(endorsers))

    def governance_policy(self) -> bytes | None:
        """The key-level policy of the governance key."""
        key = self._key(GovernanceRecord.DOC_TYPE, "config")
        return self._stub.get_state_validation_parameter(key)

    # -- accounts and investors ---------------------------------------------------

    def account(self, account_id: str) -> AccountRecord | None:
        """An account, or None."""
        return self._load(self._key(AccountRecord.DOC_TYPE, account_id), AccountRecord)

    def prefetch_accounts(self, account_ids: Iterable[str]) -> None:
        """Fetch the accounts a transaction is about to read, in one request."""
        self._prefetch(self._key(AccountRecord.DOC_TYPE, a) for a in account_ids)

    def prefetch_guards(self, controller: str, with_governance: bool) -> None:
        """Fetch what every transaction reads before its contract runs - the bar on the
        caller's identity and (``with_governance``) the governance document - in one
        request."""
        keys = [self._key(BarredIdentityRecord.DOC_TYPE, controller)]
        if with_governance:
            keys.append(self._key(GovernanceRecord.DOC_TYPE, "config"))
        self._prefetch(keys)

    def prefetch_trade(
        self,
        instrument_id: str | None,
        account_ids: Iterable[str],
        instruction_id: str | None = None,
        with_calendars: bool = False,
    ) -> None:
        """Fetch, in one request, what a trade reads first: the instrument, the accounts,
        the instruction (when given), the business date and (``with_calendars``) the
        calendars in force. Pass only ids the trade reads anyway (so the read set is
        the same) and in the form :func:`.rules.require_id` accepts."""
        keys = [self._key(AccountRecord.DOC_TYPE, a) for a in account_ids]
        if instrument_id is not None:
            keys.append(self._key(InstrumentRecord.DOC_TYPE, instrument_id))
        if instruction_id is not None:
            keys.append(self._key(InstructionRecord.DOC_TYPE, instruction_id))
        keys.append(self._key(BusinessDayRecord.DOC_TYPE, "current"))
        if with_calendars:
            keys.append(self._calendars_in_force_key())
        self._prefetch(keys)

    def prefetch_legs(
        self, instrument: InstrumentRecord, seller: AccountRecord, buyer: AccountRecord
    ) -> None:
        """Fetch, in one request, what moving ``instrument`` and cash between ``seller``
        and ``buyer`` reads once the accounts are known: their parent accounts, their
        owners' registry entries, both holdings and cash balances, the frozen part of
        the seller's holding and (under a non-resident cap) the non-resident total."""
        instrument_id = instrument.spec.instrument_id
        keys = [
            self._key(AccountRecord.DOC_TYPE, a.parent_account_id)
            for a in (seller, buyer)
            if a.parent_account_id is not None
        ]
        for account in (seller, buyer):
            keys.append(self._key(InvestorRecord.DOC_TYPE, account.owner_id))
            keys.append(holding_key(instrument_id, account.account_id))
            keys.append(self._key("cash", account.account_id))
        keys.append(self._freeze_key(seller.account_id, instrument_id))
        if instrument.spec.non_resident_limit is not None:
            keys.append(self._key(NonResidentHolding.DOC_TYPE, instrument_id))
        self._prefetch(keys)

    def prefetch_holdings(self, instrument_id: str, account_ids: Iterable[str]) -> None:
        """Fetch the holdings of ``instrument_id`` of ``account_ids``, in one request."""
        self._prefetch(holding_key(instrument_id, a) for a in account_ids)

    def prefetch_investors(self, investor_ids: Iterable[str]) -> None:
        """Fetch the registry entries a transaction is about to read, in one request."""
        self._prefetch(self._key(InvestorRecord.DOC_TYPE, i) for i in investor_ids)

    def put_account(self, record: AccountRecord) -> None:
        """Store an account, its entry in the index of accounts by legal owner and, for a
        dealer account, in the index of dealer accounts; for a sub-account, in the index
        of sub-accounts by parent account."""
        self._store(self._key(AccountRecord.DOC_TYPE, record.account_id), record)
        value = dumps({"account_id": record.account_id})
        indexes = [self._key(_OWNER_INDEX, record.owner_id, record.account_id)]
        dealer_index = self._key(_DEALER_INDEX, record.account_id)
        # Written once, when the account opens: a later update (a freeze) leaves the key's
        # version alone, so it does not invalidate a cut-off that scanned the index.
        if record.tier is AccountTier.DEALER and self._raw(dealer_index) is None:
            indexes.append(dealer_index)
        if record.parent_account_id is not None:
            parent_index = self._key(_PARENT_INDEX, record.parent_account_id, record.account_id)
            if self._raw(parent_index) is None:  # likewise written once per parent
                indexes.append(parent_index)
        for index in indexes:
            self._put_raw(index, value)

    def reparent_account(self, record: AccountRecord, parent: AccountRecord) -> AccountRecord:
        """Hang sub-account ``record`` under ``parent`` (its parent and custodian), moving
        its entry in the index of sub-accounts; returns the updated record."""
        if record.parent_account_id is not None:
            self._delete(self._key(_PARENT_INDEX, record.parent_account_id, record.account_id))
        moved = dataclasses.replace(
            record, parent_account_id=parent.account_id, custodian_id=parent.account_id
        )
        self.put_account(moved)
        return moved

    def sub_accounts_of(self, parent_id: str) -> list[str]:
        """Ids of the sub-accounts hanging under account ``parent_id`` (committed state),
        by id: a scan of that parent's entries in the sub-account index alone."""
        return [
            self._stub.split_composite_key(key)[1][1]
            for key, _ in self._scan(_PARENT_INDEX, parent_id)
        ]

    def dealer_accounts(self) -> list[str]:
        """Ids of every dealer account (committed state), by id: a scan of the dealer
        index alone (one short key per primary dealer account), never of all accounts."""
        return [self._stub.split_composite_key(key)[1][0] for key, _ in self._scan(_DEALER_INDEX)]

    def accounts_of_owner(self, owner_id: str) -> list[str]:
        """Ids of every account whose legal owner is ``owner_id`` (committed state), by id.

        A partial composite key scan: in a submit transaction Fabric re-runs it at
        validation, so an account opened for the owner meanwhile invalidates the read."""
        return [
            self._stub.split_composite_key(key)[1][1]
            for key, _ in self._scan(_OWNER_INDEX, owner_id)
        ]

    def accounts(self) -> list[AccountRecord]:
        """Every account, by id."""
        return self._list(AccountRecord)

    def investor(self, investor_id: str) -> InvestorRecord | None:
        """A registry entry, or None."""
        return self._load(self._key(InvestorRecord.DOC_TYPE, investor_id), InvestorRecord)

    def put_investor(self, record: InvestorRecord) -> None:
        """Store a registry entry."""
        self._store(self._key(InvestorRecord.DOC_TYPE, record.investor_id), record)

    def put_personal_data(self, collection: str, investor_id: str, record: bytes) -> str:
        """Keep the salted personal-data ``record`` in private ``collection`` (nothing
        public); return its SHA-256 (hex), the hash every peer will hold."""
        self._stub.put_private_data(collection, self._key(_PII_KEY, investor_id), record)
        return hashlib.sha256(record).hexdigest()

    def personal_data(self, collection: str, investor_id: str) -> bytes | None:
        """The salted personal-data record in ``collection`` as this peer holds it (only
        a member peer does), or None. Never logged, never returned to a caller."""
        return self._stub.get_private_data(collection, self._key(_PII_KEY, investor_id))

    def purge_personal_data(self, collection: str, investor_id: str) -> None:
        """Purge the record and its history from ``collection`` (Fabric 2.5+
        ``PurgePrivateData``): member peers delete it; the hash in the blocks stays."""
        self._stub.purge_private_data(collection, self._key(_PII_KEY, investor_id))

    def personal_data_hash(self, collection: str, investor_id: str) -> str | None:
        """The SHA-256 (hex) of the committed personal data in ``collection``, or None.

        Read with ``GetPrivateDataHash``, which every peer of the channel answers from
        the hashes in the blocks, member of the collection or not."""
        digest = self._stub.get_private_data_hash(collection, self._key(_PII_KEY, investor_id))
        return digest.hex() if digest else None

    # -- instruments ----------------------------------------------------------------

    def instrument(self, instrument_id: str) -> InstrumentRecord | None:
        """An instrument, or None."""
        return self._load(self._key(InstrumentRecord.DOC_TYPE, instrument_id), InstrumentRecord)

    def put_instrument(
        self, record: InstrumentRecord, endorsers: Iterable[str] | None = None
    ) -> None:
        """Store an instrument; with ``endorsers`` also set its key-level policy (every
        later write - approval, issuance, pause, lifecycle - needs all of them)."""
        key = self._key(InstrumentRecord.DOC_TYPE, record.spec.instrument_id)
        self._store(key, record)
        if endorsers is not None:
            self._stub.set_state_validation_parameter(key, and_policy(endorsers))

    def instrument_policy(self, instrument_id: str) -> bytes | None:
        """The key-level policy of an instrument key."""
        key = self._key(InstrumentRecord.DOC_TYPE, instrument_id)
        return self._stub.get_state_validation_parameter(key)

    def instruments(self) -> list[InstrumentRecord]:
        """Every instrument, by id."""
        return self._list(InstrumentRecord)

    # -- balances -------------------------------------------------------------------

    def holding(self, instrument_id: str, account_id: str) -> int:
        """Face held (0 if none)."""
        raw = self._raw(holding_key(instrument_id, account_id))
        return 0 if raw is None else _amount(raw, "holding")

    def cash(self, account_id: str) -> int:
        """Cash tokens held (0 if none)."""
        raw = self._raw(self._key("cash", account_id))
        return 0 if raw is None else _amount(raw, "cash")

    def cash_supply(self) -> CashSupply:
        """Cumulative cash minted and withdrawn."""
        found = self._load(self._key(CashSupply.DOC_TYPE, "total"), CashSupply)
        return found or CashSupply(0, 0)

    def load_ledger(
        self,
        holdings: Iterable[tuple[str, str]] = (),
        cash_accounts: Iterable[str] = (),
        instrument: InstrumentRecord | None = None,
        with_cash_supply: bool = False,
    ) -> Ledger:
        """The part of the register a transaction touches, as a domain :class:`Ledger`.

        ``holdings``: (account id, instrument id) pairs. ``instrument``: supplies the
        issued/redeemed totals. ``with_cash_supply``: load minted/burned totals.
        """
        pairs, cash_ids = sorted(set(holdings)), sorted(set(cash_accounts))
        self._prefetch(
            [holding_key(i, a) for a, i in pairs] + [self._key("cash", a) for a in cash_ids]
        )
        held = {(a, i): self.holding(i, a) for a, i in pairs}
        cash = {a: self.cash(a) for a in cash_ids}
        issued: dict[str, int] = {}
        redeemed: dict[str, int] = {}
        if instrument is not None:
            issued[instrument.spec.instrument_id] = instrument.issued
            redeemed[instrument.spec.instrument_id] = instrument.redeemed
        supply = self.cash_supply() if with_cash_supply else CashSupply(0, 0)
        return Ledger(
            holdings=MappingProxyType({k: v for k, v in held.items() if v}),
            cash=MappingProxyType({k: v for k, v in cash.items() if v}),
            issued=MappingProxyType(issued),
            redeemed=MappingProxyType(redeemed),
            cash_minted=supply.minted,
            cash_burned=supply.burned,
        )

    def save_ledger(self, before: Ledger, after: Ledger, with_cash_supply: bool = False) -> None:
        """Write every balance that differs between ``before`` and ``after`` (zero
        balances are deleted), in sorted key order - after :attr:`before_save` (the
        context's aggregates and caps, which may refuse) has seen the change. Every
        holding and issued total changes here, so no path escapes those caps."""
        if self.before_save is not None:
            self.before_save(before, after)
        for account_id, instrument_id in sorted(set(before.holdings) | set(after.holdings)):
            amount = after.holding(account_id, instrument_id)
            if amount != before.holding(account_id, instrument_id):
                key = holding_key(instrument_id, account_id)
                if amount:
                    self._store_amount(key, "holding", amount, account_id, instrument_id)
                else:
                    self._delete(key)
        for account_id in sorted(set(before.cash) | set(after.cash)):
            amount = after.cash_balance(account_id)
            if amount != before.cash_balance(account_id):
                key = self._key("cash", account_id)
                if amount:
                    self._store_amount(key, "cash", amount, account_id, None)
                else:
                    self._delete(key)
        if with_cash_supply:
            supply = CashSupply(after.cash_minted, after.cash_burned)
            self._store(self._key(CashSupply.DOC_TYPE, "total"), supply)

    def _store_amount(
        self, key: str, doc_type: str, amount: int, account_id: str, instrument_id: str | None
    ) -> None:
        body: dict[str, Any] = {
            "docType": doc_type,
            "version": SCHEMA_VERSION,
            "account_id": account_id,
            "amount": amount,
        }
        if instrument_id is not None:
            body["instrument_id"] = instrument_id
        self._put_raw(key, dumps(body))

    def holders_after(
        self, instrument_id: str, cursor: str | None, limit: int
    ) -> tuple[tuple[str, int], ...]:
        """Up to ``limit`` (account id, face) holders of ``instrument_id`` with account
        id after ``cursor``, in account-id order (committed state)."""
        prefix = f"{HOLDING_PREFIX}{instrument_id}/"
        end = prefix[:-1] + chr(ord("/") + 1)
        start = prefix + (cursor or "")
        found: list[tuple[str, int]] = []
        with self._stub.get_state_by_range(start, end) as results:
            for kv in results:
                account_id = kv.key[len(prefix) :]
                if cursor is not None and account_id <= cursor:
                    continue
                found.append((account_id, _amount(kv.value, "holding")))
                if len(found) >= limit:
                    break
        return tuple(found)

    def holdings_of_instrument(self, instrument_id: str) -> list[HoldingEntry]:
        """Every holding of an instrument (committed state)."""
        return [
            HoldingEntry(instrument_id, account, amount)
            for account, amount in self.holders_after(instrument_id, None, 1 << 62)
        ]

    def instrument_ids(self) -> list[str]:
        """Ids of every instrument (committed state), by id, from the keys alone."""
        return [
            self._stub.split_composite_key(key)[1][0]
            for key, _ in self._scan(InstrumentRecord.DOC_TYPE)
        ]

    def holdings_of_account(self, account_id: str) -> list[HoldingEntry]:
        """Every holding of an account, by instrument: the account's key under each
        instrument, read in one request - never a scan of every holder's holdings."""
        instrument_ids = self.instrument_ids()
        keys = [holding_key(instrument_id, account_id) for instrument_id in instrument_ids]
        self._prefetch(keys)
        found: list[HoldingEntry] = []
        for instrument_id, key in zip(instrument_ids, keys, strict=True):
            raw = self._raw(key)
            if raw is not None:
                found.append(HoldingEntry(instrument_id, account_id, _amount(raw, "holding")))
        return found

    def holding_history(self, instrument_id: str, account_id: str) -> list[HoldingChange]:
        """Committed changes of one holding, newest first."""
        with self._stub.get_history_for_key(holding_key(instrument_id, account_id)) as results:
            return [
                HoldingChange(
                    mod.tx_id,
                    mod.timestamp.seconds,
                    0 if mod.is_delete else _amount(mod.value, "holding"),
                    mod.is_delete,
                )
                for mod in results
            ]

    # -- controls -------------------------------------------------------------------

    def _control_register_key(self) -> str:
        return self._key(ControlRegister.DOC_TYPE, "current")

    def control_register(self) -> ControlRegister | None:
        """The control register, or None before governance was bootstrapped."""
        return self._load(self._control_register_key(), ControlRegister)

    def put_control_register(
        self, record: ControlRegister, endorsers: Iterable[str] | None = None
    ) -> None:
        """Store the control register; with ``endorsers`` also (re)set its key-level
        policy: a peer of every one of them endorses each later controller action."""
        key = self._control_register_key()
        self._store(key, record)
        if endorsers is not None:
            self._stub.set_state_validation_parameter(key, and_policy(endorsers))

    def control_register_policy(self) -> bytes | None:
        """The key-level policy of the control register."""
        return self._stub.get_state_validation_parameter(self._control_register_key())

    def put_control_action(self, record: ControlActionRecord) -> None:
        """Record a controller action."""
        self._store(self._key(ControlActionRecord.DOC_TYPE, record.action_id), record)

    def control_action(self, action_id: str) -> ControlActionRecord | None:
        """One controller action, or None."""
        return self._load(self._key(ControlActionRecord.DOC_TYPE, action_id), ControlActionRecord)

    def control_actions(self) -> list[ControlActionRecord]:
        """Every controller action, oldest first (ids are zero-padded)."""
        return self._list(ControlActionRecord)

    def _freeze_key(self, account_id: str, instrument_id: str) -> str:
        return self._key(HoldingFreezeRecord.DOC_TYPE, account_id, instrument_id)

    def holding_freeze(self, account_id: str, instrument_id: str) -> HoldingFreezeRecord | None:
        """The frozen part of one holding, or None."""
        return self._load(self._freeze_key(account_id, instrument_id), HoldingFreezeRecord)

    def frozen_part(self, account_id: str, instrument_id: str) -> int:
        """Minor units (or mg) of the holding that are frozen (0 if none)."""
        found = self.holding_freeze(account_id, instrument_id)
        return 0 if found is None else found.amount

    def put_holding_freeze(self, record: HoldingFreezeRecord) -> None:
        """Store a frozen part; a zero amount removes the record."""
        key = self._freeze_key(record.account_id, record.instrument_id)
        if record.amount:
            self._store(key, record)
        elif self._raw(key) is not None:
            self._delete(key)

    def freezes_of_account(self, account_id: str) -> list[HoldingFreezeRecord]:
        """Every frozen part of an account's holdings, by instrument (committed state)."""
        return self._list(HoldingFreezeRecord, account_id)

    def barred_identity(self, controller: str) -> BarredIdentityRecord | None:
        """The bar on a controller identity, or None."""
        return self._load(
            self._key(BarredIdentityRecord.DOC_TYPE, controller), BarredIdentityRecord
        )

    def put_barred_identity(self, record: BarredIdentityRecord) -> None:
        """Bar a controller identity."""
        self._store(self._key(BarredIdentityRecord.DOC_TYPE, record.controller), record)

    # -- documents ------------------------------------------------------------------

    def document(self, document_id: str) -> DocumentRecord | None:
        """A registered document, or None."""
        return self._load(self._key(DocumentRecord.DOC_TYPE, document_id), DocumentRecord)

    def put_document(self, record: DocumentRecord) -> None:
        """Store a registry document, and its entry in the index of documents by
        instrument for each instrument it is attached to."""
        self._store(self._key(DocumentRecord.DOC_TYPE, record.document_id), record)
        for attachment in record.attached_to:
            kind, _, instrument_id = attachment.partition(":")
            if kind == "instrument":
                index = self._key(_INSTRUMENT_DOCUMENT_INDEX, instrument_id, record.document_id)
                if self._raw(index) is None:
                    self._put_raw(index, dumps({"document_id": record.document_id}))

    def documents_of_instrument(self, instrument_id: str) -> list[DocumentRecord]:
        """Every document ever attached to ``instrument_id`` (superseded ones too), by id
        (committed state)."""
        found = []
        for key, _ in self._scan(_INSTRUMENT_DOCUMENT_INDEX, instrument_id):
            document = self.document(self._stub.split_composite_key(key)[1][1])
            if document is not None:
                found.append(document)
        return found

    def documents(self) -> list[DocumentRecord]:
        """Every registered document, by id (committed state)."""
        return self._list(DocumentRecord)

    # -- audit ----------------------------------------------------------------------

    def wrote_public_state(self) -> bool:
        """Whether this transaction wrote or deleted a public key."""
        return bool(self._written)

    def put_submitter(self, record: SubmitterRecord) -> None:
        """Record who submitted this transaction."""
        self._store(self._key(SubmitterRecord.DOC_TYPE, record.tx_id), record)

    def submitter(self, tx_id: str) -> SubmitterRecord | None:
        """Who submitted transaction ``tx_id``, if it was recorded."""
        return self._load(self._key(SubmitterRecord.DOC_TYPE, tx_id), SubmitterRecord)

    def record_key(self, kind: str, ids: list[str]) -> str | None:
        """The ledger key of a record ``audit:History`` may read, or None for a kind it
        does not know: ``governance``, ``business-day``, ``control-register`` (no ids);
        ``account``, ``investor``, ``instrument``, ``instruction``, ``document``,
        ``control-action``, ``auction``, ``cash``, ``barred-identity`` (one id);
        ``holding``, ``holding-freeze`` (instrument and account)."""
        singletons = {
            "governance": (GovernanceRecord.DOC_TYPE, "config"),
            "business-day": (BusinessDayRecord.DOC_TYPE, "current"),
            "control-register": (ControlRegister.DOC_TYPE, "current"),
        }
        by_id = {
            "account": AccountRecord.DOC_TYPE,
            "investor": InvestorRecord.DOC_TYPE,
            "instrument": InstrumentRecord.DOC_TYPE,
            "instruction": InstructionRecord.DOC_TYPE,
            "document": DocumentRecord.DOC_TYPE,
            "control-action": ControlActionRecord.DOC_TYPE,
            "auction": AuctionRecord.DOC_TYPE,
            "cash": "cash",
            "barred-identity": BarredIdentityRecord.DOC_TYPE,
        }
        if kind in singletons and not ids:
            return self._key(*singletons[kind])
        if kind in by_id and len(ids) == 1:
            return self._key(by_id[kind], ids[0])
        if kind == "holding" and len(ids) == 2:
            return holding_key(ids[0], ids[1])
        if kind == "holding-freeze" and len(ids) == 2:
            return self._freeze_key(ids[1], ids[0])
        return None

    def key_history(self, key: str) -> list[KeyModification]:
        """Every committed change of ``key``, newest first (Fabric's history database)."""
        with self._stub.get_history_for_key(key) as results:
            return list(results)

    # -- settlement -----------------------------------------------------------------

    def instruction(self, instruction_id: str) -> InstructionRecord | None:
        """A settlement instruction, or None."""
        return self._load(self._key(InstructionRecord.DOC_TYPE, instruction_id), InstructionRecord)

    def put_instruction(self, record: InstructionRecord) -> None:
        """Store a settlement instruction."""
        self._store(self._key(InstructionRecord.DOC_TYPE, record.instruction_id), record)

    def instructions(self) -> list[InstructionRecord]:
        """Every settlement instruction, by id."""
        return self._list(InstructionRecord)

    # -- payments -------------------------------------------------------------------

    def payment_run(self, instrument_id: str, run_id: str) -> PaymentRun | None:
        """A payment run, or None."""
        return self._load(self._key(PaymentRun.DOC_TYPE, instrument_id, run_id), PaymentRun)

    def put_payment_run(self, run: PaymentRun) -> None:
        """Store a payment run."""
        self._store(self._key(PaymentRun.DOC_TYPE, run.instrument_id, run.run_id), run)

    def delete_payment_run(self, instrument_id: str, run_id: str) -> None:
        """Remove a payment run (an aborted run nobody was paid from)."""
        self._delete(self._key(PaymentRun.DOC_TYPE, instrument_id, run_id))

    def _claim_key(self, instrument_id: str, period_id: str, holder: str) -> str:
        return self._key(ClaimRecord.DOC_TYPE, instrument_id, period_id, holder)

    def prefetch_claims(self, instrument_id: str, period_id: str, holders: Iterable[str]) -> None:
        """Fetch the claims a payment batch is about to look up, in one request."""
        self._prefetch(self._claim_key(instrument_id, period_id, h) for h in holders)

    def claim_exists(self, instrument_id: str, period_id: str, holder: str) -> bool:
        """Whether the claim was paid."""
        return self._raw(self._claim_key(instrument_id, period_id, holder)) is not None

    def put_claim(self, claim: ClaimRecord) -> None:
        """Record a paid claim."""
        key = self._claim_key(claim.instrument_id, claim.period_id, claim.holder_account)
        self._store(key, claim)

    def claims(self, instrument_id: str, period_id: str) -> list[ClaimRecord]:
        """Paid claims of one period, by holder account."""
        return self._list(ClaimRecord, instrument_id, period_id)

    # -- commodity bars -------------------------------------------------------------

    def bar_release(self, instrument_id: str, serial: str) -> BarReleaseRecord | None:
        """The release of one bar, or None while it is allocated."""
        key = self._key(BarReleaseRecord.DOC_TYPE, instrument_id, serial)
        return self._load(key, BarReleaseRecord)

    def put_bar_release(self, record: BarReleaseRecord) -> None:
        """Record a bar as released."""
        key = self._key(BarReleaseRecord.DOC_TYPE, record.instrument_id, record.serial)
        self._store(key, record)

    def bar_releases(self, instrument_id: str) -> list[BarReleaseRecord]:
        """Every released bar of an instrument, by serial (committed state)."""
        return self._list(BarReleaseRecord, instrument_id)

    # -- auctions -------------------------------------------------------------------

    def auction(self, auction_id: str) -> AuctionRecord | None:
        """An auction, or None."""
        return self._load(self._key(AuctionRecord.DOC_TYPE, auction_id), AuctionRecord)

    def put_auction(self, record: AuctionRecord) -> None:
        """Store an auction."""
        self._store(self._key(AuctionRecord.DOC_TYPE, record.auction_id), record)

    def auctions(self) -> list[AuctionRecord]:
        """Every auction, by id."""
        return self._list(AuctionRecord)

    def _allotment_key(self, auction_id: str, account_id: str, bid_id: str) -> str:
        return self._key(AllotmentRecord.DOC_TYPE, auction_id, account_id, bid_id)

    def allotment(self, auction_id: str, account_id: str, bid_id: str) -> AllotmentRecord | None:
        """One allotment, or None."""
        return self._load(self._allotment_key(auction_id, account_id, bid_id), AllotmentRecord)

    def put_allotment(self, record: AllotmentRecord) -> None:
        """Store an allotment."""
        key = self._allotment_key(record.auction_id, record.account_id, record.bid_id)
        self._store(key, record)

    def allotments(self, auction_id: str) -> list[AllotmentRecord]:
        """Every allotment of an auction, by account then bid id (committed state)."""
        return self._list(AllotmentRecord, auction_id)

    def sealed_bids(self, collection: str) -> SealedBidStore:
        """The sealed bids kept in ``collection``."""
        return SealedBidStore(self, collection)

    # -- market data for fixings ---------------------------------------------------

    def bill_auction(self, tenor_days: int, day: str) -> BillAuctionRecord | None:
        """The auction result of ``tenor_days`` held on ``day`` (ISO), or None."""
        key = self._key(BillAuctionRecord.DOC_TYPE, str(tenor_days), day)
        return self._load(key, BillAuctionRecord)

    def put_bill_auction(self, record: BillAuctionRecord) -> None:
        """Store an auction result."""
        key = self._key(BillAuctionRecord.DOC_TYPE, str(record.tenor_days), record.auction_date)
        self._store(key, record)

    def pkrv_quote(self, tenor_days: int, day: str) -> PkrvRecord | None:
        """The PKRV rate of ``tenor_days`` on ``day`` (ISO), or None."""
        return self._load(self._key(PkrvRecord.DOC_TYPE, str(tenor_days), day), PkrvRecord)

    def put_pkrv_quote(self, record: PkrvRecord) -> None:
        """Store a PKRV rate."""
        key = self._key(PkrvRecord.DOC_TYPE, str(record.tenor_days), record.quote_date)
        self._store(key, record)


class SealedBidStore:
    """The sealed bids of auctions in one private data collection (see
    :data:`sovereign_assets.schema.privacy.AUCTION_BIDS_COLLECTION`), and per dealer
    account a :class:`BidBook` listing them. Documents are encoded as public ones are;
    only the collection's member peers hold them."""

    def __init__(self, repo: Repository, collection: str) -> None:
        self._repo = repo
        self._stub = repo._stub
        self.collection = collection

    def _key(self, auction_id: str, account_id: str, bid_id: str) -> str:
        return self._stub.create_composite_key(StoredBid.DOC_TYPE, [auction_id, account_id, bid_id])

    def _book_key(self, auction_id: str, dealer_account: str) -> str:
        return self._stub.create_composite_key(BidBook.DOC_TYPE, [auction_id, dealer_account])

    def _put(self, key: str, record: object) -> bytes:
        body = to_json_value(record)
        assert isinstance(body, dict)
        body["docType"] = getattr(record, "DOC_TYPE")  # noqa: B009 (ClassVar of the record)
        body["version"] = SCHEMA_VERSION
        value = dumps(body)
        self._stub.put_private_data(self.collection, key, value)
        return value

    def get(self, auction_id: str, account_id: str, bid_id: str) -> StoredBid | None:
        """A committed bid, or None (reading needs membership of the collection)."""
        raw = self._stub.get_private_data(
            self.collection, self._key(auction_id, account_id, bid_id)
        )
        return None if not raw else self._repo._decode(raw, StoredBid)

    def book(self, auction_id: str, dealer_account: str) -> BidBook:
        """The list of one dealer account's bids in an auction (empty if none)."""
        raw = self._stub.get_private_data(
            self.collection, self._book_key(auction_id, dealer_account)
        )
        if not raw:
            return BidBook(auction_id, dealer_account, [])
        return self._repo._decode(raw, BidBook)

    def put(self, bid: StoredBid, dealer_account: str) -> str:
        """Store a bid and list it in its dealer account's book; return the SHA-256 (hex)
        of the stored bytes (the hash the ledger keeps)."""
        value = self._put(self._key(bid.auction_id, bid.account_id, bid.bid_id), bid)
        book = self.book(bid.auction_id, dealer_account)
        ref = BidRef(bid.account_id, bid.bid_id)
        if ref not in book.bids:
            listed = sorted([*book.bids, ref], key=lambda r: (r.account_id, r.bid_id))
            self._put(
                self._book_key(bid.auction_id, dealer_account),
                dataclasses.replace(book, bids=listed),
            )
        return hashlib.sha256(value).hexdigest()

    def delete(self, auction_id: str, account_id: str, bid_id: str, dealer_account: str) -> None:
        """Withdraw a bid (its deletion is what the ledger then records)."""
        self._stub.del_private_data(self.collection, self._key(auction_id, account_id, bid_id))
        book = self.book(auction_id, dealer_account)
        left = [r for r in book.bids if r != BidRef(account_id, bid_id)]
        key = self._book_key(auction_id, dealer_account)
        if left:
            self._put(key, dataclasses.replace(book, bids=left))
        else:
            self._stub.del_private_data(self.collection, key)

    def listed(
        self, auction_id: str, dealer_accounts: Iterable[str]
    ) -> list[tuple[StoredBid, str]]:
        """The bids the books of ``dealer_accounts`` list, each with its SHA-256 (hex), by
        dealer account then bid key - point reads only, so the transaction may write."""
        found = []
        for dealer_account in sorted(set(dealer_accounts)):
            for ref in self.book(auction_id, dealer_account).bids:
                key = self._key(auction_id, ref.account_id, ref.bid_id)
                raw = self._stub.get_private_data(self.collection, key)
                if raw:
                    found.append(
                        (self._repo._decode(raw, StoredBid), hashlib.sha256(raw).hexdigest())
                    )
        return found

    def scan(self, auction_id: str) -> list[tuple[StoredBid, str]]:
        """Every committed bid of an auction with its SHA-256 (hex), in key order. A range
        query over private data: only for read-only transactions (queries)."""
        with self._stub.get_private_data_by_partial_composite_key(
            self.collection, StoredBid.DOC_TYPE, [auction_id]
        ) as results:
            return [
                (self._repo._decode(kv.value, StoredBid), hashlib.sha256(kv.value).hexdigest())
                for kv in results
                if kv.value
            ]


def _amount(raw: bytes, doc_type: str) -> int:
    document = loads(raw)
    if not isinstance(document, dict) or document.get("docType") != doc_type:
        raise RuleError(ErrorCode.INVALID_ARGUMENT, f"stored {doc_type} has another schema")
    amount = document.get("amount")
    if type(amount) is not int:
        raise RuleError(ErrorCode.INVALID_ARGUMENT, f"stored {doc_type} has no amount")
    return amount
