"""Arista EOS egress queuing as vendor-neutral classes and policies.

EOS has no MQC for queuing: DSCP maps to a traffic class (``qos map dscp ...
to traffic-class N``, default ``TC = DSCP // 8`` except DSCP 0-7 -> TC 1 and
8-15 -> TC 0), the traffic class to the same-numbered tx-queue, and every
tx-queue is strict priority until ``tx-queue N / no priority`` turns queue N
and all lower queues into round-robin. Each queue becomes a class
``tx-queue-N`` matching the DSCPs that land in it; each interface with its
own ``tx-queue`` settings gets its own policy, the rest share ``eos-default-queuing``.
"""

from __future__ import annotations

import re

from core.models.facts import ClassMatch, PolicyAttachment, PolicyClass, QosPolicy
from platforms.parsers.cisco_common import dscp_name, top_lines
from platforms.parsers.config_tree import ConfigTree

QUEUES = range(8)
DEFAULT_POLICY = "eos-default-queuing"


def default_tc(dscp: int) -> int:
    """EOS default DSCP -> traffic class."""
    tc = dscp // 8
    return {0: 1, 1: 0}.get(tc, tc)


def dscp_classes(conf: ConfigTree) -> tuple[list[ClassMatch], str]:
    """``tx-queue-N`` classes with the DSCPs mapped into them, and evidence."""
    tc_of = {d: default_tc(d) for d in range(64)}
    queue_of_tc = {tc: tc for tc in QUEUES}
    lines: list[str] = []
    for m in top_lines(conf, r"^qos map dscp ([\d ]+) to traffic-class (\d)\s*$"):
        lines.append(m.group(0))
        for value in m.group(1).split():
            if value.isdecimal() and int(value) < 64:
                tc_of[int(value)] = int(m.group(2))
    for m in top_lines(conf, r"^qos map traffic-class (\d) to tx-queue (\d)\s*$"):
        lines.append(m.group(0))
        queue_of_tc[int(m.group(1))] = int(m.group(2))
    classes = []
    for queue in QUEUES:
        dscps = [dscp_name(str(d)) for d in range(64) if queue_of_tc.get(tc_of[d]) == queue]
        if dscps:
            classes.append(ClassMatch(name=f"tx-queue-{queue}", match_dscp=dscps))
    return classes, "\n".join(lines) or "(EOS default DSCP to traffic-class map: EF/46 -> TC 5 -> tx-queue 5)"


def interface_queues(lines: list[str]) -> tuple[dict[int, bool], dict[int, float]]:
    """(tx-queue -> strict?, tx-queue -> bandwidth %) from an interface's ``tx-queue N`` sub-blocks."""
    strict: dict[int, bool] = {}
    bandwidth: dict[int, float] = {}
    current: int | None = None
    for line in lines:
        if m := re.match(r"^tx-queue (\d)$", line):
            current = int(m.group(1))
        elif current is not None and line in ("priority strict", "no priority"):
            strict[current] = line == "priority strict"
        elif current is not None and (m := re.match(r"^bandwidth percent (\d{1,3})$", line)):
            bandwidth[current] = float(m.group(1))
    return strict, bandwidth


def queue_policy(name: str, overrides: dict[int, bool], bandwidth: dict[int, float] | None = None) -> QosPolicy:
    """The policy a port's queue settings amount to (``no priority`` on N drags queues below N)."""
    round_robin_from = max((q for q, s in overrides.items() if not s), default=-1)
    shares = bandwidth or {}
    classes = [
        PolicyClass(
            name=f"tx-queue-{q}", priority=q > round_robin_from and overrides.get(q, True), bandwidth_pct=shares.get(q)
        )
        for q in reversed(QUEUES)
    ]
    return QosPolicy(name=name, classes=classes)


def eos_queuing(
    interfaces: list[tuple[str, list[str]]], whole_config: bool
) -> tuple[list[QosPolicy], list[PolicyAttachment]]:
    """Per-interface queuing policies for ports with ``tx-queue`` settings, one default for the rest.

    The default (every tx-queue strict priority) is assumed only in a whole config: in a pasted part
    of one, the queue settings may simply be elsewhere.
    """
    policies: list[QosPolicy] = []
    attachments: list[PolicyAttachment] = []
    default_used = False
    for name, lines in interfaces:
        overrides, bandwidth = interface_queues(lines)
        if overrides or bandwidth:
            policy = queue_policy(f"tx-queues {name}", overrides, bandwidth)
            policies.append(policy)
            attachments.append(PolicyAttachment(interface=name, direction="output", policy=policy.name))
        elif whole_config and re.match(r"^(Ethernet|Port-Channel)", name) and "." not in name:
            default_used = True
            attachments.append(PolicyAttachment(interface=name, direction="output", policy=DEFAULT_POLICY))
    if default_used:
        policies.append(queue_policy(DEFAULT_POLICY, {}))
    return policies, attachments
