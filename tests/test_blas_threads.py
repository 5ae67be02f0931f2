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
# and whether numpy was loaded once the command has finished.
THREADS_SCRIPT = """
import atexit, os, sys
atexit.register(lambda: print(f"THREADS={len(os.listdir('/proc/self/task'))} NUMPY={'numpy' in sys.modules}"))
sys.argv = ["assess", *sys.argv[1:]]
from assess.__main__ import main
main()
"""

pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through Linux's /proc"),
    pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="OpenBLAS starts no worker thread on one core"),
]


def threads_at_exit(args: list[str], blas_threads: str | None = None) -> str:
    """``THREADS=n NUMPY=bool`` of ``assess ARGS`` run as the program, OPENBLAS_NUM_THREADS unset or as given."""
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
    assert threads_at_exit(["pcap", str(small_capture), "--json"]) == "THREADS=1 NUMPY=True"


def test_report_starts_no_blas_worker_threads(saved_results: Path, tmp_path: Path) -> None:
    """matplotlib loads numpy; the PDF's charts are drawn here or in a worker process forked from here."""
    args = ["report", str(saved_results), "--out", str(tmp_path), "--format", "pdf"]
    assert threads_at_exit(args) == "THREADS=1 NUMPY=True"
    assert (tmp_path / "hq" / "report.pdf").is_file()


def test_a_users_own_blas_setting_is_kept(small_capture: Path) -> None:
    """Two threads asked for on a machine of at least two cores: OpenBLAS's own and one worker."""
    assert threads_at_exit(["pcap", str(small_capture), "--json"], blas_threads="2") == "THREADS=2 NUMPY=True"
