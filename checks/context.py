"""Builds the SiteContexts rules read: one per plan site, each knowing the other sites (drift)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assess.models.site import DeviceRecord, LinkProbes
from assess.plan import Plan, Site
from checks.base import SiteContext


def site_context(
    plan: Plan, site: Site, devices: Sequence[DeviceRecord] = (), probes: Sequence[LinkProbes] = ()
) -> SiteContext:
    """The context of one site: the plan's voice and thresholds for it, its devices and probe results."""
    return SiteContext(
        site=site.name,
        voice=plan.voice_for(site),
        thresholds=plan.thresholds_for(site),
        devices=tuple(devices),
        links=tuple(site.links),
        probes=tuple(probes),
    )


def with_peers(contexts: Sequence[SiteContext]) -> list[SiteContext]:
    """Each context with every other site attached as ``other_sites`` (what the drift rules compare)."""
    bare = [replace(c, other_sites=()) for c in contexts]
    return [replace(c, other_sites=tuple(o for o in bare if o.site != c.site)) for c in bare]
