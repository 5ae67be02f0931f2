"""Per-stream RTP statistics, fed a chunk of packets at a time.

Packets, lost, max delta and the jitter figures replicate Wireshark's RTP analysis
(ui/tap-rtp-analysis.c, `rtppacket_analyse`) so they equal `tshark -z rtp,streams`:
jitter J = J + (|D| - J)/16 from arrival times and RTP timestamps; "Mean Jitter" is the
running mean of J over regular packets (not marker, comfort noise or timestamp-in-the-past
packets); "Lost" is expected - received, with expected from the first and last sequence
numbers seen and wrap-around cycles. Duplicates, reordering and loss bursts are counted
separately from a bitmap of the extended sequence numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # numpy.typing for the checker only: the aliases appear in annotations alone (text at run time)
    import numpy.typing as npt

    F64 = npt.NDArray[np.float64]
    I64 = npt.NDArray[np.int64]

# Clock rates of the static payload types (RFC 3551), as Wireshark's table.
STATIC_CLOCK: dict[int, int] = {pt: 8000 for pt in (0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 15, 18, 19)}
STATIC_CLOCK.update({6: 16000, 10: 44100, 11: 44100, 16: 11025, 17: 22050})
STATIC_CLOCK.update({pt: 90000 for pt in (14, 25, 26, 28, 31, 32, 33, 34)})
STATIC_NAMES: dict[int, str] = {0: "PCMU", 3: "GSM", 4: "G723", 8: "PCMA", 9: "G722", 13: "CN", 18: "G729"}
COMFORT_NOISE = (13, 19)
PTIME_STEPS = 200  # packetisation: the median of the first this many timestamp steps


def clock_rate(pt: int, rtpmap: dict[int, tuple[str, int]]) -> int:
    """The RTP clock of a payload type; 0 when unknown or for telephone-event (as Wireshark)."""
    if pt < 96:
        return STATIC_CLOCK.get(pt, 0)
    entry = rtpmap.get(pt)
    if entry is None or entry[0].lower().startswith("telephone-event"):
        return 0
    return entry[1]


_BLOCK = 256
_DECAY = (15 / 16) ** np.arange(1, _BLOCK + 1)
_GROWTH = 1.0 / _DECAY


def rfc3550_filter(diff: F64, jitter: float) -> F64:
    """J_i = (15 J_(i-1) + |D_i|) / 16 for every i, vectorised in blocks.

    Within a block J_k = a^k (J_0 + 1/16 · sum_m D_m a^-m) with a = 15/16; all terms are
    positive, so the result matches the packet-by-packet recursion to ~1e-14 relative.
    """
    out = np.empty(len(diff), dtype=np.float64)
    for start in range(0, len(diff), _BLOCK):
        block = diff[start : start + _BLOCK]
        n = len(block)
        out[start : start + n] = _DECAY[:n] * (jitter + np.cumsum(block * _GROWTH[:n]) / 16)
        jitter = float(out[start + n - 1])
    return out


def _running_mean(mean: float, jitter: F64, regular: npt.NDArray[np.bool_], total_nr: int) -> float:
    """Wireshark's mean-jitter update over a chunk, one run of regular packets at a time.

    Per regular packet it does mean = (mean (n - 1) + J) / n, n = packets before this one;
    over consecutive regular packets that telescopes to (mean (n_first - 1) + sum J) / n_last.
    """
    idx = np.flatnonzero(regular)
    breaks = np.flatnonzero(np.diff(idx) != 1) + 1
    for run in np.split(idx, breaks):
        n_first, n_last = total_nr + int(run[0]), total_nr + int(run[-1])
        mean = (mean * (n_first - 1) + float(jitter[run].sum())) / n_last
    return mean


def _unwrap(values: I64, previous: int | None, modulus: int) -> I64:
    """Extend wrapping counters (sequence numbers, timestamps) relative to the previous value."""
    half = modulus // 2
    ref = np.concatenate(([values[0] if previous is None else previous], values))
    steps = np.diff(ref)
    steps = (steps + half) % modulus - half  # nearest step, wrap-aware
    start = values[0] if previous is None else previous
    return start + np.cumsum(steps)


@dataclass
class StreamStats:
    """Running state of one stream (Wireshark's `tap_rtp_stat_t` plus our extras)."""

    rtpmap: dict[int, tuple[str, int]] = field(default_factory=dict)
    total_nr: int = 0
    start_seq: int = 0
    stop_seq: int = 0
    cycles: int = 0
    under: bool = False
    time: float = 0.0
    first_ts: int = 0
    last_nominal: float = 0.0
    delta: float = 0.0
    pt: int = -1
    jitter: float = 0.0
    max_jitter: float = 0.0
    mean_jitter: float = 0.0
    max_delta: float = 0.0
    jitter_seen: bool = False
    first_ms: float = 0.0
    last_ms: float = 0.0
    last_ext_seq: int | None = None
    last_ext_ts: int | None = None
    max_ext_seq: int = -(2**62)
    first_ext_seq: int = 0
    seen: bytearray = field(default_factory=bytearray)
    duplicates: int = 0
    out_of_order: int = 0
    pts: set[int] = field(default_factory=set)
    dscp: set[int] = field(default_factory=set)
    ts_steps: list[int] = field(default_factory=list)

    def feed(self, t_ms: F64, seq: I64, ts: I64, pt: I64, marker: I64, tos: I64) -> None:
        """Add one chunk's packets of this stream, in capture order."""
        ext_ts = _unwrap(ts, self.last_ext_ts, 1 << 32)
        ext_seq = _unwrap(seq, self.last_ext_seq, 1 << 16)
        self._packetisation_steps(ext_seq, ext_ts)
        self.last_ext_ts, self.last_ext_seq = int(ext_ts[-1]), int(ext_seq[-1])
        self._extras(ext_seq, pt, tos)
        if self.total_nr == 0:  # the first packet only sets the state
            self._start(float(t_ms[0]), int(seq[0]), int(ts[0]), int(pt[0]))
            t_ms, seq, ts, pt, marker = t_ms[1:], seq[1:], ts[1:], pt[1:], marker[1:]
        if not len(t_ms):
            return
        clock = self._uniform_clock(seq, ts, pt)
        if clock:
            self._wireshark_fast(t_ms, seq, ts, int(pt[0]), clock, marker)
        else:
            self._wireshark(t_ms.tolist(), seq.tolist(), ts.tolist(), pt.tolist(), marker.tolist())

    def _packetisation_steps(self, ext_seq: I64, ext_ts: I64) -> None:
        """Keep the first PTIME_STEPS timestamp steps between consecutive sequence numbers (any chunking)."""
        room = PTIME_STEPS - len(self.ts_steps)
        if room <= 0:
            return
        if self.last_ext_seq is not None and self.last_ext_ts is not None:  # the pair across the chunk boundary
            ext_seq, ext_ts = np.append(self.last_ext_seq, ext_seq), np.append(self.last_ext_ts, ext_ts)
        steps = np.diff(ext_ts)
        good = (np.diff(ext_seq) == 1) & (steps > 0)
        self.ts_steps += steps[good][:room].tolist()

    def _start(self, t: float, seq: int, ts: int, pt: int) -> None:
        """The stream's first packet: Wireshark's first_packet state."""
        self.start_seq = self.stop_seq = seq
        self.time, self.first_ts, self.pt = t, ts, pt
        self.first_ms = self.last_ms = t
        self.total_nr = 1

    def _uniform_clock(self, seq: I64, ts: I64, pt: I64) -> int:
        """The clock rate when every packet takes the plain path of rtppacket_analyse, else 0.

        That is: one payload type with a known clock, no comfort noise, no timestamp before the
        stream's first, and no sequence-number wrap bookkeeping in this chunk.
        """
        first = int(pt[0])
        if self.under or self.pt in COMFORT_NOISE or first in COMFORT_NOISE or int(seq.min()) <= self.start_seq:
            return 0
        if not (pt == first).all() or int(((ts - self.first_ts) & 0xFFFFFFFF).max()) >= 0x80000000:
            return 0
        return clock_rate(first, self.rtpmap)

    def _wireshark_fast(self, t: F64, seq: I64, ts: I64, pt: int, clock: int, marker: I64) -> None:
        """rtppacket_analyse vectorised for the plain path; the recursions stay exact (same float ops)."""
        nominal = ((ts - self.first_ts) & 0xFFFFFFFF).astype(np.float64) / (clock // 1000)
        prev_t = np.concatenate(([self.time], t[:-1]))
        prev_nominal = np.concatenate(([self.last_nominal], nominal[:-1]))
        diff = np.abs(t - (prev_t + (nominal - prev_nominal)))
        jitter = rfc3550_filter(diff, self.jitter)
        delta = t - prev_t
        regular = marker == 0
        if regular.any():
            self.max_delta = max(self.max_delta, float(delta[regular].max()))
            self.max_jitter = max(self.max_jitter, float(jitter[regular].max()))
            self.jitter_seen = True
            self.mean_jitter = _running_mean(self.mean_jitter, jitter, regular, self.total_nr)
        self.time, self.last_nominal, self.jitter, self.delta = (
            float(t[-1]),
            float(nominal[-1]),
            float(jitter[-1]),
            float(delta[-1]),
        )
        self.pt, self.stop_seq, self.total_nr = pt, int(seq[-1]), self.total_nr + len(t)
        self.last_ms = float(t[-1])

    def _extras(self, ext_seq: I64, pt: I64, tos: I64) -> None:
        if self.total_nr == 0:
            self.first_ext_seq = int(ext_seq[0])
        running_max = np.maximum.accumulate(np.concatenate(([self.max_ext_seq], ext_seq)))[:-1]
        idx = ext_seq - self.first_ext_seq
        idx = idx[idx >= 0]  # a packet numbered before the first is late, not in the bitmap
        if len(idx):
            need = int(idx.max()) + 1
            if need > len(self.seen):
                self.seen.extend(bytes(need - len(self.seen) + 4096))
            bitmap = np.frombuffer(self.seen, dtype=np.uint8)  # a writable view of the bytearray
            uniq, counts = np.unique(idx, return_counts=True)
            self.duplicates += int((counts - 1).sum() + (bitmap[uniq] > 0).sum())
            bitmap[uniq] = 1
            del bitmap  # release the export so the bytearray can grow next time
        late = ext_seq < running_max
        self.out_of_order += int(late.sum())
        self.max_ext_seq = max(self.max_ext_seq, int(ext_seq.max()))
        self.pts.update(np.flatnonzero(np.bincount(pt)).tolist())  # payload types < 128, DSCP < 64: counted
        self.dscp.update(np.flatnonzero(np.bincount(tos >> 2)).tolist())

    def _wireshark(
        self, times: list[float], seqs: list[int], ts32: list[int], pts: list[int], marks: list[int]
    ) -> None:
        """rtppacket_analyse of Wireshark 4.0, packet by packet (its branches make it sequential)."""
        rtpmap = self.rtpmap
        clocks: dict[int, int] = {}
        time, first_ts, last_nominal, jitter, prev_pt = (
            self.time,
            self.first_ts,
            self.last_nominal,
            self.jitter,
            self.pt,
        )
        start_seq, stop_seq, cycles, under = self.start_seq, self.stop_seq, self.cycles, self.under
        max_jitter, mean_jitter, max_delta, total_nr = self.max_jitter, self.mean_jitter, self.max_delta, self.total_nr
        delta, jitter_seen = self.delta, self.jitter_seen
        for i in range(len(times)):
            t, seq, pt = times[i], seqs[i], pts[i]
            nominal = (ts32[i] - first_ts) & 0xFFFFFFFF
            in_seq = nominal < 0x80000000  # not before the stream's first timestamp
            if in_seq:
                if (seq < start_seq and not under) or (seq == 0 and stop_seq == 65535 and not under):
                    cycles, under = cycles + 1, True
                elif seq > start_seq and under:
                    under = False
            follow_cn = prev_pt in COMFORT_NOISE
            prev_pt = pt
            clock = clocks.get(pt)
            if clock is None:
                clock = clocks[pt] = clock_rate(pt, rtpmap)
            if in_seq:
                delta = t - time
                if clock:
                    nominal_ms = nominal / (clock // 1000)  # integer kHz, as Wireshark divides
                    jitter = (15 * jitter + abs(t - (time + (nominal_ms - last_nominal)))) / 16
                    last_nominal = nominal_ms
                if not marks[i] and pt not in COMFORT_NOISE and not follow_cn:
                    if delta > max_delta:
                        max_delta = delta
                    if clock:
                        jitter_seen = True
                        if jitter > max_jitter:
                            max_jitter = jitter
                        mean_jitter = (mean_jitter * (total_nr - 1) + jitter) / total_nr
                time = t
            stop_seq = seq
            total_nr += 1
        self.time, self.last_nominal, self.jitter, self.pt = time, last_nominal, jitter, prev_pt
        self.start_seq, self.stop_seq, self.cycles, self.under = start_seq, stop_seq, cycles, under
        self.max_jitter, self.mean_jitter, self.max_delta, self.total_nr = max_jitter, mean_jitter, max_delta, total_nr
        self.delta, self.jitter_seen = delta, jitter_seen
        self.last_ms = times[-1]

    @property
    def expected(self) -> int:
        """Packets expected from the first and last sequence numbers seen (Wireshark)."""
        return self.stop_seq + self.cycles * 65536 - self.start_seq + 1

    def loss_runs(self) -> list[int]:
        """Lengths of the runs of sequence numbers never received, between first and highest."""
        span = self.max_ext_seq - self.first_ext_seq + 1
        if span <= 0:
            return []
        got = np.frombuffer(self.seen, dtype=np.uint8, count=span) > 0
        edges = np.diff(np.concatenate(([1], got.astype(np.int8), [1])))
        starts, ends = np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)
        return (ends - starts).tolist()
