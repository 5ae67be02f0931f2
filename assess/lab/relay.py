"""The impairment relay process: a transparent L2 bump between two veths (there is no netem here).

Run inside the relay namespace: ``python -m assess.lab.relay WEST EAST CONFIG_JSON TRUTH_PATH``.
Frames from WEST go "up" to EAST, frames from EAST go "down" to WEST. Non-IPv4 frames (ARP)
pass at once so neighbour discovery is never impaired. Ground truth is written to TRUTH_PATH
twice a second and on SIGTERM/SIGUSR1.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import random
import select
import signal
import socket
import sys
import time
from pathlib import Path

from assess.lab.config import RelayConfig
from assess.lab.impair import DirectionImpairer, RelayTruth

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
MAX_HELD = 20_000  # bound on frames in flight: beyond it, frames are dropped (counted as loss)


def _open(ifname: str) -> socket.socket:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((ifname, 0))
    sock.setblocking(False)
    return sock


class Relay:
    """Forward frames between two interfaces after the configured impairment."""

    def __init__(self, west: str, east: str, config: RelayConfig, truth_path: Path) -> None:
        rng = random.Random(config.seed)
        self.socks = {"up": _open(west), "down": _open(east)}
        self.out = {"up": self.socks["down"], "down": self.socks["up"]}
        self.dirs = {"up": DirectionImpairer(config.up, rng), "down": DirectionImpairer(config.down, rng)}
        self.heap: list[tuple[float, int, str, bytes]] = []
        self.counter = itertools.count()
        self.truth_path = truth_path
        self.version = 0
        self.stop = False
        self.flush_now = True
        self.config = config
        self.started_wall, self.started_mono = time.time(), time.monotonic()

    def _receive(self, direction: str) -> None:
        sock = self.socks[direction]
        for _ in range(256):
            try:
                frame, addr = sock.recvfrom(65535)
            except BlockingIOError:
                return
            if addr[2] == PACKET_OUTGOING:
                continue  # our own transmission seen on this socket
            if frame[12:14] != b"\x08\x00":
                self.out[direction].send(frame)
                continue
            now = time.monotonic()
            if self.config.episodes:
                self.dirs[direction].spec = self.config.impairment_at(direction, now - self.started_mono)
            due = self.dirs[direction].decide(now)
            if due is not None and len(self.heap) < MAX_HELD:
                heapq.heappush(self.heap, (due, next(self.counter), direction, frame))

    def _send_due(self) -> None:
        now = time.monotonic()
        while self.heap and self.heap[0][0] <= now:
            _, _, direction, frame = heapq.heappop(self.heap)
            # a frame the link cannot carry (e.g. too large) is lost, as on a real link
            with contextlib.suppress(OSError):
                self.out[direction].send(frame)

    def write_truth(self) -> None:
        """Atomically write the ground truth JSON."""
        self.version += 1
        truth = RelayTruth(up=self.dirs["up"].truth, down=self.dirs["down"].truth, version=self.version,
                           started_at=self.started_wall)
        tmp = self.truth_path.with_suffix(".tmp")
        tmp.write_text(truth.model_dump_json(), encoding="utf-8")
        os.replace(tmp, self.truth_path)

    def run(self) -> None:
        """Main loop until SIGTERM."""
        next_flush = 0.0
        by_sock = {s: d for d, s in self.socks.items()}
        while not self.stop:
            now = time.monotonic()
            wait = 0.2 if not self.heap else max(self.heap[0][0] - now, 0.0)
            # select() takes microseconds; poll() would round waits up to whole milliseconds
            try:
                ready, _, _ = select.select(list(by_sock), [], [], min(wait, 0.2))
            except InterruptedError:
                ready = []
            for sock in ready:
                self._receive(by_sock[sock])
            self._send_due()
            if self.flush_now or now >= next_flush:
                self.write_truth()
                self.flush_now = False
                next_flush = now + 0.5
        self.write_truth()


def main(argv: list[str]) -> None:
    """Entry point of the relay process."""
    west, east, config_json, truth_path = argv
    relay = Relay(west, east, RelayConfig.model_validate_json(config_json), Path(truth_path))

    def _stop(_sig: int, _frame: object) -> None:
        relay.stop = True

    def _flush(_sig: int, _frame: object) -> None:
        relay.flush_now = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGUSR1, _flush)
    relay.run()


if __name__ == "__main__":
    main(sys.argv[1:])
