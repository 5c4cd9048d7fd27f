"""Controller actions need the treasury AND the central bank, and Fabric enforces it.

On the demo's ledger (governance bootstrapped, the court order ``CO-DEMO-0001`` registered
and used by the demo's freeze and forced transfer): a new bill is issued to a dealer, then
one forced transfer under the court order is submitted three times with the endorsing
organisations chosen by hand. Treasury + exchange meet the chaincode's MAJORITY policy but
not the control register's key-level policy: the peers mark the transaction
``ENDORSEMENT_POLICY_FAILURE`` and nothing changes; so for central bank + exchange. Treasury +
central bank: it commits. The regulator's audit history of the holding then shows the
committed transaction and its submitter, not the rejected ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pytest

from fabric_gateway import CommitError
from sovereign_assets.schema.messages import (
    Allotment,
    ControlOrder,
    ForcedTransferSpec,
    InstrumentKind,
    InstrumentSpec,
)
from sovereign_assets.schema.records import DocumentRecord
from sovereign_cli.demo import Report
from sovereign_client import CommitFence, GatewayInvoker, SovereignClient
from sovereign_network.network import Network
from tests.consortium import ClientFactory

pytestmark = pytest.mark.network

TREASURY, CENTRAL_BANK, EXCHANGE = "TreasuryMSP", "CentralBankMSP", "ExchangeMSP"
BILL = "PKCTLMTB0091"
FACE = 10_000_000 * 100  # PKR 10 million, in paisa


def test_a_forced_transfer_commits_only_with_both_controller_orgs(
    consortium: Network, client_factory: ClientFactory, demo_lifecycle: Report
) -> None:
    assert demo_lifecycle.reconciled
    channel, chaincode = consortium.topology.channel, consortium.topology.chaincode.name

    # Every read goes through the central bank's peer: each submit waits until it has the block.
    reader = client_factory("CentralBank", "registrar").gateway.get_network(channel)
    fence = CommitFence([reader])

    def client(org: str, user: str, endorsers: Sequence[str] | None = None) -> SovereignClient:
        contract = client_factory(org, user).gateway.get_network(channel).get_contract(chaincode)
        invoker = GatewayInvoker(contract, endorsing_organizations=endorsers, fence=fence)
        return SovereignClient(invoker)

    registrar = SovereignClient(GatewayInvoker(reader.get_contract(chaincode), fence=fence))
    today = dt.date.fromisoformat(registrar.governance.business_date().business_date)
    debt_office = client("Treasury", "debtoffice")
    debt_office.instruments.create(
        InstrumentSpec(
            instrument_id=BILL,
            kind=InstrumentKind.TREASURY_BILL,
            min_denomination=5_000 * 100,
            issue_date=today.isoformat(),
            maturity_date=(today + dt.timedelta(days=91)).isoformat(),
            day_count="ACT/365F",
            calendar_id="DEMO-WEEKENDS",
            tenor_days=91,
        )
    )
    registrar.instruments.approve(BILL)
    debt_office.instruments.issue(BILL, [Allotment("SGL-ALPHA", FACE, Decimal("98.0000"))])
    court = ControlOrder("COURT_ORDER", "CO-DEMO-0001")
    spec = ForcedTransferSpec(BILL, "SGL-ALPHA", "SGL-BETA", FACE, court)

    def state() -> tuple[dict[str, int], int, DocumentRecord]:
        held = {h.account_id: h.amount for h in registrar.holdings.by_instrument(BILL)}
        return held, len(registrar.controls.actions()), registrar.documents.get("CO-DEMO-0001")

    before = state()
    assert before[0] == {"SGL-ALPHA": FACE}
    for endorsers in ([TREASURY, EXCHANGE], [CENTRAL_BANK, EXCHANGE]):
        with pytest.raises(CommitError) as rejected:
            client("Treasury", "debtoffice", endorsers).controls.forced_transfer(spec)
        assert rejected.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE", endorsers
        assert state() == before, f"endorsed by {endorsers}: the ledger changed"

    action = client("Treasury", "debtoffice", [TREASURY, CENTRAL_BANK]).controls.forced_transfer(
        spec
    )
    assert (action.kind, action.reason, action.document_id) == (
        "FORCED_TRANSFER",
        "COURT_ORDER",
        "CO-DEMO-0001",
    )
    held, actions, document = state()
    assert held == {"SGL-BETA": FACE}
    assert actions == before[1] + 1
    assert f"action:{action.action_id}" in document.attached_to
    history = registrar.audit.history("holding", BILL, "SGL-BETA")
    assert [(h.tx_id, h.submitted_by, h.function) for h in history] == [
        (action.tx_id, "TreasuryMSP/debtoffice", "control:ForcedTransfer")
    ]
