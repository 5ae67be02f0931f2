"""The reflector runs on a far-end host from its own entry point, without the survey's dependencies."""

from __future__ import annotations

import subprocess
import sys

# Packages a far-end host must not need: the survey, the device layer, the CLI and report stack.
SURVEY_ONLY = {"assess", "collectors", "checks", "platforms", "typer", "rich", "netmiko", "napalm", "numpy",
               "matplotlib", "weasyprint", "scapy", "jinja2", "yaml"}


def _loaded_by(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
                          capture_output=True, text=True, timeout=60, check=True)
    return {name.split(".")[0] for name in done.stdout.split()}


def test_the_reflector_entry_point_loads_only_wire_core_and_the_standard_library() -> None:
    loaded = _loaded_by("import reflector.__main__")
    assert "reflector" in loaded and "wire" in loaded
    assert loaded & SURVEY_ONLY == set()


def test_bad_bind_is_one_error_line_and_exit_2() -> None:
    done = subprocess.run([sys.executable, "-m", "reflector", "--bind", "not-an-address", "--port", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --bind 'not-an-address' is not an IPv4 address"


def test_both_command_lines_refuse_the_last_port_for_stun_which_also_uses_the_next() -> None:
    alone = subprocess.run([sys.executable, "-m", "reflector", "--stun-port", "65535"],
                           capture_output=True, text=True, timeout=30)
    assert alone.returncode == 2 and "--stun-port: 65535 is not in 0-65534" in alone.stderr
    typed = subprocess.run([sys.executable, "-m", "assess", "reflector", "--stun-port", "65535"],
                           capture_output=True, text=True, timeout=30)
    assert typed.returncode == 2 and "--stun-port" in typed.stderr and "65534" in typed.stderr
