"""First bootstrap does not win: one organisation cannot crown itself on the real consortium.

The register's chaincode is deployed under a second name on the session's consortium, so
its ledger is empty. The treasury's admin then bootstraps governance naming the treasury
registrar (the role that mints cash): every honest endorser refuses it, because each org's
chaincode server checks the roles against those its own operator configured (``sov network``
writes them from the topology); even with a dishonest treasury operator whose own peer
endorses it, the transaction fails validation on the chaincode's MAJORITY policy. The honest
bootstrap by the central bank then commits, and a change after it needs both controllers.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from fabric_gateway import CommitError
from sovereign_assets.domain import AccountTier
from sovereign_assets.schema.messages import AccountSpec
from sovereign_cli.demo import DEBT_OFFICE, REGISTRAR, controller, governance, market_today
from sovereign_client import CommitFence, GatewayInvoker, SovereignClient
from sovereign_client.errors import BootstrapRolesMismatchError, SecondControllerRequiredError
from sovereign_network.network import Network
from tests.consortium import ClientFactory

pytestmark = pytest.mark.network

EMPTY_LEDGER_CHAINCODE = "sovempty"


def open_governance_accounts(registrar: SovereignClient) -> None:
    """The treasury's and the tax authority's cash accounts, as the demo opens them."""
    registrar.accounts.open(
        AccountSpec("TREASURY-CASH", AccountTier.TREASURY, "TREASURY", controller(DEBT_OFFICE))
    )
    registrar.accounts.open(
        AccountSpec("FBR-TAX", AccountTier.TAX_AUTHORITY, "FBR", controller(REGISTRAR))
    )


def test_one_org_cannot_bootstrap_itself_into_power(
    consortium: Network, client_factory: ClientFactory
) -> None:
    consortium.deploy_chaincode(name=EMPTY_LEDGER_CHAINCODE)
    channel = consortium.topology.channel

    # After each commit, wait until every org's peer has the block, so that the next
    # call, endorsed by any of them, sees it.
    orgs = consortium.topology.orgs
    fence = CommitFence([client_factory(o.name).gateway.get_network(channel) for o in orgs])

    def client(org: str, endorsers: list[str] | None = None) -> SovereignClient:
        gateway = client_factory(org, "admin").gateway
        contract = gateway.get_network(channel).get_contract(EMPTY_LEDGER_CHAINCODE)
        return SovereignClient(
            GatewayInvoker(contract, endorsing_organizations=endorsers, fence=fence)
        )

    honest = governance(market_today())
    assert honest.org_roles == consortium.topology.register_roles()
    crowned = dataclasses.replace(
        honest,
        org_roles={
            "issuer": ["CentralBankMSP"],
            "registrar": ["TreasuryMSP"],
            "exchange": ["ExchangeMSP"],
        },
    )
    # The treasury's admin signs, so it passes the contract's own authorization (it is the
    # registrar of the configuration it proposes); the endorsers' operators say otherwise.
    with pytest.raises(BootstrapRolesMismatchError):
        client("Treasury").governance.bootstrap(crowned)

    # A dishonest treasury operator tells its own chaincode server the crowned roles.
    roles_file = consortium.home / "chaincode" / "treasury" / "org-roles.json"
    saved = roles_file.read_bytes()
    roles_file.write_text(json.dumps(crowned.org_roles))
    try:
        with pytest.raises(CommitError) as invalid:  # its own peer's endorsement only
            client("Treasury", ["TreasuryMSP"]).governance.bootstrap(crowned)
        assert invalid.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
        with pytest.raises(BootstrapRolesMismatchError):  # another org's honest peer refuses
            client("Treasury", ["TreasuryMSP", "ExchangeMSP"]).governance.bootstrap(crowned)
    finally:
        roles_file.write_bytes(saved)

    central_bank = client("CentralBank")
    central_bank.governance.bootstrap(honest)
    assert central_bank.governance.get().org_roles == honest.org_roles

    # The cash accounts governance names must exist before any change to it (opened on
    # a business date).
    central_bank.governance.open_business_date(market_today())
    open_governance_accounts(central_bank)

    # Afterwards a change needs both controllers: the treasury proposes, approving its own
    # proposal is refused, the central bank approves (the governance key's policy makes
    # the Gateway collect both organisations' endorsements).
    treasury = client("Treasury")
    proposal = treasury.governance.propose(dataclasses.replace(honest, utc_offset_minutes=330))
    with pytest.raises(SecondControllerRequiredError):
        treasury.governance.approve(proposal.proposal_id)
    assert central_bank.governance.approve(proposal.proposal_id).utc_offset_minutes == 330
    assert treasury.governance.get().utc_offset_minutes == 330
    assert treasury.governance.proposals() == []
