"""The live figures as OpenMetrics/Prometheus text (prometheus_client), per link with site/link/provider labels."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from assess.monitor.store import Sample
from core.errors import UserError

LABELS = ("site", "link", "provider")
# gauge name, help, Sample field
GAUGES = (
    ("assess_link_loss_up_percent", "RTP loss probe to far end in the last interval, percent", "loss_up_pct"),
    ("assess_link_loss_down_percent", "RTP loss far end to probe in the last interval, percent", "loss_down_pct"),
    ("assess_link_jitter_up_milliseconds", "RFC 3550 jitter probe to far end, ms", "jitter_up_ms"),
    ("assess_link_jitter_down_milliseconds", "RFC 3550 jitter far end to probe, ms", "jitter_down_ms"),
    ("assess_link_rtt_milliseconds", "Median round-trip time of the RTP stream, ms", "rtt_ms"),
    ("assess_link_mos", "ITU-T G.107 E-model MOS of the last interval", "mos"),
    ("assess_link_sip_options_rtt_milliseconds", "SIP OPTIONS round trip to the nearest answering server, ms",
     "sip_rtt_ms"),
)


def parse_listen(text: str) -> tuple[str, int]:
    """``:9464`` / ``127.0.0.1:9464`` / ``[::1]:9464`` → (address, port); UserError naming the problem."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdecimal() or not 0 < int(port) < 65536:
        raise UserError(f"--metrics {text!r}: expected HOST:PORT or :PORT (e.g. :9464)")
    return host.strip("[]") or "0.0.0.0", int(port)


class MonitorMetrics:
    """Gauges updated from each sample as it is stored."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._gauges = {field: Gauge(name, doc, LABELS, registry=self.registry) for name, doc, field in GAUGES}
        self._up = Gauge("assess_link_far_end_up", "1 when the far end answered in the last interval",
                         LABELS, registry=self.registry)
        self._dscp = Gauge("assess_link_dscp_preserved", "1 when the voice DSCP arrived unchanged both ways",
                           LABELS, registry=self.registry)
        self._last = Gauge("assess_link_last_sample_timestamp_seconds", "When the last interval ended (Unix time)",
                           LABELS, registry=self.registry)
        self._samples = Counter("assess_link_samples", "Intervals measured, by outcome", (*LABELS, "status"),
                                registry=self.registry)

    def record(self, sample: Sample) -> None:
        """Publish one stored sample."""
        labels = (sample.site, sample.link, sample.provider)
        for field, gauge in self._gauges.items():
            value = getattr(sample, field)
            if value is not None:
                gauge.labels(*labels).set(value)
            elif sample.status != "ok":
                gauge.labels(*labels).set(float("nan"))  # no figure this interval: never the last one's
        self._up.labels(*labels).set(1 if sample.status == "ok" else 0)
        if sample.dscp_sent is not None and sample.dscp_at_far_end is not None:
            kept = sample.dscp_at_far_end == sample.dscp_sent and sample.dscp_on_return == sample.dscp_sent
            self._dscp.labels(*labels).set(1 if kept else 0)
        self._last.labels(*labels).set(sample.ended_at)
        self._samples.labels(*labels, sample.status).inc()

    def serve(self, address: str, port: int) -> None:
        """Serve /metrics (OpenMetrics when the scraper asks for it) on a daemon thread."""
        try:
            start_http_server(port, addr=address, registry=self.registry)
        except OSError as exc:
            raise UserError(f"--metrics {address}:{port}: cannot listen: {exc.strerror or exc}") from None
