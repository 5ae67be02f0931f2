"""The link survey's sip-path call: built from the plan, and its not-assessed handling."""

from __future__ import annotations

import socket
from pathlib import Path

from assess.link_survey import LinkProbeOptions, load_link_probes, probe_calls, probe_link
from core.plan import Link, Voice

LINK = Link(name="isp1", contracted_up_mbps=10, contracted_down_mbps=50)


def sip_call(link: Link, voice: Voice) -> tuple[str | None, list[str]]:
    [(reason, call)] = [(r, c) for label, r, c in probe_calls(link, voice, LinkProbeOptions()) if label == "sip path"]
    assert call.field == "sip_path"
    return reason, call.args


def test_sip_path_runs_with_the_plan_domain_and_the_links_dns_server() -> None:
    voice = Voice(sip_domain="sip.voxcarrier.example")
    assert sip_call(LINK, voice) == (None, ["sip-path", "sip.voxcarrier.example"])  # the system resolver
    with_dns = LINK.model_copy(update={"dns_server": "192.0.2.53:5353"})
    assert sip_call(with_dns, voice) == (None, ["sip-path", "sip.voxcarrier.example", "--dns", "192.0.2.53:5353"])


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
    [nat] = [c for label, _, c in probe_calls(link, Voice(), LinkProbeOptions()) if label == "nat"]
    assert "--source" not in nat.args  # no source in the plan: the default route
    own = Link(name="isp1", contracted_up_mbps=10, contracted_down_mbps=50, stun="198.51.100.10", source="wwan0")
    [nat] = [c for label, _, c in probe_calls(own, Voice(), LinkProbeOptions()) if label == "nat"]
    assert nat.args[-2:] == ["--source", "wwan0"]
