"""Every ``assess`` command: name, the module that registers it, and its one-line help.

The CLI imports a command's module only when that command runs, so ``assess emodel`` never pays
for the parsers, numpy or WeasyPrint. Adding a command is one line here: its module must define
``register(app: typer.Typer)`` adding a command of that name. The help text is what ``assess
--help`` lists without importing anything; a test checks it against the command's own docstring.
"""

from __future__ import annotations

from typing import NamedTuple


class CommandEntry(NamedTuple):
    """Where a command lives and what ``--help`` says about it."""

    module: str
    help: str


# Order here is the order of `assess --help`: the main job first, then tools.
COMMANDS: dict[str, CommandEntry] = {
    "survey": CommandEntry(
        "assess.commands.survey_cmds",
        'Survey every site of PLAN: collect device evidence, probe each WAN link, check, score and report.',
    ),
    "demo": CommandEntry(
        "assess.commands.survey_cmds",
        'Run the bundled sample survey (three sites of a fictional company) end to end.',
    ),
    "monitor": CommandEntry(
        "assess.commands.monitor_cmd",
        "Measure every link of PLAN each --interval (a short RTP stream, a SIP OPTIONS round trip, the public "
        "address) for --for or until SIGTERM / Ctrl-C, appending each interval to OUT/monitor.sqlite as it "
        "is measured. Restarting continues the series; missed intervals are recorded as gaps with their cause.",
    ),
    "report": CommandEntry(
        "assess.commands.report_cmd",
        'Re-render the site and portfolio reports from saved results, without measuring again.',
    ),
    "facts": CommandEntry(
        "assess.commands.device_cmds",
        'Parse one saved config (or bundle of show outputs) into vendor-neutral facts.',
    ),
    "audit": CommandEntry(
        "assess.commands.device_cmds",
        'Parse one saved config and run every config check on it: findings with evidence and remediation.',
    ),
    "reflector": CommandEntry(
        "assess.commands.reflector_cmd",
        'Far-end service: echoes probe packets with timestamps and the DSCP received.',
    ),
    "farend": CommandEntry(
        "assess.farend.command",
        "Run the reflector, the iperf3 bandwidth responder, the STUN responder and the STAMP "
        "session-reflector with one secret; one status line per service; SIGTERM or Ctrl-C stops all.",
    ),
    "pcap": CommandEntry(
        "assess.commands.pcap",
        'Passive capture analysis: per RTP stream loss, jitter (as Wireshark) and MOS; SIP calls found.',
    ),
    "emodel": CommandEntry(
        "assess.commands.emodel",
        'ITU-T G.107 E-model: R-factor and MOS (codec impairments from G.113 Appendix I).',
    ),
    "capacity": CommandEntry(
        "assess.commands.capacity",
        'Per-call and total voice bandwidth, with Erlang B channel sizing when given Erlangs.',
    ),
    "init": CommandEntry(
        "assess.commands.plan_cmds",
        'Write a commented survey-plan template to edit for your customer.',
    ),
    "schema": CommandEntry(
        "assess.commands.plan_cmds",
        'Print the JSON Schema of the plan and of the result files.',
    ),
}

# `assess probe <name>`: the same scheme one level down.
PROBE_COMMANDS: dict[str, CommandEntry] = {
    "rtp": CommandEntry(
        "assess.commands.probe_rtp",
        'Measure loss, jitter, RTT, reordering, DSCP and MOS in both directions with a paced RTP stream.',
    ),
    "bandwidth": CommandEntry(
        "assess.commands.probe_bandwidth",
        'TCP capacity up and down (-R) and UDP loss at the voice load, with headroom per direction.',
    ),
    "nat": CommandEntry(
        "assess.commands.probe_nat",
        'Classify the NAT (mapping, filtering, hairpinning, port preservation) and measure how long an idle '
        'UDP binding survives.',
    ),
    "sip-alg": CommandEntry(
        "assess.commands.probe_sip_alg",
        'Send a REGISTER, an INVITE with SDP, a large INVITE (~1400 bytes) and an INVITE to a non-standard '
        "port to the reflector's SIP echo, and report every header or SDP field that was rewritten, added or "
        'dropped on the way.',
    ),
    "ports": CommandEntry(
        "assess.commands.probe_ports",
        'Ask the reflector to listen on the sampled ports for up to 60 s, then test each: UDP out and the '
        'answer back through the NAT, TCP handshakes. Every sampled port appears in tested_*.',
    ),
    "sip-path": CommandEntry(
        "assess.commands.probe_sip_path",
        'Resolve DOMAIN like a phone (NAPTR, then SRV _sip._udp, _sip._tcp, _sips._tcp, then A/AAAA), send '
        'SIP OPTIONS to every target and time the answer, check TLS on SIPS targets (handshake, certificate '
        'trust, name, expiry), and say whether a working backup exists.',
    ),
    "stamp": CommandEntry(
        "assess.commands.probe_stamp",
        "Measure RTT, per-direction delay variation and loss, and DSCP with STAMP (RFC 8762/8972).",
    ),
    "dscp-trace": CommandEntry(
        "assess.commands.probe_dscp_trace",
        'Send one marked UDP probe per TTL and read the TOS each hop quotes back (needs root).',
    ),
}
