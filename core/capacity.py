"""Voice bandwidth per call (codec, ptime, link-layer overhead, cRTP) and Erlang B channel sizing.

Bandwidth is counted at layer 2 without preamble and inter-frame gap, the convention of
Cisco's voice bandwidth tables: G.711 at 20 ms over Ethernet is 218-byte frames at 50 pps.

>>> per_call_kbps("g711", 20, "ethernet"), per_call_kbps("g729", 20, "ethernet")
(87.2, 31.2)
>>> channels_for(4.46, 0.01)
10

The overheads are a frozen stdlib dataclass, not a pydantic model: they are parameters of the
computation given in code, never read from outside, so `assess capacity` needs no pydantic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from core.models.capacity import CapacityResult

LinkLayer = Literal["ethernet", "ppp", "mpls", "ipsec"]
LINK_LAYERS: tuple[LinkLayer, ...] = ("ethernet", "ppp", "mpls", "ipsec")

IP_UDP_RTP_BYTES = 20 + 8 + 12
CRTP_BYTES = 2  # RFC 2508 compressed IP/UDP/RTP header without UDP checksum (4 with it)

# Codec bit rates (kbit/s) of the payload. Opus is variable; 32 kbit/s is a common VoIP setting.
CODEC_KBPS: dict[str, float] = {"g711": 64.0, "g722": 64.0, "g729": 8.0, "opus": 32.0}


@dataclass(frozen=True, kw_only=True)
class Overheads:
    """Link-layer and tunnel overhead parameters, in bytes (override to match the real link)."""

    ethernet: int = 18  # 14 header + 4 FCS (add 4 for an 802.1Q tag)
    ppp: int = 6  # flag, address, control, protocol, FCS (Cisco convention)
    mpls_label: int = 4
    mpls_labels: int = 2  # L3VPN: transport + VPN label, over Ethernet
    esp_outer_ip: int = 20  # IPsec tunnel mode: new IP header
    esp_header: int = 8  # SPI + sequence number
    esp_iv: int = 16  # AES-CBC
    esp_block: int = 16  # cipher block the payload + 2 trailer bytes are padded to
    esp_icv: int = 12  # HMAC-SHA1-96
    nat_t: int = 0  # 8 when ESP rides in UDP 4500 (NAT traversal)


def payload_bytes(codec: str, ptime_ms: float, codec_kbps: float | None = None) -> float:
    """Voice payload per packet, bytes."""
    kbps = codec_kbps if codec_kbps is not None else CODEC_KBPS[codec]
    return kbps * 1000.0 * ptime_ms / 1000.0 / 8.0


def frame_bytes(ip_packet: float, link: LinkLayer, ov: Overheads) -> float:
    """Bytes on the wire at layer 2 for one IP packet of ``ip_packet`` bytes."""
    if link == "ethernet":
        return ip_packet + ov.ethernet
    if link == "ppp":
        return ip_packet + ov.ppp
    if link == "mpls":
        return ip_packet + ov.ethernet + ov.mpls_label * ov.mpls_labels
    padded = math.ceil((ip_packet + 2) / ov.esp_block) * ov.esp_block  # + pad length + next header
    esp = ov.esp_header + ov.esp_iv + padded + ov.esp_icv
    return ov.esp_outer_ip + ov.nat_t + esp + ov.ethernet


def per_call_kbps(
    codec: str,
    ptime_ms: float = 20.0,
    link: LinkLayer = "ethernet",
    crtp: bool = False,
    codec_kbps: float | None = None,
    overheads: Overheads | None = None,
) -> float:
    """Bandwidth of one call in one direction, kbit/s, at layer 2."""
    ov = overheads or Overheads()
    headers = CRTP_BYTES if crtp else IP_UDP_RTP_BYTES
    frame = frame_bytes(payload_bytes(codec, ptime_ms, codec_kbps) + headers, link, ov)
    return round(frame * 8.0 * (1000.0 / ptime_ms) / 1000.0, 3)


def erlang_b(channels: int, erlangs: float) -> float:
    """Blocking probability of ``channels`` trunks offered ``erlangs`` (stable recursion)."""
    b = 1.0
    for n in range(1, channels + 1):
        b = erlangs * b / (n + erlangs * b)
    return b


def channels_for(erlangs: float, gos: float = 0.01, limit: int = 1_000_000) -> int:
    """Fewest channels whose Erlang B blocking is at most ``gos``."""
    if erlangs <= 0:
        return 0
    b = 1.0
    for n in range(1, limit + 1):
        b = erlangs * b / (n + erlangs * b)
        if b <= gos:
            return n
    raise ValueError(f"more than {limit} channels needed for {erlangs} E at GoS {gos}")


def capacity(
    codec: str,
    ptime_ms: float = 20.0,
    link: LinkLayer = "ethernet",
    crtp: bool = False,
    calls: int | None = None,
    erlangs: float | None = None,
    gos: float = 0.01,
    codec_kbps: float | None = None,
) -> CapacityResult:
    """Per-call and total bandwidth for ``calls`` concurrent calls or busy-hour ``erlangs``."""
    if (calls is None) == (erlangs is None):
        raise ValueError("give exactly one of calls or erlangs")
    per_call = per_call_kbps(codec, ptime_ms, link, crtp, codec_kbps)
    channels = calls if calls is not None else channels_for(float(erlangs or 0.0), gos)
    blocking = erlang_b(channels, erlangs) if erlangs is not None else None
    return CapacityResult(
        codec=codec,
        ptime_ms=float(ptime_ms),  # an int given in code is reported as a float, as from the command line
        link=link,
        crtp=crtp,
        payload_bytes=payload_bytes(codec, ptime_ms, codec_kbps),
        packets_per_s=1000.0 / ptime_ms,
        per_call_kbps=per_call,
        channels=channels,
        total_kbps=round(per_call * channels, 3),
        calls=calls,
        erlangs=float(erlangs) if erlangs is not None else None,
        gos=float(gos) if erlangs is not None else None,
        blocking=blocking,
    )
