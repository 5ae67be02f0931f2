"""Errors a user can cause and the one-line messages they get."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or usage: reported as one line, exit code 2, never a traceback."""

    exit_code = 2


class NotAssessedError(Exception):
    """An item (device, link, probe) could not be assessed; the run goes on."""

    def __init__(self, item: str, reason: str) -> None:
        super().__init__(f"{item}: {reason}")
        self.item = item
        self.reason = reason
