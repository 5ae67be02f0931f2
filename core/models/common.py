"""Enumerations shared by facts, findings and scores."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How much a failed check matters for voice."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


class Status(StrEnum):
    """Outcome of one check (checkov-style: a crash is UNKNOWN, never a pass)."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NA = "n/a"


class Category(StrEnum):
    """Scoring categories of a site."""

    LAN_QOS = "lan_qos"
    WAN_QOS = "wan_qos"
    FIREWALL_NAT = "firewall_nat"
    LINK_QUALITY = "link_quality"
    RESILIENCE = "resilience"


CATEGORY_TITLES: dict[Category, str] = {
    Category.LAN_QOS: "LAN QoS",
    Category.WAN_QOS: "WAN QoS & capacity",
    Category.FIREWALL_NAT: "Firewall & NAT",
    Category.LINK_QUALITY: "Link quality",
    Category.RESILIENCE: "Resilience & operations",
}


class Verdict(StrEnum):
    """Readiness verdict of a site."""

    GO = "GO"
    CONDITIONAL = "CONDITIONAL"
    NO_GO = "NO-GO"
    INCOMPLETE = "INCOMPLETE"  # the evidence does not cover what a verdict needs (docs/scoring.md)
