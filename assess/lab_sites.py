"""The sample survey's WAN links rebuilt as lab paths: each link's router and impairment profile.

Used to record the sample's probe results (`python -m assess.lab_sites record`) and by
`assess demo --lab`. The profiles are the ground truth the recorded numbers came from.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, Services, netns
from assess.lab.config import Addressing, RouterConfig
from assess.lab.sip_domain import SipDomain
from assess.link_requests import link_requests
from assess.link_survey import LinkProbeOptions, probe_link, save_link_probes
from core.models.site import LinkProbes, NotAssessed
from core.plan import Endpoint, Link, Plan, Site, Voice, load_plan

PROBE_NAMES = tuple(planned.field for planned in link_requests(
    Link(name="x", contracted_up_mbps=1, contracted_down_mbps=1), Voice(), LinkProbeOptions()))


@dataclass(frozen=True)
class LabPath:
    """One WAN link as the lab builds it, the UDP ports its firewall drops, and whether the
    provider's backup SIP server answers (it is listed in DNS either way)."""

    router: RouterConfig
    relay: RelayConfig
    dropped_udp: tuple[int, int] | None = None
    sip_backup_answers: bool = True


LAB_PATHS: dict[str, LabPath] = {
    # leased fibre at HQ: clean, shaped to contract, ALG off, long UDP timeout
    "hq-fibre": LabPath(
        RouterConfig(rate_up_mbit=50, rate_down_mbit=50, udp_timeout_s=300),
        RelayConfig(up=Impairment(delay_ms=6, jitter_ms=1), down=Impairment(delay_ms=6, jitter_ms=1), seed=11),
    ),
    "hq-backup": LabPath(
        RouterConfig(rate_up_mbit=10, rate_down_mbit=50, udp_timeout_s=300),
        RelayConfig(up=Impairment(delay_ms=12, jitter_ms=3, loss_pct=0.1),
                    down=Impairment(delay_ms=12, jitter_ms=2, loss_pct=0.1), seed=12),
    ),
    # branch broadband: ALG on in the firewall, EF bleached upstream by the ISP, 60 s UDP timeout
    "br-broadband": LabPath(
        RouterConfig(rate_up_mbit=20, rate_down_mbit=80, sip_helper=True, dscp_up="cs0", udp_timeout_s=60),
        RelayConfig(up=Impairment(delay_ms=14, jitter_ms=8, loss_pct=0.4),
                    down=Impairment(delay_ms=14, jitter_ms=5, loss_pct=0.2), seed=13),
        sip_backup_answers=False,  # the provider's backup SBC is listed in SRV but dead
    ),
    # warehouse ADSL: 1 Mbit/s up, bursty loss and heavy jitter, symmetric NAT, 10 s UDP timeout,
    # part of the RTP range dropped by the router's firewall
    "wh-dsl": LabPath(
        RouterConfig(nat="masquerade-random", rate_up_mbit=1, rate_down_mbit=12, sip_helper=True, udp_timeout_s=10),
        RelayConfig(up=Impairment(delay_ms=35, jitter_ms=25, loss_pct=1.0, ge_p_pct=1.0, ge_r_pct=40, reorder=True),
                    down=Impairment(delay_ms=30, jitter_ms=15, loss_pct=1.0), seed=14),
        dropped_udp=(15000, 20000),
        sip_backup_answers=False,
    ),
}


def _direction(imp: Impairment) -> str:
    parts = [f"{imp.delay_ms:g} ms ± {imp.jitter_ms:g} ms"]
    if imp.loss_pct:
        parts.append(f"{imp.loss_pct:g} % loss")
    if imp.ge_p_pct:
        parts.append("bursty loss")
    if imp.reorder:
        parts.append("reordering")
    return ", ".join(parts)


def describe(path: LabPath) -> str:
    """The lab path in words, for the recorded results' ``source``."""
    r = path.router
    nat = {"masquerade": "NAT (masquerade)", "masquerade-random": "NAT (fully random ports)", "none": "no NAT"}[r.nat]
    rates = "/".join("unshaped" if v is None else f"{v:g}" for v in (r.rate_up_mbit, r.rate_down_mbit))
    parts = [nat, f"shaped {rates} Mbit/s up/down"]
    parts.append(f"up {_direction(path.relay.up)}; down {_direction(path.relay.down)}")
    if r.sip_helper:
        parts.append("kernel SIP helper on")
    if r.dscp_up:
        parts.append(f"DSCP re-marked to {r.dscp_up} upstream")
    if r.udp_timeout_s:
        parts.append(f"UDP timeout {r.udp_timeout_s} s")
    if path.dropped_udp:
        parts.append(f"UDP {path.dropped_udp[0]}-{path.dropped_udp[1]} dropped")
    return "recorded on a lab path: " + "; ".join(parts)


def lab_config(path: LabPath) -> LabConfig:
    """The lab that reproduces one WAN link, on its own WAN subnet.

    Each link gets its own public (WAN) addresses, as real links from different providers have:
    with one subnet for all, two links of a site would show the same public address and VQ510
    could not tell them apart.
    """
    index = list(LAB_PATHS.values()).index(path)
    wan = f"198.18.{16 + index}.0/24"  # inside the benchmarking range 198.18.0.0/15, clear of the LAN's
    return LabConfig(
        router=path.router, relay=path.relay, services=Services(stun=True, farend=True), addressing=Addressing(wan=wan)
    )


def drop_udp_range(lab: Lab, ports: tuple[int, int]) -> None:
    """Make the router's firewall drop inbound and outbound UDP to a port range."""
    rules = (
        "table ip labfw {\n  chain forward { type filter hook forward priority filter; policy accept;\n"
        f"    udp dport {ports[0]}-{ports[1]} drop\n  }}\n}}\n"
    )
    netns.in_ns(lab.ns["router"], ["nft", "-f", "-"], stdin=rules)


def lab_link(link: Link, lab: Lab, dns_server: str | None = None) -> Link:
    """The plan's link pointed at the lab's far end and measured from the lab's laptop namespace."""
    svc = lab.config.services
    return link.model_copy(update={
        "reflector": Endpoint(host=lab.far_ip, port=svc.reflector_port),
        "iperf3": Endpoint(host=lab.far_ip, port=svc.iperf3_port),
        "stun": Endpoint(host=lab.far_ip, port=svc.stun_port),
        "source_netns": lab.ns["laptop"],
        "dns_server": dns_server,
    })


@dataclass(frozen=True)
class RecordOptions:
    """What to record: links (None: all), probes by result field (None: all), and whether to keep
    what the existing recording already holds (``resume``: only missing probes are measured)."""

    links: set[str] | None = None
    probes: set[str] | None = None
    resume: bool = False


def measure(site: Site, link: Link, voice: Voice, work: Path, opts: LinkProbeOptions,
            rec: RecordOptions) -> tuple[LinkProbes, list[NotAssessed]]:
    """Build the link's lab path (and the provider's SIP domain at its far end) and probe it into ``work``."""
    path = LAB_PATHS[link.name]
    with ExitStack() as stack:
        lab = stack.enter_context(Lab(lab_config(path)))
        if path.dropped_udp:
            drop_udp_range(lab, path.dropped_udp)
        dns = None
        if voice.sip_domain and (rec.probes is None or "sip_path" in rec.probes):
            dns = stack.enter_context(SipDomain(lab, voice.sip_domain, path.sip_backup_answers)).dns_server
        return probe_link(site.name, lab_link(link, lab, dns), voice, work, opts, resume=rec.resume,
                          only=rec.probes)


def record(plan: Plan, evidence_root: Path, opts: LinkProbeOptions, rec: RecordOptions | None = None) -> None:
    """Measure every sample link (or those chosen) on its lab path and save the results as evidence.

    Without ``resume`` each link is probed into a scratch folder and its recording replaced at the
    end; with it, probes run straight into ``evidence_root`` and keep what is already recorded.
    """
    rec = rec or RecordOptions()
    for site in plan.sites:
        for link in site.links:
            if rec.links and link.name not in rec.links:
                continue
            path = LAB_PATHS[link.name]
            work = evidence_root if rec.resume else Path(tempfile.mkdtemp(prefix="assess-record-"))
            try:
                probes, missing = measure(site, link, plan.voice_for(site), work, opts, rec)
            finally:
                if not rec.resume:
                    shutil.rmtree(work, ignore_errors=True)
            probes.source = describe(path)
            save_link_probes(evidence_root, site.name, probes)
            for item in missing:
                print(f"not assessed: {item.item}: {item.reason}")
            print(f"recorded {site.name}/{link.name}")


def main() -> None:
    """`python -m assess.lab_sites record [--plan P] [--evidence DIR]` (root: builds the lab)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["record"])
    parser.add_argument("--plan", type=Path, default=Path("samples/plan.yaml"))
    parser.add_argument("--evidence", type=Path, default=Path("samples/evidence"))
    parser.add_argument("--rtp-duration", type=float, default=20.0)
    parser.add_argument("--lifetime-cap", type=float, default=150.0)
    parser.add_argument("--link", action="append", help="only this link (repeat for several)")
    parser.add_argument("--only-probe", action="append", choices=[n.replace("_", "-") for n in PROBE_NAMES],
                        help="only this probe (repeat for several); implies --resume")
    parser.add_argument("--resume", action="store_true",
                        help="keep the existing recording of each link and measure only what it lacks")
    args = parser.parse_args()
    opts = LinkProbeOptions(rtp_duration_s=args.rtp_duration, nat_lifetime_cap_s=args.lifetime_cap)
    only = {n.replace("-", "_") for n in args.only_probe} if args.only_probe else None
    rec = RecordOptions(links=set(args.link or ()) or None, probes=only, resume=args.resume or only is not None)
    record(load_plan(args.plan), args.evidence, opts, rec)


if __name__ == "__main__":
    main()
