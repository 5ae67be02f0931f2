"""Reading SIP messages off a TCP or TLS stream (RFC 3261 §18.3 framing by Content-Length)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

from wire.sip_message import message_length

MAX_STREAM_BYTES = 65536


def read_messages(sock: socket.socket, deadline: float, accept: Callable[[bytes], bool],
                  transform: Callable[[bytes], bytes] = bytes) -> tuple[bytes | None, bytes]:
    """The first complete message ``accept`` takes (others are skipped), and what was read.

    ``transform`` maps the raw stream to SIP text (the SIP echo's answers are masked). The
    second value is the transformed stream so far, for a caller that wants a partial answer.
    """
    raw, skip = b"", 0
    while (left := deadline - time.monotonic()) > 0 and len(raw) < MAX_STREAM_BYTES:
        sock.settimeout(left)
        try:
            chunk = sock.recv(MAX_STREAM_BYTES)
        except OSError:  # timeouts and TLS errors alike end the wait
            break
        if not chunk:
            break
        raw += chunk
        text = transform(raw)
        while (n := message_length(text[skip:])) is not None:
            message = text[skip : skip + n]
            if accept(message):
                return message, text
            skip += n
    return None, transform(raw)
