"""A provider's SIP domain served from the lab's far end: dnsmasq for NAPTR/SRV/A, sipp as the servers.

    with SipDomain(lab, "sip.voxcarrier.example", backup_answers=False) as sip:
        ... probe sip-path sip.voxcarrier.example --dns sip.dns_server ...

The primary server (SRV priority 10) is on the far end's first address, the backup (priority 20)
on its second, each on UDP and TCP. ``backup_answers=False`` lists the backup in DNS but starts
nothing behind it: the dead backup a survey must find. sipp (``-sn uas -aa``) answers OPTIONS with
200, which the reflector's SIP echo on 5060 does not; so the servers use their own ports. Every
process started here is stopped by its PID on exit (the lab's teardown would kill stragglers too).
"""

from __future__ import annotations

import subprocess
from types import TracebackType
from typing import TYPE_CHECKING

from assess.lab.netns import wait_for
from assess.lab.services import listening

if TYPE_CHECKING:
    from assess.lab.lab import Lab

PRIMARY_PORT = 5070
BACKUP_PORT = 5071
DNS_PORT = 53


def _zone(domain: str) -> str:
    """The zone the SIP domain lives in (``voxcarrier.example`` for ``sip.voxcarrier.example``)."""
    return domain.split(".", 1)[1] if domain.count(".") >= 2 else domain


def zone_records(domain: str, primary: tuple[str, str], backup: tuple[str, str]) -> list[str]:
    """dnsmasq options for NAPTR -> _sip._udp/_sip._tcp SRV -> (host, address) of primary and backup."""
    zone = _zone(domain)
    out = [f'--naptr-record={domain},10,50,"s","SIP+D2U","",_sip._udp.{domain}',
           f'--naptr-record={domain},20,50,"s","SIP+D2T","",_sip._tcp.{domain}',
           f"--local=/{zone}/"]  # answer NXDOMAIN for the rest of the zone, never forward
    for proto in ("udp", "tcp"):
        out += [f"--srv-host=_sip._{proto}.{domain},{primary[0]},{PRIMARY_PORT},10,50",
                f"--srv-host=_sip._{proto}.{domain},{backup[0]},{BACKUP_PORT},20,50"]
    return [*out, f"--host-record={primary[0]},{primary[1]}", f"--host-record={backup[0]},{backup[1]}"]


def _serves(ns: str, port: int) -> bool:
    return listening(ns, "udp", port) and listening(ns, "tcp", port)


class SipDomain:
    """dnsmasq and sipp in the far namespace, for the lifetime of a ``with`` block."""

    def __init__(self, lab: Lab, domain: str, backup_answers: bool = True) -> None:
        self.lab, self.domain, self.backup_answers = lab, domain, backup_answers
        zone = _zone(domain)
        self.primary = (f"sbc1.{zone}", lab.far_ip)
        self.backup = (f"sbc2.{zone}", lab.far_ip2)
        self.dns_server = f"{lab.far_ip}:{DNS_PORT}"
        self._procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> SipDomain:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _start(self) -> None:

        far = self.lab.ns["far"]
        self._spawn(["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                     f"--listen-address={self.lab.far_ip}", "--bind-interfaces", f"--port={DNS_PORT}",
                     "--user=root", "--pid-file=", *zone_records(self.domain, self.primary, self.backup)])
        servers = [(self.primary[1], PRIMARY_PORT)] + ([(self.backup[1], BACKUP_PORT)] if self.backup_answers else [])
        for address, port in servers:
            for transport in ("u1", "t1"):
                self._spawn(["sipp", "-sn", "uas", "-aa", "-t", transport, "-i", address, "-p", str(port),
                             "-nostdin"])
        wait_for(lambda: listening(far, "udp", DNS_PORT), 10.0, "dnsmasq did not start in the far namespace")
        for _, port in servers:
            wait_for(lambda: _serves(far, port), 10.0, f"sipp did not start on {port}")  # noqa: B023 (called now)

    def _spawn(self, argv: list[str]) -> None:
        self._procs.append(self.lab.popen("far", argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          cwd=str(self.lab.workdir)))

    def stop(self) -> None:
        """Stop every process this object started, by PID."""
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=3)
        self._procs.clear()
