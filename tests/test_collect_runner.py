"""The runner: offline replay through the collector interface, and devices that cannot even start."""

from __future__ import annotations

from pathlib import Path

from collectors.base import CollectOptions, ProgressEvent
from collectors.commands import COMMANDS, commands_for, follow_ups, napalm_driver, netmiko_device_type
from collectors.credentials import CredentialCache
from collectors.evidence import Manifest, read_manifest, save_output, write_manifest
from collectors.registry import get_collector
from collectors.runner import collect_site
from core.plan import Credentials, Device, Site


def _saved(root: Path, site: str, device: str, outputs: dict[str, str], **manifest: object) -> None:
    folder = root / site / device
    record = Manifest(device=device, platform="cisco_ios", **manifest)  # type: ignore[arg-type]
    for command, text in outputs.items():
        save_output(folder, record, command, text)


def test_every_plan_platform_has_commands_and_a_netmiko_type() -> None:
    from core.plan import PLATFORMS

    for platform in PLATFORMS:
        assert commands_for(platform), platform
        assert netmiko_device_type(platform) == platform
    assert COMMANDS["cisco_ios"][0] == "show running-config"
    assert COMMANDS["juniper_junos"][0] == "show configuration | display set"
    assert [napalm_driver(p) for p in ("cisco_ios", "arista_eos", "juniper_junos", "cisco_nxos", "linux")] == [
        "ios",
        "eos",
        "junos",
        "nxos_ssh",
        None,
    ]
    qdiscs = "qdisc noqueue 0: dev lo root refcnt 2\nqdisc htb 1: dev wan0 root refcnt 2 r2q 10 default 0x20\n"
    assert follow_ups("linux", "tc qdisc show", qdiscs) == ("tc class show dev wan0", "tc filter show dev wan0")


def test_offline_collection_replays_saved_outputs_in_plan_order(tmp_path: Path) -> None:
    _saved(tmp_path, "hq", "sw1", {"show running-config": "hostname sw1\n", "show version": "IOS 15.2\n"})
    _saved(tmp_path, "hq", "rtr1", {"show running-config": "hostname rtr1\n"})
    site = Site(
        name="hq", devices=[Device(name="sw1", platform="cisco_ios"), Device(name="rtr1"), Device(name="missing")]
    )
    events: list[ProgressEvent] = []
    sw1, rtr1, missing = collect_site(site, tmp_path / "out", offline_from=tmp_path, on_progress=events.append)
    assert sw1.ok and sw1.via == "offline" and sw1.outputs["show version"] == "IOS 15.2\n"
    assert rtr1.ok and rtr1.platform == "cisco_ios", "platform comes from the manifest when the plan has none"
    assert not missing.ok and missing.reason.startswith("no saved evidence at")
    assert {e.device for e in events if e.kind == "device_done"} == {"sw1", "rtr1", "missing"}


def test_offline_keeps_the_live_run_reason_and_flags_interrupted_collection(tmp_path: Path) -> None:
    _saved(tmp_path, "s", "failed", {"show version": "x"}, reason="authentication failed for user 'ops'")
    _saved(tmp_path, "s", "cut", {"show version": "x"}, complete=False)
    site = Site(name="s", devices=[Device(name="failed"), Device(name="cut")])
    failed, cut = collect_site(site, tmp_path / "out", offline_from=tmp_path)
    assert not failed.ok and failed.reason == "authentication failed for user 'ops'"
    assert not cut.ok and "interrupted" in cut.reason


def test_live_devices_that_cannot_start_get_reasons_written_to_their_folder(tmp_path: Path) -> None:
    site = Site(
        name="s",
        devices=[
            Device(name="noplatform", host="192.0.2.1", credentials=Credentials(username="u", password_env="P")),
            Device(name="nohost", platform="linux", credentials=Credentials(username="u", password_env="P")),
            Device(
                name="nocreds",
                host="192.0.2.1",
                platform="linux",
                credentials=Credentials(username="u", password_env="ASSESS_TEST_UNSET"),
            ),
        ],
    )
    results = collect_site(site, tmp_path, credentials=CredentialCache(env={"P": "x"}, prompt=None))
    reasons = {r.device: r.reason for r in results}
    assert reasons["noplatform"].startswith("platform not set in the plan")
    assert reasons["nohost"] == "no host in the plan"
    assert reasons["nocreds"] == "credentials: environment variable ASSESS_TEST_UNSET (password) is not set"
    assert all(not r.ok for r in results)
    for name, reason in reasons.items():
        manifest = read_manifest(tmp_path / "s" / name)
        assert manifest is not None and manifest.reason == reason


def test_a_failing_progress_hook_never_costs_a_result(tmp_path: Path) -> None:
    _saved(tmp_path, "s", "d", {"show version": "x"})

    def broken(_event: ProgressEvent) -> None:
        raise RuntimeError("progress bar exploded")

    (result,) = collect_site(
        Site(name="s", devices=[Device(name="d")]), tmp_path / "o", offline_from=tmp_path, on_progress=broken
    )
    assert result.ok


def test_resume_reuses_complete_devices_without_logging_in(tmp_path: Path) -> None:
    folder = tmp_path / "s" / "done"
    _saved(tmp_path, "s", "done", {"nft list ruleset": "table inet f {}"})
    manifest = read_manifest(folder)
    assert manifest is not None
    manifest.via = "netmiko"
    write_manifest(folder, manifest)
    # 192.0.2.1 is never contacted: resume reads the finished device back from disk
    device = Device(
        name="done", host="192.0.2.1", platform="linux", credentials=Credentials(username="u", password_env="P")
    )
    (result,) = collect_site(
        Site(name="s", devices=[device]),
        tmp_path,
        options=CollectOptions(resume=True),
        credentials=CredentialCache(env={"P": "x"}, prompt=None),
    )
    assert result.ok and result.via == "offline"
    assert result.outputs == {"nft list ruleset": "table inet f {}"}


def test_unknown_collector_name_is_an_error() -> None:
    import pytest

    with pytest.raises(ValueError, match="unknown collector"):
        get_collector("telnet")


def test_device_that_accepts_tcp_but_never_speaks_ssh_times_out_with_a_reason(tmp_path: Path) -> None:
    import socket
    import time

    with socket.create_server(("127.0.0.1", 0)) as silent:  # the kernel accepts; nobody ever answers
        device = Device(
            name="mute",
            host="127.0.0.1",
            port=silent.getsockname()[1],
            platform="linux",
            credentials=Credentials(username="u", password_env="P"),
            timeout_s=2,
        )
        started = time.monotonic()
        (result,) = collect_site(
            Site(name="s", devices=[device]),
            tmp_path,
            options=CollectOptions(known_hosts=tmp_path / "kh"),
            credentials=CredentialCache(env={"P": "x"}, prompt=None),
        )
        elapsed = time.monotonic() - started
    assert not result.ok
    assert result.reason.startswith("no SSH session with 127.0.0.1:"), result.reason
    assert "never completed the SSH handshake" in result.reason
    assert elapsed < 10, "bounded by the device's time limit, not hanging forever"


def test_rich_progress_shows_each_device_and_its_outcome(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from collectors.progress import CollectProgress

    _saved(tmp_path, "s", "d1", {"show version": "x", "show running-config": "y"})
    out = io.StringIO()
    console = Console(file=out, width=160, force_terminal=False)
    site = Site(name="s", devices=[Device(name="d1"), Device(name="gone")])
    with CollectProgress(console) as progress:
        collect_site(site, tmp_path / "o", offline_from=tmp_path, on_progress=progress)
    text = out.getvalue()
    assert "s/d1" in text and "collected" in text
    assert "s/gone" in text and "not assessed — no saved evidence" in text
