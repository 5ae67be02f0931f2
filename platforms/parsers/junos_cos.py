"""Junos class-of-service set-paths to class maps, QoS policies and attachments.

Mapping: a DSCP classifier entry (code-points ef -> forwarding-class X) becomes
ClassMatch(name=X, match_dscp=[ef]); a scheduler-map becomes a QosPolicy whose
classes are forwarding classes, strict priority when their scheduler has
``priority strict-high``; a scheduler-map (directly or through a
traffic-control-profile) on an interface becomes an output PolicyAttachment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.models.facts import ClassMatch, PolicyAttachment, PolicyClass, QosPolicy
from platforms.parsers.common import dscp_name
from platforms.parsers.junos_config import Path, as_set_line, with_prefix

COS = "class-of-service"
# Junos' built-in DSCP classifier puts EF into expedited-forwarding (queue 1).
DEFAULT_EF_CLASS = "expedited-forwarding"
_BLEACH_CODEPOINTS = {"be", "cs0", "000000", "0"}


def class_maps(paths: Sequence[Path]) -> list[ClassMatch]:
    """Forwarding classes and the DSCP code points classifiers map into them."""
    classes: dict[str, ClassMatch] = {}
    for path in with_prefix(paths, COS, "classifiers", "dscp", None, "forwarding-class", None):
        fc = path[5]
        entry = classes.setdefault(fc, ClassMatch(name=fc))
        if "code-points" in path:
            for word in path[path.index("code-points") + 1 :]:
                name = dscp_name(word)
                if name and name not in entry.match_dscp:
                    entry.match_dscp.append(name)
    if not any("ef" in c.match_dscp for c in classes.values()):
        default = classes.setdefault(DEFAULT_EF_CLASS, ClassMatch(name=DEFAULT_EF_CLASS))
        default.match_dscp.append("ef")
        default.match_other.append("junos default dscp classifier")
    return list(classes.values())


def _schedulers(paths: Sequence[Path]) -> dict[str, PolicyClass]:
    """Scheduler name -> its treatment (the class name is filled in per scheduler-map)."""
    scheds: dict[str, PolicyClass] = {}
    for path in with_prefix(paths, COS, "schedulers", None):
        sched = scheds.setdefault(path[2], PolicyClass(name=path[2]))
        rest = path[3:]
        if rest[:1] == ("priority",) and len(rest) > 1:
            sched.priority = rest[1] == "strict-high"
        elif rest[:2] == ("transmit-rate", "percent") and len(rest) > 2 and rest[2].isdecimal():
            sched.bandwidth_pct = float(rest[2])
        elif rest[:1] == ("transmit-rate",) and len(rest) > 1:
            sched.bandwidth_kbps = rate_kbps(rest[1])
    return scheds


def rate_kbps(text: str) -> int | None:
    """Kbit/s in a Junos rate such as '50m', '512k' or '1g'."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kmg]?)", text.lower())
    if match is None:
        return None
    factor = {"": 0.001, "k": 1, "m": 1000, "g": 1_000_000}[match.group(2)]
    return int(float(match.group(1)) * factor)


def policies(paths: Sequence[Path]) -> list[QosPolicy]:
    """Scheduler-maps as QoS policies whose classes are forwarding classes."""
    scheds = _schedulers(paths)
    maps: dict[str, QosPolicy] = {}
    for path in with_prefix(paths, COS, "scheduler-maps", None, "forwarding-class", None, "scheduler", None):
        policy = maps.setdefault(path[2], QosPolicy(name=path[2]))
        treatment = scheds.get(path[6], PolicyClass(name=path[6]))
        policy.classes.append(treatment.model_copy(update={"name": path[4]}))
    return list(maps.values())


def attachments(paths: Sequence[Path]) -> list[PolicyAttachment]:
    """Scheduler-maps applied to interfaces (directly or via traffic-control-profiles), as output policies."""
    tcp_maps = {p[2]: p[4] for p in with_prefix(paths, COS, "traffic-control-profiles", None, "scheduler-map", None)}
    found: list[PolicyAttachment] = []
    for path in with_prefix(paths, COS, "interfaces", None):
        rest = path[3:]
        name = path[2]
        if rest[:1] == ("unit",) and len(rest) > 2:
            name, rest = f"{path[2]}.{rest[1]}", rest[2:]
        policy = None
        if rest[:1] == ("scheduler-map",) and len(rest) > 1:
            policy = rest[1]
        elif rest[:1] == ("output-traffic-control-profile",) and len(rest) > 1:
            policy = tcp_maps.get(rest[1])
        if policy is not None:
            att = PolicyAttachment(interface=name, direction="output", policy=policy)
            if att not in found:
                found.append(att)
    return found


def trusting_interfaces(paths: Sequence[Path]) -> dict[str, str]:
    """Interface (physical name) -> 'dscp' or 'cos' for interfaces with a classifier bound."""
    trust: dict[str, str] = {}
    for path in with_prefix(paths, COS, "interfaces", None):
        if "classifiers" not in path:
            continue
        kind = path[path.index("classifiers") + 1 : path.index("classifiers") + 2]
        if kind and kind[0] in ("dscp", "dscp-ipv6"):
            trust[path[2]] = "dscp"
        elif kind and kind[0] == "ieee-802.1":
            trust.setdefault(path[2], "cos")
    return trust


def dscp_remarks(paths: Sequence[Path], ef_classes: set[str]) -> list[str]:
    """Lines that re-mark DSCP to best effort or take EF away from the EF forwarding class."""
    lines: list[str] = []
    for path in with_prefix(paths, COS, "rewrite-rules", "dscp", None, "forwarding-class", None):
        if "code-point" not in path:
            continue
        point = dscp_name(path[path.index("code-point") + 1]) if path[-1] != "code-point" else None
        if point in _BLEACH_CODEPOINTS or (path[5] in ef_classes and point not in (None, "ef")):
            lines.append(as_set_line(path))
    for path in with_prefix(paths, "firewall"):
        if "then" in path and "dscp" in path[path.index("then") :]:
            value = path[-1]
            if dscp_name(value) in _BLEACH_CODEPOINTS:
                lines.append(as_set_line(path))
    return lines


# The class-of-service hierarchies Junos has; a statement under any other is one the parser did not understand.
COS_HIERARCHIES = frozenset(
    [
        "adaptive-shapers",
        "application-traffic-control",
        "classifiers",
        "code-point-aliases",
        "copy-plp",
        "drop-profiles",
        "fabric",
        "forwarding-classes",
        "forwarding-policy",
        "fragmentation-maps",
        "host-outbound-traffic",
        "interfaces",
        "loss-priority-maps",
        "loss-priority-rewrites",
        "multi-destination",
        "restricted-queues",
        "rewrite-rules",
        "routing-instances",
        "scheduler-maps",
        "schedulers",
        "shared-buffer",
        "system-defaults",
        "traffic-control-profiles",
        "translation-table",
        "tri-color",
        "virtual-channel-groups",
        "virtual-channels",
    ]
)
SCHEDULER_STATEMENTS = frozenset(
    [
        "priority",
        "transmit-rate",
        "buffer-size",
        "shaping-rate",
        "drop-profile-map",
        "excess-rate",
        "excess-priority",
        "adjust-minimum",
        "adjust-percent",
        "explicit-congestion-notification",
    ]
)
PRIORITIES = frozenset(["strict-high", "high", "medium-high", "medium-low", "low", "low-latency"])
CLASSIFIER_KINDS = frozenset(["dscp", "dscp-ipv6", "ieee-802.1", "ieee-802.1ad", "inet-precedence", "exp"])
LOSS_PRIORITIES = frozenset(["low", "medium-low", "medium-high", "high"])
INTERFACE_STATEMENTS = frozenset(
    [
        "scheduler-map",
        "classifiers",
        "rewrite-rules",
        "output-traffic-control-profile",
        "input-traffic-control-profile",
        "shaping-rate",
        "input-scheduler-map",
        "input-shaping-rate",
        "forwarding-class",
        "output-forwarding-class-map",
        "member-link-scheduler",
        "excess-bandwidth-share",
        "loss-priority-maps",
        "loss-priority-rewrites",
        "output-traffic-control-profile-remaining",
        "input-traffic-control-profile-remaining",
    ]
)


def unread(paths: Sequence[Path]) -> list[tuple[str, list[str]]]:
    """(block, set lines) of class-of-service statements the parser does not understand, per block."""
    found: dict[str, list[str]] = {}
    for path in with_prefix(paths, COS, None):
        block = _unread_block(path[1:])
        if block is not None:
            found.setdefault(" ".join((COS, *block)), []).append(as_set_line(path))
    return list(found.items())


def _unread_block(rest: Path) -> Path | None:
    """The block (words after class-of-service) of a statement not understood, or None when it is read."""
    top = rest[0]
    if top not in COS_HIERARCHIES:
        return (top,)
    if top == "schedulers" and len(rest) > 2 and not _scheduler_statement_read(rest[2:]):
        return rest[:2]
    if (
        top == "scheduler-maps"
        and len(rest) > 2
        and not (len(rest) == 6 and rest[2] == "forwarding-class" and rest[4] == "scheduler")
    ):
        return rest[:2]
    if top == "classifiers" and len(rest) > 3 and not _classifier_statement_read(rest[1], rest[3:]):
        return rest[:3]
    if top == "interfaces" and len(rest) > 2:
        statement = rest[4:] if rest[2] == "unit" else rest[2:]
        if statement and statement[0] not in INTERFACE_STATEMENTS:
            return rest[:2]
    return None


def _scheduler_statement_read(statement: Path) -> bool:
    keyword, value = statement[0], statement[1:]
    if keyword not in SCHEDULER_STATEMENTS:
        return False
    if keyword == "priority":
        return len(value) == 1 and value[0] in PRIORITIES
    if keyword == "transmit-rate" and value:
        return value[0] in ("percent", "remainder") or rate_kbps(value[0]) is not None
    return True


def _classifier_statement_read(kind: str, statement: Path) -> bool:
    if kind not in CLASSIFIER_KINDS:
        return False
    if statement[0] == "import":
        return len(statement) == 2
    return (
        len(statement) >= 6
        and statement[0] == "forwarding-class"
        and statement[2] == "loss-priority"
        and statement[3] in LOSS_PRIORITIES
        and statement[4] == "code-points"
    )
