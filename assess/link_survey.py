"""Measures one WAN link with every probe its plan entry allows, saving as it goes.

Each probe is a typed request (:mod:`assess.link_requests`) run in its own
worker process (:mod:`assess.probe_process`): a probe that hangs is killed at
its time limit, one that crashes cannot take the survey with it, and a link
with ``source_netns`` is measured from that Linux network namespace. Each
result is written to ``EVIDENCE/<site>/_links/<link>.json`` the moment it is
known, so a failure later (or Ctrl-C) loses nothing and ``--resume`` skips
what is already measured.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from assess.farend.precheck import FIELD_SERVICE, blocked_probes
from assess.link_requests import (
    NO_ENDPOINT,
    LinkField,
    LinkProbeOptions,
    PlannedProbe,
    far_end,
    link_requests,
    time_limit_s,
)
from assess.probe_process import run_in_worker
from collectors.probes.probe_runner import ProbeResult, unassessed_reason
from core.atomic import write_atomic
from core.models.probes import BandwidthResult, DscpTraceResult, RtpResult
from core.models.site import LinkProbes, NotAssessed
from core.models.stamp import StampResult
from core.models.traversal import NatResult, PortsResult, SignallingResult, SipAlgResult
from core.plan import Link, Voice
from core.safe_names import check_name, inside

LINKS_DIR = "_links"
__all__ = ["LinkProbeOptions", "load_link_probes", "probe_link", "save_link_probes"]


def links_dir(evidence_root: Path, site: str) -> Path:
    """Folder of a site's recorded link probe results."""
    return inside(evidence_root, site, LINKS_DIR)


def link_file(evidence_root: Path, site: str, link: str) -> Path:
    """The JSON file of one link's results (names checked; the path stays under ``evidence_root``)."""
    return inside(links_dir(evidence_root, site), check_name(link, "link name") + ".json")


def load_link_probes(evidence_root: Path, site: str, link: str) -> LinkProbes | None:
    """Recorded results of one link, or None when none were saved (or the file is unreadable)."""
    path = link_file(evidence_root, site, link)
    try:
        return LinkProbes.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, UnicodeDecodeError):
        return None


def save_link_probes(evidence_root: Path, site: str, probes: LinkProbes) -> None:
    """Write one link's results atomically."""
    write_atomic(link_file(evidence_root, site, probes.link), probes.model_dump_json(indent=2))


def stored(probes: LinkProbes, fld: LinkField) -> ProbeResult | None:
    """What ``probes`` already holds in the result field ``fld``."""
    held: dict[LinkField, ProbeResult | None] = {
        "rtp": probes.rtp, "bandwidth": probes.bandwidth, "nat": probes.nat, "sip_alg": probes.sip_alg,
        "ports": probes.ports, "sip_path": probes.sip_path,
    }
    return held[fld]


def store(probes: LinkProbes, result: ProbeResult) -> None:
    """Put ``result`` into the field of ``probes`` its kind of result belongs in."""
    match result:
        case RtpResult():
            probes.rtp = result
        case BandwidthResult():
            probes.bandwidth = result
        case NatResult():
            probes.nat = result
        case SipAlgResult():
            probes.sip_alg = result
        case PortsResult():
            probes.ports = result
        case SignallingResult():
            probes.sip_path = result
        case DscpTraceResult():
            probes.dscp_trace = result
        case StampResult():
            raise TypeError("a link's results have no field for a STAMP session")


_FAR_END_SERVICE = {"reflector": "`assess reflector`", "iperf3": "an iperf3 server", "stun": "a STUN server"}


def finish_step(link: Link, planned: PlannedProbe) -> str:
    """What to do so the next run can measure this probe of ``link``."""
    if planned.field == "sip_path":
        if planned.cannot_run:
            return "set voice.sip_domain in the plan"
        return "check the site's DNS server and the SIP domain"
    key = FIELD_SERVICE[planned.field]
    if planned.request is None:
        return f"give link {link.name} a `{key}:` endpoint in the plan"
    where = f"{far_end(planned.request)} ({_FAR_END_SERVICE[key]})"
    source = f" from network namespace {link.source_netns}" if link.source_netns else ""
    return (
        f"make the far end answer at {where}{source}: start `assess farend` there and check it with "
        f"`assess farend --check`, or correct `{key}:` of link {link.name}"
    )


def probe_link(
    site: str,
    link: Link,
    voice: Voice,
    evidence_root: Path,
    opts: LinkProbeOptions,
    *,
    resume: bool = False,
    on_step: Callable[[str], None] | None = None,
    only: set[str] | None = None,
) -> tuple[LinkProbes, list[NotAssessed]]:
    """Run every probe the link has an endpoint for (or those whose field is in ``only``);
    failures become not-assessed items."""
    previous = load_link_probes(evidence_root, site, link.name) if resume else None
    probes = previous or LinkProbes(link=link.name, source="live")
    missing: list[NotAssessed] = []
    checks = opts.farend_checks
    blocked = blocked_probes(checks.dead_services(link, opts.secret)) if checks is not None else {}
    for planned in link_requests(link, voice, opts):
        if only is not None and planned.field not in only:
            continue
        item = f"{link.name}: {planned.label} probe"
        to_finish = finish_step(link, planned)
        if planned.request is None:
            missing.append(NotAssessed(item=item, reason=planned.cannot_run or NO_ENDPOINT, to_finish=to_finish))
            continue
        if stored(probes, planned.field) is not None:
            continue  # measured in an earlier, interrupted run
        if planned.field in blocked:  # its far-end service did not answer the check: do not wait for it again
            missing.append(NotAssessed(item=item, reason=blocked[planned.field], to_finish=to_finish))
            continue
        if on_step is not None:
            on_step(f"{site}: {link.name}: {planned.label} probe")
        outcome = run_in_worker(planned.request, time_limit_s(planned.request), link.source_netns, opts.secret)
        reason = outcome if isinstance(outcome, str) else unassessed_reason(outcome)
        if isinstance(outcome, str) or reason is not None:
            # not stored, so a resumed run tries it again
            missing.append(NotAssessed(item=item, reason=reason or "not assessed", to_finish=to_finish))
            continue
        store(probes, outcome)
        save_link_probes(evidence_root, site, probes)
    return probes, missing
