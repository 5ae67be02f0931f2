"""Short, bounded versions of the fuzz runs in benchmarks/ (issue 15): 0 tracebacks, 0 writes outside
the output root, no session opened by a replay flood, a legitimate client still served."""

from __future__ import annotations

import pytest

from benchmarks.fuzz_readers import READERS, fuzz
from benchmarks.fuzz_reflector import run_fuzz


def test_reflector_fuzz_of_junk_truncations_replays_and_a_many_source_flood_breaks_nothing() -> None:
    tally = run_fuzz(count=3000, sources=200, seed=3, rounds=3)
    assert tally.datagrams == 3000 and tally.tracebacks == []
    assert tally.flood_datagrams == 600 and tally.flood_sessions == 0 and tally.loop_errors == 0
    assert tally.legitimate_served


@pytest.mark.parametrize("reader", sorted(READERS))
def test_fuzzed_inputs_of_every_reader_give_no_traceback_and_no_write_outside_the_output_root(reader: str) -> None:
    tally = fuzz(reader, count=15, seed=5)
    assert tally.inputs == 15 and tally.tracebacks == [] and tally.outside_writes == []
    assert tally.accepted + tally.rejected == 15
