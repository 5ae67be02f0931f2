"""SIP messages and their SDP bodies, read from captured datagrams (no reassembly).

>>> msg = parse_sip(b"SIP/2.0 180 Ringing\\r\\nCall-ID: abc\\r\\nCSeq: 1 INVITE\\r\\n\\r\\n")
>>> msg.status, msg.call_id, msg.cseq_method
(180, 'abc', 'INVITE')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SIP_METHODS: tuple[bytes, ...] = (
    *(b"INVITE", b"ACK", b"BYE", b"CANCEL", b"OPTIONS", b"REGISTER", b"UPDATE", b"PRACK", b"INFO"),
    *(b"SUBSCRIBE", b"NOTIFY", b"REFER", b"MESSAGE", b"PUBLISH"),
)
_COMPACT = {"i": "call-id", "f": "from", "t": "to", "l": "content-length", "c": "content-type", "v": "via"}
_REQUEST = re.compile(r"^([A-Z]+) (\S+) SIP/2\.0$")
_STATUS = re.compile(r"^SIP/2\.0 (\d{3})(?: (.*))?$")


@dataclass
class SdpMedia:
    """One m= line: where the party wants to receive RTP and the payload types it maps."""

    address: str
    port: int
    media: str
    rtpmap: dict[int, tuple[str, int]] = field(default_factory=dict)  # pt -> (encoding, clock rate)
    payload_types: list[int] = field(default_factory=list)


@dataclass
class SipMessage:
    """The parts of a SIP request or response the analysis needs."""

    method: str | None
    status: int | None
    reason: str
    call_id: str
    from_uri: str
    to_uri: str
    cseq_method: str
    media: list[SdpMedia]


def looks_like_sip(head: bytes) -> bool:
    """True when a payload starts like a SIP request or response."""
    return head.startswith(b"SIP/2.0 ") or any(head.startswith(m + b" ") for m in SIP_METHODS)


def _uri(value: str) -> str:
    match = re.search(r"<([^>]*)>", value)
    return (match.group(1) if match else value.split(";")[0]).strip()


def parse_sdp(body: str) -> list[SdpMedia]:
    """Audio and video m= sections with their connection address and a=rtpmap entries."""
    session_addr = ""
    media: list[SdpMedia] = []
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith("c=") and len(line.split()) >= 3:
            addr = line.split()[2].split("/")[0]
            if media:
                media[-1].address = addr
            else:
                session_addr = addr
        elif line.startswith("m="):
            parts = line[2:].split()
            if len(parts) >= 3 and parts[1].split("/")[0].isdecimal():
                pts = [int(p) for p in parts[3:] if p.isdecimal()]
                media.append(SdpMedia(session_addr, int(parts[1].split("/")[0]), parts[0], payload_types=pts))
        elif line.startswith("a=rtpmap:") and media:
            match = re.match(r"a=rtpmap:(\d+)\s+([^/\s]+)/(\d+)", line)
            if match:
                media[-1].rtpmap[int(match.group(1))] = (match.group(2), int(match.group(3)))
    return media


def parse_sip(data: bytes) -> SipMessage | None:
    """A SIP message from one datagram or TCP segment; None when it is not SIP."""
    text = data.decode("utf-8", errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    request, status = _REQUEST.match(lines[0]), _STATUS.match(lines[0])
    if not (request or status):
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            headers.setdefault(_COMPACT.get(key, key), value.strip())
    cseq = headers.get("cseq", "").split()
    sdp = parse_sdp(body) if "application/sdp" in headers.get("content-type", "").lower() else []
    return SipMessage(
        method=request.group(1) if request else None,
        status=int(status.group(1)) if status else None,
        reason=(status.group(2) or "") if status else "",
        call_id=headers.get("call-id", ""),
        from_uri=_uri(headers.get("from", "")),
        to_uri=_uri(headers.get("to", "")),
        cseq_method=cseq[1] if len(cseq) > 1 else "",
        media=sdp,
    )
