"""The environment of a child process that needs the shared secret: it goes there, never on a
command line where `ps` would show it."""

from __future__ import annotations

import os


def secret_env(secret: str | None) -> dict[str, str]:
    """This process's environment with ASSESS_SECRET set to ``secret`` (removed when None)."""
    env = dict(os.environ)
    env.pop("ASSESS_SECRET", None)
    if secret:
        env["ASSESS_SECRET"] = secret
    return env
