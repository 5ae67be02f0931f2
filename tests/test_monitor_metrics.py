"""The monitor's OpenMetrics figures and the shipped Prometheus/Grafana examples agree with each other."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from assess.monitor.metrics import MonitorMetrics, parse_listen
from assess.monitor.store import Sample
from core.errors import UserError

DOCS = Path(__file__).parents[1] / "docs" / "monitoring"
LABELS = {"site": "branch", "link": "br-broadband", "provider": "CityNet"}


def _scrape(metrics: MonitorMetrics) -> dict[str, dict[str, float]]:
    """metric sample name -> {status or '': value} for the branch link."""
    out: dict[str, dict[str, float]] = {}
    for family in text_string_to_metric_families(generate_latest(metrics.registry).decode()):
        for s in family.samples:
            if {k: s.labels.get(k) for k in LABELS} == LABELS:
                out.setdefault(s.name, {})[s.labels.get("status", "")] = s.value
    return out


def test_a_sample_becomes_labelled_figures_and_an_unreachable_interval_blanks_them() -> None:
    metrics = MonitorMetrics()
    metrics.record(Sample(**LABELS, slot=3, started_at=1e9, ended_at=1e9 + 25, status="ok", loss_up_pct=0.4,
                          loss_down_pct=0.1, jitter_up_ms=5.2, jitter_down_ms=3.1, rtt_ms=28.0, mos=4.31,
                          dscp_sent=46, dscp_at_far_end=0, dscp_on_return=46, sip_rtt_ms=21.0))
    got = _scrape(metrics)
    assert got["assess_link_mos"][""] == 4.31
    assert got["assess_link_loss_up_percent"][""] == 0.4
    assert got["assess_link_jitter_down_milliseconds"][""] == 3.1
    assert got["assess_link_dscp_preserved"][""] == 0  # EF bleached on the way out
    assert got["assess_link_far_end_up"][""] == 1
    assert got["assess_link_samples_total"]["ok"] == 1
    metrics.record(Sample(**LABELS, slot=4, started_at=1e9 + 300, ended_at=1e9 + 330, status="unreachable",
                          reason="no answer"))
    got = _scrape(metrics)
    assert math.isnan(got["assess_link_mos"][""])  # never the previous interval's figure
    assert got["assess_link_far_end_up"][""] == 0
    assert got["assess_link_samples_total"] == {"ok": 1, "unreachable": 1}


def test_the_grafana_dashboard_charts_only_metrics_the_monitor_serves() -> None:
    metrics = MonitorMetrics()
    metrics.record(Sample(**LABELS, slot=0, started_at=1e9, ended_at=1e9 + 25, status="ok", mos=4.3, rtt_ms=20.0,
                          loss_up_pct=0.0, loss_down_pct=0.0, jitter_up_ms=1.0, jitter_down_ms=1.0,
                          dscp_sent=46, dscp_at_far_end=46, dscp_on_return=46, sip_rtt_ms=12.0))
    served = set(_scrape(metrics))
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {name for e in exprs for name in re.findall(r"assess_link_[a-z_]+", e)}
    assert used and used <= served, used - served
    scrape = yaml.safe_load((DOCS / "prometheus.yml").read_text())
    targets = [t for job in scrape["scrape_configs"] for c in job["static_configs"] for t in c["targets"]]
    assert all(t.endswith(":9464") for t in targets)


def test_metrics_listen_addresses() -> None:
    assert parse_listen(":9464") == ("0.0.0.0", 9464)
    assert parse_listen("127.0.0.1:9464") == ("127.0.0.1", 9464)
    assert parse_listen("[::1]:9464") == ("::1", 9464)
    with pytest.raises(UserError, match="HOST:PORT"):
        parse_listen("9464x")
