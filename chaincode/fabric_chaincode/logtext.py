"""Values from outside, made safe to put in a log line.

A transaction id, a key or a name that arrives from the peer or a client may hold a newline
(a forged second log line), a terminal escape sequence or a lone surrogate (which some log
handlers cannot even write). :func:`escape` turns any value into printable ASCII that reads
unambiguously: ``\\`` is doubled, everything outside ``' '..'~'`` becomes ``\\xNN``,
``\\uNNNN`` or ``\\UNNNNNNNN``, and long values are cut. Pure; imports nothing.
"""

from __future__ import annotations

LIMIT = 160
"""Characters of a value kept in a log line (txids are 64)."""


def escape(value: object, limit: int = LIMIT) -> str:
    """``value`` (its ``str``) as printable ASCII, cut after ``limit`` characters."""
    text = str(value)
    cut = len(text) > limit
    out = []
    for char in text[:limit]:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif 0x20 <= code <= 0x7E:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    if cut:
        out.append("...")
    return "".join(out)
