"""FortiOS traffic shaping as class maps, QoS policies and attachments.

Two FortiOS models are mapped:

* shared traffic shapers: each ``firewall shaping-policy`` entry is a class
  (matching DSCP through ``tos``/``tos-mask``) in a per-egress policy
  ``shaping:<dstintf>``; the class counts as priority when its shaper has
  ``priority high`` and a guaranteed bandwidth (FortiOS' default shaper
  priority is already "high", so priority alone says nothing).
* class-based shaping: a shaping-policy sets ``class-id``; the egress
  interface's ``egress-shaping-profile`` gives that class a priority, where
  ``top`` is the strict-priority level (served before all others).
"""

from __future__ import annotations

from core.models.facts import ClassMatch, PolicyAttachment, PolicyClass, QosPolicy
from platforms.parsers.common import dscp_name, tos_to_dscp
from platforms.parsers.fortios_config import FortiNode, section

STRICT_PROFILE_PRIORITIES = ("top",)
_BLEACH = {"cs0"}


def _dscp_match(entry: FortiNode) -> list[str]:
    tos, mask = entry.get("tos", "0x00"), entry.get("tos-mask", "0x00")
    try:
        name = tos_to_dscp(int(tos, 16), int(mask, 16)) if entry.get("tos-negate") != "enable" else None
    except ValueError:
        return []
    return [name] if name else []


def shaping(root: FortiNode) -> tuple[list[ClassMatch], list[QosPolicy], list[PolicyAttachment]]:
    """Class maps, policies and attachments from shaping policies, shapers and shaping profiles."""
    shapers = section(root, "firewall shaper traffic-shaper").entries
    profiles = section(root, "firewall shaping-profile").entries
    egress = {n: e.get("egress-shaping-profile") for n, e in section(root, "system interface").entries.items()}
    classes: list[ClassMatch] = []
    policies: dict[str, QosPolicy] = {}
    attachments: list[PolicyAttachment] = []
    for rule_id, entry in section(root, "firewall shaping-policy").entries.items():
        if entry.get("status", "enable") == "disable":
            continue
        match_other = [f"service {s}" for s in entry.values("service")]
        for intf in entry.values("dstintf"):
            class_id = entry.get("class-id")
            profile = profiles.get(egress.get(intf, ""))
            if class_id and profile is not None:
                name = class_name(root, class_id)
                policy = policies.setdefault(profile.name, QosPolicy(name=profile.name))
                policy.classes.extend(_profile_classes(profile, class_id, name, policy))
                att = PolicyAttachment(interface=intf, direction="output", policy=profile.name)
            else:
                shaper = shapers.get(entry.get("traffic-shaper"))
                name = f"shaping-policy {rule_id} {entry.get('name')}".strip()
                policy = policies.setdefault(f"shaping:{intf}", QosPolicy(name=f"shaping:{intf}"))
                policy.classes.append(_shaper_class(name, shaper))
                att = PolicyAttachment(interface=intf, direction="output", policy=policy.name)
            classes.append(ClassMatch(name=name, match_dscp=_dscp_match(entry), match_other=match_other))
            if att not in attachments:
                attachments.append(att)
    return classes, list(policies.values()), attachments


def class_name(root: FortiNode, class_id: str) -> str:
    """'voice (class-id 2)' when the traffic class is named, else 'class-id 2'."""
    label = section(root, "firewall traffic-class").entries.get(class_id, FortiNode()).get("class-name")
    return f"{label} (class-id {class_id})" if label else f"class-id {class_id}"


def _profile_classes(profile: FortiNode, class_id: str, name: str, policy: QosPolicy) -> list[PolicyClass]:
    entries = profile.sections.get("shaping-entries", FortiNode()).entries.values()
    for entry in entries:
        if entry.get("class-id") == class_id and all(c.name != name for c in policy.classes):
            pct = entry.get("guaranteed-bandwidth-percentage")
            return [
                PolicyClass(
                    name=name,
                    priority=entry.get("priority", "high") in STRICT_PROFILE_PRIORITIES,
                    bandwidth_pct=float(pct) if pct.isdecimal() else None,
                )
            ]
    return []


def _shaper_class(name: str, shaper: FortiNode | None) -> PolicyClass:
    if shaper is None:
        return PolicyClass(name=name)
    guaranteed = shaper.get("guaranteed-bandwidth", "0")
    kbps = int(guaranteed) if guaranteed.isdecimal() else 0
    return PolicyClass(
        name=name,
        priority=shaper.get("priority", "high") == "high" and kbps > 0,
        bandwidth_kbps=kbps or None,
        shape_kbps=int(m) if (m := shaper.get("maximum-bandwidth")).isdecimal() else None,
    )


def dscp_remarks(root: FortiNode) -> list[str]:
    """Policies that rewrite DSCP to best effort on forward or reply traffic."""
    lines: list[str] = []
    for kind in ("firewall policy", "firewall shaping-policy"):
        for rule_id, entry in section(root, kind).entries.items():
            for direction in ("forward", "reverse"):
                code = entry.get(f"diffservcode-{direction}", "000000")
                if entry.get(f"diffserv-{direction}") == "enable" and dscp_name(code) in _BLEACH:
                    lines.append(f"config {kind} / edit {rule_id}: set diffserv-{direction} enable, code {code}")
    return lines
