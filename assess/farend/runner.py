"""Runs every far-end service in one process: reflector (with its STUN responder and SIP echo),
the STAMP session-reflector (RFC 8762; authenticated mode with the secret), and iperf3 as a
managed child; stops them all on SIGTERM or Ctrl-C.

After start-up the runner checks its own services over the loopback path (the same check
`assess farend --check` does from the laptop) and prints one status line per service.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from assess.farend.check import check_farend
from assess.farend.config import FarendConfig
from assess.farend.iperf3_child import Iperf3Child, iperf3_argv
from reflector.ratelimit import SourceLimiter
from reflector.server import Reflector, ReflectorConfig
from reflector.stamp_reflector import StampConfig, StampReflector
from reflector.traversal_services import TraversalOptions, install, serve_with_traversal

Status = Callable[[str], None]


def stun_mode(cfg: FarendConfig) -> str:
    """Which STUN the responder can offer with these addresses (said once at start-up)."""
    if len(cfg.binds) >= 2:
        return "RFC 5780 (two addresses: mapping and filtering can be classified)"
    return "RFC 5389 binding only (one address: no CHANGE-IP, so filtering cannot be fully classified)"


def _self_check_host(cfg: FarendConfig) -> str:
    first = cfg.binds[0]
    return "127.0.0.1" if first == "0.0.0.0" else first


class Farend:
    """The far-end services of one `assess farend` process."""

    def __init__(self, cfg: FarendConfig, status: Status) -> None:
        self.cfg = cfg
        self.status = status
        self.reflector = Reflector(ReflectorConfig(binds=cfg.binds, port=cfg.ports.reflector, secret=cfg.secret))
        self.port_responder = install(self.reflector)
        self.iperf3: Iperf3Child | None = None
        key = cfg.secret.encode() if cfg.secret else None
        stamp_budget = SourceLimiter(self.reflector.config.limits)  # per source, like every other service
        self.stamp = StampReflector(StampConfig(cfg.binds, cfg.ports.stamp, key), stamp_budget)

    def open(self) -> None:
        """Bind the reflector's sockets and start iperf3 (OSError when a port is taken)."""
        self.reflector.open()
        if self.cfg.ports.iperf3:
            log = self.cfg.log_dir / "iperf3.log" if self.cfg.log_dir else None
            argv = iperf3_argv(self.cfg.iperf3_binary, self.cfg.binds[0], self.cfg.ports.iperf3,
                               self.cfg.iperf3_max_mbps, self.cfg.iperf3_idle_restart_s, log)
            self.iperf3 = Iperf3Child(argv, self.status)
            self.iperf3.start()

    async def serve(self) -> None:
        """Serve until cancelled; always stops the iperf3 child."""
        cfg = self.cfg
        traversal = TraversalOptions(stun_port=cfg.ports.stun, sip_ports=cfg.sip_ports)
        if cfg.ports.stamp:
            try:
                await self.stamp.start()
            except OSError as exc:
                self.status(f"stamp      DEAD: cannot listen on UDP {cfg.ports.stamp}: {exc.strerror or exc}")
        tasks = [asyncio.create_task(serve_with_traversal(self.reflector, self.port_responder, traversal))]
        if self.iperf3 is not None:
            tasks.append(asyncio.create_task(self.iperf3.watch()))
        tasks.append(asyncio.create_task(self._report_status()))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(*tasks, return_exceptions=True)
            self.stamp.close()
            if self.iperf3 is not None:
                self.iperf3.stop()

    async def _report_status(self) -> None:
        await asyncio.sleep(0.5)  # let every service bind first
        everywhere = ", ".join(self.cfg.binds)
        try:
            found = await asyncio.to_thread(
                check_farend, _self_check_host(self.cfg), self.cfg.ports, self.cfg.secret, None, 2.0
            )
        except Exception as exc:  # a failing self-check must never stop the services
            self.status(f"status     self-check failed: {exc}")
            return
        for svc in found.services:
            state = "up  " if svc.ok else "DEAD"
            port = svc.target.rsplit(":", 1)[1]
            extra = f"; {stun_mode(self.cfg)}" if svc.service == "stun" else ""
            pid = f"; pid {self.iperf3.pid}" if svc.service == "iperf3" and self.iperf3 else ""
            where = self.cfg.binds[0] if svc.service == "iperf3" else everywhere  # iperf3 -B takes one address
            self.status(f"{svc.service:<10} {state} {where} port {port}: {svc.detail}{extra}{pid}")
        auth = "required (HMAC / MESSAGE-INTEGRITY)" if self.cfg.secret else "none (open)"
        self.status(f"secret     {auth}; iperf3 has no secret of its own")


async def run_farend(farend: Farend) -> None:
    """Serve until SIGTERM or SIGINT, then stop every service."""
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, main.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await farend.serve()
