"""Vectorised decoding of a chunk of frames down to UDP/TCP payloads (IPv4 and IPv6).

Link types: Ethernet (with 802.1Q/QinQ tags), Linux cooked (SLL, SLL2), raw IP and BSD
loopback. IP fragments after the first and IPv6 extension headers are not decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from collectors.pcap.reader import SLACK, FrameChunk

if TYPE_CHECKING:  # numpy.typing for the checker only: the aliases appear in annotations alone (text at run time)
    import numpy.typing as npt

    I64 = npt.NDArray[np.int64]
    U8 = npt.NDArray[np.uint8]
    BOOL = npt.NDArray[np.bool_]

WINDOW = 128  # the first bytes of every frame, copied into one compact (frames x WINDOW) array
# A chunk's buffer has SLACK bytes after its last frame, so the window and a TCP payload's first bytes
# past it (data offset up to 60) never run past the buffer.
assert WINDOW + 64 <= SLACK
HEAD = 16  # payload bytes kept per datagram: the RTP fixed header, the first word of a SIP line
LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_RAW_IP = 0, 1, 101, 228
LINKTYPE_IPV6, LINKTYPE_SLL, LINKTYPE_SLL2 = 229, 113, 276


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
    head: U8  # (n, HEAD) first payload bytes, zero past the captured length

    def __len__(self) -> int:
        return len(self.frame)


def _u16(win: U8, rows: I64 | slice, col: int) -> I64:
    return (win[rows, col].astype(np.int64) << 8) | win[rows, col + 1]


def _window(data: bytes | bytearray, offset: I64) -> U8:
    """The first WINDOW bytes of every frame as one (n, WINDOW) array (a single row-copying gather)."""
    rows = np.ndarray((len(data) - WINDOW,), dtype=np.dtype((np.void, WINDOW)), buffer=data, strides=(1,))
    return rows[offset].view(np.uint8).reshape(len(offset), WINDOW)


def _distinct(values: I64) -> list[int]:
    """The distinct values of small non-negative integers, ascending (a count, not a sort)."""
    return np.flatnonzero(np.bincount(values)).tolist() if len(values) else []


def _byte_at(win: U8, col: I64) -> U8:
    """win[i, col[i]] for every row, one column at a time (columns take few distinct values)."""
    values = _distinct(col)
    if len(values) == 1:
        return win[:, min(values[0], WINDOW - 1)]
    out = np.zeros(len(col), np.uint8)
    for v in values:
        sel = col == v
        out[sel] = win[sel, min(v, WINDOW - 1)]
    return out


def _l3_offsets(win: U8, link: I64) -> tuple[I64, I64]:
    """Frame-relative offset of the IP header and its ethertype (0x0800 / 0x86DD); 0 when not IP."""
    n = len(link)
    l3, etype = np.zeros(n, np.int64), np.zeros(n, np.int64)
    eth = np.flatnonzero(link == LINKTYPE_ETHERNET)
    if len(eth):
        t = _u16(win, eth, 12)
        one, two = (t == 0x8100) | (t == 0x88A8), np.zeros(len(eth), bool)
        if one.any():
            inner = _u16(win, eth, 16)
            two = one & ((inner == 0x8100) | (inner == 0x88A8))
            t = np.where(two, _u16(win, eth, 20), np.where(one, inner, t))
        l3[eth], etype[eth] = np.where(two, 22, np.where(one, 18, 14)), t
    for code, type_at, hdr in ((LINKTYPE_SLL, 14, 16), (LINKTYPE_SLL2, 0, 20)):
        sel = np.flatnonzero(link == code)
        if len(sel):
            l3[sel], etype[sel] = hdr, _u16(win, sel, type_at)
    raw = (link == LINKTYPE_RAW) | (link == LINKTYPE_RAW_IP) | (link == LINKTYPE_IPV6)
    for mask, hdr in ((raw, 0), (link == LINKTYPE_NULL, 4)):
        sel = np.flatnonzero(mask)
        if len(sel):
            version = win[sel, hdr] >> 4
            l3[sel] = hdr
            etype[sel] = np.where(version == 4, 0x0800, np.where(version == 6, 0x86DD, 0))
    return l3, etype


@dataclass
class _Columns:
    """Per-frame results, filled one header layout at a time."""

    n: int

    def __post_init__(self) -> None:
        n = self.n
        self.ok = np.zeros(n, bool)
        self.v6, self.tcp = np.zeros(n, bool), np.zeros(n, bool)
        self.src, self.dst = np.zeros((n, 16), np.uint8), np.zeros((n, 16), np.uint8)
        self.sport, self.dport, self.tos = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
        self.payload, self.end = np.zeros(n, np.int64), np.zeros(n, np.int64)


def _layout(win: U8, rows: I64 | slice, l3: int, v6: bool, ihl: int, cols: _Columns, caplen: I64) -> None:
    """Decode the frames ``rows`` that share one layout (IP header offset, version and length)."""
    l4 = l3 + (40 if v6 else ihl)
    if l4 + 20 > WINDOW:  # IP options too long for the window: not decoded
        return
    proto = win[rows, l3 + 6] if v6 else win[rows, l3 + 9]
    ip_end = l3 + 40 + _u16(win, rows, l3 + 4) if v6 else l3 + _u16(win, rows, l3 + 2)
    end = np.minimum(caplen[rows], ip_end)
    udp, tcp = (proto == 17) & (l4 + 8 <= end), (proto == 6) & (l4 + 20 <= end)
    if not v6:
        first = (_u16(win, rows, l3 + 6) & 0x1FFF) == 0  # not a later fragment
        udp, tcp = udp & first, tcp & first
    b0, b1 = win[rows, l3].astype(np.int64), win[rows, l3 + 1].astype(np.int64)
    at, size = (l3 + 8, 16) if v6 else (l3 + 12, 4)
    cols.ok[rows] = udp | tcp
    cols.v6[rows], cols.tcp[rows] = v6, tcp
    cols.src[rows, :size], cols.dst[rows, :size] = win[rows, at : at + size], win[rows, at + size : at + 2 * size]
    cols.sport[rows], cols.dport[rows] = _u16(win, rows, l4), _u16(win, rows, l4 + 2)
    cols.tos[rows] = ((b0 & 0x0F) << 4) | (b1 >> 4) if v6 else b1
    cols.payload[rows] = np.where(tcp, l4 + (win[rows, l4 + 12] >> 4).astype(np.int64) * 4, l4 + 8)
    cols.end[rows] = end


def _heads(buf: U8, win: U8, offset: I64, payload: I64, length: I64) -> U8:
    """First HEAD payload bytes per datagram, from the window where they fit."""
    head = np.zeros((len(payload), HEAD), np.uint8)
    inside = payload + HEAD <= WINDOW
    for start in _distinct(payload[inside]):
        sel = np.flatnonzero(inside & (payload == start))
        head[sel] = win[sel, start : start + HEAD]
    outside = np.flatnonzero(~inside)
    if len(outside):
        head[outside] = buf[(offset[outside] + payload[outside])[:, None] + np.arange(HEAD)]
    head[np.arange(HEAD) >= length[:, None]] = 0
    return head


def decode(chunk: FrameChunk) -> Datagrams:
    """UDP and TCP payloads of the chunk's IPv4/IPv6 frames."""
    data = chunk.buf
    buf = np.frombuffer(data, dtype=np.uint8)
    win = _window(data, chunk.offset)
    l3, etype = _l3_offsets(win, chunk.linktype)
    first = _byte_at(win, l3).astype(np.int64)
    v4 = (etype == 0x0800) & ((first >> 4) == 4) & (l3 + 20 <= chunk.caplen)
    v6 = (etype == 0x86DD) & ((first >> 4) == 6) & (l3 + 40 <= chunk.caplen)
    layout = np.where(v4 | v6, l3 * 1024 + v6 * 512 + np.where(v4, (first & 0x0F) * 4, 0), -1)
    cols = _Columns(len(l3))
    keys = [key - 1 for key in _distinct(layout + 1)]  # -1: not IP
    for key in keys:
        if key >= 0:
            rows: I64 | slice = slice(None) if len(keys) == 1 else np.flatnonzero(layout == key)
            _layout(win, rows, key // 1024, bool(key & 512), key & 511, cols, chunk.caplen)
    keep = np.flatnonzero(cols.ok)
    payload, end = cols.payload[keep], cols.end[keep]
    length = np.maximum(end - payload, 0)
    return Datagrams(
        buf=buf,
        frame=keep.astype(np.int64),
        ts_ns=chunk.ts_ns[keep],
        src=cols.src[keep],
        dst=cols.dst[keep],
        v6=cols.v6[keep],
        sport=cols.sport[keep],
        dport=cols.dport[keep],
        tos=cols.tos[keep],
        tcp=cols.tcp[keep],
        payload=chunk.offset[keep] + payload,
        length=length,
        head=_heads(buf, win[keep], chunk.offset[keep], payload, length),
    )
