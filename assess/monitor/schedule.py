"""Interval arithmetic of a monitoring series and the clock watch that explains missed intervals.

A series has an epoch (wall-clock seconds) fixed when it starts; interval ``k`` begins at
``epoch + k * interval``. Slots are what make a restart continue the series: a restarted monitor
measures the current slot, and the slots between are a gap, never a duplicate.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass

from core.errors import UserError

SLEEP_JUMP_S = 2.0  # wall clock ahead of the monotonic clock by more than this: the host slept (or was stepped)
PAUSE_S = 3.0  # a 0.5 s tick that took longer than this: the process was stopped or starved
TICK_S = 0.5
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """``7d``, ``12h``, ``90m``, ``45s`` or plain seconds → seconds (UserError naming the problem).

    >>> parse_duration("1h30m")
    5400.0
    """
    parts = re.fullmatch(r"\s*((\d+(\.\d+)?)\s*([smhdw])\s*)+", text.lower())
    if text.strip().replace(".", "", 1).isdecimal():
        seconds = float(text)
    elif parts:
        seconds = sum(float(n) * _UNITS[u] for n, _, u in re.findall(r"(\d+(\.\d+)?)\s*([smhdw])", text.lower()))
    else:
        raise UserError(f"--for {text!r}: not a duration (examples: 7d, 12h, 90m, 3600)")
    if seconds <= 0:
        raise UserError(f"--for {text!r}: must be longer than zero")
    return seconds


def slot_at(epoch: float, interval_s: float, t: float) -> int:
    """The slot that contains time ``t``."""
    return math.floor((t - epoch) / interval_s + 1e-9)


def slot_time(epoch: float, interval_s: float, slot: int) -> float:
    """When slot ``slot`` begins."""
    return epoch + slot * interval_s


@dataclass(frozen=True)
class ClockAnomaly:
    """A stretch of wall-clock time in which the monitor could not run, and why."""

    started_at: float
    ended_at: float
    cause: str


class ClockWatch:
    """Ticks twice a second; a tick that comes late says the process was paused or the host slept.

    The monotonic clock stops while the host is suspended but runs while a process is stopped
    (SIGSTOP): wall time gained over monotonic time is sleep; a late tick with both clocks agreeing
    is a pause.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._anomalies: list[ClockAnomaly] = []
        self._last = (time.time(), time.monotonic())  # the previous tick: wall and monotonic clocks
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="clock-watch", daemon=True)

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()

    def _run(self) -> None:
        with self._lock:
            self._last = (time.time(), time.monotonic())
        while not self._stop.wait(TICK_S):
            self._tick()

    def _tick(self) -> None:
        with self._lock:
            now_wall, now_mono = time.time(), time.monotonic()
            anomaly = classify_tick(*self._last, now_wall, now_mono)
            if anomaly is not None:
                self._anomalies.append(anomaly)
            self._last = (now_wall, now_mono)

    def causes(self, start: float, end: float) -> list[str]:
        """Causes of anomalies overlapping the wall-clock window [start, end].

        Ticks first: after a SIGCONT the link threads and the watch thread wake together, and a gap
        must not be explained before the pause that made it has been seen.
        """
        if self._thread.is_alive():
            self._tick()
        with self._lock:
            return [a.cause for a in self._anomalies if a.ended_at >= start and a.started_at <= end]


def classify_tick(wall: float, mono: float, now_wall: float, now_mono: float) -> ClockAnomaly | None:
    """What happened between two ticks, if anything unusual."""
    wall_d, mono_d = now_wall - wall, now_mono - mono
    if wall_d - mono_d > SLEEP_JUMP_S:
        return ClockAnomaly(wall, now_wall, f"host asleep (or clock stepped): the wall clock advanced {wall_d:.0f} s, "
                                            f"the monotonic clock {mono_d:.0f} s")
    if mono_d > PAUSE_S:
        return ClockAnomaly(wall, now_wall, f"monitor paused for {mono_d:.0f} s (stopped with SIGSTOP, "
                                            "or the host too busy to run it)")
    return None
