"""The lab demo's probe phase per site against its longest single probe (`assess demo --lab`; root).

    python -m benchmarks.run_all survey_overlap

Runs the lab demo's live survey once, with the demo's own probe durations (RTP 10 s, bandwidth
3 s per TCP test, NAT binding-lifetime cap 70 s), and reads the probe phase of each site and the
time of every probe from the survey itself. Per site: the phase's wall time, its longest single
probe, their ratio (target ≤ 1.3), and the sum of the site's probe times, which is what the phase
takes when the probes run one after another (as the survey did before they overlapped). A probe's
time leaves out its wait for a turn (the NAT probe's worker, started beside the bandwidth test,
holds its binding-lifetime search until the test has ended): the longest single probe is the
probe as long as it takes run alone, not the span it stood in the survey. Then the
timeline: when each probe started and ended, in seconds from the start of its site's first probe.

``BENCH_SURVEY_SITES=warehouse`` surveys only the named sites (comma-separated; the labs of all
are still built): for quicker iterations on one site, never for the figures of RESULTS.md.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from assess.lab_demo import check_can_build, run_lab_demo
from assess.survey import ProbePhase, SurveyOptions, SurveyOutcome, run_survey
from benchmarks.common import Row, skipped
from core.errors import UserError
from core.plan import load_plan

TITLE = "Survey wall time: the lab demo's probe phase per site against its longest single probe"
TARGET_RATIO = 1.3
SITES_ENV = "BENCH_SURVEY_SITES"


def run() -> list[Row]:
    try:
        check_can_build()
    except UserError as exc:
        return skipped(str(exc))
    with tempfile.TemporaryDirectory(prefix="bench-survey-overlap-") as tmp:
        outcome = run_lab_demo(Path(tmp) / "demo", _survey)
    rows: list[Row] = []
    for site, phase in outcome.probe_phases.items():
        longest = phase.longest
        if longest is None:
            rows.append(Row(f"{site}: probe phase", None, "s", "no probe ran"))
            continue
        one_by_one = sum(span.seconds for span in phase.spans)
        links = len({span.link for span in phase.spans})
        rows += [
            Row(f"{site}: probe phase", phase.seconds, "s", f"{links} link(s), {len(phase.spans)} probes"),
            Row(f"{site}: longest single probe", longest.seconds, "s", f"{longest.link} {longest.probe}"),
            Row(f"{site}: phase / longest probe", phase.seconds / longest.seconds, "x", f"target ≤ {TARGET_RATIO}"),
            Row(f"{site}: probes one after another", one_by_one, "s", "sum of the site's probe times"),
            Row(f"{site}: speed-up vs one after another", one_by_one / phase.seconds, "x", ""),
        ]
        rows += _timeline(site, phase)
    return rows


def _timeline(site: str, phase: ProbePhase) -> list[Row]:
    """One row per probe: its time, and when it ran counted from the site's first probe start."""
    zero = min(span.start for span in phase.spans)
    return [
        Row(f"{site}: {span.link} {span.probe}", span.seconds, "s",
            f"ran {span.start - zero:.1f}–{span.end - zero:.1f} s into the phase"
            + (f", of which {span.idle_s:.1f} s waiting for its turn" if span.idle_s else ""))
        for span in sorted(phase.spans, key=lambda span: span.start)
    ]


def _survey(plan_path: Path, opts: SurveyOptions) -> SurveyOutcome:
    plan = load_plan(plan_path)
    wanted = os.environ.get(SITES_ENV)
    if wanted:
        names = {name.strip() for name in wanted.split(",")}
        plan = plan.model_copy(update={"sites": [site for site in plan.sites if site.name in names]})
    return run_survey(plan, opts)
