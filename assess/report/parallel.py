"""Render many site reports at once: one process per core (WeasyPrint layout is CPU-bound and single-threaded)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from assess.report.chart_worker import usable_cores
from assess.report.site import render_site
from core.models.site import SiteResult


@dataclass(frozen=True)
class SiteReportJob:
    """One site's report: what ``render_site`` needs, picklable for a worker process."""

    result: SiteResult
    out_dir: Path
    company: str
    consultant: str
    page_size: str = "A4"
    formats: tuple[str, ...] = ("pdf", "json")
    previous: SiteResult | None = field(default=None)


def render_job(job: SiteReportJob, chart_worker: bool | None = None) -> list[Path]:
    """Render one job (the unit a worker process runs; there, charts are drawn in that process)."""
    return render_site(
        job.result,
        job.out_dir,
        company=job.company,
        consultant=job.consultant,
        page_size=job.page_size,
        formats=job.formats,
        previous=job.previous,
        chart_worker=chart_worker,
    )


def default_workers() -> int:
    """The cores this process may run on."""
    return usable_cores()


def render_sites(jobs: list[SiteReportJob], workers: int | None = None) -> list[list[Path]]:
    """Each job's written files, in job order; across ``workers`` processes when there is more than one job.

    ``workers=1`` keeps everything in this process (charts too); one job alone may use the chart worker.
    """
    count = min(workers or default_workers(), len(jobs))
    if count <= 1:
        return [render_job(job, chart_worker=None if workers is None else workers > 1) for job in jobs]
    with ProcessPoolExecutor(max_workers=count) as pool:
        return list(pool.map(partial(render_job, chart_worker=False), jobs))
