"""The wire schema of the sovereign asset contracts, shared by chaincode and SDK.

Owns the JSON shapes of transaction arguments (:mod:`.messages`), of stored and
returned records (:mod:`.records`) and the catalogue of error codes (:mod:`.codes`).
Clients import it to build arguments and decode results with the very definitions
the contracts use, so the two sides cannot drift.

Must not import: fabric_chaincode, grpc, protobuf, the contracts. Only the pure domain.
"""
