"""Vectorised decoding of a chunk of frames down to UDP/TCP payloads (IPv4 and IPv6).

Link types: Ethernet (with 802.1Q/QinQ tags), Linux cooked (SLL, SLL2), raw IP and BSD
loopback. IP fragments after the first and IPv6 extension headers are not decoded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from collectors.pcap.reader import FrameChunk

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
BOOL = npt.NDArray[np.bool_]

PAD = 64  # zero bytes appended so fixed-offset gathers never run past the buffer
LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_RAW_IP = 0, 1, 101, 228
LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_SLL, LINKTYPE_SLL2 = 228, 229, 113, 276


@dataclass
class Datagrams:
    """Transport payloads of one chunk: every array has one entry per datagram."""

    buf: U8  # the chunk's bytes (padded)
    frame: I64  # index of the frame in the chunk
    ts_ns: I64
    src: U8  # (n, 16) address bytes; IPv4 uses the first 4
    dst: U8
    v6: BOOL
    sport: I64
    dport: I64
    tos: I64
    tcp: BOOL
    payload: I64  # offset of the payload in buf
    length: I64  # payload bytes actually captured

    def __len__(self) -> int:
        return len(self.frame)


def _u16(buf: U8, at: I64) -> I64:
    return (buf[at].astype(np.int64) << 8) | buf[at + 1]


def _l3_offsets(buf: U8, chunk: FrameChunk) -> tuple[I64, I64]:
    """Offset of the IP header and its ethertype (0x0800 / 0x86DD) per frame; 0 when not IP."""
    off, link = chunk.offset, chunk.linktype
    l3 = np.zeros(len(off), np.int64)
    etype = np.zeros(len(off), np.int64)
    eth = link == LINKTYPE_ETHERNET
    if eth.any():
        o = off[eth] + 12
        t = _u16(buf, o)
        for _ in range(2):  # up to two VLAN tags
            tagged = (t == 0x8100) | (t == 0x88A8)
            o = np.where(tagged, o + 4, o)
            t = np.where(tagged, _u16(buf, o), t)
        l3[eth], etype[eth] = o + 2, t
    for code, type_at, hdr in ((LINKTYPE_SLL, 14, 16), (LINKTYPE_SLL2, 0, 20)):
        sel = link == code
        if sel.any():
            l3[sel], etype[sel] = off[sel] + hdr, _u16(buf, off[sel] + type_at)
    raw = (link == LINKTYPE_RAW) | (link == LINKTYPE_RAW_IP) | (link == LINKTYPE_IPV6)
    null = link == LINKTYPE_NULL
    for sel, hdr in ((raw, 0), (null, 4)):
        if sel.any():
            version = buf[off[sel] + hdr] >> 4
            l3[sel] = off[sel] + hdr
            etype[sel] = np.where(version == 4, 0x0800, np.where(version == 6, 0x86DD, 0))
    return l3, etype


def decode(chunk: FrameChunk) -> Datagrams:
    """UDP and TCP payloads of the chunk's IPv4/IPv6 frames."""
    buf = np.frombuffer(chunk.buf + bytes(PAD), dtype=np.uint8)
    l3, etype = _l3_offsets(buf, chunk)
    end = chunk.offset + chunk.caplen
    v4 = (etype == 0x0800) & ((buf[l3] >> 4) == 4) & (l3 + 20 <= end)
    v6 = (etype == 0x86DD) & ((buf[l3] >> 4) == 6) & (l3 + 40 <= end)
    ihl = (buf[l3] & 0x0F).astype(np.int64) * 4
    frag_offset = _u16(buf, l3 + 6) & 0x1FFF
    proto = np.where(v4, buf[l3 + 9], np.where(v6, buf[l3 + 6], 0)).astype(np.int64)
    v4 &= frag_offset == 0
    l4 = np.where(v6, l3 + 40, l3 + ihl)
    ip_end = np.where(v6, l3 + 40 + _u16(buf, l3 + 4), l3 + _u16(buf, l3 + 2))
    end = np.minimum(end, ip_end)
    udp = (v4 | v6) & (proto == 17) & (l4 + 8 <= end)
    tcp = (v4 | v6) & (proto == 6) & (l4 + 20 <= end)
    keep = np.flatnonzero(udp | tcp)
    l3, l4, end, is_v6, is_tcp = l3[keep], l4[keep], end[keep], v6[keep], tcp[keep]
    tcp_hdr = (buf[l4 + 12] >> 4).astype(np.int64) * 4
    payload = np.where(is_tcp, l4 + tcp_hdr, l4 + 8)
    tos = np.where(is_v6, ((buf[l3] & 0x0F) << 4) | (buf[l3 + 1] >> 4), buf[l3 + 1]).astype(np.int64)
    src_at = np.where(is_v6, l3 + 8, l3 + 12)
    dst_at = np.where(is_v6, l3 + 24, l3 + 16)
    width = np.arange(16)
    src = buf[src_at[:, None] + width]
    dst = buf[dst_at[:, None] + width]
    src[~is_v6, 4:] = 0
    dst[~is_v6, 4:] = 0
    return Datagrams(
        buf=buf,
        frame=keep.astype(np.int64),
        ts_ns=chunk.ts_ns[keep],
        src=src,
        dst=dst,
        v6=is_v6,
        sport=_u16(buf, l4),
        dport=_u16(buf, l4 + 2),
        tos=tos,
        tcp=is_tcp,
        payload=payload,
        length=np.maximum(end - payload, 0),
    )
