"""`assess probe nat`: NAT mapping/filtering (RFC 5780) and UDP binding lifetime."""

from __future__ import annotations

import typer

from assess.commands.probe_common import measure
from assess.commands.probe_output import emit
from collectors.probes.requests import NatProbe, NatPublicPairProbe, default_of
from collectors.probes.target import split_host_port
from core.models.traversal import NatResult

STUN_PORT = default_of(NatProbe, "port")


def nat(
    target: str = typer.Argument(..., help="STUN server (RFC 5780, two addresses) or assess reflector: HOST[:PORT] "
        f"(default port {STUN_PORT})."),
    lifetime_cap: float = typer.Option(
        default_of(NatProbe, "lifetime_cap_s"), "--lifetime-cap", min=0, max=1800,
        help="Longest binding lifetime to look for, seconds (0 skips the lifetime test).",
    ),
    parallel: int = typer.Option(default_of(NatProbe, "parallel"), "--parallel",
        min=2, max=32, help="Bindings tested in parallel per round."),
    timeout: float = typer.Option(default_of(NatProbe, "timeout_s"), "--timeout",
        min=0.2, max=10, help="Seconds to wait for each STUN answer."),
    secret: str | None = typer.Option(None, "--secret", envvar="ASSESS_SECRET", show_envvar=True,
                                      help="Reflector secret (prefer the environment variable)."),
    source: str | None = typer.Option(
        None, "--source", help="Leave by this local address or interface (one WAN link of several; an "
        "interface needs root)."
    ),
    public_pair: str | None = typer.Option(
        None, "--public-pair", metavar="HOST[:PORT]",
        help="A second, independent binding-only STUN server: classify mapping only from the two "
             "(no RFC 5780 server needed; filtering and binding lifetime are not measured).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Classify the NAT (mapping, filtering, hairpinning, port preservation) and measure how long
    an idle UDP binding survives.

    Bounds: every STUN request is retransmitted at most 3 times within --timeout; behaviour
    discovery sends at most ~20 small datagrams (< 200 bytes each). The lifetime search keeps
    --parallel sockets open, sends one request per binding (2 rounds at most) and never runs
    longer than about twice --lifetime-cap. Without a server answer the result is "not
    assessed" (exit 1) after a few seconds.
    """
    host, port = split_host_port(target, STUN_PORT)
    if public_pair is not None:
        pair = NatPublicPairProbe(servers=((host, port), split_host_port(public_pair, STUN_PORT)),
                                  timeout_s=timeout)
        result = measure(pair, NatResult, as_json)
        emit(result, as_json, [("public address", f"{result.public_address}:{result.public_port}"),
                               ("mapping", result.mapping), ("filtering", result.filtering),
                               *(("note", n) for n in result.notes)])
        return
    request = NatProbe(host=host, port=port, timeout_s=timeout, lifetime_cap_s=lifetime_cap, parallel=parallel,
                       secret=secret or None, source=source)
    result = measure(request, NatResult, as_json)
    lifetime = "-" if result.binding_lifetime_s is None else (
        f">= {result.binding_lifetime_s:g} s (cap)" if result.binding_lifetime_at_least
        else f"{result.binding_lifetime_s:g} s ± {result.binding_lifetime_resolution_s:g} s"
    )
    emit(result, as_json, [
        ("public address", f"{result.public_address}:{result.public_port}"),
        ("left by", result.source or result.local_address or "-"),
        ("mapping", result.mapping),
        ("filtering", result.filtering),
        ("hairpinning", result.hairpinning),
        ("port preserved", result.port_preserved),
        ("binding lifetime", lifetime),
        *(("note", n) for n in result.notes),
    ])


def register(app: typer.Typer) -> None:
    """Add `nat` to the probe sub-app."""
    app.command()(nat)
