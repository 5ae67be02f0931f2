"""The start-up benchmarks' two ways of running the project: bytecode precompiled (as installed) and from source."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.bytecode import bytecode_envs

# The warm-up imports no module of the project: its bytecode must come from compiling the package up front.
WARM_UP = [sys.executable, "-c", "import json.decoder, typing_extensions"]
PROBE = [sys.executable, "-v", "-c", "import core.errors, json.decoder, typing_extensions"]


def _where_loaded(env: dict[str, str], module_file: str) -> str:
    """Python's own account (``-v``) of where ``module_file``'s code object came from."""
    trace = subprocess.run(PROBE, env=env, capture_output=True, text=True, check=True, timeout=120).stderr
    line = next(line for line in trace.splitlines() if line.startswith("# code object from") and module_file in line)
    return line.rstrip("'")


def test_installed_reads_the_projects_bytecode_and_from_source_compiles_it() -> None:
    with bytecode_envs([WARM_UP], packages=["core"]) as envs:  # one package keeps the test short
        installed = _where_loaded(envs.installed, "core/errors")
        from_source = _where_loaded(envs.from_source, "core/errors")
        library = _where_loaded(envs.from_source, "json/decoder")
        installed_library = _where_loaded(envs.from_source, "typing_extensions")
    assert installed.endswith(f"core/errors.{sys.implementation.cache_tag}.pyc")
    assert from_source.endswith("core/errors.py")
    assert library.endswith(".pyc")  # libraries (here the standard library's) from bytecode in both
    # and an installed library's, also when the virtualenv lies inside the checkout (./dev makes .venv there)
    assert installed_library.endswith(".pyc")
