"""Cisco MQC (class-map / policy-map / service-policy) to vendor-neutral QoS facts.

Shared by IOS, IOS-XE, NX-OS and ASA: the syntax differs only in optional
``type qos|queuing|inspect`` keywords and a few actions. Hand-written on top of
the config tree's hierarchy (config_tree.py) because no library maps MQC into a neutral model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.models.facts import ClassMatch, PolicyAttachment, PolicyClass, QosPolicy
from platforms.parsers.cisco_common import blocks, bps_to_kbps, dscp_name
from platforms.parsers.config_tree import ConfigTree
from platforms.parsers.unread import unread_lines

CLASS_MAP_RE = r"^class-map(?:\s+type\s+(\S+))?(?:\s+(?:match-any|match-all))?\s+(\S+)"
POLICY_MAP_RE = r"^policy-map(?:\s+type\s+(\S+))?\s+(\S+)\s*$"
SERVICE_POLICY_RE = re.compile(r"^service-policy(?:\s+type\s+(\S+))?\s+(input|output)\s+(\S+)")
_RATE = r"(\d+)(?:\s+(bps|kbps|mbps|gbps|k|m|g))?"
# Lines of a class-map and of a policy-map (around its classes) that are read or carry nothing for voice.
# (`no ...` removes a setting: pasted config-mode input, never a new fact; `description:` is how an anonymiser
# such as oxidized's rewrites a description, still nothing but text.)
CLASS_MAP_UNDERSTOOD = re.compile(r"(match|description:?|no)\s")
POLICY_MAP_UNDERSTOOD = re.compile(r"(class|description:?|no)\s")
# Policy-class commands the parser knows and leaves aside (queue depth, drop profiles, CoS/QoS-group marks,
# police actions, header compression); any other line it does not read is a command it did not understand.
CLASS_ACTIONS_LEFT_ASIDE = re.compile(
    r"(no|queue-limit|random-detect|fair-queue|(conform|exceed|violate)-action|set|compress|queue-buffers|description"
    r"|bandwidth\s+remaining\s+ratio|netflow-sample|account)\b|(drop|log)$"
)


@dataclass
class Mqc:
    """Everything MQC-shaped found in one config."""

    class_maps: list[ClassMatch] = field(default_factory=list)
    class_types: dict[str, str] = field(default_factory=dict)
    policies: list[QosPolicy] = field(default_factory=list)
    policy_types: dict[str, str] = field(default_factory=dict)
    class_lines: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (policy, class) -> lines
    unread: list[tuple[str, list[str]]] = field(default_factory=list)  # (block, lines not understood) of qos maps
    remarks: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)


def dscp_values(spec: str) -> list[str]:
    """DSCP names in ``ef cs3``, NX-OS ``24,26`` or ``40-47`` forms.

    >>> dscp_values("46"), dscp_values("24,26"), dscp_values("44-46")
    (['ef'], ['cs3', 'af31'], ['voice-admit', '45', 'ef'])
    """
    found: list[str] = []
    for token in re.split(r"[\s,]+", spec.strip()):
        lo, _, hi = token.partition("-")
        if lo.isdecimal() and hi.isdecimal() and int(lo) <= int(hi) < 64:
            found.extend(dscp_name(str(v)) for v in range(int(lo), int(hi) + 1))
        elif token:
            found.append(dscp_name(token))
    return found


def parse_class_match(name: str, lines: list[str]) -> ClassMatch:
    """One class-map's match statements."""
    cm = ClassMatch(name=name)
    for line in lines:
        words = line.split()
        if len(words) < 2 or words[0] != "match":
            continue
        if words[1] == "dscp" or words[1:3] == ["ip", "dscp"]:
            values = words[3:] if words[1] == "ip" else words[2:]
            for value in dscp_values(" ".join(values)):
                if value not in cm.match_dscp:
                    cm.match_dscp.append(value)
        else:
            cm.match_other.append(" ".join(words[1:]))
            if words[1] == "precedence" or words[1:3] == ["ip", "precedence"]:
                # IP precedence N matches every DSCP whose top three bits are N (precedence 5 includes EF)
                for value in words[3:] if words[1] == "ip" else words[2:]:
                    if value.isdecimal() and int(value) < 8:
                        cm.match_dscp.extend(
                            n
                            for d in range(int(value) * 8, int(value) * 8 + 8)
                            if (n := dscp_name(str(d))) not in cm.match_dscp
                        )
    return cm


def parse_policy_class(name: str, lines: list[str]) -> tuple[PolicyClass, list[str], list[str]]:
    """One class inside a policy-map, the lines in it that re-mark DSCP, and the lines it did not understand."""
    pc = PolicyClass(name=name)
    remarks: list[str] = []
    unread: list[str] = []
    for line in lines:
        if not _apply_action(pc, line) and not CLASS_ACTIONS_LEFT_ASIDE.match(line) and line.strip("! "):
            unread.append(line)
        if re.match(r"^set\s+(ip\s+)?(dscp|precedence)\b", line):
            remarks.append(line)
    return pc, remarks, unread


def _apply_action(pc: PolicyClass, line: str) -> bool:
    """Record one policy action (priority, bandwidth, shape, police, set, child policy); False when none."""
    if m := re.match(r"^priority(?:\s+level\s+\d+)?\s*$", line):
        pc.priority = True
    elif m := re.match(r"^priority\s+percent\s+(\d+(?:\.\d+)?)", line):
        pc.priority, pc.priority_pct = True, float(m.group(1))
    elif m := re.match(r"^priority(?:\s+level\s+\d+)?\s+(\d+)", line):
        pc.priority, pc.priority_kbps = True, int(m.group(1)[:12])
    elif m := re.match(r"^bandwidth\s+(?:remaining\s+)?percent\s+(\d+(?:\.\d+)?)", line):
        pc.bandwidth_pct = float(m.group(1))
    elif m := re.match(r"^bandwidth\s+(\d+)", line):
        pc.bandwidth_kbps = int(m.group(1)[:12])
    elif m := re.match(r"^set\s+(?:ip\s+)?dscp\s+(\S+)", line):
        pc.set_dscp = dscp_name(m.group(1))
    elif m := re.match(rf"^shape\s+(?:average|peak)\s+{_RATE}", line):
        pc.shape_kbps = bps_to_kbps(m.group(1), m.group(2) or "")
    elif m := re.match(rf"^police\s+(?:cir\s+|rate\s+)?{_RATE}", line):
        pc.police_kbps = bps_to_kbps(m.group(1), m.group(2) or "")
    elif m := re.match(r"^service-policy(?:\s+type\s+\S+)?\s+(\S+)$", line):
        pc.child_policy = m.group(1)
    else:
        return False
    return True


def parse_policy(
    name: str, obj_children: list[object]
) -> tuple[QosPolicy, list[str], dict[str, list[str]], list[tuple[str, list[str]]]]:
    """A policy-map's classes (``class NAME`` or NX-OS ``class type queuing NAME``), and per block its lines
    not understood (``policy-map NAME`` itself, then each class)."""
    policy = QosPolicy(name=name)
    remarks: list[str] = []
    pc_lines: dict[str, list[str]] = {}
    unread = [
        (f"policy-map {name}", unread_lines((str(getattr(c, "text", "")) for c in obj_children), POLICY_MAP_UNDERSTOOD))
    ]
    for child in obj_children:
        m = re.match(r"^\s*class(?:\s+type\s+\S+)?\s+(\S+)", str(getattr(child, "text", "")))
        if m is None:
            continue
        # all descendants: IOS prints a nested service-policy one level below `shape average`
        lines = [str(c.text).strip() for c in getattr(child, "all_children", [])]
        pc, cls_remarks, cls_unread = parse_policy_class(m.group(1), lines)
        pc_lines[pc.name] = lines
        policy.classes.append(pc)
        remarks.extend(f"policy-map {name} class {pc.name}: {r}" for r in cls_remarks)
        unread.append((f"policy-map {name} class {pc.name}", cls_unread))
    return policy, remarks, pc_lines, unread


def parse_mqc(conf: ConfigTree) -> Mqc:
    """Class-maps and policy-maps of a config, with evidence per policy."""
    mqc = Mqc()
    for match, lines, evidence in blocks(conf, CLASS_MAP_RE):
        cm = parse_class_match(match.group(2), lines)
        mqc.class_maps.append(cm)
        mqc.class_types[cm.name] = match.group(1) or "qos"
        if mqc.class_types[cm.name] == "qos":
            mqc.unread.append((f"class-map {cm.name}", unread_lines(lines, CLASS_MAP_UNDERSTOOD)))
        mqc.evidence[f"class-map {cm.name}"] = evidence
    pattern = re.compile(POLICY_MAP_RE)
    for obj in conf.find_objects(POLICY_MAP_RE):
        pm = pattern.match(str(obj.text))
        if pm is None or obj.parent is not obj:
            continue
        policy, remarks, pc_lines, unread = parse_policy(pm.group(2), list(obj.children))
        if (pm.group(1) or "qos") == "qos":  # queuing/inspect maps have their own vocabularies
            mqc.unread.extend(unread)
        mqc.class_lines.update({(policy.name, cls): lines for cls, lines in pc_lines.items()})
        mqc.policies.append(policy)
        mqc.policy_types[policy.name] = pm.group(1) or "qos"
        mqc.remarks.extend(remarks)
        mqc.evidence[f"policy-map {policy.name}"] = "\n".join([str(obj.text), *(str(c.text) for c in obj.all_children)])
    return mqc


def interface_attachments(interface: str, lines: list[str]) -> list[PolicyAttachment]:
    """``service-policy [type T] input|output NAME`` lines of one interface."""
    found: list[PolicyAttachment] = []
    for line in lines:
        m = SERVICE_POLICY_RE.match(line)
        if m is not None and m.group(1) != "inspect":
            direction = "input" if m.group(2) == "input" else "output"
            found.append(PolicyAttachment(interface=interface, direction=direction, policy=m.group(3)))
    return found


def policy_shape_kbps(policy: QosPolicy | None) -> int | None:
    """The rate a (parent) policy shapes to, from its class-default or only class."""
    if policy is None:
        return None
    shaped = [c.shape_kbps for c in policy.classes if c.shape_kbps]
    default = [c.shape_kbps for c in policy.classes if c.name == "class-default" and c.shape_kbps]
    found = default or shaped
    return found[0] if found else None
