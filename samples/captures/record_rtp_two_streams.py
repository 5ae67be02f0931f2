"""Re-record rtp-two-streams.pcap (root; Linux network namespaces; tcpdump).

Builds the project's namespace lab (laptop -> NAT router -> impairment relay -> far end, documentation and
benchmarking addresses only), runs `assess probe rtp` for 3 s against the far end's `assess reflector` with
40 ms delay, 8 ms jitter and 3 % loss upstream, and captures both directions at the far end with tcpdump.
The lab's namespaces and processes are removed when it exits.

    PYTHONPATH=. python samples/captures/record_rtp_two_streams.py samples/captures/rtp-two-streams.pcap
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, Services
from assess.lab.capture import capture

UPSTREAM = Impairment(delay_ms=40, jitter_ms=8, loss_pct=3)


def main(out: Path) -> None:
    config = LabConfig(relay=RelayConfig(up=UPSTREAM, seed=7), services=Services(stun=False, iperf3=False))
    with Lab(config) as lab:
        with capture(lab, "far", "eth0", "udp port 5004") as pcap:
            probe = lab.exec(
                "laptop",
                [sys.executable, "-m", "assess", "probe", "rtp", f"{lab.far_ip}:5004", "--duration", "3", "--json"],
                timeout=60,
            )
        if probe.returncode != 0:
            raise SystemExit(f"probe failed: {probe.stderr}")
        shutil.copyfile(pcap, out)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
