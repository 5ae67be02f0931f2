"""Site reports rendered across processes are the same files as rendered one by one."""

from __future__ import annotations

from pathlib import Path

from assess.report.parallel import SiteReportJob, render_sites
from assess.report.site import render_site
from tests.report_fixtures import all_sites


def test_parallel_render_writes_what_serial_render_writes(tmp_path: Path) -> None:
    sites = all_sites()[:2]
    jobs = [SiteReportJob(s, tmp_path / "pool" / s.site, "Acme", "Jane", formats=("html",)) for s in sites]
    written = render_sites(jobs, workers=2)
    for site, files in zip(sites, written, strict=True):
        alone = render_site(site, tmp_path / "alone" / site.site, company="Acme", consultant="Jane", formats=("html",))
        assert [f.relative_to(tmp_path / "pool") for f in files] == [f.relative_to(tmp_path / "alone") for f in alone]
        ours, reference = files[0].read_text(), alone[0].read_text()
        assert site.site in ours
        assert ours == reference
