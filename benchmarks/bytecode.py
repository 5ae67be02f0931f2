"""Run the project's commands with its bytecode compiled first, as ``pip install`` leaves it, or from source.

pip compiles every module of a package it installs, so a user's ``assess`` reads ``.pyc`` files. A checkout run
with ``PYTHONDONTWRITEBYTECODE=1`` (or a fresh one) compiles the project's modules from source in every process
instead, which costs a light command about a third of its start-up. Both figures are measured, each in a private
``PYTHONPYCACHEPREFIX`` so neither depends on what ``__pycache__`` folders a checkout happens to hold:

- ``installed``: every module of the project compiled with ``compileall`` (as pip does), and the libraries'
  modules that the commands import compiled once by a warm-up run (pip compiled them too at their install).
- ``from_source``: the same cache without the project's files: libraries from bytecode, the project from source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The packages pyproject.toml installs that hold Python code.
PROJECT_PACKAGES = ("assess", "core", "wire", "platforms", "reflector", "collectors", "checks")
INSTALLED_NOTE = "bytecode precompiled, as an install leaves it"
FROM_SOURCE_NOTE = "project compiled from source in every run (PYTHONDONTWRITEBYTECODE=1 checkout)"


@dataclass(frozen=True)
class BytecodeEnvs:
    """Process environments for timing: the project as installed (bytecode) and from source."""

    installed: dict[str, str]
    from_source: dict[str, str]


def _env(prefix: Path, write: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env if write else {**env, "PYTHONDONTWRITEBYTECODE": "1"}


def _project_cache(prefix: Path) -> Path:
    """Where the project's ``.pyc`` files land under ``prefix`` (the prefix mirrors absolute source paths)."""
    return prefix / ROOT.relative_to(ROOT.anchor)


@contextmanager
def bytecode_envs(
    warm_up: Sequence[Sequence[str]], packages: Sequence[str] = PROJECT_PACKAGES
) -> Iterator[BytecodeEnvs]:
    """Compile the project's ``packages``, run each ``warm_up`` command once (caching its libraries' bytecode)."""
    with tempfile.TemporaryDirectory(prefix="bench-pyc-") as tmp:
        installed, from_source = Path(tmp) / "installed", Path(tmp) / "from-source"
        folders = [str(ROOT / name) for name in packages]
        subprocess.run([sys.executable, "-m", "compileall", "-q", "-j0", *folders],
                       env=_env(installed, write=True), check=True, capture_output=True)  # fmt: skip
        for cmd in warm_up:
            subprocess.run(list(cmd), env=_env(installed, write=True), capture_output=True, timeout=600)
        shutil.copytree(installed, from_source, symlinks=True)
        # The project's packages only: a virtualenv inside the checkout (./dev makes .venv there) keeps its
        # libraries' bytecode, as a checkout run from source does.
        for name in packages:
            shutil.rmtree(_project_cache(from_source) / name, ignore_errors=True)
        yield BytecodeEnvs(_env(installed, write=False), _env(from_source, write=False))
