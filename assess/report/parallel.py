"""Render many site reports at once: one process per core (WeasyPrint layout is CPU-bound and single-threaded)."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

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


def render_job(job: SiteReportJob) -> list[Path]:
    """Render one job (the unit a worker process runs)."""
    return render_site(
        job.result,
        job.out_dir,
        company=job.company,
        consultant=job.consultant,
        page_size=job.page_size,
        formats=job.formats,
        previous=job.previous,
    )


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_sites(jobs: list[SiteReportJob], workers: int | None = None) -> list[list[Path]]:
    """Each job's written files, in job order; across ``workers`` processes when there is more than one job."""
    count = min(workers or default_workers(), len(jobs))
    if count <= 1:
        return [render_job(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=count) as pool:
        return list(pool.map(render_job, jobs))
