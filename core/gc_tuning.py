"""Fewer cyclic garbage collections while a large piece of work allocates many objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def fewer_collections(young: int = 20_000, *, collect_after: bool = True) -> Iterator[None]:
    """Run the cyclic garbage collector rarely inside the block; restored afterwards.

    A report (matplotlib, WeasyPrint) or the audit of a 20,000-line config allocates hundreds of thousands of
    objects, so with the default threshold (700) the collector runs hundreds of times and its full passes walk
    the long-lived objects of the imported libraries each time: a fifth of a site report's CPU
    (benchmarks/bench_render.py), a tenth of a big config's audit. Those objects are frozen out of collection
    for the duration, and the young generation is collected every ``young`` allocations. A command that ends
    with the block skips the closing collection (``collect_after=False``): its results are alive until it exits.

    What was frozen before the block (command start-up, :mod:`assess.startup_gc`, or an enclosing block) stays
    frozen: the block unfreezes only when nothing was frozen on entry. Python unfreezes all or nothing, so a block
    entered with objects already frozen leaves the ones it froze frozen too (they were alive on entry: start-up's
    data and libraries, which live as long as the command).
    """
    threshold = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(young, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        # The block's own cyclic garbage is collected while the rest is still frozen, so the pass is short;
        # unfrozen, it would wait for a full pass over the whole heap, which a loop of reports (each freezing
        # everything again) would hardly ever reach.
        if collect_after:
            gc.collect()
        if frozen_before == 0:
            gc.unfreeze()
