"""`assess facts` / `assess audit` on saved configs, bundles and evidence folders."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assess.cli import app
from checks import registry as rules_registry
from checks.base import DeviceRule, Outcome, SiteContext
from core.errors import UserError
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts

SAMPLES = Path(__file__).parent.parent / "samples" / "evidence"
CONTRACT_KEYS = {
    "platform", "hostname", "sip_alg", "voice_vlans", "voice_ports", "qos_trust_ports",
    "priority_classes", "ef_priority", "rtp_udp_ranges", "sip_ports_open", "udp_timeout_s",
}  # fmt: skip
runner = CliRunner()


class FakeSipAlgRule(DeviceRule):
    """A stand-in rule so the audit wiring is tested without depending on the real rule set."""

    id = "VQ301"  # the real rule's id, so the audit renders the cisco_xe template of VQ301 for it
    title = "SIP ALG is off"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "test"
    remediation = "turn it off"

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        status = Status.FAIL if facts.sip_alg == "enabled" else Status.PASS
        yield Outcome(status, f"SIP ALG {facts.sip_alg}", facts.sip_alg_evidence)


def _json(args: list[str]) -> dict[str, object]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_facts_json_of_a_saved_config_has_every_contract_key_and_detects_ios_xe() -> None:
    out = _json(["facts", str(SAMPLES / "hq/hq-rtr1/show_running-config.txt"), "--json"])
    assert out.keys() >= CONTRACT_KEYS
    assert out["platform"] == "cisco_xe"
    assert out["sip_alg"] == "disabled" and out["udp_timeout_s"] == 300
    assert out["rtp_udp_ranges"] == [[10000, 20000]] and out["sip_ports_open"] == [5060]


def test_facts_of_a_bundle_file_reads_every_output(tmp_path: Path) -> None:
    folder = SAMPLES / "hq/hq-sw1"
    parts = [f"### command: {cmd}\n{(folder / f).read_text()}" for cmd, f in [
        ("show running-config", "show_running-config.txt"),
        ("show power inline", "show_power_inline.txt"),
        ("show lldp neighbors detail", "show_lldp_neighbors_detail.txt"),
    ]]  # fmt: skip
    bundle = tmp_path / "hq-sw1.txt"
    bundle.write_text("\n".join(parts))
    out = _json(["facts", str(bundle), "--json"])
    assert out["platform"] == "cisco_ios"
    assert out["poe_budget_w"] == 370.0 and out["voice_vlans"] == [110]
    assert sum(1 for n in out["lldp_neighbors"] if n["is_phone"]) == 6


def test_facts_of_an_evidence_folder_with_platform_override() -> None:
    out = _json(["facts", str(SAMPLES / "branch/br-sw1"), "--platform", "arista_eos", "--json"])
    assert out["hostname"] == "br-sw1" and out["voice_vlans"] == [120]


def test_audit_runs_registered_rules_and_reports_findings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(rules_registry, "ALL_RULES", (FakeSipAlgRule,))
    config = (SAMPLES / "hq/hq-rtr1/show_running-config.txt").read_text()
    alg_on = tmp_path / "rtr-alg-on.cfg"
    alg_on.write_text(config.replace("no ip nat service sip udp port 5060\n", ""))
    good = _json(["audit", str(SAMPLES / "hq/hq-rtr1"), "--json"])
    bad = _json(["audit", str(alg_on), "--json"])
    assert set(good) == {"facts", "findings"}
    assert [(f["id"], f["status"]) for f in good["findings"]] == [("VQ301", "pass")]
    finding = bad["findings"][0]
    assert (finding["status"], finding["severity"]) == ("fail", "high")
    assert finding["remediation"].splitlines()[:2] == [
        "no ip nat service sip udp port 5060",
        "no ip nat service sip tcp port 5060",
    ]
    assert finding["fix"]["device"] == "hq-rtr1" and finding["fix"]["phase"] == "alg"
    assert finding["fix"]["rollback"].splitlines()[0] == "ip nat service sip udp port 5060"
    assert "no ip nat service sip udp port 5060" in finding["evidence"]


def test_audit_without_json_prints_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules_registry, "ALL_RULES", (FakeSipAlgRule,))
    result = runner.invoke(app, ["audit", str(SAMPLES / "hq/hq-fw1")])
    assert result.exit_code == 0
    assert "VQ301" in result.stdout and "hq-fw1" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\x7fELF\x02\x01\x00\x00binary", "binary file"),
        (b"just some notes\nnothing like a config\n", "could not recognise the platform"),
    ],
)
def test_bad_inputs_are_one_line_user_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["facts", str(path)])
    assert isinstance(result.exception, UserError)
    assert message in str(result.exception) and "\n" not in str(result.exception)


def test_missing_file_and_unknown_platform_are_user_errors(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["audit", str(tmp_path / "nope.cfg")])
    assert isinstance(missing.exception, UserError) and "no such file" in str(missing.exception)
    unknown = runner.invoke(app, ["facts", str(SAMPLES / "hq/hq-sw1"), "--platform", "nosuchos"])
    assert isinstance(unknown.exception, UserError) and "no parser for platform" in str(unknown.exception)


def test_console_command_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "empty.cfg"
    path.write_text("")
    proc = subprocess.run(
        [sys.executable, "-c", "from assess.cli import main; main()", "facts", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "file is empty" in proc.stderr and "Traceback" not in proc.stderr
