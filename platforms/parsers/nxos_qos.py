"""NX-OS QoS: classification (``type qos``) and queuing (``type queuing``) in the neutral model.

On NX-OS, DSCP reaches a queue only through a classification policy: an input
``policy-map type qos`` sets a qos-group, and qos-group N is served by the
queuing class ``c-out-8q-qN`` (or ``c-out-qN`` in 4-queue mode). Without a
classification policy every packet is qos-group 0 (``q-default``) whatever its
DSCP. Each queuing class therefore becomes a ClassMatch whose DSCPs are those
the applied classification policies send into its qos-group. When ``system
qos`` names no output queuing policy, the default 8-queue policy applies
(``c-out-8q-q7`` priority level 1).
"""

from __future__ import annotations

import re

from core.models.facts import ClassMatch, PolicyAttachment, PolicyClass, QosPolicy
from platforms.parsers.cisco_mqc import Mqc

DEFAULT_QUEUING = "default-8q-out-policy"


def queue_number(class_name: str) -> int | None:
    """qos-group served by a queuing class (``c-out-8q-q5`` -> 5, ``c-out-q-default`` -> 0)."""
    if re.search(r"q-default$", class_name):
        return 0
    m = re.search(r"-q(\d)$", class_name)
    return int(m.group(1)) if m else None


def qos_group_dscps(mqc: Mqc, applied: set[str]) -> dict[int, list[str]]:
    """qos-group -> DSCPs sent into it by the applied ``type qos`` policies."""
    matches = {c.name: c.match_dscp for c in mqc.class_maps}
    groups: dict[int, list[str]] = {}
    for policy in mqc.policies:
        if policy.name not in applied or mqc.policy_types.get(policy.name) != "qos":
            continue
        for cls in policy.classes:
            for line in mqc.class_lines.get((policy.name, cls.name), []):
                if m := re.match(r"^set qos-group (\d)$", line):
                    groups.setdefault(int(m.group(1)), []).extend(matches.get(cls.name, []))
    return groups


def queuing_classes(mqc: Mqc, groups: dict[int, list[str]]) -> list[ClassMatch]:
    """A ClassMatch per queuing class used, matching the DSCPs of its qos-group."""
    names = {c.name for p in mqc.policies if mqc.policy_types.get(p.name) == "queuing" for c in p.classes}
    names |= {"c-out-8q-q7", "c-out-8q-q-default"}
    found = []
    for name in sorted(names):
        queue = queue_number(name)
        if queue is not None:
            found.append(ClassMatch(name=name, match_dscp=list(dict.fromkeys(groups.get(queue, [])))))
    return found


def default_queuing() -> QosPolicy:
    """NX-OS default 8-queue output policy: q7 strict priority, the rest weighted."""
    classes = [PolicyClass(name="c-out-8q-q7", priority=True)]
    classes += [PolicyClass(name=f"c-out-8q-q{q}", bandwidth_pct=0) for q in range(6, 0, -1)]
    classes.append(PolicyClass(name="c-out-8q-q-default", bandwidth_pct=100))
    return QosPolicy(name=DEFAULT_QUEUING, classes=classes)


def system_queuing(
    system_lines: list[str], mqc: Mqc, whole_config: bool
) -> tuple[list[QosPolicy], list[PolicyAttachment], str]:
    """The output queuing policy of ``system qos`` (or the default one), attached to ``system``.

    The default applies only to a whole config: a pasted snippet without ``system qos`` says nothing.
    """
    for line in system_lines:
        if m := re.match(r"^service-policy type queuing output (\S+)", line):
            return [], [PolicyAttachment(interface="system", direction="output", policy=m.group(1))], line
    if not whole_config:
        return [], [], "(snippet without `system qos`: the output queuing policy is not in the file)"
    note = f"(no `system qos` output queuing policy: NX-OS default {DEFAULT_QUEUING}, c-out-8q-q7 priority level 1)"
    attachment = PolicyAttachment(interface="system", direction="output", policy=DEFAULT_QUEUING)
    return [default_queuing()], [attachment], note
