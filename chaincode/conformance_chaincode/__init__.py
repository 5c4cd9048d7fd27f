"""A conformance chaincode: one transaction per stub operation.

Deployed like any chaincode (``python -m fabric_chaincode serve --chaincode
conformance_chaincode:chaincode``), it lets tests exercise every stub operation the same way
against the in-memory stub, the peer test harness, and later a real peer.
"""

from conformance_chaincode.contract import ConformanceContract, chaincode

__all__ = ["ConformanceContract", "chaincode"]
