"""Renders a failing rule's fix for one device from its facts and the site's plan.

Templates are data: ``platforms/remediation/<platform>.yaml`` keyed by rule id, each with
the commands (``fix``), what to check afterwards (``verify``), how to undo it (``rollback``), the
safe-order ``phase`` and, where applying it could cut the consultant off, a ``warning``. They are
Jinja2 with StrictUndefined: a template that reads a value the context lacks is a bug, never an
empty string in a customer's router. A value the audit cannot know is written with ``fill()``:
an unmistakable ``<<FILL: ...>>`` placeholder plus a line telling the consultant what to put there.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field

from checks.base import Outcome, SiteContext
from checks.common import interface_key, link_for_port, same_interface, wan_ports
from checks.firewall import acl_binding, filters_nothing
from checks.marking import marking_kind
from checks.nat_timeouts import refresh_interval_s
from checks.qos import EF_NAMES, SIGNALLING_NAMES, dscp_aliases, ef_queue, flatten, output_policy, shaper_kbps
from checks.voice_load import peak_voice_kbps
from checks.wan_priority_queue import MAX_PRIORITY_SHARE
from core.models.facts import DeviceFacts, FirewallRule, PolicyClass, Port, QosPolicy
from core.models.findings import Finding
from core.models.remediation import FILL_MARK, PHASE_ORDER, Phase, RemediationBlock
from core.plan import Voice
from core.service_ports import SIP_PORT, SIP_PORTS

TEMPLATE_DIR = Path(__file__).parents[1] / "platforms" / "remediation"
# NAT/firewall session timeouts are rounded up to whole minutes above what the phones need.
TIMEOUT_STEP_S = 60
# A priority queue is sized for the peak calls plus a quarter, within the third of the link VQ203 allows.
PRIORITY_HEADROOM = 1.25
# Signalling gets 5 % of the link, at least 64 kbit/s (Cisco QoS SRND call-signalling class).
SIGNALLING_SHARE = 0.05
SIGNALLING_MIN_KBPS = 64
# libyaml's safe loader reads the same data ten times faster (a template file costs 20-30 ms in pure Python).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleTemplate(BaseModel):
    """The fix of one rule on one platform."""

    model_config = ConfigDict(extra="forbid")
    phase: Phase
    fix: str
    verify: str
    rollback: str
    warning: str = ""
    reference: str = ""


class PlatformTemplates(BaseModel):
    """One platform's file: the vendor references it follows, shared macros and a template per rule id."""

    model_config = ConfigDict(extra="forbid")
    platform: str
    apply: str = Field(min_length=1, description="how to apply the blocks safely on this platform, and undo them")
    references: list[str] = Field(min_length=1)
    macros: str = ""
    rules: dict[str, RuleTemplate]


@cache
def platform_templates(platform: str) -> PlatformTemplates | None:
    """The templates of ``platform`` (None when the platform has no file)."""
    path = TEMPLATE_DIR / f"{platform}.yaml"
    if not path.exists():
        return None
    return PlatformTemplates.model_validate(yaml.load(path.read_text(), Loader=_YAML_LOADER))


def template_for(platform: str, rule_id: str) -> RuleTemplate | None:
    """The template of ``rule_id`` on ``platform``, if there is one."""
    templates = platform_templates(platform)
    return templates.rules.get(rule_id) if templates else None


@dataclass(frozen=True)
class WanEgress:
    """What a WAN fix needs to know about one WAN interface: its policy, classes and rates."""

    name: str
    policy: str | None
    ef_class: str | None
    signalling_class: str | None
    classes: tuple[str, ...]
    shape_kbps: int | None
    contract_kbps: int | None
    contract_down_kbps: int | None
    link: str | None
    voice_kbps: int
    priority_kbps: int
    priority_pct: int | None
    signalling_kbps: int
    uses_percent: bool


def _wan_egress(facts: DeviceFacts, port: Port, ctx: SiteContext) -> WanEgress:
    policy = output_policy(facts, port)
    queues = flatten(facts, policy) if policy else []
    queue = ef_queue(facts, policy) if policy else None
    ef_any = next((q.cls.name for q in queues if any(m in EF_NAMES for m in q.matches)), None)
    sig = next((q.cls.name for q in queues if set(q.matches) & set(SIGNALLING_NAMES)), None)
    link = link_for_port(port, ctx, facts)
    contract = round(link.contracted_up_mbps * 1000) if link else None
    shape = shaper_kbps(facts, port)
    voice = int(-(-peak_voice_kbps(ctx.voice, link) // 1))
    # size for the real bottleneck: a shaper above the contract (or a shared 1 Gbit/s shaper) is not it
    rate = min((r for r in (shape, contract) if r), default=None)
    # the queue holds the peak calls; it stays within a third of the link unless the calls need more (VQ210)
    size = max(voice, min(rate * MAX_PRIORITY_SHARE, voice * PRIORITY_HEADROOM)) if rate else voice
    return WanEgress(
        name=port.name,
        policy=policy.name if policy else None,
        ef_class=queue.cls.name if queue else ef_any,
        signalling_class=sig,
        classes=tuple(q.cls.name for q in queues),
        shape_kbps=shape,
        contract_kbps=contract,
        contract_down_kbps=round(link.contracted_down_mbps * 1000) if link else None,
        link=link.name if link else None,
        voice_kbps=voice,
        priority_kbps=int(size),
        priority_pct=max(1, -(-int(size) * 100 // rate)) if rate else None,
        signalling_kbps=max(SIGNALLING_MIN_KBPS, int(rate * SIGNALLING_SHARE)) if rate else SIGNALLING_MIN_KBPS,
        uses_percent=any(q.cls.bandwidth_pct is not None or q.cls.priority_pct is not None for q in queues),
    )


@dataclass
class _Fills:
    """Placeholders handed out while rendering, with what the consultant must put there."""

    items: list[str] = field(default_factory=list)

    def __call__(self, what: str, hint: str = "") -> str:
        line = f"<<FILL: {what}>>" + (f" — {hint}" if hint else "")
        if line not in self.items:
            self.items.append(line)
        return f"<<FILL: {what}>>"


def _by_name(names: tuple[str, ...], ports: list[Port]) -> list[Port]:
    if len(names) == 1:
        return [p for p in ports if same_interface(p.name, names[0])]
    wanted = {interface_key(n) for n in names}  # one canonical name each, not ports x names comparisons
    return [p for p in ports if interface_key(p.name) in wanted]


@dataclass(frozen=True)
class Permit:
    """One narrowed permit replacing part of a too-open rule: from one provider prefix to the rule's target."""

    protocol: str
    source: str
    destinations: tuple[str, ...]
    low: int
    high: int

    @property
    def ports(self) -> str:
        """``5060`` or ``10000-20000``."""
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


def narrowed(rule: FirewallRule, ctx: SiteContext, fill: _Fills) -> list[Permit]:
    """What an inbound voice permit should be: SIP from the provider's signalling addresses, RTP
    (the plan's range only) from its media addresses; any other port the rule opened is dropped."""
    voice = ctx.voice
    lo, hi = voice.rtp_ports
    ranges = rule.dst_ports or [(1, 65535)]
    protocol = rule.protocol if rule.protocol in ("udp", "tcp") else "udp"
    sip_src = voice.provider_sip or [fill("provider SIP prefix", "the provider's signalling addresses")]
    media_src = voice.provider_media or [fill("provider media prefix", "the provider's media addresses")]
    out: list[Permit] = []
    # SIP over UDP/TCP takes the plain port; SIP over TLS its own, TCP only
    for port in SIP_PORTS if protocol == "tcp" else (SIP_PORT,):
        if any(a <= port <= b for a, b in ranges):
            out += [Permit(protocol, src, tuple(rule.destinations), port, port) for src in sip_src]
    if protocol == "udp" and any(a <= hi and lo <= b for a, b in ranges):
        out += [Permit("udp", src, tuple(rule.destinations), lo, hi) for src in media_src]
    return out


def _children(text: str) -> list[str]:
    """The lines under the first line of a config block, without their indentation."""
    return [line.strip() for line in text.splitlines()[1:] if line.strip()]


def class_lines(facts: DeviceFacts, name: str) -> list[str]:
    """The match lines of class-map ``name`` as the device printed them (Cisco-like evidence)."""
    return _children(facts.evidence.get(f"class-map {name}", ""))


def policy_class_lines(facts: DeviceFacts, policy: str | None, name: str) -> list[str]:
    """The action lines of class ``name`` inside policy-map ``policy`` as the device printed them."""
    lines = facts.evidence.get(f"policy-map {policy}", "").splitlines()[1:]
    out: list[str] = []
    inside = False
    for line in lines:
        depth = len(line) - len(line.lstrip())
        if line.strip().startswith("class ") and depth <= 1:
            inside = line.strip() == f"class {name}"
        elif inside and line.strip():
            out.append(line.strip())
    return out


def _position(facts: DeviceFacts, rule: FirewallRule) -> int:
    """1-based position of ``rule`` among the rules of the same name (ACL entries, in order)."""
    same = [r for r in facts.firewall_rules if r.name == rule.name]
    return next((i for i, r in enumerate(same, 1) if r is rule or r == rule), 0)


@dataclass(frozen=True)
class InboundFilter:
    """The rule list that filters traffic coming in from the WAN, where a new permit must go."""

    name: str
    direction: str
    first_deny: int  # 1-based position of its first deny (0: none), new permits go before it


def _inbound_filter(facts: DeviceFacts) -> InboundFilter | None:
    wans = [p.name for p in wan_ports(facts)]
    for rule in facts.firewall_rules:
        binding = acl_binding(rule)
        into_wan = binding is not None and binding[1] == "in" and any(same_interface(binding[0], w) for w in wans)
        from_wan = "->" in rule.direction and any(rule.direction.split("->")[0].strip() == w for w in wans)
        if into_wan or from_wan:
            same = [r for r in facts.firewall_rules if r.name == rule.name]
            deny = next((i for i, r in enumerate(same, 1) if r.action == "deny"), 0)
            return InboundFilter(rule.name, rule.direction, deny)
    return None


# Zone names firewalls give the Internet side (the same list the Junos and PAN-OS parsers use).
WAN_ZONE_NAMES = ("untrust", "internet", "outside", "wan")


def _wan_zone(facts: DeviceFacts) -> str | None:
    """The zone (or interface) rules name for the Internet side, from the rules' own directions."""
    wans = [p.name for p in wan_ports(facts)]
    for rule in facts.firewall_rules:
        side = rule.direction.split("->")[0].strip() if "->" in rule.direction else ""
        if side and (side.lower() in WAN_ZONE_NAMES or side in wans):
            return side
    return None


def needed_udp_timeout_s(ctx: SiteContext) -> int:
    """The UDP idle timeout a fix sets: what the phones need, rounded up to a whole minute."""
    need, _ = refresh_interval_s(ctx.voice)
    return -(-need // TIMEOUT_STEP_S) * TIMEOUT_STEP_S


@dataclass(frozen=True)
class Mark:
    """A marking class at fault and the DSCP the plan wants it to set."""

    policy: str
    cls: str
    current: str
    want: str


def _mark(facts: DeviceFacts, policy: QosPolicy, cls: PolicyClass, voice: Voice) -> Mark:
    kind = marking_kind(facts, cls, (*EF_NAMES, *dscp_aliases(voice.dscp_media)))
    want = voice.dscp_signalling if kind == "signalling" else voice.dscp_media
    return Mark(policy.name, cls.name, cls.set_dscp or "", want)


def _voice_vlan(facts: DeviceFacts, ctx: SiteContext, fill: _Fills) -> int | str:
    """The plan's voice VLAN; else the one voice VLAN this switch already uses; else a placeholder."""
    if ctx.voice.voice_vlan is not None:
        return ctx.voice.voice_vlan
    if len(facts.voice_vlans) == 1:
        return facts.voice_vlans[0]
    return fill("voice VLAN id", "the plan sets none and this switch uses none (or several)")


def context(outcome: Outcome, facts: DeviceFacts, ctx: SiteContext, fill: _Fills) -> dict[str, Any]:
    """Everything a template may read: this device's facts and this site's plan, nothing else."""
    voice = ctx.voice
    subjects = tuple(outcome.subjects)
    ports = _by_name(subjects, facts.ports)
    wans = [_wan_egress(facts, p, ctx) for p in wan_ports(facts)]
    at_fault = [w for w in wans if any(same_interface(w.name, s) for s in subjects)] or wans
    rules = list(outcome.rules)
    marks = [_mark(facts, p, c, voice) for p in facts.policies for c in p.classes if c.name in subjects]
    return {
        "device": outcome.device or facts.hostname or "",
        "hostname": facts.hostname or "",
        "facts": facts,
        "subjects": subjects,
        "ports": ports,
        "wan": at_fault,
        "all_wan": wans,
        "rules": rules,
        "filters_nothing": filters_nothing(facts),
        "marks": marks,
        "narrowed": lambda rule: narrowed(rule, ctx, fill),
        "rule_position": lambda rule: _position(facts, rule),
        "inbound_filter": _inbound_filter(facts),
        "wan_zone": _wan_zone(facts),
        "ef_classmap": next(
            (c.name for c in facts.class_maps if c.match_dscp and set(c.match_dscp) <= {"ef", "46"}), None
        ),
        "input_policies": lambda port: [
            a.policy for a in facts.attachments if a.direction == "input" and same_interface(a.interface, port)
        ],
        "voice": voice,
        "voice_vlan": _voice_vlan(facts, ctx, fill),
        "rtp_low": voice.rtp_ports[0],
        "rtp_high": voice.rtp_ports[1],
        "provider_sip": voice.provider_sip,
        "provider_media": voice.provider_media,
        "udp_timeout_s": needed_udp_timeout_s(ctx),
        "peak_calls": voice.peak_calls,
        "fill": fill,
        "vlan_ids": [v.id for v in facts.vlans],
        "class_lines": lambda name: class_lines(facts, name),
        "policy_class_lines": lambda policy, name: policy_class_lines(facts, policy, name),
    }


_MACROS_PREFIX = "macros/"  # a platform's shared macros load as the template named "macros/<platform>"
_RULE_PREFIX = "rule/"  # a rule's template (its text with the macros import) loads as "rule/<platform>/<sha1>"
_RULE_SOURCES: dict[str, str] = {}


def _template_source(name: str) -> str | None:
    if name.startswith(_RULE_PREFIX):
        return _RULE_SOURCES.get(name)
    return _macros_source(name.removeprefix(_MACROS_PREFIX))


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates on disk (a private folder of the temp directory): compiling the
    templates an audit renders costs ~30 ms of each run, loading them back ~1 ms. Jinja checks each entry
    against the template's text and the Python version, and writes it atomically."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no private temp folder to be had: templates compile in every run
        return None


_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    loader=jinja2.FunctionLoader(_template_source),
    bytecode_cache=_bytecode_cache(),
)
_ENV.filters["kbps_to_bps"] = lambda kbps: int(kbps) * 1000
_ENV.filters["ceil_div"] = lambda a, b: -(-int(a) // int(b))
_ENV.filters["pct_of"] = lambda part, whole: max(1, min(100, -(-int(part) * 100 // int(whole))))
_ENV.filters["netmask"] = lambda prefix: str(ipaddress.ip_network(prefix, strict=False).netmask)
_ENV.filters["network"] = lambda prefix: str(ipaddress.ip_network(prefix, strict=False).network_address)
_ENV.filters["wildcard"] = lambda prefix: str(ipaddress.ip_network(prefix, strict=False).hostmask)
_ENV.filters["plen"] = lambda prefix: ipaddress.ip_network(prefix, strict=False).prefixlen
_ENV.tests["match"] = lambda value, pattern: re.match(pattern, str(value)) is not None
_ENV.filters["regex"] = lambda text, pattern: (m.group(1) if (m := re.search(pattern, text, re.M)) else "")
_ENV.filters["cisco_wildcard"] = lambda prefix: _cisco_address(prefix, mask=False)
_ENV.filters["cisco_mask"] = lambda prefix: _cisco_address(prefix, mask=True)


def _cisco_address(prefix: str, mask: bool) -> str:
    """``host A.B.C.D`` for one address, else ``NET WILDCARD`` (IOS ACLs) or ``NET MASK`` (ASA).

    >>> _cisco_address("203.0.113.10/32", mask=False), _cisco_address("203.0.113.0/24", mask=False)
    ('host 203.0.113.10', '203.0.113.0 0.0.0.255')
    """
    if has_placeholder(prefix):
        return prefix
    net = ipaddress.ip_network(prefix, strict=False)
    if net.num_addresses == 1:
        return f"host {net.network_address}"
    return f"{net.network_address} {net.netmask if mask else net.hostmask}"


def _macros_source(platform: str) -> str | None:
    templates = platform_templates(platform)
    return templates.macros if templates else None


@cache
def _exported(platform: str) -> tuple[str, ...]:
    """What the platform's macros define at top level (macros and ``set`` names) for templates to import."""
    names: list[str] = []
    for node in _ENV.parse(_macros_source(platform) or "").body:
        if isinstance(node, jinja2.nodes.Macro):
            names.append(node.name)
        elif isinstance(node, jinja2.nodes.Assign | jinja2.nodes.AssignBlock):
            target = node.target  # a name, or a tuple of names (`set a, b = ...`)
            found = [target] if isinstance(target, jinja2.nodes.Name) else target.find_all(jinja2.nodes.Name)
            names += [n.name for n in found]
    return tuple(dict.fromkeys(names))


@cache
def _compiled(source: str, platform: str) -> jinja2.Template:
    """A rule's template; it reads its platform's macros from the values it is rendered with (see _with_macros)."""
    name = f"{_RULE_PREFIX}{platform}/{hashlib.sha1(source.encode()).hexdigest()}"
    _RULE_SOURCES[name] = source
    return _ENV.get_template(name)  # through the loader, so through the bytecode cache


def _with_macros(values: dict[str, Any], platform: str) -> dict[str, Any]:
    """``values`` plus what the platform's macros define, made once with these values for every part of one fix
    (as importing them ``with context`` would, but not once per part: each import runs the whole macros file)."""
    names = _exported(platform)
    if not names:
        return values
    module = _ENV.get_template(f"{_MACROS_PREFIX}{platform}").make_module(values)
    return {**values, **{name: getattr(module, name) for name in names}}


def _render(text: str, values: dict[str, Any], platform: str) -> str:
    lines = _compiled(text, platform).render(values).splitlines()
    return "\n".join(line.rstrip() for line in lines if line.strip()).strip()


def _named_in(names: list[str], text: str) -> list[str]:
    """The names that occur in ``text``; a whole word is a set lookup, only the rest a substring search."""
    words = set(re.split(r"[\s,;]+", text))
    return [n for n in names if n in words or n in text]


def render_block(rule_id: str, outcome: Outcome, facts: DeviceFacts, ctx: SiteContext) -> RemediationBlock | None:
    """The fix of ``rule_id`` for this device, or None when its platform has no template for it."""
    template = template_for(facts.platform, rule_id)
    if template is None:
        return None
    fill = _Fills()
    values = context(outcome, facts, ctx, fill)
    readable = _with_macros(values, facts.platform)
    config = _render(template.fix, readable, facts.platform)
    rollback = _render(template.rollback, readable, facts.platform)
    verify = _render(template.verify, readable, facts.platform)
    warning = _render(template.warning, readable, facts.platform) if template.warning else ""
    touched = [w.name for w in values["wan"]] if template.phase == "attach" else [p.name for p in values["ports"]]
    return RemediationBlock(
        rule=rule_id,
        device=outcome.device,
        platform=facts.platform,
        phase=template.phase,
        interfaces=_named_in(touched, config),
        config=config,
        verify=verify,
        rollback=rollback,
        fill_in=[i for i in fill.items if i.split(" — ")[0] in config + rollback],
        warning=warning,
        reference=template.reference or "; ".join(platform_templates(facts.platform).references),  # type: ignore[union-attr]
    )


def has_placeholder(text: str) -> bool:
    """True when ``text`` still holds a ``<<FILL: ...>>`` placeholder."""
    return FILL_MARK in text


@dataclass(frozen=True)
class PlanStep:
    """One block of a device's remediation plan, with every finding it closes."""

    number: int
    block: RemediationBlock
    rules: tuple[str, ...]


def plan_steps(findings: Iterable[Finding]) -> dict[str, list[PlanStep]]:
    """Per device, the rendered fixes in a safe order (PHASE_ORDER), identical blocks merged."""
    grouped: dict[str, dict[str, tuple[RemediationBlock, list[str]]]] = {}
    for f in findings:
        if f.fix is None or not f.failed or f.device is None:
            continue
        blocks = grouped.setdefault(f.device, {})
        _, rules = blocks.setdefault(f.fix.config, (f.fix, []))
        if f.id not in rules:
            rules.append(f.id)
    plan: dict[str, list[PlanStep]] = {}
    for device, blocks in grouped.items():
        ordered = sorted(blocks.values(), key=lambda br: (PHASE_ORDER.index(br[0].phase), br[1][0]))
        plan[device] = [PlanStep(i, block, tuple(rules)) for i, (block, rules) in enumerate(ordered, 1)]
    return plan
