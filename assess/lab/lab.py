"""The namespace lab: laptop — site router — impairment relay — routed hop — far end.

    with Lab(LabConfig(relay=RelayConfig(up=Impairment(delay_ms=40)))) as lab:
        lab.exec("laptop", ["ping", "-c1", lab.far_ip])

Every namespace name starts with the config's unique prefix, so two labs can run side by side.
Teardown always runs: it kills the PIDs listed by ``ip netns pids`` and deletes the namespaces.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal

from assess.lab import netns, router
from assess.lab.config import LabConfig, RelayConfig, RouterConfig
from assess.lab.impair import RelayTruth
from assess.lab.services import start_services

Role = Literal["laptop", "router", "relay", "hop", "far"]
ROLES: tuple[Role, ...] = ("laptop", "router", "relay", "hop", "far")


class Lab:
    """A built lab; use as a context manager so it is always torn down."""

    def __init__(self, config: LabConfig | None = None) -> None:
        self.config = config or LabConfig()
        self.ns: dict[Role, str] = {role: f"{self.config.prefix}-{role}" for role in ROLES}
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{self.config.prefix}-"))
        self._relay_proc: subprocess.Popen[bytes] | None = None
        self._built: list[str] = []
        a = self.config.addressing
        self.laptop_ip = a.host("lan", 2)
        self.router_lan_ip = a.host("lan", 1)
        self.router_wan_ip = a.host("wan", 1)
        self.hop_ip = a.host("wan", 2)
        self.hop_dc_ip = a.host("dc", 1)
        self.far_ip = a.host("dc", 10)
        self.far_ip2 = a.host("dc", 11)

    # -- context manager -------------------------------------------------------------------
    def __enter__(self) -> Lab:
        try:
            self.build()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.teardown()

    # -- building -------------------------------------------------------------------------
    def build(self) -> None:
        """Create namespaces, links, addresses, routes, router policy, relay and far-end services."""
        if os.geteuid() != 0:
            raise netns.LabError("the lab needs root (network namespaces)")
        for role in ROLES:
            netns.create(self.ns[role])
            self._built.append(self.ns[role])
        self._links()
        self._addresses()
        self.configure_router(self.config.router)
        if self.config.relay_enabled:
            self.start_relay(self.config.relay)
        start_services(self)

    def _veth(self, ns_a: str, if_a: str, ns_b: str, if_b: str) -> None:
        # Created directly inside the namespaces: nothing ever appears in the root namespace.
        netns.run(["ip", "link", "add", if_a, "netns", ns_a, "type", "veth", "peer", "name", if_b, "netns", ns_b])

    def _links(self) -> None:
        ns = self.ns
        self._veth(ns["laptop"], "eth0", ns["router"], router.LAN_IF)
        if self.config.relay_enabled:
            self._veth(ns["router"], router.WAN_IF, ns["relay"], "west0")
            self._veth(ns["relay"], "east0", ns["hop"], "west0")
            # Frames forwarded by an AF_PACKET relay must carry real checksums and MTU-sized frames.
            feeds: tuple[tuple[Role, str], ...] = (
                ("router", router.WAN_IF),
                ("relay", "west0"),
                ("relay", "east0"),
                ("hop", "west0"),
            )
            for role, ifname in feeds:
                netns.in_ns(
                    ns[role],
                    ["ethtool", "-K", ifname, "tx", "off", "tso", "off", "gso", "off", "gro", "off"],
                    check=False,
                )
            for ifname in ("west0", "east0"):
                netns.run(["ip", "-n", ns["relay"], "link", "set", ifname, "up"])
        else:
            self._veth(ns["router"], router.WAN_IF, ns["hop"], "west0")
        self._veth(ns["hop"], "east0", ns["far"], "eth0")

    def _addr(self, role: Role, ifname: str, ip: str, segment: Literal["lan", "wan", "dc"]) -> None:
        plen = self.config.addressing.prefixlen(segment)
        netns.run(["ip", "-n", self.ns[role], "addr", "add", f"{ip}/{plen}", "dev", ifname])
        netns.run(["ip", "-n", self.ns[role], "link", "set", ifname, "up"])

    def _addresses(self) -> None:
        a, ns = self.config.addressing, self.ns
        self._addr("laptop", "eth0", self.laptop_ip, "lan")
        self._addr("router", router.LAN_IF, self.router_lan_ip, "lan")
        self._addr("router", router.WAN_IF, self.router_wan_ip, "wan")
        self._addr("hop", "west0", self.hop_ip, "wan")
        self._addr("hop", "east0", self.hop_dc_ip, "dc")
        self._addr("far", "eth0", self.far_ip, "dc")
        netns.run(["ip", "-n", ns["far"], "addr", "add", f"{self.far_ip2}/{a.prefixlen('dc')}", "dev", "eth0"])
        netns.run(["ip", "-n", ns["laptop"], "route", "add", "default", "via", self.router_lan_ip])
        netns.run(["ip", "-n", ns["router"], "route", "add", "default", "via", self.hop_ip])
        netns.run(["ip", "-n", ns["hop"], "route", "add", a.lan, "via", self.router_wan_ip])
        netns.run(["ip", "-n", ns["far"], "route", "add", "default", "via", self.hop_dc_ip])
        netns.in_ns(ns["hop"], ["sysctl", "-qw", "net.ipv4.ip_forward=1"])

    # -- reconfiguration (tests share one lab per module) -----------------------------------
    def configure_router(self, cfg: RouterConfig) -> None:
        """(Re)apply NAT, DSCP policy, SIP helper, shaping and sysctls; flushes conntrack."""
        ns = self.ns["router"]
        netns.in_ns(ns, ["sysctl", "-qw", *router.sysctls(cfg)])
        netns.in_ns(ns, ["nft", "delete", "table", "ip", "lab"], check=False)
        netns.in_ns(ns, ["nft", "-f", "-"], stdin=router.nft_ruleset(cfg))
        for ifname, rate in ((router.WAN_IF, cfg.rate_up_mbit), (router.LAN_IF, cfg.rate_down_mbit)):
            netns.in_ns(ns, ["tc", "qdisc", "del", "dev", ifname, "root"], check=False)
            if rate is not None:
                for argv in router.shaping_commands(ifname, rate, cfg.shaper):
                    netns.in_ns(ns, argv)
        netns.in_ns(ns, ["conntrack", "-F"], check=False)
        self.config = self.config.model_copy(update={"router": cfg})

    def start_relay(self, cfg: RelayConfig) -> None:
        """(Re)start the impairment relay with ``cfg``; its ground truth starts from zero."""
        self.stop_relay()
        truth = self.truth_path
        truth.unlink(missing_ok=True)
        argv = [sys.executable, "-m", "assess.lab.relay", "west0", "east0", cfg.model_dump_json(), str(truth)]
        log = (self.workdir / "relay.log").open("ab")
        self._relay_proc = subprocess.Popen(netns.ns_argv(self.ns["relay"], argv), stdout=log, stderr=log)
        log.close()
        netns.wait_for(truth.exists, 10.0, "the impairment relay did not start (see relay.log)")
        self.config = self.config.model_copy(update={"relay": cfg})

    def stop_relay(self) -> None:
        """Stop the relay (its final truth stays readable)."""
        proc = self._relay_proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._relay_proc = None

    @property
    def truth_path(self) -> Path:
        """Where the relay writes its ground truth JSON."""
        return self.workdir / "relay-truth.json"

    def relay_truth(self) -> RelayTruth:
        """The relay's ground truth now (asks a running relay to flush it first)."""
        path = self.truth_path
        proc = self._relay_proc
        if proc is not None and proc.poll() is None:
            before = RelayTruth.model_validate_json(path.read_text()).version
            proc.send_signal(signal.SIGUSR1)
            netns.wait_for(
                lambda: RelayTruth.model_validate_json(path.read_text()).version > before,
                5.0,
                "the relay did not flush its ground truth",
            )
        return RelayTruth.model_validate_json(path.read_text())

    # -- running things ---------------------------------------------------------------------
    def exec(
        self, role: Role, argv: Sequence[str], timeout: float = 120.0, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in a namespace and wait for it (never raises on a non-zero exit)."""
        return subprocess.run(
            netns.ns_argv(self.ns[role], argv), capture_output=True, text=True, timeout=timeout, check=False, env=env
        )

    def popen(self, role: Role, argv: Sequence[str], **kwargs: object) -> subprocess.Popen[bytes]:
        """Start a command in a namespace; teardown kills it if the caller does not."""
        return subprocess.Popen(netns.ns_argv(self.ns[role], argv), **kwargs)  # type: ignore[call-overload]

    def teardown(self) -> None:
        """Stop everything the lab started and delete its namespaces (idempotent)."""
        self.stop_relay()
        for ns in reversed(self._built):
            netns.destroy(ns)
        self._built.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)
