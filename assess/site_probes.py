"""The probe phase of one site: its links probed in parallel where they leave by different paths.

The rule (docs/link-probes.md, "How the survey runs them"):

- Links leave by different paths when their ``source_netns`` differ: every probe of a link runs
  inside its namespace. Links that share a namespace (or have none: the default route) take turns,
  one link after another. ``source:`` alone does not separate links here: only the NAT probe binds
  to it, the others leave by the namespace's routes.
- One bandwidth test of a site at a time, whatever the paths: namespaces do not prove that two
  links share nothing (the laptop's port, the site firewall, one access line carrying both), and
  two saturating tests meeting there would each report a share of it as the link's capacity. So a
  shared part carries at most one link's full load, as it does when only that link is busy.
- Within a link (:func:`assess.link_survey.probe_link`): the bandwidth test runs alone; the NAT
  probe (its binding-lifetime search is mostly idle) runs beside the link's light probes.
- Before any of that, while the site's devices are collected, each link's far ends are checked
  (`assess farend --check`, kept for the probes): a few round trips to the far end beside SSH
  sessions to the site's own devices, so neither waits for the other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from assess.link_survey import LinkProbeOptions, RunningProbes, probe_link, stop_on_error
from core.models.site import LinkProbes, NotAssessed
from core.plan import Link, Voice

LinkOutcome = tuple[LinkProbes, list[NotAssessed]]


def path_groups(links: list[Link]) -> list[list[Link]]:
    """The site's links grouped by the path they leave by (their ``source_netns``), in plan order.

    >>> a, b, c = (Link(name=n, contracted_up_mbps=1, contracted_down_mbps=1, source_netns=ns)
    ...            for n, ns in (("a", "wan1"), ("b", None), ("c", "wan1")))
    >>> [[link.name for link in group] for group in path_groups([a, b, c])]
    [['a', 'c'], ['b']]
    """
    groups: dict[str | None, list[Link]] = {}
    for link in links:
        groups.setdefault(link.source_netns, []).append(link)
    return list(groups.values())


def probe_site_links(site: str, links: list[Link], voice: Voice, evidence_root: Path, opts: LinkProbeOptions, *,
                     resume: bool = False, running: RunningProbes | None = None) -> list[LinkOutcome]:
    """Probe every link of ``site`` (one thread per path); the outcomes in the plan's link order.

    Each link saves its own file as results come; an error or Ctrl-C in one thread stops the
    probe processes of the others before it propagates.
    """
    bandwidth_turn = threading.Lock()
    stop = threading.Event()

    def probe_group(group: list[Link]) -> dict[str, LinkOutcome]:
        done: dict[str, LinkOutcome] = {}
        for link in group:
            if stop.is_set():
                break
            done[link.name] = probe_link(site, link, voice, evidence_root, opts, resume=resume, running=running,
                                         bandwidth_turn=bandwidth_turn, stop=stop)
        return done

    groups = path_groups(links)
    outcomes: dict[str, LinkOutcome] = {}
    paths = ThreadPoolExecutor(max_workers=max(1, len(groups)), thread_name_prefix=f"{site}-path")
    with paths as pool, stop_on_error(stop):  # on an error: stop first, then wait for the threads
        jobs = [pool.submit(probe_group, group) for group in groups]
        for job in jobs:
            outcomes.update(job.result())
    return [outcomes[link.name] for link in links]


@contextmanager
def far_ends_checked_meanwhile(links: list[Link], opts: LinkProbeOptions) -> Iterator[None]:
    """Check the far ends of ``links`` while the body runs; the probes then find the checks done
    (``opts.farend_checks`` keeps them for a while). No checks when they are switched off."""
    checks = opts.farend_checks
    if checks is None or not links:
        yield
        return
    with ThreadPoolExecutor(max_workers=len(links), thread_name_prefix="farend-check") as pool:
        jobs = [pool.submit(checks.dead_services, link, opts.secret) for link in links]
        yield
        for job in jobs:
            job.result()
