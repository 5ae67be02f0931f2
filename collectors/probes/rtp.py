"""`assess probe rtp`: a paced synthetic RTP stream echoed by `assess reflector`.

Pacing follows an absolute schedule on the monotonic clock: the sender sleeps (while draining
echoes) until ~1.5 ms before each due time, then busy-waits, so it adds almost no jitter of its
own (the noise floor is measured on every run and reported). Arrival times come from the kernel
(SO_TIMESTAMPNS), so the Python receive path adds none either.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import time

from collectors.probes.codecs import CODECS
from collectors.probes.reflector_client import ReflectorClient, new_nonce
from collectors.probes.requests import RtpProbe
from collectors.probes.rtp_analysis import EchoSeen, RtpObservations, analyse
from core.errors import NotAssessedError
from core.models.probes import RtpResult
from wire import reflector_protocol as p
from wire.sockio import Datagram, receive

MAX_DURATION_S = 300.0
MAX_PACKETS_PER_S = 100  # ptime 10 ms at most
MIN_PTIME_MS, MAX_PTIME_MS = 10, 120
SPIN_NS = 1_500_000  # busy-wait the last 1.5 ms before each send
DRAIN_MAX_S = 2.0  # wait at most this long for late echoes after the last packet
DRAIN_IDLE_S = 0.3  # ... and stop earlier once no echo came for this long (or 3 RTTs)


def check_rtp(request: RtpProbe) -> None:
    """Enforce the hard caps (ValueError with the reason)."""
    if request.codec not in CODECS:
        raise ValueError(f"codec must be one of {', '.join(CODECS)}")
    if not MIN_PTIME_MS <= request.ptime_ms <= MAX_PTIME_MS:
        raise ValueError(f"ptime must be {MIN_PTIME_MS}-{MAX_PTIME_MS} ms")
    if not 0 < request.duration_s <= MAX_DURATION_S:
        raise ValueError(f"duration must be more than 0 and at most {MAX_DURATION_S:.0f} s")
    if not 0 <= request.jitter_buffer_ms <= 1000:
        raise ValueError("jitter buffer must be 0-1000 ms")


def packet_count(request: RtpProbe) -> int:
    """Packets in the stream."""
    return max(int(request.duration_s * 1000 / request.ptime_ms), 1)


class _Stream:
    def __init__(self, settings: RtpProbe) -> None:
        self.s = settings
        self.shape = CODECS[settings.codec]
        self.client = ReflectorClient(settings.host, settings.port, settings.secret, tos=settings.dscp << 2)
        self.seq0 = secrets.randbits(16)
        self.ts0 = secrets.randbits(32)
        self.session = self.client.hello(p.Hello(new_nonce(), self.seq0, self.ts0, self.shape.clock_rate,
                                                 settings.ptime_ms * 1000, packet_count(settings)))
        self.obs = RtpObservations(settings, 0, [], [], seq0=self.seq0)

    def _absorb(self, dg: Datagram) -> None:
        try:
            echo = p.parse_echo(dg.data, self.session.key)
        except p.ProtocolError:
            return
        if echo.rtp.ssrc != self.session.session_id:
            return
        index = (echo.orig_seq - self.seq0) & 0xFFFF
        if index >= self.obs.sent:
            return
        self.obs.echoes.append(
            EchoSeen(index, echo.rtp.seq, dg.rx_ns, dg.tos, echo.rx_us, echo.tx_us, echo.dscp_received)
        )

    def _drain_until(self, deadline_ns: int) -> None:
        """Receive echoes until ``deadline_ns`` (monotonic), then return."""
        sock = self.client.sock
        while (left := deadline_ns - time.monotonic_ns()) > 0:
            ready, _, _ = select.select([sock], [], [], left / 1e9)
            if not ready:
                return
            for _ in range(32):
                try:
                    sock.setblocking(False)
                    self._absorb(receive(sock))
                except (BlockingIOError, ConnectionRefusedError):
                    break
                finally:
                    sock.setblocking(True)

    def _drain_tail(self) -> None:
        """Collect late echoes: until all are back, the path has been quiet a while, or DRAIN_MAX_S."""
        end = time.monotonic_ns() + int(DRAIN_MAX_S * 1e9)
        while time.monotonic_ns() < end and len(self.obs.echoes) < self.obs.sent:
            rtts = [e.rx_ns - self.obs.send_ns[e.index] for e in self.obs.echoes[-50:]]
            idle_ns = max(int(DRAIN_IDLE_S * 1e9), 3 * max(rtts, default=0))
            before = len(self.obs.echoes)
            self._drain_until(min(time.monotonic_ns() + idle_ns, end))
            if len(self.obs.echoes) == before:
                return

    def run(self) -> RtpObservations:
        s, sock = self.s, self.client.sock
        payload = max(self.shape.payload_bytes(s.ptime_ms), p.MIN_MEDIA_PAYLOAD)
        step_ns = s.ptime_ms * 1_000_000
        start = time.monotonic_ns() + 20_000_000
        for i in range(packet_count(s)):
            rtp = p.Rtp(
                self.shape.payload_type,
                self.seq0 + i,
                self.ts0 + i * self.shape.samples(s.ptime_ms),
                self.session.session_id,
            )
            due = start + i * step_ns
            self._drain_until(due - SPIN_NS)
            while time.monotonic_ns() < due:
                pass  # busy-wait: sleep() would wake up to ~1 ms late
            actual = time.monotonic_ns()
            real = time.time_ns()
            # stamped just before sending, so late scheduling of the sender is not counted as network jitter
            packet = p.build_probe(rtp, s.dscp, payload, self.session.key, send_us=real // 1000)
            # an ICMP error from an earlier packet surfaces here: keep the schedule
            with contextlib.suppress(OSError):
                sock.send(packet)
            self.obs.send_ns.append(real)
            self.obs.pace_error_ns.append(actual - due)
            self.obs.sent = i + 1
        self._drain_tail()
        self.obs.stats = self.client.stats(self.session)
        for dg in self.client.stray:
            self._absorb(dg)
        return self.obs


def run_stream(request: RtpProbe) -> RtpObservations:
    """Send the stream and collect observations; NotAssessedError when the reflector is unusable."""
    check_rtp(request)
    stream = _Stream(request)
    try:
        return stream.run()
    finally:
        stream.client.close()


def run_rtp_probe(request: RtpProbe) -> RtpResult:
    """Measure the link with one stream and analyse it."""
    try:
        observations = run_stream(request)
    except OSError as exc:
        raise NotAssessedError(
            f"{request.host}:{request.port}", f"network error: {os.strerror(exc.errno or 0)}"
        ) from exc
    return analyse(observations)
