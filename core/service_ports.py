"""The well-known ports of the services a probe dials and the far end listens on, written once for both sides.

The probe request models (``collectors/probes/requests.py``) default to these, and so do the reflector
(``reflector/``), ``assess farend`` and the lab's far end; ``tests/test_service_ports.py`` holds the two
sides equal. The device side reads SIP's ports and the default RTP range from here too: the facts and
config checks, the vendors' service tables where a name stands for SIP's standard port, the ports probe's
defaults and the SIP DNS fallback.
"""

from __future__ import annotations

REFLECTOR_PORT = 5004
"""An `assess reflector`'s probe stream and control port (UDP)."""

IPERF3_PORT = 5201
"""iperf3's own default server port (TCP)."""

STUN_PORT = 3478
"""IANA's STUN port (RFC 8489); an RFC 5780 responder also answers on the next one."""

SIP_PORT = 5060
"""IANA's SIP port (RFC 3261), UDP and TCP."""

SIPS_PORT = 5061
"""IANA's SIP over TLS port (RFC 3261, ``sips:`` URIs), TCP."""

SIP_PORTS = (SIP_PORT, SIPS_PORT)
"""SIP's two standard ports, plain (UDP and TCP) then TLS (TCP): what a firewall opens for signalling."""

DEFAULT_RTP_PORTS = (10000, 20000)
"""The RTP range (low, high) a plan assumes when it names none (Asterisk's rtp.conf default)."""

SIP_ALT_PORT = 5062
"""The reflector's second SIP echo port: not SIP's, so an ALG that rewrites SIP on any port shows."""

SIP_ECHO_PORTS = (SIP_PORT, SIP_ALT_PORT)
"""The ports the reflector's SIP echo listens on: SIP's own and the non-standard one."""

STAMP_PORT = 862
"""IANA's STAMP port (RFC 8762 section 4.1)."""

DNS_PORT = 53
"""DNS (RFC 1035)."""
