"""The chart SVG handed to WeasyPrint draws what matplotlib drew: same shapes, texts and effective styles."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from matplotlib.figure import Figure

from assess.report import charts
from assess.scoring_config import thresholds_for_profile
from tests.report_fixtures import warehouse_site
from tests.test_report_chart_crop import _charts  # the four charts of the warehouse site

SVG = "{http://www.w3.org/2000/svg}"
DRAWN = ("path", "text", "use", "clipPath", "rect")
NOT_STYLE = {"id", "style", "transform"}


def _drawn(svg: str) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """Each drawn element in order: its tag, its text, and its attributes with the style (and the
    sheet's ``*`` rule, and its ancestors' inherited stroke joins and caps) spelled out."""
    root = ET.fromstring(svg)
    star: dict[str, str] = {}
    for style in root.iter(f"{SVG}style"):  # matplotlib's one rule: *{stroke-linejoin: round; stroke-linecap: butt}
        body = (style.text or "").strip().removeprefix("*{").removesuffix("}")
        star = dict((k.strip(), v.strip()) for k, v in (d.split(":") for d in body.split(";") if ":" in d))
    inherited = {k: root.get(k) for k in ("stroke-linejoin", "stroke-linecap") if root.get(k)}
    out = []
    for el in root.iter():
        tag = el.tag.removeprefix(SVG)
        if tag not in DRAWN:
            continue
        attrs = {**star, **inherited, **{k: v for k, v in el.attrib.items() if k not in NOT_STYLE}}
        for decl in (el.get("style") or "").split(";"):
            if ":" in decl:
                name, value = decl.split(":", 1)
                attrs[name.strip()] = value.strip()
        transform = el.get("transform", "")
        if transform and not transform.startswith("rotate(-0 "):
            attrs["transform"] = transform
        attrs = {k: " ".join(v.split()) for k, v in attrs.items()}  # path data: line breaks read as spaces
        out.append((tag, (el.text or "").strip(), tuple(sorted(attrs.items()))))
    return out


@pytest.mark.parametrize("name", ["category", "timeline", "rtt", "headroom"])
def test_compacted_chart_draws_what_matplotlib_drew(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    compacted = _charts()[name]()
    monkeypatch.setattr(charts, "compact_svg", lambda svg: svg)
    original = _charts()[name]()
    assert "<metadata" in original and "<metadata" not in compacted
    assert len(compacted) < len(original)
    assert _drawn(compacted) == _drawn(original)


def test_jitter_axis_reaches_above_its_target_line(monkeypatch: pytest.MonkeyPatch) -> None:
    figures: list[Figure] = []
    real = charts._svg
    monkeypatch.setattr(charts, "_svg", lambda fig: figures.append(fig) or real(fig))
    site = warehouse_site()
    th = site.thresholds or thresholds_for_profile(site.profile)
    rtp = site.probes[0].rtp
    assert rtp is not None
    charts.timeline_chart(rtp, th)
    jitter_axes = figures[0].axes[0]
    highest = max(j for s in rtp.timeline for j in (s.jitter_up_ms, s.jitter_down_ms) if j is not None)
    top = jitter_axes.get_ylim()[1]
    assert top >= 1.1 * max(th.jitter_ms, highest)  # the target line sits inside the axes, not on its edge
