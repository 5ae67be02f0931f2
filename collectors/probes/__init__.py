"""Probes: active measurements against a far end (reflector, STUN server, iperf3, DNS, SIP)."""
