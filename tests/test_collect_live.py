"""Live collection against real SSH servers: namespace Linux routers (sshd) and an emulated IOS switch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assess.lab import Lab, LabConfig, RouterConfig, Services
from assess.lab.sshd_device import sshd_devices as routers
from assess.lab.sshd_device import start_sshd
from collectors.base import CollectOptions, ProgressEvent
from collectors.commands import COMMANDS
from collectors.evidence import read_manifest
from collectors.runner import collect_site
from core.plan import Credentials, Device, Site
from platforms.parsers.registry import parse_device
from tests.live_helpers import fake_switch, free_port, needs_fake_switches, needs_root

SYSCTL = COMMANDS["linux"][3]
pytestmark = [needs_root, pytest.mark.lab, pytest.mark.timeout(90)]


def _strict(tmp_path: Path, *lines: str) -> CollectOptions:
    known = tmp_path / "known_hosts"
    known.write_text("".join(f"{line}\n" for line in lines))
    return CollectOptions(known_hosts=known, napalm_getters=False)


def test_linux_router_is_collected_live_and_the_evidence_reads_back_offline(tmp_path: Path) -> None:
    with routers(tmp_path, 1, sip_helper=True, udp_timeout_s=45) as (router,):
        # a secret in the device's own output: it must be redacted before it reaches the disk
        comment = "snmp-server community LiveSeeded1 RO"
        router.run(
            "nft",
            "add",
            "rule",
            "inet",
            "assess_filter",
            "input",
            "udp",
            "dport",
            "5061",
            "accept",
            "comment",
            f'"{comment}"',
        )
        site = Site(name="branch", devices=[router.plan_device()])
        events: list[ProgressEvent] = []
        evidence = tmp_path / "evidence"
        (live,) = collect_site(
            site, evidence, options=_strict(tmp_path, router.known_hosts_line()), on_progress=events.append
        )
    assert live.ok, live.reason
    assert live.via == "netmiko"
    assert set(live.outputs) == {*COMMANDS["linux"], "tc class show dev wan0", "tc filter show dev wan0"}
    assert 'ct helper set "sip-5060"' in live.outputs["nft list ruleset"]
    assert "class htb 1:10 parent 1:1 prio 0 rate 2Mbit" in live.outputs["tc class show dev wan0"]
    assert "net.netfilter.nf_conntrack_udp_timeout = 45" in live.outputs[SYSCTL]
    assert live.outputs["hostname"].strip() == "lab-rtr0"
    assert "203.0.113.1/24" in live.outputs["ip -br addr"]
    assert [e.kind for e in events].count("command_done") == len(live.outputs)
    assert "community <redacted> RO" in live.outputs["nft list ruleset"]
    assert not [p for p in evidence.rglob("*") if p.is_file() and "LiveSeeded1" in p.read_text()]
    manifest = read_manifest(evidence / "branch" / "rtr1")
    assert manifest is not None and manifest.complete and not manifest.reason
    assert manifest.host_key_policy.startswith("strict: known_hosts")
    (offline,) = collect_site(site, tmp_path / "unused", offline_from=evidence)
    assert offline.ok and offline.via == "offline"
    assert offline.outputs == live.outputs
    # and the Linux parser reads what was collected: the lab's ground truth comes back as facts
    facts = parse_device("linux", offline.outputs)
    assert facts.hostname == "lab-rtr0"
    assert facts.sip_alg == "enabled"
    assert facts.udp_timeout_s == 45
    assert facts.ef_priority is True


def test_router_without_sip_helper_shows_no_helper_in_evidence(tmp_path: Path) -> None:
    with routers(tmp_path, 1, sip_helper=False, udp_timeout_s=180) as (router,):
        site = Site(name="s", devices=[router.plan_device()])
        (result,) = collect_site(site, tmp_path / "ev", options=_strict(tmp_path, router.known_hosts_line()))
    assert result.ok, result.reason
    assert "ct helper" not in result.outputs["nft list ruleset"]
    assert "nf_conntrack_udp_timeout = 180" in result.outputs[SYSCTL]


def test_wrong_password_is_not_assessed_and_the_good_device_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_WRONG_PW", "not-the-password")
    with routers(tmp_path, 1) as (router,):
        bad = router.plan_device("bad").model_copy(
            update={"credentials": Credentials(username="root", password_env="LAB_WRONG_PW")}
        )
        site = Site(name="s", devices=[bad, router.plan_device("good")])
        bad_result, good = collect_site(site, tmp_path / "ev", options=_strict(tmp_path, router.known_hosts_line()))
    assert not bad_result.ok
    assert bad_result.reason.startswith("authentication failed for user 'root'")
    assert good.ok and (tmp_path / "ev" / "s" / "good" / "hostname.txt").is_file()
    manifest = read_manifest(tmp_path / "ev" / "s" / "bad")
    assert manifest is not None and manifest.reason == bad_result.reason
    assert "not-the-password" not in (tmp_path / "ev" / "s" / "bad" / "manifest.json").read_text()


def test_host_key_mismatch_is_refused(tmp_path: Path) -> None:
    with routers(tmp_path, 2) as (router, other):
        forged = f"[127.0.0.1]:{router.port} {other.host_key_line}"
        site = Site(name="s", devices=[router.plan_device()])
        (result,) = collect_site(site, tmp_path / "ev", options=_strict(tmp_path, forged))
    assert not result.ok
    assert "does not match" in result.reason and "man-in-the-middle" in result.reason
    assert result.outputs == {}


def test_unknown_host_key_is_refused_by_default_and_recorded_with_accept_new(tmp_path: Path) -> None:
    with routers(tmp_path, 1) as (router,):
        site = Site(name="s", devices=[router.plan_device()])
        strict = _strict(tmp_path)
        (refused,) = collect_site(site, tmp_path / "ev1", options=strict)
        accept = strict.model_copy(update={"accept_new_host_keys": True})
        (accepted,) = collect_site(site, tmp_path / "ev2", options=accept)
        (again,) = collect_site(site, tmp_path / "ev3", options=strict)
    assert not refused.ok and "is not in" in refused.reason
    assert accepted.ok, accepted.reason
    assert router.host_key_line in strict.known_hosts.read_text()
    manifest = read_manifest(tmp_path / "ev2" / "s" / "rtr1")
    assert manifest is not None and manifest.host_key_policy.startswith("accept-new")
    assert "first contact: accepted ssh-ed25519 SHA256:" in manifest.host_key_policy
    assert accepted.host_key_policy == manifest.host_key_policy
    assert again.ok, "a key accepted on first contact is trusted by later strict runs"


def test_closed_port_is_not_assessed(tmp_path: Path) -> None:
    device = Device(
        name="gone",
        host="127.0.0.1",
        port=free_port(),
        platform="linux",
        credentials=Credentials(username="root", ssh_key=__file__),
    )
    (result,) = collect_site(Site(name="s", devices=[device]), tmp_path / "ev", options=_strict(tmp_path))
    assert not result.ok
    assert result.reason.startswith("cannot connect to 127.0.0.1:") and "refused" in result.reason


@pytest.mark.parametrize("failure", ["hang", "firewall", "close"])
def test_device_failing_mid_session_keeps_what_was_collected(tmp_path: Path, failure: str) -> None:
    with routers(tmp_path, 2) as (victim, healthy):
        hook_errors: list[Exception] = []

        def break_victim(event: ProgressEvent) -> None:
            if event.device != "victim" or event.kind != "command_done" or event.done != 1:
                return
            try:
                if failure == "hang":
                    victim.freeze_sessions()
                elif failure == "firewall":
                    victim.run("nft", "add", "rule", "inet", "assess_filter", "input", "tcp", "dport", "22", "drop")
                else:
                    victim.kill_sessions()
            except Exception as exc:  # the runner swallows hook errors; the test must not
                hook_errors.append(exc)

        site = Site(name="s", devices=[victim.plan_device("victim", timeout_s=4), healthy.plan_device("ok")])
        options = _strict(tmp_path, victim.known_hosts_line(), healthy.known_hosts_line())
        broken, fine = collect_site(site, tmp_path / "ev", options=options, on_progress=break_victim)
    assert hook_errors == []
    assert fine.ok, fine.reason
    assert not broken.ok
    expected = "closed the session" if failure == "close" else "stopped answering"
    assert expected in broken.reason and "after 1 of 7 commands" in broken.reason, broken.reason
    folder = tmp_path / "ev" / "s" / "victim"
    assert "sip-5060" in (folder / "nft_list_ruleset.txt").read_text()
    manifest = read_manifest(folder)
    assert manifest is not None and manifest.reason == broken.reason
    assert [c.ok for c in manifest.commands] == [True, False]


@needs_fake_switches
def test_emulated_ios_switch_is_collected_through_enable_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SW_PASSWORD", "root")
    monkeypatch.setenv("SW_ENABLE", "")
    creds = Credentials(username="root", password_env="SW_PASSWORD", enable_secret_env="SW_ENABLE")
    with fake_switch("lab-sw1") as port:
        device = Device(name="sw1", host="127.0.0.1", port=port, platform="cisco_ios", credentials=creds)
        options = CollectOptions(known_hosts=tmp_path / "kh", accept_new_host_keys=True, timeout_s=10)
        (result,) = collect_site(Site(name="s", devices=[device]), tmp_path / "ev", options=options)
    assert result.ok, result.reason
    assert "hostname lab-sw1" in result.outputs["show running-config"]
    # a 48-port switch: the whole running config came through, not the first screen of it
    assert "interface FastEthernet0/48" in result.outputs["show running-config"]
    assert result.outputs["show running-config"].rstrip().endswith("end")
    assert "Cisco IOS Software" in result.outputs["show version"]
    # napalm's ios driver does not work against the emulator: recorded per getter, device still assessed
    assert set(result.failed) == {"napalm get_facts", "napalm get_config", "napalm get_interfaces"}
    manifest = json.loads((tmp_path / "ev" / "s" / "sw1" / "manifest.json").read_text())
    assert "root" not in json.dumps(manifest["tool_versions"])


@needs_fake_switches
def test_emulated_switch_with_wrong_enable_secret_is_not_assessed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SW_PASSWORD", "root")
    creds = Credentials(username="root", password_env="SW_PASSWORD")
    with fake_switch() as port:
        device = Device(name="sw1", host="127.0.0.1", port=port, platform="cisco_ios", credentials=creds)
        options = CollectOptions(known_hosts=tmp_path / "kh", accept_new_host_keys=True, napalm_getters=False)
        (result,) = collect_site(Site(name="s", devices=[device]), tmp_path / "ev", options=options)
    assert not result.ok
    assert "could not enter enable mode" in result.reason


@pytest.mark.parametrize("sip_helper", [True, False])
def test_lab_site_router_is_collected_and_its_ground_truth_comes_back_as_facts(
    tmp_path: Path, sip_helper: bool
) -> None:
    """The `demo --lab` path: sshd inside the full lab's router namespace, collected from the root namespace."""
    config = LabConfig(
        router=RouterConfig(sip_helper=sip_helper, udp_timeout_s=33, shaper="htb", rate_up_mbit=20),
        services=Services(reflector=False, iperf3=False),
        relay_enabled=False,
    )
    with Lab(config) as lab:
        router = start_sshd(tmp_path / "sshd", lab.ns["router"], lab.router_lan_ip, hostname="site-rtr")
        try:
            known = tmp_path / "known_hosts"
            known.write_text(router.known_hosts_line() + "\n")
            options = CollectOptions(known_hosts=known, napalm_getters=False)
            (result,) = collect_site(
                Site(name="lab", devices=[router.plan_device("site-rtr")]), tmp_path / "ev", options=options
            )
        finally:
            router.stop()
    assert result.ok, result.reason
    facts = parse_device("linux", result.outputs)
    assert facts.hostname == "site-rtr"
    assert facts.sip_alg == ("enabled" if sip_helper else "disabled")
    assert facts.udp_timeout_s == 33
    assert facts.nat_enabled is True


def test_ctrl_c_stops_every_device_quickly_and_keeps_what_was_saved(tmp_path: Path) -> None:
    import os
    import signal
    import time

    before = signal.getsignal(signal.SIGINT)
    with routers(tmp_path, 2) as (first, second):
        pressed: list[float] = []

        def press_ctrl_c(event: ProgressEvent) -> None:
            if event.device == "first" and event.kind == "command_done" and event.done == 2 and not pressed:
                pressed.append(time.monotonic())
                os.kill(os.getpid(), signal.SIGINT)

        site = Site(
            name="s", devices=[first.plan_device("first"), second.plan_device("second"), second.plan_device("third")]
        )
        options = _strict(tmp_path, first.known_hosts_line(), second.known_hosts_line()).model_copy(
            update={"workers": 2}
        )
        results = collect_site(site, tmp_path / "ev", options=options, on_progress=press_ctrl_c)
        stopped_after = time.monotonic() - pressed[0]
        resumed = collect_site(site, tmp_path / "ev", options=options.model_copy(update={"resume": True}))
    assert signal.getsignal(signal.SIGINT) is before, "the Ctrl-C handler is only installed while collecting"
    by_name = {r.device: r for r in results}
    assert stopped_after < 5, "devices stop at their next read, not at their time limit"
    assert by_name["first"].reason.startswith("interrupted by the user (Ctrl-C)")
    assert "after 2 of" in by_name["first"].reason
    assert by_name["third"].reason == "interrupted by the user (Ctrl-C) before collection started"
    # the device running alongside either finished before the key press or stopped the same way
    assert by_name["second"].ok or by_name["second"].reason.startswith("interrupted by the user (Ctrl-C)")
    saved = read_manifest(tmp_path / "ev" / "s" / "first")
    assert saved is not None and [c.ok for c in saved.commands][:2] == [True, True]
    assert (tmp_path / "ev" / "s" / "first" / "nft_list_ruleset.txt").is_file()
    # --resume: interrupted devices are collected again, finished ones are read back, not repeated
    assert all(r.ok for r in resumed), [r.reason for r in resumed]
    assert {r.device: r.via for r in resumed} == {r.device: ("offline" if r.ok else "netmiko") for r in results}


def test_device_that_hangs_right_after_login_is_bounded_by_its_time_limit(tmp_path: Path) -> None:
    import time

    from assess.lab.sshd_device import start_sshd_device

    router = start_sshd_device(tmp_path / "mute", force_command="sleep 60")  # authenticates, never shows a prompt
    try:
        site = Site(name="s", devices=[router.plan_device("mute", timeout_s=3)])
        started = time.monotonic()
        (result,) = collect_site(site, tmp_path / "ev", options=_strict(tmp_path, router.known_hosts_line()))
        elapsed = time.monotonic() - started
    finally:
        router.stop()
    assert not result.ok
    assert "got no prompt within the time limit" in result.reason, result.reason
    assert elapsed < 8, f"took {elapsed:.1f} s for a 3 s limit"
