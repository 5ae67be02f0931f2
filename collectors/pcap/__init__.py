"""Passive capture analysis: RTP streams and SIP calls from pcap/pcapng files."""
