"""`assess probe ports`: reachability of SIP and (sampled) RTP ports through the NAT/firewall."""

from __future__ import annotations

import typer

from assess.commands.probe_common import measure
from assess.commands.probe_output import emit
from collectors.probes.port_list import DEFAULT_SAMPLES, expand, parse_ports
from collectors.probes.requests import PortsProbe, default_of
from core.models.traversal import PortsResult
from core.service_ports import DEFAULT_RTP_PORTS, SIP_PORT, SIP_PORTS

# SIP and a plan's default RTP range over UDP; SIP's two ports, plain and TLS, over TCP.
DEFAULT_UDP = "{},{}-{}".format(SIP_PORT, *DEFAULT_RTP_PORTS)
DEFAULT_TCP = ",".join(map(str, SIP_PORTS))


def ports(
    host: str = typer.Argument(..., help="assess reflector (its control port is --reflector-port)."),
    udp: str = typer.Option(DEFAULT_UDP, "--udp", help=f"UDP ports/ranges, e.g. {DEFAULT_UDP} ('' for none)."),
    tcp: str = typer.Option(DEFAULT_TCP, "--tcp", help="TCP ports/ranges ('' for none)."),
    samples: int = typer.Option(DEFAULT_SAMPLES, "--samples", min=2, max=64,
                                help="Ports tested per range: both edges plus evenly spaced ones."),
    reflector_port: int = typer.Option(default_of(PortsProbe, "reflector_port"), "--reflector-port",
        min=1, max=65535, help="Reflector control port."),
    timeout: float = typer.Option(default_of(PortsProbe, "timeout_s"), "--timeout",
        min=0.2, max=10, help="Seconds to wait for answers per round."),
    secret: str | None = typer.Option(None, "--secret", envvar="ASSESS_SECRET", show_envvar=True,
                                      help="Reflector secret (prefer the environment variable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Ask the reflector to listen on the sampled ports for up to 60 s, then test each: UDP out and
    the answer back through the NAT, TCP handshakes. Every sampled port appears in tested_*.

    Bounds: at most 512 ports; UDP datagrams of ~150 bytes at most 200 per second, 3 rounds at
    most; TCP handshakes all at once, waiting 2 x --timeout. The whole probe ends within about
    3 x (ports/200 + --timeout) seconds. No reflector answer gives "not assessed" (exit 1).
    """
    request = PortsProbe(host=host, udp=expand(parse_ports(udp), samples), tcp=expand(parse_ports(tcp), samples),
                         reflector_port=reflector_port, timeout_s=timeout, secret=secret or None)
    result = measure(request, PortsResult, as_json)
    emit(result, as_json, [
        ("UDP tested", len(result.tested_udp)),
        ("UDP blocked", ", ".join(map(str, result.blocked_udp)) or "-"),
        ("UDP blocked runs", ", ".join(f"{a}-{b}" for a, b in result.blocked_udp_spans) or "-"),
        ("TCP tested", ", ".join(map(str, result.tested_tcp)) or "-"),
        ("TCP blocked", ", ".join(map(str, result.blocked_tcp)) or "-"),
    ])


def register(app: typer.Typer) -> None:
    """Add `ports` to the probe sub-app."""
    app.command()(ports)
