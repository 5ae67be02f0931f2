"""Active probes of a WAN link: RTP stream, bandwidth, per-hop DSCP trace."""
