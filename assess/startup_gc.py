"""The cyclic garbage collector off while ``assess`` starts up, back on before a command does its work.

Start-up imports modules and builds pydantic models: tens of thousands of objects that live as long as the
process. Python's collector, triggered every 700 new objects, scans them again and again for cycles they do not
form: 10-17 % of a light command's start-up CPU (``assess emodel``: 53 young and 5 middle collections before it
prints). So the command line pauses the collector from its first import until the command's module is loaded,
then freezes what start-up made (``gc.freeze``: never scanned again, as after a fork; without it the first
collection would scan all of start-up at once) and turns the collector back on: a long-running survey, monitor
or far-end service collects as usual from then on.

Only the command-line process itself does this (:func:`pause` is called by its entry points); a program that
imports ``assess.cli`` and runs commands in its own process keeps its collector exactly as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_program = False  # this process is the command line: start-up pauses are allowed
_paused = False


def pause() -> None:
    """The command line starts: turn the collector off (unless something else already turned it off)."""
    global _program, _paused
    _program = True
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Start-up is over: freeze its objects and turn the collector back on (only if :func:`pause` turned it off)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """A command's own start-up (the imports it makes only once it runs) with the collector off, as above."""
    if _program:
        pause()
    try:
        yield
    finally:
        resume()
