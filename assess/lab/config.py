"""Typed configuration of the namespace lab: topology names, addresses, router and relay settings.

The configuration *is* the ground truth a test compares measurements against.
"""

from __future__ import annotations

import ipaddress
import itertools
import os
import secrets
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.service_ports import IPERF3_PORT, REFLECTOR_PORT, STUN_PORT

NatMode = Literal["masquerade", "masquerade-random", "none"]
Shaper = Literal["tbf", "htb"]
# nft DSCP keywords accepted for re-marking ("cs0" bleaches).
DscpName = Literal["cs0", "cs1", "cs2", "cs3", "cs4", "cs5", "cs6", "cs7", "af11", "af21", "af31", "af41", "ef"]


_LAB_COUNTER = itertools.count()


def unique_prefix() -> str:
    """A namespace-name prefix unique to this process and call, e.g. ``al123407a9``.

    A per-process counter makes every lab of one process distinct (random bytes alone collide
    by the birthday bound); the pid and a random byte separate processes.
    """
    return f"al{os.getpid() % 100000}{next(_LAB_COUNTER) % 256:02x}{secrets.token_hex(1)}"


class Impairment(BaseModel):
    """What the relay does to one direction: delay, jitter, random and bursty loss, reordering."""

    model_config = {"extra": "forbid"}

    delay_ms: float = Field(default=0.0, ge=0, le=5000)
    jitter_ms: float = Field(default=0.0, ge=0, le=5000, description="uniform in [delay-j, delay+j], as netem")
    loss_pct: float = Field(default=0.0, ge=0, le=100, description="independent random loss")
    # Gilbert-Elliott bursty loss: p = P(good->bad), r = P(bad->good) per packet, loss in the bad state.
    ge_p_pct: float = Field(default=0.0, ge=0, le=100)
    ge_r_pct: float = Field(default=100.0, gt=0, le=100)
    ge_loss_bad_pct: float = Field(default=100.0, ge=0, le=100)
    reorder: bool = Field(default=False, description="let jitter reorder packets (else FIFO)")


class Episode(BaseModel):
    """A stretch of time (seconds after the relay starts) with other impairments than the relay's own."""

    model_config = {"extra": "forbid"}

    start_s: float = Field(ge=0)
    end_s: float = Field(gt=0)
    up: Impairment | None = Field(default=None, description="None: the relay's own upstream impairment")
    down: Impairment | None = None


class RelayConfig(BaseModel):
    """The userspace impairment relay between the site router and the routed hop."""

    model_config = {"extra": "forbid"}

    up: Impairment = Field(default_factory=Impairment, description="site -> far end")
    down: Impairment = Field(default_factory=Impairment, description="far end -> site")
    seed: int | None = None
    episodes: list[Episode] = Field(default_factory=list, description="impairment that changes over time")

    def impairment_at(self, direction: str, elapsed_s: float) -> Impairment:
        """The impairment of ``direction`` (up/down) ``elapsed_s`` after the relay started."""
        for ep in self.episodes:
            spec = ep.up if direction == "up" else ep.down
            if spec is not None and ep.start_s <= elapsed_s < ep.end_s:
                return spec
        return self.up if direction == "up" else self.down


class RouterConfig(BaseModel):
    """The site router: NAT, shaping, DSCP policy, SIP helper, UDP conntrack timeouts."""

    model_config = {"extra": "forbid"}

    nat: NatMode = "masquerade"
    shaper: Shaper = "tbf"
    rate_up_mbit: float | None = Field(default=None, gt=0, le=10_000)
    rate_down_mbit: float | None = Field(default=None, gt=0, le=10_000)
    dscp_up: DscpName | None = Field(default=None, description="re-mark forwarded upstream packets (cs0 bleaches)")
    dscp_down: DscpName | None = None
    sip_helper: bool = False
    udp_timeout_s: int | None = Field(default=None, ge=1, le=86_400)
    udp_timeout_stream_s: int | None = Field(default=None, ge=1, le=86_400)


class Addressing(BaseModel):
    """Subnets of the three segments; documentation/benchmark ranges, used only inside the namespaces."""

    model_config = {"extra": "forbid"}

    lan: str = "198.18.0.0/24"
    wan: str = "198.18.1.0/24"
    dc: str = "203.0.113.0/24"

    @field_validator("lan", "wan", "dc")
    @classmethod
    def _network(cls, value: str) -> str:
        return str(ipaddress.ip_network(value, strict=True))

    def host(self, segment: Literal["lan", "wan", "dc"], index: int) -> str:
        """The ``index``-th address of a segment, e.g. ``host("lan", 2)`` → 198.18.0.2."""
        net = ipaddress.ip_network(getattr(self, segment))
        return str(net.network_address + index)

    def prefixlen(self, segment: Literal["lan", "wan", "dc"]) -> int:
        """Prefix length of a segment."""
        return ipaddress.ip_network(getattr(self, segment)).prefixlen


class Services(BaseModel):
    """What runs on the far end."""

    model_config = {"extra": "forbid"}

    reflector: bool = True
    reflector_port: int = Field(default=REFLECTOR_PORT, ge=1, le=65535)
    reflector_secret: str | None = None
    reflector_args: list[str] = Field(default_factory=list, description="extra `assess reflector` options")
    iperf3: bool = True
    iperf3_port: int = Field(default=IPERF3_PORT, ge=1, le=65535)
    stun: bool = False
    stun_port: int = Field(default=STUN_PORT, ge=1, le=65535)
    farend: bool = Field(default=False, description="one `assess farend` instead of reflector, iperf3 and coturn")
    stamp_port: int = Field(default=8862, ge=1, le=65535, description="STAMP port of `assess farend`")


class LabConfig(BaseModel):
    """Everything the lab builds; names are unique per run so labs can run side by side."""

    model_config = {"extra": "forbid"}

    prefix: str = Field(default_factory=unique_prefix, pattern=r"^[a-z][a-z0-9]{1,10}$")
    addressing: Addressing = Field(default_factory=Addressing)
    router: RouterConfig = Field(default_factory=RouterConfig)
    relay: RelayConfig = Field(default_factory=RelayConfig)
    services: Services = Field(default_factory=Services)
    relay_enabled: bool = True
