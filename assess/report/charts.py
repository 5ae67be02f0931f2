"""Report charts drawn with matplotlib as SVG text (vector in the PDF, text kept as text).

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot state),
so rendering is safe to repeat and to time.
"""

from __future__ import annotations

import base64
import contextlib
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import cast

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from core.models.common import Verdict
from core.models.probes import BandwidthResult, RtpResult
from core.models.site import CategoryScore
from core.plan import Thresholds

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
UP = "#1d4ed8"
DOWN = "#0d9488"
TARGET = "#b91c1c"
BAND = {Verdict.GO: "#15803d", Verdict.CONDITIONAL: "#b45309", Verdict.NO_GO: "#b91c1c"}

SVG_DPI = 72  # matplotlib's SVG unit: one point
PAD_INCHES = 0.02  # white space kept around a chart's ink
TOP_ROOM = 1.15  # a y axis reaches this much above its highest line
_SVG_SIZE = re.compile(r'width="[\d.]+pt" height="[\d.]+pt" viewBox="0 0 [\d.]+ [\d.]+"')

_RC: dict[str, object] = {
    "svg.fonttype": "none",  # keep text as text: searchable, and set in the PDF's embedded font
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.titlecolor": INK,
    "legend.frameon": False,
    "svg.hashsalt": "assess",  # stable ids: the same data gives the same SVG
}


def _theme() -> contextlib.AbstractContextManager[None]:
    """The report's matplotlib style, applied only while a chart is drawn."""
    return matplotlib.rc_context(_RC)  # type: ignore[arg-type]


def _svg(fig: Figure) -> str:
    """``fig`` as SVG text cropped to what is drawn, as ``bbox_inches="tight"`` crops it, with one draw instead of two.

    matplotlib's tight crop draws the whole figure once to measure it and once more to write
    it. Here it is drawn once, as ``FigureCanvasSVG.print_svg`` draws it, then measured with the
    same renderer (same crop, to the hundredth of a point), and the crop becomes the SVG's size
    and viewBox. The figure's own background is left out: a root SVG is not clipped to its
    viewBox, so it would paint over the page around the chart (which is white anyway).
    """
    fig.patch.set_visible(False)
    buf = io.StringIO()
    with _theme():
        dpi, fig.dpi = fig.dpi, SVG_DPI  # as print_svg: SVG units are points, images keep the figure's dpi
        try:
            width, height = fig.get_size_inches()
            svg = RendererSVG(width * SVG_DPI, height * SVG_DPI, buf, image_dpi=dpi, metadata={"Date": None})
            # matplotlib's own wrapper (it delegates to the SVG renderer; its stubs do not say so)
            renderer = cast(RendererBase, MixedModeRenderer(fig, width, height, dpi, svg))
            fig.draw(renderer)
            box = fig.get_tightbbox(renderer).padded(PAD_INCHES)
            svg.finalize()  # closes the SVG document (what the wrapper forwards to)
        finally:
            fig.dpi = dpi
    x0, top, w, h = (v * SVG_DPI for v in (box.x0, height - box.y1, box.width, box.height))
    size = f'width="{w:.6f}pt" height="{h:.6f}pt" viewBox="{x0:.6f} {top:.6f} {w:.6f} {h:.6f}"'
    text, found = _SVG_SIZE.subn(size, buf.getvalue(), count=1)
    if not found:
        raise ValueError("matplotlib's SVG header changed: no width/height/viewBox to crop")
    return compact_svg(text)


SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")  # the tick marks' xlink:href, by its usual name
_ZERO_ROTATION = re.compile(r"rotate\(-?0 [-\d.]+ [-\d.]+\)")


def compact_svg(svg: str) -> str:
    """matplotlib's SVG with what costs WeasyPrint time and draws nothing taken out.

    WeasyPrint cascades every SVG element: it matches the sheet's ``*`` rule against each one
    and parses each ``style`` attribute with a CSS tokenizer. Here the ``*`` rule becomes two
    attributes of the root (inherited, and overridden where an element sets its own, as before),
    each ``style`` becomes the presentation attributes it declares, the RDF metadata goes, groups
    that carry nothing but an id are opened into their parent, and zero rotations are dropped.
    """
    root = ET.fromstring(svg)  # matplotlib's own output, never outside input
    for defs in root.findall(f"{{{SVG_NS}}}defs"):
        for style in defs.findall(f"{{{SVG_NS}}}style"):
            defs.remove(style)
            for name, value in _declarations((style.text or "").strip().removeprefix("*{").removesuffix("}")):
                root.set(name, value)
    for metadata in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(metadata)
    _flatten(root)
    # Tags go out unprefixed under a literal xmlns: the registry cannot hold the empty prefix for SVG,
    # as WeasyPrint registers it for itself.
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = (part.split(":", 1) for part in style.split(";") if ":" in part)
    return [(name.strip(), value.strip()) for name, value in pairs]


def _flatten(parent: ET.Element) -> None:
    """Styles to attributes and id-only groups opened, below ``parent``."""
    children: list[ET.Element] = []
    for child in parent:
        _flatten(child)
        if style := child.attrib.pop("style", None):
            for name, value in _declarations(style):
                child.set(name, value)
        if _ZERO_ROTATION.fullmatch(child.get("transform", "")):
            del child.attrib["transform"]
        if child.tag == f"{{{SVG_NS}}}g" and set(child.attrib) <= {"id"}:
            children.extend(child)
        else:
            children.append(child)
    parent[:] = children


def data_uri(svg: str) -> str:
    """An ``<img src>`` value carrying ``svg``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# Where the views send a chart: ``sink(draw, *args)`` returns the ``<img src>`` of ``draw(*args)``.
ChartSink = Callable[..., str]


def drawn_here(draw: Callable[..., str], *args: object) -> str:
    """The chart sink that draws in this process and returns a data URI."""
    return data_uri(draw(*args))


def _style(ax: object) -> None:
    ax.grid(True, color=GRID, linewidth=0.6)  # type: ignore[attr-defined]
    ax.set_axisbelow(True)  # type: ignore[attr-defined]
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]


def _bars(ax: Axes, left: Sequence[float], heights: Sequence[float], width: float, **style: object) -> None:
    """Upright bars from y=0 as one compound path.

    ``ax.bar`` makes one artist per bar, and each becomes its own SVG element that matplotlib
    draws and WeasyPrint then parses and paints: 120 loss bars cost more than the rest of the
    chart. One path with a closed rectangle per bar looks the same. Empty bars stay in (they
    draw nothing) so that all-zero data scales the axis as ``ax.bar`` would.
    """
    if not left:
        return
    verts: list[tuple[float, float]] = []
    for x, h in zip(left, heights, strict=True):
        verts += [(x, 0.0), (x + width, 0.0), (x + width, h), (x, h), (x, 0.0)]
    codes = [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY] * len(left)
    patch = PathPatch(Path(verts, codes), linewidth=0, **style)  # type: ignore[arg-type]
    patch.sticky_edges.y.append(0.0)  # as ax.bar: no margin below the baseline
    ax.add_patch(patch)
    ax.autoscale_view()  # add_patch grows the data limits but, unlike ax.bar, leaves the view as it was


def score_color(score: float, no_go_below: float = 50, go_at: float = 75) -> str:
    """Band colour of a score."""
    if score < no_go_below:
        return BAND[Verdict.NO_GO]
    return BAND[Verdict.CONDITIONAL] if score < go_at else BAND[Verdict.GO]


def category_chart(categories: Sequence[CategoryScore]) -> str:
    """Horizontal bars: each category's score out of 100 (none for a category not assessed or partial)."""
    with _theme():
        fig = Figure(figsize=(7.0, 0.21 * len(categories) + 0.42))
        ax = fig.add_subplot()
        shown = [c.state == "assessed" for c in categories][::-1]  # a partial category's score is withheld
        names = [c.title if c.state == "assessed" else f"{c.title} ({c.state})" for c in categories][::-1]
        scores = [c.score if ok else 0 for c, ok in zip(categories[::-1], shown, strict=True)]
        colors = [score_color(s) if ok else GRID for s, ok in zip(scores, shown, strict=True)]
        bars = ax.barh(names, scores, color=colors, height=0.6)
        for bar, score, ok in zip(bars, scores, shown, strict=True):
            label = f"{score:.0f}" if ok else "–"
            ax.text(min(score, 100) + 1.5, bar.get_y() + bar.get_height() / 2, label, va="center", color=INK)
        ax.set_xlim(0, 108)
        ax.set_xticks([0, 25, 50, 75, 100])
        _style(ax)
        ax.grid(False, axis="y")
        ax.tick_params(axis="y", length=0, labelsize=8.5, labelcolor=INK)
        return _svg(fig)


def _room_above(ax: Axes, values: Sequence[float | None], target: float) -> None:
    """The y axis from 0 to above the higher of the data and the target: a target at the top sat on the axes' edge."""
    highest = max([target, *(v for v in values if v is not None)])
    ax.set_ylim(0, highest * TOP_ROOM or 1.0)


def timeline_chart(rtp: RtpResult, thresholds: Thresholds) -> str:
    """Jitter (top) and loss (bottom) per interval, both directions, with the targets."""
    t = [s.t_s for s in rtp.timeline]
    with _theme():
        fig = Figure(figsize=(6.8, 1.8))
        jit, loss = fig.subplots(2, 1, sharex=True)
        jit.plot(t, [s.jitter_up_ms for s in rtp.timeline], color=UP, lw=1.1, label="up (to far end)")
        jit.plot(t, [s.jitter_down_ms for s in rtp.timeline], color=DOWN, lw=1.1, label="down (return)")
        jit.axhline(thresholds.jitter_ms, color=TARGET, lw=0.9, ls="--", label=f"target {thresholds.jitter_ms:g} ms")
        jit.set_ylabel("jitter (ms)")
        _room_above(jit, [v for s in rtp.timeline for v in (s.jitter_up_ms, s.jitter_down_ms)], thresholds.jitter_ms)
        jit.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, fontsize=7, borderaxespad=0.2)
        width = (t[1] - t[0]) * 0.4 if len(t) > 1 else 0.4
        _bars(loss, [x - width for x in t], [s.loss_up_pct or 0 for s in rtp.timeline], width, color=UP)
        _bars(loss, t, [s.loss_down_pct or 0 for s in rtp.timeline], width, color=DOWN)
        loss.axhline(thresholds.loss_pct, color=TARGET, lw=0.9, ls="--")
        _room_above(loss, [v for s in rtp.timeline for v in (s.loss_up_pct, s.loss_down_pct)], thresholds.loss_pct)
        loss.set_ylabel("loss (%)")
        loss.set_xlabel("time (s)")
        for ax in (jit, loss):
            _style(ax)
        return _svg(fig)


def rtt_chart(rtp: RtpResult, thresholds: Thresholds) -> str:
    """Histogram of round-trip times with the median and the RTT target."""
    with _theme():
        fig = Figure(figsize=(3.3, 1.5))
        ax = fig.add_subplot()
        ax.hist(rtp.rtt_samples_ms, bins=30, color=UP, alpha=0.85, histtype="stepfilled")  # one path, not 30 bars
        ax.axvline(rtp.rtt_ms, color=INK, lw=1, label=f"median {rtp.rtt_ms:.1f} ms")
        target = thresholds.rtt_ms or 2 * thresholds.one_way_delay_ms
        if target <= max(rtp.rtt_samples_ms) * 1.5:
            ax.axvline(target, color=TARGET, lw=0.9, ls="--", label=f"target {target:g} ms")
        ax.set_xlabel("round-trip time (ms)")
        ax.set_ylabel("samples")
        # Above the axes: inside, the legend covered the histogram's peak, which sits at the median line.
        ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False, borderaxespad=0.2)
        _style(ax)
        return _svg(fig)


def headroom_chart(bw: BandwidthResult, min_headroom_pct: float) -> str:
    """Measured capacity each way, split into peak voice load and what is left."""
    voice = (bw.voice_load_kbps or 0) / 1000
    with _theme():
        fig = Figure(figsize=(3.3, 1.5))
        ax = fig.add_subplot()
        dirs = ["up", "down"]
        caps = [bw.up_mbps, bw.down_mbps]
        ax.bar(dirs, [voice, voice], color=TARGET, width=0.55, label=f"peak voice {voice:.1f} Mbit/s")
        ax.bar(
            dirs,
            [max(c - voice, 0) for c in caps],
            bottom=[voice, voice],
            color=DOWN,
            width=0.55,
            label="left for data",
        )
        for i, cap in enumerate(caps):
            pct = 100 * (cap - voice) / cap if cap else 0
            ax.text(i, cap, f"{cap:.1f} Mbit/s\n{pct:.0f} % free", ha="center", va="bottom", fontsize=7, color=INK)
        ax.set_ylim(0, max(caps) * 1.7 if max(caps) else 1)
        ax.set_ylabel("Mbit/s")
        # Above the axes, as the RTT chart's: inside, it sat on the label of the left bar.
        ax.legend(fontsize=6.5, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, borderaxespad=0.2,
                  title=f"headroom target {min_headroom_pct:g} %", title_fontsize=7, alignment="left")  # fmt: skip
        _style(ax)
        return _svg(fig)
