"""Test harness for the sovereign asset contracts: identities, a market clock, snapshots.

Everything runs through the runtime's ``run_transaction`` on an ``InMemoryLedger`` with
real X.509 certificates (Fabric CA style: OU client/admin, attributes ``hf.EnrollmentID``
and ``role`` in extension 1.2.3.4.5.6.7.8.1). Test material only; nothing is secret.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fabric_chaincode import Timestamp
from fabric_chaincode.testing import (
    CollectionDefinition,
    InMemoryLedger,
    TransactionResult,
    creator_bytes,
    run_transaction,
)
from sovereign_assets.chaincode import chaincode
from sovereign_assets.domain.examples import PAKISTAN_WITHHOLDING_CONFIG
from sovereign_assets.operator_config import ROLES_ENV
from sovereign_assets.schema.privacy import AUCTION_BIDS_COLLECTION, personal_data_collection
from tests.holidays import TEST_PK_CALENDAR_CONFIG

NAMESPACE = "sovereign"
TREASURY = "TreasuryMSP"
CENTRAL_BANK = "CentralBankMSP"
EXCHANGE = "ExchangeMSP"
ORGS = (TREASURY, CENTRAL_BANK, EXCHANGE)
PKT = dt.timezone(dt.timedelta(hours=5))
MARKET_ROLES = {"issuer": [TREASURY], "registrar": [CENTRAL_BANK], "exchange": [EXCHANGE]}
"""The org roles of the market's governance."""

# The chaincode runs in this process as every organisation's peer: their operators
# configure the market's org roles, so only a bootstrap naming them is endorsed (a test
# of another configuration sets the variable itself).
os.environ.setdefault(ROLES_ENV, json.dumps(MARKET_ROLES))

_ATTRIBUTES_OID = x509.ObjectIdentifier("1.2.3.4.5.6.7.8.1")
_NOT_BEFORE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@cache
def _ca(msp_id: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, msp_id.lower()),
            x509.NameAttribute(NameOID.COMMON_NAME, f"ca.{msp_id.lower()}"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_BEFORE + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


@cache
def identity(msp_id: str, enrollment_id: str, role: str | None, *, admin: bool = False) -> bytes:
    """Creator bytes of a certificate issued by ``msp_id``'s CA."""
    ca_cert, ca_key = _ca(msp_id)
    key = ec.generate_private_key(ec.SECP256R1())
    attrs: dict[str, str] = {"hf.EnrollmentID": enrollment_id, "hf.Type": "client"}
    if role is not None:
        attrs["role"] = role
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "admin" if admin else "client"),
            x509.NameAttribute(NameOID.COMMON_NAME, enrollment_id),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_BEFORE + dt.timedelta(days=3650))
        .add_extension(
            x509.UnrecognizedExtension(
                _ATTRIBUTES_OID, json.dumps({"attrs": attrs}).encode("utf-8")
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return creator_bytes(msp_id, cert)


# The cast of the market.
def treasury() -> bytes:
    return identity(TREASURY, "debt-office", "issuer")


def central_bank() -> bytes:
    return identity(CENTRAL_BANK, "sgl-desk", "registrar")


def central_bank_admin() -> bytes:
    return identity(CENTRAL_BANK, "cb-admin", None, admin=True)


def exchange() -> bytes:
    return identity(EXCHANGE, "match-engine", "exchange_operator")


def dealer_alpha() -> bytes:
    return identity(CENTRAL_BANK, "alpha-ops", "primary_dealer")


def dealer_beta() -> bytes:
    return identity(CENTRAL_BANK, "beta-ops", "primary_dealer")


def governance_config(**overrides: object) -> dict[str, object]:
    """A Pakistani governance configuration as JSON-ready data."""
    config: dict[str, object] = {
        "org_roles": {role: list(msps) for role, msps in MARKET_ROLES.items()},
        "treasury_cash_account": "TREASURY-CASH",
        "tax_authority_cash_account": "FBR-TAX",
        "utc_offset_minutes": 300,
        "calendars": [TEST_PK_CALENDAR_CONFIG],
        "withholding_tax": PAKISTAN_WITHHOLDING_CONFIG,
    }
    config.update(overrides)
    return config


TEST_SALT = bytes(range(32))
"""A fixed salt for personal data in tests (a client draws a fresh secret one)."""


def pii_transient(pii: bytes, salt: bytes = TEST_SALT) -> dict[str, bytes]:
    """The transient map of ``investor:RecordPersonalData``: the data and its salt."""
    return {"pii": pii, "pii_salt": salt}


def msp_of(creator: bytes) -> str:
    """The MSP ID of creator bytes (a ``SerializedIdentity``)."""
    from fabric_chaincode import ClientIdentity

    return ClientIdentity.from_creator(creator).msp_id


def arg(value: object) -> str:
    """A JSON transaction argument."""
    return json.dumps(value, sort_keys=True)


def personal_data_collections() -> list[CollectionDefinition]:
    """The chaincode definition's personal data collections, as the network tooling
    declares them: one per org, that org its only member and only endorser."""
    return [
        CollectionDefinition(
            personal_data_collection(msp), frozenset({msp}), endorsers=frozenset({msp})
        )
        for msp in ORGS
    ]


def auction_bids_collection() -> CollectionDefinition:
    """The sealed-bid collection: the treasury and the central bank hold the bids."""
    members = frozenset({TREASURY, CENTRAL_BANK})
    return CollectionDefinition(AUCTION_BIDS_COLLECTION, members, endorsers=members)


def new_ledger() -> InMemoryLedger:
    """A channel of the three organisations where the chaincode is defined with its
    collections (its endorsement policy: a majority of them)."""
    ledger = InMemoryLedger(organizations=ORGS)
    ledger.define_collections(NAMESPACE, [*personal_data_collections(), auction_bids_collection()])
    return ledger


_DATE_FUNCTIONS = ("governance:Bootstrap", "governance:OpenBusinessDate")


@dataclass
class Market:
    """One channel's ledger with the chaincode, a business date and helpers.

    ``today`` is the business date: once governance exists, the central bank opens it
    through ``governance:OpenBusinessDate`` before the next transaction (``auto_open``;
    a test of the business date itself turns it off and opens dates by hand). The
    proposal timestamps follow ``today`` too, but no rule reads them.
    """

    ledger: InMemoryLedger = field(default_factory=new_ledger)
    today: dt.date = dt.date(2021, 8, 16)
    _tick: int = 0
    results: list[TransactionResult] = field(default_factory=list)
    auto_open: bool = True
    _opened: dt.date | None = None

    def on(self, day: dt.date) -> None:
        """Move the market to ``day`` (transactions run from 10:00 PKT on)."""
        self.today = day
        self._tick = 0

    def open_today(self) -> None:
        """Open ``today`` as the business date (central bank) unless it is open."""
        if not self.auto_open or self._opened == self.today:
            return
        result = self.call(central_bank(), "governance:OpenBusinessDate", self.today.isoformat())
        if result.ok:
            self._opened = self.today
        elif not result.response.message.startswith("NOT_FOUND"):  # before bootstrap
            raise AssertionError(f"open {self.today}: {result.response.message}")

    def timestamp(self) -> Timestamp:
        self._tick += 1
        moment = dt.datetime.combine(self.today, dt.time(10, 0), tzinfo=PKT)
        return Timestamp(seconds=int(moment.timestamp()) + self._tick)

    def call(
        self,
        creator: bytes,
        function: str,
        *args: object,
        transient: Mapping[str, bytes] | None = None,
        endorsing_orgs: Collection[str] | None = None,
        commit: bool = True,
    ) -> TransactionResult:
        """Run one transaction; non-str arguments are sent as JSON.

        ``endorsing_orgs``: whose peers endorse (default: all three, as the gateway gathers
        them); ``commit=False`` evaluates (never committed, as on Fabric)."""
        if function not in _DATE_FUNCTIONS:
            self.open_today()
        raw = [a if isinstance(a, str) else arg(a) for a in args]
        result = run_transaction(
            chaincode,
            self.ledger,
            function,
            *raw,
            namespace=NAMESPACE,
            timestamp=self.timestamp(),
            creator=creator,
            transient=transient,
            endorsing_orgs=endorsing_orgs,
            commit=commit,
        )
        self.results.append(result)
        return result

    def ok(self, creator: bytes, function: str, *args: object, **kwargs: object) -> object:
        """Run a transaction that must succeed; return its JSON payload (or None)."""
        result = self.call(creator, function, *args, **kwargs)  # type: ignore[arg-type]
        assert result.ok, f"{function}: {result.response.message}"
        if kwargs.get("commit", True):
            assert result.committed, f"{function}: {result.validation_code}"
        return json.loads(result.payload) if result.payload else None

    def fails(self, creator: bytes, function: str, *args: object, **kwargs: object) -> str:
        """Run a transaction that must fail without changing the ledger; return its code."""
        if function not in _DATE_FUNCTIONS:
            self.open_today()
        before = snapshot(self.ledger)
        result = self.call(creator, function, *args, **kwargs)  # type: ignore[arg-type]
        assert not result.ok, f"{function} unexpectedly succeeded"
        assert snapshot(self.ledger) == before, f"{function} changed the ledger"
        return result.response.message.split(":", 1)[0]

    def change_governance(
        self,
        config: Mapping[str, object],
        proposer: bytes | None = None,
        approver: bytes | None = None,
    ) -> object:
        """Change governance as the rules want it: one controller proposes ``config``
        (default the treasury), the other approves it by its hash (default the central
        bank); returns the configuration applied."""
        proposal = self.ok(proposer or treasury(), "governance:Propose", config)
        assert isinstance(proposal, dict)
        return self.ok(approver or central_bank(), "governance:Approve", proposal["proposal_id"])

    def register(self, creator: bytes, spec: Mapping[str, object], pii: bytes) -> object:
        """Register an investor as the typed client does: the personal data first (the
        caller's org alone endorses that), then the public record."""
        self.ok(
            creator,
            "investor:RecordPersonalData",
            str(spec["investor_id"]),
            transient=pii_transient(pii),
            endorsing_orgs=[msp_of(creator)],
        )
        return self.ok(creator, "investor:Register", spec)

    def query(self, function: str, *args: object) -> object:
        """Evaluate a query as the central bank (the regulator reads everything); an
        evaluation is never committed."""
        return self.ok(central_bank(), function, *args, commit=False)


def snapshot(ledger: InMemoryLedger) -> dict[tuple[str, str], bytes]:
    """Every committed public, implicit-collection and personal-data-collection key of
    the chaincode, and the key-level policies of public keys."""
    state: dict[tuple[str, str], bytes] = {}
    collections = [
        *(f"_implicit_org_{m}" for m in ORGS),
        *(personal_data_collection(m) for m in ORGS),
        AUCTION_BIDS_COLLECTION,
    ]
    for collection in ("", *collections):
        for key, value in ledger.scan(NAMESPACE, collection, "", ""):
            state[(collection, key)] = value
            for name, meta in ledger.metadata(NAMESPACE, key, collection).items():
                state[(f"{collection}#meta:{name}", key)] = meta
    return state
