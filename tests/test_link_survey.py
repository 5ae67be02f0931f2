"""The link survey's probe requests built from the plan (sip path, nat), and not-assessed handling."""

from __future__ import annotations

import socket
from pathlib import Path

from assess.link_requests import LinkProbeOptions, PlannedProbe, link_requests
from assess.link_survey import load_link_probes, probe_link
from collectors.probes.requests import NatProbe, SipPathProbe
from core.plan import Link, Voice

LINK = Link(name="isp1", contracted_up_mbps=10, contracted_down_mbps=50)


def planned(link: Link, voice: Voice, field: str) -> PlannedProbe:
    [one] = [p for p in link_requests(link, voice, LinkProbeOptions()) if p.field == field]
    return one


def test_sip_path_runs_with_the_plan_domain_and_the_links_dns_server() -> None:
    voice = Voice(sip_domain="sip.voxcarrier.example")
    system = planned(LINK, voice, "sip_path")  # no dns_server: the system resolver
    assert system == PlannedProbe("sip_path", SipPathProbe(domain="sip.voxcarrier.example", dns_server=None))
    with_dns = LINK.model_copy(update={"dns_server": "192.0.2.53:5353"})
    assert planned(with_dns, voice, "sip_path").request == SipPathProbe(
        domain="sip.voxcarrier.example", dns_server="192.0.2.53", dns_port=5353)


def test_no_sip_domain_is_not_assessed_and_nothing_else_runs_with_only(tmp_path: Path) -> None:
    probes, missing = probe_link("s", LINK, Voice(), tmp_path, LinkProbeOptions(), only={"sip_path"})
    assert [(m.item, m.reason) for m in missing] == [("isp1: sip path probe", "no voice.sip_domain in the plan")]
    assert probes.sip_path is None


def test_silent_dns_server_gives_not_assessed_and_nothing_saved(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound, never answers
        silent.bind(("127.0.0.1", 0))
        link = LINK.model_copy(update={"dns_server": f"127.0.0.1:{silent.getsockname()[1]}"})
        _, missing = probe_link("s", link, Voice(sip_domain="voip.example.test"), tmp_path, LinkProbeOptions(),
                                only={"sip_path"})
    assert len(missing) == 1 and "did not answer" in missing[0].reason, missing
    assert load_link_probes(tmp_path, "s", "isp1") is None  # not stored: a resumed run tries again


def test_the_nat_probe_leaves_by_the_links_own_source() -> None:
    link = Link(name="isp1", contracted_up_mbps=10, contracted_down_mbps=50, stun="198.51.100.10")
    nat = planned(link, Voice(), "nat").request
    assert isinstance(nat, NatProbe) and nat.source is None  # no source in the plan: the default route
    own = Link(name="isp1", contracted_up_mbps=10, contracted_down_mbps=50, stun="198.51.100.10", source="wwan0")
    nat = planned(own, Voice(), "nat").request
    assert isinstance(nat, NatProbe) and nat.source == "wwan0"
