"""What `assess farend` runs and on which ports (shared by the server side and `--check`)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from core.service_ports import IPERF3_PORT, REFLECTOR_PORT, SIP_ECHO_PORTS, STAMP_PORT, STUN_PORT

SERVICES = ("reflector", "iperf3", "stun", "stamp")
"""Every far-end service by name, in start and check order."""


class FarendPorts(BaseModel):
    """Ports of the far-end services (0 turns one off)."""

    model_config = {"extra": "forbid"}

    reflector: int = Field(default=REFLECTOR_PORT, ge=1, le=65535)
    iperf3: int = Field(default=IPERF3_PORT, ge=0, le=65535)
    stun: int = Field(default=STUN_PORT, ge=0, le=65534, description="and the next port (RFC 5780 alternate port)")
    stamp: int = Field(default=STAMP_PORT, ge=0, le=65535)

    def enabled(self) -> list[str]:
        """The services with a port, in SERVICES order."""
        return [name for name in SERVICES if getattr(self, name)]


class FarendConfig(BaseModel):
    """Everything `assess farend` starts, with its bounds."""

    model_config = {"extra": "forbid"}

    binds: list[str] = Field(default_factory=lambda: ["0.0.0.0"], min_length=1)
    secret: str | None = Field(default=None, repr=False)
    ports: FarendPorts = Field(default_factory=FarendPorts)
    sip_ports: tuple[int, ...] = SIP_ECHO_PORTS
    iperf3_binary: str = "iperf3"
    iperf3_max_mbps: float = Field(default=1000.0, gt=0, le=100_000, description="iperf3 --server-bitrate-limit")
    iperf3_idle_restart_s: int = Field(default=120, ge=10, le=3600, description="iperf3 --idle-timeout")
    log_dir: Path | None = None

    @field_validator("binds")
    @classmethod
    def _ipv4(cls, binds: list[str]) -> list[str]:
        for addr in binds:
            try:
                ipaddress.IPv4Address(addr)
            except ValueError as exc:
                raise ValueError(f"--bind {addr!r} is not an IPv4 address") from exc
        if len(binds) > 2:
            raise ValueError("at most two --bind addresses (the STUN responder uses two)")
        return binds
