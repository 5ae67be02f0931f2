"""WeasyPrint's HTML user-agent style sheet without the pseudo-element rules reports never use.

The stock sheet has six rules on pseudo-elements of every element (``::marker``,
``::footnote-call``, ``::footnote-marker``, ``::note-call``, ``::note-marker``,
``::note-callback``): each one makes WeasyPrint compute a style for that pseudo-element of every
element, six per element, nearly all of them never used (about 5,200 of a site report's 5,500
style computations, ~12 % of its layout CPU). Reports have no footnotes or notes (nothing
floats to ``footnote``/``note``), and only ``li`` elements are list items, so those rules go
and ``::marker`` becomes ``li::marker``. Everything else is WeasyPrint's own sheet as installed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from weasyprint import CSS, HTML

# A rule of its own line whose selector is only a footnote or note pseudo-element.
_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z-]+\s*\{[^}]*\}\s*\n", re.MULTILINE)
_EVERY_MARKER = re.compile(r"^::marker(?=\s*\{)", re.MULTILINE)


def trimmed(sheet: str) -> str:
    """``sheet`` (WeasyPrint's ``html5_ua.css``) without footnote/note rules, markers only on ``li``."""
    return _EVERY_MARKER.sub("li::marker", _NOTE_RULES.sub("", sheet))


@lru_cache(maxsize=1)
def report_ua_sheet() -> CSS:
    """The trimmed user-agent sheet, parsed once per process."""
    stock = resources.files("weasyprint.css").joinpath("html5_ua.css").read_text(encoding="utf-8")
    return CSS(string=trimmed(stock))


class ReportHTML(HTML):
    """An HTML document styled with the trimmed user-agent sheet (form sheets as WeasyPrint's)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [report_ua_sheet(), *super()._ua_stylesheets(forms)[1:]]
