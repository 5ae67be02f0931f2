"""Plan validation: every bad plan gives one line naming the field and the problem."""

from __future__ import annotations

import pytest

from assess.commands.plan_cmds import plan_template
from core.plan import PlanError, parse_plan


def test_template_is_a_valid_plan_with_documented_defaults() -> None:
    plan = parse_plan(plan_template())
    assert plan.thresholds.one_way_delay_ms == 150
    assert plan.thresholds.jitter_ms == 30
    assert plan.thresholds.loss_pct == 1.0
    assert plan.thresholds.mos_min == 4.0
    assert plan.sites[0].links[0].reflector is not None
    assert plan.sites[0].links[0].reflector.port == 5004


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("company: x", "sites: Field required"),
        ("- a\n- b", "expected a mapping"),
        ("sites: [", "not valid YAML"),
        (
            "company: x\nsites: [{name: a, links: [{name: l, contracted_up_mbps: -1, contracted_down_mbps: 2}]}]",
            "sites[0].links[0].contracted_up_mbps: Input should be greater than 0",
        ),
        (
            "company: x\nsites: [{name: a, devices: [{name: d, credentials: {password: hunter2}}]}]",
            "sites[0].devices[0].credentials: 'password' must not be written in the plan",
        ),
        ("company: x\nsites: [{name: a, voice: {rtp_ports: [20000, 10000]}}]", "sites[0].voice.rtp_ports"),
        ("company: x\nsites: [{name: a, devices: [{name: d, platform: foo}]}]", "sites[0].devices[0].platform"),
        ("company: x\nsites: [{name: a}, {name: a}]", "duplicate site name 'a'"),
        ("company: x\nsites: [{name: a, colour: red}]", "sites[0]: unknown key 'colour'"),
        ("company: x\nsites: [{name: 'a/b'}]", "sites[0].name"),
        ("company: x\nvoice: {dscp_media: xf}\nsites: [{name: a}]",
         "voice.dscp_media: DSCP 'xf' is not a name (ef, cs0-cs7, af11-af43, va, default) or a number 0-63"),
        ("company: x\nvoice: {dscp_signalling: 64}\nsites: [{name: a}]", "voice.dscp_signalling: DSCP 64 is not"),
        ("company: x\nsites: [{name: a, voice: {dscp_media: '99'}}]", "sites[0].voice.dscp_media: DSCP '99' is not"),
    ],
)
def test_bad_plan_gives_one_line_naming_the_field(text: str, expected: str) -> None:
    with pytest.raises(PlanError) as info:
        parse_plan(text, "plan.yaml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("plan.yaml: ")
    assert expected in message


def test_password_never_echoed_in_error() -> None:
    with pytest.raises(PlanError) as info:
        parse_plan("company: x\nsites: [{name: a, devices: [{name: d, credentials: {password: hunter2}}]}]")
    assert "hunter2" not in str(info.value)


def test_endpoint_accepts_host_port_strings() -> None:
    plan = parse_plan(
        "company: x\nsites: [{name: a, links: [{name: l, contracted_up_mbps: 1, contracted_down_mbps: 1,"
        " reflector: '198.51.100.1:6000', iperf3: '198.51.100.2'}]}]"
    )
    link = plan.sites[0].links[0]
    assert link.reflector is not None and link.reflector.port == 6000
    assert link.iperf3 is not None and link.iperf3.port is None


def test_template_documents_the_sip_path_dns_server() -> None:
    text = plan_template().replace("# dns_server:", "dns_server:").replace("# sip_domain:", "sip_domain:")
    plan = parse_plan(text)
    assert plan.sites[0].links[0].dns_server == "192.0.2.53"
    assert plan.voice.sip_domain == "sip.provider.example"
    with pytest.raises(PlanError, match="dns_server"):
        parse_plan(text.replace("dns_server: 192.0.2.53", "dns_server: 'a b'"))


@pytest.mark.parametrize(("written", "kept"), [(46, "ef"), ("46", "ef"), ("EF", "ef"), (" af41", "af41"),
                                               ("default", "cs0"), (0, "cs0"), (45, "45"), ("va", "voice-admit")])
def test_a_dscp_is_kept_by_its_rfc_name_however_it_was_written(written: object, kept: str) -> None:
    # names from RFC 2474 (CS), 2597 (AF), 3246 (EF), 5865 (VOICE-ADMIT, 44); 45 has no name
    plan = parse_plan(f"company: x\nvoice: {{dscp_media: {written!r}}}\nsites: [{{name: a}}]")
    assert plan.voice.dscp_media == kept
