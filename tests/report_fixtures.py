"""Realistic SiteResults for report, scoring and drift tests (no device, no network).

Three sites of one fictional company: ``hq`` is GO, ``branch-york`` CONDITIONAL,
``warehouse`` NO-GO. Each has devices with facts, findings of every severity and
status, and recorded probes with timelines and RTT samples.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

from assess.scoring import score_site
from assess.scoring_config import thresholds_for_profile
from core.models.common import Category, Severity, Status
from core.models.facts import (
    ClassMatch,
    DeviceFacts,
    FirewallRule,
    PolicyAttachment,
    PolicyClass,
    Port,
    QosPolicy,
    Vlan,
)
from core.models.findings import Finding
from core.models.probes import BandwidthResult, RtpResult, RtpSample
from core.models.site import DeviceRecord, LinkProbes, NotAssessed, SiteResult
from core.models.traversal import NatResult, PortsResult, SipAlgResult

C, H, M, L, INFO = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO
LAN, WAN, FW, LQ, RES = (
    Category.LAN_QOS,
    Category.WAN_QOS,
    Category.FIREWALL_NAT,
    Category.LINK_QUALITY,
    Category.RESILIENCE,
)

# id -> (title, severity, category, rationale)
CATALOGUE: dict[str, tuple[str, Severity, Category, str]] = {
    "VQ101": (
        "Voice VLAN configured on phone access ports",
        H,
        LAN,
        "Phones must land in a separate VLAN so voice can be trusted and queued apart from data.",
    ),
    "VQ102": (
        "QoS trust on phone ports",
        H,
        LAN,
        "Without trust the switch re-marks the phone's EF to best effort at the first hop.",
    ),
    "VQ103": (
        "LLDP-MED network policy advertises the voice VLAN",
        L,
        LAN,
        "Phones learn their VLAN and DSCP from LLDP-MED; without it they need manual provisioning.",
    ),
    "VQ104": ("PoE budget covers the phones", M, LAN, "An exhausted PoE budget leaves phones dark after a reboot."),
    "VQ201": (
        "EF traffic reaches a strict-priority queue on the WAN egress",
        C,
        WAN,
        "Voice queued behind bulk data suffers delay and jitter whenever the link is busy.",
    ),
    "VQ202": (
        "WAN egress shaped to the contracted rate",
        H,
        WAN,
        "Queuing only works where the congestion is; a shaper moves it from the provider into the router.",
    ),
    "VQ203": (
        "Priority queue sized for the peak calls",
        M,
        WAN,
        "A priority queue policed below the peak voice load drops calls beyond its rate.",
    ),
    "VQ204": (
        "Signalling (CS3) has a bandwidth guarantee",
        M,
        WAN,
        "SIP lost under load means failed call set-up and dropped registrations.",
    ),
    "VQ205": (
        "Bandwidth headroom above the peak voice load",
        H,
        WAN,
        "Voice needs room above the data load at the busiest hour.",
    ),
    "VQ301": (
        "SIP ALG disabled on the edge firewall",
        C,
        FW,
        "SIP ALGs rewrite headers and SDP inconsistently and break registration and one-way audio.",
    ),
    "VQ302": (
        "RTP port range permitted to the provider",
        C,
        FW,
        "If the media range is blocked, calls connect with no audio.",
    ),
    "VQ303": (
        "SIP signalling ports permitted",
        H,
        FW,
        "Phones cannot register when 5060/5061 are blocked towards the provider.",
    ),
    "VQ304": (
        "UDP session timeout longer than the SIP re-registration interval",
        M,
        FW,
        "A UDP pinhole closing before re-registration makes inbound calls fail silently.",
    ),
    "VQ305": (
        "NAT mapping is endpoint-independent",
        M,
        FW,
        "Address-dependent NAT breaks media latching with some providers.",
    ),
    "VQ401": ("Jitter within target", H, LQ, "Jitter beyond the de-jitter buffer is heard as clipped speech."),
    "VQ402": ("Packet loss within target", H, LQ, "Above 1 % loss, G.711 quality drops quickly even with PLC."),
    "VQ403": ("Estimated MOS meets the target", H, LQ, "MOS by the E-model summarises delay, jitter and loss."),
    "VQ404": (
        "DSCP EF preserved across the WAN in both directions",
        H,
        LQ,
        "A provider bleaching EF removes every priority downstream of the edge.",
    ),
    "VQ405": ("One-way delay within G.114", H, LQ, "Beyond 150 ms one way, conversation becomes awkward."),
    "VQ501": ("Backup WAN path for voice", M, RES, "A single WAN link is a single point of failure for every call."),
    "VQ502": (
        "Configuration backed up and NTP synchronised",
        L,
        RES,
        "Call records and troubleshooting need correct time; rollback needs a saved config.",
    ),
    "VQ503": ("Device software under vendor support", INFO, RES, "Unsupported software gets no security fixes."),
}

REMEDIATION: dict[str, dict[str, str]] = {
    "VQ102": {
        "arista_eos": "interface Ethernet1-24\n   qos trust dscp",
        "cisco_ios": "interface range Gi1/0/1 - 24\n mls qos trust device cisco-phone\n mls qos trust cos",
        "mikrotik_routeros": "/interface bridge port set [find] trusted=yes",
    },
    "VQ301": {
        "fortinet": "config system settings\n    set sip-helper disable\n    set sip-nat-trace disable\nend\n"
        "config system session-helper\n    delete 13\nend",
        "juniper_junos": "delete security alg sip\nset security alg sip disable",
        "cisco_ios": "no ip nat service sip udp port 5060\nno ip nat service sip tcp port 5060",
    },
    "VQ302": {
        "fortinet": 'config firewall policy\n    edit 12\n        set service "SIP" "RTP-10000-20000"\n    next\nend',
    },
}


def _finding(
    fid: str,
    status: Status,
    *,
    device: str | None = None,
    link: str | None = None,
    platform: str = "cisco_ios",
    evidence: str = "",
    message: str = "",
) -> Finding:
    title, sev, cat, rationale = CATALOGUE[fid]
    fallback = (
        f"Raise a ticket with the WAN provider (target: {title.lower()}), then run the link probes again."
        if device is None
        else f"Change the {platform} configuration of {device} so that: {title.lower()}."
    )
    remediation = REMEDIATION.get(fid, {}).get(platform, fallback)
    return Finding(
        id=fid,
        title=title,
        severity=sev,
        category=cat,
        status=status,
        message=message or title,
        evidence=evidence,
        remediation=remediation if status != Status.PASS else "",
        rationale=rationale,
        device=device,
        link=link,
    )


def _timeline(seed: int, base_jitter: float, loss: float, rtt: float, n: int = 60) -> list[RtpSample]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        burst = 3.0 if i % 17 == 5 else 1.0
        out.append(
            RtpSample(
                t_s=float(i),
                jitter_up_ms=round(base_jitter * burst * (1 + 0.3 * math.sin(i / 4)) + rnd.random(), 2),
                jitter_down_ms=round(base_jitter * 0.8 * (1 + 0.2 * math.cos(i / 5)) + rnd.random(), 2),
                loss_up_pct=round(max(0.0, loss * burst * rnd.uniform(0, 2)), 2),
                loss_down_pct=round(max(0.0, loss * 0.5 * rnd.uniform(0, 2)), 2),
                rtt_ms=round(rtt + rnd.gauss(0, base_jitter), 2),
            )
        )
    return out


def _rtp(
    seed: int, jitter: float, loss: float, rtt: float, mos: float, r: float, dscp_far: int = 46, dscp_back: int = 46
) -> RtpResult:
    rnd = random.Random(seed)
    sent = 3000
    return RtpResult(
        codec="g711",
        ptime_ms=20,
        duration_s=60,
        packets_sent=sent,
        packets_received=round(sent * (1 - loss / 100)),
        loss_pct=loss,
        jitter_ms=jitter,
        jitter_p95_ms=round(jitter * 2.4, 2),
        rtt_ms=rtt,
        reorder_pct=0.0,
        r_factor=r,
        mos=mos,
        dscp_sent=46,
        dscp_at_far_end=dscp_far,
        dscp_on_return=dscp_back,
        loss_up_pct=loss,
        loss_down_pct=round(loss / 2, 2),
        jitter_up_ms=jitter,
        jitter_down_ms=round(jitter * 0.8, 2),
        max_loss_burst=3 if loss > 1 else 1,
        rtt_samples_ms=[round(max(1.0, rnd.gauss(rtt, jitter * 1.5)), 2) for _ in range(300)],
        timeline=_timeline(seed, jitter, loss, rtt),
    )


def _voice_policy(name: str, prio_pct: float, signalling: bool = True) -> tuple[list[ClassMatch], QosPolicy]:
    classes = [ClassMatch(name="VOICE", match_dscp=["ef"])]
    pcs = [PolicyClass(name="VOICE", priority=True, priority_pct=prio_pct)]
    if signalling:
        classes.append(ClassMatch(name="SIGNALLING", match_dscp=["cs3", "af31"]))
        pcs.append(PolicyClass(name="SIGNALLING", bandwidth_pct=5))
    pcs.append(PolicyClass(name="class-default", bandwidth_pct=None))
    return classes, QosPolicy(name=name, classes=pcs)


def _access_ports(prefix: str, n: int, voice_vlan: int | None, trust: str) -> list[Port]:
    return [
        Port(
            name=f"{prefix}{i}",
            mode="access",
            access_vlan=10,
            voice_vlan=voice_vlan,
            trust=trust,
            trust_device_phone=trust == "phone",
        )  # type: ignore[arg-type]
        for i in range(1, n + 1)
    ]


def hq_site() -> SiteResult:
    """Headquarters: Cisco router and switch, everything in order (GO)."""
    classes, policy = _voice_policy("WAN-EDGE", 30)
    parent = QosPolicy(
        name="WAN-SHAPE", classes=[PolicyClass(name="class-default", shape_kbps=200_000, child_policy="WAN-EDGE")]
    )
    rtr = DeviceFacts(
        platform="cisco_ios",
        hostname="hq-rtr1",
        vendor_os_version="IOS-XE 17.9.4a",
        class_maps=classes,
        policies=[policy, parent],
        attachments=[PolicyAttachment(interface="GigabitEthernet0/0/0", direction="output", policy="WAN-SHAPE")],
        nat_enabled=True,
        sip_alg="disabled",
        sip_alg_evidence="no ip nat service sip udp port 5060",
        firewall_rules=[
            FirewallRule(name="VOICE-IN 10", action="permit", protocol="udp", dst_ports=[(5060, 5061)]),
            FirewallRule(name="VOICE-IN 20", action="permit", protocol="udp", dst_ports=[(10000, 20000)]),
        ],
        udp_timeout_s=900,
        ports=[Port(name="GigabitEthernet0/0/0", mode="routed", is_wan=True, nat_side="outside", shape_kbps=200_000)],
    )
    sw = DeviceFacts(
        platform="cisco_ios",
        hostname="hq-sw1",
        vendor_os_version="IOS 15.2(7)E8",
        vlans=[Vlan(id=10, name="DATA"), Vlan(id=110, name="VOICE")],
        ports=_access_ports("GigabitEthernet1/0/", 24, 110, "phone"),
    )
    devices = [
        DeviceRecord(
            name="hq-rtr1",
            platform="cisco_ios",
            host="10.10.0.1",
            collected_via="ssh (netmiko)",
            commands=["show running-config", "show policy-map interface", "show ip nat translations"],
            facts=rtr,
        ),
        DeviceRecord(
            name="hq-sw1",
            platform="cisco_ios",
            host="10.10.0.2",
            collected_via="ssh (netmiko)",
            commands=["show running-config", "show lldp neighbors detail", "show power inline"],
            facts=sw,
        ),
    ]
    ev_pm = (
        "policy-map WAN-EDGE\n class VOICE\n  priority percent 30\n class SIGNALLING\n  bandwidth percent 5\n"
        "interface GigabitEthernet0/0/0\n service-policy output WAN-SHAPE"
    )
    findings = [
        _finding("VQ101", Status.PASS, device="hq-sw1", evidence="switchport voice vlan 110 (24 of 24 access ports)"),
        _finding("VQ102", Status.PASS, device="hq-sw1", evidence="mls qos trust device cisco-phone (24 ports)"),
        _finding(
            "VQ103",
            Status.WARN,
            device="hq-sw1",
            evidence="network-policy profile not configured",
            message="LLDP-MED network policy missing; phones rely on CDP for the voice VLAN",
        ),
        _finding(
            "VQ104", Status.PASS, device="hq-sw1", evidence="Available:740.0(w)  Used:212.4(w)  Remaining:527.6(w)"
        ),
        _finding("VQ201", Status.PASS, device="hq-rtr1", evidence=ev_pm),
        _finding("VQ202", Status.PASS, device="hq-rtr1", evidence="shape average 200000000"),
        _finding(
            "VQ203", Status.PASS, device="hq-rtr1", evidence="priority percent 30 = 60 Mbit/s ≥ 40 calls × 87.2 kbit/s"
        ),
        _finding("VQ204", Status.PASS, device="hq-rtr1", evidence=" class SIGNALLING\n  bandwidth percent 5"),
        _finding("VQ205", Status.PASS, link="hq-mpls", evidence="headroom 148.2 Mbit/s up at 40 calls"),
        _finding("VQ301", Status.PASS, device="hq-rtr1", evidence="no ip nat service sip udp port 5060"),
        _finding("VQ302", Status.PASS, device="hq-rtr1", evidence="permit udp any any range 10000 20000"),
        _finding("VQ303", Status.PASS, device="hq-rtr1", evidence="permit udp any any range 5060 5061"),
        _finding("VQ304", Status.PASS, device="hq-rtr1", evidence="ip nat translation udp-timeout 900"),
        _finding("VQ305", Status.PASS, link="hq-inet", evidence="mapping endpoint-independent"),
        _finding("VQ401", Status.PASS, link="hq-mpls", evidence="jitter 2.1 ms (p95 5.0 ms) ≤ 30 ms"),
        _finding("VQ402", Status.PASS, link="hq-mpls", evidence="loss 0.00 % ≤ 1 %"),
        _finding("VQ403", Status.PASS, link="hq-mpls", evidence="MOS 4.41 (R 93.1) ≥ 4.0"),
        _finding("VQ404", Status.PASS, link="hq-mpls", evidence="sent EF(46), far end EF(46), return EF(46)"),
        _finding("VQ405", Status.PASS, link="hq-mpls", evidence="RTT 18.4 ms → one-way ≈ 9.2 ms"),
        _finding("VQ401", Status.PASS, link="hq-inet", evidence="jitter 4.8 ms (p95 11.5 ms) ≤ 30 ms"),
        _finding("VQ501", Status.PASS, evidence="backup link hq-inet measured"),
        _finding("VQ502", Status.PASS, device="hq-rtr1", evidence="ntp server 10.10.0.5\narchive\n path flash:backup"),
        _finding("VQ503", Status.NA, device="hq-sw1", evidence="no support data supplied"),
    ]
    probes = [
        LinkProbes(
            link="hq-mpls",
            rtp=_rtp(1, 2.1, 0.0, 18.4, 4.41, 93.1),
            bandwidth=BandwidthResult(
                up_mbps=182.5,
                down_mbps=190.1,
                udp_loss_pct=0.0,
                rtt_ms=18.9,
                voice_load_kbps=3488,
                headroom_up_mbps=148.2,
                headroom_down_mbps=155.8,
            ),
            ports=PortsResult(tested_udp=[5060, 10000, 12500, 15000, 17500, 20000], tested_tcp=[5060, 5061]),
        ),
        LinkProbes(
            link="hq-inet",
            rtp=_rtp(2, 4.8, 0.2, 27.0, 4.32, 90.4, dscp_far=0, dscp_back=0),
            bandwidth=BandwidthResult(
                up_mbps=48.0,
                down_mbps=95.2,
                udp_loss_pct=0.1,
                rtt_ms=27.5,
                voice_load_kbps=3488,
                headroom_up_mbps=22.1,
                headroom_down_mbps=60.3,
            ),
            nat=NatResult(
                public_address="203.0.113.10",
                mapping="endpoint-independent",
                filtering="address-and-port-dependent",
                binding_lifetime_s=300,
            ),
            sip_alg=SipAlgResult(sip_alg_detected=False),
            ports=PortsResult(tested_udp=[5060, 10000, 15000, 20000], tested_tcp=[5060]),
        ),
    ]
    return _site("hq", "Headquarters, Leeds", findings, probes, devices, [])


def branch_site() -> SiteResult:
    """York branch: Juniper SRX and Arista switch; trust missing, jitter marginal (CONDITIONAL)."""
    classes, policy = _voice_policy("WAN-OUT", 20, signalling=False)
    fw = DeviceFacts(
        platform="juniper_junos",
        hostname="by-fw1",
        vendor_os_version="Junos 21.4R3-S5",
        class_maps=classes,
        policies=[policy],
        attachments=[PolicyAttachment(interface="ge-0/0/0", direction="output", policy="WAN-OUT")],
        nat_enabled=True,
        sip_alg="disabled",
        sip_alg_evidence="set security alg sip disable",
        firewall_rules=[
            FirewallRule(name="trust-to-untrust/voice", action="permit", protocol="udp", dst_ports=[(5060, 5060)]),
            FirewallRule(name="trust-to-untrust/rtp", action="permit", protocol="udp", dst_ports=[(16384, 32767)]),
        ],
        udp_timeout_s=60,
    )
    sw = DeviceFacts(
        platform="arista_eos",
        hostname="by-sw1",
        vendor_os_version="EOS 4.30.2F",
        vlans=[Vlan(id=20, name="DATA"), Vlan(id=120, name="VOICE")],
        ports=_access_ports("Ethernet", 12, 120, "none"),
    )
    devices = [
        DeviceRecord(
            name="by-fw1",
            platform="juniper_junos",
            host="10.20.0.1",
            collected_via="ssh (netmiko)",
            commands=["show configuration | display set", "show security flow session summary"],
            facts=fw,
        ),
        DeviceRecord(
            name="by-sw1",
            platform="arista_eos",
            host="10.20.0.2",
            collected_via="offline evidence",
            commands=["show running-config", "show lldp neighbors detail"],
            facts=sw,
        ),
    ]
    untrusted = "\n".join(
        f"interface Ethernet{i}\n   switchport voice vlan 120\n   ! no qos trust" for i in range(1, 5)
    )
    findings = [
        _finding("VQ101", Status.PASS, device="by-sw1", platform="arista_eos", evidence="switchport voice vlan 120"),
        _finding(
            "VQ102",
            Status.FAIL,
            device="by-sw1",
            platform="arista_eos",
            evidence=untrusted,
            message="12 phone ports do not trust DSCP; EF from phones is reset to 0 at the first switch",
        ),
        _finding("VQ103", Status.PASS, device="by-sw1", platform="arista_eos", evidence="lldp med network-policy"),
        _finding(
            "VQ104",
            Status.UNKNOWN,
            device="by-sw1",
            platform="arista_eos",
            evidence="show poe: command not supported on this platform",
            message="PoE budget not readable",
        ),
        _finding(
            "VQ201",
            Status.PASS,
            device="by-fw1",
            platform="juniper_junos",
            evidence="set class-of-service schedulers VOICE priority strict-high",
        ),
        _finding(
            "VQ202",
            Status.PASS,
            device="by-fw1",
            platform="juniper_junos",
            evidence="set class-of-service interfaces ge-0/0/0 shaping-rate 50m",
        ),
        _finding(
            "VQ204",
            Status.FAIL,
            device="by-fw1",
            platform="juniper_junos",
            evidence="set class-of-service forwarding-classes class VOICE queue-num 5\n"
            "(no forwarding class for CS3/AF31)",
            message="SIP signalling shares the best-effort queue",
        ),
        _finding("VQ205", Status.PASS, link="by-inet", evidence="headroom 31.0 Mbit/s up at 12 calls"),
        _finding(
            "VQ301", Status.PASS, device="by-fw1", platform="juniper_junos", evidence="set security alg sip disable"
        ),
        _finding(
            "VQ302",
            Status.PASS,
            device="by-fw1",
            platform="juniper_junos",
            evidence="set security policies from-zone trust to-zone untrust policy rtp match application "
            "junos-rtp-16384-32767-provider-media-range-long-application-name-for-wrapping-tests",
        ),
        _finding("VQ303", Status.PASS, device="by-fw1", platform="juniper_junos", evidence="application junos-sip"),
        _finding(
            "VQ304",
            Status.WARN,
            device="by-fw1",
            platform="juniper_junos",
            evidence="set applications application junos-sip inactivity-timeout 60",
            message="UDP timeout 60 s is shorter than the 600 s re-registration interval",
        ),
        _finding("VQ305", Status.PASS, link="by-inet", evidence="mapping endpoint-independent"),
        _finding(
            "VQ401",
            Status.WARN,
            link="by-inet",
            evidence="jitter 21.7 ms (p95 52.1 ms) ≤ 30 ms, p95 above",
            message="mean jitter within target but p95 52 ms during bursts",
        ),
        _finding("VQ402", Status.PASS, link="by-inet", evidence="loss 0.40 % ≤ 1 %"),
        _finding("VQ403", Status.PASS, link="by-inet", evidence="MOS 4.12 (R 84.0) ≥ 4.0"),
        _finding("VQ404", Status.PASS, link="by-inet", evidence="sent EF(46), far end EF(46), return EF(46)"),
        _finding("VQ405", Status.PASS, link="by-inet", evidence="RTT 41.0 ms"),
        _finding(
            "VQ501",
            Status.FAIL,
            evidence="one WAN link in the plan; no LTE or secondary path",
            message="No backup path: a WAN outage stops all calls",
        ),
        _finding(
            "VQ502", Status.PASS, device="by-fw1", platform="juniper_junos", evidence="set system ntp server 10.0.0.5"
        ),
    ]
    probes = [
        LinkProbes(
            link="by-inet",
            rtp=_rtp(3, 21.7, 0.4, 41.0, 4.12, 84.0),
            bandwidth=BandwidthResult(
                up_mbps=46.1,
                down_mbps=94.0,
                udp_loss_pct=0.3,
                rtt_ms=42.0,
                voice_load_kbps=1046,
                headroom_up_mbps=31.0,
                headroom_down_mbps=70.2,
            ),
            nat=NatResult(
                public_address="198.51.100.20",
                mapping="endpoint-independent",
                filtering="address-dependent",
                binding_lifetime_s=60,
            ),
            sip_alg=SipAlgResult(sip_alg_detected=False),
            ports=PortsResult(tested_udp=[5060, 16384, 20000, 24576, 32767], tested_tcp=[5060]),
        ),
    ]
    return _site("branch-york", "Branch office, York", findings, probes, devices, [])


def warehouse_site() -> SiteResult:
    """Warehouse: FortiGate with SIP ALG on, RTP blocked, lossy link, one switch unreachable (NO-GO)."""
    fw = DeviceFacts(
        platform="fortinet",
        hostname="wh-fw1",
        vendor_os_version="FortiOS 7.2.8",
        nat_enabled=True,
        sip_alg="enabled",
        sip_alg_evidence="config system settings\n    set sip-helper enable\nconfig voip profile\n    edit default",
        firewall_rules=[
            FirewallRule(name="policy 12", action="permit", protocol="udp", dst_ports=[(5060, 5060)]),
            FirewallRule(name="policy 13", action="permit", protocol="udp", dst_ports=[(10000, 10999)]),
        ],
        udp_timeout_s=180,
    )
    sw = DeviceFacts(
        platform="mikrotik_routeros",
        hostname="wh-sw1",
        vendor_os_version="RouterOS 7.14.3",
        vlans=[Vlan(id=30, name="data"), Vlan(id=130, name="voice")],
        ports=_access_ports("ether", 8, 130, "none"),
    )
    devices = [
        DeviceRecord(
            name="wh-fw1",
            platform="fortinet",
            host="10.30.0.1",
            collected_via="ssh (netmiko)",
            commands=["show full-configuration", "get system session-helper-info list", "diagnose sys session stat"],
            facts=fw,
        ),
        DeviceRecord(
            name="wh-sw1",
            platform="mikrotik_routeros",
            host="10.30.0.2",
            collected_via="ssh (netmiko)",
            commands=["/export terse", "/interface bridge port print detail"],
            facts=sw,
        ),
    ]
    sip_ev = (
        "config system settings\n    set sip-helper enable\n    set sip-nat-trace enable\nend\n"
        "get system session-helper-info list | grep sip\nid=13 name=sip port=5060 protocol=17"
    )
    findings = [
        _finding(
            "VQ101",
            Status.PASS,
            device="wh-sw1",
            platform="mikrotik_routeros",
            evidence="/interface bridge vlan add bridge=bridge1 vlan-ids=130 tagged=ether1-ether8",
        ),
        _finding(
            "VQ102",
            Status.FAIL,
            device="wh-sw1",
            platform="mikrotik_routeros",
            evidence="/interface bridge port add bridge=bridge1 interface=ether1 trusted=no",
        ),
        _finding(
            "VQ104",
            Status.UNKNOWN,
            device="wh-sw1",
            platform="mikrotik_routeros",
            evidence="",
            message="PoE output not collected",
        ),
        _finding(
            "VQ201",
            Status.FAIL,
            device="wh-fw1",
            platform="fortinet",
            evidence='config firewall shaping-policy\n    (none)\nconfig system interface\n    edit "wan1"\n'
            "        set outbandwidth 0",
            message="No priority queue on the WAN egress: voice competes with every download",
        ),
        _finding("VQ202", Status.FAIL, device="wh-fw1", platform="fortinet", evidence="set outbandwidth 0"),
        _finding(
            "VQ205",
            Status.WARN,
            link="wh-dsl",
            evidence="2.8 Mbit/s measured up of 10 Mbit/s contracted; 2.1 Mbit/s left at 8 calls",
        ),
        _finding(
            "VQ301",
            Status.FAIL,
            device="wh-fw1",
            platform="fortinet",
            evidence=sip_ev,
            message="SIP ALG (session helper) active; the probe saw Via and Contact rewritten",
        ),
        _finding(
            "VQ302",
            Status.FAIL,
            device="wh-fw1",
            platform="fortinet",
            evidence='edit 13\n    set service "RTP-10000-10999"\n(provider media uses 10000-20000; '
            "probe: 12500/udp, 15000/udp, 17500/udp, 20000/udp blocked)",
        ),
        _finding("VQ303", Status.PASS, device="wh-fw1", platform="fortinet", evidence='set service "SIP"'),
        _finding("VQ304", Status.PASS, device="wh-fw1", platform="fortinet", evidence="set udp-idle-timer 180"),
        _finding("VQ305", Status.WARN, link="wh-dsl", evidence="mapping address-and-port-dependent"),
        _finding("VQ401", Status.PASS, link="wh-dsl", evidence="jitter 12.3 ms ≤ 30 ms"),
        _finding("VQ402", Status.FAIL, link="wh-dsl", evidence="loss 2.80 % > 1 % (max burst 3 packets)"),
        _finding("VQ403", Status.FAIL, link="wh-dsl", evidence="MOS 3.52 (R 68.9) < 4.0"),
        _finding("VQ404", Status.FAIL, link="wh-dsl", evidence="sent EF(46), far end 0 (bleached), return 0"),
        _finding("VQ405", Status.PASS, link="wh-dsl", evidence="RTT 58.2 ms"),
        _finding("VQ501", Status.UNKNOWN, evidence="", message="LTE backup declared in the plan but not reachable"),
        _finding(
            "VQ503",
            Status.WARN,
            device="wh-fw1",
            platform="fortinet",
            evidence="FortiOS 7.2.8: engineering support ends 2026-09",
        ),
    ]
    probes = [
        LinkProbes(
            link="wh-dsl",
            rtp=_rtp(4, 12.3, 2.8, 58.2, 3.52, 68.9, dscp_far=0, dscp_back=0),
            bandwidth=BandwidthResult(
                up_mbps=2.8,
                down_mbps=38.5,
                udp_loss_pct=1.9,
                rtt_ms=60.1,
                voice_load_kbps=698,
                headroom_up_mbps=2.1,
                headroom_down_mbps=37.8,
            ),
            nat=NatResult(
                public_address="192.0.2.77",
                mapping="address-and-port-dependent",
                filtering="address-and-port-dependent",
                binding_lifetime_s=30,
            ),
            sip_alg=SipAlgResult(sip_alg_detected=True, rewritten=["Via", "Contact", "SDP c=", "SDP m=audio"]),
            ports=PortsResult(
                tested_udp=[5060, 10000, 12500, 15000, 17500, 20000],
                blocked_udp=[12500, 15000, 17500, 20000],
                tested_tcp=[5060, 5061],
                blocked_tcp=[5061],
            ),
        ),
    ]
    not_assessed = [
        NotAssessed(item="wh-sw2", reason="SSH to 10.30.0.3:22 timed out after 60 s"),
        NotAssessed(item="wh-lte (link)", reason="reflector 198.51.100.9:5004 did not answer: no route over LTE"),
    ]
    return _site("warehouse", "Warehouse, Doncaster", findings, probes, devices, not_assessed)


def _site(
    name: str,
    title: str,
    findings: list[Finding],
    probes: list[LinkProbes],
    devices: list[DeviceRecord],
    not_assessed: list[NotAssessed],
) -> SiteResult:
    scored = score_site(findings)
    return SiteResult(
        site=name,
        title=title,
        score=scored.score,
        verdict=scored.verdict,
        verdict_reason=scored.verdict_reason,
        findings=findings,
        probes=probes,
        devices=devices,
        categories=scored.categories,
        actions=scored.actions,
        not_assessed=not_assessed,
        generated_at=datetime(2026, 11, 20, 14, 30, tzinfo=UTC),
        profile="g114",
        thresholds=thresholds_for_profile("g114"),
        tool_versions={"assess": "0.1.0", "iperf3": "3.12", "netmiko": "4.4.0"},
    )


def all_sites() -> list[SiteResult]:
    """The three sample sites: GO, CONDITIONAL, NO-GO."""
    return [hq_site(), branch_site(), warehouse_site()]


def remediated(site: SiteResult) -> SiteResult:
    """``site`` after fixing its critical findings and re-measuring with less loss (for before/after)."""
    findings = [
        f.model_copy(update={"status": Status.PASS}) if f.severity == Severity.CRITICAL and f.failed else f
        for f in site.findings
    ]
    last = site.devices[-1]
    findings.append(
        _finding("VQ503", Status.FAIL, device=last.name, platform=last.platform, evidence="new: end of support")
    )
    probes = []
    for p in site.probes:
        rtp = p.rtp.model_copy(update={"loss_pct": 0.3, "mos": 4.2}) if p.rtp else None
        probes.append(p.model_copy(update={"rtp": rtp}))
    scored = score_site(findings)
    return site.model_copy(
        update={
            "findings": findings,
            "probes": probes,
            "score": scored.score,
            "verdict": scored.verdict,
            "verdict_reason": scored.verdict_reason,
            "categories": scored.categories,
            "actions": scored.actions,
        }
    )


def with_drift(sites: list[SiteResult]) -> list[SiteResult]:
    """``sites`` with the findings of the real cross-site (drift) rules added, as a survey judges them."""
    from checks.base import SiteContext
    from checks.drift import QosPolicyDrift, RtpRangeDrift, SipAlgDrift, UdpTimeoutDrift, VoiceVlanDrift
    from checks.engine import run_rules

    contexts = [SiteContext(site=s.site, devices=tuple(s.devices)) for s in sites]
    out = []
    for site, ctx in zip(sites, contexts, strict=True):
        ctx = SiteContext(site=ctx.site, devices=ctx.devices, other_sites=tuple(c for c in contexts if c is not ctx))
        drift = run_rules([QosPolicyDrift, VoiceVlanDrift, SipAlgDrift, RtpRangeDrift, UdpTimeoutDrift], ctx)
        out.append(site.model_copy(update={"findings": [*site.findings, *drift]}))
    return out
