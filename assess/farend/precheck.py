"""The survey's far-end check: before probing a link, ask each of its far ends whether every
service the link's probes need answers (`assess farend --check`, from the link's namespace).

A dead service costs one check per far end instead of one time-out per probe per link; the probes
that need it are recorded as not assessed, naming the service.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field

from pydantic import ValidationError

from assess.farend.check import FarendCheck
from assess.farend.config import FarendPorts
from assess.secret_env import secret_env
from collectors.probes.requests import BandwidthProbe, NatProbe, RtpProbe, default_of
from core.plan import Endpoint, Link

FIELD_SERVICE = {"rtp": "reflector", "sip_alg": "reflector", "ports": "reflector", "bandwidth": "iperf3",
                 "nat": "stun"}
"""Which far-end service each link probe (by its result field) needs."""
# A plan's endpoint without a port: the port its probe dials, its request model's default.
DEFAULT_PORTS = {"reflector": default_of(RtpProbe, "port"), "iperf3": default_of(BandwidthProbe, "port"),
                 "stun": default_of(NatProbe, "port")}
CHECK_TIME_LIMIT_S = 30.0
CHECK_VALID_S = 300.0  # a far end checked longer ago is checked again (options objects can live long)


@dataclass
class FarendChecks:
    """Check results kept for a while: each far end (per source namespace) is checked once per
    CHECK_VALID_S, not once per link."""

    done: dict[tuple[str | None, str, tuple[tuple[str, int], ...]], tuple[float, dict[str, str]]] = field(
        default_factory=dict)

    def dead_services(self, link: Link, secret: str | None) -> dict[str, str]:
        """Service name -> why it is dead, for the far ends of ``link``."""
        dead: dict[str, str] = {}
        for host, services in _far_ends(link).items():
            key = (link.source_netns, host, tuple(sorted(services.items())))
            checked_at, found = self.done.get(key, (-CHECK_VALID_S, {}))
            if time.monotonic() - checked_at >= CHECK_VALID_S:
                found = _check(host, services, link.source_netns, secret)
                self.done[key] = (time.monotonic(), found)
            dead.update(found)
        return dead


def _far_ends(link: Link) -> dict[str, dict[str, int]]:
    ends: dict[str, dict[str, int]] = {}
    endpoints: dict[str, Endpoint | None] = {"reflector": link.reflector, "iperf3": link.iperf3, "stun": link.stun}
    for service, endpoint in endpoints.items():
        if endpoint is not None:
            ends.setdefault(endpoint.host, {})[service] = endpoint.port or DEFAULT_PORTS[service]
    return ends


def _check(host: str, services: dict[str, int], source_netns: str | None, secret: str | None) -> dict[str, str]:
    ports = FarendPorts(**{name: services.get(name, 0) for name in ("iperf3", "stun")},
                        reflector=services.get("reflector", DEFAULT_PORTS["reflector"]), stamp=0)
    argv = [sys.executable, "-m", "assess", "farend", "--check", host, "--json", "--only", ",".join(services),
            "--reflector-port", str(ports.reflector), "--iperf3-port", str(ports.iperf3),
            "--stun-port", str(ports.stun), "--stamp-port", "0"]
    if source_netns:
        argv = ["ip", "netns", "exec", source_netns, *argv]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=CHECK_TIME_LIMIT_S,
                              env=secret_env(secret), check=False)
        found = FarendCheck.model_validate_json(done.stdout)
    except (subprocess.TimeoutExpired, OSError, ValidationError):
        return {}  # the check itself failed: let the probes find out, as before
    return {
        s.service: f"far end {host}: {s.service} ({s.target}) did not answer the far-end check "
                   f"(`assess farend --check`): {s.detail}; probe not run"
        for s in found.dead
    }


def blocked_probes(dead: dict[str, str]) -> dict[str, str]:
    """Probe result field -> not-assessed reason, for the probes a dead service blocks."""
    return {fld: dead[svc] for fld, svc in FIELD_SERVICE.items() if svc in dead}
