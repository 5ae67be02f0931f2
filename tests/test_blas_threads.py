"""The `assess` program starts no OpenBLAS worker thread: numpy's would spin ~40 ms of CPU per process for nothing.

OpenBLAS starts one worker thread per further core as numpy loads (no command does linear algebra). The program
sets OPENBLAS_NUM_THREADS=1 before any command runs, unless the user set it; the report's worker processes
inherit it. Threads are counted through Linux's /proc once the command has finished.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pcapgen import sample_call_frames, write_capture
from tests.report_fixtures import all_sites
from tests.test_report_cmd import save

ROOT = Path(__file__).resolve().parents[1]
BLAS_THREADS = "OPENBLAS_NUM_THREADS"

# The program's entry point (as the `assess` script and `python -m assess` run it); prints the process's threads
# beyond Python's own and whether numpy was loaded. They are counted before the process first forks (OpenBLAS
# stops its threads then, and starts them again only for its next parallel call) and at exit, where the count is
# read until it is Python's own, for up to 2 s: a Python thread that has just ended (the chart worker pool's) can
# still be listed for a moment.
THREADS_SCRIPT = """
import atexit, os, sys, threading, time
extra = []
def count():
    extra.append(len(os.listdir("/proc/self/task")) - threading.active_count())
def on_event(event, args):
    if event == "os.fork" and len(extra) == 0:
        count()
def at_exit():
    for _ in range(100):
        if len(os.listdir("/proc/self/task")) == threading.active_count():
            break
        time.sleep(0.02)
    count()
    print(f"EXTRA_THREADS={max(extra)} NUMPY={'numpy' in sys.modules}")
sys.addaudithook(on_event)
atexit.register(at_exit)
sys.argv = ["assess", *sys.argv[1:]]
from assess.__main__ import main
main()
"""

pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through Linux's /proc"),
    pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="OpenBLAS starts no worker thread on one core"),
]


def extra_threads(args: list[str], blas_threads: str | None = None) -> str:
    """``EXTRA_THREADS=n NUMPY=bool`` of ``assess ARGS`` run as the program, OPENBLAS_NUM_THREADS unset or as given."""
    env = {k: v for k, v in os.environ.items() if k != BLAS_THREADS}
    if blas_threads is not None:
        env[BLAS_THREADS] = blas_threads
    done = subprocess.run([sys.executable, "-c", THREADS_SCRIPT, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env=env, check=True)  # fmt: skip
    return done.stdout.splitlines()[-1]


@pytest.fixture(scope="module")
def small_capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_capture(tmp_path_factory.mktemp("blas") / "calls.pcap", sample_call_frames())


@pytest.fixture(scope="module")
def saved_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save(all_sites()[:1], tmp_path_factory.mktemp("results"))


def test_pcap_starts_no_blas_worker_threads(small_capture: Path) -> None:
    assert extra_threads(["pcap", str(small_capture), "--json"]) == "EXTRA_THREADS=0 NUMPY=True"


def test_report_starts_no_blas_worker_threads(saved_results: Path, tmp_path: Path) -> None:
    """matplotlib loads numpy; the PDF's charts are drawn here or in a worker process forked from here."""
    args = ["report", str(saved_results), "--out", str(tmp_path), "--format", "pdf"]
    assert extra_threads(args) == "EXTRA_THREADS=0 NUMPY=True"
    assert (tmp_path / "hq" / "report.pdf").is_file()


def test_a_users_own_blas_setting_is_kept(small_capture: Path) -> None:
    """Two threads asked for on a machine of at least two cores: the calling thread and one worker."""
    assert extra_threads(["pcap", str(small_capture), "--json"], blas_threads="2") == "EXTRA_THREADS=1 NUMPY=True"
