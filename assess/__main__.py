"""`python -m assess` and the installed `assess` script run the command line."""

from __future__ import annotations

import atexit
import os
import sys

from assess import startup_gc

BLAS_THREADS = "OPENBLAS_NUM_THREADS"


def single_threaded_blas() -> None:
    """No OpenBLAS worker threads in this process or the processes it starts (report and chart workers).

    numpy's OpenBLAS starts a worker thread per further core as numpy loads, and they spin for work that never
    comes (~40 ms of CPU per process): no command does linear algebra (matplotlib's charts, the pcap and pilot
    statistics). OpenBLAS reads the variable once, as numpy loads; a user's own setting is kept.
    """
    os.environ.setdefault(BLAS_THREADS, "1")


def main() -> None:
    """Pause the collector, then import and run the command line (see assess/startup_gc.py)."""
    startup_gc.pause()
    single_threaded_blas()
    from assess.cli import main as run_command_line  # imported after the pause, on purpose

    try:
        run_command_line()
    except SystemExit as done:
        exit_without_teardown(done.code)
    exit_without_teardown(0)


def exit_without_teardown(code: str | int | None) -> None:
    """End the program with ``code`` as Python would, without tearing the interpreter down.

    Python's own exit frees every module and object one by one and collects them a last time: ~2 % of a light
    command (``assess facts`` on a small config), for memory the system takes back anyway. What an exit must still
    do is done here: the ``atexit`` handlers (logging, temporary directories, multiprocessing) run and the standard
    streams are flushed. Whenever that is not all (another thread still running, a message as exit code, a stream
    that cannot be flushed), Python's own exit runs instead.
    """
    import threading  # here, not above: its import allocates before start-up pauses the collector

    status = 0 if code is None else code
    if not isinstance(status, int) or threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe or stream: Python's exit reports it as it always does
        sys.exit(code)
    os._exit(status)


if __name__ == "__main__":
    main()
