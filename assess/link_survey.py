"""Measures one WAN link with every probe its plan entry allows, saving as it goes.

Each probe runs as its own ``assess probe ... --json`` process: a probe that
hangs is killed at its time limit, one that crashes cannot take the survey
with it, and a link with ``source_netns`` is measured from that Linux network
namespace. Each result is written to ``EVIDENCE/<site>/_links/<link>.json``
the moment it is known, so a failure later (or Ctrl-C) loses nothing and
``--resume`` skips what is already measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from assess.farend.precheck import FarendChecks, blocked_probes
from assess.secret_env import secret_env
from core.atomic import write_atomic
from core.models.probes import BandwidthResult, RtpResult
from core.models.site import LinkProbes, NotAssessed
from core.models.traversal import NatResult, PortsResult, SignallingResult, SipAlgResult
from core.plan import Endpoint, Link, Voice
from core.safe_names import check_name, inside

LINKS_DIR = "_links"


@dataclass(frozen=True)
class LinkProbeOptions:
    """Bounds and secrets for the live link probes."""

    rtp_duration_s: float = 30.0
    bandwidth_duration_s: float = 5.0
    nat_lifetime_cap_s: float = 300.0
    secret: str | None = None
    farend_checks: FarendChecks | None = field(default_factory=FarendChecks, compare=False)  # None: no check


@dataclass(frozen=True)
class ProbeCall:
    """One probe of a link: which result field it fills and the command that measures it."""

    field: str
    model: type[BaseModel]
    args: list[str]
    time_limit_s: float


def links_dir(evidence_root: Path, site: str) -> Path:
    """Folder of a site's recorded link probe results."""
    return inside(evidence_root, site, LINKS_DIR)


def link_file(evidence_root: Path, site: str, link: str) -> Path:
    """The JSON file of one link's results (names checked; the path stays under ``evidence_root``)."""
    return inside(links_dir(evidence_root, site), check_name(link, "link name") + ".json")


def load_link_probes(evidence_root: Path, site: str, link: str) -> LinkProbes | None:
    """Recorded results of one link, or None when none were saved (or the file is unreadable)."""
    path = link_file(evidence_root, site, link)
    try:
        return LinkProbes.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, UnicodeDecodeError):
        return None


def save_link_probes(evidence_root: Path, site: str, probes: LinkProbes) -> None:
    """Write one link's results atomically."""
    write_atomic(link_file(evidence_root, site, probes.link), probes.model_dump_json(indent=2))


def _target(endpoint: Endpoint, default_port: int) -> str:
    host = f"[{endpoint.host}]" if ":" in endpoint.host else endpoint.host
    return f"{host}:{endpoint.port or default_port}"


NO_ENDPOINT = "no far-end endpoint for this probe in the plan"
NO_SIP_DOMAIN = "no voice.sip_domain in the plan"
SIP_PATH_TIME_LIMIT_S = 180.0  # DNS plus up to 16 targets x 4 addresses, 2 s each, in practice a few seconds


def probe_calls(link: Link, voice: Voice, opts: LinkProbeOptions) -> list[tuple[str, str | None, ProbeCall]]:
    """The probes of ``link`` in run order, each with why it cannot run (None: it can)."""
    refl, iperf = link.reflector, link.iperf3
    udp_ports = f"5060,{voice.rtp_ports[0]}-{voice.rtp_ports[1]}"
    tcp_ports = "5060,5061" if voice.sip_transport == "tls" else "5060"
    cap_mbps = max(link.contracted_up_mbps, link.contracted_down_mbps)
    dns = ["--dns", link.dns_server] if link.dns_server else []  # none: the resolver of the probing host

    def needs(endpoint: Endpoint | None) -> str | None:
        return None if endpoint else NO_ENDPOINT

    return [
        ("rtp", needs(refl), ProbeCall("rtp", RtpResult, [
            "rtp", _target(refl, 5004) if refl else "", "--codec", voice.codec, "--ptime", str(voice.ptime_ms),
            "--duration", f"{opts.rtp_duration_s:g}", "--dscp", voice.dscp_media,
        ], opts.rtp_duration_s + 30)),
        ("bandwidth", needs(iperf), ProbeCall("bandwidth", BandwidthResult, [
            "bandwidth", _target(iperf, 5201) if iperf else "", "--duration", f"{opts.bandwidth_duration_s:g}",
            "--max-mbps", f"{cap_mbps * 1.1:g}", "--contracted-up", f"{link.contracted_up_mbps:g}",
            "--contracted-down", f"{link.contracted_down_mbps:g}", "--calls", str(voice.peak_calls),
            "--codec", voice.codec, "--ptime", str(voice.ptime_ms),
        ], 6 * opts.bandwidth_duration_s + 30)),
        nat_call(link, opts),
        ("sip alg", needs(refl), ProbeCall("sip_alg", SipAlgResult, [
            "sip-alg", refl.host if refl else "",
        ], 60)),
        ("ports", needs(refl), ProbeCall("ports", PortsResult, [
            "ports", refl.host if refl else "", "--udp", udp_ports, "--tcp", tcp_ports,
            "--reflector-port", str((refl.port if refl else None) or 5004),
        ], 90)),
        ("sip path", None if voice.sip_domain else NO_SIP_DOMAIN, ProbeCall("sip_path", SignallingResult, [
            "sip-path", voice.sip_domain or "", *dns,
        ], SIP_PATH_TIME_LIMIT_S)),
    ]


_ENDPOINT_KEY = {"rtp": "reflector", "sip_alg": "reflector", "ports": "reflector", "bandwidth": "iperf3", "nat": "stun"}
_FAR_END_SERVICE = {"reflector": "`assess reflector`", "iperf3": "an iperf3 server", "stun": "a STUN server"}


def finish_step(link: Link, call: ProbeCall, cannot_run: str | None) -> str:
    """What to do so the next run can measure this probe of ``link``."""
    if call.field == "sip_path":
        return "set voice.sip_domain in the plan" if cannot_run else "check the site's DNS server and the SIP domain"
    key = _ENDPOINT_KEY[call.field]
    if cannot_run is not None:
        return f"give link {link.name} a `{key}:` endpoint in the plan"
    where = f"{call.args[1]} ({_FAR_END_SERVICE[key]})"
    source = f" from network namespace {link.source_netns}" if link.source_netns else ""
    return (
        f"make the far end answer at {where}{source}: start `assess farend` there and check it with "
        f"`assess farend --check`, or correct `{key}:` of link {link.name}"
    )


def nat_call(link: Link, opts: LinkProbeOptions) -> tuple[str, str | None, ProbeCall]:
    """The NAT probe: RFC 5780 against ``stun``, else mapping only from two public ``stun_servers``."""
    if link.stun is None and len(link.stun_servers) == 2:
        first, second = (_target(e, 3478) for e in link.stun_servers)
        return "nat", None, ProbeCall("nat", NatResult, ["nat", first, "--public-pair", second], 30)
    return ("nat", None if link.stun else NO_ENDPOINT, ProbeCall("nat", NatResult, [
        "nat", _target(link.stun, 3478) if link.stun else "", "--lifetime-cap", f"{opts.nat_lifetime_cap_s:g}",
        *(["--source", link.source] if link.source else []),
    ], 2 * opts.nat_lifetime_cap_s + 60))  # a first search up to the cap, then a refining one


def probe_command(call: ProbeCall, source_netns: str | None, secret: str | None) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of one probe process (the secret travels in the environment, never argv)."""
    argv = [sys.executable, "-m", "assess", "probe", *call.args, "--json"]
    if source_netns:
        argv = ["ip", "netns", "exec", source_netns, *argv]
    return argv, secret_env(secret)


def read_probe_output(call: ProbeCall, stdout: str, stderr: str, returncode: int) -> BaseModel | str:
    """The result model a finished probe process printed, or why there is none."""
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        lines = (stderr or "").strip().splitlines()
        return lines[-1] if lines else f"probe exited with code {returncode} and no result"
    if isinstance(data, dict) and data.get("status") == "not_assessed":
        return str(data.get("reason") or "not assessed")
    try:
        return call.model.model_validate(data)
    except ValidationError as exc:
        return f"unexpected probe output: {exc.errors()[0]['msg']}"


def run_probe(call: ProbeCall, source_netns: str | None, secret: str | None) -> BaseModel | str:
    """Run one probe process; the result model, or why there is none."""
    argv, env = probe_command(call, source_netns, secret)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=call.time_limit_s, env=env, check=False)
    except subprocess.TimeoutExpired:
        return f"no answer within {call.time_limit_s:.0f} s; stopped"
    except OSError as exc:
        return f"could not start the probe: {exc.strerror or exc}"
    return read_probe_output(call, done.stdout, done.stderr, done.returncode)


def _unassessed_reason(result: BaseModel) -> str | None:
    # NAT and SIP probes return a result flagged unassessed rather than failing outright
    if getattr(result, "assessed", True) is False:
        return str(getattr(result, "reason", "") or "not assessed")
    return None


def probe_link(
    site: str,
    link: Link,
    voice: Voice,
    evidence_root: Path,
    opts: LinkProbeOptions,
    *,
    resume: bool = False,
    on_step: Callable[[str], None] | None = None,
    only: set[str] | None = None,
) -> tuple[LinkProbes, list[NotAssessed]]:
    """Run every probe the link has an endpoint for (or those whose field is in ``only``);
    failures become not-assessed items."""
    previous = load_link_probes(evidence_root, site, link.name) if resume else None
    probes = previous or LinkProbes(link=link.name, source="live")
    missing: list[NotAssessed] = []
    checks = opts.farend_checks
    blocked = blocked_probes(checks.dead_services(link, opts.secret)) if checks is not None else {}
    for label, cannot_run, call in probe_calls(link, voice, opts):
        if only is not None and call.field not in only:
            continue
        item = f"{link.name}: {label} probe"
        to_finish = finish_step(link, call, cannot_run)
        if cannot_run is not None:
            missing.append(NotAssessed(item=item, reason=cannot_run, to_finish=to_finish))
            continue
        if getattr(probes, call.field) is not None:
            continue  # measured in an earlier, interrupted run
        if call.field in blocked:  # its far-end service did not answer the check: do not wait for it again
            missing.append(NotAssessed(item=item, reason=blocked[call.field], to_finish=to_finish))
            continue
        if on_step is not None:
            on_step(f"{site}: {link.name}: {label} probe")
        outcome = run_probe(call, link.source_netns, opts.secret)
        if isinstance(outcome, str):
            missing.append(NotAssessed(item=item, reason=outcome, to_finish=to_finish))
            continue
        reason = _unassessed_reason(outcome)
        if reason:
            missing.append(NotAssessed(item=item, reason=reason, to_finish=to_finish))
            continue  # not stored, so a resumed run tries it again
        setattr(probes, call.field, outcome)
        save_link_probes(evidence_root, site, probes)
    return probes, missing
