"""QoS helpers for the WAN rules: which policy leaves a port, what its classes match, sizes."""

from __future__ import annotations

from checks.common import same_interface
from core.models.facts import DeviceFacts, Port, QosPolicy
from core.plan import Link
from core.voice_qos import (
    MEDIA_DSCP,
    SIGNALLING_DSCP,
    QueueClass,
    class_matches,
    dscp_aliases,
    ef_queue,
    flatten,
)

__all__ = [
    "EF_NAMES",
    "SIGNALLING_NAMES",
    "ZERO_DSCP",
    "QueueClass",
    "class_matches",
    "dscp_aliases",
    "ef_queue",
    "flatten",
]

# What voice marking is and where EF is prioritised are defined once, in core.voice_qos.
EF_NAMES = MEDIA_DSCP
SIGNALLING_NAMES = SIGNALLING_DSCP
ZERO_DSCP = ("default", "0", "cs0", "be", "000000")


def output_policy(facts: DeviceFacts, port: Port) -> QosPolicy | None:
    """The QoS policy attached outbound on ``port``."""
    policies = {p.name: p for p in facts.policies}
    for att in facts.attachments:
        if att.direction == "output" and same_interface(att.interface, port.name):
            return policies.get(att.policy)
    return None


def shaper_kbps(facts: DeviceFacts, port: Port) -> int | None:
    """The rate egress traffic on ``port`` is shaped to (interface shaper or a parent class shaper)."""
    if port.shape_kbps:
        return port.shape_kbps
    policy = output_policy(facts, port)
    if policy is None:
        return None
    rates = [c.shape_kbps for c in policy.classes if c.shape_kbps]
    return min(rates) if rates else None


def egress_rate_kbps(facts: DeviceFacts, port: Port, link: Link | None) -> float | None:
    """The rate a percentage-sized queue on ``port`` refers to (shaper, then contract, then speed)."""
    shaped = shaper_kbps(facts, port)
    if shaped:
        return float(shaped)
    if link is not None:
        return link.contracted_up_mbps * 1000.0
    return float(port.bandwidth_kbps) if port.bandwidth_kbps else None


def queue_size_kbps(qc: QueueClass, rate_kbps: float | None) -> float | None:
    """Configured size of a priority class in kbit/s; None when unbounded or unknown."""
    cls = qc.cls
    if cls.priority_kbps:
        return float(cls.priority_kbps)
    if cls.police_kbps:
        return float(cls.police_kbps)
    base = qc.parent_shape_kbps or rate_kbps
    if cls.priority_pct is not None and base:
        return cls.priority_pct * base / 100.0
    if cls.bandwidth_kbps:
        return float(cls.bandwidth_kbps)
    if cls.bandwidth_pct is not None and base:
        return cls.bandwidth_pct * base / 100.0
    return None


def describe_policy(facts: DeviceFacts, policy: QosPolicy) -> str:
    """A one-line-per-class summary of a policy, for evidence when the parser kept no lines."""
    lines = [f"policy {policy.name}:"]
    for qc in flatten(facts, policy):
        c = qc.cls
        parts = [f"  class {c.name}"]
        if qc.matches:
            parts.append(f"match dscp {' '.join(qc.matches)}")
        if c.priority:
            size = f"{c.priority_kbps} kbps" if c.priority_kbps else f"{c.priority_pct} %" if c.priority_pct else ""
            parts.append(f"priority {size}".rstrip())
        for attr in ("bandwidth_kbps", "bandwidth_pct", "shape_kbps", "police_kbps", "set_dscp"):
            value = getattr(c, attr)
            if value is not None:
                parts.append(f"{attr.replace('_', ' ')} {value}")
        lines.append(" ".join(parts))
    return "\n".join(lines)


def qos_evidence(facts: DeviceFacts, port: Port | None = None) -> str:
    """QoS lines a parser kept, else a summary of the port and its output policy."""
    kept = "\n".join(facts.evidence[k].strip() for k in ("qos", "policies") if facts.evidence.get(k, "").strip())
    parts = [port.evidence.strip() or f"interface {port.name}"] if port is not None else []
    policy = output_policy(facts, port) if port is not None else None
    if kept:
        parts.append(kept)
    elif policy is not None:
        parts.append(describe_policy(facts, policy))
    elif port is not None:
        parts.append(f"(no output QoS policy on {port.name})")
    return "\n".join(parts)
