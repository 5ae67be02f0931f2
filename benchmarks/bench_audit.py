"""Config audit: 20,000-line IOS and Junos configs through `assess audit`, and in-process throughput.

The big configs are the sample switch config with 2,500 more access ports (IOS) and a real SRX
config with 4,000 more prefix lists (Junos): the shapes that make campus and data-centre configs long.
The whole command is timed as a user of the installed package sees it (bytecode compiled first, as pip
does); the figure with the project compiled from source in every run is kept too (see benchmarks/bytecode.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from assess.commands.device_cmds import audit_findings, load_facts
from benchmarks.bytecode import FROM_SOURCE_NOTE, INSTALLED_NOTE, BytecodeEnvs, bytecode_envs
from benchmarks.common import Row, time_call, time_process

TITLE = "Config audit: 20,000-line configs (whole command) and typical configs per second"
ROOT = Path(__file__).resolve().parents[1]
IOS_BASE = ROOT / "samples" / "evidence" / "hq" / "hq-sw1" / "show_running-config.txt"
JUNOS_BASE = ROOT / "tests" / "corpus" / "juniper_junos" / "oxidized-srx300-branch-cluster" / "input.txt"
TYPICAL = sorted(ROOT.glob("samples/evidence/*/*/show_running-config.txt")) + sorted(
    ROOT.glob("samples/evidence/*/*/show_full-configuration.txt")
)
TARGET_LINES = 20_000
REPEAT = 3


def ios_config(lines: int = TARGET_LINES) -> str:
    """The sample switch config grown to ``lines`` lines with access ports (voice VLAN, trust, portfast)."""
    base = IOS_BASE.read_text().rstrip("\n").split("\n")
    out, n = list(base), 0
    while len(out) < lines:
        stack, port = divmod(n, 48)
        out += [f"interface GigabitEthernet{stack + 2}/0/{port + 1}", f" description desk {n}",
                " switchport access vlan 10", " switchport mode access", " switchport voice vlan 20",
                " mls qos trust device cisco-phone", " spanning-tree portfast", "!"]  # fmt: skip
        n += 1
    return "\n".join(out) + "\nend\n"


def junos_config(lines: int = TARGET_LINES) -> str:
    """A real SRX config grown to ``lines`` lines with prefix lists in one more policy-options stanza."""
    base = JUNOS_BASE.read_text().rstrip("\n").split("\n")
    extra = ["policy-options {"]
    n = 0
    while len(base) + len(extra) + 1 < lines:
        extra += [f"    prefix-list PL-SITE-{n} {{", f"        10.{n // 256 % 256}.{n % 256}.0/24;",
                  f"        172.16.{n % 256}.0/24;", "    }"]  # fmt: skip
        n += 1
    return "\n".join([*base, *extra, "}"]) + "\n"


def _assess(*args: str) -> list[str]:
    return [sys.executable, "-m", "assess", *args]


def _audit_command(path: Path, platform: str) -> list[str]:
    return _assess("audit", str(path), "--platform", platform, "--json")


def _audit_rows(label: str, path: Path, platform: str, envs: BytecodeEnvs) -> list[Row]:
    lines = len(path.read_text().splitlines())
    whole = time_process(REPEAT, _audit_command(path, platform), env=envs.installed)
    source = time_process(REPEAT, _audit_command(path, platform), env=envs.from_source)
    inproc = time_call(REPEAT, lambda: audit_findings(load_facts(path, platform), "big"))
    return [
        Row(f"{label} {lines:,} lines: assess audit (whole command)", round(whole.wall, 3), "s",
            f"CPU {whole.cpu:.2f} s; {INSTALLED_NOTE}; target ≤ 1.0 s"),
        Row(f"{label} {lines:,} lines: assess audit, from source", round(source.wall, 3), "s",
            f"CPU {source.cpu:.2f} s; {FROM_SOURCE_NOTE}"),
        Row(f"{label} {lines:,} lines: parse + rules in process", round(inproc.wall, 3), "s",
            f"CPU {inproc.cpu:.2f} s"),
    ]  # fmt: skip


def _throughput() -> list[Row]:
    """Typical configs (the sample devices') parsed and audited in one process, per second of CPU."""
    texts = [(p, None) for p in TYPICAL]
    for path, platform in texts:  # warm: imports, compiled regexes
        audit_findings(load_facts(path, platform), path.parent.name)
    rounds = 10
    timing = time_call(1, lambda: [audit_findings(load_facts(p, pf), p.parent.name) for _ in range(rounds)
                                   for p, pf in texts])  # fmt: skip
    count = rounds * len(texts)
    return [
        Row("typical configs audited per second (wall)", round(count / timing.wall, 1), "configs/s",
            f"{len(texts)} sample configs x {rounds}; target ≥ 200"),
        Row("typical configs audited per second (CPU)", round(count / timing.cpu, 1), "configs/s", "user + system"),
    ]  # fmt: skip


def run() -> list[Row]:
    """Both big configs, then the throughput on typical ones."""
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as name:
        tmp = Path(name)
        ios, junos = tmp / "big-ios.txt", tmp / "big-junos.conf"
        ios.write_text(ios_config())
        junos.write_text(junos_config())
        big = [(ios, "cisco_ios"), (junos, "juniper_junos")]
        with bytecode_envs([_audit_command(path, platform) for path, platform in big]) as envs:
            rows = _audit_rows("IOS", ios, "cisco_ios", envs) + _audit_rows("Junos", junos, "juniper_junos", envs)
    return rows + _throughput()


if __name__ == "__main__":
    for row in run():
        print(f"{row.metric:<62} {row.value or 0:9.3f} {row.unit:<10} {row.note}")
