"""Deterministic synthetic VoIP captures (SIP/SDP + RTP) for tests and benchmarks.

Frames are built with struct (Ethernet / IPv4 / UDP / RTP), fast enough for benchmark
captures of hundreds of thousands of packets; files are written as pcap or pcapng.
"""

from __future__ import annotations

import random
import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import dpkt

Frame = tuple[float, bytes]  # (timestamp, Ethernet frame)


def _ip_checksum(header: bytes) -> int:
    total = sum(struct.unpack("!10H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _udp6_frame(src: str, sport: int, dst: str, dport: int, payload: bytes, dscp: int) -> bytes:
    """An Ethernet/IPv6/UDP frame (the UDP checksum is mandatory over IPv6)."""
    s, d, length = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst), 8 + len(payload)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    pseudo = s + d + struct.pack("!IxxxB", length, 17) + udp + (b"\0" if len(udp) % 2 else b"")
    total = sum(struct.unpack(f"!{len(pseudo) // 2}H", pseudo))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    udp = udp[:6] + struct.pack("!H", (~total & 0xFFFF) or 0xFFFF) + udp[8:]
    ip6 = struct.pack("!IHBB", (6 << 28) | (dscp << 22), length, 17, 64) + s + d
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x86\xdd" + ip6 + udp


def tcp_frame(src: str, sport: int, dst: str, dport: int, payload: bytes, seq: int = 1) -> bytes:
    """An Ethernet/IPv4/TCP segment (PSH+ACK) carrying ``payload`` (TCP checksum left 0)."""
    total = 20 + 20 + len(payload)
    hdr = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 24 << 2, total, 0, 0x4000, 64, 6, 0, socket.inet_aton(src), socket.inet_aton(dst)
    )
    hdr = hdr[:10] + struct.pack("!H", _ip_checksum(hdr)) + hdr[12:]
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, 0x18, 65535, 0, 0)
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + hdr + tcp + payload


def over_tcp(frames: Iterable[Frame]) -> list[Frame]:
    """SIP frames (UDP, port 5060) re-sent as one TCP segment each."""
    out = []
    for t, f in frames:
        ihl = (f[14] & 0x0F) * 4
        src, dst = socket.inet_ntoa(f[26:30]), socket.inet_ntoa(f[30:34])
        sport, dport = struct.unpack("!HH", f[14 + ihl : 18 + ihl])
        out.append((t, tcp_frame(src, sport, dst, dport, f[14 + ihl + 8 :])))
    return out


def vlan_tagged(frames: Iterable[Frame], vid: int, pcp: int = 5) -> list[Frame]:
    """The frames with an 802.1Q tag inserted after the MAC addresses."""
    tag = b"\x81\x00" + struct.pack("!H", (pcp << 13) | vid)
    return [(t, f[:12] + tag + f[12:]) for t, f in frames]


def linux_cooked(frames: Iterable[Frame]) -> list[Frame]:
    """The frames with their Ethernet header replaced by a Linux cooked (SLL) header (linktype 113)."""
    return [(t, struct.pack("!HHH8s", 0, 1, 6, f[6:12]) + f[12:14] + f[14:]) for t, f in frames]


def udp_frame(src: str, sport: int, dst: str, dport: int, payload: bytes, dscp: int = 0) -> bytes:
    """An Ethernet/IP/UDP frame carrying ``payload`` (IPv4: UDP checksum 0, which IPv4 allows)."""
    if ":" in src:
        return _udp6_frame(src, sport, dst, dport, payload, dscp)
    total = 20 + 8 + len(payload)
    hdr = struct.pack(
        "!BBHHHBBH4s4s", 0x45, dscp << 2, total, 0, 0x4000, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst)
    )
    hdr = hdr[:10] + struct.pack("!H", _ip_checksum(hdr)) + hdr[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + hdr + struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


@dataclass
class RtpSpec:
    """One RTP stream and the impairments the capture should show."""

    src: str
    sport: int
    dst: str
    dport: int
    ssrc: int
    pt: int = 0
    clock: int = 8000
    ptime_ms: int = 20
    payload_len: int = 160
    count: int = 500
    start: float = 1_700_000_000.0
    dscp: int = 46
    jitter_ms: float = 0.0  # std-dev of arrival noise (kept < ptime/2 so it never reorders)
    lost: frozenset[int] = frozenset()  # packet indexes dropped
    swapped: frozenset[int] = frozenset()  # index i arrives after i + 1
    duplicated: frozenset[int] = frozenset()  # index i arrives twice
    dtmf_at: int | None = None  # index where 5 telephone-event packets replace audio
    dtmf_pt: int = 101
    markers: frozenset[int] = frozenset()  # index i starts a talkspurt (marker bit, same payload type)
    comfort_noise: frozenset[int] = frozenset()  # index i is an RFC 3389 comfort-noise packet (PT 13)
    seq0: int = 1000
    ts0: int = 160_000
    seed: int = 1


def rtp_header(pt: int, seq: int, ts: int, ssrc: int, marker: bool = False) -> bytes:
    """A 12-byte RTP version 2 header."""
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc)


def rtp_frames(spec: RtpSpec) -> list[Frame]:
    """The stream's frames with their arrival times (unsorted)."""
    rng = random.Random(spec.seed)
    step = spec.clock * spec.ptime_ms // 1000
    frames: list[Frame] = []
    for i in range(spec.count):
        t = spec.start + i * spec.ptime_ms / 1000 + abs(rng.gauss(0.0, spec.jitter_ms / 1000))
        if i in spec.lost:
            continue
        pt, payload, marker = spec.pt, b"\xd5" * spec.payload_len, i == 0 or i in spec.markers
        if i in spec.comfort_noise:
            pt, payload = 13, b"\x40"  # RFC 3389: one byte, the noise level
        ts = spec.ts0 + i * step
        if spec.dtmf_at is not None and spec.dtmf_at <= i < spec.dtmf_at + 5:
            pt, marker = spec.dtmf_pt, i == spec.dtmf_at
            ts = spec.ts0 + spec.dtmf_at * step  # RFC 4733: the event keeps its start timestamp
            payload = struct.pack(
                "!BBH", 5, 0x0A | (0x80 if i == spec.dtmf_at + 4 else 0), (i - spec.dtmf_at + 1) * step
            )
        if i in spec.swapped:
            t += spec.ptime_ms / 1000 * 1.5
        data = udp_frame(
            spec.src,
            spec.sport,
            spec.dst,
            spec.dport,
            rtp_header(pt, spec.seq0 + i, ts, spec.ssrc, marker) + payload,
            spec.dscp,
        )
        frames.append((t, data))
        if i in spec.duplicated:
            frames.append((t + 0.0003, data))
    return frames


@dataclass
class SipCall:
    """A SIP call (INVITE with SDP offer, 100, 180, 200 with answer, ACK, BYE, 200)."""

    call_id: str
    caller: str
    callee: str
    caller_rtp: int
    callee_rtp: int
    start: float
    codecs: list[tuple[int, str, int]] = field(default_factory=lambda: [(0, "PCMU", 8000)])
    answer_delay_s: float = 2.5
    duration_s: float = 10.0


def _sdp(addr: str, port: int, codecs: list[tuple[int, str, int]]) -> str:
    pts = " ".join(str(pt) for pt, _, _ in codecs)
    lines = ["v=0", f"o=- 1 1 IN IP4 {addr}", "s=call", f"c=IN IP4 {addr}", "t=0 0", f"m=audio {port} RTP/AVP {pts}"]
    lines += [f"a=rtpmap:{pt} {name}/{rate}" for pt, name, rate in codecs]
    return "\r\n".join([*lines, "a=ptime:20", "a=sendrecv", ""])


def _sip(first: str, call: SipCall, cseq: str, body: str = "", to_tag: bool = True) -> bytes:
    to = f"<sip:bob@{call.callee}>" + (";tag=b0b" if to_tag else "")
    headers = [
        first,
        f"Via: SIP/2.0/UDP {call.caller}:5060;branch=z9hG4bK-{call.call_id[:6]}",
        f"From: <sip:alice@{call.caller}>;tag=a11ce",
        f"To: {to}",
        f"Call-ID: {call.call_id}",
        f"CSeq: {cseq}",
        f"Contact: <sip:alice@{call.caller}:5060>",
        "Max-Forwards: 70",
    ]
    if body:
        headers.append("Content-Type: application/sdp")
    headers.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode()


def sip_frames(call: SipCall) -> list[Frame]:
    """The call's signalling frames (caller and callee talk directly, port 5060)."""
    a, b, t0 = call.caller, call.callee, call.start
    ruri = f"INVITE sip:bob@{b} SIP/2.0"
    up = (a, 5060, b, 5060)
    down = (b, 5060, a, 5060)
    answer_t = t0 + call.answer_delay_s
    msgs = [
        (t0, up, _sip(ruri, call, "1 INVITE", _sdp(a, call.caller_rtp, call.codecs), to_tag=False)),
        (t0 + 0.01, down, _sip("SIP/2.0 100 Trying", call, "1 INVITE", to_tag=False)),
        (t0 + 0.2, down, _sip("SIP/2.0 180 Ringing", call, "1 INVITE")),
        (answer_t, down, _sip("SIP/2.0 200 OK", call, "1 INVITE", _sdp(b, call.callee_rtp, call.codecs))),
        (answer_t + 0.01, up, _sip(f"ACK sip:bob@{b} SIP/2.0", call, "1 ACK")),
        (answer_t + call.duration_s, up, _sip(f"BYE sip:bob@{b} SIP/2.0", call, "2 BYE")),
        (answer_t + call.duration_s + 0.01, down, _sip("SIP/2.0 200 OK", call, "2 BYE")),
    ]
    return [(t, udp_frame(s, sp, d, dp, payload, dscp=24)) for t, (s, sp, d, dp), payload in msgs]


def write_capture(path: Path, frames: Iterable[Frame], fmt: str = "pcap", linktype: int = 1) -> Path:
    """Write frames sorted by time as pcap (microseconds) or pcapng."""
    ordered = sorted(frames, key=lambda f: f[0])
    with path.open("wb") as fh:
        writer = (
            dpkt.pcapng.Writer(fh, linktype=linktype) if fmt == "pcapng" else dpkt.pcap.Writer(fh, linktype=linktype)
        )
        if fmt == "pcapng":
            for ts, data in ordered:
                writer.writepkt(data, ts=ts)
        else:
            _write_pcap_fast(fh, ordered)
    return path


def _write_pcap_fast(out: BinaryIO, frames: Iterable[Frame]) -> None:
    """Append records after the global header dpkt.pcap.Writer wrote (dpkt per packet is slow)."""
    rec = struct.Struct("<IIII")
    for ts, data in frames:
        usec_total = round(ts * 1_000_000)
        out.write(rec.pack(usec_total // 1_000_000, usec_total % 1_000_000, len(data), len(data)))
        out.write(data)


def sample_call_frames(seed: int = 7) -> list[Frame]:
    """A realistic small capture: G.711 and G.729 calls with SIP, Opus on a dynamic PT, and RTP without SIP."""
    t0 = 1_700_000_000.0
    frames: list[Frame] = []
    g711 = SipCall(
        "g711-call-1@192.0.2.10",
        "192.0.2.10",
        "198.51.100.20",
        16384,
        20000,
        t0,
        codecs=[(0, "PCMU", 8000), (101, "telephone-event", 8000)],
    )
    frames += sip_frames(g711)
    media0 = t0 + g711.answer_delay_s + 0.05
    frames += rtp_frames(
        RtpSpec(
            "192.0.2.10",
            16384,
            "198.51.100.20",
            20000,
            0x11111111,
            0,
            start=media0,
            count=400,
            jitter_ms=2.0,
            lost=frozenset({50, 51, 52, 200}),
            swapped=frozenset({120}),
            duplicated=frozenset({300}),
            dtmf_at=250,
            seed=seed,
        )
    )
    frames += rtp_frames(
        RtpSpec(
            "198.51.100.20",
            20000,
            "192.0.2.10",
            16384,
            0x22222222,
            0,
            start=media0 + 0.007,
            count=400,
            jitter_ms=0.5,
            seed=seed + 1,
            dscp=0,
        )
    )
    g729 = SipCall(
        "g729-call-2@192.0.2.11", "192.0.2.11", "198.51.100.21", 17000, 21000, t0 + 1, codecs=[(18, "G729", 8000)]
    )
    frames += sip_frames(g729)
    m1 = t0 + 1 + g729.answer_delay_s + 0.05
    frames += rtp_frames(
        RtpSpec(
            "192.0.2.11",
            17000,
            "198.51.100.21",
            21000,
            0x33333333,
            18,
            payload_len=20,
            start=m1,
            count=300,
            jitter_ms=3.0,
            lost=frozenset(range(100, 110)),
            seed=seed + 2,
        )
    )
    frames += rtp_frames(
        RtpSpec(
            "198.51.100.21",
            21000,
            "192.0.2.11",
            17000,
            0x44444444,
            18,
            payload_len=20,
            start=m1 + 0.003,
            count=300,
            jitter_ms=1.0,
            swapped=frozenset({40, 200}),
            seed=seed + 3,
        )
    )
    opus = SipCall(
        "opus-call-3@192.0.2.12", "192.0.2.12", "198.51.100.22", 18000, 22000, t0 + 2, codecs=[(96, "opus", 48000)]
    )
    frames += sip_frames(opus)
    m2 = t0 + 2 + opus.answer_delay_s + 0.05
    frames += rtp_frames(
        RtpSpec(
            "192.0.2.12",
            18000,
            "198.51.100.22",
            22000,
            0x55555555,
            96,
            clock=48000,
            payload_len=80,
            start=m2,
            count=300,
            jitter_ms=1.5,
            lost=frozenset({7}),
            seed=seed + 4,
        )
    )
    # a stream nobody signalled in this capture (PCMA, static PT 8)
    frames += rtp_frames(
        RtpSpec(
            "203.0.113.5",
            30000,
            "192.0.2.30",
            40000,
            0x66666666,
            8,
            start=t0 + 0.5,
            count=250,
            jitter_ms=2.5,
            lost=frozenset({10, 11}),
            seed=seed + 5,
        )
    )
    return frames


def benchmark_frames(calls: int = 15, packets_per_stream: int = 10_000, seed: int = 42) -> list[Frame]:
    """A busy multi-call capture: ``calls`` SIP calls, two RTP streams each, with jitter and some loss."""
    rng = random.Random(seed)
    t0 = 1_700_000_000.0
    frames: list[Frame] = []
    codecs = [(0, "PCMU", 8000, 160), (18, "G729", 8000, 20), (8, "PCMA", 8000, 160)]
    for k in range(calls):
        pt, name, rate, size = codecs[k % len(codecs)]
        a, b = f"192.0.2.{10 + k}", f"198.51.100.{10 + k}"
        call = SipCall(f"bench-{k}@{a}", a, b, 16000 + 2 * k, 20000 + 2 * k, t0 + k * 0.1, codecs=[(pt, name, rate)])
        frames += sip_frames(call)
        media = t0 + k * 0.1 + call.answer_delay_s + 0.05
        for direction, (src, sport, dst, dport) in enumerate(((a, 16000 + 2 * k, b, 20000 + 2 * k),
                                                               (b, 20000 + 2 * k, a, 16000 + 2 * k))):  # fmt: skip
            lost = frozenset(rng.sample(range(packets_per_stream), k * 3))
            spec = RtpSpec(src, sport, dst, dport, 0x1000_0000 + 2 * k + direction, pt, payload_len=size,
                           count=packets_per_stream, start=media, jitter_ms=1.0 + k % 4, lost=lost,
                           seed=seed + 2 * k + direction)  # fmt: skip
            frames += rtp_frames(spec)
    return frames
