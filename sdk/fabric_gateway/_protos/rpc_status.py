"""Rich gRPC status: ``gateway.ErrorDetail`` entries of the ``grpc-status-details-bin`` trailer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fabric_protos.gateway import gateway_pb2
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.any_pb2 import Any as AnyMessage
from google.protobuf.message import DecodeError

from ..errors import ErrorDetail

_ERROR_DETAIL_TYPE_URL = "type.googleapis.com/gateway.ErrorDetail"


def _rpc_status_class() -> Any:
    # google.rpc.Status is three fields; googleapis-common-protos is not a dependency, so the
    # message is declared here from its schema in a private descriptor pool (no clash if that
    # package is installed later) and encoded by protobuf itself.
    pool = descriptor_pool.DescriptorPool()
    any_file = descriptor_pb2.FileDescriptorProto()
    AnyMessage.DESCRIPTOR.file.CopyToProto(any_file)
    pool.Add(any_file)
    status_file = descriptor_pb2.FileDescriptorProto(
        name="fabric_gateway/google_rpc_status.proto",
        package="google.rpc",
        syntax="proto3",
        dependency=["google/protobuf/any.proto"],
    )
    message = status_file.message_type.add(name="Status")
    label = descriptor_pb2.FieldDescriptorProto
    message.field.add(name="code", number=1, type=label.TYPE_INT32, label=label.LABEL_OPTIONAL)
    message.field.add(name="message", number=2, type=label.TYPE_STRING, label=label.LABEL_OPTIONAL)
    message.field.add(
        name="details",
        number=3,
        type=label.TYPE_MESSAGE,
        type_name=".google.protobuf.Any",
        label=label.LABEL_REPEATED,
    )
    pool.Add(status_file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("google.rpc.Status"))


_RpcStatus = _rpc_status_class()


def decode_error_details(status_details_bin: bytes) -> tuple[ErrorDetail, ...]:
    """Decode ``gateway.ErrorDetail`` entries of a ``grpc-status-details-bin`` trailer.

    Entries of other types are skipped; an undecodable trailer yields no details (the error
    itself is still reported from the gRPC status code and message).
    """
    try:
        status = _RpcStatus.FromString(status_details_bin)
    except DecodeError:
        return ()
    details = []
    for entry in status.details:
        if entry.type_url.rsplit("/", 1)[-1] != "gateway.ErrorDetail":
            continue
        detail = gateway_pb2.ErrorDetail.FromString(entry.value)
        details.append(
            ErrorDetail(
                address=str(detail.address),
                msp_id=str(detail.msp_id),
                message=str(detail.message),
            )
        )
    return tuple(details)


def encode_error_details(code: int, message: str, details: Sequence[ErrorDetail]) -> bytes:
    """Encode a ``google.rpc.Status`` with ``gateway.ErrorDetail`` entries.

    This is what a Gateway peer sends as ``grpc-status-details-bin``; the client never sends it,
    but test doubles of the Gateway service do.
    """
    status = _RpcStatus(code=code, message=message)
    for detail in details:
        entry = status.details.add()
        entry.type_url = _ERROR_DETAIL_TYPE_URL
        entry.value = gateway_pb2.ErrorDetail(
            address=detail.address, msp_id=detail.msp_id, message=detail.message
        ).SerializeToString()
    return bytes(status.SerializeToString())
