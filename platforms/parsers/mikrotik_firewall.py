"""RouterOS ``/ip firewall filter`` and dst-NAT rules as FirewallRule facts, address lists resolved.

Rules that only match established/related connections are left out: they do
not open anything new. Jumps, logs and fasttrack are not verdicts and are
left out too.
"""

from __future__ import annotations

from core.models.facts import FirewallRule
from platforms.parsers.common import port_ranges
from platforms.parsers.firewall import Action, Protocol, Service, build_rules
from platforms.parsers.routeros_export import RosCommand, in_menu

_VERDICTS: dict[str, Action] = {"accept": "permit", "drop": "deny", "reject": "deny", "tarpit": "deny"}
FILTER_CHAINS = ("forward", "input")


def _address_lists(commands: list[RosCommand]) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for entry in in_menu(commands, "ip firewall address-list"):
        lists.setdefault(entry.get("list"), []).append(entry.get("address"))
    return lists


def _side(rule: RosCommand, prefix: str, lists: dict[str, list[str]]) -> list[str]:
    """Addresses a rule matches on one side ('src' or 'dst')."""
    out: list[str] = []
    if rule.get(f"{prefix}-address"):
        out.append(rule.get(f"{prefix}-address"))
    named = rule.get(f"{prefix}-address-list")
    if named:
        out.extend(
            [f"!{a}" for a in lists.get(named[1:], [named])] if named.startswith("!") else lists.get(named, [named])
        )
    return out or ["any"]


def _service(rule: RosCommand) -> Service:
    proto = rule.get("protocol")
    protocol: Protocol = "any" if not proto else "udp" if proto == "udp" else "tcp" if proto == "tcp" else "other"
    ports = rule.get("dst-port")
    return Service(protocol, tuple(port_ranges(ports, ",")) if ports and not ports.startswith("!") else ())


def _opens_new(rule: RosCommand) -> bool:
    states = rule.get("connection-state")
    return not states or "new" in states.split(",") or states.startswith("!")


def firewall_rules(commands: list[RosCommand]) -> list[FirewallRule]:
    """Filter rules of the forward/input chains and dst-NAT forwards, in order."""
    lists = _address_lists(commands)
    rules: list[FirewallRule] = []
    for rule in in_menu(commands, "ip firewall filter"):
        action = _VERDICTS.get(rule.get("action", "accept"))
        if action is None or rule.get("chain") not in FILTER_CHAINS or not _opens_new(rule):
            continue
        where = rule.get("in-interface") or rule.get("in-interface-list") or "any"
        rules.extend(
            build_rules(
                rule.get("comment"),
                action,
                [_service(rule)],
                _side(rule, "src", lists),
                _side(rule, "dst", lists),
                f"{rule.get('chain')} from {where}",
                rule.source,
            )
        )
    for rule in in_menu(commands, "ip firewall nat"):
        if rule.get("action") == "dst-nat" and rule.get("chain") == "dstnat":
            rules.extend(
                build_rules(
                    rule.get("comment") or "dst-nat",
                    "permit",
                    [_service(rule)],
                    _side(rule, "src", lists),
                    [rule.get("to-addresses", "any")],
                    "dstnat",
                    rule.source,
                )
            )
    return rules
