"""The survey's sip-path call against a provider domain served in the lab, judged by VQ509."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.lab import Lab, LabConfig, Services
from assess.lab.sip_domain import SipDomain
from assess.lab_sites import lab_link
from assess.link_survey import LinkProbeOptions, probe_link
from assess.models.common import Status
from assess.plan import Link, Voice
from checks.base import SiteContext
from checks.sip_failover import SipSignallingFailover
from tests.labtools import needs_lab

pytestmark = [pytest.mark.lab, needs_lab]

VOICE = Voice(sip_domain="sip.voxcarrier.example")
LINK = Link(name="isp1", contracted_up_mbps=10, contracted_down_mbps=10)


def survey_sip_path(lab: Lab, backup_answers: bool, evidence: Path) -> tuple[dict[str, bool], Status, str]:
    """Run the link survey's sip-path call from the laptop; each target's liveness and VQ509's verdict."""
    assert VOICE.sip_domain
    with SipDomain(lab, VOICE.sip_domain, backup_answers) as sip:
        link = lab_link(LINK, lab, sip.dns_server)
        probes, missing = probe_link("s", link, VOICE, evidence, LinkProbeOptions(), only={"sip_path"})
    assert missing == [] and probes.sip_path is not None
    [outcome] = SipSignallingFailover().evaluate(SiteContext(site="s", voice=VOICE, links=(LINK,), probes=(probes,)))
    print(f"\nbackup answers={backup_answers}: {outcome.status} {outcome.message}\n{outcome.evidence}")
    alive = {f"{t.transport} {t.host}": t.reachable for t in probes.sip_path.targets}
    return alive, outcome.status, outcome.evidence


def test_dead_backup_fails_and_live_backup_passes(tmp_path: Path) -> None:
    with Lab(LabConfig(relay_enabled=False, services=Services(reflector=False, iperf3=False))) as lab:
        dead = survey_sip_path(lab, False, tmp_path / "dead")
        both = survey_sip_path(lab, True, tmp_path / "both")
    primary, backup = "sbc1.voxcarrier.example", "sbc2.voxcarrier.example"
    assert dead[0] == {f"udp {primary}": True, f"udp {backup}": False, f"tcp {primary}": True, f"tcp {backup}": False}
    assert dead[1] == Status.FAIL and "prio 20 weight 50" in dead[2] and "DEAD" in dead[2]
    assert set(both[0].values()) == {True} and len(both[0]) == 4
    assert both[1] == Status.PASS and "OPTIONS 200 in" in both[2]
