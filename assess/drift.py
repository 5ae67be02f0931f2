"""Configuration drift: where sites differ on the layers that should be standard everywhere.

Each layer reduces a site's device facts to comparable lines (e.g. ``VOICE:
priority 30 %``); a layer drifts when two sites with evidence show different
lines. A site's details are the lines that set it apart from the de-facto
standard (the setting most sites share, else what every site has). Sites
without evidence for a layer are shown but never count as drift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from assess.models.facts import DeviceFacts
from assess.models.site import DriftItem, SiteResult
from assess.voice_qos import voice_marks

NOT_SEEN = "not seen"


def _pct(value: float | None, kbps: int | None) -> str:
    if value is not None:
        return f"{value:g} %"
    if kbps is not None:
        return f"{kbps} kbit/s"
    return "unbounded"


def qos_policy_lines(facts: DeviceFacts) -> list[str]:
    """Each voice class (matching EF or CS3/AF31) with priority or a guarantee, as ``CLASS (dscp): treatment``."""
    matches = {c.name: c.match_dscp for c in facts.class_maps}
    lines = []
    for policy in facts.policies:
        for cls in policy.classes:
            marks = voice_marks(matches.get(cls.name, []))
            if not marks:
                continue
            dscp = f" ({','.join(marks)})"
            if cls.priority:
                lines.append(f"{cls.name}{dscp}: priority {_pct(cls.priority_pct, cls.priority_kbps)}")
            elif cls.bandwidth_pct is not None or cls.bandwidth_kbps is not None:
                lines.append(f"{cls.name}{dscp}: bandwidth {_pct(cls.bandwidth_pct, cls.bandwidth_kbps)}")
    return lines


def _priority_classes(facts: DeviceFacts) -> list[str]:
    return list(facts.priority_classes)


def _ef_priority(facts: DeviceFacts) -> list[str]:
    if facts.ef_priority is None:
        return []
    return ["EF in strict priority" if facts.ef_priority else "EF not in strict priority"]


def _voice_vlans(facts: DeviceFacts) -> list[str]:
    return [f"voice VLAN {v}" for v in facts.voice_vlans]


def _sip_alg(facts: DeviceFacts) -> list[str]:
    # Only devices that do NAT or declare the state matter; a switch's "unknown" is noise.
    if facts.sip_alg == "unknown":
        return []
    return [f"SIP ALG {facts.sip_alg}"]


def _rtp_ranges(facts: DeviceFacts) -> list[str]:
    return [f"UDP {lo}-{hi}" for lo, hi in facts.rtp_udp_ranges]


def _udp_timeout(facts: DeviceFacts) -> list[str]:
    return [] if facts.udp_timeout_s is None else [f"UDP timeout {facts.udp_timeout_s} s"]


LAYERS: tuple[tuple[str, Callable[[DeviceFacts], list[str]]], ...] = (
    ("QoS policy", qos_policy_lines),
    ("Priority classes", _priority_classes),
    ("EF priority", _ef_priority),
    ("Voice VLAN scheme", _voice_vlans),
    ("SIP ALG", _sip_alg),
    ("RTP port range", _rtp_ranges),
    ("UDP timeout", _udp_timeout),
)


def site_lines(site: SiteResult, layer: Callable[[DeviceFacts], list[str]]) -> list[str]:
    """The layer's lines over all devices of ``site``, in first-seen order, without repeats."""
    lines: list[str] = []
    for dev in site.devices:
        if dev.facts is not None:
            lines.extend(line for line in layer(dev.facts) if line not in lines)
    return lines


def compute_drift(sites: Sequence[SiteResult]) -> list[DriftItem]:
    """One item per standardised layer on which sites with evidence differ."""
    items = []
    for name, layer in LAYERS:
        per_site = {s.site: site_lines(s, layer) for s in sites}
        seen = {site: frozenset(lines) for site, lines in per_site.items() if lines}
        if len(set(seen.values())) < 2:
            continue
        reference = _reference(list(seen.values()))
        items.append(
            DriftItem(
                layer=name,
                values={site: "; ".join(lines) if lines else NOT_SEEN for site, lines in per_site.items()},
                details={
                    site: [ln for ln in lines if ln not in reference]
                    for site, lines in per_site.items()
                    if lines and frozenset(lines) != reference
                },
            )
        )
    return items


def _reference(values: list[frozenset[str]]) -> frozenset[str]:
    """The setting most sites share (the de-facto standard), else the lines every site has."""
    counts = Counter(values)
    best, n = counts.most_common(1)[0]
    if n >= 2 and list(counts.values()).count(n) == 1:
        return best
    return frozenset.intersection(*values)
