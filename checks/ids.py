"""The append-only id table ``checks/ids.md``: every id ever issued, with its status."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel

ID_TABLE = Path(__file__).with_name("ids.md")


class IdRow(BaseModel):
    """One issued rule id; a deprecated id is never reused."""

    id: str
    title: str
    category: str
    status: Literal["active", "deprecated"]
    since: str


def load_id_table(path: Path = ID_TABLE) -> list[IdRow]:
    """The rows of the id table (markdown table lines starting with ``| VQ``)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("| VQ"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append(IdRow(id=cells[0], title=cells[1], category=cells[2], status=cells[3], since=cells[4]))  # type: ignore[arg-type]
    return rows
