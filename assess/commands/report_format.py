"""The report formats a command may be asked for (one type, so every --help shows the same choice)."""

from __future__ import annotations

from enum import StrEnum


class ReportFormat(StrEnum):
    """Output formats of the reports."""

    PDF = "pdf"
    HTML = "html"
    JSON = "json"
