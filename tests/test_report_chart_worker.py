"""Charts drawn in a worker process: the same report, and a chart that fails stops the PDF."""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from assess.report.chart_worker import DeferredCharts
from assess.report.render import write_pdf
from assess.report.site import render_site
from tests.report_fixtures import warehouse_site

pytestmark = pytest.mark.slow

# Words only the charts draw (matplotlib keeps them as text): axis labels of charts.py, read there.
CHART_WORDS = ("jitter (ms)", "loss (%)", "time (s)", "round-trip time (ms)", "samples", "left for data")


def test_worker_charts_make_the_same_report(tmp_path: Path) -> None:
    site = warehouse_site()
    for where, formats, worker in (("worker", ("pdf", "html"), True), ("here", ("html",), False)):
        render_site(site, tmp_path / where, company="Acme", consultant="Jane", formats=formats, chart_worker=worker)
    html = (tmp_path / "worker" / "report.html").read_text(encoding="utf-8")
    assert html == (tmp_path / "here" / "report.html").read_text(encoding="utf-8")
    assert "chart:" not in html and len(re.findall(r'src="data:image/svg\+xml;base64,', html)) == 4
    pages = PdfReader(tmp_path / "worker" / "report.pdf").pages
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))
    for words in CHART_WORDS:
        assert words in text, words


def broken_chart() -> str:
    raise RuntimeError("no data to draw")


def test_a_chart_that_fails_in_the_worker_stops_the_pdf(tmp_path: Path) -> None:
    charts = DeferredCharts()
    html = f'<html><body><p>before</p><img src="{charts(broken_chart)}"></body></html>'
    with pytest.raises(RuntimeError, match="no data to draw"):
        write_pdf(html, tmp_path / "report.pdf", charts)
    assert not (tmp_path / "report.pdf").exists()


SMALL_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def chart_that_kills_its_worker() -> str:
    if multiprocessing.parent_process() is not None:  # in the worker: die as if killed
        os._exit(1)
    return SMALL_SVG


def drawing_pid() -> str:
    return str(os.getpid())


def test_charts_a_dead_worker_owed_are_drawn_here_and_the_next_report_gets_a_new_worker() -> None:
    charts = DeferredCharts()
    assert charts.svg(charts(chart_that_kills_its_worker)) == SMALL_SVG
    later = DeferredCharts()
    url = later(drawing_pid)
    later._futures[0].result(timeout=60)  # drawn by the worker, not taken back by this process
    assert int(later.svg(url)) != os.getpid()


def where_drawn(pause: float = 0.0) -> str:
    """Where the chart is drawn, "worker" or "here"; the worker takes ``pause`` seconds to say so."""
    if multiprocessing.parent_process() is None:
        return "here"
    time.sleep(pause)
    return "worker"


def test_while_the_worker_draws_a_chart_this_process_draws_the_ones_it_has_not_started() -> None:
    charts = DeferredCharts()
    first = charts(where_drawn, 1.0)
    later = [charts(where_drawn) for _ in range(3)]
    deadline = time.monotonic() + 60
    while not os.path.exists(charts._claim_path(0)):  # the worker has started the first chart
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert charts.svg(first) == "worker"
    assert [charts.svg(url) for url in later] == ["here"] * 3


def test_a_chart_the_worker_has_not_started_is_drawn_here_when_asked_for() -> None:
    charts = DeferredCharts()
    busy = charts(where_drawn, 1.0)
    asked = charts(where_drawn)
    assert charts.svg(asked) == "here"  # the worker is still starting or busy with the first chart
    assert charts.svg(busy) in ("worker", "here")


def test_a_loop_of_reports_does_not_keep_their_documents(tmp_path: Path) -> None:
    """Each report freezes the heap while it renders; its own garbage must not survive it."""
    site = warehouse_site()
    counts = []
    for n in range(2):
        render_site(site, tmp_path / str(n), company="Acme", consultant="Jane", formats=("pdf",), chart_worker=False)
        counts.append(len(gc.get_objects()))
    assert counts[1] - counts[0] < 10_000, counts  # a kept document tree is about 60 000 objects
