"""The survey's sip-path call against a provider domain served in the lab, judged by VQ509."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.lab import Lab, LabConfig, Services
from assess.lab.sip_domain import SipDomain
from assess.lab_sites import RecordOptions, lab_link, record
from assess.link_survey import LinkProbeOptions, load_link_probes, probe_link, save_link_probes
from assess.sample_survey import sample_dir
from checks.base import SiteContext
from checks.sip_failover import SipSignallingFailover
from core.models.common import Status
from core.models.site import LinkProbes
from core.models.traversal import SipAlgResult
from core.plan import Link, Voice, load_plan
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


def test_recorder_adds_only_sip_path_to_an_existing_recording(tmp_path: Path) -> None:

    kept = SipAlgResult(sip_alg_detected=True, rewritten=["Via"])
    save_link_probes(tmp_path, "branch", LinkProbes(link="br-broadband", sip_alg=kept))
    rec = RecordOptions(links={"br-broadband"}, probes={"sip_path"}, resume=True)
    record(load_plan(sample_dir() / "plan.yaml"), tmp_path, LinkProbeOptions(), rec)
    probes = load_link_probes(tmp_path, "branch", "br-broadband")
    assert probes is not None and probes.sip_path is not None
    assert probes.sip_alg == kept and probes.rtp is None  # the rest of the recording untouched, nothing else run
    assert probes.sip_path.domain == "sip.voxcarrier.example" and not probes.sip_path.failover_ready  # dead backup
