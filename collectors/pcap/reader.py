"""Stream a pcap or pcapng file as chunks of raw frames (no per-packet objects).

A chunk is one contiguous byte buffer plus numpy arrays of each frame's offset, captured
length, link type and timestamp (integer nanoseconds), so decoding can be vectorised and a
capture larger than memory is read a chunk at a time.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedReader
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from core.errors import UserError

CHUNK_BYTES = 16 * 1024 * 1024
PCAPNG_SHB = 0x0A0D0D0A
SLACK = 256  # zero bytes after a chunk's last frame: decoding reads a fixed window from each frame's start

if TYPE_CHECKING:  # numpy.typing for the checker only: the aliases appear in annotations alone (text at run time)
    import numpy.typing as npt

    I64 = npt.NDArray[np.int64]


@dataclass
class FrameChunk:
    """Frames read from one slice of the file (``buf`` may be reused for the next chunk: copy what is kept)."""

    buf: bytes | bytearray  # at least SLACK zero bytes follow the last frame
    offset: I64  # start of each frame's data in buf
    caplen: I64
    linktype: I64
    ts_ns: I64  # absolute capture time, nanoseconds since the epoch

    def __len__(self) -> int:
        return len(self.offset)


def iter_chunks(path: Path, chunk_bytes: int = CHUNK_BYTES) -> Iterator[FrameChunk]:
    """Frames of a pcap (µs or ns) or pcapng file, ``chunk_bytes`` of file at a time."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise UserError(f"cannot read capture {path}: {exc.strerror}") from exc
    with fh:
        magic = fh.read(4)
        if len(magic) < 4:
            raise UserError(f"{path} is not a capture file (too short)")
        if struct.unpack("<I", magic)[0] == PCAPNG_SHB:
            yield from _pcapng_chunks(fh, magic, chunk_bytes, path)
        else:
            yield from _pcap_chunks(fh, magic, chunk_bytes, path)


_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1000),
    b"\xa1\xb2\xc3\xd4": (">", 1000),
    b"\x4d\x3c\xb2\xa1": ("<", 1),
    b"\xa1\xb2\x3c\x4d": (">", 1),
}


class CaptureDamaged(UserError):
    """A capture whose structure is impossible or cut short: named with how far reading got."""


MAX_FRAME = 1 << 20  # a captured frame larger than this is a corrupt length field (tcpdump's snaplen max: 256 KiB)
MAX_BLOCK = MAX_FRAME + 4096
INT64_MAX = (1 << 63) - 1


def _truncated(path: Path, at: int, packets: int) -> CaptureDamaged:
    return CaptureDamaged(f"{path}: truncated mid-packet at byte {at} (read {packets} packets before it)")


def _pcap_chunks(fh: BufferedReader, magic: bytes, chunk_bytes: int, path: Path) -> Iterator[FrameChunk]:
    if magic not in _PCAP_MAGICS:
        raise UserError(f"{path} is neither pcap nor pcapng (magic {magic.hex()})")
    endian, frac_to_ns = _PCAP_MAGICS[magic]
    header = fh.read(20)
    if len(header) < 20:
        raise UserError(f"{path}: truncated pcap header")
    linktype = struct.unpack(endian + "I", header[16:20])[0] & 0x0FFFFFFF
    dtype = np.dtype(endian + "u4")
    # One buffer for the whole file: a chunk is read in after the incomplete record the last one left,
    # so nothing is copied or newly allocated per chunk (fresh memory costs page faults).
    buf = bytearray(chunk_bytes + MAX_FRAME + 16 + SLACK)
    view = memoryview(buf)
    kept, base, packets = 0, 24, 0  # kept: bytes of an incomplete record at the front; base: file offset of buf[0]
    while True:
        size = kept + fh.readinto(view[kept : kept + chunk_bytes])
        if size == kept:  # end of file
            if kept:
                raise _truncated(path, base, packets)
            return
        starts, resume = _chained_records(buf, size, dtype, 1_000_000_000 // frac_to_ns)
        starts = np.concatenate((starts, np.array(_walk_records(buf, size, endian, path, base, resume), np.int64)))
        if not len(starts):  # one record longer than what has been read so far
            kept = size
            continue
        last = int(starts[-1])
        used = last + 16 + struct.unpack_from(endian + "I", buf, last + 8)[0]
        words = _record_headers(buf, starts).view(dtype).astype(np.int64)
        if (words[:, 1] * frac_to_ns >= 1_000_000_000).any():
            raise CaptureDamaged(f"{path}: impossible timestamp (fraction of a second >= 1 s) near byte {base + used}")
        ts = words[:, 0] * 1_000_000_000 + words[:, 1] * frac_to_ns
        view[size : size + SLACK] = bytes(SLACK)  # what follows the last frame reads as zeros
        yield FrameChunk(buf, starts + 16, words[:, 2], np.full(len(starts), linktype), ts)
        buf[: size - used] = buf[used:size]
        kept, base, packets = size - used, base + used, packets + len(starts)


def _record_headers(data: bytes | bytearray, starts: I64) -> npt.NDArray[np.uint8]:
    """The 16-byte record header at each of ``starts`` as one (n, 16) array (a single row-copying gather)."""
    rows = np.ndarray((len(data) - 15,), dtype=np.dtype((np.void, 16)), buffer=data, strides=(1,))
    return rows[starts].view(np.uint8).reshape(len(starts), 16)


def _chained_records(data: bytearray, size: int, word: np.dtype[np.uint32], max_fraction: int) -> tuple[I64, int]:
    """The first record offsets of ``data[:size]`` found without a step per record, and where to walk on.

    Candidates are the positions whose 16 bytes could be a record header like the first one (the same top
    byte of the seconds, a fraction under one second, a possible length); each is linked to the candidate
    its length points at. From offset 0, the links are followed as far as each record's successor is the
    next linked candidate; a record whose successor is not a candidate (a header unlike the first, the
    chunk's end) is where the sequential walk takes over, so the result is always the walk's own.
    """
    n = size - 15  # positions with a whole header after them
    if n <= 0:
        return np.zeros(0, np.int64), 0
    top = 3 if word.byteorder == "<" or (word.byteorder == "=" and sys.byteorder == "little") else 0
    raw = np.frombuffer(data, np.uint8, count=size)
    cand = np.flatnonzero(raw[top : top + n] == raw[top])
    header = _record_headers(data, cand).view(word)  # (seconds, fraction, length, original length)
    plausible = (header[:, 2] <= MAX_FRAME) & (header[:, 1] < max_fraction)
    cand, length = cand[plausible], header[plausible, 2].astype(np.int64)
    if not len(cand) or cand[0] != 0:
        return np.zeros(0, np.int64), 0
    following = cand + 16 + length
    succ = np.searchsorted(cand, following)
    found = succ < len(cand)
    found[found] = cand[succ[found]] == following[found]
    succ[~found] = len(cand)  # no candidate where this one's length points
    linked = np.zeros(len(cand), bool)
    linked[succ[found]] = True
    linked[0] = True
    chain = np.flatnonzero(linked)
    breaks = np.flatnonzero(succ[chain[:-1]] != chain[1:])
    end = int(breaks[0]) if len(breaks) else len(chain) - 1
    return cand[chain[:end]], int(cand[chain[end]])


def _walk_records(data: bytearray, size: int, endian: str, path: Path, base: int, pos: int = 0) -> list[int]:
    """Offsets of the complete pcap record headers in ``data[:size]`` from ``pos`` on (the sequential step).

    In the machine's byte order the captured length is read through four word views of the buffer, one
    per byte alignment: about twice as fast as ``struct.unpack_from`` per record.
    """
    if endian != ("<" if sys.byteorder == "little" else ">"):
        return _walk_records_swapped(data, size, endian, path, base, pos)
    mv = memoryview(data)[:size]
    words = [mv[k : k + 4 * ((size - k) // 4)].cast("I") for k in range(4)]
    offs: list[int] = []
    append = offs.append
    end = size - 16
    while pos <= end:
        incl = words[pos & 3][(pos >> 2) + 2]
        if incl > MAX_FRAME:
            raise CaptureDamaged(f"{path}: impossible record length {incl} at byte {base + pos}")
        nxt = pos + 16 + incl
        if nxt > size:
            break
        append(pos)
        pos = nxt
    return offs


def _walk_records_swapped(data: bytearray, size: int, endian: str, path: Path, base: int, pos: int) -> list[int]:
    """:func:`_walk_records` for a file in the other byte order."""
    incl_at = struct.Struct(endian + "I").unpack_from
    offs: list[int] = []
    end = size - 16
    while pos <= end:
        incl = incl_at(data, pos + 8)[0]
        if incl > MAX_FRAME:
            raise CaptureDamaged(f"{path}: impossible record length {incl} at byte {base + pos}")
        nxt = pos + 16 + incl
        if nxt > size:
            break
        offs.append(pos)
        pos = nxt
    return offs


@dataclass
class _Interface:
    linktype: int
    ns_num: int  # timestamp units -> ns: ts * ns_num // ns_den
    ns_den: int


MAX_DECIMAL_RESOLUTION = 15  # 10^-15 s: finer than any capture hardware
MAX_BINARY_RESOLUTION = 50


def _tsresol(options: bytes, endian: str) -> tuple[int, int]:
    pos = 0
    while pos + 4 <= len(options):
        code, length = struct.unpack_from(endian + "HH", options, pos)
        if code == 0:
            break
        if code == 9 and length >= 1 and pos + 4 < len(options):
            value = options[pos + 4]
            exp = value & 0x7F
            if exp > (MAX_BINARY_RESOLUTION if value & 0x80 else MAX_DECIMAL_RESOLUTION):
                raise ValueError(f"impossible timestamp resolution (option value {value:#x})")
            if value & 0x80:
                return 1_000_000_000, 2**exp
            return (10 ** (9 - exp), 1) if exp <= 9 else (1, 10 ** (exp - 9))
        pos += 4 + ((length + 3) & ~3)
    return 1000, 1  # default: microseconds


def _pcapng_chunks(fh: BinaryIO, magic: bytes, chunk_bytes: int, path: Path) -> Iterator[FrameChunk]:
    data = magic + fh.read(chunk_bytes)
    endian = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    interfaces: list[_Interface] = []
    base, packets = 0, 0  # file offset of data[0], packets read so far
    while True:
        try:
            chunk, consumed = _pcapng_walk(data, endian, interfaces)
        except ValueError as exc:
            raise CaptureDamaged(f"{path}: {exc} (block at byte {base + _at(exc)}, after {packets} packets)") from None
        if chunk is not None:
            packets += len(chunk)
            yield chunk
        more = fh.read(chunk_bytes)
        if not more:
            if consumed < len(data):
                raise _truncated(path, base + consumed, packets)
            return
        data, base = data[consumed:] + more, base + consumed


class BlockError(ValueError):
    """An impossible pcapng block, with its offset in the buffer being walked."""

    def __init__(self, message: str, at: int) -> None:
        super().__init__(message)
        self.at = at


def _at(exc: ValueError) -> int:
    return exc.at if isinstance(exc, BlockError) else 0


def _pcapng_walk(data: bytes, endian: str, interfaces: list[_Interface]) -> tuple[FrameChunk | None, int]:
    """Frames of the complete blocks in ``data``; returns the chunk and the bytes consumed."""
    offs: list[int] = []
    lens: list[int] = []
    links: list[int] = []
    stamps: list[int] = []
    head = struct.Struct(endian + "II")
    epb = struct.Struct(endian + "IIIII")
    pos, end = 0, len(data)
    while pos + 12 <= end:
        btype, blen = head.unpack_from(data, pos)
        if blen < 12 or blen % 4 or blen > MAX_BLOCK:
            raise BlockError(f"impossible block length {blen}", pos)
        if pos + blen > end:
            break
        if btype == PCAPNG_SHB:
            endian = "<" if data[pos + 8 : pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            head, epb = struct.Struct(endian + "II"), struct.Struct(endian + "IIIII")
            interfaces.clear()
        elif btype == 1 and blen >= 20:  # interface description
            link = struct.unpack_from(endian + "H", data, pos + 8)[0]
            try:
                num, den = _tsresol(data[pos + 16 : pos + blen - 4], endian)
            except ValueError as exc:
                raise BlockError(str(exc), pos) from None
            interfaces.append(_Interface(link, num, den))
        elif btype == 6 and interfaces:  # enhanced packet
            if blen < 32:
                raise BlockError(f"impossible packet block length {blen}", pos)
            iface, hi, lo, caplen, _orig = epb.unpack_from(data, pos + 8)
            if caplen > blen - 32:
                raise BlockError(f"packet length {caplen} larger than its block ({blen})", pos)
            itf = interfaces[iface] if iface < len(interfaces) else interfaces[0]
            stamp = ((hi << 32) | lo) * itf.ns_num // itf.ns_den
            if stamp > INT64_MAX:
                raise BlockError("impossible timestamp (beyond the year 2262)", pos)
            offs.append(pos + 28)
            lens.append(caplen)
            links.append(itf.linktype)
            stamps.append(stamp)
        pos += blen
    if not offs:
        return None, pos
    arrays = (np.array(values, np.int64) for values in (offs, lens, links, stamps))
    chunk = FrameChunk(data + bytes(SLACK), *arrays)
    return chunk, pos
