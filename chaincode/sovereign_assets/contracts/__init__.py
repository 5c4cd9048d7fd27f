"""The sovereign asset contracts: thin adapters from transactions to the domain.

Every transaction is parse -> authorize -> domain -> persist -> event. Modules:
:mod:`.rules` (pure contract-layer rules), :mod:`.auth` (the one authorization helper),
:mod:`.repository` (the one persistence module), :mod:`.base` (context, error mapping,
shared look-ups), and one module per contract namespace. Arguments, results, records and
error codes are the wire schema's (:mod:`sovereign_assets.schema`).

Must not import: grpc or protobuf (the runtime does that); nothing here reads a clock,
randomness, the environment or files.
"""

from __future__ import annotations

from fabric_chaincode import Contract
from sovereign_assets.schema.codes import ALL_CODES

from .accounts import AccountContract
from .auctions import AuctionContract
from .audit import AuditContract
from .calendars import CalendarContract
from .cash import CashContract
from .controls import ControlContract
from .documents import DocumentContract
from .governance import GovernanceContract
from .holdings import HoldingContract
from .instruments import InstrumentContract
from .investors import InvestorContract
from .lifecycle import LifecycleContract
from .operator_roles import RolesSource
from .settlement import SettlementContract


def all_contracts(operator_roles: RolesSource | None = None) -> list[Contract]:
    """One instance of every contract, governance first (the default namespace).

    ``operator_roles``: where this server's operator configured the org roles a bootstrap
    must name (None: it endorses no bootstrap)."""
    return [
        GovernanceContract(operator_roles),
        AccountContract(),
        InvestorContract(),
        InstrumentContract(),
        CashContract(),
        HoldingContract(),
        SettlementContract(),
        LifecycleContract(),
        AuctionContract(),
        CalendarContract(),
        ControlContract(),
        DocumentContract(),
        AuditContract(),
    ]


__all__ = [
    "ALL_CODES",
    "AccountContract",
    "AuctionContract",
    "AuditContract",
    "CalendarContract",
    "CashContract",
    "ControlContract",
    "DocumentContract",
    "GovernanceContract",
    "HoldingContract",
    "InstrumentContract",
    "InvestorContract",
    "LifecycleContract",
    "SettlementContract",
    "all_contracts",
]
