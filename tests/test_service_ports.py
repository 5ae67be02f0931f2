"""The far end listens by default where the probes dial by default, on every entry point of both sides.

The probe side's defaults are its request models' (collectors/probes/requests.py, which the `assess probe`
flags and the survey take, see test_probe_defaults.py); the far end's are read here from what an operator
starts: `assess farend`'s and `assess reflector`'s flags, `python -m reflector`'s parser, the models they fill
and the lab's far end. No port number is written here, so the two sides cannot drift apart unseen; the docs
that give these defaults as text (traversal probes, reflector protocol, far end) are read against them too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
from typer.core import TyperOption

from assess.cli import load_command
from assess.command_table import COMMANDS, PROBE_COMMANDS
from assess.farend.config import FarendConfig, FarendPorts
from assess.farend.precheck import DEFAULT_PORTS
from assess.lab.config import Services
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
