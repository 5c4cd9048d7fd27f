"""Server configuration, read once from the environment at start.

Owns :class:`ServerConfig` and the parsing of ``CHAINCODE_ID``, ``CHAINCODE_SERVER_ADDRESS``,
``CHAINCODE_TLS_DISABLED``, ``CHAINCODE_TLS_KEY``, ``CHAINCODE_TLS_CERT``,
``CHAINCODE_CLIENT_CA_CERT`` and ``CORE_PEER_LOCALMSPID``. Every failure raises
:class:`fabric_chaincode.errors.ConfigError` naming the variable. Must not import gRPC or
protobuf; never logs file contents.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fabric_chaincode.errors import ConfigError

MAX_MESSAGE_SIZE = 100 * 1024 * 1024

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class TlsConfig:
    """PEM material for the server side of TLS; ``client_ca`` set means mutual TLS."""

    key: bytes
    cert: bytes
    client_ca: bytes | None = None

    def __repr__(self) -> str:
        # Never show key material in tracebacks or logs.
        return f"TlsConfig(mutual={self.client_ca is not None})"


@dataclass(frozen=True)
class ServerConfig:
    """Everything the CCaaS server needs to start."""

    chaincode_id: str
    address: str
    tls: TlsConfig | None = None
    local_mspid: str | None = None
    max_message_size: int = MAX_MESSAGE_SIZE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServerConfig:
        """Read and validate the environment (``os.environ`` by default)."""
        source = os.environ if env is None else env
        chaincode_id = _required(source, "CHAINCODE_ID")
        address = _required(source, "CHAINCODE_SERVER_ADDRESS")
        _check_address(address)
        key_path = source.get("CHAINCODE_TLS_KEY", "").strip()
        cert_path = source.get("CHAINCODE_TLS_CERT", "").strip()
        ca_path = source.get("CHAINCODE_CLIENT_CA_CERT", "").strip()
        disabled_raw = source.get("CHAINCODE_TLS_DISABLED", "").strip().lower()
        if disabled_raw and disabled_raw not in _TRUE | _FALSE:
            raise ConfigError(f"CHAINCODE_TLS_DISABLED must be true or false, got {disabled_raw!r}")
        # Without a certificate TLS is off unless explicitly demanded.
        tls_disabled = disabled_raw in _TRUE if disabled_raw else not cert_path
        tls = None
        if not tls_disabled:
            if not key_path:
                raise ConfigError("CHAINCODE_TLS_KEY is required when TLS is enabled")
            if not cert_path:
                raise ConfigError("CHAINCODE_TLS_CERT is required when TLS is enabled")
            tls = TlsConfig(
                key=_read_pem(key_path, "CHAINCODE_TLS_KEY"),
                cert=_read_pem(cert_path, "CHAINCODE_TLS_CERT"),
                client_ca=_read_pem(ca_path, "CHAINCODE_CLIENT_CA_CERT") if ca_path else None,
            )
        elif ca_path:
            raise ConfigError("CHAINCODE_CLIENT_CA_CERT is set but TLS is disabled")
        mspid = source.get("CORE_PEER_LOCALMSPID", "").strip() or None
        return cls(chaincode_id=chaincode_id, address=address, tls=tls, local_mspid=mspid)


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set")
    return value


def _check_address(address: str) -> None:
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"CHAINCODE_SERVER_ADDRESS must be host:port, got {address!r}")


def _read_pem(path: str, name: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read {path}: {exc.strerror}") from exc
    if b"-----BEGIN " not in data:
        raise ConfigError(f"{name}: {path} is not a PEM file")
    return data
