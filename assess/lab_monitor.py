"""`assess monitor` against the lab demo's far ends: the sample links built as namespace labs, monitored live.

    python -m assess.lab_monitor --out DIR --for 1h --interval 60 --episode br-broadband:1200:2100

Builds one lab per sample link (as ``assess demo --lab`` does), writes DIR/lab-plan.yaml pointing at
them, runs ``assess monitor`` on it as a child process (SIGTERM/Ctrl-C are passed on), and tears every
lab down by PID afterwards. ``--episode LINK:START:END`` gives one link a loss and jitter episode
(seconds after its lab starts) on top of its own impairment: a busy hour the monitor should find;
``--outage`` makes a far end unreachable for a while.
Needs root. Used to record samples/monitor/monitor.sqlite.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from assess.lab import Impairment, RelayConfig
from assess.lab.config import Episode
from assess.lab_demo import build_labs, check_can_build, write_plan
from assess.lab_sites import LAB_PATHS, lab_link
from core.plan import Plan, load_plan

# The episode: a saturated upload queue (a backup running) without a voice priority queue: queueing delay
# that comes and goes, so heavy jitter and reordering upstream, a little more loss both ways.
EPISODE_UP = Impairment(delay_ms=60, jitter_ms=55, loss_pct=0.5, reorder=True)
EPISODE_DOWN = Impairment(delay_ms=16, jitter_ms=6, loss_pct=0.3)


OUTAGE = Impairment(loss_pct=100.0)


def with_episodes(specs: list[str], outage: bool, relays: dict[str, RelayConfig]) -> None:
    """Add ``LINK:START:END`` episodes (the busy-hour impairment, or a total outage) to the links' relays."""
    for spec in specs:
        link, start, end = spec.split(":")
        relay = relays.get(link, LAB_PATHS[link].relay)
        impairments = (OUTAGE, OUTAGE) if outage else (EPISODE_UP, EPISODE_DOWN)
        episode = Episode(start_s=float(start), end_s=float(end), up=impairments[0], down=impairments[1])
        relays[link] = relay.model_copy(update={"episodes": [*relay.episodes, episode]})


def monitor_plan(plan: Plan, stack: ExitStack, relays: dict[str, RelayConfig]) -> Plan:
    """The sample plan, devices dropped, each link pointed at its running lab."""
    labs, dns = build_labs(plan, stack, relays)
    sites = [site.model_copy(update={"devices": [], "captures": [],
                                     "links": [lab_link(x, labs[x.name], dns.get(x.name)) for x in site.links]})
             for site in plan.sites]
    return plan.model_copy(update={"sites": sites})


def run(plan_path: Path, out: Path, monitor_args: list[str], relays: dict[str, RelayConfig]) -> int:
    """Build the labs, monitor them with ``assess monitor`` until it exits, tear the labs down."""
    check_can_build()
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        lab_plan = out / "lab-plan.yaml"
        write_plan(monitor_plan(load_plan(plan_path), stack, relays), lab_plan)
        child = subprocess.Popen([sys.executable, "-m", "assess", "monitor", str(lab_plan), "--out", str(out),
                                  *monitor_args])

        def _pass_on(sig: int, _frame: object) -> None:
            child.send_signal(sig)

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _pass_on)
        return child.wait()


def main() -> None:
    """Command line of the lab monitor."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", type=Path, default=Path("samples/plan.yaml"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--episode", action="append", default=[], metavar="LINK:START:END",
                        help="loss and jitter on LINK from START to END seconds after its lab starts")
    parser.add_argument("--outage", action="append", default=[], metavar="LINK:START:END",
                        help="LINK's far end unreachable (all packets dropped) from START to END seconds")
    args, monitor_args = parser.parse_known_args()
    relays: dict[str, RelayConfig] = {}
    with_episodes(args.episode, False, relays)
    with_episodes(args.outage, True, relays)
    sys.exit(run(args.plan, args.out, monitor_args, relays))


if __name__ == "__main__":
    main()
