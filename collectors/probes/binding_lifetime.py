"""UDP binding lifetime (RFC 5780 §4.6 style) with parallel bindings and a bounded search.

Each binding is a fresh socket that asks the STUN server once, then stays silent. After
its delay d, a separate "tickler" socket asks the server to answer to the binding's public
port (RESPONSE-PORT). If the NAT still holds the binding, the answer arrives; if not, the
NAT drops it. Each binding is tested exactly once, because a delivered answer would refresh
it. Round one spreads bindings evenly up to the cap; round two refines between the longest
delay that survived and the shortest that did not.
"""

from __future__ import annotations

import os
import selectors
import socket
import time
from dataclasses import dataclass

from collectors.probes.nat_behaviour import StunTarget, ask, source_address, udp_socket
from wire.stun import (
    BINDING_REQUEST,
    BINDING_SUCCESS,
    PROBE_SOFTWARE,
    StunError,
    StunMessage,
    decode,
    encode,
)

GRACE_S = 0.5  # how long after the last tickle an answer may still arrive
TICKLES = 3  # a lost tickle or answer must not pass for an expired binding on a lossy path
RETICKLE_S = 0.15
CONTROL_DELAY_S = 0.2


class LifetimeNotMeasured(Exception):
    """The server cannot send to another port (no RESPONSE-PORT support) or stopped answering."""


@dataclass(frozen=True)
class LifetimeEstimate:
    """The lifetime lies in (alive_s, dead_s]; None bounds mean 'not seen'."""

    alive_s: float
    dead_s: float | None
    rounds: int

    @property
    def value_s(self) -> float:
        """Midpoint of the bracket, or the cap reached when nothing expired."""
        return self.alive_s if self.dead_s is None else (self.alive_s + self.dead_s) / 2

    @property
    def resolution_s(self) -> float | None:
        """Half-width of the bracket: the true lifetime is value_s ± resolution_s."""
        return None if self.dead_s is None else (self.dead_s - self.alive_s) / 2


@dataclass
class _Binding:
    sock: socket.socket
    delay_s: float
    public_port: int
    started: float
    tid: bytes = b""
    tickled_at: float | None = None
    last_tickle: float = 0.0
    tickles: int = 0
    alive: bool | None = None


def _open(target: StunTarget, local_ip: str, delay_s: float) -> _Binding | None:
    sock = udp_socket(local_ip, target.device)
    reply = ask(sock, target, target.server)
    if reply is None or reply.mapped is None:
        sock.close()
        return None
    return _Binding(sock, delay_s, reply.mapped[1], time.monotonic())


def _round(target: StunTarget, local_ip: str, delays: list[float]) -> list[_Binding]:
    """Open one binding per delay, tickle each once when due; stop at the first expiry."""
    bindings = [b for d in delays if (b := _open(target, local_ip, d)) is not None]
    sel = selectors.DefaultSelector()
    tickler = udp_socket(local_ip, target.device)
    try:
        for b in bindings:
            sel.register(b.sock, selectors.EVENT_READ, b)
        _run(sel, tickler, target, bindings)
    finally:
        sel.close()
        tickler.close()
        for b in bindings:
            b.sock.close()
    return bindings


def _run(sel: selectors.BaseSelector, tickler: socket.socket, target: StunTarget, bindings: list[_Binding]) -> None:
    while True:
        for key, _ in sel.select(0):  # read what already arrived before judging any binding dead
            _receive(key.data)
        now = time.monotonic()
        for b in bindings:
            if b.tickled_at is None and now >= b.started + b.delay_s:
                b.tickled_at = now
                b.delay_s = round(now - b.started, 3)  # the idle time really tested (a busy host runs late)
                _tickle(tickler, target, b, now)
            elif b.tickled_at is not None and b.alive is None:
                if b.tickles < TICKLES and now >= b.last_tickle + RETICKLE_S:
                    _tickle(tickler, target, b, now)
                elif b.tickles >= TICKLES and now > b.last_tickle + GRACE_S:
                    b.alive = False
        if any(b.alive is False for b in bindings) or all(b.alive is not None for b in bindings):
            return
        pending = [b.started + b.delay_s for b in bindings if b.tickled_at is None]
        pending += [
            b.last_tickle + (RETICKLE_S if b.tickles < TICKLES else GRACE_S)
            for b in bindings
            if b.tickled_at is not None and b.alive is None
        ]
        timeout = max(0.0, min(pending) - time.monotonic()) if pending else 0.0
        for key, _ in sel.select(timeout):
            _receive(key.data)


def _tickle(tickler: socket.socket, target: StunTarget, b: _Binding, now: float) -> None:
    """Ask the server to answer to the binding's public port (same transaction on a retry)."""
    b.tid = b.tid or os.urandom(12)
    req = StunMessage(BINDING_REQUEST, transaction_id=b.tid, response_port=b.public_port, software=PROBE_SOFTWARE)
    b.last_tickle = now
    b.tickles += 1
    tickler.sendto(encode(req, target.secret), target.server)


def _receive(b: _Binding) -> None:
    try:
        data = b.sock.recv(2048)
        reply = decode(data)
    except (OSError, StunError):
        return
    if reply.transaction_id == b.tid and reply.msg_type == BINDING_SUCCESS:
        b.alive = True


def _bracket(bindings: list[_Binding], low: float, high: float | None) -> tuple[float, float | None]:
    dead = [b.delay_s for b in bindings if b.alive is False]
    high = min([*dead, *([high] if high is not None else [])]) if dead or high is not None else None
    alive = [b.delay_s for b in bindings if b.alive and (high is None or b.delay_s < high)]
    return max([low, *alive]), high


def measure_lifetime(target: StunTarget, cap_s: float, parallel: int = 8, rounds: int = 2) -> LifetimeEstimate:
    """Bracket the binding lifetime with ``parallel`` bindings per round, never waiting past ``cap_s``."""
    local_ip = source_address(target)
    # up to three tries: on a lossy path one lost request or answer must not void the measurement
    control = next((c for c in (_round(target, local_ip, [CONTROL_DELAY_S]) for _ in range(3)) if c and c[0].alive), [])
    if not control:
        # A binding a fraction of a second old must answer; if not, the server ignores
        # RESPONSE-PORT and every later "expiry" would be a false measurement.
        raise LifetimeNotMeasured("the STUN server did not honour RESPONSE-PORT (RFC 5780 §7.5)")
    low, high = 0.0, None
    done = 0
    for done in range(1, rounds + 1):  # noqa: B007 - the count is reported
        top = cap_s if high is None else high
        step = (top - low) / (parallel if high is None else parallel + 1)
        delays = [round(low + step * (i + 1), 3) for i in range(parallel)]
        if step < 0.05:
            break
        low, high = _bracket(_round(target, local_ip, delays), low, high)
        if high is None:
            break  # nothing expired before the cap: a finer search cannot help
    return LifetimeEstimate(alive_s=low, dead_s=high, rounds=done)
