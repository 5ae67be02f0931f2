"""Active probes of a WAN link: RTP stream, bandwidth, per-hop DSCP trace, NAT, SIP ALG, ports, SIP path."""
