"""`assess probe stamp`: an RFC 8762 STAMP session-sender against any session-reflector.

Sends one test packet every ``interval_ms`` for ``duration_s`` (caps: >= 10 ms, <= 300 s, one
packet of 44-140 bytes, i.e. under 120 kbit/s), waits for the last answers (4 x the slowest RTT
seen, 0.5-2 s), then computes:

* RTT = (T4 - T1) - (T3 - T2): the reflector's residence time removed;
* per-direction delay variation from each direction's own transit series (T2 - T1 up, T4 - T3
  down): RFC 3550 jitter and mean |consecutive difference|; clock offsets cancel;
* loss: round trip from the sender's sequence numbers; per direction from the reflector's own
  sequence numbers when the reflector is stateful (it numbers what it received);
* DSCP: the Class-of-Service TLV (RFC 8972) asks the reflector for DSCP1 on the way back and
  has it report DSCP2 as received; a reflector that does not know the TLV says so with the U
  flag or by dropping it, and the result says so.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import time
from dataclasses import dataclass

from collectors.probes.requests import StampProbe
from collectors.probes.rtp_analysis import rfc3550_series
from core.errors import NotAssessedError
from core.models.stamp import StampResult
from wire.sockio import enable_ancillary, receive
from wire.stamp import (
    FLAG_UNRECOGNIZED,
    TLV_CLASS_OF_SERVICE,
    ReflectedPacket,
    SenderPacket,
    StampError,
    class_of_service,
    ns_from_ntp,
    ntp_from_ns,
    pack_sender,
    read_class_of_service,
    unpack_reflected,
)

MIN_INTERVAL_MS = 10.0
MAX_DURATION_S = 300.0
DRAIN_S = 2.0  # the longest wait for the last answers; 4 x the slowest RTT seen, at least DRAIN_MIN_S
DRAIN_MIN_S = 0.5
FIRST_ANSWER_S = 2.0  # nothing back by then (a few packets sent): not assessed, do not keep sending


def check_stamp(request: StampProbe) -> None:
    """ValueError naming the first setting out of bounds (the DSCP's bound is the request's own)."""
    if not MIN_INTERVAL_MS <= request.interval_ms <= 1000:
        raise ValueError(f"--interval {request.interval_ms:g}: between {MIN_INTERVAL_MS:g} and 1000 ms")
    if not 0 < request.duration_s <= MAX_DURATION_S:
        raise ValueError(f"--duration {request.duration_s:g}: more than 0 and at most {MAX_DURATION_S:g} s")


@dataclass
class Sample:
    """One answered test packet: T1..T4 in Unix ns and what came with it."""

    sender_seq: int
    reflector_seq: int
    t1: int
    t2: int
    t3: int
    t4: int
    tos_back: int | None
    packet: ReflectedPacket


def run_stamp(settings: StampProbe) -> StampResult:
    """Run one session and analyse it; NotAssessedError when the reflector never answers."""
    check_stamp(settings)
    key = settings.secret.encode() if settings.secret else None
    label = f"{settings.host}:{settings.port}"
    try:
        address = (socket.gethostbyname(settings.host), settings.port)
    except OSError as exc:
        raise NotAssessedError(label, f"cannot resolve {settings.host}: {exc}") from exc
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, settings.dscp << 2)
        enable_ancillary(sock)
        sock.connect(address)
        sent, samples = _session(sock, settings, key, label)
    return analyse(settings, key is not None, sent, samples)


def _session(sock: socket.socket, s: StampProbe, key: bytes | None, label: str) -> tuple[int, list[Sample]]:
    ssid = int.from_bytes(os.urandom(2), "big") or 1
    tlvs = [class_of_service(s.dscp)] if s.class_of_service else []
    sent_at: dict[int, int] = {}
    samples: list[Sample] = []
    count = max(1, int(s.duration_s * 1000 / s.interval_ms))
    start = time.monotonic()
    for seq in range(count):
        due = start + seq * s.interval_ms / 1000
        _collect(sock, due, sent_at, samples, key)
        if seq * s.interval_ms / 1000 >= FIRST_ANSWER_S and not samples:
            raise NotAssessedError(label, f"no STAMP reflection from {label} within {FIRST_ANSWER_S:g} s "
                                          f"({seq} test packets): is a STAMP reflector there, in the same mode"
                                          f"{' and with the same key' if key else ''}?")
        t1 = time.time_ns()
        packet = SenderPacket(seq, ntp_from_ns(t1), ssid, tlvs=tlvs)
        with contextlib.suppress(OSError):  # ICMP unreachable from an earlier packet: it counts as lost
            sock.send(pack_sender(packet, key))
        sent_at[seq] = t1
    slowest_s = max(((x.t4 - x.t1) / 1e9 for x in samples), default=DRAIN_S)
    _collect(sock, time.monotonic() + min(DRAIN_S, max(DRAIN_MIN_S, 4 * slowest_s)), sent_at, samples, key)
    return count, samples


def _collect(sock: socket.socket, until: float, sent_at: dict[int, int], out: list[Sample], key: bytes | None) -> None:
    seen = {x.sender_seq for x in out}
    while (left := until - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            dg = receive(sock)
        except (TimeoutError, BlockingIOError, ConnectionRefusedError):
            continue
        except OSError:
            return
        try:
            pkt = unpack_reflected(dg.data, key)
        except StampError:
            continue
        t1 = sent_at.get(pkt.sender_seq)
        if t1 is None or pkt.sender_seq in seen or ntp_from_ns(t1) >> 16 != pkt.sender_timestamp >> 16:
            continue  # not ours (or a duplicate)
        seen.add(pkt.sender_seq)
        out.append(Sample(pkt.sender_seq, pkt.seq, t1, ns_from_ntp(pkt.receive_timestamp),
                          ns_from_ntp(pkt.timestamp), dg.rx_ns, dg.tos, pkt))


def _ms(ns: float) -> float:
    return ns / 1e6


def _jitter_ms(pairs: list[tuple[int, int]]) -> float:
    """Mean RFC 3550 jitter of (send, receive) ns pairs taken in arrival order."""
    ordered = sorted(pairs, key=lambda p: p[1])
    series = rfc3550_series([s / 1000 for s, _ in ordered], [r / 1000 for _, r in ordered])
    return statistics.fmean(series) / 1000 if series else 0.0


def _ipdv_ms(transits: dict[int, int]) -> float:
    """Mean |transit(k) - transit(k-1)| over consecutive sequence numbers both answered."""
    diffs = [abs(transits[k] - transits[k - 1]) for k in transits if k - 1 in transits]
    return _ms(statistics.fmean(diffs)) if diffs else 0.0


def _most_common(values: list[int]) -> int | None:
    return statistics.mode(values) if values else None


def _direction_loss(samples: list[Sample], notes: list[str]) -> tuple[float | None, float | None, bool | None]:
    """(up %, down %, stateful) from the reflector's sequence numbers."""
    stateful = any(x.reflector_seq != x.sender_seq for x in samples)
    last_sent = max(x.sender_seq for x in samples) + 1  # packets up to the last answered one
    reached = max(x.reflector_seq for x in samples) + 1
    if not stateful:
        if len(samples) == last_sent:
            return 0.0, 0.0, None
        notes.append("the reflector's sequence numbers equal the sender's: it is stateless (or nothing was "
                     "lost upstream); loss is given for the round trip only")
        return None, None, None
    up = 100.0 * (last_sent - reached) / last_sent
    down = 100.0 * (reached - len(samples)) / reached
    return round(max(up, 0.0), 3), round(max(down, 0.0), 3), True


def _dscp(settings: StampProbe, samples: list[Sample], notes: list[str]) -> tuple[int | None, bool | None]:
    """(DSCP at the far end, CoS TLV supported)."""
    if not settings.class_of_service:
        return None, None
    cos = [t for x in samples for t in x.packet.tlvs if t.type == TLV_CLASS_OF_SERVICE]
    answered = [t for t in cos if not t.flags & FLAG_UNRECOGNIZED and len(t.value) == 4]
    if not answered:
        how = "marked it unrecognised" if cos else "dropped it"
        notes.append(f"the reflector does not support the RFC 8972 Class-of-Service TLV ({how}): "
                     "the DSCP it received is unknown; only the DSCP on return is measured")
        return None, False
    fields = [read_class_of_service(t) for t in answered]
    if any(rp for _, _, _, rp in fields):
        notes.append("the reflector reports (RP) that it could not use the requested DSCP on return")
    return _most_common([dscp2 for _, dscp2, _, _ in fields]), True


def analyse(settings: StampProbe, authenticated: bool, sent: int, samples: list[Sample]) -> StampResult:
    """The session's result (samples: one per answered test packet)."""
    label = f"{settings.host}:{settings.port}"
    if not samples:
        raise NotAssessedError(label, f"no STAMP reflection from {label} in {settings.duration_s:g} s")
    notes: list[str] = []
    rtts = sorted(_ms((x.t4 - x.t1) - (x.t3 - x.t2)) for x in samples)
    up, down, stateful = _direction_loss(samples, notes)
    dscp_far, cos_ok = _dscp(settings, samples, notes)
    jitter_up = _jitter_ms([(x.t1, x.t2) for x in samples])
    jitter_down = _jitter_ms([(x.t3, x.t4) for x in samples])
    tail = sent - (max(x.sender_seq for x in samples) + 1)
    if tail and stateful:
        notes.append(f"{tail} packet(s) after the last answered one: counted in round-trip loss only")
    return StampResult(
        target=label,
        mode="authenticated" if authenticated else "unauthenticated",
        interval_ms=settings.interval_ms,
        duration_s=settings.duration_s,
        packets_sent=sent,
        packets_received=len(samples),
        loss_pct=round(100.0 * (sent - len(samples)) / sent, 3),
        loss_up_pct=up,
        loss_down_pct=down,
        reflector_stateful=stateful,
        jitter_ms=round(max(jitter_up, jitter_down), 3),
        jitter_up_ms=round(jitter_up, 3),
        jitter_down_ms=round(jitter_down, 3),
        ipdv_up_ms=round(_ipdv_ms({x.sender_seq: x.t2 - x.t1 for x in samples}), 3),
        ipdv_down_ms=round(_ipdv_ms({x.sender_seq: x.t4 - x.t3 for x in samples}), 3),
        rtt_ms=round(statistics.median(rtts), 3),
        rtt_min_ms=round(rtts[0], 3),
        rtt_p95_ms=round(rtts[min(len(rtts) - 1, int(0.95 * len(rtts)))], 3),
        dscp_sent=settings.dscp,
        dscp_at_far_end=dscp_far,
        dscp_on_return=_most_common([x.tos_back >> 2 for x in samples if x.tos_back is not None]),
        cos_tlv_supported=cos_ok,
        notes=notes,
    )


def stamp_ping(host: str, port: int, secret: str | None, timeout_s: float = 2.0, tries: int = 3) -> Sample | None:
    """One test packet (resent up to ``tries`` times within ``timeout_s``) and its reflection."""
    key = secret.encode() if secret else None
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        enable_ancillary(sock)
        sock.connect((socket.gethostbyname(host), port))
        ssid = int.from_bytes(os.urandom(2), "big") or 1
        sent_at: dict[int, int] = {}
        samples: list[Sample] = []
        for seq in range(tries):
            sent_at[seq] = time.time_ns()
            packet = SenderPacket(seq, ntp_from_ns(sent_at[seq]), ssid, tlvs=[class_of_service(0)])
            with contextlib.suppress(OSError):
                sock.send(pack_sender(packet, key))
            _collect(sock, time.monotonic() + timeout_s / tries, sent_at, samples, key)
            if samples:
                return samples[0]
    return None
