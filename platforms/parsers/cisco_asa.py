"""Cisco ASA: evidence to DeviceFacts.

Inputs: ``show running-config`` (required for anything useful) and ``show
version``. Hand-written glue over the config tree (config_tree.py) and the shared ACL/MQC
modules: ASA facts hang on ``nameif`` names (access-group, nat, service-policy,
priority-queue all refer to them), which no library resolves for us.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

from core.models.facts import DeviceFacts, PolicyAttachment, Port
from platforms.parsers.cisco_acl import acl_bodies, applied_acl_unread, applied_rules, parse_object_groups
from platforms.parsers.cisco_common import (
    config_text,
    first_group,
    interface_blocks,
    interface_speed_kbps,
    is_whole_config,
    parse_config,
    set_hostname,
    top_lines,
)
from platforms.parsers.cisco_mqc import parse_mqc
from platforms.parsers.config_tree import ConfigTree
from platforms.parsers.unread import warn_unread
from platforms.parsers.wan_egress import is_management, mark_wan

DEFAULT_UDP_TIMEOUT_S = 120  # ASA default `timeout conn ... udp 0:02:00`
DEFAULT_SIP_TIMEOUT_S = 1800  # ASA default `timeout sip 0:30:00`
WAN_NAMES = re.compile(r"^(outside|wan|internet|isp|untrust)", re.I)


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """Facts of a Cisco ASA."""
    version = first_group(r"Adaptive Security Appliance Software Version\s+(\S+)", outputs.get("show version", ""))
    facts = DeviceFacts(platform="cisco_asa", vendor_os_version=version)
    text = config_text(outputs)
    if not text.strip():
        facts.parse_warnings.append("no `show running-config`: nothing to audit on an ASA without its config")
        return facts
    conf = parse_config(text)
    facts.vendor_os_version = facts.vendor_os_version or first_group(r"^ASA Version\s+(\S+)", text)
    set_hostname(facts, conf, text)
    nameifs = interfaces(facts, conf)
    default_route_egress(facts, conf, nameifs)
    nat(facts, conf, nameifs, is_whole_config(text))
    qos(facts, conf, nameifs)
    whole = is_whole_config(text)
    facts.qos_config_seen = whole
    sip_inspection(facts, conf, whole)
    timeouts(facts, conf, whole)
    applied, groups = access_groups(conf, nameifs), parse_object_groups(conf)
    facts.firewall_rules = applied_rules(acl_bodies(conf), applied, groups)
    warn_unread(facts, applied_acl_unread(conf, applied, groups))
    return facts


def access_groups(conf: ConfigTree, nameifs: dict[str, str]) -> list[tuple[str, str]]:
    """(acl, "<interface> in|out" or "global") for each ``access-group`` line."""
    found: list[tuple[str, str]] = []
    for m in top_lines(conf, r"^access-group\s+(\S+)\s+(?:(in|out)\s+interface\s+(\S+)|global)"):
        where = f"{nameifs.get(m.group(3), m.group(3))} {m.group(2)}" if m.group(2) else "global"
        found.append((m.group(1), where))
    return found


def _word(lines: list[str], keyword: str) -> str:
    """The value of an interface line ``keyword VALUE`` ('' when absent)."""
    return next((ln.split(None, 1)[1] for ln in lines if ln.split()[:1] == [keyword] and " " in ln), "")


def interfaces(facts: DeviceFacts, conf: ConfigTree) -> dict[str, str]:
    """Fill ports; return nameif -> interface name."""
    nameifs: dict[str, str] = {}
    for name, lines, evidence in interface_blocks(conf):
        words = {ln.split()[0]: ln.split(None, 1)[1] if " " in ln else "" for ln in lines if ln.split()}
        nameif = words.get("nameif", "")
        level = words.get("security-level", "")
        if nameif:
            nameifs[nameif] = name
        facts.ports.append(
            Port(
                name=name,
                description=words.get("description", nameif),
                mode="routed",
                shutdown="shutdown" in words,
                is_wan=bool(WAN_NAMES.match(nameif)) or level == "0",
                bandwidth_kbps=interface_speed_kbps(name, lines)[0],
                evidence=evidence + (f"\n(nameif {nameif}, security-level {level})" if nameif else ""),
            )
        )
    return nameifs


def default_route_egress(facts: DeviceFacts, conf: ConfigTree, nameifs: dict[str, str]) -> None:
    """The interfaces default routes leave by face a provider (a backup ISP's floating ``route dsl 0 0 gw 254``).

    A ``tunneled`` default sends decrypted VPN traffic inside, and a default towards a security-level 100
    interface (a lab ASA behind a core router) reaches the provider through the site: neither marks a WAN.
    """
    levels = {name: _word(lines, "security-level") for name, lines, _ in interface_blocks(conf)}
    ports = {p.name: p for p in facts.ports if levels.get(p.name) != "100"}
    for m in top_lines(conf, r"^route\s+(\S+)\s+0(?:\.0\.0\.0)?\s+0(?:\.0\.0\.0)?\s+(?!.*\btunneled\b)\S.*"):
        port = ports.get(nameifs.get(m.group(1), ""))
        if port is not None and not is_management(m.group(1)) and not is_management(port.name):
            mark_wan(port, f"a default route leaves here: {m.group(0).strip()}")


def nat(facts: DeviceFacts, conf: ConfigTree, nameifs: dict[str, str], whole_config: bool) -> None:
    """``nat (real,mapped)`` rules (twice NAT or object NAT) mark inside/outside ports.

    No rule in a partial config says nothing (None); in a whole config it means no NAT.
    """
    lines = [str(o.text).strip() for o in conf.find_objects(r"^\s*nat \(\S+,\S+\)")]
    facts.nat_enabled = bool(lines) if lines or whole_config else None
    facts.evidence["nat_enabled"] = "\n".join(lines) or "no `nat (real,mapped)` rule"
    for line in lines:
        m = re.match(r"nat \((\S+),(\S+)\)", line)
        if m is None:
            continue
        for nameif, side in ((m.group(1), "inside"), (m.group(2), "outside")):
            port = next((p for p in facts.ports if p.name == nameifs.get(nameif)), None)
            if port is not None and port.nat_side is None and nameif != "any":
                port.nat_side = side  # type: ignore[assignment]


def qos(facts: DeviceFacts, conf: ConfigTree, nameifs: dict[str, str]) -> None:
    """MQC policies; ``priority`` only counts where the interface has a ``priority-queue``."""
    mqc = parse_mqc(conf)
    facts.class_maps, facts.policies = mqc.class_maps, mqc.policies
    facts.evidence.update(mqc.evidence)
    queues = {nameifs.get(m.group(1), m.group(1)) for m in top_lines(conf, r"^priority-queue\s+(\S+)")}
    for m in top_lines(conf, r"^service-policy\s+(\S+)\s+(?:interface\s+(\S+)|global)"):
        if m.group(2):
            iface = nameifs.get(m.group(2), m.group(2))
            facts.attachments.append(PolicyAttachment(interface=iface, direction="output", policy=m.group(1)))
        else:
            facts.attachments.append(PolicyAttachment(interface="global", direction="input", policy=m.group(1)))
    for policy in facts.policies:
        where = {a.interface for a in facts.attachments if a.policy == policy.name}
        prio = [c for c in policy.classes if c.priority]
        if prio and where and not where & queues:
            for cls in prio:
                cls.priority = False
            facts.parse_warnings.append(
                f"policy-map {policy.name}: `priority` has no effect without `priority-queue` on "
                + ", ".join(sorted(where))
            )


def sip_inspection(facts: DeviceFacts, conf: ConfigTree, whole_config: bool) -> None:
    """SIP ALG = ``inspect sip`` in a policy applied by ``service-policy`` (global or interface).

    A snippet without any ``service-policy`` line leaves it unknown: every ASA running config prints
    its ``service-policy global_policy global`` (which inspects SIP by default) unless removed.
    """
    applied = {m.group(1) for m in top_lines(conf, r"^service-policy\s+(\S+)\s+(?:interface\s+\S+|global)")}
    for obj in conf.find_objects(r"^policy-map\s+(\S+)\s*$"):
        name = str(obj.text).split()[1]
        if name not in applied:
            continue
        for line in (str(c.text).strip() for c in obj.all_children):
            if re.match(r"^inspect sip\b", line):
                facts.sip_alg = "enabled"
                facts.sip_alg_evidence = f"policy-map {name} (applied): {line}"
                break
    if facts.sip_alg != "enabled" and not applied and not whole_config:
        facts.sip_alg_evidence = "no `service-policy` line in this partial config: inspection state not shown"
    elif facts.sip_alg != "enabled":
        facts.sip_alg = "disabled"
        facts.sip_alg_evidence = (
            "no `inspect sip` in the applied policies (" + ", ".join(sorted(applied)) + ")"
            if applied
            else "no service-policy applied: no protocol inspection"
        )
    facts.evidence["sip_alg"] = facts.sip_alg_evidence


def _seconds(hms: str) -> int | None:
    parts = hms.split(":")
    if len(parts) != 3 or not all(p.isdecimal() and len(p) < 6 for p in parts):
        return None
    return int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2])


def timeouts(facts: DeviceFacts, conf: ConfigTree, whole_config: bool) -> None:
    """``timeout ... udp H:MM:SS`` and ``timeout sip H:MM:SS`` (ASA defaults when absent from a whole config)."""
    found: dict[str, tuple[int, str]] = {}
    for m in top_lines(conf, r"^timeout\s+.*"):
        words = m.group(0).split()
        for key, value in itertools.pairwise(words):
            seconds = _seconds(value)
            if key in ("udp", "sip") and seconds is not None and key not in found:
                found[key] = (seconds, m.group(0))
    if not found and not whole_config:
        facts.evidence["udp_timeout_s"] = "no `timeout` line in this partial config"
        return
    for key, default, attr in (
        ("udp", DEFAULT_UDP_TIMEOUT_S, "udp_timeout_s"),
        ("sip", DEFAULT_SIP_TIMEOUT_S, "sip_timeout_s"),
    ):
        seconds, line = found.get(key, (default, f"no `timeout {key}` line: ASA default {default} s"))
        setattr(facts, attr, seconds)
        facts.evidence[attr] = line
