"""Where investors' personal data lives: the per-organisation private data collections.

Each application organisation has one explicit collection, ``pii_<MSP ID>``, whose only
member and only endorser is that organisation (the network tooling generates the
definitions from the topology with the same rule; a test keeps the two in step). The
personal data arrives in transient key :data:`PII_TRANSIENT_KEY`, is written to the
caller's collection by ``investor:RecordPersonalData`` (endorsed by the caller's
organisation alone), and ``investor:Register`` copies the ledger's hash of it into the
public record. Every peer of the channel holds the hash; only the member holds the data.

Must not import: fabric_chaincode, the contracts (pure data the SDK may import).
"""

from __future__ import annotations

PII_TRANSIENT_KEY = "pii"
"""Transient map key carrying an investor's personal data (opaque bytes)."""

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
