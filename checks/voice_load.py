"""Per-call and peak voice bandwidth for the plan's codec, ptime and link type.

Uses ``assess.capacity`` when it is available on main; until then a small
local table gives the standard figures (G.711 20 ms on Ethernet 87.2 kbit/s,
G.729 20 ms 31.2 kbit/s), counting IP/UDP/RTP headers and layer-2 framing.
"""

from __future__ import annotations

from assess.plan import Link, Voice

# Codec payload bit rates (kbit/s); Opus is variable, 32 kbit/s is a common wideband setting.
CODEC_KBPS: dict[str, float] = {"g711": 64.0, "g722": 64.0, "g729": 8.0, "opus": 32.0}
IP_UDP_RTP_BYTES = 40
# Layer-2 bytes per packet: Ethernet 14 + FCS 4; PPP 6; MPLS adds a 4-byte label to
# Ethernet; IPsec tunnel mode adds ESP/IP overhead (~56 bytes, AES-CBC/SHA1) to Ethernet.
L2_BYTES: dict[str, int] = {"ethernet": 18, "ppp": 6, "mpls": 22, "ipsec": 74}


def per_call_kbps(voice: Voice, link_type: str = "ethernet") -> float:
    """Bandwidth of one call in one direction, in kbit/s.

    >>> per_call_kbps(Voice(codec="g711", ptime_ms=20))
    87.2
    >>> per_call_kbps(Voice(codec="g729", ptime_ms=20))
    31.2
    """
    payload = CODEC_KBPS[voice.codec] * voice.ptime_ms / 8
    packet = payload + IP_UDP_RTP_BYTES + L2_BYTES.get(link_type, 18)
    return round(packet * 8 * 1000 / voice.ptime_ms / 1000, 3)


def peak_voice_kbps(voice: Voice, link: Link | None = None) -> float:
    """Bandwidth of the plan's peak concurrent calls in one direction, in kbit/s."""
    return round(voice.peak_calls * per_call_kbps(voice, link.link_type if link else "ethernet"), 3)
