"""Turn the accumulated stream and call state into result models (with an E-model MOS)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from collectors.pcap.rtpstats import STATIC_NAMES, clock_rate
from core.emodel import burst_ratio_of_runs, call_quality
from core.models.pcap import RtpStreamResult, SipCallResult

if TYPE_CHECKING:
    from collectors.pcap.analyse import CallState, StreamInfo

MIN_HEURISTIC_PACKETS = 8
# Codec names (SDP encoding names, upper case) -> E-model codec keys.
EMODEL_CODECS = {"PCMU": "g711", "PCMA": "g711", "G729": "g729", "G729A": "g729", "G722": "g722", "OPUS": "opus"}


def _name(pt: int, rtpmap: dict[int, tuple[str, int]]) -> str:
    if pt in rtpmap:
        return rtpmap[pt][0]
    return STATIC_NAMES.get(pt, f"PT{pt}")


def _plausible(info: StreamInfo) -> bool:
    """Heuristic streams must look like RTP: enough packets, mostly in sequence, high ports."""
    s = info.stats
    ports = [int(a.rsplit(":", 1)[1]) for a in (info.src, info.dst)]
    return s.total_nr >= MIN_HEURISTIC_PACKETS and s.expected <= 2 * s.total_nr and min(ports) >= 1024


def stream_result(info: StreamInfo) -> RtpStreamResult | None:
    """The stream's figures, or None when a heuristic candidate does not look like RTP."""
    if not info.signalled and not _plausible(info):
        return None
    s = info.stats
    expected = s.expected
    lost = expected - s.total_nr
    runs = s.loss_runs()
    clock = clock_rate(info.first_pt, s.rtpmap)
    ptime = float(np.median(s.ts_steps)) * 1000.0 / clock if clock and s.ts_steps else None
    codec = EMODEL_CODECS.get(_name(info.first_pt, s.rtpmap).upper())
    jitter = round(s.mean_jitter, 6) if s.jitter_seen else None
    span = s.max_ext_seq - s.first_ext_seq + 1
    missing = sum(runs)
    burst_ratio = burst_ratio_of_runs(runs, span)
    quality = None
    if codec:
        loss_for_mos = 100.0 * missing / span if span > 0 else 0.0
        quality = call_quality(codec, ptime or 20.0, 0.0, 2.0 * (jitter or 0.0), loss_for_mos, burst_ratio)
    return RtpStreamResult(
        ssrc=f"0x{info.ssrc:08x}",
        src=info.src,
        dst=info.dst,
        payload=", ".join(_name(pt, s.rtpmap) for pt in sorted(s.pts)),
        payload_types=sorted(s.pts),
        clock_rate=clock or None,
        codec=codec,
        call_id=info.call_id,
        signalled=info.signalled,
        start_s=round(s.first_ms / 1000.0, 6),
        duration_s=round((s.last_ms - s.first_ms) / 1000.0, 6),
        packets=s.total_nr,
        expected=expected,
        lost=lost,
        loss_pct=round(100.0 * lost / expected, 4) if expected else 0.0,
        missing=missing,
        duplicates=s.duplicates,
        out_of_order=s.out_of_order,
        loss_bursts=len(runs),
        max_burst=max(runs, default=0),
        burst_ratio=round(burst_ratio, 4),
        jitter_ms=jitter,
        max_jitter_ms=round(s.max_jitter, 6) if s.jitter_seen else None,
        max_delta_ms=round(s.max_delta, 6),
        ptime_ms=round(ptime, 3) if ptime else None,
        dscp=sorted(s.dscp),
        r_factor=round(quality.r_factor, 2) if quality else None,
        mos=round(quality.mos, 2) if quality else None,
    )


def call_results(calls: Iterable[CallState], streams: list[RtpStreamResult]) -> list[SipCallResult]:
    """SIP calls with their timings and the SSRCs of the streams their SDP set up."""
    out = []
    for call in calls:
        setup = call.answer_ms - call.invite_ms if call.answer_ms is not None and call.invite_ms is not None else None
        pdd = call.ringing_ms - call.invite_ms if call.ringing_ms is not None and call.invite_ms is not None else None
        out.append(
            SipCallResult(
                call_id=call.call_id,
                from_uri=call.from_uri,
                to_uri=call.to_uri,
                start_s=round(call.start_ms / 1000.0, 6),
                responses=call.responses,
                final_code=call.final_code,
                setup_time_ms=round(setup, 3) if setup is not None else None,
                post_dial_delay_ms=round(pdd, 3) if pdd is not None else None,
                ended_by=call.ended_by,
                codecs=call.codecs,
                streams=[s.ssrc for s in streams if s.call_id == call.call_id],
            )
        )
    return sorted(out, key=lambda c: c.start_s)
