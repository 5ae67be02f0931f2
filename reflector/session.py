"""One probe session on the reflector: which packets arrived, RFC 3550 jitter, DSCP seen."""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field

from core.stats import percentile
from wire.reflector_protocol import DSCP_UNKNOWN, Hello, Stats

MAX_PACKETS = 30_000  # 300 s at 10 ms: the longest stream a probe may run


@dataclass
class Session:
    """Receive-side state of one probe stream, keyed by a reflector-chosen session id."""

    session_id: int
    source: tuple[str, int]
    hello: Hello
    key: bytes | None
    created: float
    last_seen: float = 0.0
    received: int = 0
    duplicates: int = 0
    reordered: int = 0
    highest_index: int = -1
    echo_seq: int = 0
    last_stats_seq: int = 0
    jitter_us: float = 0.0
    prev_transit_us: float | None = None
    jitter_samples: array[float] = field(default_factory=lambda: array("d"))
    dscp_counts: Counter[int] = field(default_factory=Counter)
    dscp_first: int = DSCP_UNKNOWN
    dscp_last: int = DSCP_UNKNOWN
    bitmap: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        self.bitmap = bytearray((min(self.hello.max_packets, MAX_PACKETS) + 7) // 8)

    @property
    def max_packets(self) -> int:
        """Packets this session may carry."""
        return min(self.hello.max_packets, MAX_PACKETS)

    def index_of(self, seq: int) -> int:
        """Position of RTP sequence ``seq`` in the stream (0 = first packet)."""
        return (seq - self.hello.first_seq) & 0xFFFF

    def record(self, seq: int, send_us: int, rx_ns: int, tos: int | None) -> bool:
        """Account for an arriving packet; False for a duplicate or out-of-range one (not echoed)."""
        index = self.index_of(seq)
        if index >= self.max_packets:
            return False
        byte, bit = divmod(index, 8)
        if self.bitmap[byte] & (1 << bit):
            self.duplicates += 1
            return False
        self.bitmap[byte] |= 1 << bit
        self.received += 1
        if index < self.highest_index:
            self.reordered += 1
        self.highest_index = max(self.highest_index, index)
        self._jitter(send_us, rx_ns)
        dscp = tos >> 2 if tos is not None else DSCP_UNKNOWN
        self.dscp_counts[dscp] += 1
        if self.dscp_first == DSCP_UNKNOWN:
            self.dscp_first = dscp
        self.dscp_last = dscp
        return True

    def _jitter(self, send_us: int, rx_ns: int) -> None:
        """RFC 3550 §6.4.1 interarrival jitter, with the probe's send stamp as the packet's time.

        The stamp (not the nominal RTP time) keeps the sender's own scheduling noise out of the
        network figure; the probe reports that noise separately. Clocks need no sync: only
        differences of transit times count, computed modulo 2^32 µs.
        """
        transit = ((rx_ns // 1000) - send_us) & 0xFFFFFFFF
        if self.prev_transit_us is not None:
            d = ((transit - int(self.prev_transit_us) + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
            self.jitter_us += (abs(d) - self.jitter_us) / 16.0
            self.jitter_samples.append(self.jitter_us)
        self.prev_transit_us = transit

    def stats(self, request_seq: int, offset: int, room: int) -> Stats:
        """Counters and the slice of the arrival bitmap starting at ``offset`` that fits in ``room``."""
        samples = self.jitter_samples
        mean = sum(samples) / len(samples) if samples else 0.0
        mode = self.dscp_counts.most_common(1)[0][0] if self.dscp_counts else DSCP_UNKNOWN
        chunk = bytes(self.bitmap[offset : offset + max(room, 0)]) if 0 <= offset <= len(self.bitmap) else b""
        return Stats(
            request_seq=request_seq,
            received=self.received,
            duplicates=self.duplicates,
            reordered=self.reordered,
            jitter_mean_us=int(mean),
            jitter_p95_us=int(percentile(samples, 95)),
            jitter_max_us=int(max(samples, default=0.0)),
            jitter_last_us=int(self.jitter_us),
            dscp_first=self.dscp_first,
            dscp_last=self.dscp_last,
            dscp_mode=mode,
            dscp_distinct=min(len(self.dscp_counts), 255),
            highest_index=max(self.highest_index, 0) & 0xFFFFFFFF,
            bitmap_offset=offset,
            bitmap=chunk,
        )
