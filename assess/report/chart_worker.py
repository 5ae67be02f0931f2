"""Charts drawn in a worker process while WeasyPrint parses and styles the report.

matplotlib needs about a third of a site report's CPU, and WeasyPrint needs the charts only
when it builds its boxes, after parsing the HTML and cascading the style sheet. With a second
core, a worker draws them in that time: the document refers to each chart as ``chart:N`` and
WeasyPrint's URL fetcher waits for chart N, drawing meanwhile the charts the worker has not
started. ``report.html`` gets the same charts as data URIs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
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


def _claim(path: str) -> bool:
    """Claim a chart for the process that calls this first (creating a file is atomic across processes)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _draw_if_unclaimed(claim: str, draw: Callable[..., str], *args: object) -> str | None:
    """The worker's task: the chart, or None when the report's process took it first."""
    return draw(*args) if _claim(claim) else None


class DeferredCharts:
    """A chart sink (``sink(draw, *args) -> <img src>``) whose charts a worker process draws.

    The report's process, when it needs a chart the worker has not drawn yet, draws charts the
    worker has not started (that core would only wait): whichever process claims a chart first
    draws it. If the worker dies (killed, out of memory), the charts it owed are drawn in this
    process and the next report starts a new worker.
    """

    def __init__(self) -> None:
        self._calls: list[tuple[Callable[..., str], tuple[object, ...]]] = []
        self._futures: list[Future[str | None] | None] = []
        self._here: dict[int, Future[str]] = {}
        self._claims = tempfile.mkdtemp(prefix="assess-charts-")
        weakref.finalize(self, shutil.rmtree, self._claims, ignore_errors=True)

    def _claim_path(self, index: int) -> str:
        return os.path.join(self._claims, str(index))

    def __call__(self, draw: Callable[..., str], *args: object) -> str:
        index = len(self._calls)
        self._calls.append((draw, args))
        try:
            self._futures.append(_pool().submit(_draw_if_unclaimed, self._claim_path(index), draw, *args))
        except BrokenProcessPool:
            _pool.cache_clear()
            self._futures.append(None)
        return f"{SCHEME}{index}"

    def svg(self, url: str) -> str:
        """The SVG text of ``chart:N`` (the chart's own error, if any, is raised here).

        Chart N is drawn here if the worker has not started it; else, while the worker draws it,
        this process draws the last charts the worker has not started (it takes them in order).
        """
        index = int(url.removeprefix(SCHEME))
        future = self._futures[index]
        if index not in self._here and future is not None and not future.done():
            if _claim(self._claim_path(index)):
                self._draw_here(index)
            else:
                while not future.done() and self._draw_one_unstarted_here(after=index):
                    pass
        if index in self._here:
            return self._here[index].result()
        if future is not None:
            try:
                svg = future.result()
                if svg is not None:  # the worker drew it (None only for a chart claimed here)
                    return svg
            except BrokenProcessPool:
                _pool.cache_clear()
        return self._draw_here(index).result()

    def _draw_here(self, index: int) -> Future[str]:
        """Draw chart ``index`` in this process (its error, if any, kept for where it is asked for)."""
        draw, args = self._calls[index]
        here: Future[str] = Future()
        try:
            here.set_result(draw(*args))
        except Exception as error:  # raised by svg(), as the worker's error would be
            here.set_exception(error)
        self._here[index] = here
        return here

    def _draw_one_unstarted_here(self, after: int) -> bool:
        """Claim the last chart after ``after`` that nobody has claimed yet and draw it here."""
        for later in range(len(self._calls) - 1, after, -1):
            if later not in self._here and _claim(self._claim_path(later)):
                self._draw_here(later)
                return True
        return False

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
