"""The light probes of one link in one interval: RTP stream, SIP OPTIONS round trip, public address.

Probes are the survey's requests (:mod:`assess.link_requests`), each run in a worker process by
:func:`assess.probe_process.run_in_worker` as the survey runs them. A stop request kills a running
probe at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from assess.link_requests import LinkField, LinkProbeOptions, link_requests, time_limit_s
from assess.monitor.store import Sample
from assess.probe_process import run_in_worker
from collectors.probes.probe_runner import ProbeResult
from collectors.probes.requests import ProbeRequest
from core.capacity import per_call_kbps
from core.models.probes import RtpResult
from core.models.traversal import NatResult, SignallingResult
from core.plan import Link, Voice

MAX_RTP_S = 60.0  # per-interval cap on the stream: monitoring must stay light on a customer's link
SIP_BYTES = 4_000  # OPTIONS and answers to a few servers, generous
NAT_BYTES = 8_000  # behaviour discovery without the lifetime search: ~20 STUN requests and answers


@dataclass(frozen=True)
class LightProbeOptions:
    """What each interval measures on a link."""

    rtp_duration_s: float = 20.0
    sip: bool = True
    public_address: bool = True
    secret: str | None = None


def light_calls(link: Link, voice: Voice, opts: LightProbeOptions) -> dict[LinkField, ProbeRequest]:
    """The probe requests of one interval, by result field (only those the plan has endpoints for)."""
    survey_opts = LinkProbeOptions(rtp_duration_s=min(opts.rtp_duration_s, MAX_RTP_S), nat_lifetime_cap_s=0)
    wanted = {"rtp"} | ({"sip_path"} if opts.sip else set()) | ({"nat"} if opts.public_address else set())
    return {p.field: p.request for p in link_requests(link, voice, survey_opts)
            if p.request is not None and p.field in wanted}


def bytes_per_interval(link: Link, voice: Voice, opts: LightProbeOptions) -> float:
    """Estimated bytes one interval's probes put on the link, both directions."""
    calls = light_calls(link, voice, opts)
    total = 0.0
    if "rtp" in calls:
        kbps = per_call_kbps(voice.codec, voice.ptime_ms, link.link_type)
        total += 2 * kbps * 1000 / 8 * min(opts.rtp_duration_s, MAX_RTP_S)
    total += SIP_BYTES if "sip_path" in calls else 0
    total += NAT_BYTES if "nat" in calls else 0
    return total


def _fill_rtp(sample: Sample, rtp: RtpResult) -> None:
    sample.loss_up_pct, sample.loss_down_pct = rtp.loss_up_pct, rtp.loss_down_pct
    sample.jitter_up_ms, sample.jitter_down_ms = rtp.jitter_up_ms, rtp.jitter_down_ms
    sample.rtt_ms, sample.mos, sample.max_loss_burst = rtp.rtt_ms, rtp.mos, rtp.max_loss_burst
    sample.packets_sent, sample.reorder_pct, sample.jitter_p95_ms = rtp.packets_sent, rtp.reorder_pct, rtp.jitter_p95_ms
    sample.dscp_sent, sample.dscp_at_far_end, sample.dscp_on_return = (
        rtp.dscp_sent, rtp.dscp_at_far_end, rtp.dscp_on_return)


def _fill_sip(sample: Sample, sip: ProbeResult | str) -> None:
    if not isinstance(sip, SignallingResult) or not sip.assessed:
        sample.sip_status = "not assessed"
        return
    rtts = [t.options_rtt_ms for t in sip.targets if t.reachable and t.options_rtt_ms is not None]
    sample.sip_status = "ok" if rtts else "no answer"
    sample.sip_rtt_ms = min(rtts) if rtts else None


def measure_link(site: str, link: Link, voice: Voice, slot: int, opts: LightProbeOptions,
                 stop: threading.Event) -> Sample | None:
    """One interval of ``link``; None when stopped before it finished (the interval is then not recorded)."""
    started = time.time()
    outcomes: dict[LinkField, ProbeResult | str] = {}
    for field, request in light_calls(link, voice, opts).items():
        outcomes[field] = run_in_worker(request, time_limit_s(request), link.source_netns, opts.secret, stop)
        if stop.is_set():
            return None
    sample = Sample(site=site, link=link.name, provider=link.provider, slot=slot, started_at=started,
                    ended_at=time.time(), status="ok")
    rtp = outcomes.get("rtp")
    if isinstance(rtp, RtpResult):
        _fill_rtp(sample, rtp)
    elif not isinstance(rtp, str):
        sample.status, sample.reason = "error", "no reflector in the plan for this link"
    else:
        # a stream that got no answer: the far end (or the path to it) is down
        sample.status = "error" if rtp.startswith("could not start") else "unreachable"
        sample.reason = rtp
    if "sip_path" in outcomes:
        _fill_sip(sample, outcomes["sip_path"])
    nat = outcomes.get("nat")
    if isinstance(nat, NatResult) and nat.public_address:
        sample.public_address = nat.public_address
    return sample
