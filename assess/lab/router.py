"""The site router's nftables ruleset and tc shaping, generated from RouterConfig."""

from __future__ import annotations

from assess.lab.config import RouterConfig
from core.service_ports import SIP_PORT

LAN_IF = "lan0"
WAN_IF = "wan0"


def nft_ruleset(cfg: RouterConfig) -> str:
    """The nft script for the router: NAT, DSCP re-marking per direction, optional SIP helper."""
    lines = ["table ip lab {"]
    if cfg.sip_helper:
        # Since kernel 4.7 the SIP helper must be assigned explicitly (LAB-NOTES.md).
        lines += [
            f'  ct helper sip-{SIP_PORT} {{ type "sip" protocol udp; l3proto ip; }}',
            "  chain pre { type filter hook prerouting priority filter; policy accept;",
            f'    udp dport {SIP_PORT} ct helper set "sip-{SIP_PORT}"',
            "  }",
        ]
    marks = []
    if cfg.dscp_up:
        marks.append(f'    oifname "{WAN_IF}" ip dscp set {cfg.dscp_up}')
    if cfg.dscp_down:
        marks.append(f'    oifname "{LAN_IF}" ip dscp set {cfg.dscp_down}')
    if marks:
        # `fwd` is reserved in nft, hence the chain name.
        lines += ["  chain remark { type filter hook forward priority mangle; policy accept;", *marks, "  }"]
    if cfg.nat != "none":
        how = "masquerade fully-random" if cfg.nat == "masquerade-random" else "masquerade"
        lines += [
            "  chain post { type nat hook postrouting priority srcnat; policy accept;",
            f'    oifname "{WAN_IF}" {how}',
            "  }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def shaping_commands(ifname: str, rate_mbit: float, shaper: str) -> list[list[str]]:
    """tc commands that cap egress of ``ifname`` at ``rate_mbit``."""
    rate = f"{rate_mbit * 1000:.0f}kbit"
    if shaper == "tbf":
        # burst: at least one MTU and ~4 ms at rate; latency bounds the queue like a CPE would
        burst = max(int(rate_mbit * 1e6 / 8 * 0.004), 3000)
        return [
            [
                "tc",
                "qdisc",
                "replace",
                "dev",
                ifname,
                "root",
                "tbf",
                "rate",
                rate,
                "burst",
                str(burst),
                "latency",
                "50ms",
            ]
        ]
    return [
        ["tc", "qdisc", "replace", "dev", ifname, "root", "handle", "1:", "htb", "default", "10"],
        ["tc", "class", "add", "dev", ifname, "parent", "1:", "classid", "1:10", "htb", "rate", rate, "ceil", rate],
    ]


def sysctls(cfg: RouterConfig) -> list[str]:
    """sysctl assignments for the router namespace."""
    out = ["net.ipv4.ip_forward=1"]
    if cfg.udp_timeout_s is not None:
        out.append(f"net.netfilter.nf_conntrack_udp_timeout={cfg.udp_timeout_s}")
    if cfg.udp_timeout_stream_s is not None:
        out.append(f"net.netfilter.nf_conntrack_udp_timeout_stream={cfg.udp_timeout_stream_s}")
    return out
