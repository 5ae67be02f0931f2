"""``tc qdisc show``, ``tc class show dev IF`` and ``tc filter show dev IF`` to QoS facts.

Per device: an htb tree is one QosPolicy ``tc:<dev>`` attached to the device's
egress. A leaf class is strict priority when it has ``prio 0`` while some
other leaf on the device has a larger (lower-priority) prio, and a guaranteed
rate. A u32 filter matching the TOS byte (e.g. 0xb8/0xfc, or flower ``ip_tos``)
sends that DSCP to its ``flowid`` class: ClassMatch(name=classid, match_dscp=[ef]).
The commands are read per device because ``tc class show`` without ``dev``
prints nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel

from core.models.facts import ClassMatch, PolicyAttachment, PolicyClass, QosPolicy
from platforms.parsers.common import tos_to_dscp

CLASS_PREFIX = re.compile(r"^tc (?:-s )?class show dev (\S+)$")
FILTER_PREFIX = re.compile(r"^tc (?:-s )?filter show dev (\S+)$")
_RATE_UNITS = {"bit": 0.001, "kbit": 1, "mbit": 1000, "gbit": 1_000_000}


class TcQdisc(BaseModel):
    """A root qdisc on a device."""

    kind: str
    dev: str
    line: str


class TcClass(BaseModel):
    """One htb class."""

    classid: str
    parent: str
    prio: int | None
    rate_kbps: int | None
    ceil_kbps: int | None
    line: str


def rate_kbps(text: str) -> int | None:
    """Kbit/s in a tc rate such as '2Mbit', '512Kbit', '100bit'."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]?bit)", text, re.I)
    if match is None:
        return None
    return int(float(match.group(1)) * _RATE_UNITS[match.group(2).lower()])


def root_qdiscs(text: str) -> list[TcQdisc]:
    """Root qdiscs from ``tc qdisc show``."""
    found: list[TcQdisc] = []
    for line in text.splitlines():
        match = re.match(r"qdisc (\S+) \S+ dev (\S+) root", line.strip())
        if match:
            found.append(TcQdisc(kind=match.group(1), dev=match.group(2), line=line.strip()))
    return found


def classes(text: str) -> list[TcClass]:
    """htb classes from ``tc class show dev X``."""
    found: list[TcClass] = []
    for line in text.splitlines():
        match = re.match(r"class htb (\S+) (?:parent (\S+)|root)(.*)", line.strip())
        if match is None:
            continue
        rest = match.group(3)
        prio = re.search(r"\bprio (\d+)", rest)
        rate = re.search(r"\brate (\S+)", rest)
        ceil = re.search(r"\bceil (\S+)", rest)
        found.append(
            TcClass(
                classid=match.group(1),
                parent=match.group(2) or "root",
                prio=int(prio.group(1)) if prio else None,
                rate_kbps=rate_kbps(rate.group(1)) if rate else None,
                ceil_kbps=rate_kbps(ceil.group(1)) if ceil else None,
                line=line.strip(),
            )
        )
    return found


def dscp_flows(text: str) -> dict[str, list[str]]:
    """Class id -> DSCP names that filters send there (u32 match on the TOS byte, or flower ip_tos)."""
    found: dict[str, list[str]] = {}
    flowid = ""
    for line in text.splitlines():
        if match := re.search(r"\*?(?:flowid|classid) (\S+)", line):
            flowid = match.group(1)
        u32 = re.search(r"match ([0-9a-f]{8})/([0-9a-f]{8}) at 0\b", line)
        tos = re.search(r"ip_tos (0x[0-9a-f]+)/(0x[0-9a-f]+)", line)
        dscp = None
        if u32:
            dscp = tos_to_dscp((int(u32.group(1), 16) >> 16) & 0xFF, (int(u32.group(2), 16) >> 16) & 0xFF)
        elif tos:
            dscp = tos_to_dscp(int(tos.group(1), 16), int(tos.group(2), 16))
        if dscp and flowid and dscp not in found.setdefault(flowid, []):
            found[flowid].append(dscp)
    return found


def qos(outputs: Mapping[str, str]) -> tuple[list[ClassMatch], list[QosPolicy], list[PolicyAttachment]]:
    """Class maps, per-device htb policies and their egress attachments."""
    class_text = {m.group(1): t for c, t in outputs.items() if (m := CLASS_PREFIX.match(c))}
    filter_text = {m.group(1): t for c, t in outputs.items() if (m := FILTER_PREFIX.match(c))}
    class_maps: list[ClassMatch] = []
    policies: list[QosPolicy] = []
    attachments: list[PolicyAttachment] = []
    for qdisc in root_qdiscs(outputs.get("tc qdisc show", "")):
        if qdisc.kind != "htb":
            continue
        tree = classes(class_text.get(qdisc.dev, ""))
        parents = {c.parent for c in tree}
        leaves = [c for c in tree if c.classid not in parents]
        worst = max((c.prio for c in leaves if c.prio is not None), default=0)
        policy = QosPolicy(name=f"tc:{qdisc.dev}")
        for leaf in leaves:
            strict = leaf.prio == 0 and worst > 0 and bool(leaf.rate_kbps)
            policy.classes.append(
                PolicyClass(
                    name=leaf.classid, priority=strict, bandwidth_kbps=leaf.rate_kbps, shape_kbps=leaf.ceil_kbps
                )
            )
        policies.append(policy)
        attachments.append(PolicyAttachment(interface=qdisc.dev, direction="output", policy=policy.name))
        flows = dscp_flows(filter_text.get(qdisc.dev, ""))
        class_maps.extend(ClassMatch(name=flow, match_dscp=dscp) for flow, dscp in flows.items())
    return class_maps, policies, attachments


def shaped_devices(outputs: Mapping[str, str]) -> dict[str, int]:
    """Device -> shaping rate (kbit/s) of a root tbf qdisc or the htb root class."""
    shaped: dict[str, int] = {}
    for qdisc in root_qdiscs(outputs.get("tc qdisc show", "")):
        rate = re.search(r"\brate (\S+)", qdisc.line)
        if qdisc.kind == "tbf" and rate and (kbps := rate_kbps(rate.group(1))):
            shaped[qdisc.dev] = kbps
    for command, text in outputs.items():
        if (match := CLASS_PREFIX.match(command)) is not None:
            roots = [c for c in classes(text) if c.parent == "root" and c.ceil_kbps]
            if roots and roots[0].ceil_kbps:
                shaped[match.group(1)] = roots[0].ceil_kbps
    return shaped
