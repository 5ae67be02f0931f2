"""RouterOS mangle marks and queues as class maps, QoS policies and attachments.

A ``mark-packet`` mangle rule is a class (its packet mark) matching the DSCP the
rule tests; a queue tree or simple queue on that mark is the class's treatment,
strict priority when ``priority=1`` (RouterOS' highest of 1..8). Queue trees
attach to the interface at the root of their parent chain; simple queues to
their target.
"""

from __future__ import annotations

import re

from core.models.facts import ClassMatch, PolicyAttachment, PolicyClass, QosPolicy
from platforms.parsers.common import dscp_name
from platforms.parsers.routeros_export import RosCommand, in_menu

MAX_PARENT_DEPTH = 8


def _rate_kbps(text: str) -> int | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kMG]?)", text.split("/")[0])
    if match is None or float(match.group(1)) == 0:
        return None
    factor = {"": 0.001, "k": 1, "M": 1000, "G": 1_000_000}[match.group(2)]
    return int(float(match.group(1)) * factor)


def class_maps(commands: list[RosCommand]) -> list[ClassMatch]:
    """Packet marks and what the mangle rules setting them match."""
    marks: dict[str, ClassMatch] = {}
    for rule in in_menu(commands, "ip firewall mangle"):
        if rule.get("action") != "mark-packet" or not rule.get("new-packet-mark"):
            continue
        cls = marks.setdefault(rule.get("new-packet-mark"), ClassMatch(name=rule.get("new-packet-mark")))
        for value in rule.get("dscp").split(","):
            name = dscp_name(value) if value else None
            if name and name not in cls.match_dscp:
                cls.match_dscp.append(name)
        for key in ("protocol", "dst-port", "src-address-list", "dst-address-list", "connection-mark"):
            if rule.get(key):
                cls.match_other.append(f"{key}={rule.get(key)}")
    return list(marks.values())


def _root_interface(queue: RosCommand, by_name: dict[str, RosCommand]) -> str:
    parent = queue.get("parent", "global")
    for _ in range(MAX_PARENT_DEPTH):
        if parent not in by_name:
            return parent
        parent = by_name[parent].get("parent", "global")
    return parent


def queues(commands: list[RosCommand]) -> tuple[list[ClassMatch], list[QosPolicy], list[PolicyAttachment]]:
    """Class maps plus one policy per queue-tree root interface and per simple queue target."""
    policies: dict[str, QosPolicy] = {}
    attachments: list[PolicyAttachment] = []
    tree = in_menu(commands, "queue tree")
    by_name = {q.get("name"): q for q in tree}
    entries = [(q, f"queue-tree:{_root_interface(q, by_name)}", _root_interface(q, by_name)) for q in tree]
    for simple in in_menu(commands, "queue simple"):
        target = simple.get("target").split(",")[0]
        entries.append((simple, f"queue-simple:{simple.get('name')}", target))
    for queue, policy_name, interface in entries:
        marks = [m for m in (queue.get("packet-mark") or queue.get("packet-marks")).split(",") if m]
        priority = queue.get("priority", "8").split("/")[0]
        policy = policies.setdefault(policy_name, QosPolicy(name=policy_name))
        for mark in marks or [queue.get("name")]:
            policy.classes.append(
                PolicyClass(
                    name=mark,
                    priority=priority == "1",
                    bandwidth_kbps=_rate_kbps(queue.get("limit-at")),
                    shape_kbps=_rate_kbps(queue.get("max-limit")),
                )
            )
        att = PolicyAttachment(interface=interface, direction="output", policy=policy_name)
        if att not in attachments:
            attachments.append(att)
    return class_maps(commands), list(policies.values()), attachments


def marking_policy(commands: list[RosCommand]) -> QosPolicy | None:
    """Mangle ``change-dscp`` rules to a DSCP other than 0 as one marking policy: a class per mark it re-marks.

    (Re-marking to 0 is read by :func:`dscp_remarks`.) The class is named after the packet or connection
    mark the rule tests, which is how an export names the traffic (``VOIP``, ``DNS``).
    """
    classes: list[PolicyClass] = []
    for rule in in_menu(commands, "ip firewall mangle"):
        new_dscp = dscp_name(rule.get("new-dscp")) if rule.get("action") == "change-dscp" else None
        if new_dscp is None or new_dscp == "cs0" or not rule.enabled:
            continue
        name = rule.get("packet-mark") or rule.get("connection-mark") or f"{rule.get('chain')} change-dscp {new_dscp}"
        classes.append(PolicyClass(name=name, set_dscp=new_dscp))
    return QosPolicy(name="mangle change-dscp", classes=classes) if classes else None


def _zeroing_rules(commands: list[RosCommand]) -> list[RosCommand]:
    """Mangle rules that set DSCP to best effort."""
    return [
        rule
        for rule in in_menu(commands, "ip firewall mangle")
        if rule.get("action") == "change-dscp"
        and dscp_name(rule.get("new-dscp")) == "cs0"
        and rule.get("dscp") not in ("!46", "!ef")  # a matcher that leaves EF out spares voice
    ]


def dscp_remarks(commands: list[RosCommand]) -> list[str]:
    """Mangle rules that set DSCP to best effort."""
    return [rule.source for rule in _zeroing_rules(commands)]


_BUILTIN_CHAINS = frozenset({"prerouting", "input", "forward", "output", "postrouting"})
# Properties of a mangle rule that match nothing (or only interfaces): such a rule re-marks every packet.
_NOT_A_MATCHER = frozenset(
    {
        *("action", "new-dscp", "chain", "comment", "disabled", "passthrough", "log", "log-prefix"),
        *("in-interface", "out-interface", "in-interface-list", "out-interface-list", "place-before"),
    }
)


def whole_traffic_remarks(commands: list[RosCommand]) -> list[str]:
    """The enabled rules of :func:`dscp_remarks` in a built-in chain with no matcher but interfaces, and no enabled
    rule before them in their chain that could take a packet (EF) out of the chain first."""
    mangle = in_menu(commands, "ip firewall mangle")
    return [
        rule.source
        for rule in _zeroing_rules(commands)
        if rule.enabled
        and rule.get("chain") in _BUILTIN_CHAINS
        and set(rule.attrs) <= _NOT_A_MATCHER
        and not _leaves_chain_before(mangle, rule)
    ]


# Actions that end a packet's walk through a mangle chain; any other action does too with passthrough=no.
_CHAIN_ENDING_ACTIONS = frozenset({"accept", "drop", "return", "jump", "fasttrack-connection"})


def _leaves_chain_before(mangle: list[RosCommand], wash: RosCommand) -> bool:
    """Whether an enabled rule earlier in the wash's chain may end a packet's walk through it (rules are read in
    the order written; `place-before` is not followed)."""
    for rule in mangle:
        if rule is wash:
            return False
        ends_walk = rule.get("action") in _CHAIN_ENDING_ACTIONS or rule.get("passthrough") == "no"
        if rule.enabled and rule.get("chain") == wash.get("chain") and ends_walk:
            return True
    return False
