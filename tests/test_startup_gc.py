"""The garbage collector is off while `assess` starts up and on again for the command's own work."""

from __future__ import annotations

import gc
import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from assess.cli import main
from assess.commands import emodel as emodel_cmd
from tests.pcapgen import sample_call_frames, write_capture

ROOT = Path(__file__).resolve().parents[1]

# Runs `python -m assess ARGS` (or, with ENTRY=script, what the installed `assess` script runs once it has imported
# assess.cli), counting the collections from there until start-up is declared over and noting whether the
# collector is on while the E-model computes.
SCRIPT = """
import atexit, gc, os, runpy, sys
import assess.startup_gc as startup_gc
import core.emodel
early, during = [], []
over = False
resume, emodel = startup_gc.resume, core.emodel.emodel
def resumed():
    global over
    over = over or startup_gc._paused
    resume()
def spied(*args, **kwargs):
    during.append(gc.isenabled())
    return emodel(*args, **kwargs)
startup_gc.resume, core.emodel.emodel = resumed, spied
atexit.register(lambda: print(f"EARLY={len(early)} RESUMED={over} DURING={during} AFTER={gc.isenabled()}"))
sys.argv = ["assess", *sys.argv[1:]]
if os.environ["ENTRY"] == "script":
    from assess.cli import main
gc.callbacks.append(lambda phase, info: early.append(1) if phase == "start" and not over else None)
if os.environ["ENTRY"] == "module":
    runpy.run_module("assess", run_name="__main__", alter_sys=True)
else:
    sys.exit(main())
"""


def _program(args: list[str], entry: str) -> str:
    env = {"ENTRY": entry, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120, check=True)  # fmt: skip
    return done.stdout.splitlines()[-1]


@pytest.mark.parametrize("entry", ["module", "script"])
def test_start_up_runs_no_collection_and_the_command_runs_with_the_collector_on(entry: str) -> None:
    """No collection before the command's module is loaded; what a command does (a long survey) is collected."""
    line = _program(["emodel", "--codec", "g711", "--json"], entry)
    assert line == "EARLY=0 RESUMED=True DURING=[True] AFTER=True"


def test_pcap_imports_numpy_with_the_collector_off(tmp_path: Path) -> None:
    capture = write_capture(tmp_path / "calls.pcap", sample_call_frames())
    assert _program(["pcap", str(capture), "--json"], "module").startswith("EARLY=0 RESUMED=True DURING=[True")


def test_a_program_running_commands_in_its_own_process_keeps_its_collector_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    real = emodel_cmd.emodel

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(emodel_cmd, "emodel", spy)
    monkeypatch.setattr(sys, "argv", ["assess", "emodel", "--codec", "g711", "--json"])
    frozen = gc.get_freeze_count()
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()), pytest.raises(SystemExit):
        main()
    assert (seen, gc.isenabled(), gc.get_freeze_count()) == ([True], True, frozen)


# Counts the collections of `python -m assess facts ...` from its start to the end of the command, and notes whether
# the collector is on again then.
COUNT_SCRIPT = """
import functools, gc, runpy, sys
import assess.commands.device_cmds as device_cmds
command = device_cmds.facts
@functools.wraps(command)
def counted(*args, **kwargs):
    try:
        return command(*args, **kwargs)
    finally:
        print(f"COLLECTIONS={len(collections)} AFTER={gc.isenabled()}", file=sys.stderr)
device_cmds.facts = counted
collections = []
gc.callbacks.append(lambda phase, info: collections.append(info["generation"]) if phase == "start" else None)
sys.argv = ["assess", *sys.argv[1:]]
runpy.run_module("assess", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("output", [[], ["--json"]], ids=["table", "json"])
def test_facts_on_a_small_config_runs_no_collection(output: list[str]) -> None:
    """`assess facts` imports its parser, netutils and rich after start-up: none of that is garbage to look for."""
    config = ROOT / "samples" / "evidence" / "hq" / "hq-sw1" / "show_running-config.txt"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", COUNT_SCRIPT, "facts", str(config), *output], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120, check=True)  # fmt: skip
    assert done.stderr.splitlines()[-1] == "COLLECTIONS=0 AFTER=True"
