"""The ``assess probe nat`` measurement: behaviour discovery plus binding lifetime → NatResult."""

from __future__ import annotations

from collections.abc import Callable

from collectors.probes.binding_lifetime import LifetimeNotMeasured, measure_lifetime
from collectors.probes.nat_behaviour import StunTarget, StunUnreachable, discover
from collectors.probes.requests import NatProbe
from collectors.probes.target import resolve
from core.models.traversal import NatResult


def not_assessed(server: str, reason: str) -> NatResult:
    """The result when the STUN server cannot be used."""
    return NatResult(
        public_address=None, mapping="unknown", filtering="unknown", assessed=False, reason=reason, server=server
    )


def probe_nat(opts: NatProbe, lifetime_turn: Callable[[], None] | None = None) -> NatResult:
    """Classify the NAT towards the request's STUN server and measure the UDP binding lifetime.

    ``lifetime_turn``, when given, is called between the two and returns when the lifetime search
    may start (the survey runs discovery beside the link's bandwidth test, the search never).
    """
    host, port = opts.host, opts.port
    label = f"{host}:{port}"
    secret = opts.secret.encode() if opts.secret else None
    try:
        addr = resolve(host, port)
        target = StunTarget(addr, timeout_s=opts.timeout_s, secret=secret, source=opts.source)
        found = discover(target)
    except StunUnreachable as exc:
        return not_assessed(label, str(exc))
    except OSError as exc:
        return not_assessed(label, f"cannot reach {label}: {exc.strerror or exc}")
    result = NatResult(
        public_address=found.public[0],
        public_port=found.public[1],
        local_address=found.local[0],
        mapping=found.mapping,
        filtering="no-nat" if found.mapping == "no-nat" else found.filtering,
        firewall_filtering=found.filtering if found.mapping == "no-nat" else None,
        hairpinning=found.hairpinning,
        port_preserved=found.port_preserved,
        server=label,
        source=opts.source,
        notes=found.notes,
    )
    if opts.lifetime_cap_s > 0:
        if lifetime_turn is not None:
            lifetime_turn()
        _add_lifetime(result, target, opts)
    return result


def _add_lifetime(result: NatResult, target: StunTarget, opts: NatProbe) -> None:
    try:
        est = measure_lifetime(target, opts.lifetime_cap_s, opts.parallel)
    except LifetimeNotMeasured as exc:
        result.notes.append(f"binding lifetime not measured: {exc}")
        return
    except OSError as exc:
        result.notes.append(f"binding lifetime not measured: {exc}")
        return
    result.binding_lifetime_s = round(est.value_s, 3)
    res = est.resolution_s
    result.binding_lifetime_resolution_s = None if res is None else round(res, 3)
    result.binding_lifetime_at_least = est.dead_s is None
    result.binding_lifetime_cap_s = opts.lifetime_cap_s
