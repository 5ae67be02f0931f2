"""The sample survey's WAN links rebuilt as lab paths: each link's router and impairment profile.

Used to record the sample's probe results (`python -m assess.lab_sites record`) and by
`assess demo --lab`. The profiles are the ground truth the recorded numbers came from.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, Services, netns
from assess.lab.config import RouterConfig
from assess.link_survey import LinkProbeOptions, probe_link, save_link_probes
from assess.plan import Endpoint, Link, Plan, load_plan


@dataclass(frozen=True)
class LabPath:
    """One WAN link as the lab builds it, and the UDP ports its firewall drops."""

    router: RouterConfig
    relay: RelayConfig
    dropped_udp: tuple[int, int] | None = None


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
    ),
    # warehouse ADSL: 1 Mbit/s up, bursty loss and heavy jitter, symmetric NAT, 10 s UDP timeout,
    # part of the RTP range dropped by the router's firewall
    "wh-dsl": LabPath(
        RouterConfig(nat="masquerade-random", rate_up_mbit=1, rate_down_mbit=12, sip_helper=True, udp_timeout_s=10),
        RelayConfig(up=Impairment(delay_ms=35, jitter_ms=25, loss_pct=1.0, ge_p_pct=1.0, ge_r_pct=40, reorder=True),
                    down=Impairment(delay_ms=30, jitter_ms=15, loss_pct=1.0), seed=14),
        dropped_udp=(15000, 20000),
    ),
}


def lab_config(path: LabPath) -> LabConfig:
    """The lab that reproduces one WAN link."""
    return LabConfig(router=path.router, relay=path.relay, services=Services(stun=True))


def drop_udp_range(lab: Lab, ports: tuple[int, int]) -> None:
    """Make the router's firewall drop inbound and outbound UDP to a port range."""
    rules = (
        "table ip labfw {\n  chain forward { type filter hook forward priority filter; policy accept;\n"
        f"    udp dport {ports[0]}-{ports[1]} drop\n  }}\n}}\n"
    )
    netns.in_ns(lab.ns["router"], ["nft", "-f", "-"], stdin=rules)


def lab_link(link: Link, lab: Lab) -> Link:
    """The plan's link pointed at the lab's far end and measured from the lab's laptop namespace."""
    return link.model_copy(update={
        "reflector": Endpoint(host=lab.far_ip, port=5004),
        "iperf3": Endpoint(host=lab.far_ip, port=5201),
        "stun": Endpoint(host=lab.far_ip, port=3478),
        "source_netns": lab.ns["laptop"],
    })


def record(plan: Plan, evidence_root: Path, opts: LinkProbeOptions, only: set[str] | None = None) -> None:
    """Measure every sample link (or those in ``only``) on its lab path and save the results as evidence."""
    for site in plan.sites:
        for link in site.links:
            if only and link.name not in only:
                continue
            path = LAB_PATHS[link.name]
            with Lab(lab_config(path)) as lab:
                if path.dropped_udp:
                    drop_udp_range(lab, path.dropped_udp)
                work = Path(tempfile.mkdtemp(prefix="assess-record-"))
                try:
                    probes, missing = probe_link(site.name, lab_link(link, lab), plan.voice_for(site), work, opts)
                finally:
                    shutil.rmtree(work, ignore_errors=True)
                probes.source = f"recorded in the lab: {path.router.model_dump_json()} {path.relay.model_dump_json()}"
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
    args = parser.parse_args()
    opts = LinkProbeOptions(rtp_duration_s=args.rtp_duration, nat_lifetime_cap_s=args.lifetime_cap)
    record(load_plan(args.plan), args.evidence, opts, set(args.link or ()))


if __name__ == "__main__":
    main()
