"""Vendor-neutral helpers for turning resolved policy objects into FirewallRule facts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from core.models.facts import FirewallRule

Protocol = Literal["udp", "tcp", "any", "other"]
Action = Literal["permit", "deny"]
MAX_GROUP_DEPTH = 8


class Service(NamedTuple):
    """A protocol and its destination port ranges (no ranges = every port)."""

    protocol: Protocol
    ports: tuple[tuple[int, int], ...] = ()


ANY_SERVICE = Service("any")


def resolve_members(
    names: Iterable[str], groups: Mapping[str, list[str]], leaves: Mapping[str, list[str]], depth: int = 0
) -> list[str]:
    """Expand object and group names into their leaf values; unknown names stay as they are.

    >>> resolve_members(["G"], {"G": ["a", "b"]}, {"a": ["10.0.0.1/32"]})
    ['10.0.0.1/32', 'b']
    """
    out: list[str] = []
    for name in names:
        if name in groups and depth < MAX_GROUP_DEPTH:
            values = resolve_members(groups[name], groups, leaves, depth + 1)
        else:
            values = leaves.get(name, [name])
        out.extend(v for v in values if v not in out)
    return out


def resolve_services(
    names: Iterable[str], groups: Mapping[str, list[str]], services: Mapping[str, list[Service]], depth: int = 0
) -> list[Service]:
    """Expand service and service-group names into Services; unknown names are skipped."""
    out: list[Service] = []
    for name in names:
        if name in groups and depth < MAX_GROUP_DEPTH:
            out.extend(resolve_services(groups[name], groups, services, depth + 1))
        else:
            out.extend(services.get(name, []))
    return out


def build_rules(
    name: str,
    action: Action,
    services: Iterable[Service],
    sources: list[str],
    destinations: list[str],
    direction: str = "",
    evidence: str = "",
) -> list[FirewallRule]:
    """One FirewallRule per protocol a policy covers, with the port ranges merged."""
    by_protocol: dict[Protocol, list[tuple[int, int]]] = {}
    every_port: set[Protocol] = set()
    for service in services:
        ports = by_protocol.setdefault(service.protocol, [])
        if not service.ports:
            every_port.add(service.protocol)
        ports.extend(p for p in service.ports if p not in ports)
    for protocol in every_port:
        by_protocol[protocol] = []
    if "any" in every_port:
        by_protocol = {"any": []}
    return [
        FirewallRule(
            name=name,
            action=action,
            protocol=protocol,
            sources=sources or ["any"],
            destinations=destinations or ["any"],
            dst_ports=sorted(ports),
            direction=direction,
            evidence=evidence,
        )
        for protocol, ports in by_protocol.items()
    ]
