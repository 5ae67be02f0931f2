"""Lab configuration (no root needed): unique names, documentation ranges, generated router policy."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assess.lab import Addressing, LabConfig, RouterConfig
from assess.lab.router import nft_ruleset, shaping_commands, sysctls


def test_every_lab_gets_its_own_prefix_and_names_fit_interface_limits() -> None:
    prefixes = {LabConfig().prefix for _ in range(200)}
    assert len(prefixes) == 200
    assert all(len(f"{p}-laptop") <= 20 for p in prefixes)
    with pytest.raises(ValidationError):
        LabConfig(prefix="Bad Name")


def test_addresses_come_from_the_configured_segments() -> None:
    a = Addressing(lan="198.18.10.0/24", dc="203.0.113.0/25")
    assert a.host("lan", 2) == "198.18.10.2" and a.prefixlen("dc") == 25
    with pytest.raises(ValidationError):
        Addressing(lan="198.18.10.1/24")


def test_router_policy_follows_the_config() -> None:
    script = nft_ruleset(RouterConfig(nat="masquerade-random", dscp_up="cs0", sip_helper=True))
    assert "masquerade fully-random" in script
    assert 'oifname "wan0" ip dscp set cs0' in script and 'oifname "lan0"' not in script
    assert 'ct helper set "sip-5060"' in script
    assert "masquerade" not in nft_ruleset(RouterConfig(nat="none"))
    assert shaping_commands("wan0", 5, "tbf")[0][6:9] == ["tbf", "rate", "5000kbit"]
    assert "net.netfilter.nf_conntrack_udp_timeout=20" in sysctls(RouterConfig(udp_timeout_s=20))
