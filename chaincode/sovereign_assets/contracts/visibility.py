"""Who reads what: the one table of read access, and what events may carry.

Owns :class:`Reader` (the classes of caller a query distinguishes), :class:`Scope` (how
much of an answer a reader gets), :data:`READ_ACCESS` (every evaluate transaction ->
reader -> scope), :func:`reader_of`, :func:`sees_account` and
:data:`PUBLIC_EVENT_FIELDS` with :func:`require_public_event`.

The rule (DOMAIN.md section 6):

- the central bank (the registrar, as regulator) reads everything;
- the exchange reads trades and settlements (and may dry-run any transfer it matches);
- the treasury (issuer) reads what it pays or allots: coupon and redemption claims and
  auction allotments, besides the public data;
- a bank or an investor reads its own: the accounts it controls, directly or as the
  controller of the bank account a client sub-account hangs under, their holdings, cash,
  history and trades, and the registry entries of the investors who own them or whom it
  onboarded;
- everyone reads instruments (with their aggregate ``issued``/``redeemed`` amounts),
  schedules, governance, the business date, auction results and the document registry;
- controller actions (which name accounts) are read by the controllers, and a record's
  audit history by the regulator only.

``OWN`` means "filtered to what the reader owns": a list answers only those rows, a
single record refuses with ``UNAUTHORIZED`` when it is not the reader's. Every
``@query`` passes through :func:`scope_for` before it runs, so a query without a row
here refuses to run at all.

Events are delivered to every member of the channel, so they carry only what everyone
may read: :func:`require_public_event` refuses any other field (a contract bug, not a
caller's mistake). Records that need a reader's rights are named by their id (an
instruction id, an auction id), and the reader queries them.

Note what this does not do: the public write sets in blocks are readable by every
channel member's peers; keeping data from another organisation's peer needs a private
data collection (as personal data and sealed bids have).

Imports only the contract layer's auth helpers and records; never logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from sovereign_assets.domain import ErrorCode
from sovereign_assets.schema.messages import GovernanceConfig
from sovereign_assets.schema.records import AccountRecord

from .auth import Caller, Duty, controls_account, has_duty
from .rules import RuleError


class Reader(StrEnum):
    """The classes of reader, most privileged first (a caller is the first it qualifies
    as)."""

    REGULATOR = "REGULATOR"
    """The registrar's org (central bank): registrar role or org admin."""
    ISSUER = "ISSUER"
    """The issuer's org (treasury debt office)."""
    EXCHANGE = "EXCHANGE"
    """The exchange's operators."""
    PARTICIPANT = "PARTICIPANT"
    """Anyone else of a channel organisation: banks, primary dealers, investors."""


class Scope(StrEnum):
    """How much of a query's answer a reader gets."""

    ALL = "ALL"
    """The whole answer."""
    OWN = "OWN"
    """Only the reader's own rows (see the module docstring); a single record that is
    not its own is refused with ``UNAUTHORIZED``."""
    NONE = "NONE"
    """Nothing: the query is refused with ``UNAUTHORIZED``."""


_R = Reader
_PUBLIC: Final[Mapping[Reader, Scope]] = dict.fromkeys(Reader, Scope.ALL)
_REGULATOR_ONLY: Final[Mapping[Reader, Scope]] = {
    _R.REGULATOR: Scope.ALL,
    _R.ISSUER: Scope.OWN,
    _R.EXCHANGE: Scope.OWN,
    _R.PARTICIPANT: Scope.OWN,
}
_TRADES: Final[Mapping[Reader, Scope]] = {**_REGULATOR_ONLY, _R.EXCHANGE: Scope.ALL}
_PAYMENTS: Final[Mapping[Reader, Scope]] = {**_REGULATOR_ONLY, _R.ISSUER: Scope.ALL}
_CONTROLLERS: Final[Mapping[Reader, Scope]] = {
    _R.REGULATOR: Scope.ALL,
    _R.ISSUER: Scope.ALL,
    _R.EXCHANGE: Scope.NONE,
    _R.PARTICIPANT: Scope.NONE,
}

READ_ACCESS: Final[Mapping[str, Mapping[Reader, Scope]]] = {
    # public: configuration, instruments and their aggregates, auction results
    "governance:Get": _PUBLIC,
    "governance:BusinessDate": _PUBLIC,
    # pending governance changes: the two controllers who propose and approve them
    "governance:Proposal": _CONTROLLERS,
    "governance:Proposals": _CONTROLLERS,
    "instrument:Get": _PUBLIC,
    "instrument:List": _PUBLIC,
    "instrument:Schedule": _PUBLIC,
    "instrument:Limits": _PUBLIC,
    "calendar:Get": _PUBLIC,
    "calendar:History": _PUBLIC,
    "auction:Results": _PUBLIC,
    "auction:List": _PUBLIC,
    # public list of bars; which account a released bar went to is OWN
    "instrument:Bars": _PAYMENTS,
    # client-level: the regulator, else the reader's own
    "account:Get": _REGULATOR_ONLY,
    "account:List": _REGULATOR_ONLY,
    "investor:Get": _REGULATOR_ONLY,
    "investor:PersonalDataStatus": _REGULATOR_ONLY,
    "cash:Balance": _REGULATOR_ONLY,
    "holding:ByAccount": _REGULATOR_ONLY,
    "holding:ByInstrument": _REGULATOR_ONLY,
    "holding:History": _REGULATOR_ONLY,
    # trades and settlements: the exchange too
    "settlement:Get": _TRADES,
    "settlement:List": _TRADES,
    "investor:CheckTransfer": _TRADES,
    # what the issuer pays or allots
    "lifecycle:Claims": _PAYMENTS,
    "auction:Allotments": _PAYMENTS,
    # sealed bids: the officers once the book is closed (the contract adds that rule)
    "auction:Bids": {**_PAYMENTS, _R.EXCHANGE: Scope.NONE},
    # controller actions name accounts: the controllers (issuer and registrar) read them
    "control:Action": _CONTROLLERS,
    "control:Actions": _CONTROLLERS,
    # the frozen parts of an account: the controllers, and the account's own controllers
    "control:FrozenParts": {**_REGULATOR_ONLY, _R.ISSUER: Scope.ALL},
    # the document registry is public: a name, a URI and a hash, never personal data
    "document:Get": _PUBLIC,
    "document:ForInstrument": _PUBLIC,
    "document:List": _PUBLIC,
    # a record's history shows every bank's clients over time: the regulator only
    "audit:History": {**dict.fromkeys(Reader, Scope.NONE), _R.REGULATOR: Scope.ALL},
    # reports over the whole register ask first: the readers of every account's rows
    "audit:WholeRegister": {
        **dict.fromkeys(Reader, Scope.NONE),
        **{reader: Scope.ALL for reader, scope in _REGULATOR_ONLY.items() if scope is Scope.ALL},
    },
}
"""``contract:Function`` of every evaluate transaction -> reader -> scope."""


def reader_of(caller: Caller, governance: GovernanceConfig) -> Reader:
    """The reader class of ``caller`` under ``governance``."""
    if has_duty(caller, governance, Duty.REGISTRAR):
        return Reader.REGULATOR
    if has_duty(caller, governance, Duty.ISSUER):
        return Reader.ISSUER
    if has_duty(caller, governance, Duty.EXCHANGE):
        return Reader.EXCHANGE
    return Reader.PARTICIPANT


def scope_of(function: str, reader: Reader) -> Scope:
    """The scope of ``reader`` on ``function``; a function without a row is a contract
    bug (``KeyError``: the test that walks every query fails on it first)."""
    return READ_ACCESS[function][reader]


def sees_account(
    caller: Caller, scope: Scope, account: AccountRecord, parent: AccountRecord | None
) -> bool:
    """Whether a reader with ``scope`` sees ``account`` (with its parent, if any)."""
    return scope is Scope.ALL or controls_account(caller, account, parent)


def refuse_read(what: str) -> RuleError:
    """The refusal of a record the caller may not read (``UNAUTHORIZED``)."""
    return RuleError(ErrorCode.UNAUTHORIZED, f"{what} is not visible to the caller")


PUBLIC_EVENT_FIELDS: Final[frozenset[str]] = frozenset(
    {
        # identifiers of public records, or of records readers query with their rights
        "instrument_id",
        "auction_id",
        "instruction_id",
        "run_id",
        "period_id",
        "kind",
        "tier",
        "state",
        "registered_by",
        "reason",
        # controller actions and registry documents (ids, hashes, instrument attachments)
        "action_id",
        "document_id",
        "document_sha256",
        "sha256",
        "attached_to",
        "supersedes",
        # aggregates and public market data
        "amount",
        "quantity",
        "cash_amount",
        "issued",
        "cash_paid",
        "count",
        "offerings",
        "target",
        "auction_date",
        "settlement_date",
        "results",
        "settled",
        "face",
        "cash",
        "refused",
        "face_refused",
        "done",
        "paid",
        "gross",
        "tax",
        "net",
        "rate",
        "source",
        "fixing_date",
        "evidence_dates",
        "tenor_days",
        "quote_date",
        "weighted_average_yield",
        "all_bids_rejected",
        "retired",
        "serials",
        # governance
        "business_date",
        "calendar_id",
        "effective_from",
        "open",
        "org_roles",
        "utc_offset_minutes",
        "global_pause",
        "proposal_id",
        "proposer_msp",
        "approver_msp",
        "by_msp",
        "expires_on",
    }
)
"""Top-level fields an event payload may carry: nothing that names an account or an
investor (every channel member receives every event)."""


def require_public_event(name: str, payload: Mapping[str, object]) -> None:
    """Raise ``RuntimeError`` (a contract bug) when ``payload`` carries a field outside
    :data:`PUBLIC_EVENT_FIELDS`."""
    extra = sorted(set(payload) - PUBLIC_EVENT_FIELDS)
    if extra:
        raise RuntimeError(f"event {name} would carry non-public fields {extra}")
