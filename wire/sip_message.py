"""Realistic SIP test messages (REGISTER, INVITE with SDP) and a field-by-field differ.

The messages carry the laptop's real private address and source port in Via, Contact and
the SDP ``o=``/``c=``/``m=`` lines, exactly where a SIP ALG looks for addresses to rewrite.

>>> ep = SipEndpoint("192.168.1.20", 40000, "198.51.100.10", 5060, "udp")
>>> sent = build_register(ep, call_id="c1", tag="t1", branch="z9hG4bK1")
>>> changed = sent.replace("192.168.1.20:40000", "203.0.113.1:40000")
>>> diff_messages(sent, changed).rewritten
['Contact', 'Via']
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

CRLF = "\r\n"
# Header names in compact form (RFC 3261 §7.3.3) mapped to their full names.
COMPACT = {
    "v": "Via",
    "m": "Contact",
    "f": "From",
    "t": "To",
    "i": "Call-ID",
    "l": "Content-Length",
    "c": "Content-Type",
    "k": "Supported",
    "s": "Subject",
    "e": "Content-Encoding",
}


@dataclass(frozen=True)
class SipEndpoint:
    """Where the message comes from (laptop address and port) and goes to."""

    local_ip: str
    local_port: int
    server: str
    server_port: int
    transport: str = "udp"
    user: str = "assess-probe"
    rtp_port: int = 16384


@dataclass
class SipDiff:
    """Fields changed, added or dropped between the message sent and the one received."""

    rewritten: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.rewritten or self.added or self.dropped)


def new_ids() -> tuple[str, str, str]:
    """Fresh Call-ID, tag and branch (branch with the RFC 3261 magic cookie)."""
    return secrets.token_hex(8), secrets.token_hex(4), "z9hG4bK" + secrets.token_hex(6)


def _via(ep: SipEndpoint, branch: str) -> str:
    return f"SIP/2.0/{ep.transport.upper()} {ep.local_ip}:{ep.local_port};branch={branch};rport"


def _common(ep: SipEndpoint, method: str, uri: str, call_id: str, tag: str, branch: str, to_tag_uri: str) -> list[str]:
    return [
        f"{method} {uri} SIP/2.0",
        f"Via: {_via(ep, branch)}",
        "Max-Forwards: 70",
        f"From: <sip:{ep.user}@{ep.server}>;tag={tag}",
        f"To: <{to_tag_uri}>",
        f"Call-ID: {call_id}@{ep.local_ip}",
        f"CSeq: 1 {method}",
        f"Contact: <sip:{ep.user}@{ep.local_ip}:{ep.local_port};transport={ep.transport}>",
        "User-Agent: assess-sip-alg-probe/1.0",
    ]


def build_register(ep: SipEndpoint, call_id: str, tag: str, branch: str, extra: list[str] | None = None) -> str:
    """A REGISTER as a desk phone sends it."""
    lines = _common(ep, "REGISTER", f"sip:{ep.server}", call_id, tag, branch, f"sip:{ep.user}@{ep.server}")
    lines += ["Expires: 3600", "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY", *(extra or [])]
    return CRLF.join([*lines, "Content-Length: 0", "", ""])


def build_options(ep: SipEndpoint, call_id: str, tag: str, branch: str) -> str:
    """An OPTIONS ping, as phones and SBCs send to check a server is alive."""
    uri = f"sip:{ep.server}:{ep.server_port}"
    lines = _common(ep, "OPTIONS", uri, call_id, tag, branch, uri)
    return CRLF.join([*lines, "Accept: application/sdp", "Content-Length: 0", "", ""])


def status_code(message: bytes) -> int | None:
    """The status code of a SIP response (None for a request or garbage).

    >>> status_code(b"SIP/2.0 200 OK\\r\\n\\r\\n")
    200
    """
    first = message.split(b"\r\n", 1)[0].split()
    if len(first) >= 2 and first[0] == b"SIP/2.0" and first[1].isdigit():
        return int(first[1])
    return None


def build_sdp(ep: SipEndpoint, pad_to: int = 0) -> str:
    """An audio offer (G.711, G.722, G.729, telephone-event); padded with ICE candidates to ``pad_to`` bytes."""
    lines = [
        "v=0",
        f"o=- 4004 4004 IN IP4 {ep.local_ip}",
        "s=assess",
        f"c=IN IP4 {ep.local_ip}",
        "t=0 0",
        f"m=audio {ep.rtp_port} RTP/AVP 0 8 9 18 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:18 G729/8000",
        "a=fmtp:18 annexb=no",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        f"a=rtcp:{ep.rtp_port + 1} IN IP4 {ep.local_ip}",
        "a=ptime:20",
        "a=sendrecv",
    ]
    body = CRLF.join(lines) + CRLF
    # Large offers are real (ICE candidates, many codecs); pad with host candidates so the
    # message crosses the MTU-ish size without adding media lines an ALG would also act on.
    n = 1
    while len(body) < pad_to and n < 64:
        body += f"a=candidate:{n} 1 UDP {2130706431 - n} {ep.local_ip} {ep.rtp_port + 2 * n} typ host{CRLF}"
        n += 1
    return body


def build_invite(
    ep: SipEndpoint, call_id: str, tag: str, branch: str, pad_to: int = 0, extra: list[str] | None = None
) -> str:
    """An INVITE with an SDP offer; with ``pad_to`` the whole message is at least that large."""
    uri = f"sip:echo@{ep.server}:{ep.server_port}"
    head = _common(ep, "INVITE", uri, call_id, tag, branch, uri)
    head += ["Allow: INVITE, ACK, CANCEL, BYE, OPTIONS", "Content-Type: application/sdp", *(extra or [])]
    head_size = len(CRLF.join(head).encode()) + len("Content-Length: 0000") + 3 * len(CRLF)
    body = build_sdp(ep, max(0, pad_to - head_size))
    return CRLF.join([*head, f"Content-Length: {len(body.encode())}", "", body])


def fields(message: str) -> dict[str, str]:
    """Comparable fields of a SIP message: start line, headers, SDP lines.

    Repeated names get ``#2``, ``#3``; SDP lines are keyed by their type and, for ``m=`` and
    ``a=`` lines, the media or attribute name (``m=audio``, ``a=rtcp``).
    """
    head, _, body = message.partition(CRLF + CRLF)
    lines = head.split(CRLF)
    out: dict[str, str] = {"Request-Line": lines[0]} if lines else {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            canon = COMPACT.get(name.strip().lower(), name.strip().title().replace("Call-Id", "Call-ID"))
            _put(out, canon, value.strip())
    for line in body.splitlines():
        if len(line) > 2 and line[1] == "=":
            _put(out, _sdp_key(line), line[2:])
    return out


def _sdp_key(line: str) -> str:
    kind = line[:2]
    if kind == "m=":
        return "m=" + line[2:].split(" ", 1)[0]
    if kind == "a=":
        return "a=" + re.split(r"[: ]", line[2:], maxsplit=1)[0]
    return kind


def _put(out: dict[str, str], key: str, value: str) -> None:
    n, name = 1, key
    while name in out:
        n += 1
        name = f"{key}#{n}"
    out[name] = value


def diff_messages(sent: str, received: str) -> SipDiff:
    """Which fields of ``sent`` were rewritten, added or dropped in ``received``."""
    a, b = fields(sent), fields(received)
    return SipDiff(
        rewritten=sorted(k for k in a.keys() & b.keys() if a[k] != b[k]),
        added=sorted(b.keys() - a.keys()),
        dropped=sorted(a.keys() - b.keys()),
    )


def message_length(buf: bytes) -> int | None:
    """Length of the first complete SIP message in ``buf`` (TCP framing), or None if incomplete."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    match = re.search(rb"(?im)^(?:content-length|l)\s*:\s*(\d+)\s*$", buf[:end])
    length = end + 4 + (int(match.group(1)) if match else 0)
    return length if len(buf) >= length else None
