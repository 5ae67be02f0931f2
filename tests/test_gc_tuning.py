"""fewer_collections: the collector's settings come back, and the closing collection runs only when asked."""

from __future__ import annotations

import gc
import weakref

from core.gc_tuning import fewer_collections


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def _cycle_inside(collect_after: bool) -> weakref.ref[_Node]:
    with fewer_collections(collect_after=collect_after):
        assert gc.get_threshold()[0] == 20_000
        assert gc.get_freeze_count() > 0
        ref = weakref.ref(_Node())
    return ref


def test_settings_are_restored_and_the_cycle_made_inside_is_collected_on_leaving() -> None:
    before = gc.get_threshold()
    ref = _cycle_inside(collect_after=True)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert ref() is None


def test_a_command_ending_with_the_block_can_skip_the_closing_collection() -> None:
    gc.disable()  # no automatic pass may free the cycle behind the test's back
    try:
        ref = _cycle_inside(collect_after=False)
        assert ref() is not None
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()
        gc.collect()


def test_what_was_frozen_before_the_block_stays_frozen_after_it() -> None:
    gc.freeze()  # what assess.startup_gc.resume does once a command's modules are loaded
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with fewer_collections():
            pass
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_nested_blocks_unfreeze_once_when_the_outer_one_ends() -> None:
    with fewer_collections():
        with fewer_collections():
            pass
        assert gc.get_freeze_count() > 0  # the inner block left the outer one's freeze alone
    assert gc.get_freeze_count() == 0
