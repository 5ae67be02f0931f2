"""Report charts are cropped as matplotlib's own ``bbox_inches="tight"`` crops them (drawn once, not twice)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from matplotlib.figure import Figure

from assess.report import charts
from assess.scoring_config import thresholds_for_profile
from tests.report_fixtures import warehouse_site

SIZE = re.compile(r'<svg [^>]*width="([\d.]+)pt" height="([\d.]+)pt"')


def _charts() -> dict[str, Callable[[], str]]:
    site = warehouse_site()
    th = site.thresholds or thresholds_for_profile(site.profile)
    probes = site.probes[0]
    assert probes.rtp is not None and probes.bandwidth is not None
    rtp, bw = probes.rtp, probes.bandwidth
    return {
        "category": lambda: charts.category_chart(site.categories),
        "timeline": lambda: charts.timeline_chart(rtp, th),
        "rtt": lambda: charts.rtt_chart(rtp, th),
        "headroom": lambda: charts.headroom_chart(bw, th.min_headroom_pct),
    }


@pytest.mark.parametrize("name", ["category", "timeline", "rtt", "headroom"])
def test_chart_size_is_matplotlibs_tight_crop(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[Figure] = []
    real = charts._svg

    def keep(fig: Figure) -> str:
        drawn.append(fig)
        return real(fig)

    monkeypatch.setattr(charts, "_svg", keep)
    ours = SIZE.search(_charts()[name]())
    buf = io.StringIO()
    with charts._theme():
        drawn[0].savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.02)
    theirs = SIZE.search(buf.getvalue())
    assert ours and theirs
    assert float(ours[1]) == pytest.approx(float(theirs[1]), abs=0.01)
    assert float(ours[2]) == pytest.approx(float(theirs[2]), abs=0.01)
