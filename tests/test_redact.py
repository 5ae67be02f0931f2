"""Every platform's secret forms are removed before evidence is saved; the lines around them stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.evidence import Manifest, save_output
from platforms.redact import REDACTED, _rule, redact, redact_json

# (platform, line seeded with a secret, the secret itself)
SEEDED: list[tuple[str, str, str]] = [
    ("cisco_ios", "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0"),
    ("cisco_ios", "enable secret 8 $8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs", "$8$dsYGNam3K1SIJO"),
    ("cisco_ios", "enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM", "nhEmQVczB7dqsO"),
    ("cisco_ios", "enable password 7 0822455D0A16", "0822455D0A16"),
    ("cisco_ios", "enable secret 0 PlainEnable1", "PlainEnable1"),
    ("cisco_ios", "username admin privilege 15 secret 9 $9$2MJBozw/9R3UsU$/tjiT9a5h0SGn", "2MJBozw/9R3UsU"),
    ("cisco_ios", "username bob password 7 094F471A1A0A", "094F471A1A0A"),
    ("cisco_ios", "username carol password 0 CarolPlain9", "CarolPlain9"),
    ("cisco_ios", " password 7 13061E010803", "13061E010803"),
    ("cisco_ios", "snmp-server community VoIPc0mmRO RO", "VoIPc0mmRO"),
    ("cisco_ios", "snmp-server community Wr1teC0mm RW 99", "Wr1teC0mm"),
    ("cisco_ios", "snmp-server host 10.1.1.1 version 2c TrapC0mm", "TrapC0mm"),
    ("cisco_ios", "snmp-server user mon grp v3 auth sha AuthKey123 priv aes 128 PrivKey456", "AuthKey123"),
    ("cisco_ios", "snmp-server user mon grp v3 auth sha AuthKey123 priv aes 128 PrivKey456", "PrivKey456"),
    ("cisco_ios", "tacacs-server host 10.0.0.5 key 7 0702345E4B0B1C", "0702345E4B0B1C"),
    ("cisco_ios", " key 7 045802150C2E1D1C5A", "045802150C2E1D1C5A"),
    ("cisco_ios", "radius-server host 10.0.0.6 auth-port 1812 acct-port 1813 key RadKey99", "RadKey99"),
    ("cisco_ios", "crypto isakmp key IsakmpPsk1 address 203.0.113.1", "IsakmpPsk1"),
    ("cisco_ios", " pre-shared-key address 0.0.0.0 0.0.0.0 key KeyringPsk2", "KeyringPsk2"),
    ("cisco_ios", " pre-shared-key local Ikev2Local3", "Ikev2Local3"),
    ("cisco_ios", " neighbor 192.0.2.2 password 7 104D000A0618", "104D000A0618"),
    ("cisco_ios", " ip ospf message-digest-key 1 md5 7 0822455D0A16AB", "0822455D0A16AB"),
    ("cisco_ios", "  key-string 7 1511021F0725", "1511021F0725"),
    ("cisco_nxos", "username admin password 5 $5$KJHGF$ab9sd8f7s6d5f4  role network-admin", "$5$KJHGF$ab9sd8f7s6d5f4"),
    ("cisco_nxos", "snmp-server user admin network-admin auth md5 0x4a5b6c priv 0x7d8e9f localizedkey", "0x4a5b6c"),
    ("cisco_nxos", "snmp-server user admin network-admin auth md5 0x4a5b6c priv 0x7d8e9f localizedkey", "0x7d8e9f"),
    ("cisco_nxos", 'tacacs-server key 7 "NxTacKey"', "NxTacKey"),
    ("cisco_asa", "enable password 8Ry2YjIyt7RRXU24 encrypted", "8Ry2YjIyt7RRXU24"),
    ("cisco_asa", "passwd 2KFQnbNIdI.2KYOU encrypted", "2KFQnbNIdI.2KYOU"),
    ("cisco_asa", "username admin password eY/fQXw7Ure8Qrz7 encrypted privilege 15", "eY/fQXw7Ure8Qrz7"),
    ("cisco_asa", "username ops password $sha512$5000$abcd$efgh pbkdf2 privilege 15", "$sha512$5000$abcd$efgh"),
    ("cisco_asa", "snmp-server host inside 10.0.0.1 community AsaC0mm version 2c", "AsaC0mm"),
    ("cisco_asa", " ikev1 pre-shared-key AsaTunnelPsk", "AsaTunnelPsk"),
    ("cisco_asa", " key AsaAaaKey", "AsaAaaKey"),
    ("arista_eos", "username admin privilege 15 role network-admin secret sha512 $6$Xy$EosHash1", "$6$Xy$EosHash1"),
    ("arista_eos", "snmp-server community EosComm ro", "EosComm"),
    ("juniper_junos", 'set system root-authentication encrypted-password "$6$abc$JunosRootHash"', "JunosRootHash"),
    ("juniper_junos", 'set system login user ops authentication encrypted-password "$1$xyz$OpsHash"', "OpsHash"),
    ("juniper_junos", 'set system radius-server 10.0.0.1 secret "$9$JunosRad9"', "$9$JunosRad9"),
    ("juniper_junos", 'set security ike policy p pre-shared-key ascii-text "$9$IkePsk9"', "$9$IkePsk9"),
    ("juniper_junos", "set snmp community JunComm authorization read-only", "JunComm"),
    (
        "juniper_junos",
        'set snmp v3 usm local-engine user u authentication-sha authentication-key "$9$V3Auth"',
        "V3Auth",
    ),
    ("juniper_junos", 'set snmp v3 usm local-engine user u privacy-aes128 privacy-key "$9$V3Priv"', "V3Priv"),
    ("juniper_junos", '            encrypted-password "$6$q$CurlyHash"; ## SECRET-DATA', "CurlyHash"),
    ("fortinet", "        set password ENC SH2nlSm9QL9tapcHPXIqAXvX7vBJuuqu", "SH2nlSm9QL9tapcHPXIqAXvX7vBJuuqu"),
    ("fortinet", "        set psksecret ENC FortiPskEncrypted==", "FortiPskEncrypted=="),
    ("fortinet", "        set passwd ENC FortiRadius", "FortiRadius"),
    ("fortinet", "        set auth-pwd ENC FortiSnmpAuth", "FortiSnmpAuth"),
    ("paloalto_panos", "<phash>$5$panhash$abcdef</phash>", "panhash"),
    ("paloalto_panos", "<password>PanClear1</password>", "PanClear1"),
    ("paloalto_panos", "<key>-AQ==PanPskBlob=</key>", "PanPskBlob"),
    ("paloalto_panos", "          phash $1$curly$PanCurlyHash;", "PanCurlyHash"),
    ("paloalto_panos", "<community-string>PanSnmpComm</community-string>", "PanSnmpComm"),
    ("mikrotik_routeros", "add name=voip password=MtPppPass profile=default", "MtPppPass"),
    ("mikrotik_routeros", 'set [ find default-name=wlan1 ] wpa2-pre-shared-key="Mt Wifi Key"', "Mt Wifi Key"),
    ("mikrotik_routeros", "add address=203.0.113.9 secret=MtIpsecSecret", "MtIpsecSecret"),
    ("linux", "root:$6$saltsalt$ShadowHashValue/xyz.:19000:0:99999:7:::", "ShadowHashValue"),
    ("linux", "ops:$y$j9T$yescryptSalt$YescryptHash:19000:0:99999:7:::", "YescryptHash"),
]

FORTI_SNMP = """config system snmp community
    edit 1
        set name "FortiComm"
        config hosts
            edit 1
                set ip 10.0.0.1 255.255.255.255
            next
        end
    next
end
config system interface
    edit "port1"
        set name "keep-this-name"
    next
end"""

MIKROTIK_SNMP = """/snmp community
set [ find default=yes ] name=MtComm
add addresses=10.0.0.0/8 name=MtComm2
/interface ethernet
set [ find default-name=ether1 ] name=wan"""


@pytest.mark.parametrize(("platform", "line", "secret"), SEEDED, ids=[f"{p}:{s[:14]}" for p, _, s in SEEDED])
def test_seeded_secret_is_gone_and_the_line_keeps_its_keyword(platform: str, line: str, secret: str) -> None:
    text = f"hostname r1\n{line}\nip nat service sip udp port 5060"
    out = redact(text)
    assert secret not in out
    assert REDACTED in out
    lines = out.split("\n")
    assert len(lines) == 3 and lines[0] == "hostname r1" and lines[2] == "ip nat service sip udp port 5060"
    before = line[: line.index(secret)]
    keep = before[: max(before.rfind(c) for c in " >:") + 1]
    for other in (s for _, seeded, s in SEEDED if seeded == line and s != secret):
        keep = keep.replace(other, REDACTED)  # the same line seeds a second secret
    assert keep and lines[1].startswith(keep), "everything up to the secret's field is kept"


def test_fortios_snmp_community_name_is_redacted_but_other_names_are_kept() -> None:
    out = redact(FORTI_SNMP)
    assert "FortiComm" not in out
    assert 'set name "keep-this-name"' in out
    assert out.count("\n") == FORTI_SNMP.count("\n")


def test_routeros_snmp_community_names_are_redacted_but_interface_names_kept() -> None:
    out = redact(MIKROTIK_SNMP)
    assert "MtComm" not in out and "MtComm2" not in out
    assert "name=wan" in out


def test_voip_settings_the_audit_needs_survive_redaction() -> None:
    config = "\n".join(
        [
            "ip nat service sip udp port 5060",
            " switchport voice vlan 110",
            " priority percent 33",
            "set security alg sip disable",
            "    set sip-helper disable",
            "policy-map WAN-OUT",
            " class VOICE",
            "  priority 1024",
            'udp dport 5060 ct helper set "sip-5060"',
            "service password-encryption",
        ]
    )
    assert redact(config) == config


def test_type_markers_are_kept_so_weak_hash_types_stay_visible() -> None:
    assert redact("username bob password 7 094F471A1A0A") == "username bob password 7 <redacted>"
    assert redact("    set password ENC AbC") == "    set password ENC <redacted>"


def test_napalm_json_is_redacted_in_every_string() -> None:
    value = {"running": "hostname r1\nenable secret 5 $1$abc$def\n", "list": ["snmp-server community Zz1 RO"], "n": 3}
    out = redact_json(value)
    assert isinstance(out, dict)
    assert "$1$abc$def" not in str(out) and "Zz1" not in str(out) and out["n"] == 3


def test_redaction_is_idempotent() -> None:
    text = "\n".join(line for _, line, _ in SEEDED)
    once = redact(text)
    assert redact(once) == once


def test_saved_evidence_folder_contains_no_seeded_secret(tmp_path: Path) -> None:
    """What the live collector does (redact, then save_output): nothing seeded reaches any file."""
    manifest = Manifest(device="d", platform="cisco_ios")
    blob = "\n".join(line for _, line, _ in SEEDED) + "\n" + FORTI_SNMP + "\n" + MIKROTIK_SNMP
    save_output(tmp_path, manifest, "show running-config", redact(blob))
    everything = "".join(p.read_text() for p in tmp_path.iterdir())
    leaked = [s for _, _, s in SEEDED if s in everything] + [s for s in ("FortiComm", "MtComm") if s in everything]
    assert leaked == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_keeps_its_line_count_and_redaction_is_stable(text: str) -> None:
    once = redact(text)
    assert once.count("\n") == text.count("\n")
    assert redact(once) == once


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(SEEDED), min_size=1, max_size=6),
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=["Cs", "Zl", "Zp"], blacklist_characters="\n\r"), max_size=40
        ),
        max_size=6,
    ),
)
def test_seeded_secrets_mixed_with_random_lines_are_all_removed(
    seeds: list[tuple[str, str, str]], noise: list[str]
) -> None:
    lines = [x for pair in zip(noise, [line for _, line, _ in seeds], strict=False) for x in pair]
    lines += [line for _, line, _ in seeds[len(noise):]] + noise[len(seeds):]
    out = redact("\n".join(lines))
    assert [s for _, _, s in seeds if s in out] == []


def test_a_platforms_patterns_leave_other_platforms_forms_alone() -> None:
    # net-snmp's `rocommunity` line is a secret in a Linux snmpd.conf; no Cisco form matches it
    line = "rocommunity public 10.0.0.0/8"
    gone = "rocommunity <redacted> 10.0.0.0/8"
    assert redact(line, "linux") == gone
    assert redact(line, "cisco_ios") == line
    assert redact(line) == gone  # unknown origin: every platform's patterns
    assert redact_json({"a": [line], "b": line}, "cisco_ios") == {"a": [line], "b": line}
    assert redact_json({"a": [line], "b": line}, "linux") == {"a": [gone], "b": gone}


def test_a_rule_keeps_its_platforms_and_replacement() -> None:
    rule = _rule("demo", r"(k )\S+", {"linux"}, replacement="<x>")
    assert (rule.platforms, rule.replacement) == (frozenset({"linux"}), "<x>")
    assert (_rule("demo", r"(k )\S+").platforms, _rule("demo", r"(k )\S+").replacement) == (frozenset(), REDACTED)


def test_section_secrets_keep_what_precedes_them_on_the_line() -> None:
    forti = redact(FORTI_SNMP).split("\n")
    assert forti[2] == "        set name <redacted>"
    assert redact(MIKROTIK_SNMP).split("\n")[1] == "set [ find default=yes ] name=<redacted>"
    pem = "-----BEGIN CERTIFICATE-----\n  MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END CERTIFICATE-----"
    assert redact(pem) == "-----BEGIN CERTIFICATE-----\n  <redacted>\n-----END CERTIFICATE-----"
    chain = " certificate self-signed 01\n  30820122 300D0609 2A864886\n  \tquit"
    assert redact(chain, "cisco_ios") == " certificate self-signed 01\n  <redacted>\n  \tquit"


def test_a_large_config_keeps_every_line_but_its_secrets() -> None:
    # large enough (about 600 kB) that redaction reads each pattern's literals and searches only the lines
    # holding them; the result must be exactly the text with each seeded secret replaced
    seeded = {
        1000: ("enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "enable secret 5 <redacted>"),
        9000: ("snmp-server community VoIPc0mmRO RO", "snmp-server community <redacted> RO"),
        9001: ("username bob password 7 094F471A1A0A", "username bob password 7 <redacted>"),
        20000: ("tacacs-server host 10.0.0.5 key 7 0702345E4B0B1C", "tacacs-server host 10.0.0.5 key 7 <redacted>"),
    }
    lines = [f"interface GigabitEthernet1/0/{i}\n switchport voice vlan 110" for i in range(12000)]
    lines = "\n".join(lines).split("\n")
    expected = list(lines)
    for at, (line, redacted) in seeded.items():
        lines[at], expected[at] = line, redacted
    assert redact("\n".join(lines), "cisco_ios") == "\n".join(expected)
