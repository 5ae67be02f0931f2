"""The vectorised record search of the pcap reader finds exactly what the record-by-record walk finds."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import numpy as np
import pytest

from collectors.pcap.reader import SLACK, CaptureDamaged, _chained_records, _walk_records
from tests.pcapgen import sample_call_frames, write_capture

WORD = np.dtype("<u4")
MICROSECONDS = 1_000_000  # a fraction of a second must stay below this


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The records of a realistic capture (global header dropped), as the reader's buffer holds them."""
    path = write_capture(tmp_path_factory.mktemp("walk") / "calls.pcap", sample_call_frames())
    return path.read_bytes()[24:]


def offsets(data: bytes, size: int) -> tuple[str, list[int]]:
    """("ok", record offsets) or ("error", message), found by the vectorised search then the walk."""
    buf = bytearray(data) + bytearray(SLACK)
    try:
        chained, resume = _chained_records(buf, size, WORD, MICROSECONDS)
        return "ok", chained.tolist() + _walk_records(buf, size, "<", Path("x"), 0, resume)
    except CaptureDamaged as exc:
        return "error", str(exc)


def walked(data: bytes, size: int) -> tuple[str, list[int]]:
    """The same from the walk alone, record by record: the reference."""
    buf = bytearray(data) + bytearray(SLACK)
    try:
        return "ok", _walk_records(buf, size, "<", Path("x"), 0)
    except CaptureDamaged as exc:
        return "error", str(exc)


def test_a_whole_capture_and_every_cut_of_it(records: bytes) -> None:
    status, found = offsets(records, len(records))
    assert status == "ok" and len(found) > 1000
    assert (status, found) == walked(records, len(records))
    rnd = random.Random(3)
    for size in [0, 1, 15, 16, 17, *(rnd.randrange(len(records)) for _ in range(40))]:
        assert offsets(records, size) == walked(records, size), size


def test_timestamps_whose_top_byte_changes_midway(records: bytes) -> None:
    """Records unlike the first are no candidates: the walk takes over there and the result is the same."""
    data = bytearray(records)
    pos = 0
    while pos + 16 <= len(data):
        seconds, _fraction, length, _original = struct.unpack_from("<IIII", data, pos)
        if pos > len(data) // 2:
            struct.pack_into("<I", data, pos, seconds + (1 << 24))
        pos += 16 + length
    chained, _ = _chained_records(data + bytearray(SLACK), len(data), WORD, MICROSECONDS)
    status, found = offsets(bytes(data), len(data))
    assert 100 < len(chained) < len(found) - 100  # the search stopped at the change, the walk went on
    assert (status, found) == walked(bytes(data), len(data))


def test_damaged_records_give_the_walks_own_answer(records: bytes) -> None:
    rnd = random.Random(11)
    errors = 0
    for _ in range(300):
        data = bytearray(records[: rnd.randrange(64, len(records))])
        for _ in range(rnd.randint(1, 6)):
            at = rnd.randrange(len(data) - 4)
            first_seconds = int.from_bytes(data[:4], "little")
            value = rnd.choice([0, 1, 12, 0xFFFFFFFF, MICROSECONDS, rnd.getrandbits(32), first_seconds])
            data[at : at + 4] = value.to_bytes(4, "little")
        expected = walked(bytes(data), len(data))
        assert offsets(bytes(data), len(data)) == expected
        errors += expected[0] == "error"
    assert 20 < errors < 280  # both answers are compared: damaged lengths refused, the rest walked
