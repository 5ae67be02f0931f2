"""Result of `assess pcap`: RTP streams and SIP calls found in a capture.

CONTRACT keys: ``streams`` (each with ssrc, src, dst, packets, lost, loss_pct, jitter_ms,
max_jitter_ms, mos). Packets, lost and the jitter figures follow Wireshark's RTP stream
analysis (`tshark -z rtp,streams`) so they can be checked against it.

Stdlib dataclasses, not pydantic models: `assess pcap` computes them from the capture and prints them
(assess.dataclass_json writes the JSON pydantic wrote), so it starts up without importing pydantic.
Where they are read back, inside a site's results (core.models.site), the pydantic model that holds
them validates them and writes them as before; the ``Described`` annotations give that model's JSON
Schema the field descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any


class Described:
    """A field's description in pydantic's JSON Schema of a model that holds the dataclass (no pydantic import)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        schema["description"] = self.text
        return schema


@dataclass(kw_only=True)
class RtpStreamResult:
    """One RTP stream (one SSRC between two transport addresses)."""

    ssrc: Annotated[str, Described("SSRC as 0x%08x")]
    src: Annotated[str, Described("source address:port")]
    dst: Annotated[str, Described("destination address:port")]
    payload: Annotated[str, Described("codec names seen, e.g. 'PCMU' or 'PCMU, telephone-event'")]
    payload_types: list[int] = field(default_factory=list)
    clock_rate: int | None = None
    codec: Annotated[str | None, Described("E-model codec key (g711, g729, g722, opus) when known")] = None
    call_id: str | None = None
    signalled: Annotated[bool, Described("found through SIP/SDP rather than heuristically")] = False
    start_s: Annotated[float, Described("first packet, seconds after the capture's first frame")] = 0.0
    duration_s: float = 0.0
    packets: int
    expected: int
    lost: Annotated[int, Described("expected - received (RFC 3550; duplicates make it smaller, as in Wireshark)")]
    loss_pct: float
    missing: Annotated[int, Described("sequence numbers never received")] = 0
    duplicates: int = 0
    out_of_order: int = 0
    loss_bursts: int = 0
    max_burst: int = 0
    burst_ratio: float = 1.0
    jitter_ms: Annotated[float | None, Described("mean RFC 3550 interarrival jitter, as Wireshark's 'Mean Jitter'")]
    max_jitter_ms: float | None = None
    max_delta_ms: float = 0.0
    ptime_ms: float | None = None
    dscp: Annotated[list[int], Described("DSCP values seen on the stream's packets")] = field(default_factory=list)
    r_factor: float | None = None
    mos: Annotated[float | None, Described("G.107 MOS from loss, burstiness and a 2x-jitter buffer")] = None


@dataclass(kw_only=True)
class SipCallResult:
    """A SIP dialog seen in the capture and the RTP streams its SDP set up."""

    call_id: str
    from_uri: str = ""
    to_uri: str = ""
    start_s: float = 0.0
    responses: Annotated[list[int], Described("INVITE response codes in order")] = field(default_factory=list)
    final_code: int | None = None
    setup_time_ms: Annotated[float | None, Described("INVITE to 200 OK")] = None
    post_dial_delay_ms: Annotated[float | None, Described("INVITE to first 18x")] = None
    ended_by: Annotated[str | None, Described("BYE or CANCEL when seen")] = None
    codecs: list[str] = field(default_factory=list)
    streams: Annotated[list[str], Described("SSRCs of the call's RTP streams")] = field(default_factory=list)


@dataclass(kw_only=True)
class PcapResult:
    """Everything `assess pcap` found in one capture file."""

    file: str
    frames: int
    duration_s: float
    streams: list[RtpStreamResult] = field(default_factory=list)
    calls: list[SipCallResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
