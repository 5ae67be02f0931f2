"""Every `assess probe` flag's default is its request model's default, and `--help` shows it.

The request models (collectors/probes/requests.py) hold each default once, for the command line and the
survey alike (the survey fills what a plan leaves out from them too). Options and fields are paired by
name (``--duration`` is ``duration_s``: the name plus its unit); the few options that are no request
field are listed in ``CLI_ONLY`` with why.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from pydantic import BaseModel
from typer.core import TyperArgument, TyperCommand, TyperOption
from typer.testing import CliRunner

import assess.commands.probe_common as probe_common
from assess.cli import app, load_command
from assess.command_table import PROBE_COMMANDS
from assess.link_requests import LinkField, LinkProbeOptions, link_requests
from collectors.probes.requests import ProbeNotAssessed, ProbeRequest
from core.dscp import dscp_value
from core.plan import Link, Voice
from tests.help_screen import invoke_at_width

UNIT_SUFFIXES = ("", "_s", "_ms", "_mbps")
CLI_ONLY = {
    "as_json": "how to print, not what to measure",
    "samples": "how the --udp/--tcp ranges are sampled into the request's port lists",
    "udp": "a port-list text (ranges) that the command samples; the request holds the sampled ports",
    "tcp": "as --udp",
    "public_pair": "picks the other request kind (NatPublicPairProbe)",
}
NAMED_OTHERWISE = {"dns": "dns_server"}  # --dns SERVER[:PORT] fills dns_server (and dns_port)
AS_REQUESTED = {"dscp": dscp_value}  # the flag takes a name or a number; the request holds the number
ARGUMENT_VALUES = {"domain": "voip.example.test"}  # any other argument is the far end's address


@cache
def command(name: str) -> TyperCommand:
    return load_command(PROBE_COMMANDS[name].module, name)


def options(name: str) -> list[TyperOption]:
    return [p for p in command(name).params if isinstance(p, TyperOption)]


def run_with_defaults(name: str, monkeypatch: pytest.MonkeyPatch, *extra: str, secret: str | None = None) -> Any:
    """The request ``assess probe NAME`` builds when given only its argument (not run: not assessed), with
    ``ASSESS_SECRET`` set to ``secret`` (unset when None)."""
    asked: list[ProbeRequest] = []

    def record(request: ProbeRequest) -> ProbeNotAssessed:
        asked.append(request)
        return ProbeNotAssessed(item="test", reason="not run")

    monkeypatch.setattr(probe_common, "run_probe", record)
    monkeypatch.delenv("ASSESS_SECRET", raising=False)
    if secret is not None:
        monkeypatch.setenv("ASSESS_SECRET", secret)
    args = [ARGUMENT_VALUES.get(str(p.name), "192.0.2.1") for p in command(name).params if isinstance(p, TyperArgument)]
    # --udp '' --tcp '': the port-list texts (CLI_ONLY) given as none, the request model's default
    empty_port_lists = [arg for o in options(name) if o.name in ("udp", "tcp") for arg in (o.opts[0], "")]
    done = CliRunner().invoke(app, ["probe", name, *args, *empty_port_lists, *extra])
    assert done.exit_code == probe_common.NOT_ASSESSED_EXIT, done.output
    assert len(asked) == 1
    return asked[0]


def model_default(model: type[BaseModel], field: str) -> Any:
    return model.model_fields[field].get_default(call_default_factory=True)


def field_of(option: TyperOption, model: type[BaseModel]) -> str:
    name = str(option.name)
    fields = [NAMED_OTHERWISE[name]] if name in NAMED_OTHERWISE else [name + unit for unit in UNIT_SUFFIXES]
    found = [f for f in fields if f in model.model_fields]
    assert len(found) == 1, f"{option.opts[0]}: no field of {model.__name__} (a new option belongs in CLI_ONLY?)"
    return found[0]


def help_text(name: str) -> str:
    done = invoke_at_width(["probe", name, "--help"], 300)
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize("name", list(PROBE_COMMANDS))
def test_the_request_built_from_the_defaults_is_the_models_default_request(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = run_with_defaults(name, monkeypatch)
    given = {f: getattr(request, f) for f, info in type(request).model_fields.items() if info.is_required()}
    assert request == type(request)(**given)


@pytest.mark.parametrize("name", list(PROBE_COMMANDS))
def test_each_flag_defaults_to_its_request_field_default_and_help_shows_it(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = type(run_with_defaults(name, monkeypatch))
    shown = help_text(name)
    for option in (o for o in options(name) if o.name not in CLI_ONLY):
        field = field_of(option, model)
        expected = model_default(model, field)
        as_requested = AS_REQUESTED.get(str(option.name))
        default: Any = option.default
        default = as_requested(default) if as_requested else default
        assert default == expected, f"{name} {option.opts[0]} vs {model.__name__}.{field}"
        if expected is None or (option.is_bool_flag and not option.secondary_opts):
            continue  # no value to show: an unset option, a one-way flag (--force) that is off unless given
        line = re.search(rf"│ {re.escape(option.opts[0])}\s.*\[default: ([^\]]+)\]", shown)
        assert line is not None, f"{name} --help shows no default for {option.opts[0]}"
        if option.is_bool_flag:
            assert line[1] == (option.opts if expected else option.secondary_opts)[0].lstrip("-")
        else:
            assert (as_requested or type(expected))(line[1]) == expected, f"{name} --help: {line[0]}"
    if "port" in model.model_fields:
        assert f"(default port {model_default(model, 'port')})" in shown


def test_the_survey_fills_what_the_plan_leaves_out_with_the_request_models_defaults() -> None:
    link = Link.model_validate(
        {
            "name": "wan1",
            "contracted_up_mbps": 10,
            "contracted_down_mbps": 50,
            "reflector": "192.0.2.10",
            "iperf3": "192.0.2.11",
            "stun": "192.0.2.12",
            "dns_server": "192.0.2.53",
        }
    )  # no port anywhere
    planned = {
        p.field: p.request for p in link_requests(link, Voice(sip_domain="voip.example.test"), LinkProbeOptions())
    }
    left_out: dict[LinkField, list[str]] = {
        "rtp": ["port"],
        "bandwidth": ["port", "duration_s"],
        "nat": ["port", "lifetime_cap_s"],
        "sip_alg": ["port"],
        "ports": ["reflector_port"],
        "sip_path": ["dns_port"],
    }
    for kind, fields in left_out.items():
        request = planned[kind]
        assert request is not None
        for field in fields:
            assert getattr(request, field) == model_default(type(request), field), f"{kind} {field}"


@pytest.mark.parametrize("name", [n for n in PROBE_COMMANDS if any(o.name == "secret" for o in options(n))])
def test_a_probe_takes_its_secret_from_assess_secret_unless_given_secret(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_with_defaults(name, monkeypatch, secret="from-env-1").secret == "from-env-1"
    given = run_with_defaults(name, monkeypatch, "--secret", "from-flag-2", secret="from-env-1")
    assert given.secret == "from-flag-2"
    assert run_with_defaults(name, monkeypatch, secret="").secret is None
    assert "ASSESS_SECRET" in help_text(name)
