"""Turn a plan's credential *reference* into a login, without ever logging or saving the secret.

Sources, in order: ``password_env`` (environment), ``keyring_service`` (OS
keyring), ``prompt`` (getpass, only on a terminal), and ``ssh_key`` (a key
file). A source that cannot deliver raises :class:`CredentialError` whose
message becomes the device's "not assessed" reason.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import keyring
from keyring.errors import KeyringError
from pydantic import BaseModel, ConfigDict, SecretStr

from core.plan import Credentials


class CredentialError(Exception):
    """The credentials a plan points at are not available (message is safe to show)."""


class Login(BaseModel):
    """A resolved login. The password is a SecretStr so it never appears in repr, logs or JSON."""

    model_config = ConfigDict(frozen=True)

    username: str
    password: SecretStr | None = None
    key_file: Path | None = None
    enable_secret: SecretStr | None = None


PromptFn = Callable[[str], str]


def _username(creds: Credentials, env: Mapping[str, str]) -> str:
    if creds.username:
        return creds.username
    if creds.username_env:
        value = env.get(creds.username_env)
        if not value:
            raise CredentialError(f"environment variable {creds.username_env} (username) is not set")
        return value
    raise CredentialError("no username in the plan (credentials.username or username_env)")


def _password(
    creds: Credentials, user: str, device: str, env: Mapping[str, str], prompt: PromptFn | None
) -> str | None:
    if creds.password_env:
        value = env.get(creds.password_env)
        if value is None:
            raise CredentialError(f"environment variable {creds.password_env} (password) is not set")
        return value
    if creds.keyring_service:
        try:
            value = keyring.get_password(creds.keyring_service, user)
        except KeyringError as exc:
            raise CredentialError(f"OS keyring unavailable for service {creds.keyring_service!r}: {exc}") from None
        if value is None:
            raise CredentialError(f"no password in the OS keyring for service {creds.keyring_service!r}, user {user!r}")
        return value
    if creds.prompt:
        if prompt is None:
            raise CredentialError("password prompt needed but stdin is not a terminal (use password_env or keyring)")
        return prompt(f"Password for {user}@{device}: ")
    return None


def _key_file(creds: Credentials) -> Path | None:
    if not creds.ssh_key:
        return None
    path = Path(creds.ssh_key).expanduser()
    if not path.is_file():
        raise CredentialError(f"ssh key file {path} does not exist")
    return path


def default_prompt() -> PromptFn | None:
    """getpass when stdin is a terminal, else None (never prompt a pipe or a CI job)."""
    return getpass.getpass if sys.stdin is not None and sys.stdin.isatty() else None


def resolve(
    creds: Credentials,
    device: str,
    *,
    env: Mapping[str, str] | None = None,
    prompt: PromptFn | None = None,
) -> Login:
    """The login for ``device`` from its plan credentials (raises CredentialError with a safe reason)."""
    env = os.environ if env is None else env
    user = _username(creds, env)
    password = _password(creds, user, device, env, prompt)
    key_file = _key_file(creds)
    if password is None and key_file is None:
        raise CredentialError("no password source and no ssh_key in the plan's credentials")
    enable = password
    if creds.enable_secret_env:
        enable = env.get(creds.enable_secret_env)
        if enable is None:
            raise CredentialError(f"environment variable {creds.enable_secret_env} (enable secret) is not set")
    return Login(
        username=user,
        password=SecretStr(password) if password is not None else None,
        key_file=key_file,
        enable_secret=SecretStr(enable) if enable is not None else None,
    )


class CredentialCache:
    """Resolves each distinct credential reference once (so a prompt is asked once per run)."""

    def __init__(self, *, env: Mapping[str, str] | None = None, prompt: PromptFn | None = None) -> None:
        self._env = env
        self._prompt = prompt
        self._seen: dict[str, Login | CredentialError] = {}

    def get(self, creds: Credentials, device: str) -> Login:
        """The login for ``device``; the same reference gives the same answer (or error) without asking again."""
        key = creds.model_dump_json()
        if key not in self._seen:
            try:
                self._seen[key] = resolve(creds, device, env=self._env, prompt=self._prompt)
            except CredentialError as exc:
                self._seen[key] = exc
        found = self._seen[key]
        if isinstance(found, CredentialError):
            raise found
        return found
