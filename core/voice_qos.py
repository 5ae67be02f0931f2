"""What voice QoS means, written once: the voice DSCP set, and whether EF reaches a strict-priority queue.

Parsers write DSCP names lower case (``ef``, ``cs3``, ``af31``) but a few platforms keep
numbers (``46``); every module that asks "is this voice marking?" or "does EF get a
priority queue?" asks here, so the facts' ``ef_priority``, the WAN rules, the drift
rules and the reports cannot disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # facts import this module: the models are only needed for the type hints
    from core.models.facts import DeviceFacts, PolicyClass, QosPolicy

MEDIA_DSCP = frozenset({"ef", "46"})
"""Expedited Forwarding: voice media (RFC 3246, RFC 4594 "Telephony")."""

SIGNALLING_DSCP = frozenset({"cs3", "24", "af31", "26"})
"""Call signalling: CS3 (RFC 4594) and AF31 (the older Cisco marking still common on phones)."""

VOICE_DSCP = MEDIA_DSCP | SIGNALLING_DSCP
"""Every marking voice relies on (media and signalling), by name and by number."""

_NUMBERS = {"ef": "46", "cs3": "24", "af31": "26", "af41": "34", "cs5": "40", "default": "0", "cs0": "0"}
_MAX_NESTING = 3  # parent/child policies deeper than this are not seen on real devices


def dscp_aliases(dscp: str) -> tuple[str, ...]:
    """Names a DSCP value may be written as.

    >>> dscp_aliases("EF"), dscp_aliases("af41"), dscp_aliases("cs1")
    (('ef', '46'), ('af41', '34'), ('cs1',))
    """
    value = dscp.lower()
    return (value, _NUMBERS[value]) if value in _NUMBERS else (value,)


def is_media(marks: tuple[str, ...] | list[str]) -> bool:
    """True when one of ``marks`` is EF (by name or number, any case).

    >>> is_media(["AF41", "EF"]), is_media(["cs3"])
    (True, False)
    """
    return any(m.lower() in MEDIA_DSCP for m in marks)


def voice_marks(marks: tuple[str, ...] | list[str]) -> list[str]:
    """The voice markings (media or signalling) among ``marks``, as written.

    >>> voice_marks(["af41", "cs3", "46"])
    ['cs3', '46']
    """
    return [m for m in marks if m.lower() in VOICE_DSCP]


class QueueClass(NamedTuple):
    """A class of an output policy, flattened out of any parent/child nesting."""

    cls: PolicyClass
    matches: tuple[str, ...]
    parent_shape_kbps: int | None


def class_matches(facts: DeviceFacts, name: str) -> tuple[str, ...]:
    """DSCP names a class matches (lower case); empty for class-default or unknown classes."""
    for cm in facts.class_maps:
        if cm.name == name:
            return tuple(d.lower() for d in cm.match_dscp)
    return ()


def flatten(facts: DeviceFacts, policy: QosPolicy, shape: int | None = None, depth: int = 0) -> list[QueueClass]:
    """Every class of ``policy`` and its child policies, with the parent's shaper."""
    policies = {p.name: p for p in facts.policies}
    out: list[QueueClass] = []
    for cls in policy.classes:
        out.append(QueueClass(cls, class_matches(facts, cls.name), shape))
        child = policies.get(cls.child_policy or "")
        if child is not None and depth < _MAX_NESTING:
            out.extend(flatten(facts, child, cls.shape_kbps or shape, depth + 1))
    return out


def ef_queue(facts: DeviceFacts, policy: QosPolicy) -> QueueClass | None:
    """The strict-priority class EF lands in under ``policy`` (nested policies included), if any."""
    for qc in flatten(facts, policy):
        if qc.cls.priority and is_media(qc.matches):
            return qc
    return None


def ef_priority_egresses(facts: DeviceFacts) -> list[str]:
    """Interfaces whose output policy puts EF into a strict-priority queue: EF reaches a priority queue there."""
    policies = {p.name: p for p in facts.policies}
    egresses: list[str] = []
    for att in facts.attachments:
        policy = policies.get(att.policy)
        if att.direction == "output" and policy is not None and ef_queue(facts, policy) is not None:
            egresses.append(att.interface)
    return egresses
