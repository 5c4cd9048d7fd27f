"""Where investors' personal data lives: the per-organisation private data collections.

Each application organisation has one explicit collection, ``pii_<MSP ID>``, whose only
member and only endorser is that organisation (the network tooling generates the
definitions from the topology with the same rule; a test keeps the two in step). The
personal data arrives in transient key :data:`PII_TRANSIENT_KEY` with a secret random salt in
:data:`PII_SALT_TRANSIENT_KEY`; ``investor:RecordPersonalData`` (endorsed by the caller's
organisation alone) writes the salted record (:func:`personal_data_record`) to the caller's
collection, and ``investor:Register`` copies the ledger's hash of that record into the public
record. Every peer of the channel holds the hash (it is in the blocks); only the member holds
the record, and with it the salt.

Why a salt: personal data has few possible values (a 13-digit CNIC, a name from a list), so an
unsalted hash is reversed by trying candidates - in well under a second for one person. With
256 random bits only the registering organisation can recompute the fingerprint, and the
block's private data hash, which is the same hash, gives nothing away either.

Must not import: fabric_chaincode, the contracts (pure data the SDK may import).
"""

from __future__ import annotations

from enum import StrEnum

import ledger_codec

PII_TRANSIENT_KEY = "pii"
"""Transient map key carrying an investor's personal data (opaque bytes)."""

PII_SALT_TRANSIENT_KEY = "pii_salt"
"""Transient map key carrying the record's secret salt: :data:`PII_SALT_BYTES` or more
random bytes, drawn by the client (``secrets.token_bytes``), never reused."""

PII_SALT_BYTES = 32
"""The shortest salt accepted (256 bits)."""


def personal_data_record(personal_data: bytes, salt: bytes) -> bytes:
    """The private record kept for an investor: canonical JSON ``{"pii": <base64>, "salt":
    <base64>}``. Its SHA-256 (hex) is the public fingerprint (``pii_sha256``)."""
    return ledger_codec.dumps({"pii": personal_data, "salt": salt})


class PurgeReason(StrEnum):
    """Why the registering organisation purges an investor's personal data
    (``investor:PurgePersonalData``); recorded in the public event."""

    RETENTION_ENDED = "RETENTION_ENDED"
    """The record-keeping period the law sets after the relationship ended has passed."""
    RELATIONSHIP_ENDED = "RELATIONSHIP_ENDED"
    """The investor left the registering organisation and no retention duty applies."""
    DATA_SUBJECT_REQUEST = "DATA_SUBJECT_REQUEST"
    """The investor asked for erasure and the law allows it."""
    LEGAL_ORDER = "LEGAL_ORDER"
    """A court or regulator ordered the data erased."""
    RECORDED_IN_ERROR = "RECORDED_IN_ERROR"
    """The data was recorded for the wrong person or never registered."""


PII_COLLECTION_PREFIX = "pii_"


def personal_data_collection(msp_id: str) -> str:
    """The private data collection holding the personal data ``msp_id`` registered."""
    return f"{PII_COLLECTION_PREFIX}{msp_id}"


BID_TRANSIENT_KEY = "bid"
"""Transient map key carrying a sealed auction bid (a :class:`.messages.BidSpec` as JSON)."""

AUCTION_BIDS_COLLECTION = "auction_bids"
"""The private data collection of sealed auction bids. Its members - and, through its own
endorsement policy, its endorsers - are the auctioneer (the central bank, governance's
``registrar``) and the issuer (the treasury, ``issuer``): their peers alone hold the bids,
every peer of the channel holds their hashes. Primary dealers are client identities of the
central bank, so their bids are endorsed by its peers alone."""

AUCTION_BIDS_MEMBER_ROLES: tuple[str, ...] = ("issuer", "registrar")
"""Governance org roles whose organisations are the members of
:data:`AUCTION_BIDS_COLLECTION`."""
