"""The sovereign asset chaincode, ready for the runtime's server::

    python -m fabric_chaincode serve --chaincode sovereign_assets.chaincode:chaincode

Owns nothing but the assembly of the contracts, with the org roles this server's operator
configured (:mod:`sovereign_assets.operator_config`); importing it starts nothing.
"""

from __future__ import annotations

from fabric_chaincode import ContractChaincode
from sovereign_assets.contracts import all_contracts
from sovereign_assets.operator_config import roles_from_environment

chaincode = ContractChaincode(
    all_contracts(operator_roles=roles_from_environment),
    title="sovereign_assets",
    version="1.0.0",
)
"""The chaincode object the CCaaS server runs."""
