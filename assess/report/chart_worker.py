"""Charts drawn in a worker process while WeasyPrint parses and styles the report.

matplotlib needs about a third of a site report's CPU, and WeasyPrint needs the charts only
when it builds its boxes, after parsing the HTML and cascading the style sheet. With a second
core, a worker draws them in that time: the document refers to each chart as ``chart:N`` and
WeasyPrint's URL fetcher waits for chart N. ``report.html`` gets the same charts as data URIs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from typing import TYPE_CHECKING

from assess.report.charts import data_uri

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

SCHEME = "chart:"


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@lru_cache(maxsize=1)
def _pool() -> ProcessPoolExecutor:
    """One worker for the process's reports (forked, so matplotlib is already imported)."""
    return ProcessPoolExecutor(max_workers=1)


class DeferredCharts:
    """A chart sink (``sink(draw, *args) -> <img src>``) whose charts a worker process draws.

    If the worker dies (killed, out of memory), the charts it owed are drawn in this process
    and the next report starts a new worker.
    """

    def __init__(self) -> None:
        self._calls: list[tuple[Callable[..., str], tuple[object, ...]]] = []
        self._futures: list[Future[str] | None] = []

    def __call__(self, draw: Callable[..., str], *args: object) -> str:
        self._calls.append((draw, args))
        try:
            self._futures.append(_pool().submit(draw, *args))
        except BrokenProcessPool:
            _pool.cache_clear()
            self._futures.append(None)
        return f"{SCHEME}{len(self._calls) - 1}"

    def svg(self, url: str) -> str:
        """The SVG text of ``chart:N`` (waits for the worker; the chart's own error, if any, is raised here)."""
        index = int(url.removeprefix(SCHEME))
        future = self._futures[index]
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                _pool.cache_clear()
        draw, args = self._calls[index]
        here: Future[str] = Future()
        here.set_result(draw(*args))
        self._futures[index] = here
        return here.result()

    def inline(self, html: str) -> str:
        """``html`` with every ``chart:N`` source replaced by the chart as a data URI (a self-contained file)."""
        for index in range(len(self._calls)):  # the closing quote keeps chart:1 from matching chart:12
            html = html.replace(f'src="{SCHEME}{index}"', f'src="{data_uri(self.svg(f"{SCHEME}{index}"))}"')
        return html

    def check(self) -> None:
        """Raise the first chart's error: WeasyPrint turns a failed image fetch into a warning and leaves it out."""
        for index in range(len(self._calls)):
            self.svg(f"{SCHEME}{index}")

    def fetcher(self) -> URLFetcher:
        """WeasyPrint's URL fetcher, answering ``chart:N`` with the chart's SVG."""
        from weasyprint.urls import URLFetcher, URLFetcherResponse  # imported late: slow, only PDFs need it

        charts = self

        class ChartFetcher(URLFetcher):
            def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
                if url.startswith(SCHEME):
                    body = charts.svg(url).encode()
                    return URLFetcherResponse(url, body, headers={"Content-Type": "image/svg+xml"})
                return super().fetch(url, headers)  # type: ignore[no-any-return]

        return ChartFetcher()
