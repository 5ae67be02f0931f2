"""The far end listens by default where the probes dial by default, on every entry point of both sides.

The probe side's defaults are its request models' (collectors/probes/requests.py, which the `assess probe`
flags and the survey take, see test_probe_defaults.py); the far end's are read here from what an operator
starts: `assess farend`'s and `assess reflector`'s flags, `python -m reflector`'s parser, the models they fill
and the lab's far end. No port number is written here, so the two sides cannot drift apart unseen; the docs
that give these defaults as text (traversal probes, reflector protocol, far end) are read against them too.
"""

from __future__ import annotations

import ast
import re
import tokenize
from pathlib import Path
from typing import Any, get_args

import pytest
from typer.core import TyperOption

import core.service_ports
from assess.cli import load_command
from assess.command_table import COMMANDS, PROBE_COMMANDS
from assess.farend.config import FarendConfig, FarendPorts
from assess.farend.precheck import DEFAULT_PORTS
from assess.lab.config import Services
from assess.link_requests import LinkProbeOptions, link_requests
from checks.base import SiteContext
from checks.traversal import VoicePortsReachable
from collectors.probes import sip_dns
from collectors.probes.port_list import expand, parse_ports
from collectors.probes.requests import (
    BandwidthProbe,
    NatProbe,
    PortsProbe,
    ProbeRequest,
    RtpProbe,
    SipAlgProbe,
    StampProbe,
    default_of,
)
from core.models.common import Status
from core.models.facts import DeviceFacts, FirewallRule
from core.models.site import LinkProbes
from core.models.traversal import PortsResult
from core.plan import Link, Voice
from core.service_ports import DEFAULT_RTP_PORTS, SIP_ALT_PORT, SIP_ECHO_PORTS, SIP_PORT, SIP_PORTS, SIPS_PORT
from platforms.parsers import fortinet_policy, junos_security, linux_firewall, panos_policy
from platforms.parsers.cisco_common import port_number
from platforms.parsers.common import port_ranges
from platforms.parsers.firewall import Service
from reflector.__main__ import _parser as standalone_reflector_parser
from reflector.server import ReflectorConfig
from reflector.service import ServeOptions
from reflector.sip_echo import SipEchoConfig
from reflector.stamp_reflector import StampConfig
from reflector.stun_responder import StunConfig
from reflector.traversal_services import TraversalOptions

DOCS = Path(__file__).resolve().parent.parent / "docs"

DIALLED: dict[str, Any] = {
    "reflector": default_of(RtpProbe, "port"),
    "iperf3": default_of(BandwidthProbe, "port"),
    "stun": default_of(NatProbe, "port"),
    "stamp": default_of(StampProbe, "port"),
    "sip": (default_of(SipAlgProbe, "port"), default_of(SipAlgProbe, "alt_port")),
}
"""Where each probe dials a far-end service when given no port."""


def option_defaults(command: str, table: dict[str, Any] = COMMANDS) -> dict[str, Any]:
    """Each option's default of one `assess` command, by the option's name (``--stun-port``: ``stun_port``)."""
    click_command = load_command(table[command].module, command)
    return {str(p.name): p.default for p in click_command.params if isinstance(p, TyperOption)}


def test_every_probe_that_talks_to_the_reflector_dials_the_same_port() -> None:
    assert default_of(PortsProbe, "reflector_port") == DIALLED["reflector"]


def test_assess_farend_listens_where_the_probes_dial() -> None:
    options = option_defaults("farend")
    listening = {name: options[f"{name}_port"] for name in ("reflector", "iperf3", "stun", "stamp")}
    assert listening == {name: DIALLED[name] for name in listening}
    assert FarendPorts().model_dump() == listening
    assert FarendConfig().sip_ports == DIALLED["sip"]


@pytest.mark.parametrize("entry", ["assess reflector", "python -m reflector"])
def test_the_reflector_listens_where_the_probes_dial(entry: str) -> None:
    if entry == "assess reflector":
        options = option_defaults("reflector")
    else:
        options = vars(standalone_reflector_parser().parse_args([]))
    assert options["port"] == DIALLED["reflector"]
    assert options["stun_port"] == DIALLED["stun"]
    assert (options["sip_port"], options["sip_alt_port"]) == DIALLED["sip"]


def test_the_reflectors_services_default_to_the_ports_the_probes_dial() -> None:
    serve = ServeOptions()
    assert (serve.port, serve.stun_port, (serve.sip_port, serve.sip_alt_port)) == (
        DIALLED["reflector"],
        DIALLED["stun"],
        DIALLED["sip"],
    )
    assert ReflectorConfig().port == DIALLED["reflector"]
    assert TraversalOptions() == TraversalOptions(stun_port=DIALLED["stun"], sip_ports=DIALLED["sip"])
    assert StunConfig(binds=[]).port == DIALLED["stun"]
    assert SipEchoConfig(binds=[]).ports == DIALLED["sip"]
    assert StampConfig(binds=[]).port == DIALLED["stamp"]


def test_the_labs_far_end_listens_where_the_probes_dial() -> None:
    services = Services()
    # not stamp_port: the lab's `assess farend` takes an unprivileged STAMP port (docs/farend.md) and the
    # lab's STAMP tests dial it explicitly
    assert {name: getattr(services, f"{name}_port") for name in ("reflector", "iperf3", "stun")} == {
        name: DIALLED[name] for name in ("reflector", "iperf3", "stun")
    }


def test_the_surveys_far_end_check_asks_where_the_probes_dial() -> None:
    assert set(DEFAULT_PORTS) == {"reflector", "iperf3", "stun"}
    for service, port in DEFAULT_PORTS.items():
        assert port == DIALLED[service], service


def test_the_traversal_probes_doc_states_the_commands_defaults() -> None:
    """Each section's "(default port N)" is its probe's, each "`--flag`, default N" its probe's option (or,
    when the probe has no such flag, `assess reflector`'s, which the doc names beside it)."""
    request_by_kind = {default_of(model, "kind"): model for model in get_args(get_args(ProbeRequest)[0])}
    stated = 0
    for section in (DOCS / "traversal-probes.md").read_text().split("\n## ")[1:]:
        probe = re.match(r"`assess probe ([a-z-]+)", section)
        assert probe is not None, section.splitlines()[0]
        text = " ".join(section.split())
        for port in re.findall(r"\(default port (\d+)\)", text):
            assert int(port) == default_of(request_by_kind[probe[1]], "port"), probe[0]
            stated += 1
        for flag, value in re.findall(r"`--([a-z-]+)`, default (\d+)", text):
            options = option_defaults(probe[1], PROBE_COMMANDS)
            name = flag.replace("-", "_")
            assert int(value) == (options[name] if name in options else option_defaults("reflector")[name]), flag
            stated += 1
    assert stated >= 4  # nat's and sip-alg's ports, --stun-port, --alt-port at least


def test_the_reflector_and_far_end_docs_state_the_ports_they_listen_on() -> None:
    reflector = re.search(r"`assess reflector` .*? \(default port (\d+)", (DOCS / "reflector-protocol.md").read_text())
    assert reflector is not None and int(reflector[1]) == DIALLED["reflector"]

    rows = {
        row.split("|")[1].strip(): row.split("|")[2]
        for row in (DOCS / "farend.md").read_text().splitlines()
        if row.startswith("| ") and "port" not in row.split("|")[2]
    }
    farend = FarendPorts()
    table = {
        "reflector (with SIP echo and port answers)": {farend.reflector, *FarendConfig().sip_ports},
        "bandwidth responder": {farend.iperf3},
        "STUN responder": {farend.stun, farend.stun + 1},  # RFC 5780: the port and the next
        "STAMP session-reflector": {farend.stamp},
    }
    assert {service: {int(n) for n in re.findall(r"\d+", rows[service])} for service in table} == table


# The device side: SIP's standard ports and the default RTP range, read from core/service_ports by the facts,
# the config and link checks, the vendors' service tables, the ports probe and the survey. Each test reads a
# home's value by what it does (a parsed name, a counted port, a planned request), never by a number.

PLAIN_SIP, TLS_SIP = SIP_PORTS


def covered(services: list[Service], protocol: str) -> set[int]:
    """Every port a vendor's predefined service covers over ``protocol``."""
    return {p for s in services if s.protocol == protocol for low, high in s.ports for p in range(low, high + 1)}


def test_sips_standard_port_is_where_the_reflectors_sip_echo_listens() -> None:
    assert PLAIN_SIP == SIP_PORT == DIALLED["sip"][0]
    assert TLS_SIP == SIPS_PORT
    assert SIP_ALT_PORT not in SIP_PORTS  # the echo's second port must not be SIP's, or no ALG would show


def test_the_vendors_sip_service_names_stand_for_sips_standard_ports() -> None:
    assert (port_number("sip"), port_number("sips")) == SIP_PORTS  # Cisco ACL keywords
    assert [port_ranges(linux_firewall._SERVICE_PORTS[name], ",") for name in ("sip", "sips")] == [
        [(port, port)] for port in SIP_PORTS
    ]  # nft/iptables service names
    assert junos_security._port("sip") == (PLAIN_SIP, PLAIN_SIP)
    junos_sip = junos_security.PREDEFINED["junos-sip"]
    assert covered(junos_sip, "udp") == covered(junos_sip, "tcp") == {PLAIN_SIP}
    # PAN-OS App-ID "sip" (application-default): UDP on the plain port, TCP on both
    panos_sip = panos_policy.APP_DEFAULT_PORTS["sip"]
    assert (covered(panos_sip, "udp"), covered(panos_sip, "tcp")) == ({PLAIN_SIP}, set(SIP_PORTS))
    forti_sip = fortinet_policy.PREDEFINED_SERVICES["SIP"]  # FortiOS' predefined "SIP": UDP only
    assert (covered(forti_sip, "udp"), covered(forti_sip, "tcp")) == ({PLAIN_SIP}, set())


def test_the_facts_count_sips_standard_ports_and_no_other() -> None:
    every_port = FirewallRule(action="permit", dst_ports=[(1, 65535)])
    sip_only = FirewallRule(action="permit", protocol="udp", dst_ports=[(min(SIP_PORTS), max(SIP_PORTS))])
    facts = DeviceFacts(platform="cisco_asa", firewall_rules=[every_port, sip_only])
    assert facts.sip_ports_open == list(SIP_PORTS)
    assert facts.rtp_udp_ranges == [(1, 65535)]  # SIP's own range is no RTP range


def test_sip_dns_falls_back_to_sips_standard_ports() -> None:
    assert sip_dns.DEFAULT_PORTS == {"udp": PLAIN_SIP, "tcp": PLAIN_SIP, "tls": TLS_SIP}


def planned_ports(voice: Voice) -> PortsProbe:
    link = Link.model_validate({"name": "wan1", "contracted_up_mbps": 10, "contracted_down_mbps": 50,
                                "reflector": "192.0.2.10"})
    planned = {p.field: p.request for p in link_requests(link, voice, LinkProbeOptions())}
    request = planned["ports"]
    assert isinstance(request, PortsProbe)
    return request


def test_assess_probe_ports_defaults_test_what_the_survey_tests_under_a_default_plan() -> None:
    options = option_defaults("ports", PROBE_COMMANDS)
    assert expand(parse_ports(options["udp"]), options["samples"]) == planned_ports(Voice()).udp
    assert expand(parse_ports(options["tcp"]), options["samples"]) == planned_ports(Voice(sip_transport="tls")).tcp
    assert planned_ports(Voice()).udp[0] == DIALLED["sip"][0]  # SIP where the reflector's SIP echo answers
    assert Voice().rtp_ports == DEFAULT_RTP_PORTS


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_the_ports_rule_counts_every_port_the_survey_tests_as_a_voice_port(protocol: str) -> None:
    voice = Voice(sip_transport="tls")
    tested = getattr(planned_ports(voice), protocol)
    rule = VoicePortsReachable()
    for port in [*tested, SIP_ALT_PORT]:
        result = PortsResult(**{f"tested_{protocol}": [*tested, SIP_ALT_PORT], f"blocked_{protocol}": [port]})
        probes = LinkProbes(link="wan1", ports=result)
        statuses = [o.status for o in rule.check_link(None, probes, SiteContext(site="s", voice=voice))]
        assert statuses == [Status.PASS if port == SIP_ALT_PORT else Status.FAIL], (protocol, port)


HOME = Path(core.service_ports.__file__).resolve()
SOURCE_PACKAGES = ("core", "platforms", "wire", "checks", "collectors", "reflector", "assess")


def port_literals(path: Path, ports: set[int]) -> list[str]:
    """Where ``path``'s code writes one of ``ports`` as a number or as a string of just that number."""
    found = []
    with path.open("rb") as source:
        for token in tokenize.tokenize(source.readline):
            if token.type not in (tokenize.NUMBER, tokenize.STRING):
                continue
            try:
                value = ast.literal_eval(token.string)
            except ValueError:  # an f-string (a STRING token before Python 3.12): its parts are tokens too
                continue
            if isinstance(value, str) and value.isdecimal():
                value = int(value)
            if isinstance(value, int) and value in ports:
                found.append(f"{path}:{token.start[0]}: {token.line.strip()}")
    return found


def test_the_sip_ports_are_written_only_in_their_home() -> None:
    """A SIP port spelled out anywhere else would drift from core/service_ports unseen (the reflector's
    echo, the probes, the facts, the checks and the vendor tables all read it there). Prose and command text
    (docstrings, vendor CLI lines) are strings of more than the number and stay free to name it."""
    root = HOME.parent.parent
    ports = {*SIP_PORTS, *SIP_ECHO_PORTS}
    found = [
        hit
        for package in SOURCE_PACKAGES
        for path in sorted((root / package).rglob("*.py"))
        if path.resolve() != HOME
        for hit in port_literals(path, ports)
    ]
    assert not found, "\n".join(found)
