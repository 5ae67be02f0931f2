"""`assess pcap`: find the RTP streams and SIP calls of a capture and measure each stream.

The file is read a chunk at a time; only per-stream state (StreamStats) and the SIP calls
are kept, so captures larger than memory work. RTP is recognised from SDP (the address and
port a party asked to receive on, with its a=rtpmap payload types) and heuristically
otherwise (RTP version 2 on unprivileged UDP ports, enough packets, mostly in sequence).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import numpy as np

from collectors.pcap.decode import Datagrams, decode
from collectors.pcap.reader import CHUNK_BYTES, iter_chunks
from collectors.pcap.report import call_results, stream_result
from collectors.pcap.rtpstats import StreamStats
from collectors.pcap.sip import SdpMedia, SipMessage, looks_like_sip, parse_sip
from core.errors import UserError
from core.models.pcap import PcapResult

if TYPE_CHECKING:  # numpy.typing for the checker only: the aliases appear in annotations alone (text at run time)
    import numpy.typing as npt

    U64 = npt.NDArray[np.uint64]
    I64 = npt.NDArray[np.int64]
_MIX = [np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)]


@dataclass
class CallState:
    """A SIP dialog as the capture shows it."""

    call_id: str
    from_uri: str
    to_uri: str
    start_ms: float
    invite_ms: float | None = None
    ringing_ms: float | None = None
    answer_ms: float | None = None
    responses: list[int] = field(default_factory=list)
    final_code: int | None = None
    ended_by: str | None = None
    codecs: list[str] = field(default_factory=list)


@dataclass
class StreamInfo:
    """Identity of one RTP stream and its statistics."""

    src: str
    dst: str
    ssrc: int
    stats: StreamStats
    call_id: str | None = None
    signalled: bool = False
    first_pt: int = -1


def _address(raw: bytes, v6: bool) -> str:
    return str(ipaddress.ip_address(raw if v6 else raw[:4]))


def _groups(keys: npt.NDArray[np.uint64] | I64) -> tuple[I64, I64, I64]:
    """Packets grouped by key, groups in key order: each packet's group, the packet indices group by
    group (in capture order within one) and the groups' bounds in that list.

    A chunk holds few streams, so the keys are numbered through their few distinct values and the
    numbers sorted with a radix sort, instead of sorting the keys themselves.
    """
    distinct, counts = np.unique(keys, return_counts=True)  # sorted, not hashed: that would import numpy.ma
    group = np.searchsorted(distinct, keys)
    order = np.argsort(group.astype(np.uint16) if len(distinct) <= 1 << 16 else group, kind="stable")
    return group, order, np.concatenate(([0], np.cumsum(counts)))


def _time_ms(ts_ns: I64, first_ns: int) -> npt.NDArray[np.float64]:
    """Milliseconds since the first frame, rounded exactly as Wireshark's nstime_to_msec."""
    rel = ts_ns - first_ns
    return (rel // 1_000_000_000).astype(np.float64) * 1000.0 + (rel % 1_000_000_000).astype(np.float64) / 1e6


class CaptureAnalysis:
    """Accumulates SIP calls and RTP stream state over the chunks of one capture."""

    def __init__(self) -> None:
        self.first_ns: int | None = None
        self.last_ns = 0
        self.frames = 0
        self.calls: dict[str, CallState] = {}
        self.sdp: dict[tuple[str, int], tuple[str, SdpMedia]] = {}
        self.streams: dict[bytes, StreamInfo] = {}
        self.unsignalled: dict[str, list[StreamInfo]] = {}  # by endpoint, until SDP names it

    def add_chunk(self, dg: Datagrams, frames: int, first_ns: int, last_ns: int) -> None:
        """Process one decoded chunk: SIP first (it signals the media), then RTP."""
        if self.first_ns is None:
            self.first_ns = first_ns
        self.frames += frames
        self.last_ns = max(self.last_ns, last_ns)
        if not len(dg):
            return
        head = dg.head[:, 0]
        text_like = (dg.length >= 12) & (head >= ord("A")) & (head <= ord("Z"))
        for i in np.flatnonzero(text_like).tolist():
            self._sip(dg, i)
        pt = dg.head[:, 1] & 0x7F
        rtp = ~dg.tcp & (dg.length >= 12) & ((head >> 6) == 2) & ((pt < 72) | (pt > 76))
        self._rtp(dg, np.flatnonzero(rtp))

    def _sip(self, dg: Datagrams, i: int) -> None:
        start = int(dg.payload[i])
        data = dg.buf[start : start + int(dg.length[i])].tobytes()
        if not looks_like_sip(data[:16]):
            return
        msg = parse_sip(data)
        if msg is None or not msg.call_id:
            return
        t_ms = float(_time_ms(dg.ts_ns[i : i + 1], self.first_ns or 0)[0])
        self._track_call(msg, t_ms)
        for media in msg.media:
            if media.media == "audio" and media.port:
                try:
                    address = str(ipaddress.ip_address(media.address))
                except ValueError:  # a host name or an empty c= line: RTP cannot be matched to it
                    continue
                self.sdp[(address, media.port)] = (msg.call_id, media)
                self._signal_known_streams(address, media.port)

    def _signal_known_streams(self, address: str, port: int) -> None:
        """Streams first seen without SDP take the codec map of SDP that arrives later (e.g. re-INVITE)."""
        endpoint = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        for info in self.unsignalled.pop(endpoint, []):
            if not info.signalled:
                self._apply_sdp(info, info.dst, info.src)

    def _track_call(self, msg: SipMessage, t_ms: float) -> None:
        call = self.calls.get(msg.call_id)
        if call is None:
            call = self.calls[msg.call_id] = CallState(msg.call_id, msg.from_uri, msg.to_uri, t_ms)
        if msg.method == "INVITE" and call.invite_ms is None:
            call.invite_ms = t_ms
        elif msg.method in ("BYE", "CANCEL") and call.ended_by is None:
            call.ended_by = msg.method
        if msg.status is not None and msg.cseq_method == "INVITE":
            call.responses.append(msg.status)
            if 180 <= msg.status < 190 and call.ringing_ms is None:
                call.ringing_ms = t_ms
            if msg.status >= 200 and call.final_code is None:
                call.final_code = msg.status
                call.answer_ms = t_ms if msg.status < 300 else None
        for media in msg.media:
            for name, _rate in media.rtpmap.values():
                if name not in call.codecs:
                    call.codecs.append(name)

    def _keys(self, dg: Datagrams, idx: I64, ssrc: I64) -> tuple[npt.NDArray[np.uint8], U64]:
        """Exact 40-byte stream keys and a 64-bit hash of each."""
        ports = (dg.sport[idx] << 16 | dg.dport[idx]).astype(">u4").view(np.uint8).reshape(-1, 4)
        ssrc_b = ssrc.astype(">u4").view(np.uint8).reshape(-1, 4)
        rows = np.ascontiguousarray(np.hstack([dg.src[idx], dg.dst[idx], ports, ssrc_b]))
        words = rows.view(np.uint64)  # 5 words per row
        h = np.zeros(len(idx), np.uint64)
        for w in range(5):
            h = (h ^ words[:, w]) * _MIX[w % 4]
        return rows, h

    def _rtp(self, dg: Datagrams, idx: I64) -> None:
        if not len(idx):
            return
        h = dg.head[idx]  # (n, 16) bytes: the RTP fixed header, read as big-endian words in place
        seq = h.view(">u2")[:, 1].astype(np.int64)
        ts, ssrc = h.view(">u4")[:, 1].astype(np.int64), h.view(">u4")[:, 2].astype(np.int64)
        pt = (h[:, 1] & 0x7F).astype(np.int64)
        marker = (h[:, 1] >> 7).astype(np.int64)
        t_ms = _time_ms(dg.ts_ns[idx], self.first_ns or 0)
        rows, hashes = self._keys(dg, idx, ssrc)
        group, order, bounds = _groups(hashes)
        first = order[bounds[:-1]]  # each group's first packet (the sort is stable)
        if not np.array_equal(rows, rows[first][group]):  # a 64-bit hash collision: group exactly
            _, exact = np.unique(rows.view(np.dtype((np.void, 40))).ravel(), return_inverse=True)
            _, order, bounds = _groups(exact)
            first = order[bounds[:-1]]
        tos = dg.tos[idx]
        for g in range(len(bounds) - 1):
            sel = order[bounds[g] : bounds[g + 1]]
            info = self._stream(rows[first[g]], dg, int(idx[first[g]]), int(ssrc[first[g]]), int(pt[sel[0]]))
            info.stats.feed(t_ms[sel], seq[sel], ts[sel], pt[sel], marker[sel], tos[sel])

    def _stream(self, row: npt.NDArray[np.uint8], dg: Datagrams, i: int, ssrc: int, pt: int) -> StreamInfo:
        key = row.tobytes()
        info = self.streams.get(key)
        if info is not None:
            return info
        v6 = bool(dg.v6[i])
        src, dst = _address(row[:16].tobytes(), v6), _address(row[16:32].tobytes(), v6)
        sport, dport = int(dg.sport[i]), int(dg.dport[i])
        fmt = "[{}]:{}" if v6 else "{}:{}"
        info = StreamInfo(fmt.format(src, sport), fmt.format(dst, dport), ssrc, StreamStats(), first_pt=pt)
        self._apply_sdp(info, info.dst, info.src)
        if not info.signalled:
            for endpoint in (info.dst, info.src):
                self.unsignalled.setdefault(endpoint, []).append(info)
        self.streams[key] = info
        return info

    def _apply_sdp(self, info: StreamInfo, *endpoints: str) -> None:
        """Attach the SDP that asked for this stream's destination (or source) address and port."""
        for endpoint in endpoints:
            host, _, port = endpoint.rpartition(":")
            found = self.sdp.get((host.strip("[]"), int(port)))
            if found:
                info.call_id, info.signalled = found[0], True
                info.stats.rtpmap = dict(found[1].rtpmap)
                return

    def result(self, path: Path) -> PcapResult:
        """The findings so far as a PcapResult."""
        streams = [r for r in (stream_result(s) for s in self.streams.values()) if r is not None]
        streams.sort(key=lambda s: (s.start_s, s.src, s.dst))
        duration = (self.last_ns - (self.first_ns or 0)) / 1e9
        notes = [
            "MOS: G.107 from the stream's loss, loss burstiness and a jitter buffer of 2x mean jitter, plus "
            "packetisation; network delay cannot be seen from one capture point and is taken as 0."
        ]
        return PcapResult(
            file=str(path),
            frames=self.frames,
            duration_s=round(duration, 6),
            streams=streams,
            calls=call_results(self.calls.values(), streams),
            notes=notes,
        )


def analyse_capture(path: Path, chunk_bytes: int = CHUNK_BYTES) -> PcapResult:
    """Analyse a pcap/pcapng file: per-stream RTP quality and the SIP calls found."""
    analysis = CaptureAnalysis()
    for chunk in iter_chunks(path, chunk_bytes):
        analysis.add_chunk(decode(chunk), len(chunk), int(chunk.ts_ns[0]), int(chunk.ts_ns.max()))
    return analysis.result(path)


def analyse_site_captures(captures: list[str], plan_dir: Path) -> tuple[list[PcapResult], list[str]]:
    """Analyse a site's capture files (paths relative to the plan); unreadable ones are reported, not fatal."""
    # Here, not at the top: core.safe_names builds pydantic field types, which `assess pcap` does without.
    from core.safe_names import check_relative, inside

    results: list[PcapResult] = []
    problems: list[str] = []
    for name in captures:
        try:
            path = inside(plan_dir, *PurePosixPath(check_relative(name, "capture")).parts)
            results.append(analyse_capture(path))
        except UserError as exc:
            problems.append(str(exc))
        except (OSError, ValueError, OverflowError, MemoryError) as exc:  # this capture only is not assessed
            problems.append(f"{name}: cannot be analysed: {exc}")
    return results, problems
