"""Marking: voice carries the plan's DSCP, and nothing bleaches EF on the way out."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import na
from checks.platforms import MARKING as MARKING_PLATFORMS
from checks.qos import EF_NAMES, SIGNALLING_NAMES, ZERO_DSCP, class_matches, dscp_aliases
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts, PolicyClass, QosPolicy

# Lines that set DSCP to 0 in the syntaxes parsers keep in ``dscp_remarks``.
ZEROING = re.compile(
    r"(set[ -]dscp|dscp set|--set-dscp(-class)?|new-dscp=|dscp-marking|diffservcode-\w+|dscp)\s*[= ]?\s*"
    r"(0|0x0+|default|cs0|be|000000)\b",
    re.IGNORECASE,
)


def marking_kind(facts: DeviceFacts, cls: PolicyClass, media: tuple[str, ...]) -> str:
    """'media', 'signalling' or '' for a marking class: by what it matches first, then by its name."""
    matches = class_matches(facts, cls.name)
    name = cls.name.lower()
    if any(m in media for m in matches):
        return "media"
    if any(m in SIGNALLING_NAMES for m in matches) or any(k in name for k in ("signal", "sip", "call-control")):
        return "signalling"
    return "media" if any(k in name for k in ("voice", "voip", "rtp", "media")) else ""


def _marking_lines(policies: list[tuple[QosPolicy, PolicyClass]]) -> str:
    return "\n".join(f"policy {p.name} class {c.name}: set dscp {c.set_dscp}" for p, c in policies)


class VoiceMarkingMatchesPlan(DeviceRule):
    """Marking policies set voice to the plan's DSCP values.

    What it does:
        For classes that set DSCP, checks voice classes set the plan's media DSCP (EF)
        and signalling classes set the plan's signalling DSCP (CS3).
    Why it matters:
        Re-marking voice to AF41 or CS5 at the trust boundary moves it out of every EF
        priority queue downstream; the WAN policy then treats calls as bulk traffic.
    Example:
        class VOICE / set dscp af41   (plan: media EF)
    Fix:
        class VOICE / set dscp ef ; class SIGNALLING / set dscp cs3
    """

    id = "VQ208"
    title = "Marking sets the plan's DSCP for voice and signalling"
    severity = Severity.HIGH
    category = Category.WAN_QOS
    rationale = "Voice re-marked away from EF misses every priority queue behind the marking point."
    platforms = MARKING_PLATFORMS
    remediation = "Mark voice media with the plan's media DSCP (EF) and signalling with CS3 at the trust boundary."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        marks = [(p, c) for p in facts.policies for c in p.classes if c.set_dscp]
        media = (*EF_NAMES, *dscp_aliases(ctx.voice.dscp_media))
        want_sig = (*SIGNALLING_NAMES, *dscp_aliases(ctx.voice.dscp_signalling))
        voice = [(p, c) for p, c in marks if marking_kind(facts, c, media) == "media"]
        sig = [(p, c) for p, c in marks if marking_kind(facts, c, media) == "signalling"]
        if not voice and not sig:
            yield na("no policy marks voice or signalling (trust relied on)", _marking_lines(marks) or "no set dscp")
            return
        wrong = [(p, c) for p, c in voice if (c.set_dscp or "").lower() not in media]
        wrong += [(p, c) for p, c in sig if (c.set_dscp or "").lower() not in want_sig]
        if wrong:
            yield Outcome(
                Status.FAIL,
                f"voice/signalling re-marked to {sorted({c.set_dscp or '' for _, c in wrong})}, "
                f"plan: media {ctx.voice.dscp_media}, signalling {ctx.voice.dscp_signalling}",
                _marking_lines(wrong),
                subjects=tuple(c.name for _, c in wrong),
            )
        else:
            yield Outcome(Status.PASS, "voice and signalling marked as planned", _marking_lines(voice + sig))


class NoEfBleaching(DeviceRule):
    """Nothing re-marks EF voice to best effort.

    What it does:
        Flags classes that set DSCP 0 on EF traffic, policies that zero class-default
        without an EF class before it, and re-marking rules that set DSCP 0: a rule that
        matches every packet (nothing but interfaces narrows it) fails, a narrower one warns.
    Why it matters:
        Once EF is bleached to 0 no later hop (provider MPLS, far-end site) can tell voice
        from data; the link measurements then show 'DSCP not preserved'.
    Example:
        policy-map WAN-OUT / class class-default / set dscp default   (no EF class)
        iptables -t mangle -A POSTROUTING -o eth0 -j DSCP --set-dscp 0
    Fix:
        add class VOICE (match dscp ef) before class-default, or drop the zeroing
    """

    id = "VQ209"
    title = "No DSCP bleaching of EF"
    severity = Severity.HIGH
    category = Category.WAN_QOS
    rationale = "Bleached EF cannot be prioritised by any later hop, including the provider's network."
    platforms = MARKING_PLATFORMS
    remediation = "Remove DSCP re-marking to 0 for EF traffic; re-mark only untrusted traffic at the edge."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        bad: list[str] = []
        bad_classes: list[str] = []
        for policy in facts.policies:
            ef_seen = False
            for cls in policy.classes:
                is_ef = any(m in EF_NAMES for m in class_matches(facts, cls.name))
                zero = (cls.set_dscp or "").lower() in ZERO_DSCP
                if zero and (is_ef or not ef_seen):
                    bad.append(f"policy {policy.name} class {cls.name}: set dscp {cls.set_dscp}")
                    bad_classes.append(cls.name)
                ef_seen = ef_seen or is_ef
        # a policy class's own `set dscp` was judged above, with the classes before it; only other lines warn
        judged = tuple(f"policy-map {p.name} class {c.name}:" for p in facts.policies for c in p.classes if c.set_dscp)
        lines = [ln for ln in facts.dscp_remarks if ZEROING.search(ln) and not ln.startswith(judged)]
        # a line that matches every packet (nothing but interfaces narrows it) re-marks EF with the rest
        washes = [ln for ln in lines if ln in facts.dscp_remarks_all_traffic]
        if bad:
            yield Outcome(Status.FAIL, "EF is re-marked to DSCP 0", "\n".join(bad + lines), subjects=tuple(bad_classes))
        elif washes:
            yield Outcome(Status.FAIL, "every packet, EF included, is re-marked to DSCP 0", "\n".join(lines))
        elif lines:
            yield Outcome(Status.WARN, "re-marking to DSCP 0 configured; check it spares EF", "\n".join(lines))
        else:
            seen = [
                f"set dscp {c.set_dscp} ({p.name}/{c.name})" for p in facts.policies for c in p.classes if c.set_dscp
            ]
            yield Outcome(
                Status.PASS,
                "no re-marking of EF to 0",
                "\n".join(seen + facts.dscp_remarks) or "no DSCP re-marking configured",
            )
