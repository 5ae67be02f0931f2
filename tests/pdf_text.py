"""A PDF's text by poppler's pdftotext: a tenth or less of pypdf's time on the survey reports, the same words."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path


@cache  # several tests of a module read the same report
def pdftotext(pdf: Path) -> str:
    """The text of every page of ``pdf``, in reading order."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
