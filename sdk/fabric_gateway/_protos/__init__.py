"""The only part of ``fabric_gateway`` that imports the generated protobuf classes.

Owns: building every request message the client sends (as serialized bytes) and parsing every
response and ledger structure it receives into the package's own types (``models``, ``errors``).
Must not import: grpc or the transport; nothing here does I/O. Everything crosses this boundary
as ``bytes`` or plain values, so the rest of the package never touches protobuf objects.

One module a message family: ``proposals`` (proposed transactions, evaluate and endorse),
``transactions`` (prepared transactions and submit), ``signed_requests`` (commit status and
chaincode events), ``deliver`` (block events), ``ledger`` (blocks and transaction envelopes),
``rpc_status`` (rich gRPC error details); ``common`` holds what they share. The rest of the
package calls them through this module's names.
"""

from __future__ import annotations

from .common import parse_serialized_identity, serialize_identity, validation_code_name
from .deliver import (
    MAX_BLOCK_NUMBER,
    DeliverKind,
    build_block_events_envelope,
    parse_deliver_response,
    parse_envelope,
    sign_envelope,
)
from .ledger import decode_block, decode_transaction_envelope
from .proposals import (
    ProposalView,
    build_endorse_request,
    build_evaluate_request,
    build_proposal,
    parse_evaluate_response,
    parse_proposed_transaction,
    proposed_transaction_bytes,
    sign_proposed_transaction,
)
from .rpc_status import decode_error_details, encode_error_details
from .signed_requests import (
    SignedRequestKind,
    SignedRequestView,
    build_signed_chaincode_events_request,
    build_signed_commit_status_request,
    chaincode_events_request_fields,
    commit_status_request_view,
    commit_status_transaction_id,
    parse_chaincode_events_response,
    parse_commit_status_response,
    parse_signed_request,
    sign_signed_request,
    signed_request_bytes,
)
from .transactions import (
    TransactionView,
    build_submit_request,
    parse_prepared_transaction,
    prepared_transaction_bytes,
    prepared_transaction_view,
    sign_prepared_transaction,
)

__all__ = [
    "MAX_BLOCK_NUMBER",
    "DeliverKind",
    "ProposalView",
    "SignedRequestKind",
    "SignedRequestView",
    "TransactionView",
    "build_block_events_envelope",
    "build_endorse_request",
    "build_evaluate_request",
    "build_proposal",
    "build_signed_chaincode_events_request",
    "build_signed_commit_status_request",
    "build_submit_request",
    "chaincode_events_request_fields",
    "commit_status_request_view",
    "commit_status_transaction_id",
    "decode_block",
    "decode_error_details",
    "decode_transaction_envelope",
    "encode_error_details",
    "parse_chaincode_events_response",
    "parse_commit_status_response",
    "parse_deliver_response",
    "parse_envelope",
    "parse_evaluate_response",
    "parse_prepared_transaction",
    "parse_proposed_transaction",
    "parse_serialized_identity",
    "parse_signed_request",
    "prepared_transaction_bytes",
    "prepared_transaction_view",
    "proposed_transaction_bytes",
    "serialize_identity",
    "sign_envelope",
    "sign_prepared_transaction",
    "sign_proposed_transaction",
    "sign_signed_request",
    "signed_request_bytes",
    "validation_code_name",
]
