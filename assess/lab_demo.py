"""`assess demo --lab`: the sample survey run live against network-namespace labs on this machine.

One lab per sample WAN link (``assess.lab_sites.LAB_PATHS``) is built side by
side. Each site's primary-link router also runs sshd, so the survey logs in to
the very router its probes cross: the Linux parser audits that router's real
nftables, tc and sysctl, and the probes measure what they do to the traffic.
A lab plan derived from ``samples/plan.yaml`` and a known_hosts file holding
the labs' host keys are written into OUT; host-key checking stays strict.

Needs root. Every lab and sshd is stopped by PID and every namespace deleted,
whatever happens.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import yaml

from assess.console import err_console
from assess.lab import Lab, RelayConfig, netns, router
from assess.lab.netns import LabError
from assess.lab.sip_domain import SipDomain
from assess.lab.sshd_device import SshdDevice, start_sshd
from assess.lab_sites import LAB_PATHS, drop_udp_range, lab_config, lab_link
from assess.link_survey import LinkProbeOptions
from assess.sample_survey import sample_dir
from assess.survey import SurveyOptions, SurveyOutcome
from collectors.base import CollectOptions
from core.errors import UserError
from core.plan import Device, Plan, Site, load_plan

RunSurvey = Callable[[Path, SurveyOptions], SurveyOutcome]

# Programs the labs and the live survey start; checked up front for a one-line error instead of a traceback.
TOOLS = (
    "ip", "nft", "tc", "ethtool", "conntrack", "iperf3", "turnserver", "sshd", "ssh-keygen", "unshare",
    "dnsmasq", "sipp",
)
# Short but honest: long enough to see jitter and loss, and a NAT cap above the warehouse's 10 s and the
# branch's 60 s UDP timeouts (hq's 300 s shows as "at least the cap").
DEMO_PROBES = LinkProbeOptions(rtp_duration_s=10.0, bandwidth_duration_s=3.0, nat_lifetime_cap_s=70.0)
# ASSESS_LAB_DEMO_QUICK=1 (the end-to-end test): the same code path with shorter probes.
QUICK_PROBES = LinkProbeOptions(rtp_duration_s=3.0, bandwidth_duration_s=1.0, nat_lifetime_cap_s=12.0)
QUICK_ENV = "ASSESS_LAB_DEMO_QUICK"


def check_can_build() -> None:
    """Raise UserError (one line) when this machine cannot build the lab."""
    if os.geteuid() != 0:
        raise UserError("`assess demo --lab` builds network namespaces and needs root (try sudo); "
                        "`assess demo` runs the sample offline")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise UserError(f"`assess demo --lab` needs these programs: {', '.join(missing)} (see ./dev, APT_PACKAGES)")


def probe_options() -> LinkProbeOptions:
    """The probe durations of the lab demo."""
    return QUICK_PROBES if os.environ.get(QUICK_ENV) == "1" else DEMO_PROBES


def primary_link(site: Site) -> str:
    """The link whose lab router stands in for the site's router."""
    return next((link.name for link in site.links if link.role == "primary"), site.links[0].name)


# Links whose router is set up as the sample's well-run HQ router is: EF in a strict-priority htb class,
# signalling in its own class (the other lab routers only shape, as the sample's weaker sites do).
VOICE_QOS_LINKS = frozenset({"hq-fibre"})


def voice_qos_commands(rate_mbit: float) -> list[str]:
    """tc (without the leading ``tc``) for an htb tree on the WAN egress with EF and CS3 classes."""
    total = int(rate_mbit * 1000)
    return [
        f"qdisc replace dev {router.WAN_IF} root handle 1: htb default 20",
        f"class add dev {router.WAN_IF} parent 1: classid 1:1 htb rate {total}kbit ceil {total}kbit",
        f"class add dev {router.WAN_IF} parent 1:1 classid 1:10 htb rate {total * 3 // 10}kbit ceil {total}kbit prio 0",
        f"class add dev {router.WAN_IF} parent 1:1 classid 1:15 htb rate {total // 10}kbit ceil {total}kbit prio 1",
        f"class add dev {router.WAN_IF} parent 1:1 classid 1:20 htb rate {total * 6 // 10}kbit ceil {total}kbit prio 2",
        f"filter add dev {router.WAN_IF} parent 1: protocol ip prio 1 u32 match ip dsfield 0xb8 0xfc flowid 1:10",
        f"filter add dev {router.WAN_IF} parent 1: protocol ip prio 2 u32 match ip dsfield 0x60 0xfc flowid 1:15",
    ]


def build_labs(plan: Plan, stack: ExitStack, relays: dict[str, RelayConfig] | None = None
               ) -> tuple[dict[str, Lab], dict[str, str]]:
    """One running lab per link of the plan (and the provider's SIP domain at its far end: link -> DNS
    server), each torn down when ``stack`` closes; ``relays`` replaces the impairment of some links."""
    labs: dict[str, Lab] = {}
    dns: dict[str, str] = {}
    for site in plan.sites:
        for link in site.links:
            path = LAB_PATHS[link.name]
            with err_console.status(f"building the lab of {site.name}/{link.name}"):
                config = lab_config(path)
                if relays and link.name in relays:
                    config = config.model_copy(update={"relay": relays[link.name]})
                lab = stack.enter_context(Lab(config))
                if path.dropped_udp:
                    drop_udp_range(lab, path.dropped_udp)
                if link.name in VOICE_QOS_LINKS and path.router.rate_up_mbit:
                    for spec in voice_qos_commands(path.router.rate_up_mbit):
                        netns.in_ns(lab.ns["router"], ["tc", *spec.split()])
                domain = plan.voice_for(site).sip_domain
                if domain:
                    dns[link.name] = stack.enter_context(SipDomain(lab, domain, path.sip_backup_answers)).dns_server
            labs[link.name] = lab
    return labs, dns


def start_routers(plan: Plan, labs: dict[str, Lab], workdir: Path, stack: ExitStack) -> dict[str, SshdDevice]:
    """sshd in the router namespace of each site's primary-link lab, stopped when ``stack`` closes."""
    routers: dict[str, SshdDevice] = {}
    for site in plan.sites:
        lab = labs[primary_link(site)]
        with err_console.status(f"starting sshd on the lab router of {site.name}"):
            device = start_sshd(workdir / site.name, lab.ns["router"], lab.router_lan_ip, hostname=router_name(site))
        stack.callback(device.stop)
        routers[site.name] = device
    return routers


def router_name(site: Site) -> str:
    """Plan name (and hostname) of a site's lab router."""
    return f"{site.name}-lab-rtr"


def lab_plan(plan: Plan, labs: dict[str, Lab], dns: dict[str, str], routers: dict[str, SshdDevice]) -> Plan:
    """The sample plan with each site's devices replaced by its lab router and its links pointed at the labs."""
    sites = []
    for site in plan.sites:
        device: Device = routers[site.name].plan_device(router_name(site)).model_copy(update={"role": "router"})
        links = [lab_link(link, labs[link.name], dns.get(link.name)) for link in site.links]
        # recorded captures are not part of a live lab run (and their paths are relative to samples/)
        sites.append(site.model_copy(update={"devices": [device], "links": links, "captures": []}))
    return plan.model_copy(update={"sites": sites})


def write_plan(plan: Plan, path: Path) -> None:
    """Write ``plan`` as YAML that loads back to the same plan."""
    data = plan.model_dump(mode="json", exclude_unset=True)
    header = "# Written by `assess demo --lab`: the sample survey pointed at namespace labs on this machine.\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def run_lab_demo(out: Path, run: RunSurvey) -> SurveyOutcome:
    """Build the labs, write OUT/lab-plan.yaml and OUT/known_hosts, survey live, tear everything down."""
    check_can_build()
    plan = load_plan(sample_dir() / "plan.yaml")
    out.mkdir(parents=True, exist_ok=True)
    try:
        with ExitStack() as stack:
            labs, dns = build_labs(plan, stack)
            # outside OUT: the routers' client keys are deleted with the labs and never reach the evidence
            keys_dir = Path(tempfile.mkdtemp(prefix="assess-lab-demo-"))
            stack.callback(shutil.rmtree, keys_dir, True)
            routers = start_routers(plan, labs, keys_dir, stack)
            plan_path, known_hosts = out / "lab-plan.yaml", out / "known_hosts"
            write_plan(lab_plan(plan, labs, dns, routers), plan_path)
            known_hosts.write_text("".join(r.known_hosts_line() + "\n" for r in routers.values()), encoding="utf-8")
            opts = SurveyOptions(
                out_dir=out,
                collect=CollectOptions(known_hosts=known_hosts),
                probes=probe_options(),
            )
            return run(plan_path, opts)
    except LabError as exc:
        raise UserError(f"could not build the lab: {exc}") from None
