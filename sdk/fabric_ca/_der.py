"""The few DER encodings a certificate signing request needs beyond what ``cryptography`` gives.

Used only when the signature comes from a signer that is not a ``cryptography`` key (an HSM):
the request's inner structure is assembled here and signed by the signer. Names, public keys
and extensions are encoded by ``cryptography``.
"""

from __future__ import annotations

_SEQUENCE = 0x30
_SET = 0x31
_INTEGER = 0x02
_BIT_STRING = 0x03
_OCTET_STRING = 0x04
_OID = 0x06


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, content: bytes) -> bytes:
    """One tag-length-value element."""
    return bytes([tag]) + _length(len(content)) + content


def sequence(*items: bytes) -> bytes:
    return tlv(_SEQUENCE, b"".join(items))


def set_of(*items: bytes) -> bytes:
    # DER sorts the members of a SET OF by their encodings.
    return tlv(_SET, b"".join(sorted(items)))


def integer(value: int) -> bytes:
    if value < 0:
        raise ValueError("only non-negative integers are encoded here")
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return tlv(_INTEGER, raw)


def bit_string(content: bytes) -> bytes:
    return tlv(_BIT_STRING, b"\x00" + content)


def octet_string(content: bytes) -> bytes:
    return tlv(_OCTET_STRING, content)


def oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    if len(parts) < 2:
        raise ValueError(f"not an object identifier: {dotted}")
    body = bytearray([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        rest = part
        chunk = [rest & 0x7F]
        rest >>= 7
        while rest:
            chunk.append(0x80 | (rest & 0x7F))
            rest >>= 7
        body.extend(reversed(chunk))
    return tlv(_OID, bytes(body))


def context(number: int, content: bytes, *, constructed: bool = True) -> bytes:
    """An IMPLICIT context-specific tag ``[number]`` around ``content``."""
    return tlv(0x80 | (0x20 if constructed else 0) | number, content)
