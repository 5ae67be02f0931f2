"""Result of `assess pcap`: RTP streams and SIP calls found in a capture.

CONTRACT keys: ``streams`` (each with ssrc, src, dst, packets, lost, loss_pct, jitter_ms,
max_jitter_ms, mos). Packets, lost and the jitter figures follow Wireshark's RTP stream
analysis (`tshark -z rtp,streams`) so they can be checked against it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class RtpStreamResult(BaseModel):
    """One RTP stream (one SSRC between two transport addresses)."""

    ssrc: str = Field(description="SSRC as 0x%08x")
    src: str = Field(description="source address:port")
    dst: str = Field(description="destination address:port")
    payload: str = Field(description="codec names seen, e.g. 'PCMU' or 'PCMU, telephone-event'")
    payload_types: list[int] = Field(default_factory=list)
    clock_rate: int | None = None
    codec: str | None = Field(None, description="E-model codec key (g711, g729, g722, opus) when known")
    call_id: str | None = None
    signalled: bool = Field(False, description="found through SIP/SDP rather than heuristically")
    start_s: float = Field(0.0, description="first packet, seconds after the capture's first frame")
    duration_s: float = 0.0
    packets: int
    expected: int
    lost: int = Field(description="expected - received (RFC 3550; duplicates make it smaller, as in Wireshark)")
    loss_pct: float
    missing: int = Field(0, description="sequence numbers never received")
    duplicates: int = 0
    out_of_order: int = 0
    loss_bursts: int = 0
    max_burst: int = 0
    burst_ratio: float = 1.0
    jitter_ms: float | None = Field(description="mean RFC 3550 interarrival jitter, as Wireshark's 'Mean Jitter'")
    max_jitter_ms: float | None = None
    max_delta_ms: float = 0.0
    ptime_ms: float | None = None
    dscp: list[int] = Field(default_factory=list, description="DSCP values seen on the stream's packets")
    r_factor: float | None = None
    mos: float | None = Field(None, description="G.107 MOS from loss, burstiness and a 2x-jitter buffer")


class SipCallResult(BaseModel):
    """A SIP dialog seen in the capture and the RTP streams its SDP set up."""

    call_id: str
    from_uri: str = ""
    to_uri: str = ""
    start_s: float = 0.0
    responses: list[int] = Field(default_factory=list, description="INVITE response codes in order")
    final_code: int | None = None
    setup_time_ms: float | None = Field(None, description="INVITE to 200 OK")
    post_dial_delay_ms: float | None = Field(None, description="INVITE to first 18x")
    ended_by: str | None = Field(None, description="BYE or CANCEL when seen")
    codecs: list[str] = Field(default_factory=list)
    streams: list[str] = Field(default_factory=list, description="SSRCs of the call's RTP streams")


class PcapResult(BaseModel):
    """Everything `assess pcap` found in one capture file."""

    file: str
    frames: int
    duration_s: float
    streams: list[RtpStreamResult] = Field(default_factory=list)
    calls: list[SipCallResult] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
