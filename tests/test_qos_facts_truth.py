"""The QoS facts the WAN rules (VQ201-VQ203) size and judge by, on hand-built policies.

A hierarchical policy (parent shaper, child with the priority class) is written out here and
every figure the helpers return is stated from reading it.
"""

from __future__ import annotations

import pytest

from checks.qos import (
    describe_policy,
    dscp_aliases,
    ef_queue,
    egress_rate_kbps,
    flatten,
    output_policy,
    qos_evidence,
    queue_size_kbps,
    shaper_kbps,
)
from core.models.facts import ClassMatch, DeviceFacts, PolicyAttachment, PolicyClass, Port, QosPolicy
from core.plan import Link
from core.voice_qos import voice_marks

MATCHES = {"VOICE": ["ef"], "SIGNAL": ["cs3", "af31"], "VIDEO": ["af41"], "EF-BULK": ["46"]}


def _facts(policies: list[QosPolicy], port: Port | None = None, attach: str = "PARENT") -> DeviceFacts:
    port = port or Port(name="GigabitEthernet0/0", is_wan=True)
    return DeviceFacts(
        platform="cisco_ios",
        ports=[port],
        class_maps=[ClassMatch(name=n, match_dscp=m) for n, m in MATCHES.items()],
        policies=policies,
        attachments=[
            PolicyAttachment(interface=port.name, direction="input", policy="CHILD"),
            PolicyAttachment(interface=port.name, direction="output", policy=attach),
        ],
    )


def _hierarchy() -> list[QosPolicy]:
    child = QosPolicy(
        name="CHILD",
        classes=[
            PolicyClass(name="EF-BULK", bandwidth_pct=10),  # EF matched but no priority: not the EF queue
            PolicyClass(name="VOICE", priority=True, priority_pct=30),
            PolicyClass(name="SIGNAL", bandwidth_kbps=256),
            PolicyClass(name="class-default", child_policy="GRANDCHILD"),
        ],
    )
    grandchild = QosPolicy(name="GRANDCHILD", classes=[PolicyClass(name="VIDEO", bandwidth_pct=20)])
    shaper = PolicyClass(name="class-default", shape_kbps=50_000, child_policy="CHILD")
    parent = QosPolicy(name="PARENT", classes=[shaper])
    return [parent, child, grandchild]


@pytest.mark.parametrize(
    ("name", "aliases"),
    [("EF", ("ef", "46")), ("cs3", ("cs3", "24")), ("af31", ("af31", "26")), ("af41", ("af41", "34")),
     ("cs5", ("cs5", "40")), ("default", ("default", "0")), ("cs0", ("cs0", "0")), ("af21", ("af21",))],
)  # fmt: skip
def test_dscp_aliases(name: str, aliases: tuple[str, ...]) -> None:
    assert dscp_aliases(name) == aliases


def test_flatten_carries_the_parent_shaper_down_every_level() -> None:
    facts = _facts(_hierarchy())
    flat = flatten(facts, facts.policies[0])
    assert [(q.cls.name, q.matches, q.parent_shape_kbps) for q in flat] == [
        ("class-default", (), None),
        ("EF-BULK", ("46",), 50_000),
        ("VOICE", ("ef",), 50_000),
        ("SIGNAL", ("cs3", "af31"), 50_000),
        ("class-default", (), 50_000),
        ("VIDEO", ("af41",), 50_000),
    ]


def test_flatten_stops_below_three_levels_of_nesting() -> None:
    loop = [QosPolicy(name=f"P{i}", classes=[PolicyClass(name="VOICE", child_policy=f"P{i + 1}")]) for i in range(6)]
    facts = _facts(loop, attach="P0")
    assert len(flatten(facts, loop[0])) == 4  # P0 and its children down to depth 3


def test_ef_queue_skips_an_ef_class_without_priority_and_sizes_from_the_parent_shaper() -> None:
    facts = _facts(_hierarchy())
    queue = ef_queue(facts, facts.policies[0])
    assert queue is not None and queue.cls.name == "VOICE"
    assert queue_size_kbps(queue, rate_kbps=1_000_000) == 30 * 50_000 / 100


def test_queue_size_takes_the_first_size_the_class_states() -> None:
    def size(cls: PolicyClass, shape: int | None = None, rate: float | None = 10_000.0) -> float | None:
        from checks.qos import QueueClass

        return queue_size_kbps(QueueClass(cls, ("ef",), shape), rate)

    assert size(PolicyClass(name="v", priority=True, priority_kbps=512, police_kbps=256)) == 512.0
    assert size(PolicyClass(name="v", priority=True, police_kbps=256, priority_pct=50)) == 256.0
    assert size(PolicyClass(name="v", priority=True, priority_pct=25)) == 2_500.0
    assert size(PolicyClass(name="v", priority=True, priority_pct=25), shape=2_000) == 500.0
    assert size(PolicyClass(name="v", bandwidth_kbps=300, bandwidth_pct=50)) == 300.0
    assert size(PolicyClass(name="v", bandwidth_pct=15)) == 1_500.0
    assert size(PolicyClass(name="v", priority=True, priority_pct=25), rate=None) is None
    assert size(PolicyClass(name="v", priority=True)) is None


def test_egress_rate_prefers_shaper_then_contract_then_port_speed() -> None:
    link = Link(name="wan1", contracted_up_mbps=20, contracted_down_mbps=100)
    shaped = _facts(_hierarchy())
    port = shaped.ports[0]
    assert shaper_kbps(shaped, port) == 50_000 and egress_rate_kbps(shaped, port, link) == 50_000.0
    bare_port = Port(name="Gi0/1", bandwidth_kbps=100_000)
    bare = _facts([], port=bare_port)
    assert egress_rate_kbps(bare, bare_port, link) == 20_000.0
    assert egress_rate_kbps(bare, bare_port, None) == 100_000.0
    assert egress_rate_kbps(bare, Port(name="Gi0/2"), None) is None
    flat = _facts([QosPolicy(name="FLAT", classes=[PolicyClass(name="VOICE", priority=True)])], attach="FLAT")
    assert shaper_kbps(flat, flat.ports[0]) is None  # a policy without a shaper shapes nothing
    own = Port(name="Gi0/3", shape_kbps=8_000)
    assert shaper_kbps(_facts(_hierarchy(), port=own), own) == 8_000


def test_output_policy_ignores_input_attachments() -> None:
    facts = _facts(_hierarchy())
    assert output_policy(facts, facts.ports[0]) is facts.policies[0]
    assert output_policy(facts, Port(name="Gi9/9")) is None


def test_describe_policy_lists_every_class_with_its_treatment() -> None:
    facts = _facts(_hierarchy())
    child = facts.policies[1]
    child.classes[2] = PolicyClass(name="SIGNAL", bandwidth_kbps=256, set_dscp="cs3", police_kbps=300)
    child.classes.append(PolicyClass(name="VIDEO", priority=True, priority_kbps=2000))
    child.classes.append(PolicyClass(name="VOICE", priority=True))
    assert describe_policy(facts, child) == "\n".join(
        [
            "policy CHILD:",
            "  class EF-BULK match dscp 46 bandwidth pct 10.0",
            "  class VOICE match dscp ef priority 30.0 %",
            "  class SIGNAL match dscp cs3 af31 bandwidth kbps 256 police kbps 300 set dscp cs3",
            "  class class-default",
            "  class VIDEO match dscp af41 bandwidth pct 20.0",
            "  class VIDEO match dscp af41 priority 2000 kbps",
            "  class VOICE match dscp ef priority",
        ]
    )


def test_qos_evidence_prefers_the_parsers_lines_then_a_summary() -> None:
    facts = _facts(_hierarchy())
    port = facts.ports[0]
    assert qos_evidence(facts, port).splitlines()[:2] == ["interface GigabitEthernet0/0", "policy PARENT:"]
    facts.evidence.update({"qos": " class-map VOICE\n", "policies": "policy-map PARENT "})
    port.evidence = "interface GigabitEthernet0/0\n service-policy output PARENT"
    assert qos_evidence(facts, port) == f"{port.evidence}\nclass-map VOICE\npolicy-map PARENT"
    assert qos_evidence(facts) == "class-map VOICE\npolicy-map PARENT"
    bare = _facts([], port=Port(name="Gi0/5"))
    assert qos_evidence(bare, bare.ports[0]) == "interface Gi0/5\n(no output QoS policy on Gi0/5)"


def test_ef_priority_egresses_name_the_output_interfaces_whose_policy_prioritises_ef() -> None:
    facts = _facts(_hierarchy())
    assert facts.ef_priority_egresses() == ["GigabitEthernet0/0"]  # output PARENT → CHILD's VOICE is priority
    assert _facts(_hierarchy(), attach="GRANDCHILD").ef_priority_egresses() == []  # VIDEO only, no priority


def test_voice_marks_keeps_media_and_signalling_markings_as_written() -> None:
    # RFC 4594: EF (46) telephony, CS3 (24) signalling; AF31 (26) the older Cisco signalling marking
    written = ["AF41", "EF", "cs3", "46", "Af31", "cs1", "24", "26"]
    assert voice_marks(written) == ["EF", "cs3", "46", "Af31", "24", "26"]
    assert voice_marks(["af41", "cs1", "default"]) == []
