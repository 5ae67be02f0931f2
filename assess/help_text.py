"""A command's help text as paragraphs the terminal wraps, not as the docstring's source lines.

typer's help formatter keeps every single line break after the first paragraph, so a docstring wrapped
at the source's width comes out ragged on an 80-column terminal (a full line, then a stub of two words).
"""

from __future__ import annotations

import inspect
import re

_KEEP_LAYOUT = re.compile(r"^(\s|[-*•] |\d+\. |\x08)")  # indented, a list item, or click's "\b" no-rewrap mark


def reflowed(help_text: str | None) -> str | None:
    r"""``help_text`` with each paragraph on one line (paragraphs with lists or indented lines kept as written).

    >>> reflowed("Run it.\n\nOffline by default: saved outputs\nare re-audited.\n\n- one\n- two")
    'Run it.\n\nOffline by default: saved outputs are re-audited.\n\n- one\n- two'
    """
    if not help_text:
        return help_text
    body, mark, rest = inspect.cleandoc(help_text).partition("\f")
    paragraphs = [
        p if any(_KEEP_LAYOUT.match(line) for line in p.splitlines()) else " ".join(p.split())
        for p in body.split("\n\n")
    ]
    return "\n\n".join(paragraphs) + mark + rest
