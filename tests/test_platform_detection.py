"""Platform detection from syntax: every fixture in the forms configs arrive in, snippets, ambiguity."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assess.cli import app
from assess.commands.device_cmds import load_facts
from collectors.evidence import read_outputs
from platforms.detection import Detection
from platforms.parsers.registry import detect, detect_platform
from platforms.registry import UNITS
from tests.detection_variants import crlf_in_markdown, without_banners
from tests.session_noise import captured_session

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/manifest.json"))
IDS = [f"{c.parent.name}/{c.name}" for c in CASES]


def config_of(case: Path) -> str:
    """The case's configuration output (its platform's configuration command, else its longest output)."""
    outputs = read_outputs(case)
    command = UNITS[case.parent.name].config_command
    return outputs[command] if command in outputs else max(outputs.values(), key=len)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fixture_is_detected_from_all_outputs_and_from_its_config_alone(case: Path) -> None:
    assert detect_platform(read_outputs(case)) == case.parent.name
    assert detect_platform({"show running-config": config_of(case)}) == case.parent.name


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fixture_is_detected_without_its_banner_and_version_lines(case: Path) -> None:
    stripped = without_banners(config_of(case))
    assert detect_platform({"show running-config": stripped}) == case.parent.name


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fixture_is_detected_in_crlf_inside_a_markdown_fence_with_prose(case: Path) -> None:
    text = crlf_in_markdown(without_banners(config_of(case)))
    assert detect_platform({"show running-config": text}) == case.parent.name


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fixture_is_detected_through_terminal_paging_and_colour_noise(case: Path) -> None:
    platform = case.parent.name
    noisy = captured_session(platform, "show running-config", without_banners(config_of(case)))
    assert detect_platform({"show running-config": noisy}) == platform


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fixture_is_detected_with_tabs_for_indentation(case: Path) -> None:
    tabbed = re.sub(r"^( +)", lambda m: "\t" * max(1, len(m.group(1)) // 2), config_of(case), flags=re.M)
    assert detect_platform({"show running-config": tabbed}) == case.parent.name


# Partial configs and show outputs, no banner, no version line: what consultants paste into tickets.
SNIPPETS = {
    "cisco_ios": """interface FastEthernet0/5
 switchport access vlan 20
 switchport voice vlan 120
 mls qos trust device cisco-phone
 spanning-tree portfast
""",
    "cisco_xe": """license boot level network-advantage addon dna-advantage
!
interface GigabitEthernet1/0/12
 switchport access vlan 20
 switchport mode access
 switchport voice vlan 120
 spanning-tree portfast
""",
    "cisco_nxos": """feature lldp
feature interface-vlan
interface Ethernet1/12
  switchport
  switchport access vlan 20
  spanning-tree port type edge
""",
    "cisco_asa": """interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.248
access-list OUTSIDE-IN extended permit udp any host 10.1.1.10 range 10000 20000
access-group OUTSIDE-IN in interface outside
""",
    "arista_eos": """interface Ethernet7
   switchport access vlan 20
   switchport mode trunk phone
   switchport phone vlan 120
   qos trust dscp
""",
    "juniper_junos": """set interfaces ge-0/0/3 unit 0 family ethernet-switching vlan members VOICE
set class-of-service interfaces ge-0/0/0 scheduler-map WAN-MAP
""",
    "fortinet": """config firewall policy
    edit 12
        set srcintf "wan1"
        set dstintf "internal"
        set srcaddr "SIP-PROVIDER"
        set service "SIP"
    next
end
""",
    "paloalto_panos": """set rulebase security rules SIP-IN from untrust to trust
set rulebase security rules SIP-IN source SIP-PROVIDER application sip
set zone untrust network layer3 ethernet1/1
""",
    "mikrotik_routeros": """/ip firewall filter
add action=accept chain=forward dst-port=5060 protocol=udp src-address-list=sip-provider
/ip firewall connection tracking
set udp-stream-timeout=3m
""",
    "linux": """table inet filter {
\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t\tudp dport 10000-20000 accept
\t}
}
""",
}
# More partial configs in the shapes tickets and e-mails carry them.
MORE_SNIPPETS: list[tuple[str, str]] = [
    (
        "cisco_ios",
        "hostname BRANCH-R1\ninterface GigabitEthernet0/0\n ip address 198.51.100.2 255.255.255.252\n ip nat outside\n"
        "interface GigabitEthernet0/1\n ip address 10.1.1.1 255.255.255.0\n ip nat inside\n"
        "ip nat inside source list 1 interface GigabitEthernet0/0 overload\nline vty 0 4\n",
    ),
    ("cisco_ios", "interface Serial0/0/0\n bandwidth 2048\n service-policy output WAN-QOS\n"),
    (
        "cisco_xe",
        "interface GigabitEthernet1\n ip address dhcp\n negotiation auto\nplatform qfp utilization monitor load 80\n",
    ),
    (
        "cisco_nxos",
        "interface Ethernet1/5\n  switchport access vlan 20\n  spanning-tree port type edge\n  no shutdown\n",
    ),
    (
        "cisco_asa",
        "object network PBX\n host 10.10.0.5\n nat (inside,outside) static 198.51.100.10\ntimeout udp 0:02:00\n",
    ),
    (
        "arista_eos",
        "interface Ethernet12\n   description desk phone\n   switchport access vlan 20\n   spanning-tree portfast\n",
    ),
    (
        "juniper_junos",
        "interfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet {\n"
        "                address 198.51.100.2/30;\n            }\n        }\n    }\n}\n",
    ),
    ("fortinet", 'config system interface\n    edit "port1"\n        set ip 10.0.0.1 255.255.255.0\n    next\nend\n'),
    (
        "paloalto_panos",
        '<entry name="allow-sip">\n  <from>\n    <member>untrust</member>\n  </from>\n  <application>\n'
        "    <member>sip</member>\n  </application>\n  <action>allow</action>\n</entry>\n",
    ),
    ("mikrotik_routeros", "/queue tree\nadd max-limit=20M name=wan-root parent=ether1\n"),
    ("linux", "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n-A FORWARD -p udp --dport 5060 -j ACCEPT\nCOMMIT\n"),
]


@pytest.mark.parametrize(
    ("platform", "text"), MORE_SNIPPETS, ids=[f"{p}-{i}" for i, (p, _) in enumerate(MORE_SNIPPETS)]
)
def test_more_partial_configs_are_detected(platform: str, text: str) -> None:
    assert detect_platform({"pasted.txt": text}) == platform


SHOW_OUTPUTS = {
    "cisco_ios": """Name: Gi1/0/5
Switchport: Enabled
Administrative Mode: static access
Operational Mode: static access
Access Mode VLAN: 20 (DATA)
Voice VLAN: 120 (VOICE)
""",
    "cisco_nxos": """Name: Ethernet1/12
  Switchport: Enabled
  Switchport Monitor: Not enabled
  Operational Mode: access
  Access Mode VLAN: 20 (DATA)
""",
    "juniper_junos": """Physical interface: ge-0/0/0, Index 150
  Queues supported: 8, Queues in use: 4
  Scheduler map: WAN-MAP, Index 12345
""",
    "paloalto_panos": """hostname: pa-branch
sw-version: 10.2.4
model: PA-440
app-version: 8712-8166
""",
    "mikrotik_routeros": """                   uptime: 3w2d
                  version: 7.12.1 (stable)
               board-name: RB4011iGS+
        architecture-name: arm
""",
    "linux": """qdisc htb 1: dev wan0 root refcnt 2 r2q 10 default 0x20 direct_packets_stat 0
qdisc fq_codel 8001: dev wan0 parent 1:20 limit 10240p flows 1024
""",
}


@pytest.mark.parametrize("platform", sorted(SNIPPETS))
def test_a_partial_config_without_banner_is_detected(platform: str) -> None:
    assert detect_platform({"show running-config": SNIPPETS[platform]}) == platform


@pytest.mark.parametrize("platform", sorted(SHOW_OUTPUTS))
def test_a_show_output_alone_is_detected(platform: str) -> None:
    assert detect_platform({"output.txt": SHOW_OUTPUTS[platform]}) == platform


def test_the_answer_carries_confidence_runner_up_and_why() -> None:
    found = detect({"show running-config": SNIPPETS["cisco_asa"]})
    assert found.platform == "cisco_asa" and 0.5 < found.confidence <= 1
    assert found.runner_up is not None and found.runner_up != "cisco_asa"
    assert any("nameif" in reason for reason in found.reasons)
    summary = found.summary()
    assert "\n" not in summary and summary.startswith("cisco_asa") and "nameif" in summary


def test_ios_xe_needs_evidence_of_its_own_over_classic_ios() -> None:
    shared = "interface GigabitEthernet0/1\n switchport voice vlan 120\n spanning-tree portfast\n"
    assert detect_platform({"c": shared}) == "cisco_ios"
    assert detect_platform({"c": "version 17.9\n" + shared}) == "cisco_xe"
    assert detect_platform({"c": "platform punt-keepalive disable-kernel-core\n" + shared}) == "cisco_xe"


def test_text_that_is_no_config_is_not_detected() -> None:
    found = detect({"notes.txt": "Meeting notes: call the ISP about the SIP trunk on Monday.\n"})
    assert found.platform is None and not found.ambiguous


# Two devices pasted into one file: an IOS access switch and a Nexus, equally strong evidence for each.
AMBIGUOUS = SNIPPETS["cisco_ios"] + "!\n" + SNIPPETS["cisco_nxos"]


def test_an_ambiguous_file_exits_2_naming_the_candidates_and_platform_option(tmp_path: Path) -> None:
    found = detect({"show running-config": AMBIGUOUS})
    assert found.ambiguous and found.platform is None and detect_platform({"c": AMBIGUOUS}) is None
    cfg = tmp_path / "pasted.cfg"
    cfg.write_text(AMBIGUOUS)
    proc = subprocess.run(
        [sys.executable, "-c", "from assess.cli import main; main()", "facts", str(cfg)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and not proc.stdout
    [line] = proc.stderr.splitlines()
    assert "ambiguous" in line and "cisco_ios" in line and "cisco_nxos" in line and "--platform" in line


def test_facts_and_audit_say_which_platform_and_why(tmp_path: Path) -> None:
    cfg = tmp_path / "fw.cfg"
    cfg.write_text(SNIPPETS["cisco_asa"])
    shown = CliRunner().invoke(app, ["facts", str(cfg)])
    assert shown.exit_code == 0
    assert shown.output.splitlines()[0].startswith("platform: cisco_asa detected (confidence")
    facts = json.loads(CliRunner().invoke(app, ["facts", str(cfg), "--json"]).output)
    assert facts["platform"] == "cisco_asa" and "nameif" in facts["platform_evidence"]
    audit = json.loads(CliRunner().invoke(app, ["audit", str(cfg), "--json"]).output)
    assert "nameif" in audit["facts"]["platform_evidence"]
    given = json.loads(CliRunner().invoke(app, ["facts", str(cfg), "--json", "--platform", "cisco_asa"]).output)
    assert given["platform_evidence"] == "given with --platform"


def test_evidence_past_the_first_window_is_still_read() -> None:
    # 40 kB of banner-free filler (comment lines) before the first telling line.
    text = "!\n" * 20_000 + SNIPPETS["cisco_asa"]
    assert detect_platform({"show running-config": text}) == "cisco_asa"


def test_a_sample_config_commented_out_line_by_line_is_still_recognised() -> None:
    sample = (
        "!! OUTBOUND NAT\n! object network obj-any\n"
        "! subnet 0.0.0.0 0.0.0.0\n! nat (inside,outside) dynamic interface\n"
    )
    found = detect({"sample.txt": sample})
    assert found.platform == "cisco_asa" and all("(in comments)" in reason for reason in found.reasons)


def test_an_ambiguous_answer_names_two_families_not_ios_and_its_variant() -> None:
    tied = Detection(ambiguous=True, runner_up="cisco_nxos", scores={"cisco_ios": 10, "cisco_xe": 10, "cisco_nxos": 9})
    assert tied.candidates() == ["cisco_ios", "cisco_nxos"]
    pasted = (
        "interface GigabitEthernet1/0/5\n switchport voice vlan 120\n switchport trunk encapsulation dot1q\n"
        " spanning-tree portfast\n!\n" + SNIPPETS["cisco_nxos"]
    )
    found = detect({"c": pasted})
    assert found.ambiguous and found.candidates() == ["cisco_nxos", "cisco_ios"]


@pytest.mark.parametrize("platform", sorted(SNIPPETS))
def test_a_partial_config_goes_through_assess_facts_on_its_detected_platform(platform: str, tmp_path: Path) -> None:
    # A lone file is read as `show running-config`, then keyed by the detected platform's configuration command.
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(SNIPPETS[platform])
    facts = load_facts(pasted, None)
    assert facts.platform == platform and facts.platform_evidence.startswith(f"{platform} detected")
